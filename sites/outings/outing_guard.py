"""The limits on joining a class outing, on recovering a passport and on unknown class codes: per address group
and per outing, per process, as the plaque-report form's (sites/form_guard.py). Kept apart from the passport cookie
so that the app's state can hold one without importing the web code that reads the state."""

from dataclasses import dataclass, field

from sites.form_guard import FormLimiter

# Generous: a class behind one school router shares an address (docs: field notes on carrier NAT). Each limit is
# per address group (an IPv6 /64 is one) and per outing, an hour; an outing's exceeds an address's, so one party
# cannot use up an outing's alone, and no limit is shared by all outings (issue 21).
JOINS_PER_ADDRESS = 120  # passports made per address and hour
JOINS_PER_OUTING = 600  # passports made per outing and hour, from all addresses
RECOVERIES_PER_ADDRESS = 30  # recovery attempts per address and hour: guessing a code of 32^8 is hopeless
RECOVERIES_PER_OUTING = 150
# Class codes that exist nowhere, per address group and hour: a class's typos fit; enumerating 32^6 codes does not
# (issue 21: 300 lookups a second). No cap in all: one party could use it up for everyone.
UNKNOWN_CODES_PER_ADDRESS = 100
TRACKED = 2_000  # keys per table and limit: two numbers each


@dataclass
class OutingGuard:
    """Rate limits (per address group and outing, per process) on making passports and on recovery attempts, and
    (per address group) on looking up class codes that do not exist. Answers need none: a passport answers each
    question once, and making passports is limited."""

    secret: str
    joins: FormLimiter = field(init=False)
    recoveries: FormLimiter = field(init=False)
    unknown_codes: FormLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.joins = FormLimiter(self.secret, JOINS_PER_ADDRESS, JOINS_PER_OUTING, tracked=TRACKED)
        self.recoveries = FormLimiter(self.secret, RECOVERIES_PER_ADDRESS, RECOVERIES_PER_OUTING, tracked=TRACKED)
        self.unknown_codes = FormLimiter(self.secret, UNKNOWN_CODES_PER_ADDRESS, None, tracked=TRACKED)

"""Late scans: plaques scanned with no signal, kept on the phone and sent when it is online again.

The rules a late scan passes before the visit store sees it (`check`), and the decision the store makes in the
same transaction as the counts (`admit`): each scan id counts once ever; a phone's scans of one site count once
per window, by the phone's scan times, as live visits do (sites/visit_gate.repeats); each phone and each address
gets at most `cap` counted late scans per day (the day they arrive), and each address at most `site_cap` of one
site (issue 21: five addresses with forged ids added 1,500 to one site in a day). A counted late scan is a scan
of its site on the Vietnamese day it happened, also counted in that day's `late_scans`; it adds nothing to unique
visitors: the keys that made the visitor ids of past days are deleted by design, and a phone's id is never stored
as it is.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sites.visits.visit_gate import repeats

MAX_AGE = timedelta(days=14)  # older scans are refused: the phone had a fortnight to find a network
# Scan ids are kept one day longer than a scan can be accepted, so a retry is a duplicate until it is too old.
KEEP_IDS = MAX_AGE + timedelta(days=1)
# Allowed ahead of the server's clock after correction: the time a request takes, and clocks read a moment apart.
FUTURE_TOLERANCE = timedelta(minutes=5)
# Larger skews are not corrected but refused: phones set their clocks from the network, and a phone whose wall
# clock is right but whose time zone is wrong (set by hand) is off by whole hours, at most 26 (UTC-12 to UTC+14).
# Beyond that the clock was reset or set by hand in between, and the times of its scans mean nothing.
MAX_SKEW = timedelta(hours=26)


class Outcome(StrEnum):
    """What became of one late scan the store was given."""

    COUNTED = "counted"
    DUPLICATE = "duplicate"  # its id was counted before (a retry) or earlier in the same request
    REPEAT = "repeat"  # this phone's scan of this site within the window of one counted (by the phone's times)
    PHONE_CAP = "phone-cap"  # this phone had `cap` late scans counted today
    ADDRESS_CAP = "address-cap"  # this address had `cap` late scans counted today
    SITE_CAP = "site-cap"  # this address had `site_cap` late scans of this site counted today


@dataclass(frozen=True, slots=True)
class LateScan:
    """A scan of the site `slug` at `at` (on the server's clock) on `day` (Vietnam, sites.visits.visit.vietnam_day),
    with the id the phone gave it (16 bytes)."""

    id: bytes
    slug: str
    at: datetime
    day: date


@dataclass(frozen=True)
class LateBatch:
    """The late scans of one request, from a phone and an address (keyed hashes that change every day, see
    sites/visits.VisitorHasher), received on `received` (Vietnam), each sender counted at most `cap` a day, and the
    address at most `site_cap` for one site."""

    scans: list[LateScan]
    phone: bytes
    address: bytes
    received: date
    cap: int
    site_cap: int
    senders: tuple[bytes, bytes] = field(init=False)

    def __post_init__(self) -> None:
        # One table of per-day quotas for both kinds of sender; the prefix keeps their hashes apart.
        object.__setattr__(self, "senders", (b"p" + self.phone, b"a" + self.address))

    def site_sender(self, slug: str) -> bytes:
        """The quota key of this address for the site `slug` (`site_cap`), in the same table as `senders`."""
        return b"s" + self.address + slug.encode()


def check(at: datetime, sent_at: datetime, now: datetime) -> str | None:
    """Why a scan at `at` (phone clock), sent at `sent_at` (phone clock) and received at `now`, is refused, or
    None. The scan's time on the server's clock is `corrected(at, sent_at, now)`."""
    skew = now - sent_at
    if abs(skew) > MAX_SKEW:
        hours = MAX_SKEW // timedelta(hours=1)
        return (f"not counted: the phone's clock is off by more than {hours} hours (sent_at), "
                "its times cannot be trusted")
    moment = at + skew
    if moment > now + FUTURE_TOLERANCE:
        return "not counted: the scan time is in the future"
    if moment < now - MAX_AGE:
        return f"not counted: the scan is more than {MAX_AGE.days} days old"
    return None


def corrected(at: datetime, sent_at: datetime, now: datetime) -> datetime:
    """The scan time `at` on the server's clock: moved by the phone clock's skew (`check` has bounded it)."""
    return at + (now - sent_at)


def admit(batches: Iterable[LateBatch], known: set[bytes], used: dict[tuple[date, bytes], int],
          counted_at: dict[tuple[date, bytes, str], list[datetime]]) -> list[list[Outcome]]:
    """What becomes of each scan of `batches`, in order, given the ids counted before (`known`), the late scans
    counted so far per (day, sender) (`used`: phones, addresses, addresses per site) and the times of the scans
    counted so far per (day received, phone, site) (`counted_at`); all three are updated here."""
    outcomes = []
    for batch in batches:
        phone, address = ((batch.received, sender) for sender in batch.senders)
        decided = []
        for scan in batch.scans:
            site = (batch.received, batch.site_sender(scan.slug))
            times = counted_at.setdefault((batch.received, batch.phone, scan.slug), [])
            if scan.id in known:
                decided.append(Outcome.DUPLICATE)
            elif any(repeats(earlier.timestamp(), scan.at.timestamp()) for earlier in times):
                decided.append(Outcome.REPEAT)
            elif used.get(phone, 0) >= batch.cap:
                decided.append(Outcome.PHONE_CAP)
            elif used.get(address, 0) >= batch.cap:
                decided.append(Outcome.ADDRESS_CAP)
            elif used.get(site, 0) >= batch.site_cap:
                decided.append(Outcome.SITE_CAP)
            else:
                known.add(scan.id)
                times.append(scan.at)
                for sender in (phone, address, site):
                    used[sender] = used.get(sender, 0) + 1
                decided.append(Outcome.COUNTED)
        outcomes.append(decided)
    return outcomes


def tallies(batches: Iterable[LateBatch],
            outcomes: list[list[Outcome]]) -> dict[tuple[str, date], tuple[int, datetime]]:
    """The counted scans per (site, day) with the latest of their times, for adding to the counts."""
    counted: dict[tuple[str, date], tuple[int, datetime]] = {}
    for batch, decided in zip(batches, outcomes, strict=True):
        for scan, outcome in zip(batch.scans, decided, strict=True):
            if outcome is Outcome.COUNTED:
                number, last = counted.get((scan.slug, scan.day), (0, scan.at))
                counted[(scan.slug, scan.day)] = (number + 1, max(last, scan.at))
    return counted


def quota_keys(batches: Iterable[LateBatch]) -> set[tuple[date, bytes]]:
    """Every (day received, sender) whose quota `admit` may read for `batches`."""
    return {(batch.received, sender) for batch in batches
            for sender in (*batch.senders, *(batch.site_sender(scan.slug) for scan in batch.scans))}


def sender_use(batches: Iterable[LateBatch], outcomes: list[list[Outcome]]) -> dict[tuple[date, bytes], int]:
    """The counted scans of `batches` per (day received, sender), for adding to the quotas."""
    use: dict[tuple[date, bytes], int] = {}
    for batch, decided in zip(batches, outcomes, strict=True):
        for scan, outcome in zip(batch.scans, decided, strict=True):
            if outcome is Outcome.COUNTED:
                for sender in (*batch.senders, batch.site_sender(scan.slug)):
                    use[(batch.received, sender)] = use.get((batch.received, sender), 0) + 1
    return use


def counted_times(batches: Iterable[LateBatch],
                  outcomes: list[list[Outcome]]) -> list[tuple[date, bytes, str, datetime]]:
    """(day received, phone, site, scan time) of each counted scan of `batches`, for the window of later ones."""
    return [(batch.received, batch.phone, scan.slug, scan.at) for batch, decided in zip(batches, outcomes, strict=True)
            for scan, outcome in zip(batch.scans, decided, strict=True) if outcome is Outcome.COUNTED]

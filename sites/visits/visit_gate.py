"""Which of a person's visits are counted: one per visitor and site in a window, and a ceiling per address.

A visitor (a keyed hash of the phone's random visitor cookie, or of address and User-Agent for a browser
without it, see `VisitorHasher`) counts one scan of a site per
`WINDOW_SECONDS`; a view of a site counts unless that visitor's scan or view of it was counted in the
window (a scan and then a language switch or a reload is one visit). Every address has a ceiling of
counted visits per `ADDRESS_PERIOD_SECONDS`: a class of 40 phones behind one school router, or many
phones behind a carrier's shared address, counts in full, but one client rotating its User-Agent cannot
add more than the ceiling. Above it, visits are served and not counted.

The state is in memory, bounded (`max_entries`, oldest dropped first) and forgotten at a restart; it is
shared by the requests of one process, which call `admit` on the event loop (no await inside, so each
decision is atomic). Several processes or servers will need it in the shared store (issue 17).
"""

import time
from collections import OrderedDict

from sites.visits.visit import VisitKind

WINDOW_SECONDS = 30 * 60
ADDRESS_PERIOD_SECONDS = 60 * 60
MAX_ENTRIES = 100_000  # each about 250 bytes: tens of MB at most, whatever the traffic


def repeats(earlier: float, later: float, window: float = WINDOW_SECONDS) -> bool:
    """Whether a visit at `later` repeats one of the same visitor and site counted at `earlier` (seconds): the rule
    of live visits (VisitGate) and of late scans by the phone's scan times (sites/visits/late_scans.py), either
    order."""
    return abs(later - earlier) < window


class VisitGate:
    """Decides whether a countable visit is counted; remembers what it admitted."""

    def __init__(self, per_address: int, window: float = WINDOW_SECONDS, period: float = ADDRESS_PERIOD_SECONDS,
                 max_entries: int = MAX_ENTRIES):
        self.per_address, self.window, self.period, self.max_entries = per_address, window, period, max_entries
        # visitor + slug -> (when a visit was last counted, when a scan was last counted), oldest first
        self._visitors: OrderedDict[bytes, tuple[float, float]] = OrderedDict()
        # address key -> [start of its current period, visits counted in it], oldest period first
        self._addresses: OrderedDict[bytes, list] = OrderedDict()

    def admit(self, visitor: bytes, address: bytes, slug: str, kind: VisitKind, now: float | None = None,
              alias: bytes = b"") -> bool:
        """True if this visit is counted (and remembered as such); False if it is a repeat or over the ceiling.

        `alias`, when given, is the id the same browser has from its next request on (a visitor cookie given with
        this answer): it takes over this visitor's window, counted now or earlier, so a reload is no new visit."""
        now = time.monotonic() if now is None else now
        self._forget_before(now)
        key = visitor + slug.encode()
        last_visit, last_scan = self._visitors.get(key, (None, None))
        recent = last_scan if kind is VisitKind.SCAN else last_visit
        if recent is not None and repeats(recent, now, self.window):
            self._alias(alias, slug, key)
            return False
        period = self._addresses.get(address)
        if period is None:
            period = self._addresses[address] = [now, 0]
        if period[1] >= self.per_address:
            return False
        period[1] += 1
        self._visitors.pop(key, None)  # re-inserted at the end: the dict stays ordered by last counted visit
        self._visitors[key] = (now, now if kind is VisitKind.SCAN else last_scan)
        self._alias(alias, slug, key)
        self._trim(self._visitors)
        self._trim(self._addresses)
        return True

    def _alias(self, alias: bytes, slug: str, key: bytes) -> None:
        # Kept at the end though it may be older than others: it is then forgotten a little late, never early.
        if alias:
            self._visitors[alias + slug.encode()] = self._visitors[key]
            self._trim(self._visitors)

    def _forget_before(self, now: float) -> None:
        """Drop visitors whose window is over and addresses whose period is over (both kept oldest first)."""
        while self._visitors and now - next(iter(self._visitors.values()))[0] >= self.window:
            self._visitors.popitem(last=False)
        while self._addresses and now - next(iter(self._addresses.values()))[0] >= self.period:
            self._addresses.popitem(last=False)

    def _trim(self, entries: OrderedDict) -> None:
        # Over the bound only under a flood of distinct visitors or addresses: forgetting the oldest can at
        # worst count one of them again sooner, and never costs memory.
        while len(entries) > self.max_entries:
            entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._visitors) + len(self._addresses)

"""What a visit is and what is counted of it: the values shared by the counting rule (sites/visits/visit_gate.py),
the store interface (sites/visits/store.py) and both back ends, in a module that imports none of them."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum


class VisitKind(StrEnum):
    """How the visitor arrived: by scanning a plaque, or by opening the page any other way."""

    SCAN = "scan"
    VIEW = "view"


# Days are Vietnamese days: a visit at 23:30 in Cần Thơ counts for that date, whatever the server's zone.
# Vietnam has kept UTC+7 without daylight saving since 1975.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of the site `slug`; `visitor` and `address` (for the ceiling per address) come from
    `VisitorHasher`; `alias` is the visitor's id from its next request on, when this answer gives it a visitor
    cookie (sites/visits/visit_gate.py remembers a counted visit under both)."""

    slug: str
    kind: VisitKind
    visitor: bytes
    at: datetime
    address: bytes = b""
    alias: bytes = b""

    @property
    def day(self) -> date:
        return vietnam_day(self.at)


def vietnam_day(moment: datetime) -> date:
    """The date in Vietnam at `moment`."""
    return moment.astimezone(VIETNAM_TIME).date()


@dataclass(frozen=True)
class Counts:
    """Visits of one site over a day or a period.

    `unique_visitors` counts distinct visitors per day; over a period it is the sum of the days. `late_scans`
    are the scans among `scans` made offline and sent later (sites/visits/late_scans.py).
    """

    scans: int = 0
    views: int = 0
    unique_visitors: int = 0
    last_visit: datetime | None = None
    late_scans: int = 0

    @property
    def visits(self) -> int:
        """What the app calls visits: scans and page views together."""
        return self.scans + self.views

    def __add__(self, other: "Counts") -> "Counts":
        lasts = [moment for moment in (self.last_visit, other.last_visit) if moment]
        return Counts(self.scans + other.scans, self.views + other.views,
                      self.unique_visitors + other.unique_visitors, max(lasts) if lasts else None,
                      self.late_scans + other.late_scans)


class VisitStoreUnavailable(Exception):
    """The visit store is damaged: nothing is counted or read until staff restore it (the message says why)."""

"""The visit store's interface: what the app needs of a place where visits are recorded and counted. One module per
back end implements it: SQLite (sites/visits/store_sqlite.py, the default) and PostgreSQL
(sites/visits/store_pg.py); sites/stores.py chooses one from the settings."""

from collections.abc import Callable
from datetime import date
from typing import Protocol

from sites.visits.late_scans import LateBatch, Outcome
from sites.visits.visit import Counts, Visit


class VisitStore(Protocol):
    """Where visits are recorded and counted; the app needs nothing more.

    A damaged (or unreachable) store does not stop the app: `problem` says why, `record` and the queries
    raise VisitStoreUnavailable, and the stored data is left as it is for staff to restore.
    """

    problem: str | None
    observe_commit: Callable[[float, int], None] | None  # told each commit's seconds and items (sites/operations)
    # How many batches of visits this process has committed: counts read before a change are still current while
    # it stays the same (other processes' visits aside), so lists built from them may be kept (api/caches).
    changes: int

    async def record(self, visit: Visit) -> bool:
        """Whether `visit` is counted (one per visitor and site in a window, within the ceiling per address,
        see sites/visits/visit_gate.py); a counted visit is durably stored when this returns."""

    async def record_late(self, batch: LateBatch) -> list[Outcome]:
        """Count the late scans of `batch` (sites/late_scans.admit decides, in the transaction that counts them);
        returns what became of each, once the counted ones are durably stored."""

    def totals(self) -> dict[str, Counts]:
        """All-time counts of every site visited at least once, by slug."""

    def daily(self, start: date, end: date, slugs: list[str] | None = None) -> dict[str, dict[date, Counts]]:
        """Counts per site (all, or `slugs`) and per day from `start` to `end` included; days without visits
        are left out."""

    def period_totals(self, start: date, end: date) -> dict[str, Counts]:
        """Counts of every site visited from `start` to `end` included, by slug, summed over the days."""

    async def close(self) -> None:
        """Finish pending writes and release the store."""

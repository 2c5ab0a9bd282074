"""Every shared store of a deployment, from one setting: SQLite files in the data folder (the default, one
process), or PostgreSQL when a database URL is given (many processes and servers)."""

from dataclasses import dataclass
from pathlib import Path

from sites.outings.certificate_key import CertificateKey
from sites.outings.certificate_key_pg import PostgresCertificateKey
from sites.outings.certificate_key_sqlite import KEY_FILE, SQLiteCertificateKey
from sites.outings.store import OutingStore
from sites.outings.store_pg import PostgresOutingStore
from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore
from sites.plaque_reports.store import ReportStore
from sites.plaque_reports.store_pg import PostgresReportStore
from sites.plaque_reports.store_sqlite import REPORTS_FILE, SQLiteReportStore
from sites.staff.accounts import UserStore
from sites.staff.accounts_json import JsonUserStore
from sites.staff.accounts_pg import PostgresUserStore
from sites.staff.sessions import Sessions, SessionStore
from sites.staff.sessions_pg import PostgresSessionStore
from sites.staff.sessions_sqlite import SESSIONS_FILE, SQLiteSessionStore
from sites.staff.throttle import ThrottleStore
from sites.staff.throttle_pg import PostgresThrottleStore
from sites.staff.throttle_sqlite import THROTTLE_FILE, SQLiteThrottleStore
from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase
from sites.storage.schema_version import folder_version, refuse_newer, stamp_folder
from sites.visits.commit_turns import TURNS_FILE, CommitTurns
from sites.visits.store import VisitStore
from sites.visits.store_sqlite import SQLiteVisitStore
from sites.visits.visit_gate import VisitGate
from sites.visits.visitor_hasher import VisitorHasher
from sites.visits.visitor_keys_pg import PostgresKeyStore
from sites.visits.visitor_keys_sqlite import KEYS_FILE, SQLiteKeyStore

VISITS_FILE = "visits.sqlite3"


@dataclass
class Stores:
    """The visit store, the visitor hasher (with its daily key), sessions, login throttling, plaque reports,
    class outings and the key that signs their certificates."""

    visits: VisitStore
    hasher: VisitorHasher
    sessions: SessionStore
    throttle: ThrottleStore
    reports: ReportStore
    outings: OutingStore
    certificate_key: CertificateKey
    database: PostgresDatabase | None = None
    local_files: tuple[LocalDatabase, ...] = ()  # the small SQLite files behind the stores but the visits'

    async def close(self) -> None:
        """Commit what is waiting and close every store (the SQLite files' logs copied into them): at shutdown."""
        await self.visits.close()
        if self.database:
            self.database.close()
        for local_file in self.local_files:
            local_file.close()


def user_store(data_dir: Path, database_url: str | None, sessions: Sessions | None = None,
               database: PostgresDatabase | None = None) -> UserStore:
    """Staff accounts: users.json in `data_dir`, or PostgreSQL at `database_url` (every server signs the same
    staff in). `sessions` are those to end when a password changes (by default the same back end's session store,
    opened on first use); `database` is the open PostgreSQL of the caller's stores, if any (else a small one)."""
    shared = (database or PostgresDatabase(database_url, max_connections=1)) if database_url else None

    def open_sessions() -> Sessions:
        if sessions is not None:
            return sessions
        if shared is not None:
            return Sessions(PostgresSessionStore(shared))
        return Sessions(SQLiteSessionStore(data_dir / SESSIONS_FILE))

    if shared is not None:
        return PostgresUserStore(shared, data_dir, open_sessions)
    return JsonUserStore(data_dir, open_sessions)


def open_stores(data_dir: Path, database_url: str | None, per_address: int) -> Stores:
    """The stores in `data_dir`, or in PostgreSQL at `database_url`; `per_address` is the hourly ceiling of
    counted visits per address. Opening never fails for an unreachable database: the visit store reports it.
    Each is brought up to this release's schema on opening (sites/storage/schema_version.py); stores of a newer
    release raise SchemaTooNew."""
    if database_url:
        from sites.visits.store_pg import PostgresVisitStore  # with psycopg: SQLite deployments never load it

        database = PostgresDatabase(database_url)
        visits = PostgresVisitStore(database, per_address, CommitTurns(data_dir / TURNS_FILE))
        return Stores(visits, VisitorHasher(PostgresKeyStore(database)),
                      PostgresSessionStore(database), PostgresThrottleStore(database), PostgresReportStore(database),
                      PostgresOutingStore(database), PostgresCertificateKey(database), database)
    refuse_newer(folder_version(data_dir), str(data_dir))
    keys, sessions = SQLiteKeyStore(data_dir / KEYS_FILE), SQLiteSessionStore(data_dir / SESSIONS_FILE)
    throttle, reports = SQLiteThrottleStore(data_dir / THROTTLE_FILE), SQLiteReportStore(data_dir / REPORTS_FILE)
    outings, certificate_key = SQLiteOutingStore(data_dir / OUTINGS_FILE), SQLiteCertificateKey(data_dir / KEY_FILE)
    tables = (keys, sessions, throttle, reports, outings, certificate_key)
    stores = Stores(SQLiteVisitStore(data_dir / VISITS_FILE, VisitGate(per_address)), VisitorHasher(keys), sessions,
                    throttle, reports, outings, certificate_key, local_files=tuple(table.db for table in tables))
    if stores.visits.problem is None:  # a damaged store was left as it is, not brought up to date
        stamp_folder(data_dir)
    return stores

"""Staff accounts in PostgreSQL (`DIACHIDO_DATABASE_URL`): one set of accounts for every server, so staff sign
in to /admin through any of them. Same rules (sites/staff/accounts.py) as the users.json of a data folder
(sites/staff/accounts_json.py).

Opening the store with an empty table imports the data folder's users.json, once (or on first use, if the
database did not answer then): the file is then renamed users.json.imported and never read again, so a later
removal of every account does not bring them back.
"""

import contextlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sites.staff.accounts import UserStore
from sites.staff.accounts_json import USERS_FILE, read_users_file
from sites.staff.sessions import Sessions
from sites.storage.postgres import DatabaseUnavailable, PostgresDatabase

log = logging.getLogger(__name__)

IMPORTED_SUFFIX = ".imported"


class PostgresUserStore(UserStore):
    """The `staff_accounts` table (sites/storage/migrations); `data_dir` is only where a users.json to import may be."""

    def __init__(self, db: PostgresDatabase, data_dir: Path, open_sessions: Callable[[], Sessions]):
        super().__init__(data_dir, open_sessions)
        self.path = data_dir / USERS_FILE
        self.db = db
        self._import_checked = False
        with contextlib.suppress(DatabaseUnavailable):  # opening never fails: tried again on first use
            self._import_once()

    @property
    def location(self) -> str:
        return "PostgreSQL (staff_accounts)"

    def _import_once(self) -> None:
        """Copy users.json into the table if the table is empty (one process at a time), then rename the file."""
        if self._import_checked:
            return
        with self.db.transaction(exclusive="staff_accounts import") as db:
            (empty,) = db.execute("SELECT NOT EXISTS (SELECT 1 FROM staff_accounts)").fetchone()
            users = read_users_file(self.path) if empty else {}
            for name, entry in users.items():
                db.execute("INSERT INTO staff_accounts (name, role, province, hash) VALUES (?, ?, ?, ?)",
                           (name, entry["role"], entry["province"], entry["hash"]))
        if users:
            os.replace(self.path, self.path.with_name(USERS_FILE + IMPORTED_SUFFIX))
            log.warning("Đã chuyển %d tài khoản vào PostgreSQL / imported %d staff accounts from %s into PostgreSQL;"
                        " the file is now %s%s", len(users), len(users), self.path, self.path.name, IMPORTED_SUFFIX)
        elif self.path.exists():
            log.warning("%s is not used: staff accounts are in PostgreSQL (DIACHIDO_DATABASE_URL)", self.path)
        self._import_checked = True

    def _entries(self) -> dict[str, dict]:
        self._import_once()
        with self.db.transaction() as db:
            rows = db.execute("SELECT name, role, province, hash FROM staff_accounts").fetchall()
        return {name: {"role": role, "province": province, "hash": hash_} for name, role, province, hash_ in rows}

    def _entry(self, name: str) -> dict | None:
        self._import_once()
        with self.db.transaction() as db:
            row = db.execute("SELECT role, province, hash FROM staff_accounts WHERE name = ?", (name,)).fetchone()
        return {"role": row[0], "province": row[1], "hash": row[2]} if row else None

    def _insert(self, name: str, entry: dict) -> bool:
        self._import_once()
        with self.db.transaction() as db:
            inserted = db.execute("INSERT INTO staff_accounts (name, role, province, hash) VALUES (?, ?, ?, ?)"
                                  " ON CONFLICT (name) DO NOTHING",
                                  (name, entry["role"], entry["province"], entry["hash"])).rowcount
        return inserted == 1

    def _update(self, name: str, changes: dict) -> bool:
        self._import_once()
        columns = ", ".join(f"{column} = ?" for column in changes)  # keys from UserStore: role, province, hash
        with self.db.transaction() as db:
            updated = db.execute(f"UPDATE staff_accounts SET {columns} WHERE name = ?",
                                 (*changes.values(), name)).rowcount
        return updated == 1

    def _delete(self, name: str) -> bool:
        self._import_once()
        with self.db.transaction() as db:
            deleted = db.execute("DELETE FROM staff_accounts WHERE name = ?", (name,)).rowcount
        return deleted == 1

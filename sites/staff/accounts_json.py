"""Staff accounts in a users.json file of the data folder (the default), rewritten atomically (mode 0600)."""

import json
from pathlib import Path

from sites.staff.accounts import UserStore
from sites.staff.sessions import Sessions
from sites.staff.sessions_sqlite import SESSIONS_FILE, SQLiteSessionStore
from sites.storage.files import write_bytes_atomically

USERS_FILE = "users.json"


class JsonUserStore(UserStore):
    """The users of one data folder (`users.json`), and the sessions to end when a password changes
    (by default the data folder's session store)."""

    def __init__(self, data_dir: Path, sessions: Sessions | None = None):
        super().__init__(data_dir, sessions)
        self.path = data_dir / USERS_FILE

    @property
    def location(self) -> str:
        return str(self.path)

    @property
    def sessions(self) -> Sessions:
        if self._sessions is None:  # opened on first use: `diachido adduser` never needs it
            self._sessions = Sessions(SQLiteSessionStore(self._data_dir / SESSIONS_FILE))
        return self._sessions

    # Each entry is {"role", "province", "hash"}, in the JSON file.

    def _entries(self) -> dict[str, dict]:
        return read_users_file(self.path)

    def _entry(self, name: str) -> dict | None:
        return self._entries().get(name)

    def _insert(self, name: str, entry: dict) -> bool:
        users = self._entries()
        if name in users:
            return False
        self._write(users | {name: entry})
        return True

    def _update(self, name: str, changes: dict) -> bool:
        users = self._entries()
        if name not in users:
            return False
        users[name] |= changes
        self._write(users)
        return True

    def _delete(self, name: str) -> bool:
        users = self._entries()
        if users.pop(name, None) is None:
            return False
        self._write(users)
        return True

    def _write(self, users: dict[str, dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(self.path, json.dumps(users, ensure_ascii=False, indent=2).encode())  # mode 0600


def read_users_file(path: Path) -> dict[str, dict]:
    """The entries of a users.json file (none when it is missing)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))

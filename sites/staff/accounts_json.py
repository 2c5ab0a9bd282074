"""Staff accounts in a users.json file of the data folder (the default), rewritten atomically (mode 0600)."""

import json
from collections.abc import Callable
from pathlib import Path

from sites.staff.accounts import UserStore
from sites.staff.sessions import Sessions
from sites.storage.files import write_bytes_atomically

USERS_FILE = "users.json"


class JsonUserStore(UserStore):
    """The users of one data folder (`users.json`), and the sessions to end when a password changes."""

    def __init__(self, data_dir: Path, open_sessions: Callable[[], Sessions]):
        super().__init__(data_dir, open_sessions)
        self.path = data_dir / USERS_FILE

    @property
    def location(self) -> str:
        return str(self.path)

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

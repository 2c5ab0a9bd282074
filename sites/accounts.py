"""Staff accounts: a JSON file of users with Argon2id password hashes, roles, and login throttling.

Admins may change every site; editors only the sites of their province. The file lives in DATA_DIR
(mode 0600) and is rewritten atomically; it holds no password, only argon2-cffi hashes.
"""

import functools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sites.files import write_bytes_atomically
from sites.text import fold, nfc

ROLES = ("admin", "editor")
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,31}$"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommended Argon2id parameters


@functools.cache
def _dummy_hash() -> str:
    """Checked for an unknown name, so that a login takes as long whether the name exists or not."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A user cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class User:
    """A staff member: `admin` changes every site, `editor` only those of `province`."""

    name: str
    role: str
    province: str | None

    def may_edit(self, province: str) -> bool:
        """True when this user may create or change a site of `province`."""
        return self.role == "admin" or (self.province is not None and fold(province) == fold(self.province))


class UserStore:
    """The users of one data folder (`users.json`)."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / "users.json"

    def _read(self) -> dict[str, dict]:
        if not self.path.exists():
            return {}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def add(self, name: str, password: str, role: str = "editor", province: str | None = None) -> User:
        """Create a user; raises AccountError for a taken or badly formed name, a short password,
        an unknown role, or an editor without a province."""
        if not re.fullmatch(NAME_PATTERN, name):
            raise AccountError("the name must be 2-32 lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"the role must be one of {', '.join(ROLES)}")
        province = nfc(province).strip() if province else None
        if role == "editor" and not province:
            raise AccountError("an editor needs --province: the province whose sites they may change")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
        users = self._read()
        if name in users:
            raise AccountError(f"a user '{name}' already exists")
        users[name] = {"role": role, "province": province, "hash": _hasher.hash(password)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(self.path, json.dumps(users, ensure_ascii=False, indent=2).encode())  # mode 0600
        return User(name, role, province)

    def get(self, name: str) -> User | None:
        """The user called `name`, or None."""
        entry = self._read().get(name)
        return User(name, entry["role"], entry["province"]) if entry else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when `password` is theirs, else None (taking as long for an unknown name)."""
        entry = self._read().get(name)
        try:
            _hasher.verify(entry["hash"] if entry else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, entry["role"], entry["province"]) if entry else None


class LoginThrottle:
    """Slows down password guessing: after `free` failures for a key (a name or a client address),
    every further attempt must wait `base_delay` seconds, doubling with each failure up to `max_delay`.
    A success clears the key. Counts live in memory, per server process."""

    MAX_KEYS = 10_000

    def __init__(self, free: int = 5, base_delay: float = 30.0, max_delay: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic):
        self.free, self.base_delay, self.max_delay, self.clock = free, base_delay, max_delay, clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (failures, locked until)

    def wait(self, *keys: str) -> float:
        """Seconds before any of `keys` may try again; 0 when they may try now."""
        now = self.clock()
        return max([0.0, *(self._failures.get(key, (0, now))[1] - now for key in keys)])

    def failed(self, *keys: str) -> None:
        """Count a failed login for each key."""
        now = self.clock()
        if len(self._failures) > self.MAX_KEYS:  # forget keys idle for a day, so memory stays bounded
            self._failures = {key: entry for key, entry in self._failures.items() if entry[1] > now - 86400}
        for key in keys:
            count = self._failures.get(key, (0, now))[0] + 1
            delay = 0.0 if count < self.free else min(self.base_delay * 2 ** (count - self.free), self.max_delay)
            self._failures[key] = (count, now + delay)

    def succeeded(self, *keys: str) -> None:
        """Forget the failures of each key."""
        for key in keys:
            self._failures.pop(key, None)


def session_secret(data_dir: Path) -> str:
    """The key signing session cookies when none is configured: made once, kept in DATA_DIR (0600)."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(path, secrets.token_urlsafe(48).encode())  # mode 0600, as mkstemp makes it
    return path.read_text().strip()

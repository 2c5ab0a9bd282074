"""Staff accounts: users with Argon2id password hashes and roles, and the rules every account store follows.

Admins may change every site; editors only the sites of their province. Only argon2-cffi hashes are kept, no
password. One module per back end: a users.json file in DATA_DIR (sites/staff/accounts_json.py, the default)
or PostgreSQL (sites/staff/accounts_pg.py); sites/stores.py chooses.
"""

import base64
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sites.catalog.provinces import UnknownProvince, current_province
from sites.catalog.text import fold, nfc
from sites.staff.sessions import Sessions
from sites.storage.files import write_bytes_atomically

ROLES = ("admin", "editor")
NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,31}$"
MIN_PASSWORD_LENGTH = 10

_hasher = PasswordHasher()  # argon2-cffi's defaults follow RFC 9106's recommended Argon2id parameters


def _dummy_hash() -> str:
    """Checked for an unknown name, so that a login takes as long whether the name exists or not: a
    well-formed hash with the hasher's cost parameters and random bytes, made without hashing anything."""
    def b64(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode().rstrip("=")
    return (f"$argon2id$v=19$m={_hasher.memory_cost},t={_hasher.time_cost},p={_hasher.parallelism}"
            f"${b64(_hasher.salt_len)}${b64(_hasher.hash_len)}")


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

    def may_edit_any(self, provinces: Iterable[str]) -> bool:
        """True when this user may change a site in `provinces` (a site spanning several: any of them)."""
        return any(map(self.may_edit, provinces))


class UserStore(ABC):
    """The users of a deployment, and the sessions to end when a password changes, opened by `open_sessions` on
    first use (`diachido adduser` never needs them; sites/stores.py chooses their back end). A back end keeps the
    entries: each is {"role", "province", "hash"}."""

    def __init__(self, data_dir: Path, open_sessions: Callable[[], Sessions]):
        self._open_sessions = open_sessions
        self._sessions: Sessions | None = None
        self._data_dir = data_dir

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the accounts are kept, for messages."""

    @property
    def sessions(self) -> Sessions:
        """The sessions to end when a password changes or a user is removed."""
        if self._sessions is None:
            self._sessions = self._open_sessions()
        return self._sessions

    def add(self, name: str, password: str, role: str = "editor", province: str | None = None) -> User:
        """Create a user; raises AccountError for a taken or badly formed name, a short password,
        an unknown role, or an editor without a province."""
        if not re.fullmatch(NAME_PATTERN, name):
            raise AccountError("the name must be 2-32 lower-case letters, digits, '.', '_' or '-'")
        province = _checked_role(role, province)
        _check_password(password)
        if not self._insert(name, {"role": role, "province": province, "hash": _hasher.hash(password)}):
            raise AccountError(f"a user '{name}' already exists")
        return User(name, role, province)

    def all(self) -> list[User]:
        """Every user, by name."""
        return [User(name, entry["role"], entry["province"]) for name, entry in sorted(self._entries().items())]

    def change(self, name: str, role: str, province: str | None) -> User:
        """Give `name` a new role and province (checked as for `add`); their sessions go on, with the new rights."""
        province = _checked_role(role, province)
        if not self._update(name, {"role": role, "province": province}):
            raise AccountError(f"there is no user '{name}'")
        return User(name, role, province)

    def remove(self, name: str) -> None:
        """Remove `name` and end all of their sessions at once."""
        if not self._delete(name):
            raise AccountError(f"there is no user '{name}'")
        self.sessions.end_all(name)

    def set_password(self, name: str, password: str) -> None:
        """Give `name` a new password and end all of their sessions (a stolen cookie stops working)."""
        _check_password(password)
        if not self._update(name, {"hash": _hasher.hash(password)}):
            raise AccountError(f"there is no user '{name}'")
        self.sessions.end_all(name)

    def get(self, name: str) -> User | None:
        """The user called `name`, or None."""
        entry = self._entry(name)
        return User(name, entry["role"], entry["province"]) if entry else None

    def authenticate(self, name: str, password: str) -> User | None:
        """The user when `password` is theirs, else None (taking as long for an unknown name)."""
        entry = self._entry(name)
        try:
            _hasher.verify(entry["hash"] if entry else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, entry["role"], entry["province"]) if entry else None

    # Storage, by the back end: _insert answers False for a taken name, _update and _delete for a missing one.

    @abstractmethod
    def _entries(self) -> dict[str, dict]: ...

    @abstractmethod
    def _entry(self, name: str) -> dict | None: ...

    @abstractmethod
    def _insert(self, name: str, entry: dict) -> bool: ...

    @abstractmethod
    def _update(self, name: str, changes: dict) -> bool: ...

    @abstractmethod
    def _delete(self, name: str) -> bool: ...


def _checked_role(role: str, province: str | None) -> str | None:
    """The province to keep for a user of `role`: a current province's short name (or None for an admin
    without one); raises AccountError for an unknown role or province, or an editor without one."""
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    province = nfc(province).strip() if province else None
    if role == "editor" and not province:
        raise AccountError("an editor needs --province: the province whose sites they may change")
    try:
        return current_province(province) if province else None
    except UnknownProvince as problem:
        raise AccountError(str(problem)) from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def session_secret(data_dir: Path) -> str:
    """The key behind CSRF tokens and throttle keys when none is configured: made once, kept in DATA_DIR (0600)."""
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(path, secrets.token_urlsafe(48).encode())  # mode 0600, as mkstemp makes it
    return path.read_text().strip()

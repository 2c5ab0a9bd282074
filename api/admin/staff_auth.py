"""What staff sign-in needs, built once by create_app: accounts, sessions, the login throttle, and a bound
on concurrent password checks. No web framework here."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from api.workpool import low_priority_threads
from sites.settings import Settings
from sites.staff.accounts import UserStore, session_secret
from sites.staff.sessions import Sessions
from sites.staff.throttle import LoginThrottle
from sites.stores import Stores, user_store

T = TypeVar("T")


class ServerBusy(Exception):
    """Every password-check slot is taken and the queue is full."""


class PasswordCheckSlots:
    """At most `slots` password checks at once, each in a thread (Argon2id takes 64 MiB and a good part
    of a second of CPU here); `queue` more may wait for a slot, and beyond that a login is refused at
    once, so 40 parallel logins cost 2 x 64 MiB, not 40 x 64 MiB (issue 11)."""

    def __init__(self, slots: int = 2, queue: int = 8):
        self._threads = low_priority_threads(slots, "password-check")  # scans come before logins
        self._slots = asyncio.Semaphore(slots)
        self._admitted, self._limit = 0, slots + queue

    async def run(self, check: Callable[..., T], *args: object) -> T:
        """`check(*args)` in a thread once a slot is free; raises ServerBusy when too many wait."""
        if self._admitted >= self._limit:
            raise ServerBusy
        self._admitted += 1
        try:
            async with self._slots:
                work = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self._threads, check, *args))
                try:
                    return await asyncio.shield(work)
                except asyncio.CancelledError:  # keep the slot until the thread is done with its memory
                    await asyncio.wait([work])
                    raise
        finally:
            self._admitted -= 1


@dataclass
class StaffAuth:
    """What signing in needs, built by create_app: accounts, sessions, the throttle, the check slots,
    and the key that derives CSRF tokens from the session cookie."""

    users: UserStore
    sessions: Sessions
    throttle: LoginThrottle
    password_checks: PasswordCheckSlots
    secret: str


def open_staff_auth(settings: Settings, stores: Stores) -> StaffAuth:
    """Accounts (users.json in the data folder, or PostgreSQL), sessions and the login throttle (in `stores`:
    SQLite or PostgreSQL)."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else session_secret(settings.data_dir)
    sessions = Sessions(stores.sessions)
    throttle = LoginThrottle(stores.throttle, secret)
    database = stores.database
    users = user_store(settings.data_dir, database.url if database else None, sessions, database)
    return StaffAuth(users, sessions, throttle, PasswordCheckSlots(), secret)

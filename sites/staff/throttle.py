"""Login throttling, per address, per account+address (OWASP's advice) and per account, never a hard lock.

Each attempt is reserved before its password is checked, in one transaction: parallel guesses cannot
all slip through between "may they try?" and "count the failure". A guesser at one address slows
down only that address (generously, since a school router or a carrier NAT puts many people behind
one) and their own name+address pair. Guesses at one name from many addresses (issue 21: 250 from 50
addresses were all checked) slow that name down everywhere, but by a few seconds at most, and not at an
address where the name has signed in before: the owner is never locked out.
Addresses and names are stored only as keyed hashes.

Here the rules, the store's interface and the statements both back ends share; one module per back end
(throttle_sqlite.py, throttle_pg.py), chosen by sites/stores.py.
"""

import hashlib
import hmac
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from sites.address_groups import address_group
from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase

FORGET_AFTER = 86400  # seconds: an idle, unlocked key is dropped after a day


@dataclass(frozen=True)
class Limit:
    """After `free` attempts, each further one waits `base_delay` s, doubling up to `max_delay`."""

    free: int
    base_delay: float
    max_delay: float

    def delay(self, attempts: int) -> float:
        if attempts < self.free:
            return 0.0
        return min(self.base_delay * 2 ** (attempts - self.free), self.max_delay)


# One name from one address: a guesser gets 5 tries, then 30 s, 60 s, ... up to an hour.
PER_ACCOUNT_AND_ADDRESS = Limit(free=5, base_delay=30, max_delay=3600)
# One address, any names: generous (shared addresses), and capped at 15 minutes.
PER_ADDRESS = Limit(free=20, base_delay=30, max_delay=900)
# One name, any address but those it signed in from: 10 tries, then 1 s, 2 s, 4 s, at most 5 s between tries.
PER_ACCOUNT = Limit(free=10, base_delay=1, max_delay=5)
KNOWN_ADDRESS_FOR = 90 * 86400  # seconds an address where a name signed in stays known to the throttle


class ThrottleStore(Protocol):
    """Attempt counts by key; `reserve` must be atomic (one transaction) across threads and processes."""

    def reserve(self, keys: Sequence[tuple[str, Limit]], now: float) -> float:
        """Seconds until every key may try again; when 0, one attempt is counted for each key."""

    def release(self, keys: Sequence[tuple[str, Limit]]) -> None:
        """Give back one reserved attempt for each key (it was not a failed guess)."""

    def clear(self, key: str) -> None: ...

    def remember(self, key: str, now: float, until: float) -> None:
        """Keep `key` (no attempts counted) until the time `until`."""

    def remembered(self, key: str, now: float) -> bool:
        """Whether `key` was remembered and its time has not passed."""


class ThrottleTable:
    """Attempt counts in the `attempts` table of `db`: the same statements on SQLite and PostgreSQL.

    Every transaction is exclusive (SQLite's BEGIN IMMEDIATE; a PostgreSQL advisory lock), so `reserve`'s
    read-modify-write is atomic across processes."""

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db

    def reserve(self, keys: Sequence[tuple[str, Limit]], now: float) -> float:
        with self.db.transaction() as db:
            rows = {key: db.execute("SELECT count, locked_until FROM attempts WHERE key = ?", (key,)).fetchone()
                    for key, _ in keys}
            wait = max([0.0, *(row[1] - now for row in rows.values() if row)])
            if wait:
                return wait
            for key, limit in keys:
                count = (rows[key][0] if rows[key] else 0) + 1
                delay = limit.delay(count)  # 0 means "not locked", whatever `now` a parallel request saw
                db.execute("INSERT INTO attempts VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET count ="
                           " excluded.count, locked_until = excluded.locked_until, touched = excluded.touched",
                           (key, count, now + delay if delay else 0, now))
            db.execute("DELETE FROM attempts WHERE touched < ? AND locked_until < ?", (now - FORGET_AFTER, now))
        return 0.0

    def release(self, keys: Sequence[tuple[str, Limit]]) -> None:
        with self.db.transaction() as db:
            for key, limit in keys:
                row = db.execute("SELECT count FROM attempts WHERE key = ?", (key,)).fetchone()
                if row and row[0] <= limit.free:  # this attempt was the one that locked the key
                    db.execute("UPDATE attempts SET count = count - 1, locked_until = 0 WHERE key = ?", (key,))
                elif row:
                    db.execute("UPDATE attempts SET count = count - 1 WHERE key = ?", (key,))

    def clear(self, key: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM attempts WHERE key = ?", (key,))

    # A remembered key is a row with no attempts whose `locked_until` is the end of its memory: the daily clean-up
    # in `reserve` keeps it until then, and no limit ever reads it.
    def remember(self, key: str, now: float, until: float) -> None:
        with self.db.transaction() as db:
            db.execute("INSERT INTO attempts VALUES (?, 0, ?, ?) ON CONFLICT (key) DO UPDATE SET"
                       " locked_until = excluded.locked_until, touched = excluded.touched", (key, until, now))

    def remembered(self, key: str, now: float) -> bool:
        with self.db.transaction() as db:
            row = db.execute("SELECT 1 FROM attempts WHERE key = ? AND locked_until > ?", (key, now)).fetchone()
        return row is not None


class LoginThrottle:
    """The login rules over a ThrottleStore: keys are HMACs (with `secret`) of the address and the name."""

    def __init__(self, store: ThrottleStore, secret: str, clock: Callable[[], float] = time.time):
        self.store, self.secret, self.clock = store, secret.encode(), clock

    def _keys(self, name: str, address: str) -> list[tuple[str, Limit]]:
        """The address group's key, the name+group key, and the name's own key unless `name` signed in from there."""
        network = address_group(address)  # an IPv6 guesser's whole /64 is one address
        keys = [(self._hash(f"address\0{network}"), PER_ADDRESS),
                (self._hash(f"account\0{name}\0{network}"), PER_ACCOUNT_AND_ADDRESS)]
        if not self.store.remembered(self._known(name, network), self.clock()):
            keys.append((self._hash(f"name\0{name}"), PER_ACCOUNT))
        return keys

    def _known(self, name: str, network: str) -> str:
        return self._hash(f"signed in\0{name}\0{network}")

    def _hash(self, key: str) -> str:
        return hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()[:32]

    def reserve(self, name: str, address: str) -> float:
        """Seconds `name` must wait at `address`; when 0 the attempt is counted now, as a failure until
        `succeeded` or `give_back` says otherwise."""
        return self.store.reserve(self._keys(name, address), self.clock())

    def give_back(self, name: str, address: str) -> None:
        """The reserved attempt was never checked (the server was busy): it does not count."""
        self.store.release(self._keys(name, address))

    def succeeded(self, name: str, address: str) -> None:
        """The right password: forget the name's failures at this address, do not count the attempt, and know
        `address` as one of the name's from now on (its owner is not slowed there by guesses elsewhere)."""
        address_key, account_key, *name_key = self._keys(name, address)
        self.store.release([address_key, *name_key])
        self.store.clear(account_key[0])
        now = self.clock()
        self.store.remember(self._known(name, address_group(address)), now, now + KNOWN_ADDRESS_FOR)

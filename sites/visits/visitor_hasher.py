"""Visitor ids: a client address and User-Agent (or its visitor cookie) hashed with the day's key, so an id is stable
for one day only; the key comes from the visitor-key store (sites/visits/visitor_keys.py), the same on either back
end."""

import hashlib
import secrets
from datetime import date
from typing import Protocol

from sites.address_groups import address_group


class DailyKeys(Protocol):
    """Where the day's key comes from (sites/visits/visitor_keys.py); the same for every process of a deployment."""

    def key(self, day: date) -> bytes: ...


class VisitorHasher:
    """Turns a client address and User-Agent into an 8-byte visitor id that is only stable for one day.

    The key is random and replaced every day, so nobody (us included) can recompute an id from an address
    afterwards. It comes from `keys` (the store), so a visitor seen before and after a restart, or by
    another process, on the same day counts once; without `keys`, it lives in this object only.
    """

    def __init__(self, keys: DailyKeys | None = None) -> None:
        self.keys = keys
        self._day: date | None = None
        self._key = b""

    def __call__(self, address: str, user_agent: str, day: date) -> bytes:
        """The id of a browser without a visitor cookie: its address and User-Agent."""
        return self._hash(f"{address}\n{user_agent}", day)

    def cookie(self, visitor_cookie: str, user_agent: str, day: date) -> bytes:
        """The id of a browser by its random visitor cookie (api/public/visitor_cookie.py) and User-Agent: many phones
        behind one address with one User-Agent are as many visitors, and a client that keeps one cookie while
        it rotates its User-Agent is held by the ceiling per address as before. The cookie is never stored."""
        return self._hash(f"cookie\n{visitor_cookie}\n{user_agent}", day)

    def address(self, address: str, day: date) -> bytes:
        """The id of the network `address` is in (sites/address_groups.py), for limits per address."""
        return self._hash(address_group(address), day)

    def phone(self, phone_id: str, day: date) -> bytes:
        """The id of the phone that sent late scans under `phone_id`, for the daily cap: stable for one day only."""
        return self._hash(f"phone\n{phone_id}", day)

    def _hash(self, text: str, day: date) -> bytes:
        if day != self._day:  # once a day per process: a blocking call to the store
            self._key = self.keys.key(day) if self.keys else secrets.token_bytes(32)
            self._day = day
        return hashlib.blake2b(text.encode(), key=self._key, digest_size=8).digest()

"""What keeps the anonymous plaque-report form from being abused, with no JavaScript and no cookie:

- a form token signed with the app's secret, naming the site and when the form was served: a post must
  come from a form of this server, for this site, at least `MIN_FILL_SECONDS` and at most
  `TOKEN_LIFETIME` seconds old (a script that posts at once, or replays an old token forever, is refused),
  and good for one report (the report store keeps the spent ones: `spend_token`);
- a honeypot field, hidden from people and filled in by naive bots;
- rate limits per address group (an IPv6 /64 is one address, sites/address_groups.py) and per site, each
  `PER_ADDRESS` and `PER_SITE` an hour. A site's limit is higher than an address's, so one party cannot use
  it up alone, and nothing is shared by every site: reports of one site never lock out another (issue 21).
  Each table is bounded (`TRACKED` keys, the least recently seen forgotten first); addresses are kept as
  keyed hashes. The limits are per server process: a deployment of N processes accepts up to N times as many.
"""

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict

from sites.address_groups import address_group

MIN_FILL_SECONDS = 3
TOKEN_LIFETIME = 2 * 3600
PER_ADDRESS = 5  # reports per address group and hour
PER_SITE = 20  # reports per site and hour, from all addresses
PERIOD = 3600  # seconds: the limits' window
TRACKED = 10_000  # keys per table; the least recently seen is forgotten beyond this (bounded memory)
HONEYPOT = "website"  # the hidden field's name: people leave it empty


def form_token(secret: str, slug: str, issued: int) -> str:
    """The token of a report form for `slug` served at Unix time `issued`. A random part makes each form's token
    its own: two phones of a class opening the form in the same second may both send a report."""
    nonce = secrets.token_urlsafe(9)
    return f"{issued}.{nonce}.{_signature(secret, slug, issued, nonce)}"


def token_ok(secret: str, slug: str, token: str, now: float) -> bool:
    """Whether `token` was made by `form_token` for `slug`, and is neither too fresh nor too old."""
    issued, _, rest = token.partition(".")
    nonce, _, signature = rest.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(signature, _signature(secret, slug, int(issued), nonce)):
        return False
    return MIN_FILL_SECONDS <= now - int(issued) <= TOKEN_LIFETIME


def _signature(secret: str, slug: str, issued: int, nonce: str) -> str:
    message = f"plaque-report\0{slug}\0{issued}\0{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class FormLimiter:
    """Accepted requests counted per address group and per scope (a site, a class outing) in fixed windows of
    `period` seconds; thread-safe, bounded memory (two numbers per key, at most `tracked` keys per table).

    `per_scope` must exceed `per_address`: one party (one address group) can never use up a scope's limit alone,
    and a scope's limit never touches another scope. With `per_scope` None only addresses are limited.
    """

    def __init__(self, secret: str, per_address: int = PER_ADDRESS, per_scope: int | None = PER_SITE,
                 period: float = PERIOD, tracked: int = TRACKED):
        if per_scope is not None and per_scope <= per_address:
            raise ValueError(f"per_scope ({per_scope}) must exceed per_address ({per_address})")
        self._secret = secret.encode()
        self.per_address, self.per_scope, self.period, self.tracked = per_address, per_scope, period, tracked
        self._by_address: OrderedDict[bytes, list[float]] = OrderedDict()  # key -> [window start, count]
        self._by_scope: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, address: str, scope: str, now: float) -> bool:
        """Count a request from `address` for `scope` at `now` if both limits allow it; False (nothing counted)
        otherwise."""
        with self._lock:
            by_address = self._window(self._by_address, self._key(address), now)
            if self.per_scope is None:
                by_scope = [now, 0]
            else:
                by_scope = self._window(self._by_scope, scope, now)
            allowed = by_address[1] < self.per_address and by_scope[1] < (self.per_scope or 1)
            if allowed:
                by_address[1] += 1
                by_scope[1] += 1
            return allowed

    def exhausted(self, address: str, now: float) -> bool:
        """Whether `address` has used up its `per_address` in its current window (nothing is counted)."""
        with self._lock:
            window = self._by_address.get(self._key(address))
            return window is not None and now - window[0] < self.period and window[1] >= self.per_address

    def _key(self, address: str) -> bytes:
        return hmac.new(self._secret, address_group(address).encode(), hashlib.sha256).digest()[:16]

    def _window(self, table: OrderedDict, key: bytes | str, now: float) -> list[float]:
        """The [start, count] of `key`'s current window, made most recently seen (the oldest dropped over the bound)."""
        window = table.pop(key, None)
        if window is None or now - window[0] >= self.period:
            window = [now, 0]
        table[key] = window
        while len(table) > self.tracked:
            table.popitem(last=False)
        return window

"""What keeps the anonymous plaque-report form from being abused, with no JavaScript and no cookie:

- a form token signed with the app's secret, naming the site and when the form was served: a post must
  come from a form of this server, for this site, at least `MIN_FILL_SECONDS` and at most
  `TOKEN_LIFETIME` seconds old (a script that posts at once, or replays an old token forever, is refused),
  and good for one report (the report store keeps the spent ones: `spend_token`);
- a honeypot field, hidden from people and filled in by naive bots;
- a rate limit per address (`PER_ADDRESS` an hour, addresses kept as keyed hashes, at most
  `TRACKED_ADDRESSES` of them in memory) and a global cap (`PER_DAY` a day). The limits are per server
  process: a deployment of N processes accepts up to N times as many.
"""

import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict, deque

MIN_FILL_SECONDS = 3
TOKEN_LIFETIME = 2 * 3600
PER_ADDRESS = 5  # reports per address and hour
PER_DAY = 200  # reports a day in all
TRACKED_ADDRESSES = 10_000  # the least recently seen address is forgotten beyond this (bounded memory)
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


class ReportLimiter:
    """Sliding-window counts of accepted reports, per address and in all; thread-safe, bounded memory."""

    def __init__(self, secret: str, per_address: int = PER_ADDRESS, per_day: int = PER_DAY,
                 tracked: int = TRACKED_ADDRESSES):
        self._secret = secret.encode()
        self.per_address, self.per_day, self.tracked = per_address, per_day, tracked
        self._by_address: OrderedDict[bytes, deque[float]] = OrderedDict()
        self._all: deque[float] = deque()
        self._lock = threading.Lock()

    def allow(self, address: str, now: float) -> bool:
        """Count a report from `address` at `now` if both limits allow it; False (nothing counted) otherwise."""
        key = hmac.new(self._secret, address.encode(), hashlib.sha256).digest()[:16]
        with self._lock:
            while self._all and self._all[0] <= now - 86400:
                self._all.popleft()
            recent = self._by_address.pop(key, deque())
            while recent and recent[0] <= now - 3600:
                recent.popleft()
            allowed = len(recent) < self.per_address and len(self._all) < self.per_day
            if allowed:
                recent.append(now)
                self._all.append(now)
            if recent:
                self._by_address[key] = recent  # most recently seen last
                while len(self._by_address) > self.tracked:
                    self._by_address.popitem(last=False)
            return allowed

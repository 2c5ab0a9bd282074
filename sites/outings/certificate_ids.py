"""Certificate ids that check themselves (issue 14): the facts a certificate states, signed with the
deployment's key, so `/verify/{id}` can say "genuine" long after the outing's data was deleted (90 days
after it closed, by default) without the server keeping any nickname.

An id is base64url (no padding) of: one version byte, the facts as UTF-8 joined by the unit separator
(U+001F), then the first 16 bytes of HMAC-SHA256(key, version + facts). 128 bits of tag leave a forger one
chance in 2^128 per try, far past what an online check can be asked (NIST SP 800-107 allows truncation to
64 bits); the full 32 bytes would only make the QR code denser. Any change to the id, one character or a
cut, fails the check; nothing in it is secret, only unforgeable.

The key is kept by the certificate key store (sites/outings/certificate_key.py).
"""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

VERSION = 1
TAG_BYTES = 16
SEPARATOR = "\x1f"
MAX_ID_CHARS = 2000  # a longer id is refused before decoding: no certificate states that much


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states: who, on which class outing of which journey, when, and the quiz score."""

    nickname: str
    outing: str
    journey: str
    day: date
    score: int
    questions: int


def sign(facts: CertificateFacts, key: bytes) -> str:
    """The id of a certificate stating `facts`; raises ValueError for a text holding the separator."""
    texts = (facts.nickname, facts.outing, facts.journey)
    if any(SEPARATOR in text for text in texts) or not 0 <= facts.score <= facts.questions:
        raise ValueError("a certificate's texts cannot hold U+001F, and its score is 0..questions")
    body = bytes([VERSION]) + SEPARATOR.join(
        (*texts, facts.day.isoformat(), str(facts.score), str(facts.questions))).encode()
    return _encode(body + _tag(key, body))


def verify(certificate_id: str, key: bytes) -> CertificateFacts | None:
    """The facts `certificate_id` states when it was signed with `key`, else None (forged, altered, cut)."""
    if len(certificate_id) > MAX_ID_CHARS or not certificate_id.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(certificate_id + "=" * (-len(certificate_id) % 4))
    except (binascii.Error, ValueError):
        return None
    if _encode(raw) != certificate_id:  # base64 decoding skips stray characters and a last digit's spare bits
        return None
    body, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
    if len(raw) <= TAG_BYTES or not hmac.compare_digest(tag, _tag(key, body)) or body[0] != VERSION:
        return None
    nickname, outing, journey, day, score, questions = body[1:].decode().split(SEPARATOR)
    return CertificateFacts(nickname, outing, journey, date.fromisoformat(day), int(score), int(questions))


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _tag(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:TAG_BYTES]

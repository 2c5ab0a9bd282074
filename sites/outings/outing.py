"""Class outings (issue 14): a teacher's outing on a journey, students' passports, stamps from plaque scans and
quiz answers; kept by the outing store (sites/outings/store.py).

A student is a nickname and an unguessable passport token (kept by the browser in a cookie; only its
SHA-256 is stored), plus a short recovery code to continue on another phone. No address, e-mail or phone
is stored. An outing's data is deleted `retention` days after it ends (`purge`).
"""

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import TYPE_CHECKING

from sites.catalog.models import LocationPrecision
from sites.catalog.registry import distance_km
from sites.catalog.text import nfc
from sites.outings.lookalikes import skeleton
from sites.visits.visit import VIETNAM_TIME

if TYPE_CHECKING:
    from sites.catalog.journeys import Journey
    from sites.catalog.site import Site

# Codes people read aloud and type on a phone: no 0/O, 1/I.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CLASS_CODE_LENGTH = 6  # 32^6: a billion codes
RECOVERY_CODE_LENGTH = 8  # 32^8 per outing, and recovering is rate-limited
MAX_NICKNAME = 40  # characters
MAX_OUTING_NAME = 120


class Refusal(StrEnum):
    """Why a student's step is refused; the route shows the translated `outing_refused_<value>` message."""

    UNKNOWN_CODE = "unknown_code"  # no such class code (or its outing was deleted)
    NOT_ACTIVE = "not_active"  # closed, not started yet, or its period is over
    NICKNAME_EMPTY = "nickname_empty"
    NICKNAME_TOO_LONG = "nickname_too_long"
    NICKNAME_TAKEN = "nickname_taken"
    NICKNAME_LOOKALIKE = "nickname_lookalike"  # looks like one already in the outing (Cyrillic "Аn" beside "An")
    NO_PASSPORT = "no_passport"
    WRONG_RECOVERY = "wrong_recovery"
    NOT_A_STOP = "not_a_stop"  # the site is not a stop of the outing's journey
    NOT_STAMPED = "not_stamped"  # a quiz before the stamp
    NO_QUESTION = "no_question"
    ANSWERED = "answered"
    OUTSIDE_WINDOW = "outside_window"  # outside the teacher's daily time window
    LOCATION_UNKNOWN = "location_unknown"  # the distance check needs the browser's location, which did not come
    TOO_FAR = "too_far"  # the browser's location is further from the plaque than the teacher allows


class OutingRefused(Exception):
    """A student's step refused for `reason`; nothing was changed."""

    def __init__(self, reason: Refusal):
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Outing:
    """A class outing on `journey` (a slug), open to stamps from `valid_from` to `valid_until` (UTC) unless
    closed earlier. Optional teacher's checks: a daily window (`window_start`-`window_end`, Vietnam time) and,
    at sites located exactly, a distance in metres from the plaque (`max_distance_m`). Optional pass mark: the
    percent of the questions to answer right for the certificate (`pass_percent`, sites/outings/pass_mark.py)."""

    code: str
    journey: str
    name: str
    province: str
    valid_from: datetime
    valid_until: datetime
    created_by: str
    created_at: datetime
    closed_at: datetime | None = None
    window_start: time | None = None
    window_end: time | None = None
    max_distance_m: int | None = None
    pass_percent: int | None = None

    @property
    def ends_at(self) -> datetime:
        """When stamps stop: the end of the period, or the closing if earlier."""
        return min(self.valid_until, self.closed_at) if self.closed_at else self.valid_until

    def active(self, now: datetime) -> bool:
        """Whether students may join, get stamps and answer at `now`."""
        return self.valid_from <= now < self.ends_at

    def in_window(self, now: datetime) -> bool:
        """Whether `now` is inside the daily time window (always, without one)."""
        if self.window_start is None or self.window_end is None:
            return True
        return self.window_start <= now.astimezone(VIETNAM_TIME).time().replace(tzinfo=None) <= self.window_end


@dataclass(frozen=True)
class Passport:
    """A student of the outing `outing` (its class code)."""

    id: int
    outing: str
    nickname: str
    recovery_code: str
    joined_at: datetime


@dataclass(frozen=True)
class Stamp:
    """The first countable scan of the plaque of `slug` during the outing; `location_ok` is the result of
    the optional distance check (None when not asked or not possible)."""

    slug: str
    at: datetime
    location_ok: bool | None = None


@dataclass(frozen=True)
class Answer:
    """The one answer to question `question` of the quiz of `slug`: the `choice` made (its number, counting
    from 1, as sites/catalog/quiz.py numbers them) and whether it was right."""

    slug: str
    question: str
    choice: int
    correct: bool
    at: datetime


@dataclass(frozen=True)
class Progress:
    """One student's passport with its stamps and answers (a row of the teacher's table)."""

    passport: Passport
    stamps: tuple[Stamp, ...]
    answers: tuple[Answer, ...]

    @property
    def score(self) -> int:
        """Right answers."""
        return sum(answer.correct for answer in self.answers)

    def stamp(self, slug: str) -> Stamp | None:
        return next((stamp for stamp in self.stamps if stamp.slug == slug), None)

    def answers_of(self, slug: str) -> dict[str, Answer]:
        return {answer.question: answer for answer in self.answers if answer.slug == slug}

    def complete(self, questions: dict[str, Sequence[str]]) -> bool:
        """Whether every stop (the keys of `questions`, a stop slug -> its question ids) is stamped and every
        question answered."""
        stamped = {stamp.slug for stamp in self.stamps}
        answered = {(answer.slug, answer.question) for answer in self.answers}
        return all(slug in stamped and all((slug, question) in answered for question in ids)
                   for slug, ids in questions.items())


@dataclass(frozen=True)
class JourneySummary:
    """Outings of one journey for the statistics: how many, their students, how many completed, and the
    average score (right answers) of the students (0 without students)."""

    journey: str
    outings: int
    students: int
    completed: int
    average_score: float


@dataclass(frozen=True)
class Joined:
    """A new (or recovered) passport and the token its browser keeps; the token is never stored or shown again."""

    passport: Passport
    token: str


def journey_questions(journey: "Journey") -> dict[str, tuple[str, ...]]:
    """Each stop of `journey` (its site's slug) with the ids of its quiz's questions: what a passport must
    stamp and answer to be complete (`Progress.complete`)."""
    return {stop.site.slug: tuple(question.id for question in stop.site.quiz) for stop in journey.stops}


def needs_location(outing: Outing, site: "Site") -> bool:
    """Whether a stamp at `site` waits for the browser's location: the teacher set a distance and the site's
    location is exact (an approximate one would refuse students standing at the plaque)."""
    location = site.card.location
    return outing.max_distance_m is not None and location is not None and location.precision == LocationPrecision.exact


def near_enough(outing: Outing, site: "Site", lat: float, lon: float) -> bool:
    """Whether (`lat`, `lon`) is within the outing's distance of the site (only the answer is ever kept)."""
    location = site.card.location
    return distance_km(location.lat, location.lon, lat, lon) * 1000 <= (outing.max_distance_m or 0)


def normalize_code(text: str) -> str:
    """A class or recovery code as typed (any case, with spaces or dashes) in its stored form."""
    return "".join(character for character in text.upper() if character.isalnum())


def clean_nickname(text: str) -> str:
    """`text` as a nickname: NFC, trimmed, inner runs of spaces made one; raises OutingRefused if empty or
    longer than MAX_NICKNAME characters. Any script is welcome; control characters are dropped."""
    text = "".join(character for character in nfc(text) if unicodedata.category(character)[0] != "C")
    nickname = " ".join(text.split())
    if not nickname:
        raise OutingRefused(Refusal.NICKNAME_EMPTY)
    if len(nickname) > MAX_NICKNAME:
        raise OutingRefused(Refusal.NICKNAME_TOO_LONG)
    return nickname


def nickname_key(nickname: str) -> str:
    """What makes two nicknames the same in one outing: case-folded, then its look-alike skeleton (issue 21),
    so Latin "An", Cyrillic "Аn" and fullwidth "Ａn" are one name, while "Ân" and "An" stay two."""
    return skeleton(nickname.casefold())

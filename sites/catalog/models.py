"""Pydantic models of a site's front matter (`content/<slug>/index.md`) and its translations.

The models are strict: an unknown field, a wrong type or an out-of-range value is an error, never
silently dropped. Every field has a description; the README documents each one (a test checks).
"""

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from sites.catalog.messages import ENGLISH

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_PATTERN = r"^[a-z0-9]{2,16}$"

# Windows device names: a folder with such a name cannot be checked out there.
RESERVED_SLUGS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
JOURNEYS_FOLDER = "journeys"  # content/journeys/ holds the journeys, so no site may take this slug

# Bounding box of Vietnam with a margin (mainland, Phú Quốc, Hoàng Sa, Trường Sa).
VIETNAM_LAT = (7.0, 24.0)
VIETNAM_LON = (101.0, 118.0)

ALIAS_PATTERN = r"^[a-z0-9-]{2,80}$"
URL_PATTERN = r"^https?://\S+$"
PHOTO_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:jpg|jpeg|png|webp|JPG|JPEG|PNG|WEBP)$"
# A recording placed by hand is served as it is, so it must be MP3 (the admin re-encodes other formats).
NARRATION_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:mp3|MP3)$"

# The name of the format each pattern checks, by which `sites.catalog.messages.PATTERN_HINTS` explains it.
PATTERN_FORMATS = {SLUG_PATTERN: "slug", CODE_PATTERN: "code", ALIAS_PATTERN: "alias",
                   PHOTO_FILE_PATTERN: "photo_file", URL_PATTERN: "url", NARRATION_FILE_PATTERN: "narration_file"}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Long enough for any real site's full name (150 characters fit every poster format); a longer one is a
# mistake, such as a pasted paragraph, that no plaque could print legibly.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Category(StrEnum):
    """Kinds of site; their labels in each language are interface strings (`category.<value>` in
    sites/catalog/locales)."""

    dinh = "dinh"
    chua = "chua"
    mieu = "mieu"
    den = "den"
    lang = "lang"
    nha_tho = "nha-tho"
    revolutionary_relic = "revolutionary-relic"
    landscape = "landscape"
    other = "other"


class RecognitionLevel(StrEnum):
    """Level at which the state recognised the site as a relic."""

    special_national = "special-national"
    national = "national"
    provincial = "provincial"
    city = "city"


class RelicKind(StrEnum):
    """Type of relic in the sense of Vietnam's Law on Cultural Heritage."""

    history = "history"
    history_culture = "history-culture"
    architecture_art = "architecture-art"
    archaeology = "archaeology"
    landscape = "landscape"


class LocationPrecision(StrEnum):
    """How exact the coordinates are; `district` means the district centre, not the building."""

    exact = "exact"
    approximate = "approximate"
    district = "district"


# Points that distances may use: near the site itself. A district centre is shared by every site of the district.
KNOWN_PRECISIONS = {LocationPrecision.exact, LocationPrecision.approximate}


class StrictModel(BaseModel):
    """Base of every content model: unknown fields are errors. Callers pass NFC text (`nfc_deep`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Recognition(StrictModel):
    """The state's recognition of the site as a relic."""

    level: RecognitionLevel = Field(description="special-national, national, provincial or city")
    year: int | None = Field(None, ge=1900, le=2100, description="Year of the decision")
    year_approximate: bool = Field(False, description="True when the sources give the year only as 'about'")
    kind: RelicKind | None = Field(
        None, description="history, history-culture, architecture-art, archaeology or landscape"
    )
    decision: Text | None = Field(None, description="Number and date of the recognition decision")


class Location(StrictModel):
    """Where the site is; omit the whole block while the coordinates are unknown."""

    lat: float = Field(ge=-90, le=90, description="Latitude in degrees (WGS 84)")
    lon: float = Field(ge=-180, le=180, description="Longitude in degrees (WGS 84)")
    precision: LocationPrecision = Field(
        LocationPrecision.exact, description="exact, approximate, or district (the district centre)"
    )

    @model_validator(mode="after")
    def _inside_vietnam(self) -> "Location":
        if not (VIETNAM_LAT[0] <= self.lat <= VIETNAM_LAT[1] and VIETNAM_LON[0] <= self.lon <= VIETNAM_LON[1]):
            raise PydanticCustomError("outside_vietnam", ENGLISH["outside_vietnam"], {
                "lat": self.lat, "lon": self.lon, "lat_range": "{}..{}".format(*VIETNAM_LAT),
                "lon_range": "{}..{}".format(*VIETNAM_LON)})
        return self


class Address(StrictModel):
    """The address as the sources give it, plus today's units after the July 2025 merger."""

    text: Text = Field(description="Address as the sources write it (old administrative units)")
    province: Text = Field(description="Province or centrally-run city today, used by the province filter")
    former_province: Text | None = Field(None, description="Province before 1 July 2025, when different")
    current: Text | None = Field(None, description="Address in the administrative units in force since 2025")
    current_verified: bool = Field(False, description="False while the old-to-new mapping is unverified")


# The one language a photo caption can be translated into, through the `caption_en` field.
CAPTION_LANGUAGE = "en"


class Photo(StrictModel):
    """A photo stored in the site's folder."""

    file: Annotated[str, StringConstraints(pattern=PHOTO_FILE_PATTERN)] = Field(
        description="File name inside the site folder (letters, digits, - and _; .jpg, .png or .webp)"
    )
    caption: Text = Field(description="Caption in Vietnamese (also the image's alt text)")
    caption_en: Text | None = Field(None, description="Caption in English")
    credit: Text = Field(description="Who took the photo, and its licence")


class Narration(StrictModel):
    """A recorded narration of the site in one language, stored in the site's folder."""

    file: Annotated[str, StringConstraints(pattern=NARRATION_FILE_PATTERN)] = Field(
        description="MP3 file inside the site folder (letters, digits, - and _), at most 20 MB and 15 minutes"
    )
    narrator: Text = Field(description="Who reads the narration, shown beside the player")


class Source(StrictModel):
    """Where the facts on the page come from."""

    url: Annotated[str, StringConstraints(pattern=URL_PATTERN)] = Field(description="Address of the source")
    title: Text | None = Field(None, description="Publisher or title of the source")


# A site's quiz (docs/quiz.md): 1-5 questions of 2-6 choices, one of them right; limits keep a question
# readable on a phone screen.
QUIZ_QUESTIONS = (1, 5)
QUIZ_CHOICES = (2, 6)
QUESTION_MAX = 300
CHOICE_MAX = 150
EXPLANATION_MAX = 600
QUIZ_ID_MAX = 40

QuizId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=QUIZ_ID_MAX)]
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=QUESTION_MAX)]
ChoiceText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=CHOICE_MAX)]
ExplanationText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EXPLANATION_MAX)]


def _distinct_choices(choices: list[str]) -> list[str]:
    """Two equal choices would make two right answers, or a wrong one that reads as right."""
    seen: dict[str, int] = {}
    for number, choice in enumerate(choices, start=1):
        if (first := seen.setdefault(choice.casefold(), number)) != number:
            raise PydanticCustomError("quiz_choice_twice", ENGLISH["quiz_choice_twice"],
                                      {"number": number, "first": first})
    return choices


Choices = Annotated[list[ChoiceText], Field(min_length=QUIZ_CHOICES[0], max_length=QUIZ_CHOICES[1]),
                    AfterValidator(_distinct_choices)]


class QuizQuestion(StrictModel):
    """One multiple-choice question of a site's quiz, in Vietnamese, with its right answer."""

    id: QuizId = Field(description="Lower-case ASCII `a-z0-9-`, unique in the site; names the question in "
                       "translations and in students' answers, so it never changes once used")
    question: QuestionText = Field(description=f"The question (at most {QUESTION_MAX} characters)")
    choices: Choices = Field(description=f"{QUIZ_CHOICES[0]}-{QUIZ_CHOICES[1]} different answers to choose "
                             f"from, each at most {CHOICE_MAX} characters")
    answer: int = Field(ge=1, description="The number of the right choice, counting from 1")
    explanation: ExplanationText = Field(description="Shown after answering: why the answer is right, from the "
                                         f"site's own story (at most {EXPLANATION_MAX} characters)")

    @field_validator("answer")
    @classmethod
    def _a_choice(cls, answer: int, info: ValidationInfo) -> int:
        choices = info.data.get("choices")
        if choices is not None and answer > len(choices):
            raise PydanticCustomError("quiz_answer", ENGLISH["quiz_answer"], {"answer": answer, "count": len(choices)})
        return answer


class QuizTranslation(StrictModel):
    """One question of the quiz in a translation: the same `id`, the texts in this language, the choices in
    the same order as in Vietnamese (the right answer is the Vietnamese file's)."""

    id: QuizId = Field(description="The `id` of the Vietnamese question this translates")
    question: QuestionText = Field(description="The question in this language")
    choices: Choices = Field(description="The choices in this language, as many and in the same order as in "
                             "Vietnamese")
    explanation: ExplanationText = Field(description="The explanation in this language")


# A site's events (issue 24, docs/events.md): anniversaries, commemorations, ranking days and festivals, by the
# Gregorian or the Vietnamese lunar calendar. An event is dated one way only: `date` (the day a historical event
# happened; its anniversary comes every year), `every_year` ("07-27") or `lunar` (a day of the lunar calendar).
# Dates are checked here, so an impossible one ("02-30", lunar month 13) is refused with its file and field; the
# conversion itself lives in sites/calendar/.
EVENT_ID_MAX = 40
EVENT_NAME_MAX = 150
EVENT_NOTE_MAX = 300
MAX_EVENTS = 20  # per site: far above any real site's days, small enough for every calendar page
MAX_EVENT_DAYS = 10  # a festival of more days is written as two events
EARLIEST_YEAR = 1000  # a historical date before this is a typo

EventId = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=EVENT_ID_MAX)]
EventName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EVENT_NAME_MAX)]
EventNote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EVENT_NOTE_MAX)]
MonthDay = Annotated[str, StringConstraints(pattern=r"^\d\d-\d\d$")]


class EventKind(StrEnum):
    """What an event is; its label in each language is an interface string (`event_kind.<value>`)."""

    festival = "festival"
    anniversary = "anniversary"
    commemoration = "commemoration"
    ranking = "ranking"


class LunarDay(StrictModel):
    """A day of the Vietnamese lunar calendar, every lunar year. In a year with a leap month of the same number
    the event falls in the regular month; day 30 of a month that has 29 days falls on the 29th."""

    month: int = Field(ge=1, le=12, description="Lunar month, 1-12 (12 is tháng Chạp)")
    day: int = Field(ge=1, le=30, description="Lunar day, 1-30")
    days: int = Field(1, ge=1, le=MAX_EVENT_DAYS, description=f"How many days it lasts, 1-{MAX_EVENT_DAYS}")


class Event(StrictModel):
    """One event of a site, in Vietnamese, dated by exactly one of `date`, `every_year` and `lunar`."""

    id: EventId = Field(description="Lower-case ASCII `a-z0-9-`, unique in the site; names the event in "
                        "translations and in calendar feeds, so it never changes once published")
    name: EventName = Field(description=f"Name in Vietnamese (at most {EVENT_NAME_MAX} characters)")
    kind: EventKind = Field(description="festival, anniversary, commemoration or ranking")
    date: dt.date | None = Field(None, description="YYYY-MM-DD: the day it happened; the calendar shows its "
                                 "anniversary every year with the number of years")
    every_year: MonthDay | None = Field(None, description='"MM-DD" in quotes: the same Gregorian day every year')
    lunar: LunarDay | None = Field(None, description="{month, day, days}: a day of the lunar calendar every year")
    note: EventNote | None = Field(None, description=f"Shown beside the event (at most {EVENT_NOTE_MAX} characters)")

    @field_validator("date")
    @classmethod
    def _plausible(cls, day: dt.date | None) -> dt.date | None:
        if day is not None and day.year < EARLIEST_YEAR:
            raise PydanticCustomError("event_year", ENGLISH["event_year"], {"year": day.year, "min": EARLIEST_YEAR})
        return day

    @field_validator("every_year")
    @classmethod
    def _a_day_of_every_year(cls, month_day: str | None) -> str | None:
        if month_day is None:
            return None
        month, day = map(int, month_day.split("-"))
        try:
            dt.date(2001, month, day)  # a common year: 29/2 is not a day of every year
        except ValueError:
            raise PydanticCustomError("every_year_day", ENGLISH["every_year_day"], {"value": month_day}) from None
        return month_day

    @model_validator(mode="after")
    def _dated_once(self) -> "Event":
        given = [name for name in ("date", "every_year", "lunar") if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError("event_dating", ENGLISH["event_dating"], {"given": ", ".join(given) or "none"})
        return self


class EventTranslation(StrictModel):
    """One event in a translation file: the same `id`, its name (and note) in that language."""

    id: EventId = Field(description="The `id` of the Vietnamese event this translates")
    name: EventName = Field(description="The name in this language")
    note: EventNote | None = Field(None, description="The note in this language")


class SiteFrontMatter(StrictModel):
    """Front matter of `content/<slug>/index.md`, in Vietnamese."""

    name: Name = Field(description="Name of the site in Vietnamese (at most 200 characters)")
    slug: Slug = Field(description="Lower-case ASCII `a-z0-9-`; equal to the folder name; never changes once printed")
    code: Code = Field(description="Short, stable id printed in the QR code (`a-z0-9`, 2-16 characters)")
    aliases: list[Annotated[str, StringConstraints(pattern=ALIAS_PATTERN)]] = Field(
        default_factory=list, description="Old slugs or codes that must keep working"
    )
    other_names: list[Text] = Field(default_factory=list, description="Other names the site is known by")
    category: Category = Field(description="Kind of site: " + ", ".join(c.value for c in Category))
    recognition: Recognition | None = Field(None, description="Recognition as a relic; omit when unknown")
    built: Text | None = Field(None, description="When it was built, as free text (year or period)")
    location: Location | None = Field(None, description="Coordinates; omit while unknown (the site is then not mapped)")
    address: Address = Field(description="Address, as written and in today's units")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] = Field(
        description="One or two sentences, used in lists, posters and map popups"
    )
    photos: list[Photo] = Field(default_factory=list, description="Photos in the site folder, first one leads")
    narration: dict[str, Narration] = Field(
        default_factory=dict, description="Recorded narrations by language tag (vi, en...); a language without "
        "one gets automatic speech"
    )
    sources: list[Source] = Field(default_factory=list, description="Where the facts come from")
    tags: list[Text] = Field(default_factory=list, description="Free keywords that help search")
    quiz: list[QuizQuestion] = Field(
        default_factory=list, min_length=QUIZ_QUESTIONS[0], max_length=QUIZ_QUESTIONS[1],
        description=f"{QUIZ_QUESTIONS[0]}-{QUIZ_QUESTIONS[1]} multiple-choice questions on the site's story "
        "(docs/quiz.md); omit for no quiz")
    events: list[Event] = Field(
        default_factory=list, max_length=MAX_EVENTS,
        description=f"Anniversaries and festivals (docs/events.md), at most {MAX_EVENTS}; omit for none")
    published: bool = Field(True, description="False for a draft, which is not served to visitors")

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise PydanticCustomError("reserved_slug", ENGLISH["reserved_slug"], {"slug": slug})
        if slug == JOURNEYS_FOLDER:
            raise PydanticCustomError("journeys_slug", ENGLISH["journeys_slug"], {"slug": slug})
        return slug

    @field_validator("code", "aliases", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        if isinstance(value, str):
            return value.lower()
        if isinstance(value, list):
            return [item.lower() if isinstance(item, str) else item for item in value]
        return value


class Translation(StrictModel):
    """Front matter of `content/<slug>/index.<tag>.md` (any BCP 47 tag): the translated fields of a site."""

    name: Name | None = Field(None, description="Name in this language; the Vietnamese name when omitted")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] = Field(
        description="Summary in this language"
    )
    built: Text | None = Field(None, description="`built` in this language")
    quiz: list[QuizTranslation] = Field(
        default_factory=list, min_length=QUIZ_QUESTIONS[0], max_length=QUIZ_QUESTIONS[1],
        description="The quiz in this language: every Vietnamese question, by `id`; omit to show the quiz in "
        "Vietnamese")
    events: list[EventTranslation] = Field(
        default_factory=list, max_length=MAX_EVENTS,
        description="Events' names in this language, by `id`; an event left out shows its Vietnamese name")
    translation_reviewed: bool = Field(
        False, description="True once a native speaker has checked the translation; until then the page says it "
        "awaits review"
    )

"""Pydantic models of a site's front matter (`content/<slug>/index.md`) and its translations.

The models are strict: an unknown field, a wrong type or an out-of-range value is an error, never
silently dropped. Every field has a description; the README documents each one (a test checks).
"""

import datetime as dt
import re
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
from sites.catalog.provinces import UnknownProvince, find_province, former_province, former_provinces
from sites.catalog.recognition_words import (
    KINDS_ACCEPTED,
    KINDS_ACCEPTED_EN,
    LEVELS_ACCEPTED,
    LEVELS_ACCEPTED_EN,
    Decision,
    UnknownWords,
    parse_decision,
    recognition_level,
    relic_kinds,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_MAX = 16  # characters of a QR code id: short enough to read aloud and to keep the printed code coarse
CODE_PATTERN = rf"^[a-z0-9]{{2,{CODE_MAX}}}$"

# Windows device names: a folder with such a name cannot be checked out there.
RESERVED_SLUGS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
JOURNEYS_FOLDER = "journeys"  # content/journeys/ holds the journeys, so no site may take this slug

# Bounding box of Vietnam with a margin (mainland, Phú Quốc, Hoàng Sa, Trường Sa).
VIETNAM_LAT = (7.0, 24.0)
VIETNAM_LON = (101.0, 118.0)

ALIAS_PATTERN = r"^[a-z0-9-]{2,80}$"
URL_PATTERN = r"^https?://\S+$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]{0,11}$"  # an item of Wikidata: Q and its number, e.g. Q1142384
PHOTO_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:jpg|jpeg|png|webp|JPG|JPEG|PNG|WEBP)$"
# A recording placed by hand is served as it is, so it must be MP3 (the admin re-encodes other formats).
NARRATION_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:mp3|MP3)$"

# The name of the format each pattern checks, by which `sites.catalog.messages.PATTERN_HINTS` explains it.
PATTERN_FORMATS = {SLUG_PATTERN: "slug", CODE_PATTERN: "code", ALIAS_PATTERN: "alias",
                   PHOTO_FILE_PATTERN: "photo_file", URL_PATTERN: "url", NARRATION_FILE_PATTERN: "narration_file",
                   WIKIDATA_PATTERN: "wikidata"}

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
    """The state's recognition of the site as a relic. Level and kinds may be worded as decisions and lists word
    them ("Di tích quốc gia đặc biệt", "lịch sử và kiến trúc nghệ thuật"); the canonical values are kept."""

    level: RecognitionLevel = Field(description="special-national, national, provincial or city; or as decisions "
                                    "word it: quốc gia đặc biệt, quốc gia, cấp tỉnh, cấp thành phố")
    year: int | None = Field(None, ge=1900, le=2100, description="Year of the decision; taken from the decision's "
                             "date when omitted")
    year_approximate: bool = Field(False, description="True when the sources give the year only as 'about'")
    kind: list[RelicKind] = Field(
        default_factory=list, description="One or more of history, history-culture, architecture-art, archaeology, "
        "landscape; or as decisions word it: 'Di tích lịch sử và kiến trúc nghệ thuật'"
    )
    decision: Text | None = Field(None, description="The recognition decision as written, e.g. '2383/QĐ-TTg ngày "
                                  "09/12/2013'; its number, issuer and date are read from it where they can be")

    @field_validator("level", mode="before")
    @classmethod
    def _level_words(cls, value: object) -> object:
        if not isinstance(value, str) or value in RecognitionLevel._value2member_map_:
            return value
        try:
            return recognition_level(value)
        except UnknownWords:
            raise PydanticCustomError("recognition_level", ENGLISH["recognition_level"],
                                      {"value": value, "accepted": LEVELS_ACCEPTED,
                                       "accepted_en": LEVELS_ACCEPTED_EN}) from None

    @field_validator("kind", mode="before")
    @classmethod
    def _kind_words(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return relic_kinds(value)
        except UnknownWords as problem:
            raise PydanticCustomError("relic_kind", ENGLISH["relic_kind"],
                                      {"value": value, "part": problem.part, "accepted": KINDS_ACCEPTED,
                                       "accepted_en": KINDS_ACCEPTED_EN}) from None

    @model_validator(mode="before")
    @classmethod
    def _year_of_decision(cls, data: object) -> object:
        """The year is the decision's when the file does not give it; a different one is a mistake."""
        if not isinstance(data, dict) or not isinstance(data.get("decision"), str):
            return data
        parsed = parse_decision(data["decision"])
        if parsed is None or parsed.date is None:
            return data
        if data.get("year") in (None, ""):
            return {**data, "year": parsed.date.year}
        if str(data["year"]).strip() != str(parsed.date.year):
            raise PydanticCustomError("decision_year", ENGLISH["decision_year"],
                                      {"year": data["year"], "decision_year": parsed.date.year})
        return data

    @property
    def decision_parts(self) -> Decision | None:
        """The decision's number, issuer and date as read from its text; None when none could be read."""
        return parse_decision(self.decision) if self.decision else None


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
    province: Text = Field(description="One of the 34 provinces and centrally-run cities today (case, accents and "
                           "'TP.'/'Tỉnh' aside), used by the province filter and editors' rights; a list names "
                           "the first and the other provinces")
    other_provinces: list[Text] = Field(
        default_factory=list, description="Further provinces of today the site spans (a site ranked once for "
        "several provinces); it is listed under each")
    former_province: Text | None = Field(None, description="Province(s) before 1 July 2025, when different, "
                                         "separated by commas; each one of the 63 and now part of the site's provinces")
    current: Text | None = Field(None, description="Address in the administrative units in force since 2025")
    current_verified: bool = Field(False, description="False while the old-to-new mapping is unverified")

    @model_validator(mode="before")
    @classmethod
    def _province_list(cls, data: object) -> object:
        """`province: [A, B]` or "A, B": the first is the province, the others come before `other_provinces`."""
        if not isinstance(data, dict):
            return data
        names = split_names(data.get("province"))
        others = split_names(data.get("other_provinces"))
        if names is None or len(names) < 2 and others is None:
            return data
        return {**data, "province": names[0] if names else "", "other_provinces": names[1:] + (others or [])}

    @field_validator("province")
    @classmethod
    def _current_province(cls, name: str) -> str:
        return _province_today(name)

    @field_validator("other_provinces")
    @classmethod
    def _current_provinces(cls, names: list[str], info: ValidationInfo) -> list[str]:
        first = info.data.get("province")
        return [name for name in dict.fromkeys(map(_province_today, names)) if name != first]

    @field_validator("former_province")
    @classmethod
    def _former_provinces(cls, text: str | None, info: ValidationInfo) -> str | None:
        if text is None:
            return None
        provinces = [info.data.get("province"), *info.data.get("other_provinces", [])]
        formers = []
        for name in split_names(text) or []:
            try:
                former = former_province(name)
            except UnknownProvince as problem:
                raise _unknown_province("former_province_unknown", name, problem) from None
            if None not in provinces and former_provinces()[former] not in provinces:
                raise PydanticCustomError("former_province_elsewhere", ENGLISH["former_province_elsewhere"],
                                          {"name": former, "current": former_provinces()[former],
                                           "provinces": ", ".join(provinces)})
            formers.append(former)
        return ", ".join(dict.fromkeys(formers))

    @property
    def provinces(self) -> tuple[str, ...]:
        """Every province of today the site is in, its own first."""
        return (self.province, *self.other_provinces)

    @property
    def former_provinces(self) -> tuple[str, ...]:
        """The provinces before 1 July 2025 that `former_province` names."""
        return tuple(split_names(self.former_province) or ())


def split_names(value: object) -> list[str] | None:
    """Names given as a list (as they are), or as one text separated by commas or semicolons; None for anything else."""
    if isinstance(value, str):
        return [name.strip() for name in re.split(r"[,;]", value) if name.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _province_today(name: str) -> str:
    """The current province `name` is; a former one or an unknown one is an error that says what to write."""
    try:
        match = find_province(name)
    except UnknownProvince as problem:
        raise _unknown_province("province_unknown", name, problem) from None
    if match.former is not None:
        raise PydanticCustomError("province_former", ENGLISH["province_former"],
                                  {"name": match.former, "current": match.current})
    return match.current


def _unknown_province(type_: str, name: str, problem: UnknownProvince) -> PydanticCustomError:
    """The error for a province that is none of the list, with the nearest names as a did-you-mean."""
    template = ENGLISH[f"{type_}_suggestion" if problem.suggestions else type_]
    return PydanticCustomError(type_, template, {"name": name, "suggestions": ", ".join(problem.suggestions)})


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
    licence: Text | None = Field(None, description="The photo's licence alone (e.g. CC BY-SA 4.0), for the open "
                                 "data: the site's texts may be under another")
    licence_url: Annotated[str, StringConstraints(pattern=URL_PATTERN)] | None = Field(
        None, description="Address of the photo's licence text (http:// or https://)")


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
    wikidata: Annotated[str, StringConstraints(pattern=WIKIDATA_PATTERN)] | None = Field(
        None, description="The site's Wikidata item (Q and digits, e.g. Q1142384): a link on the page and sameAs "
        "for search engines")
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

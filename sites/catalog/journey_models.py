"""Pydantic models of a journey's front matter (`content/journeys/<slug>/index.md`) and its translations.

A journey (hành trình) is an ordered tour of sites. Strict like the site models: an unknown field, a
wrong type or an out-of-range value is an error. Every field has a description; the README documents
each one (tests/test_docs.py checks).
"""

from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from sites.catalog.models import Code, Location, Name, SiteFrontMatter, Slug, StrictModel, Text

MAX_STOPS = 60  # an outing, not a catalogue; the leaflet prints 30 stops a page of cards

Summary = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class TravelMode(StrEnum):
    """How the group travels between stops; sets the road factor and speed of the estimates."""

    walk = "walk"
    bicycle = "bicycle"
    motorbike = "motorbike"
    car = "car"
    boat = "boat"


class Stop(StrictModel):
    """One stop of the journey: a site, and what to say about it on this journey."""

    site: Slug = Field(description="Slug of the site (an old slug kept in the site's `aliases` works too)")
    note: Note | None = Field(None, description="A note for this stop on this journey, in Vietnamese")


class StartPoint(StrictModel):
    """Where the group meets before the first stop (a school, a Youth Union house)."""

    name: Name = Field(description="Name of the meeting place, in Vietnamese")
    location: Location | None = Field(None, description="Coordinates of the meeting place; omit while unknown")


class JourneyFrontMatter(StrictModel):
    """Front matter of `content/journeys/<slug>/index.md`, in Vietnamese; the body is the introduction."""

    name: Name = Field(description="Name of the journey in Vietnamese (at most 200 characters)")
    slug: Slug = Field(description="Lower-case ASCII `a-z0-9-`; equal to the folder name; never changes once printed")
    code: Code = Field(description="Short id printed in the journey's QR code (`/j/CODE`); no site or journey has it")
    aliases: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{2,80}$")]] = Field(
        default_factory=list, description="Old slugs or codes that must keep working"
    )
    summary: Summary = Field(description="One or two sentences, used in lists and on the leaflet")
    stops: list[Stop] = Field(min_length=1, max_length=MAX_STOPS, description="The sites to visit, in order")
    travel_mode: TravelMode = Field(description="walk, bicycle, motorbike, car or boat")
    duration_hours: float | None = Field(
        None, gt=0, le=240, description="The whole outing's estimated length in hours, visits included"
    )
    start: StartPoint | None = Field(None, description="Where the group meets before the first stop")
    province: Text = Field(description="Province or centrally-run city today; the filter and staff roles use it")
    published: bool = Field(True, description="False for a draft, which is not served to visitors")

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        return SiteFrontMatter._not_reserved(slug)  # the folder must check out on Windows too

    @field_validator("code", "aliases", mode="before")
    @classmethod
    def _lower_case(cls, value: object) -> object:
        return SiteFrontMatter._lower_case(value)  # codes and aliases match case-insensitively, as for sites


class JourneyTranslation(StrictModel):
    """Front matter of `content/journeys/<slug>/index.<lang>.md`: the translated texts of a journey."""

    name: Name | None = Field(None, description="Name in this language; the Vietnamese name when omitted")
    summary: Summary = Field(description="Summary in this language")
    notes: dict[Slug, Note] = Field(
        default_factory=dict, description="Stop notes in this language, keyed by the stop's site slug"
    )
    start_name: Name | None = Field(None, description="Name of the meeting place in this language")

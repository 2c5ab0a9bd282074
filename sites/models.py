"""Pydantic models of a site's front matter (`content/<slug>/index.md`) and its translations.

The models are strict: an unknown field, a wrong type or an out-of-range value is an error, never
silently dropped. Every field has a description; the README documents each one (a test checks).
"""

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
CODE_PATTERN = r"^[a-z0-9]{2,16}$"

# Windows device names: a folder with such a name cannot be checked out there.
RESERVED_SLUGS = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
JOURNEYS_FOLDER = "journeys"  # content/journeys/ holds the journeys, so no site may take this slug

# Bounding box of Vietnam with a margin (mainland, Phú Quốc, Hoàng Sa, Trường Sa).
VIETNAM_LAT = (7.0, 24.0)
VIETNAM_LON = (101.0, 118.0)

# Plain-language explanations of pattern checks, keyed by field name, for the loader's messages.
PATTERN_HINTS = {
    "slug": "use lower-case letters a-z, digits and single hyphens, for example 'dinh-thoi-an'",
    "code": "use 2-16 lower-case letters a-z and digits, for example 'thoian'",
    "aliases": "use lower-case letters a-z, digits and hyphens",
    "file": "a file name in the site folder (letters, digits, - and _) ending in .jpg, .png or .webp",
    "url": "must be a web address starting with http:// or https://",
}

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=2, max_length=80)]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Long enough for any real site's full name (150 characters fit every poster format); a longer one is a
# mistake, such as a pasted paragraph, that no plaque could print legibly.
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Category(StrEnum):
    """Kinds of site, with their Vietnamese and English labels in `CATEGORY_LABELS`."""

    dinh = "dinh"
    chua = "chua"
    mieu = "mieu"
    den = "den"
    lang = "lang"
    nha_tho = "nha-tho"
    revolutionary_relic = "revolutionary-relic"
    landscape = "landscape"
    other = "other"


CATEGORY_LABELS: dict[Category, dict[str, str]] = {
    Category.dinh: {"vi": "Đình", "en": "Communal house"},
    Category.chua: {"vi": "Chùa", "en": "Pagoda"},
    Category.mieu: {"vi": "Miếu", "en": "Temple"},
    Category.den: {"vi": "Đền", "en": "Shrine"},
    Category.lang: {"vi": "Lăng", "en": "Mausoleum"},
    Category.nha_tho: {"vi": "Nhà thờ", "en": "Church"},
    Category.revolutionary_relic: {"vi": "Di tích cách mạng", "en": "Revolutionary relic"},
    Category.landscape: {"vi": "Danh lam thắng cảnh", "en": "Scenic site"},
    Category.other: {"vi": "Khác", "en": "Other"},
}


class RecognitionLevel(StrEnum):
    """Level at which the state recognised the site as a relic."""

    special_national = "special-national"
    national = "national"
    provincial = "provincial"
    city = "city"


RECOGNITION_LEVEL_LABELS: dict[RecognitionLevel, dict[str, str]] = {
    RecognitionLevel.special_national: {"vi": "cấp quốc gia đặc biệt", "en": "special national"},
    RecognitionLevel.national: {"vi": "cấp quốc gia", "en": "national"},
    RecognitionLevel.provincial: {"vi": "cấp tỉnh", "en": "provincial"},
    RecognitionLevel.city: {"vi": "cấp thành phố", "en": "city"},
}


class RelicKind(StrEnum):
    """Type of relic in the sense of Vietnam's Law on Cultural Heritage."""

    history = "history"
    history_culture = "history-culture"
    architecture_art = "architecture-art"
    archaeology = "archaeology"
    landscape = "landscape"


RELIC_KIND_LABELS: dict[RelicKind | None, dict[str, str]] = {
    None: {"vi": "Di tích", "en": "Relic"},
    RelicKind.history: {"vi": "Di tích lịch sử", "en": "Historical relic"},
    RelicKind.history_culture: {"vi": "Di tích lịch sử - văn hóa", "en": "Historical and cultural relic"},
    RelicKind.architecture_art: {"vi": "Di tích kiến trúc nghệ thuật", "en": "Architectural and artistic relic"},
    RelicKind.archaeology: {"vi": "Di tích khảo cổ", "en": "Archaeological relic"},
    RelicKind.landscape: {"vi": "Danh lam thắng cảnh", "en": "Scenic landscape"},
}


class LocationPrecision(StrEnum):
    """How exact the coordinates are; `district` means the district centre, not the building."""

    exact = "exact"
    approximate = "approximate"
    district = "district"


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
            raise ValueError(
                f"({self.lat}, {self.lon}) is far outside Vietnam "
                f"(expected lat {VIETNAM_LAT[0]}..{VIETNAM_LAT[1]}, lon {VIETNAM_LON[0]}..{VIETNAM_LON[1]}); "
                "are lat and lon swapped?"
            )
        return self


class Address(StrictModel):
    """The address as the sources give it, plus today's units after the July 2025 merger."""

    text: Text = Field(description="Address as the sources write it (old administrative units)")
    province: Text = Field(description="Province or centrally-run city today, used by the province filter")
    former_province: Text | None = Field(None, description="Province before 1 July 2025, when different")
    current: Text | None = Field(None, description="Address in the administrative units in force since 2025")
    current_verified: bool = Field(False, description="False while the old-to-new mapping is unverified")


PHOTO_FILE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.(?:jpg|jpeg|png|webp|JPG|JPEG|PNG|WEBP)$"


class Photo(StrictModel):
    """A photo stored in the site's folder."""

    file: Annotated[str, StringConstraints(pattern=PHOTO_FILE_PATTERN)] = Field(
        description="File name inside the site folder (letters, digits, - and _; .jpg, .png or .webp)"
    )
    caption: Text = Field(description="Caption in Vietnamese (also the image's alt text)")
    caption_en: Text | None = Field(None, description="Caption in English")
    credit: Text = Field(description="Who took the photo, and its licence")


class Source(StrictModel):
    """Where the facts on the page come from."""

    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] = Field(description="Address of the source")
    title: Text | None = Field(None, description="Publisher or title of the source")


class SiteFrontMatter(StrictModel):
    """Front matter of `content/<slug>/index.md`, in Vietnamese."""

    name: Name = Field(description="Name of the site in Vietnamese (at most 200 characters)")
    slug: Slug = Field(description="Lower-case ASCII `a-z0-9-`; equal to the folder name; never changes once printed")
    code: Code = Field(description="Short, stable id printed in the QR code (`a-z0-9`, 2-16 characters)")
    aliases: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9-]{2,80}$")]] = Field(
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
    sources: list[Source] = Field(default_factory=list, description="Where the facts come from")
    tags: list[Text] = Field(default_factory=list, description="Free keywords that help search")
    published: bool = Field(True, description="False for a draft, which is not served to visitors")

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, slug: str) -> str:
        if slug in RESERVED_SLUGS:
            raise ValueError(f"'{slug}' is a reserved device name on Windows; choose another slug")
        if slug == JOURNEYS_FOLDER:
            raise ValueError(f"'{slug}' is the folder of the journeys (content/{slug}/); choose another slug")
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
    """Front matter of `content/<slug>/index.<lang>.md`: the translated fields of a site."""

    name: Name | None = Field(None, description="Name in this language; the Vietnamese name when omitted")
    summary: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] = Field(
        description="Summary in this language"
    )
    built: Text | None = Field(None, description="`built` in this language")

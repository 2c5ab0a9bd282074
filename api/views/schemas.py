"""Response models of the JSON API. The HTML pages render the very same objects (one model, two renderings)."""

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field

from sites.catalog.languages import language_tag

# A BCP 47 tag of a language CLDR knows, in its canonical spelling (km, en, zh-Hant).
LanguageTag = Annotated[str, AfterValidator(language_tag), Field(examples=["vi", "en", "km"])]


class LocationOut(BaseModel):
    lat: float
    lon: float
    precision: Literal["exact", "approximate", "district"] = Field(
        description="exact, approximate, or district (the district centre, not the building)"
    )


class AddressOut(BaseModel):
    text: str = Field(description="Address as the sources write it")
    province: str = Field(description="Province today (after the July 2025 merger)")
    other_provinces: list[str] = Field([], description="Further provinces of today the site spans")
    former_province: str | None = Field(None, description="Province(s) before 1 July 2025, comma-separated")
    current: str | None = Field(None, description="Address in today's administrative units")
    current_verified: bool


class RecognitionOut(BaseModel):
    level: str
    year: int | None
    year_approximate: bool
    kind: list[str] = Field(description="Relic kinds: history, history-culture, architecture-art, archaeology, "
                            "landscape")
    decision: str | None = Field(description="The decision as written")
    decision_number: str | None = Field(None, description="The decision's number read from it, e.g. 2383/QĐ-TTg")
    decision_issuer: str | None = Field(None, description="The issuer's abbreviation in the number, e.g. TTg")
    decision_date: dt.date | None = Field(None, description="The decision's date read from it")
    label: str = Field(description="Human-readable, for example 'Di tích cấp thành phố, 2004'")


class PhotoOut(BaseModel):
    url: str = Field(description="Path of the 480 px wide variant")
    url_large: str = Field(description="Path of the largest variant, for link previews")
    srcset: str = Field(description="Every width variant, for the HTML srcset attribute")
    width: int = Field(description="Width of the 480 px variant")
    height: int = Field(description="Height of the 480 px variant")
    caption: str
    credit: str


class SourceOut(BaseModel):
    url: str
    title: str | None


class NearbyOut(BaseModel):
    slug: str
    name: str
    url: str
    km: float | None = Field(description="Distance in kilometres; null when either site's point is only its "
                             "district centre (location.precision district) or both are in the same area")
    same_area: bool = Field(description="At the same point or very close (two sites at one district centre too)")


class SiteSummaryOut(BaseModel):
    slug: str
    code: str = Field(description="Short id printed in the site's QR code")
    name: str
    category: str
    category_label: str
    province: str
    place: str = Field(description="Address as written, for lists")
    summary: str
    url: str = Field(description="Absolute address of the site page")
    location: LocationOut | None
    lang: LanguageTag = Field(description="Language of the interface labels (BCP 47)")
    content_lang: LanguageTag = Field(
        description="Language the texts are really in (BCP 47): Vietnamese when the site has no text in `lang`"
    )
    translation_reviewed: bool = Field(
        description="False while a translation awaits review by a native speaker; the Vietnamese text is always true"
    )


class NextEventOut(BaseModel):
    """The site's next event (issue 24): today's, or the first to come."""

    id: str = Field(description="The event's id in the site's front matter")
    name: str
    kind: str = Field(description="festival, anniversary, commemoration or ranking")
    kind_label: str
    start: dt.date = Field(description="The first day (Gregorian)")
    days: int
    dates: str = Field(description='The Gregorian and lunar dates as the page shows them: "15/4 âm lịch · 20/5/2027"')
    years: int | None = Field(description="An anniversary's number of years")


class SiteOut(SiteSummaryOut):
    other_names: list[str]
    aliases: list[str]
    recognition: RecognitionOut | None
    built: str | None
    address: AddressOut
    body_html: str = Field(description="The story, as sanitised HTML")
    photos: list[PhotoOut]
    sources: list[SourceOut]
    tags: list[str]
    wikidata_url: str | None = Field(None, description="The site's Wikidata item, when its front matter names one")
    languages: list[str] = Field(description="Languages the site's text exists in")
    directions_url: str | None = Field(description="Opens directions in a maps app")
    osm_url: str | None
    nearby: list[NearbyOut]
    next_event: NextEventOut | None = Field(None, description="Today's or the next event of the site's calendar")
    calendar_url: str | None = Field(None, description="The site's events as iCalendar, when it has any")


class SiteListOut(BaseModel):
    count: int = Field(description="Sites found, on every page")
    page: int = Field(1, description="This page, from 1 (`?page=`)")
    pages: int = Field(1, description="Pages of at most 500 sites")
    sites: list[SiteSummaryOut]


class PointGeometry(BaseModel):
    type: Literal["Point"] = "Point"
    coordinates: tuple[float, float] = Field(description="[longitude, latitude], as GeoJSON orders them")


class FeatureProperties(BaseModel):
    slug: str
    code: str
    name: str
    category: str
    category_label: str
    summary: str
    url: str
    precision: str
    scans: int = Field(description="QR scans, all time")
    views: int = Field(description="Page views, all time")
    visits_30_days: int = Field(description="Scans and views in the last 30 days (Vietnam time), today included")


class Feature(BaseModel):
    type: Literal["Feature"] = "Feature"
    id: str
    geometry: PointGeometry
    properties: FeatureProperties


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"] = "FeatureCollection"
    features: list[Feature]


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"] = Field("ok", description="`degraded`: pages are served, visits not counted")
    reason: str | None = Field(None, description="Why the status is degraded (absent when ok)")
    sites: int = Field(description="Published sites being served")
    content_errors: int = Field(description="Problems found in content/; `diachido check` lists them")
    narrations_pending: int = Field(description="Automatic narrations still to be made in the background (0: every "
                                    "published site and language has its MP3)")


class ErrorOut(BaseModel):
    detail: str


class CountsOut(BaseModel):
    scans: int = Field(description="Visits through the site's QR code (/q/CODE)")
    views: int = Field(description="Visits of the site page (/sites/SLUG) without a scan")
    unique_visitors: int = Field(
        description="Distinct visitors (scans and views) per day, summed over the days: "
        "someone who comes back on another day counts again"
    )
    last_visit: dt.datetime | None = Field(description="Time of the last counted visit (UTC), if any")
    late_scans: int = Field(
        0, description="Of the scans, those made with no signal and sent later by the phone (counted on the day "
        "they happened; they add nothing to unique visitors)"
    )


class SiteStatsOut(CountsOut):
    slug: str
    code: str
    name: str
    url: str = Field(description="The site's page")


class StatsOut(BaseModel):
    total: CountsOut = Field(description="All sites together")
    sites: list[SiteStatsOut] = Field(description="Every published site, most scanned first")


class DayOut(BaseModel):
    date: dt.date = Field(description="A day in Vietnam time (UTC+7)")
    scans: int
    views: int
    unique_visitors: int
    late_scans: int = Field(0, description="Of the day's scans, those sent late")


class SiteDailyStatsOut(BaseModel):
    slug: str
    code: str
    name: str
    start: dt.date = Field(alias="from", description="First day of the series")
    end: dt.date = Field(alias="to", description="Last day of the series (included)")
    total: CountsOut = Field(description="The counts of the days in the series together")
    days: list[DayOut] = Field(description="Every day from `from` to `to`, days without visits included")

    model_config = {"populate_by_name": True, "serialize_by_alias": True}

"""Build the response models from loaded sites: one function per shape, shared by HTML and JSON."""

import datetime as dt
import io

from api.views.schemas import (
    AddressOut,
    Feature,
    FeatureProperties,
    LocationOut,
    NearbyOut,
    NextEventOut,
    PhotoOut,
    PointGeometry,
    RecognitionOut,
    SiteOut,
    SiteSummaryOut,
    SourceOut,
)
from sites.calendar import clock
from sites.calendar.calendar_index import next_of_site
from sites.calendar.labels import occurrence_text
from sites.catalog.i18n import category_label, recognition_label
from sites.catalog.models import Recognition
from sites.catalog.photos import scaled_size, variant_name, variant_widths
from sites.catalog.registry import Registry
from sites.catalog.site import LocalizedSite, PhotoFile, Site
from sites.visits.visit import Counts

LIST_PHOTO_WIDTH = 480
WIKIDATA_ITEM = "https://www.wikidata.org/wiki/"  # + the Q-number: the item's page, which is also its sameAs link


def site_path(slug: str) -> str:
    """Path of a site's canonical page."""
    return f"/sites/{slug}"


def photo_root(slug: str) -> str:
    """Path of the folder of a site's resized photos."""
    return f"/photos/{slug}"


def photo_variant_path(root: str, photo: PhotoFile, width: int) -> str:
    """Path of a resized variant of a site photo under `root`."""
    return f"{root}/{variant_name(photo, width)}"


def site_summary_out(site: Site, lang: str, base_url: str) -> SiteSummaryOut:
    """What lists and search results show of a site."""
    return SiteSummaryOut(**_summary_fields(site, site.localized(lang), base_url))


def _summary_fields(site: Site, text: LocalizedSite, base_url: str) -> dict:
    location = site.card.location
    return {
        "slug": site.slug,
        "code": site.code,
        "name": text.name,
        "category": site.card.category.value,
        "category_label": category_label(site.card.category, text.lang),
        "province": site.card.province,
        "place": site.card.place,
        "summary": text.summary,
        "url": base_url + site_path(site.slug),
        "location": (
            LocationOut(lat=location.lat, lon=location.lon, precision=location.precision.value) if location else None
        ),
        "lang": text.lang,
        "content_lang": text.content_lang,
        "translation_reviewed": text.reviewed,
    }


def _decision_fields(recognition: Recognition) -> dict:
    parts = recognition.decision_parts
    if parts is None:
        return {}
    return {"decision_number": parts.number, "decision_issuer": parts.issuer, "decision_date": parts.date}


def site_out(site: Site, lang: str, base_url: str, registry: Registry, photos_at: str | None = None,
             today: dt.date | None = None) -> SiteOut:
    """Everything the site page shows, in `lang`; photo paths under `photos_at` (default: the public ones); the
    next event from `today` (default: today in Vietnam)."""
    text = site.localized(lang)
    meta = site.meta
    location = meta.location
    recognition = meta.recognition
    return SiteOut(
        **_summary_fields(site, text, base_url),
        other_names=meta.other_names,
        aliases=meta.aliases,
        recognition=RecognitionOut(
            level=recognition.level.value,
            year=recognition.year,
            year_approximate=recognition.year_approximate,
            kind=[kind.value for kind in recognition.kind],
            decision=recognition.decision,
            **_decision_fields(recognition),
            label=recognition_label(recognition, lang) or "",
        ) if recognition else None,
        built=text.built,
        address=AddressOut(**meta.address.model_dump()),
        body_html=site.body_html(text.content_lang),
        photos=[photo_out(photos_at or photo_root(site.slug), photo, lang) for photo in site.photos],
        sources=[SourceOut(url=source.url, title=source.title) for source in meta.sources],
        tags=meta.tags,
        wikidata_url=f"{WIKIDATA_ITEM}{meta.wikidata}" if meta.wikidata else None,
        languages=site.languages,
        directions_url=(
            f"https://www.google.com/maps/dir/?api=1&destination={location.lat},{location.lon}" if location else None
        ),
        osm_url=(
            f"https://www.openstreetmap.org/?mlat={location.lat}&mlon={location.lon}#map=16/{location.lat}/{location.lon}"
            if location else None
        ),
        nearby=[
            NearbyOut(
                slug=near.site.slug,
                name=near.site.localized(lang).name,
                url=base_url + site_path(near.site.slug),
                km=None if near.shown_km is None else round(near.shown_km, 1),
                same_area=near.same_area,
            )
            for near in registry.nearby(site)
        ],
        next_event=next_event_out(site, lang, today or clock.today()),
        calendar_url=f"{base_url}{site_path(site.slug)}.ics" if site.card.has_events else None,
    )


def next_event_out(site: Site, lang: str, today: dt.date) -> NextEventOut | None:
    """The site's event going on `today` or coming next, in `lang`."""
    item = next_of_site(site, today)
    if item is None:
        return None
    text = occurrence_text(item, lang)
    return NextEventOut(id=item.event.id, name=text.name, kind=item.kind.value, kind_label=text.kind,
                        start=item.start, days=item.days, dates=text.dates, years=item.years)


def photo_out(root: str, photo: PhotoFile, lang: str) -> PhotoOut:
    """A photo with the paths of its resized variants (under `root`) and the size of the smallest."""
    widths = variant_widths(photo)
    width, height = scaled_size(photo, LIST_PHOTO_WIDTH)
    return PhotoOut(
        url=photo_variant_path(root, photo, LIST_PHOTO_WIDTH),
        url_large=photo_variant_path(root, photo, widths[-1]),
        srcset=", ".join(f"{photo_variant_path(root, photo, w)} {scaled_size(photo, w)[0]}w" for w in widths),
        width=width,
        height=height,
        caption=photo.caption_in(lang),
        credit=photo.credit,
    )


def feature_collection(sites: list[Site], lang: str, base_url: str,
                       totals: dict[str, Counts], recent: dict[str, Counts]) -> bytes:
    """Sites with coordinates and their visits (`totals` all time, `recent` in the recent period
    (sites/visits/stats.py), by slug) as a GeoJSON FeatureCollection (a FeatureCollection's JSON), sites without
    coordinates left out. Each feature is written as it is made: at 40,000 sites the whole collection as models,
    then dicts, took about 170 MB more at its peak (issue 27)."""
    nothing = Counts()
    out = io.BytesIO()  # one buffer, not 40,000 small bytes left scattered in the heap
    out.write(b'{"type":"FeatureCollection","features":[')
    separator = b""
    for site in sites:
        location = site.card.location
        if location is None:
            continue
        text = site.localized(lang)
        total, latest = totals.get(site.slug, nothing), recent.get(site.slug, nothing)
        out.write(separator)
        separator = b","
        out.write(Feature(
            id=site.slug,
            geometry=PointGeometry(coordinates=(location.lon, location.lat)),
            properties=FeatureProperties(
                slug=site.slug,
                code=site.code,
                name=text.name,
                category=site.card.category.value,
                category_label=category_label(site.card.category, lang),
                summary=text.summary,
                url=base_url + site_path(site.slug),
                precision=location.precision.value,
                scans=total.scans,
                views=total.views,
                visits_30_days=latest.visits,
            ),
        ).model_dump_json().encode())
    out.write(b"]}")
    return out.getvalue()


MAP_POINT_FIELDS = ("lon", "lat", "slug", "name", "category", "scans", "views", "visits_30_days")
MAP_DECIMALS = 5  # about 1 m: finer than any marker on the map


def map_points(sites: list[Site], lang: str, base_url: str,
               totals: dict[str, Counts], recent: dict[str, Counts]) -> dict:
    """The map's slim feed: one array per site with coordinates, in the order of MAP_POINT_FIELDS (no summaries,
    no repeated keys), the category labels once, and the prefix of the sites' page addresses."""
    nothing = Counts()
    rows, categories = [], {}
    for site in sites:
        location = site.card.location
        if location is None:
            continue
        category = site.card.category
        categories.setdefault(category.value, category_label(category, lang))
        total, latest = totals.get(site.slug, nothing), recent.get(site.slug, nothing)
        rows.append([round(location.lon, MAP_DECIMALS), round(location.lat, MAP_DECIMALS), site.slug,
                     site.localized(lang).name, category.value, total.scans, total.views, latest.visits])
    return {"fields": list(MAP_POINT_FIELDS), "categories": categories, "url": base_url + site_path(""),
            "sites": rows}

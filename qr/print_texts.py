"""What staff print, from the loaded content and the settings: the URL a QR code encodes, the texts of a
site's poster and of a journey's leaflet, the branding, and the warning about a loopback base URL.

No web framework here, and settings are passed in: the CLI and the routes share it.
"""

from qr.codes import ErrorCorrection, can_uppercase, scan_url, svg
from qr.engraving.layout import PlaqueText
from qr.journey_leaflets import LeafletFormat, LeafletStop, LeafletText, leaflet
from qr.posters import Branding, PosterText
from sites.catalog.i18n import COMPLETE_LANGUAGES, category_label, recognition_label, strings, travel_mode_label
from sites.catalog.journey_itinerary import journey_itinerary
from sites.catalog.journey_labels import arrival_label, minutes_label, total_label
from sites.catalog.journeys import Journey
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.photos import variant_file
from sites.catalog.site import Site
from sites.plaque_reports.store import ProblemKind
from sites.settings import Settings

POSTER_PHOTO_WIDTH = 960  # px: about 280 dpi across the A4 poster's photo box, the largest one

LOOPBACK_MESSAGE = (
    "DIACHIDO_BASE_URL ({base_url}) là địa chỉ nội bộ của máy chủ: điện thoại quét mã sẽ không mở được. "
    "Hãy đặt DIACHIDO_BASE_URL là địa chỉ công khai (ví dụ https://diachido.vn) rồi chạy lại. / "
    "DIACHIDO_BASE_URL ({base_url}) is a loopback address: phones scanning these codes cannot open it. "
    "Set DIACHIDO_BASE_URL to the public address (e.g. https://diachido.vn) and restart."
)


def loopback_warning(settings: Settings) -> str:
    """The message that says the base URL cannot be reached from a phone."""
    return LOOPBACK_MESSAGE.format(base_url=settings.base_url)


def site_scan_url(site: Site, settings: Settings) -> str:
    """What the site's QR code encodes."""
    return scan_url(settings.base_url, site.code, settings.qr_uppercase)


def site_svg(site: Site, settings: Settings, ec: ErrorCorrection, cm: float | None) -> bytes:
    """The site's QR code as SVG, titled with the site's name and the URL it opens."""
    payload = site_scan_url(site, settings)
    return svg(payload, ec, cm, title=f"{site.card.name}: {payload}")


def poster_text(site: Site, settings: Settings, lang: str = SOURCE_LANGUAGE) -> PosterText:
    """What the site's poster says in `lang` (Vietnamese where the site has no text in it), with the call to
    action in `lang` and then in Vietnamese (English under a Vietnamese one). The URL is the one its QR code
    encodes, the same in every language: a phone opens the page in its own language, with a picker.
    A Vietnamese poster of a site translated into English prints the English name too; the first photo is
    its 960 px variant (made once and cached: this may take a moment, so call it off the event loop)."""
    text = site.localized(lang)
    lang = text.content_lang
    photo = site.photos[0] if site.photos else None
    second = SOURCE_LANGUAGE if lang != SOURCE_LANGUAGE else next(
        (tag for tag in COMPLETE_LANGUAGES if tag != SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    return PosterText(
        name=text.name,
        category=category_label(site.card.category, lang),
        recognition=recognition_label(site.meta.recognition, lang),
        summary=text.summary,
        url=site_scan_url(site, settings),
        lang=lang,
        call_to_action=(strings(lang)["call_to_action"], strings(second)["call_to_action"]),
        name_en=_english_name(site) if lang == SOURCE_LANGUAGE else None,
        photo=variant_file(photo, POSTER_PHOTO_WIDTH, settings.data_dir / "photo-cache" / site.slug) if photo else None,
        photo_credit=photo.credit if photo else None,
    )


def plaque_text(site: Site, settings: Settings, lang: str = SOURCE_LANGUAGE) -> PlaqueText:
    """What the site's engraved plate says in `lang` (Vietnamese where the site has no text in it): the organisation,
    the name, the category and ranking, and the URL of its code (the same in every language)."""
    text = site.localized(lang)
    lang = text.content_lang
    details = " · ".join(part for part in (category_label(site.card.category, lang),
                                           recognition_label(site.meta.recognition, lang)) if part)
    return PlaqueText(settings.organisation, text.name, details, site_scan_url(site, settings), lang)


def _english_name(site: Site) -> str | None:
    """The site's English name, when it has an English translation with a name of its own."""
    translation = site.translations.get("en")
    return translation.name if translation and translation.name and translation.name != site.card.name else None


def branding(settings: Settings) -> Branding:
    """The organising unit and its logo, from the settings."""
    return Branding(settings.organisation, settings.organisation_logo)


def journey_scan_url(journey: Journey, settings: Settings) -> str:
    """What the journey's QR code encodes: `BASE_URL/j/CODE`."""
    return scan_url(settings.base_url, journey.code, settings.qr_uppercase, prefix="j")


def journey_svg(journey: Journey, settings: Settings, ec: ErrorCorrection = ErrorCorrection.M,
                cm: float | None = None) -> bytes:
    """The journey's QR code as SVG, titled with its name and the URL it opens (its page shows it inline)."""
    payload = journey_scan_url(journey, settings)
    return svg(payload, ec, cm, title=f"{journey.meta.name}: {payload}")


def leaflet_text(journey: Journey, settings: Settings, lang: str = SOURCE_LANGUAGE) -> LeafletText:
    """The journey's leaflet texts in `lang`; each stop's QR encodes `leaflet_stop_url`."""
    localized = journey.localized(lang)
    plan = journey_itinerary(journey)
    words = strings(lang)
    facts = [travel_mode_label(journey.meta.travel_mode, lang),
             words["journey_stop_count"].format(n=len(journey.stops)), total_label(plan.itinerary, lang)]
    if journey.meta.duration_hours:
        facts.append(words["leaflet_outing"].format(time=minutes_label(journey.meta.duration_hours * 60, lang)))
    stops = []
    for stop, point, arrival in zip(journey.stops, plan.points, plan.arrivals, strict=True):
        note = stop.note(lang)
        stops.append(LeafletStop(
            number=stop.number,
            name=stop.site.localized(lang).name,
            summary=f"{stop.short_summary(lang)} {note}" if note else stop.short_summary(lang),
            distance=arrival_label(stop.number, arrival, lang),
            url=leaflet_stop_url(stop.site, settings),
            point=(point.lat, point.lon) if point else None,
        ))
    return LeafletText(
        title=localized.name,
        summary=localized.summary,
        facts=" · ".join(facts),
        url=journey_scan_url(journey, settings),
        organisation=settings.organisation,
        stops=tuple(stops),
        logo=settings.organisation_logo,
    )


def leaflet_stop_url(site: Site, settings: Settings) -> str:
    """What a stop's code on a leaflet encodes: `/Q/CODE` upper-cased whenever the base URL allows (QR
    alphanumeric mode: a smaller symbol, so larger modules that survive a phone's photo, issue 23), else as the
    plaque's."""
    return scan_url(settings.base_url, site.code, settings.qr_uppercase or can_uppercase(settings.base_url))


def journey_leaflet(journey: Journey, settings: Settings, fmt: LeafletFormat = LeafletFormat.a4,
                    lang: str = SOURCE_LANGUAGE) -> bytes:
    """The journey's leaflet as PDF bytes (about 60 ms for 30 stops: call it off the event loop)."""
    return leaflet(leaflet_text(journey, settings, lang), fmt)


def plaque_problem_labels() -> dict[str, str]:
    """Each kind of plaque problem in Vietnamese, then in English ("Bảng bị hỏng / The plaque is damaged"),
    for the monthly report."""
    other = next((tag for tag in COMPLETE_LANGUAGES if tag != SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    return {kind.value: " / ".join(dict.fromkeys(strings(lang)[f"report_kind_{kind.value}"]
                                                 for lang in (SOURCE_LANGUAGE, other)))
            for kind in ProblemKind}

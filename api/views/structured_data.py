"""What search engines and link previews read in a page's head (issue 23): schema.org JSON-LD for the home page
(a WebSite with its search), a site (a landmark with its recognition and sameAs) and a journey (a TouristTrip
with its stops in order), and the share card that `og:image` names.

Templates embed the JSON with Jinja's `tojson`, which writes <, >, & and ' as \\u escapes: no text of the
content can close the <script> element it sits in.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from api.views.journey_views import JourneyOut
from api.views.schemas import SiteOut
from qr.card_texts import CardJob
from qr.share_cards import HEIGHT, WIDTH

SCHEMA = "https://schema.org"
SEARCH_TERM = "search_term_string"


@dataclass(frozen=True)
class ShareImage:
    """A page's `og:image`: the card's address (with its version, for previews that keep images by address),
    its size and its alternative text."""

    url: str
    alt: str
    width: int = WIDTH
    height: int = HEIGHT


def share_image(job: CardJob, card_path: str, base_url: str, lang: str) -> ShareImage:
    """The card of `job` served at `card_path` in `lang`."""
    query = urlencode({"lang": lang, "v": job.version})
    return ShareImage(f"{base_url}{card_path}?{query}", f"{job.text.title} · {job.text.facts}")


def home_data(site_title: str, base_url: str, lang: str) -> dict:
    """The home page: the WebSite, searchable at /?q=."""
    return {
        "@context": SCHEMA,
        "@type": "WebSite",
        "name": site_title,
        "url": f"{base_url}/",
        "inLanguage": lang,
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{base_url}/?q={{{SEARCH_TERM}}}"},
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def site_data(view: SiteOut, page_url: str, base_url: str) -> dict:
    """A site: name, place, photos, its recognition as a relic and the pages about it elsewhere (sameAs)."""
    data = {
        "@context": SCHEMA,
        "@type": "LandmarksOrHistoricalBuildings",
        "name": view.name,
        "description": view.summary,
        "url": page_url,
        "inLanguage": view.content_lang,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": view.address.text,
            "addressRegion": view.address.province,
            "addressCountry": "VN",
        },
    }
    if view.other_names:
        data["alternateName"] = view.other_names
    if view.location:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": view.location.lat, "longitude": view.location.lon}
    if view.photos:
        data["image"] = [base_url + photo.url_large for photo in view.photos]
    if view.recognition:
        data["additionalProperty"] = _recognition(view)
    if view.wikidata_url:
        data["sameAs"] = [view.wikidata_url]
    return data


def _recognition(view: SiteOut) -> list[dict]:
    """The recognition as schema.org PropertyValues: the level (with its label as the page shows it), the year
    and the decision, each when known."""
    recognition = view.recognition
    values = [{"@type": "PropertyValue", "propertyID": "recognition.level", "name": "recognition level",
               "value": recognition.level, "description": recognition.label}]
    if recognition.year:
        values.append({"@type": "PropertyValue", "propertyID": "recognition.year", "name": "recognition year",
                       "value": recognition.year})
    if recognition.decision:
        values.append({"@type": "PropertyValue", "propertyID": "recognition.decision", "name": "recognition decision",
                       "value": recognition.decision})
    return values


def journey_data(view: JourneyOut, page_url: str, image: ShareImage | None = None) -> dict:
    """A journey: a TouristTrip whose itinerary lists its stops in order, each a landmark with its page."""
    data = {
        "@context": SCHEMA,
        "@type": "TouristTrip",
        "name": view.name,
        "description": view.summary,
        "url": page_url,
        "inLanguage": view.content_lang,
        "itinerary": {
            "@type": "ItemList",
            "itemListOrder": "https://schema.org/ItemListOrderAscending",
            "numberOfItems": len(view.stops),
            "itemListElement": [
                {"@type": "ListItem", "position": stop.number,
                 "item": {"@type": "LandmarksOrHistoricalBuildings", "name": stop.name, "url": stop.url}}
                for stop in view.stops
            ],
        },
    }
    if image:
        data["image"] = image.url
    return data

"""What a base map is and is built from (map/build.py builds it with Folium), without Folium: the server holds these,
and the map process (api/caches/base_maps.py, map/jobs.py) alone imports Folium (issue 27)."""

import base64
import hashlib
from dataclasses import dataclass

from map.assets import MapAssets


@dataclass(frozen=True)
class MapLayer:
    """One category of sites: its key in the GeoJSON (`category`) and its name in the layer control,
    where it shows or hides the category's markers."""

    key: str
    label: str


@dataclass(frozen=True)
class MarkerTexts:
    """What the popups and the legend say, in the page's language."""

    scans: str
    views: str
    recent: str
    open_page: str
    legend_title: str
    cluster: str
    load_failed: str
    thousands: str  # digit group separator: "." in Vietnamese, "," in English


@dataclass(frozen=True)
class BaseMap:
    """A built map: the element to place in a page, its inline script, and what the page must load first."""

    html: str
    script: str
    assets: MapAssets

    @property
    def script_hash(self) -> str:
        """The inline script's CSP source (`'sha256-…'`), so the page needs no 'unsafe-inline' scripts."""
        digest = hashlib.sha256(self.script.encode()).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"

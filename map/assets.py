"""Where a map page loads Leaflet and Leaflet.markercluster from: this app (the default) or a CDN.

Served by the app, the map works offline and on networks that block CDNs. The files come from the
XStatic packages on PyPI, so nothing third-party is committed; the CDN addresses pin the same versions.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from xstatic.pkg import leaflet, leaflet_markercluster

CDN = "https://cdn.jsdelivr.net/npm"

# (URL path under which the app serves the package, folder with its files)
SERVED_PACKAGES: dict[str, Path] = {
    "/static/leaflet": Path(leaflet.BASE_DIR),
    "/static/leaflet-markercluster": Path(leaflet_markercluster.BASE_DIR),
}


@dataclass(frozen=True)
class MapAssets:
    """Script and stylesheet addresses of a map page, in loading order."""

    scripts: tuple[str, ...]
    styles: tuple[str, ...]

    @property
    def origins(self) -> list[str]:
        """The other hosts the page loads from (for its Content-Security-Policy); none when self-served."""
        hosts = {f"{url.scheme}://{url.netloc}" for url in map(urlsplit, self.scripts + self.styles) if url.netloc}
        return sorted(hosts)


def map_assets(use_cdn: bool) -> MapAssets:
    """Leaflet and Leaflet.markercluster, from the app itself or from jsDelivr at the same versions."""
    if use_cdn:
        leaflet_base = f"{CDN}/leaflet@{leaflet.VERSION}/dist"
        cluster_base = f"{CDN}/leaflet.markercluster@{leaflet_markercluster.VERSION}/dist"
    else:
        leaflet_base, cluster_base = "/static/leaflet", "/static/leaflet-markercluster"
    return MapAssets(
        scripts=(f"{leaflet_base}/leaflet.js", f"{cluster_base}/leaflet.markercluster.js"),
        styles=(f"{leaflet_base}/leaflet.css", f"{cluster_base}/MarkerCluster.css"),
    )

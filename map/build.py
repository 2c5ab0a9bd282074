"""The base map, built with Folium: tiles, a cluster layer, a layer control of categories, fitted bounds.

It holds no site data, so it is built once per filter and language and kept: the markers come from the
slim feed at `data_url` (sites with their visit counts, api/public/routes/map.py), fetched and drawn by
`visit_markers.js` in the browser, so a new scan shows on the next load and the page does not grow by a
Folium marker per site. The server never imports this module: it asks the map process (api/caches/base_maps.py)
to build through map/base_map.py, so Folium stays out of its memory (issue 27).
"""

import html
import json
from collections.abc import Iterable
from pathlib import Path

import folium
from folium.plugins import MarkerCluster
from folium.template import Template

from map.assets import MapAssets
from map.base_map import BaseMap, MapLayer, MarkerTexts
from map.scale import VISIT_STEPS, step_label

# Vietnam, mainland and islands: shown when no site has coordinates.
VIETNAM_BOUNDS = ((8.2, 102.1), (23.4, 109.5))
MAX_FIT_ZOOM = 15  # a single site is shown with its streets around it, not at building level
# The zoom levels the cluster layer groups markers at: it places every marker on a grid of each, so each
# level costs the browser a pass over every site. Below MIN_ZOOM (the whole of Vietnam fits a 400 px frame at
# zoom 4) a map shows no more; from UNCLUSTERED_ZOOM up (about 2.4 m a pixel) sites are drawn on their own.
MIN_ZOOM = 4
UNCLUSTERED_ZOOM = 16
CHUNK_MS = 100  # Leaflet.markercluster's chunkInterval: work at most this long, then yield to the browser
CHUNK_PAUSE_MS = 10  # its chunkDelay: how long the browser gets between chunks
MARKER_SCRIPT = (Path(__file__).parent / "visit_markers.js").read_text(encoding="utf-8")


class _VisitMarkers(folium.MacroElement):
    """Fetches the sites' feed and draws each site as a circle marker in the cluster layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}({{ this._parent.get_name() }}, {{ this.cluster }}, {{ this.categories }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, cluster: MarkerCluster, categories: dict[str, folium.FeatureGroup], config: dict):
        super().__init__()
        self.code = MARKER_SCRIPT.strip().rstrip(";")
        self.cluster = cluster.get_name()
        pairs = (f"{_json(key)}: {group.get_name()}" for key, group in categories.items())
        self.categories = "{" + ", ".join(pairs) + "}"
        self.config = _json(config)


def build_base_map(
    points: Iterable[tuple[float, float]],
    layers: list[MapLayer],
    *,
    data_url: str,
    tile_url: str,
    tile_attribution: str,
    attribution_prefix: str = "",
    assets: MapAssets,
    texts: MarkerTexts,
    link_target: str = "_self",
) -> BaseMap:
    """A map fitted to `points` (lat, lon), with a layer control entry for each of `layers` (categories).

    The browser draws the sites from `data_url`; popup links open in `link_target` ("_blank" in an iframe).
    `attribution_prefix` (text) comes before the tile credit, in place of Leaflet's; empty: none.
    """
    figure_map = folium.Map(tiles=None, prefer_canvas=True, control_scale=True, minZoom=MIN_ZOOM)
    folium.TileLayer(tiles=tile_url, attr=html.escape(tile_attribution), max_zoom=19, control=False).add_to(figure_map)
    # One cluster layer for every category, so sites of different kinds in one place make one cluster;
    # each category's (empty) feature group is its switch in the layer control.
    # Markers join the cluster in chunks of at most CHUNK_MS, the page's main thread free in between.
    cluster = MarkerCluster(control=False, options={
        "showCoverageOnHover": False, "chunkedLoading": True, "chunkInterval": CHUNK_MS, "chunkDelay": CHUNK_PAUSE_MS,
        "disableClusteringAtZoom": UNCLUSTERED_ZOOM,
    }).add_to(figure_map)
    categories = {layer.key: folium.FeatureGroup(name=layer.label).add_to(figure_map) for layer in layers}
    if len(layers) > 1:
        folium.LayerControl(collapsed=True).add_to(figure_map)
    bounds = _bounds(points)
    figure_map.fit_bounds(bounds, max_zoom=MAX_FIT_ZOOM, padding=(24, 24))
    _VisitMarkers(cluster, categories, {
        "data_url": data_url,
        "bounds": bounds,  # fitted again in the browser, clear of the controls in the corners
        "max_zoom": MAX_FIT_ZOOM,
        "attribution_prefix": html.escape(attribution_prefix),
        "link_target": link_target,
        "texts": vars(texts),
        "steps": [{"least": step.least, "color": step.color, "radius": step.radius,
                   "label": step_label(index, texts.thousands)} for index, step in enumerate(VISIT_STEPS)],
    }).add_to(figure_map)

    figure = figure_map.get_root()
    figure_map.render()  # fills the figure's html and script parts; its header (CDN links, viewport) is not used
    return BaseMap(html=figure.html.render().strip(), script=figure.script.render().strip(), assets=assets)


def _bounds(points: Iterable[tuple[float, float]]) -> list[list[float]]:
    """South-west and north-east corners around `points`, or Vietnam's when there are none."""
    lats, lons = [], []
    for lat, lon in points:
        lats.append(lat)
        lons.append(lon)
    if not lats:
        return [list(corner) for corner in VIETNAM_BOUNDS]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _json(value: object) -> str:
    """`value` as JSON that is safe inside an HTML <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")

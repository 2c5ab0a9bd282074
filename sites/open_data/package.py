"""The open-data package: its descriptor (`datapackage.json`) and each of its files as bytes, one code path for
the web (/api/open-data/NAME) and the command line (`diachido export-open-data DIR`)."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sites.catalog.journeys import JourneyRegistry
from sites.catalog.live import Catalog, ContentVersion
from sites.catalog.registry import Registry
from sites.open_data.tables import (
    JOURNEYS,
    PHOTOS,
    SITES,
    VISITS,
    Table,
    journey_rows,
    photo_rows,
    site_rows,
    visit_rows,
)
from sites.settings import Settings
from sites.storage.files import atomic_write
from sites.visits.store import VisitStore
from sites.visits.visit import vietnam_day

PACKAGE_NAME = "dia-chi-do"
DESCRIPTOR = "datapackage.json"
GEOJSON = "sites.geojson"


@dataclass(frozen=True)
class Licence:
    """A licence as the package names it: SPDX id and the address of its text."""

    name: str
    path: str


@dataclass(frozen=True)
class OpenDataSource:
    """What the package is made from: the served content, its version, the visit store and the base URL; the
    visits run to `last_day`, the last complete day."""

    registry: Registry
    journeys: JourneyRegistry
    visits: VisitStore
    version: ContentVersion
    last_day: date
    base_url: str
    licence: Licence
    organisation: str


def open_data_source(catalog: Catalog, visits: VisitStore, settings: Settings, now: datetime) -> OpenDataSource:
    """The package as served at `now`: the catalog's content, and the visits up to yesterday in Vietnam."""
    return OpenDataSource(catalog.registry, catalog.journeys, visits, catalog.version,
                          vietnam_day(now) - timedelta(days=1), settings.base_url,
                          Licence(settings.open_data_licence, settings.open_data_licence_text), settings.organisation)


def descriptor(source: OpenDataSource) -> dict:
    """The Data Package descriptor: every resource with its path beside it, schema, licence and the content date."""
    resources = [_table_resource(table) for table in (SITES, PHOTOS, JOURNEYS)]
    resources.insert(1, {
        "name": "sites-geojson", "title": "Di tích trên bản đồ / Sites on a map", "path": GEOJSON,
        "format": "geojson", "mediatype": "application/geo+json", "encoding": "utf-8",
        "description": "Di tích đã công bố có tọa độ, tiếng Việt / the published sites with coordinates, in "
                       "Vietnamese (RFC 7946 FeatureCollection)",
    })
    resources.append({**_table_resource(VISITS), "licenses": [{"name": "CC0-1.0", "title": "CC0 1.0",
                      "path": "https://creativecommons.org/publicdomain/zero/1.0/"}]})
    return {
        "name": PACKAGE_NAME,
        "title": "Địa chỉ đỏ: di tích, hành trình và lượt ghé thăm / sites, journeys and visits",
        "description": "Dữ liệu mở của Địa chỉ đỏ: các di tích đã công bố (một dòng cho mỗi ngôn ngữ), ảnh, hành "
                       "trình và lượt quét, lượt xem mỗi ngày. Văn bản theo giấy phép của gói; ảnh theo tác giả và "
                       "giấy phép riêng của từng ảnh (photos.csv). / Open data of Địa chỉ đỏ: the published sites "
                       "(one row per language), photos, journeys, and scans and views per day. Texts are under the "
                       "package's licence; each photo under its own credit and licence (photos.csv).",
        "homepage": f"{source.base_url}/",
        "version": f"{source.version.modified:%Y.%m.%d}+{source.version.key}",
        "created": source.version.modified.isoformat().replace("+00:00", "Z"),
        "contributors": [{"title": source.organisation, "role": "publisher"}],
        "licenses": [{"name": source.licence.name, "path": source.licence.path, "title": source.licence.name}],
        "keywords": ["di tích", "heritage", "Vietnam", "QR"],
        "visits_through": source.last_day.isoformat(),
        "resources": resources,
    }


def _table_resource(table: Table) -> dict:
    return {"name": table.name, "title": table.title, "description": table.description, "path": f"{table.name}.csv",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "profile": "tabular-data-resource",
            "schema": table.schema()}


def sites_geojson(source: OpenDataSource) -> dict:
    """The published sites that have coordinates, as a FeatureCollection ([lon, lat], RFC 7946)."""
    features = []
    for row in site_rows(source.registry, source.base_url):
        if row["lang"] != "vi" or row["lat"] is None:
            continue
        properties = {key: value for key, value in row.items() if key not in ("lat", "lon", "lang")}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


FILES: dict[str, Callable[[OpenDataSource], bytes]] = {
    DESCRIPTOR: lambda source: _json(descriptor(source)),
    f"{SITES.name}.csv": lambda source: SITES.csv(site_rows(source.registry, source.base_url)),
    GEOJSON: lambda source: _json(sites_geojson(source)),
    f"{PHOTOS.name}.csv": lambda source: PHOTOS.csv(photo_rows(source.registry, source.base_url)),
    f"{JOURNEYS.name}.csv": lambda source: JOURNEYS.csv(journey_rows(source.journeys)),
    f"{VISITS.name}.csv": lambda source: VISITS.csv(visit_rows(source.visits, source.registry, source.last_day)),
}
MEDIA_TYPES = {DESCRIPTOR: "application/json", GEOJSON: "application/geo+json"}  # the others: text/csv


def open_data_file(name: str, source: OpenDataSource) -> bytes:
    """The file `name` of the package (one of FILES), as bytes; reads the visit store for the daily visits."""
    return FILES[name](source)


def export_open_data(source: OpenDataSource, folder: Path) -> list[Path]:
    """Write every file of the package into `folder` (created if missing), each replaced only once complete."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in FILES:
        with atomic_write(folder / name) as out:
            out.write(open_data_file(name, source))
        (folder / name).chmod(0o644)  # open data: readable by anyone who can read the folder
        written.append(folder / name)
    return written

"""Open data (issue 23): `/api/open-data/datapackage.json`, a Frictionless Data Package, and the files it names
beside it (sites as CSV and GeoJSON, photos, journeys, daily visits), made by sites/open_data/ and kept by
api/caches/open_data.py once per content version and day."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from api.caches.open_data import version
from api.responses import BUSY, NOT_MODIFIED
from api.state import StateDep
from api.views.schemas import ErrorOut
from sites.open_data.package import FILES, MEDIA_TYPES, open_data_source

router = APIRouter(tags=["open data"])
CACHE_SECONDS = 3600


@router.get("/api/open-data/{name}", response_class=Response, responses={
    200: {"content": {"application/json": {}, "text/csv": {}, "application/geo+json": {}},
          "description": "A file of the package; datapackage.json describes the others"},
    404: {"model": ErrorOut, "description": "Not a file of the package"}, **NOT_MODIFIED, **BUSY})
async def open_data(request: Request, state: StateDep, name: str) -> Response:
    """`datapackage.json` (the descriptor: resources, Table Schemas, licence, content date) or one of the files it
    names: sites.csv, sites.geojson, photos.csv, journeys.csv, visits-daily.csv."""
    if name not in FILES:
        raise HTTPException(404, f"Không có tệp '{name}' trong gói dữ liệu mở / no file '{name}' in the open data; "
                                 f"the files: {', '.join(FILES)}")
    source = open_data_source(state.catalog, state.visits, state.settings, datetime.now(UTC))
    headers = {"ETag": f'"{version(source)}"', "Cache-Control": f"public, max-age={CACHE_SECONDS}",
               "Access-Control-Allow-Origin": "*"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    media_type = MEDIA_TYPES.get(name, "text/csv")
    body = await state.open_data.get(name, source)
    return Response(body, media_type=f"{media_type}; charset=utf-8", headers=headers)

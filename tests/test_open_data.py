"""Open data (issue 23): /api/open-data/datapackage.json and its files, fetched as a reuser would and validated
with the `frictionless` library; `diachido export-open-data DIR` writes the same bytes."""

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from frictionless import validate
from PIL import Image

from api.state import app_state
from cli.main import main
from sites.catalog.loader import load_content
from sites.stores import open_stores
from sites.visits.visit import Visit, VisitKind
from tests.support import (
    BASE_URL,
    add_site,
    form_of,
    give_photo,
    post_form,
    read_front_matter,
    snapshot,
    write_front_matter,
)

FILES = ["datapackage.json", "sites.csv", "sites.geojson", "photos.csv", "journeys.csv", "visits-daily.csv"]


def record_yesterday(data_dir, slug: str, scans: int, views: int) -> None:
    """Counted visits of `slug` yesterday (Vietnam time), each by another visitor, straight into the store."""
    at = datetime.now(UTC) - timedelta(days=1)

    async def record() -> None:
        stores = open_stores(data_dir, None, 600)
        for number in range(scans + views):
            kind = VisitKind.SCAN if number < scans else VisitKind.VIEW
            assert await stores.visits.record(Visit(slug, kind, f"phone-{number}".encode(), at,
                                                    address=f"10.0.0.{number}".encode()))
        await stores.close()

    data_dir.mkdir(exist_ok=True)
    asyncio.run(record())


def fetch_all(client, folder) -> dict[str, bytes]:
    """Every file the descriptor names, fetched from beside it and written into `folder` as a reuser would."""
    descriptor = client.get("/api/open-data/datapackage.json")
    assert descriptor.status_code == 200 and descriptor.headers["content-type"].startswith("application/json")
    files = {"datapackage.json": descriptor.content}
    for resource in descriptor.json()["resources"]:
        response = client.get(f"/api/open-data/{resource['path']}")
        assert response.status_code == 200, resource["path"]
        files[resource["path"]] = response.content
    for name, body in files.items():
        (folder / name).write_bytes(body)
    return files


def rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def valid(descriptor_path) -> None:
    report = validate(str(descriptor_path))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])


@pytest.fixture
def published(content_dir, data_dir):
    """The test content plus a site with a photo under its own licence, and visits of Đình Thới An yesterday."""
    folder = add_site(content_dir, "dinh-co-anh", name="Đình Có Ảnh", photos=[
        {"file": "san.jpg", "caption": "Sân đình", "credit": "Ảnh: Nguyễn Văn A", "licence": "CC BY-SA 4.0",
         "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/"}])
    Image.new("RGB", (1600, 1000), (90, 120, 60)).save(folder / "san.jpg", quality=80)
    record_yesterday(data_dir, "dinh-thoi-an", scans=3, views=2)
    return content_dir


def test_the_package_validates_and_says_what_it_holds(published, make_client, tmp_path):
    client = make_client()
    folder = tmp_path / "downloaded"
    folder.mkdir()
    files = fetch_all(client, folder)
    assert sorted(files) == sorted(FILES)
    valid(folder / "datapackage.json")
    package = json.loads(files["datapackage.json"])
    assert package["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                    "title": "CC-BY-4.0"}]
    version = app_state(client.app).catalog.version  # the content's latest change: the package's date
    assert package["created"] == f"{version.modified:%Y-%m-%dT%H:%M:%S}Z"
    assert package["version"] == f"{version.modified:%Y.%m.%d}+{version.key}"
    registry = load_content(published).registry
    sites = rows(files["sites.csv"])
    assert len(sites) == sum(len(site.languages) for site in registry.all())  # one row per site and language
    pothi = {row["lang"]: row for row in sites if row["slug"] == "chua-pothi-somron"}
    assert sorted(pothi) == ["en", "km", "vi"] and pothi["km"]["name"] == "វត្តពោធិសំរោង"
    assert pothi["km"]["translation_reviewed"] == "false" and pothi["vi"]["translation_reviewed"] == "true"
    thoi_an = next(row for row in sites if row["slug"] == "dinh-thoi-an" and row["lang"] == "vi")
    assert (thoi_an["recognition_level"], thoi_an["recognition_year"]) == ("city", "2004")
    schema = {field["name"]: field for field in package["resources"][0]["schema"]["fields"]}
    assert schema["category"]["constraints"]["enum"][:2] == ["dinh", "chua"]
    assert schema["slug"]["constraints"] == {"required": True}
    geojson = json.loads(files["sites.geojson"])
    assert {f["properties"]["slug"] for f in geojson["features"]} == {
        site.slug for site in registry.all() if site.meta.location}
    (photo,) = rows(files["photos.csv"])
    assert photo["licence"] == "CC BY-SA 4.0" and photo["credit"] == "Ảnh: Nguyễn Văn A"
    assert client.get(photo["url"].removeprefix(BASE_URL)).status_code == 200
    stops = [row for row in rows(files["journeys.csv"]) if row["journey_slug"] == "ve-nguon-o-mon"]
    assert [row["stop"] for row in stops] == ["1", "2", "3", "4", "5"]
    (visits,) = rows(files["visits-daily.csv"])
    assert [visits[key] for key in ("slug", "scans", "views", "unique_visitors")] == ["dinh-thoi-an", "3", "2", "5"]


def test_the_command_line_writes_the_same_files(published, make_client, tmp_path, monkeypatch, data_dir):
    served = fetch_all(make_client(), tmp_path)
    monkeypatch.setenv("DIACHIDO_BASE_URL", BASE_URL)
    out = tmp_path / "export"
    result = CliRunner().invoke(main, ["export-open-data", str(out), "--content-dir", str(published),
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "8 di tích / sites, 6 tệp / files" in result.output
    assert {name: (out / name).read_bytes() for name in FILES} == served
    valid(out / "datapackage.json")


def test_a_licence_setting_and_the_doors_bounds(make_client, tmp_path):
    client = make_client(open_data_licence="CC0-1.0")
    package = client.get("/api/open-data/datapackage.json")
    assert package.json()["licenses"][0]["path"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert client.get("/api/open-data/datapackage.json",
                      headers={"If-None-Match": package.headers["etag"]}).status_code == 304
    missing = client.get("/api/open-data/secret.csv")
    assert missing.status_code == 404 and "datapackage.json" in missing.text
    with pytest.raises(ValueError, match="needs open_data_licence_url"):
        make_client(open_data_licence="LicenseRef-tinh-doan")


def test_the_admin_form_keeps_the_wikidata_id_and_a_photos_licence(staff_client, content_dir):
    give_photo(content_dir, wikidata="Q4115189")  # Wikidata's sandbox item: the right shape, no real site
    index = content_dir / "dinh-thoi-an" / "index.md"
    front, body = read_front_matter(index)
    front["photos"][0].update(licence="CC BY-SA 4.0", licence_url="https://creativecommons.org/licenses/by-sa/4.0/")
    write_front_matter(index, front, body)
    client = staff_client("hoa")
    before = snapshot(content_dir)
    fields = form_of(client, "dinh-thoi-an")
    assert fields["wikidata"] == "Q4115189" and fields["photos.0.licence"] == "CC BY-SA 4.0"
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert snapshot(content_dir) == before  # saved as it was: nothing dropped
    edited = {**fields, "wikidata": "Q13406268", "photos.0.licence": "CC0 1.0"}  # the second sandbox item
    assert post_form(client, "/admin/sites/dinh-thoi-an", edited).status_code == 303
    front, _ = read_front_matter(index)
    assert front["wikidata"] == "Q13406268" and front["photos"][0]["licence"] == "CC0 1.0"

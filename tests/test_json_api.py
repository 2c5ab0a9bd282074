"""The JSON API: lists, one site, GeoJSON, health and the one error shape."""

from tests.support import add_site, edit_site


def test_list_sites_with_filters(client):
    body = client.get("/api/sites").json()
    assert body["count"] == 7 == len(body["sites"])
    first = body["sites"][0]
    assert set(first) >= {"slug", "code", "name", "category", "province", "summary", "url", "location"}
    found = client.get("/api/sites", params={"q": "thoi an", "lang": "en"}).json()["sites"]
    assert found[0]["name"] == "Thới An Communal House" and found[0]["lang"] == "en"
    assert [s["slug"] for s in client.get("/api/sites?category=chua").json()["sites"]] == ["chua-pothi-somron"]


def test_one_site_is_the_object_the_page_renders(client):
    site = client.get("/api/sites/dinh-thoi-an").json()
    assert site["name"] == "Đình Thới An"
    assert site["code"] == "thoian"
    assert site["url"] == "http://testserver.example/sites/dinh-thoi-an"
    assert site["recognition"]["label"] == "Di tích cấp thành phố, 2004"
    assert site["location"] == {"lat": 10.1244, "lon": 105.6308, "precision": "district"}
    assert site["languages"] == ["vi", "en"]
    assert "<h2>Lễ hội</h2>" in site["body_html"]
    page = client.get("/sites/dinh-thoi-an").text
    assert site["body_html"] in page and site["summary"] in page
    english = client.get("/api/sites/dinh-thoi-an", headers={"Accept-Language": "en"}).json()
    assert english["name"] == "Thới An Communal House" and english["content_lang"] == "en"


def test_geojson_is_a_feature_collection_of_mapped_sites(client):
    response = client.get("/api/sites.geojson")
    assert response.headers["content-type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    slugs = {feature["id"] for feature in collection["features"]}
    assert len(slugs) == 6 and "tham-sat-lang-thanh-duc-1947" not in slugs
    pothi = next(f for f in collection["features"] if f["id"] == "chua-pothi-somron")
    assert pothi["type"] == "Feature"
    assert pothi["geometry"] == {"type": "Point", "coordinates": [105.6169, 10.1104]}  # lon, lat
    assert pothi["properties"]["name"] == "Chùa Pôthi Somrôn"


def test_every_status_answered_before_a_route_runs_is_in_its_documentation(client):
    """Issue 21: schemathesis found an undocumented 413. Every route that takes a body documents 413 (the app's
    size limit, or its own smaller one), and the counts document 503 (a damaged visit store)."""
    paths = client.get("/openapi.json").json()["paths"]
    with_body = [operation for methods in paths.values() for operation in methods.values()
                 if "requestBody" in operation]
    assert with_body and all("413" in operation["responses"] for operation in with_body)
    too_large = client.post("/api/late-scans", content=b" " * 40_000, headers={"Content-Type": "application/json"})
    assert too_large.status_code == 413 and "body: more than" in too_large.json()["detail"]
    assert "503" in paths["/api/stats"]["get"]["responses"] and "503" in paths["/api/stats/{slug}"]["get"]["responses"]


def test_health_counts_sites_and_content_errors(content_dir, make_client):
    assert make_client().get("/healthz").json() == {"status": "ok", "sites": 7, "content_errors": 0,
                                                     "narrations_pending": 0}
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.6})
    broken = make_client()
    # The site's error, and the Ô Môn journey's, whose first stop no longer loads.
    assert broken.get("/healthz").json() == {"status": "ok", "sites": 6, "content_errors": 2, "narrations_pending": 0}
    assert broken.get("/api/sites/dinh-thoi-an").status_code == 404
    assert broken.get("/sites/chua-pothi-somron").status_code == 200


def test_openapi_documents_every_json_path(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/api/sites", "/api/sites.geojson", "/api/sites/{slug}", "/healthz",
                                    "/api/stats", "/api/stats/{slug}", "/qr/{slug}.png", "/qr/{slug}.svg",
                                    "/posters/{slug}.pdf", "/posters.pdf", "/api/journeys", "/api/journeys/{slug}",
                                    "/api/journeys/{slug}.geojson", "/journeys/{slug}.pdf", "/qr/j/{slug}.svg",
                                    "/stats/report.{extension}", "/api/late-scans",
                                    "/api/offline/journeys/{slug}.json", "/api/offline/sites/{slug}.json",
                                    "/sites/{slug}/card.png", "/journeys/{slug}/card.png", "/api/open-data/{name}",
                                    "/plaques/{slug}.svg", "/plaques/{slug}.dxf",
                                    "/calendar.ics", "/sites/{slug}.ics"}
    assert "404" in schema["paths"]["/api/sites/{slug}"]["get"]["responses"]


def test_recognition_reads_naturally_in_both_languages(client):
    vietnamese = client.get("/api/sites/dinh-phu-luong").json()["recognition"]
    assert vietnamese["label"] == "Di tích kiến trúc nghệ thuật cấp thành phố, khoảng 2022"
    english = client.get("/api/sites/dinh-phu-luong?lang=en").json()["recognition"]
    assert english["label"] == "City-level architectural and artistic relic, about 2022"
    assert client.get("/api/sites/linh-son-co-mieu").json()["recognition"] is None  # unknown: left out


def test_drafts_stay_out_of_the_api(content_dir, make_client):
    add_site(content_dir, "ban-nhap", published=False, location={"lat": 11.5, "lon": 108.9})
    client = make_client()
    assert "ban-nhap" not in {site["slug"] for site in client.get("/api/sites").json()["sites"]}
    assert "ban-nhap" not in {feature["id"] for feature in client.get("/api/sites.geojson").json()["features"]}
    assert client.get("/api/sites/ban-nhap").status_code == 404
    assert client.get("/healthz").json()["sites"] == 7


def test_path_tricks_find_nothing(client):
    for path in ("/api/sites/..%2F..%2Fetc%2Fpasswd", "/api/sites/%00", "/api/sites/" + "a" * 5000):
        response = client.get(path)
        assert response.status_code == 404 and "detail" in response.json()

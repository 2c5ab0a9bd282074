"""Structured data (issue 23): JSON-LD read back with extruct as a search engine reads it: the home page's
WebSite and its search, a journey's TouristTrip with its stops in order, a site's recognition and sameAs; the
optional `wikidata:` id, checked by the loader; and no text of the content can break out of the script."""

import extruct

from sites.catalog.loader import load_content
from sites.catalog.messages import vietnamese
from tests.support import BASE_URL, edit_site

WIKIDATA_SANDBOX = "Q4115189"  # Wikidata's own sandbox item: an id of the right shape that names no real site


def json_ld(html: str) -> list[dict]:
    return extruct.extract(html, base_url=BASE_URL, syntaxes=["json-ld"])["json-ld"]


def test_the_home_page_is_a_website_searchable_at_q(client):
    (website,) = json_ld(client.get("/").text)
    assert website["@type"] == "WebSite" and website["url"] == f"{BASE_URL}/" and website["name"] == "Địa chỉ đỏ"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction" and action["query-input"] == "required name=search_term_string"
    template = action["target"]["urlTemplate"]
    assert template == f"{BASE_URL}/?q={{search_term_string}}"
    found = client.get(template.removeprefix(BASE_URL).replace("{search_term_string}", "thới an")).text
    assert 'href="/sites/dinh-thoi-an"' in found


def test_a_journey_is_a_tourist_trip_with_its_stops_in_order(client):
    (trip,) = json_ld(client.get("/journeys/ve-nguon-o-mon?lang=en").text)
    journey = client.get("/api/journeys/ve-nguon-o-mon?lang=en").json()
    assert trip["@type"] == "TouristTrip" and trip["name"] == journey["name"] and trip["inLanguage"] == "en"
    assert trip["image"].startswith(f"{BASE_URL}/journeys/ve-nguon-o-mon/card.png?lang=en&v=")
    items = trip["itinerary"]["itemListElement"]
    assert trip["itinerary"]["@type"] == "ItemList" and trip["itinerary"]["numberOfItems"] == len(items) == 5
    assert [item["position"] for item in items] == [1, 2, 3, 4, 5]
    assert [(item["item"]["name"], item["item"]["url"]) for item in items] == [
        (stop["name"], stop["url"]) for stop in journey["stops"]]


def test_a_site_states_its_recognition_and_its_wikidata_item(content_dir, make_client):
    edit_site(content_dir, "dinh-thoi-an", wikidata=WIKIDATA_SANDBOX)
    client = make_client()
    page = client.get("/sites/dinh-thoi-an").text
    (landmark,) = json_ld(page)
    assert landmark["@type"] == "LandmarksOrHistoricalBuildings" and landmark["name"] == "Đình Thới An"
    recognition = {value["propertyID"]: value["value"] for value in landmark["additionalProperty"]}
    assert recognition == {"recognition.level": "city", "recognition.year": 2004,
                           "recognition.decision": "3446/QĐ-UBND ngày 15/11/2004"}
    wikidata = f"https://www.wikidata.org/wiki/{WIKIDATA_SANDBOX}"
    assert landmark["sameAs"] == [wikidata]
    assert f'<a href="{wikidata}" rel="noopener">{WIKIDATA_SANDBOX}</a>' in page  # a link visitors see too
    assert client.get("/api/sites/dinh-thoi-an").json()["wikidata_url"] == wikidata
    (plain,) = json_ld(client.get("/sites/dinh-phu-luong").text)
    assert "sameAs" not in plain


def test_a_wikidata_id_of_the_wrong_shape_is_named_by_file_and_field(content_dir):
    for wrong in ("1142384", "q1142384", "Q0", "https://www.wikidata.org/wiki/Q1"):
        edit_site(content_dir, "dinh-thoi-an", wikidata=wrong)
        [error] = load_content(content_dir).errors
        assert str(error) == (f"{content_dir / 'dinh-thoi-an' / 'index.md'}: wikidata: a Wikidata id is Q and digits, "
                              f"for example Q1142384 (got {wrong!r})")
        assert vietnamese(error.type, error.ctx) == "Mã Wikidata là chữ Q và các chữ số, ví dụ Q1142384"


def test_no_text_of_the_content_can_close_the_script(content_dir, make_client):
    name = "Đình </script><script>alert(1)</script> & 'Thới An'"
    edit_site(content_dir, "dinh-thoi-an", name=name)
    page = make_client().get("/sites/dinh-thoi-an").text
    assert "<script>alert(1)" not in page and page.count("</script>") == page.count("<script")
    (landmark,) = json_ld(page)
    assert landmark["name"] == name

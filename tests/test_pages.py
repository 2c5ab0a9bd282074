"""The visitor's HTML pages, through the real app on a temporary copy of content/."""

import io
import json
import re

from PIL import Image

from api.state import app_state
from tests.support import OFFLINE_SCRIPT_ONLY, PageParser, add_site, edit_site, scripts


def site_names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="/sites/[^"]+">([^<]+)</a></h2>', html)


def test_home_lists_every_site_with_category_place_and_summary(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-language"] == "vi"
    names = site_names(response.text)
    assert len(names) == 7 and "Đình Thới An" in names and "Chùa Pôthi Somrôn" in names
    assert "Đình · Khu vực Thới Trinh A, phường Thới An, quận Ô Môn, TP Cần Thơ" in response.text
    assert '<form class="search" method="get" action="/" role="search">' in response.text


def test_search_ignores_case_and_diacritics(client):
    for query in ("thoi an", "THOI AN", "Thới An"):
        names = site_names(client.get("/", params={"q": query}).text)
        assert names[0] == "Đình Thới An", query
    assert site_names(client.get("/?q=pothi somron").text) == ["Chùa Pôthi Somrôn"]
    page = client.get("/?q=khongcodau").text
    assert site_names(page) == [] and "Không tìm thấy di tích nào" in page


def test_filters_by_category_and_province(client):
    assert site_names(client.get("/?category=chua").text) == ["Chùa Pôthi Somrôn"]
    khanh_hoa = site_names(client.get("/", params={"province": "Khánh Hòa"}).text)
    assert sorted(khanh_hoa) == ["Bẫy đá Pi Năng Tắc", "Di tích Sự kiện thảm sát Nhân dân làng Thạnh Đức năm 1947"]
    # The province before the 2025 merger still finds its sites.
    assert sorted(site_names(client.get("/", params={"province": "Ninh Thuận"}).text)) == sorted(khanh_hoa)
    assert len(site_names(client.get("/?province=can tho&category=dinh").text)) == 2
    page = client.get("/?province=Khánh Hòa").text
    assert '<option value="Khánh Hòa" selected>' in page


def test_site_page_in_vietnamese_by_default(client):
    response = client.get("/sites/dinh-thoi-an")
    assert response.status_code == 200
    page = PageParser(response.text)
    assert ("html", {"lang": "vi"}) in page.tags
    assert "Đình Thới An" in page.text
    text = "".join(page.text)
    assert "Lễ hội" in text and "Thượng Điền" in text
    assert "Di tích cấp thành phố, 2004" in text
    assert "3446/QĐ-UBND" in text
    assert "gần đúng: trung tâm quận, huyện cũ" in text
    assert page.find("a", href="https://baocantho.com.vn/gia-tri-van-hoa-va-kien-truc-cua-inh-thoi-an-a186295.html")


def test_site_page_in_english_by_query_or_accept_language(client):
    by_query = client.get("/sites/chua-pothi-somron?lang=en")
    by_header = client.get("/sites/chua-pothi-somron", headers={"Accept-Language": "en-GB,en;q=0.9,vi;q=0.5"})
    for response in (by_query, by_header):
        page = PageParser(response.text)
        assert ("html", {"lang": "en"}) in page.tags
        assert response.headers["content-language"] == "en"
        assert "Pothi Somron Pagoda" in page.text
        assert "Facts" in page.text and "Thông tin" not in page.text
    # Vietnamese preferred over English stays Vietnamese; ?lang wins over the header.
    assert 'lang="vi"' in client.get("/sites/chua-pothi-somron", headers={"Accept-Language": "vi,en;q=0.8"}).text
    forced = client.get("/sites/chua-pothi-somron?lang=vi", headers={"Accept-Language": "en"})
    assert forced.headers["content-language"] == "vi"
    assert "accept-language" in forced.headers["vary"].lower()


def test_language_switch_and_hreflang_links(client):
    page = PageParser(client.get("/sites/dinh-thoi-an").text)
    assert page.find("a", href="/sites/dinh-thoi-an?lang=en", hreflang="en")
    assert page.find("a", href="/sites/dinh-thoi-an?lang=vi", hreflang="vi")
    alternates = {a["hreflang"]: a["href"] for a in page.find("link", rel="alternate")}
    assert alternates == {
        "vi": "http://testserver.example/sites/dinh-thoi-an?lang=vi",
        "en": "http://testserver.example/sites/dinh-thoi-an?lang=en",
        "km": "http://testserver.example/sites/dinh-thoi-an?lang=km",
        "x-default": "http://testserver.example/sites/dinh-thoi-an",
    }


def test_chosen_language_is_kept_in_links(client):
    page = PageParser(client.get("/?lang=en").text)
    assert page.find("a", href="/sites/dinh-thoi-an?lang=en")
    assert page.find("input", name="lang", value="en")


def test_open_graph_and_json_ld(client):
    page = PageParser(client.get("/sites/bay-da-pi-nang-tac?lang=en").text)
    assert page.meta("og:title") == "Pi Năng Tắc Stone Traps"
    assert page.meta("og:description").startswith("A chain of 17 linked stone traps")
    assert page.meta("og:url") == "http://testserver.example/sites/bay-da-pi-nang-tac?lang=en"
    assert page.meta("og:locale") == "en_US"
    [data] = [json.loads(script) for script in page.scripts if script.strip()]
    assert data["@type"] == "LandmarksOrHistoricalBuildings"
    assert data["name"] == "Pi Năng Tắc Stone Traps"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 11.983, "longitude": 108.767}
    assert data["address"]["addressCountry"] == "VN"


def test_directions_link_opens_a_maps_app(client):
    page = PageParser(client.get("/sites/chua-pothi-somron").text)
    assert page.find("a", href="https://www.google.com/maps/dir/?api=1&destination=10.1104,105.6169")


def test_site_without_coordinates_is_served_without_directions(client):
    response = client.get("/sites/tham-sat-lang-thanh-duc-1947")
    assert response.status_code == 200
    assert "Chưa có tọa độ trên bản đồ." in response.text
    assert "google.com/maps" not in response.text
    assert '"geo"' not in response.text


def test_page_is_light(client):
    """HTML plus CSS (inlined: one round trip) stays well under 50 KB."""
    for slug in ("dinh-thoi-an", "chua-pothi-somron", "bay-da-pi-nang-tac"):
        response = client.get(f"/sites/{slug}")
        assert len(response.content) < 50_000
        assert '<link rel="stylesheet"' not in response.text  # no extra request for CSS
        # readable without JavaScript: the one script (offline use, issue 16) is deferred and only adds to the page
        assert scripts(response.text) == OFFLINE_SCRIPT_ONLY


def test_pages_are_compressed_and_locked_down(client):
    response = client.get("/sites/dinh-thoi-an", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert int(response.headers["content-length"]) < len(response.content) / 2
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "default-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_head_requests_are_answered_without_a_body(client):
    response = client.head("/sites/dinh-thoi-an")
    assert response.status_code == 200 and response.content == b""
    assert client.head("/").status_code == 200
    assert client.head("/sites/khong-co").status_code == 404


def test_nearby_sites_are_linked(client):
    page = PageParser(client.get("/sites/dinh-thoi-an").text)
    assert "Di tích lân cận" in page.text
    assert page.find("a", href="/sites/chua-pothi-somron")
    assert not PageParser(client.get("/sites/bay-da-pi-nang-tac").text).find("a", href="/sites/dinh-thoi-an")


def test_unknown_site_gets_a_404_page_in_the_visitors_language(client):
    response = client.get("/sites/khong-co")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert PageParser(response.text).find("a", href="/")
    english = client.get("/sites/khong-co", headers={"Accept-Language": "en"})
    assert english.status_code == 404 and "Page not found" in english.text
    assert "Page not found" in client.get("/no/such/page?lang=en").text


def test_alias_and_code_redirect_to_the_canonical_page(content_dir, make_client):
    edit_site(content_dir, "dinh-thoi-an", aliases=["dinh-thoi-an-cu"])
    client = make_client()
    for key in ("dinh-thoi-an-cu", "thoian", "DINH-THOI-AN"):
        response = client.get(f"/sites/{key}?lang=en", follow_redirects=False)
        assert response.status_code == 301
        assert response.headers["location"] == "/sites/dinh-thoi-an?lang=en"


def test_drafts_are_not_served(content_dir, make_client):
    add_site(content_dir, "ban-nhap", published=False)
    client = make_client()
    assert client.get("/sites/ban-nhap").status_code == 404
    assert "ban-nhap" not in client.get("/").text


def test_hostile_markdown_is_shown_as_text(content_dir, make_client):
    hostile = '<script>alert("x")</script>\n\n[bấm](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n'
    add_site(content_dir, "thu-html", body=hostile)
    page = make_client().get("/sites/thu-html").text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page
    assert 'href="javascript:' not in page
    assert "<img src=x" not in page


def test_untranslated_site_says_so_in_english(content_dir, make_client):
    add_site(content_dir, "chi-tieng-viet")
    page = make_client().get("/sites/chi-tieng-viet?lang=en").text
    assert "has not been translated into English yet" in page
    assert '<article lang="vi">' in page


def test_photos_are_resized_and_free_of_location_data(content_dir, make_client):
    folder = content_dir / "dinh-thoi-an"
    image = Image.new("RGB", (2000, 1500), "red")
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (10.0, 7.0, 28.0)}  # GPS block a phone would write
    image.save(folder / "cong-dinh.jpg", exif=exif)
    photo = {"file": "cong-dinh.jpg", "caption": "Cổng đình", "credit": "Đoàn phường"}
    edit_site(content_dir, "dinh-thoi-an", photos=[photo])
    client = make_client()
    page = PageParser(client.get("/sites/dinh-thoi-an").text)
    [img] = page.find("img")
    assert img["fetchpriority"] == "high" and (img["width"], img["height"]) == ("480", "360")
    assert img["src"] == "/photos/dinh-thoi-an/cong-dinh-480.jpg"
    assert "/photos/dinh-thoi-an/cong-dinh-1200.jpg 1200w" in img["srcset"]
    assert img["alt"] == "Cổng đình"
    # the link preview shows the share card, drawn from this photo (tests/test_share_cards.py)
    assert page.meta("og:image").startswith("http://testserver.example/sites/dinh-thoi-an/card.png?lang=vi&v=")
    response = client.get(img["src"])
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    variant = Image.open(io.BytesIO(response.content))
    assert variant.size == (480, 360)
    assert 0x8825 not in variant.getexif()
    assert client.get("/photos/dinh-thoi-an/cong-dinh-333.jpg").status_code == 404
    assert client.get("/photos/dinh-thoi-an/..%2Findex-480.jpg").status_code == 404


def test_cached_pages_follow_content_edits(content_dir, make_client):
    client = make_client()
    assert "<h1>Đình Thới An</h1>" in client.get("/sites/dinh-thoi-an").text
    edit_site(content_dir, "dinh-thoi-an", name="Đình Thới An (đã sửa)")
    app_state(client.app).catalog.reload()
    assert "<h1>Đình Thới An (đã sửa)</h1>" in client.get("/sites/dinh-thoi-an").text
    assert "<h1>Đình Thới An (đã sửa)</h1>" in client.get("/q/thoian").text


def test_cached_pages_are_the_same_plain_or_gzipped(client):
    gzipped = client.get("/sites/chua-pothi-somron", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/sites/chua-pothi-somron", headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert gzipped.text == plain.text  # httpx decodes the gzip body
    assert "Accept-Encoding" in gzipped.headers["vary"] and "Accept-Language" in gzipped.headers["vary"]


def test_other_query_parameters_are_kept_in_the_language_links(client):
    page = client.get("/sites/dinh-thoi-an?utm_source=zalo").text
    assert 'href="/sites/dinh-thoi-an?utm_source=zalo&amp;lang=en"' in page
    assert 'href="/sites/dinh-thoi-an?lang=en"' in client.get("/sites/dinh-thoi-an").text

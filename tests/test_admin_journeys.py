"""The admin's journey form through the real app: a draft created and published, stops reordered without
JavaScript, a second editor refused, province rules, and bad saves after which content/ is unchanged."""

import re

import pytest

from sites.catalog.journey_loader import load_all
from tests.support import FormFields, PageParser, post_form, snapshot, visit

NEW_JOURNEY = {
    "name": "Về nguồn Thới An",
    "summary": "Hai ngôi đình làng ở Ô Môn.",
    "body": "## Hành trình\n\nHai ngôi đình.",
    "travel_mode": "bicycle",
    "duration_hours": "3",
    "province": "Cần Thơ",
    "stops.0.site": "dinh-thoi-an",
    "stops.0.note": "Bắt đầu ở đây.",
    "stops.1.site": "dinh-phu-luong",
    "en.name": "Back to Thới An",
    "en.summary": "Two village communal houses in Ô Môn.",
    "stops.0.en.note": "Start here.",
}


def journey_form(client, slug: str) -> dict[str, str]:
    """The fields of a journey's edit form as the browser would send them back unchanged."""
    return FormFields(client.get(f"/admin/journeys/{slug}").text).fields


def stop_sites(fields: dict[str, str]) -> list[str]:
    """The stop sites of a form, in the order shown (the empty "add a stop" select left out)."""
    rows = sorted(int(key.split(".")[1]) for key in fields if re.fullmatch(r"stops\.\d+\.site", key))
    return [fields[f"stops.{row}.site"] for row in rows if fields[f"stops.{row}.site"]]


def journey_row(listing: str, slug: str) -> str:
    """The row of journey `slug` in the admin's journey list."""
    return re.search(rf'<tr>\s*<td><a href="/admin/journeys/{slug}">.*?</tr>', listing, re.S)[0]


def errors_next_to(html: str, field: str) -> list[str]:
    return re.findall(rf'<p class="error" id="e-{re.escape(field.replace(".", "-"))}-\d+">([^<]+)</p>', html)


def test_a_new_journey_is_a_draft_until_published(staff_client, content_dir):
    client = staff_client("lan")
    assert "/admin/journeys" in client.get("/admin").text  # linked from the admin nav
    response = post_form(client, "/admin/journeys/new", NEW_JOURNEY)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/journeys/ve-nguon-thoi-an?saved=1"
    folder = content_dir / "journeys" / "ve-nguon-thoi-an"
    assert sorted(path.name for path in folder.iterdir()) == ["index.en.md", "index.md"]
    source = (folder / "index.md").read_text(encoding="utf-8")
    assert "published: false" in source and "code: venguonthoian" in source
    assert "dinh-thoi-an: Start here." in (folder / "index.en.md").read_text(encoding="utf-8")
    assert load_all(content_dir).errors == []
    row = journey_row(client.get("/admin/journeys").text, "ve-nguon-thoi-an")
    assert "Nháp" in row and '<td class="stop-count">2</td>' in row
    fields = journey_form(client, "ve-nguon-thoi-an")
    assert stop_sites(fields) == ["dinh-thoi-an", "dinh-phu-luong"] and fields["stops.0.en.note"] == "Start here."
    # Publish.
    response = post_form(client, "/admin/journeys/ve-nguon-thoi-an", {**fields, "action": "publish"})
    assert response.status_code == 303
    assert "published: true" in (folder / "index.md").read_text(encoding="utf-8")
    assert "Đã xuất bản" in journey_row(client.get("/admin/journeys").text, "ve-nguon-thoi-an")


def test_saving_a_hand_written_journey_unchanged_rewrites_nothing(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    for slug in ("ve-nguon-o-mon", "dia-chi-do-ninh-thuan"):
        assert post_form(client, f"/admin/journeys/{slug}", journey_form(client, slug)).status_code == 303
    assert snapshot(content_dir) == before


def test_stops_are_reordered_and_removed_without_javascript_and_saved_only_on_save(staff_client, content_dir):
    client = staff_client("lan")
    before = snapshot(content_dir)
    fields = journey_form(client, "ve-nguon-o-mon")
    order = stop_sites(fields)
    moved = post_form(client, "/admin/journeys/ve-nguon-o-mon", {**fields, "row_action": "up-2"})
    assert moved.status_code == 200
    moved_fields = FormFields(moved.text).fields
    assert stop_sites(moved_fields) == [order[0], order[2], order[1], *order[3:]]
    assert moved_fields["stops.1.note"] == "Miếu nằm bên rạch Bằng Tăng."  # the note moves with its stop
    assert moved_fields["stops.1.en.note"] == "The temple stands beside rạch Bằng Tăng."
    removed = post_form(client, "/admin/journeys/ve-nguon-o-mon", {**moved_fields, "row_action": "remove-0"})
    removed_fields = FormFields(removed.text).fields
    assert stop_sites(removed_fields) == [order[2], order[1], *order[3:]]
    assert snapshot(content_dir) == before, "a row button saves nothing"
    assert post_form(client, "/admin/journeys/ve-nguon-o-mon", removed_fields).status_code == 303
    assert stop_sites(journey_form(client, "ve-nguon-o-mon")) == [order[2], order[1], *order[3:]]


def test_a_stop_on_the_district_centre_invites_staff_to_pin_it(staff_client):
    page = PageParser(staff_client("lan").get("/admin/journeys/ve-nguon-o-mon").text)
    text = " ".join(page.text)
    assert "Vị trí chỉ là trung tâm quận, huyện" in text
    assert page.find("a", href="/admin/sites/dinh-thoi-an#f-location-lat")


def test_the_second_of_two_editors_is_refused(staff_client, content_dir):
    first, second = staff_client("hoa"), staff_client("lan")
    first_form, second_form = journey_form(first, "ve-nguon-o-mon"), journey_form(second, "ve-nguon-o-mon")
    assert post_form(first, "/admin/journeys/ve-nguon-o-mon", {**first_form, "duration_hours": "4"}).status_code == 303
    saved = snapshot(content_dir)
    response = post_form(second, "/admin/journeys/ve-nguon-o-mon", {**second_form, "duration_hours": "5"})
    assert response.status_code == 409
    assert "Người khác vừa lưu hành trình này; thay đổi của bạn chưa được lưu" in response.text
    assert snapshot(content_dir) == saved


def test_an_editor_of_another_province_is_refused(staff_client, content_dir):
    client = staff_client("minh")  # Khánh Hòa
    before = snapshot(content_dir)
    assert client.get("/admin/journeys/ve-nguon-o-mon").status_code == 403
    token_page = "/admin/journeys/dia-chi-do-ninh-thuan"
    fields = journey_form(client, "dia-chi-do-ninh-thuan")
    assert post_form(client, "/admin/journeys/ve-nguon-o-mon", fields, page=token_page).status_code == 403
    response = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, "province": "Cần Thơ"})
    assert response.status_code == 403 and "Bạn chỉ được thêm, sửa hành trình thuộc tỉnh của mình" in response.text
    # The stop list offers only the editor's province's published sites.
    page = PageParser(client.get("/admin/journeys/new").text)
    options = [tag["value"] for tag in page.find("option") if tag.get("value")]
    assert "bay-da-pi-nang-tac" in options and "dinh-thoi-an" not in options
    assert snapshot(content_dir) == before


def test_the_admin_list_shows_every_journey_with_its_stop_count_and_visits(staff_client):
    client = staff_client("hoa")
    visit(client, "/j/omon", 2)
    visit(client, "/journeys/ve-nguon-o-mon")
    listing = client.get("/admin/journeys").text
    assert listing.count('<td class="stop-count">') == 2
    assert '<td class="stop-count">5</td>' in listing and '<td class="stop-count">2</td>' in listing
    row = listing.split("<code>ve-nguon-o-mon</code>")[1].split("</tr>")[0]
    assert re.search(r'<td class="count"[^>]*>2</td><td class="count"[^>]*>1</td>', row), "scans and views"


@pytest.mark.parametrize("changes, field, message", [
    ({"stops.1.site": "khong-co"}, "stops.1.site", "Không có di tích &#39;khong-co&#39;"),
    ({"stops.1.site": "dinh-thoi-an"}, "stops.1.site", "Di tích &#39;dinh-thoi-an&#39; đã là điểm dừng số 1"),
    ({"code": "thoian"}, "code", "Đã được di tích khác dùng / &#39;thoian&#39; is already used by"),
    ({"code": "omon"}, "code", "&#39;omon&#39; is already used by"),
    ({"slug": "dinh-thoi-an"}, "slug", "&#39;dinh-thoi-an&#39; is already used by"),
    ({"stops.0.site": "", "stops.1.site": ""}, "stops", "Bắt buộc điền"),
    ({"travel_mode": "plane"}, "travel_mode", "Hãy chọn một giá trị trong danh sách"),
])
def test_a_bad_save_names_the_problem_and_writes_nothing(staff_client, content_dir, data_dir, changes, field, message):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, **changes})
    assert response.status_code == 422
    assert any(message in shown for shown in errors_next_to(response.text, field)), errors_next_to(response.text, field)
    assert snapshot(content_dir) == before
    assert not (data_dir / "history").exists()


def test_an_edit_keeps_the_previous_version_in_history(staff_client, content_dir, data_dir):
    client = staff_client("lan")
    index = content_dir / "journeys" / "ve-nguon-o-mon" / "index.md"
    before = index.read_bytes()
    fields = {**journey_form(client, "ve-nguon-o-mon"), "duration_hours": "6"}
    assert post_form(client, "/admin/journeys/ve-nguon-o-mon", fields).status_code == 303
    assert "duration_hours: 6.0" in index.read_text(encoding="utf-8")
    history = data_dir / "history" / "journeys" / "ve-nguon-o-mon"
    assert [path.read_bytes() for path in history.glob("*/index.md")] == [before]
    assert oct(history.stat().st_mode & 0o777) == "0o700"


def test_an_editor_stops_only_at_sites_of_their_province(staff_client, content_dir):
    client = staff_client("lan")  # Cần Thơ
    before = snapshot(content_dir)
    response = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, "stops.1.site": "bay-da-pi-nang-tac"})
    assert response.status_code == 422
    assert errors_next_to(response.text, "stops.1.site") == ["Di tích &#39;bay-da-pi-nang-tac&#39; không thuộc tỉnh "
                                                             "Cần Thơ / &#39;bay-da-pi-nang-tac&#39; is not a site "
                                                             "of Cần Thơ"]
    assert snapshot(content_dir) == before


def test_the_journey_form_takes_the_province_from_the_site_forms_list(staff_client):
    client = staff_client("hoa")
    journey = client.get("/admin/journeys/new").text
    site = client.get("/admin/new").text
    options = r'<select id="f-{}" name="{}"[^>]*>(.*?)</select>'
    journey_options = re.search(options.format("province", "province"), journey, re.S)[1]
    site_options = re.search(options.format("address-province", "address.province"), site, re.S)[1]
    assert re.findall(r'<option value="([^"]*)"', journey_options) == re.findall(
        r'<option value="([^"]*)"', site_options)
    assert '<option value="Cần Thơ">' in journey_options and 'name="province" value=' not in journey


@pytest.mark.slow
def test_a_published_journeys_edit_page_links_its_public_page_qr_code_and_leaflets(staff_client):
    client = staff_client("lan")
    page = client.get("/admin/journeys/ve-nguon-o-mon").text
    for link in ('href="/journeys/ve-nguon-o-mon"', 'href="/qr/j/ve-nguon-o-mon.svg"',
                 'href="/journeys/ve-nguon-o-mon.pdf?format=a4"', 'href="/journeys/ve-nguon-o-mon.pdf?format=a5"'):
        assert link in page, link
    for path in ("/journeys/ve-nguon-o-mon", "/journeys/ve-nguon-o-mon.pdf?format=a4"):
        assert client.get(path).status_code == 200, path


def test_a_long_code_is_refused_with_a_suggestion_and_a_long_slug_is_shortened_by_whole_words_and_said(
        staff_client, content_dir):
    client = staff_client("lan")
    form = client.get("/admin/journeys/new").text
    assert "Mã QR (tối đa 16 ký tự)" in form and 'maxlength="16"' in form
    before = snapshot(content_dir)
    refused = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, "code": "venguonthoianomoncantho"})
    assert refused.status_code == 422 and snapshot(content_dir) == before
    assert errors_next_to(refused.text, "code") == [
        "Mã QR tối đa 16 ký tự, mã này có 23; gợi ý: &#39;venguonthoian&#39; / a QR code id has at most 16 "
        "characters, this one has 23; suggestion: &#39;venguonthoian&#39;"]  # from the name, whole words
    assert "ví dụ &#39;venguonthoian&#39;" in refused.text  # the hint suggests a code for the slug to be
    saved = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, "name": "Về nguồn Thới An Ô Môn Cần Thơ"})
    assert saved.headers["location"] == "/admin/journeys/ve-nguon-thoi-an-o-mon-can-tho?saved=1&code=shortened"
    page = client.get(saved.headers["location"]).text
    assert "mã QR được rút gọn thành &#39;venguonthoiano&#39;" in page
    short = post_form(client, "/admin/journeys/new", {**NEW_JOURNEY, "name": "Thới An"})
    assert short.headers["location"] == "/admin/journeys/thoi-an?saved=1"

"""The admin's site form through the real app: drafts, photos, publishing, and every kind of bad input,
after which content/ is byte-for-byte unchanged."""

import io
import os
import re
import threading
import time

import pytest
from PIL import Image

from api.admin.admin_forms import form_errors
from api.state import app_state
from sites.catalog.loader import load_content
from sites.editing.fields import FieldError
from sites.form_guard import form_token
from tests.support import (
    NEW_SITE,
    PageParser,
    csrf_of,
    edit_site,
    form_of,
    give_photo,
    phone,
    photo_bytes,
    post_form,
    snapshot,
    visit,
)


def errors_next_to(html: str, field: str) -> list[str]:
    """The messages shown right after the input `field`."""
    return re.findall(rf'<p class="error" id="e-{re.escape(field.replace(".", "-"))}-\d+">([^<]+)</p>', html)


def test_a_new_site_with_a_photo_is_a_draft_until_published(staff_client, content_dir):
    client = staff_client("lan")
    photo = photo_bytes(size=(1200, 800), orientation=6, gps=True)
    response = post_form(client, "/admin/new", {**NEW_SITE, "new_photo.caption": "Cổng đình",
                                                "new_photo.credit": "Đoàn xã Mỹ Khánh, CC BY 4.0"},
                         files={"photo_upload": ("Cổng đình.JPG", photo, "image/jpeg")})
    assert response.status_code == 303 and response.headers["location"] == "/admin/sites/dinh-my-khanh?saved=1"
    folder = content_dir / "dinh-my-khanh"
    assert sorted(path.name for path in folder.iterdir()) == ["cong-dinh.jpg", "index.md"]
    stored = Image.open(folder / "cong-dinh.jpg")
    assert stored.size == (800, 1200) and dict(stored.getexif()) == {}, "upright, no EXIF/GPS"
    assert "published: false" in (folder / "index.md").read_text(encoding="utf-8")
    assert load_content(content_dir).errors == []
    # A draft: staff see it and its preview; visitors do not.
    assert "Đình Mỹ Khánh" in client.get("/admin").text
    preview = client.get("/admin/sites/dinh-my-khanh/preview")
    assert preview.status_code == 200 and "Bản xem trước" in preview.text
    assert client.get("/admin/photos/dinh-my-khanh/cong-dinh-480.jpg").status_code == 200
    assert client.get("/sites/dinh-my-khanh").status_code == 404
    assert client.get("/photos/dinh-my-khanh/cong-dinh-480.jpg").status_code == 404
    assert "dinh-my-khanh" not in client.get("/api/sites").text
    # Publish.
    fields = {**form_of(client, "dinh-my-khanh"), "action": "publish"}
    response = post_form(client, "/admin/sites/dinh-my-khanh", fields)
    assert response.status_code == 303
    assert client.get("/sites/dinh-my-khanh").status_code == 200
    assert "dinh-my-khanh" in [site["slug"] for site in client.get("/api/sites").json()["sites"]]
    assert client.get("/photos/dinh-my-khanh/cong-dinh-480.jpg").status_code == 200


def test_the_form_round_trips_a_hand_written_site_unchanged(staff_client, content_dir):
    """Saving the form of a site as it is rewrites nothing: the files keep their hand-written bytes."""
    client = staff_client("hoa")
    before = snapshot(content_dir)
    for slug in ("dinh-thoi-an", "linh-son-co-mieu", "bay-da-pi-nang-tac"):
        assert post_form(client, f"/admin/sites/{slug}", form_of(client, slug)).status_code == 303
    assert snapshot(content_dir) == before


def test_an_edit_is_saved_and_the_previous_version_kept(staff_client, content_dir, data_dir):
    client = staff_client("lan")
    before = (content_dir / "dinh-thoi-an" / "index.md").read_bytes()
    fields = {**form_of(client, "dinh-thoi-an"), "built": "Năm 1832", "tags": "đình, ô môn"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    page = client.get("/sites/dinh-thoi-an").text
    assert "Năm 1832" in page
    assert [path.read_bytes() for path in (data_dir / "history" / "dinh-thoi-an").glob("*/index.md")] == [before]


@pytest.mark.slow
def test_the_second_of_two_editors_is_refused(staff_client, content_dir):
    first, second = staff_client("hoa"), staff_client("lan")
    first_form, second_form = form_of(first, "dinh-thoi-an"), form_of(second, "dinh-thoi-an")
    assert post_form(first, "/admin/sites/dinh-thoi-an", {**first_form, "built": "Bản của Hoa"}).status_code == 303
    saved = snapshot(content_dir)
    response = post_form(second, "/admin/sites/dinh-thoi-an", {**second_form, "built": "Bản của Lan"})
    assert response.status_code == 409
    assert "Người khác vừa lưu di tích này; thay đổi của bạn chưa được lưu" in response.text
    assert 'value="Bản của Lan"' in response.text, "the second editor's text is still in the form"
    assert snapshot(content_dir) == saved


def test_renaming_a_published_site_keeps_the_old_slug_working(staff_client, content_dir):
    client = staff_client("hoa")
    fields = form_of(client, "dinh-thoi-an")
    response = post_form(client, "/admin/sites/dinh-thoi-an", {**fields, "code": "moi"})
    assert response.status_code == 422 and errors_next_to(response.text, "code")
    response = post_form(client, "/admin/sites/dinh-thoi-an", {**fields, "slug": "dinh-thoi-an-o-mon"})
    assert response.headers["location"] == "/admin/sites/dinh-thoi-an-o-mon?saved=1"
    assert not (content_dir / "dinh-thoi-an").exists()
    moved = client.get("/sites/dinh-thoi-an", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/sites/dinh-thoi-an-o-mon"


@pytest.mark.slow
def test_editors_are_refused_sites_of_another_province(staff_client, content_dir):
    client = staff_client("minh")  # editor of Khánh Hòa
    before = snapshot(content_dir)
    assert client.get("/admin/sites/dinh-thoi-an").status_code == 403
    fields = form_of(staff_client("hoa"), "dinh-thoi-an")
    response = post_form(client, "/admin/sites/dinh-thoi-an", {**fields, "built": "x"}, page="/admin/new")
    assert response.status_code == 403
    response = post_form(client, "/admin/preview", {**fields, "editing": "dinh-thoi-an"}, page="/admin/new")
    assert response.status_code == 403
    response = post_form(client, "/admin/new", NEW_SITE)
    assert response.status_code == 403
    assert errors_next_to(response.text, "address.province") == [
        "Bạn chỉ được thêm, sửa di tích thuộc tỉnh của mình / you may only add or change sites of Khánh Hòa"]
    assert snapshot(content_dir) == before
    assert client.get("/admin/sites/bay-da-pi-nang-tac").status_code == 200, "their own province is fine"


BAD_FIELDS = [
    ("address.text", "", "Bắt buộc điền / required field is missing"),
    ("location.lat", "999", "Giá trị tối đa là 90 / Input should be less than or equal to 90 (got &#39;999&#39;)"),
    ("name", "", "Bắt buộc điền / required field is missing"),
    ("name", "Đình " * 41, "Tối đa 200 ký tự / String should have at most 200 characters"),
    ("slug", "../etc", "Chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối đơn / use lower-case letters"),
    ("slug", "con", "Tên này bị Windows dành riêng; hãy chọn tên khác / &#39;con&#39; is a reserved device name"),
    ("slug", "nul", "Tên này bị Windows dành riêng"),
    ("location.lon", "10.0", "Tọa độ nằm ngoài Việt Nam"),
    ("code", "dinhthoian", None),  # free: no error
    ("code", "thoian", "Đã được di tích khác dùng / &#39;thoian&#39; is already used by"),
]


@pytest.mark.parametrize(("field", "value", "message"), [bad for bad in BAD_FIELDS if bad[2]])
def test_a_bad_field_is_named_next_to_its_input_and_nothing_is_written(staff_client, content_dir, field, value,
                                                                        message):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = post_form(client, "/admin/new", {**NEW_SITE, field: value})
    assert response.status_code == 422
    shown = errors_next_to(response.text, field if field != "location.lon" else "location")
    assert len(shown) == 1 and shown[0].startswith(message), shown
    if field != "location.lon":  # that error is about the pair of coordinates
        marked = rf'name="{field}" type="text" value="{re.escape(value)}"[^>]*aria-invalid="true"'
        assert re.search(marked, response.text), "the input keeps the value and is marked invalid"
    assert snapshot(content_dir) == before


def test_a_text_file_named_jpg_is_refused(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = post_form(client, "/admin/new", {**NEW_SITE, "new_photo.caption": "A", "new_photo.credit": "B"},
                         files={"photo_upload": ("cong.jpg", b"<html>this is text</html>", "image/jpeg")})
    assert response.status_code == 422
    assert errors_next_to(response.text, "photo_upload") == [
        "cong.jpg: Không phải ảnh JPEG, PNG hoặc WebP / the file is not a readable JPEG, PNG or WebP image"]
    assert snapshot(content_dir) == before


def test_a_photo_without_caption_or_credit_is_refused(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    upload = {"photo_upload": ("a.png", photo_bytes(image_format="PNG"))}
    response = post_form(client, "/admin/new", NEW_SITE, files=upload)
    assert response.status_code == 422
    assert errors_next_to(response.text, "new_photo.caption") == ["Bắt buộc điền / required field is missing"]
    assert errors_next_to(response.text, "new_photo.credit") == ["Bắt buộc điền / required field is missing"]
    assert errors_next_to(response.text, "photo_upload")[-1].startswith("Hãy chọn lại ảnh")
    assert snapshot(content_dir) == before


def test_a_50_mb_upload_is_refused_before_it_is_read(staff_client, content_dir, data_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    huge = b"\xff\xd8" + bytes(50 * 1024 * 1024)
    response = post_form(client, "/admin/new", NEW_SITE, files={"photo_upload": ("huge.jpg", huge, "image/jpeg")})
    assert response.status_code == 413 and "tối đa 10 MB" in response.text
    assert snapshot(content_dir) == before


def test_a_streamed_upload_is_cut_off_at_the_limit(staff_client, content_dir):
    """No Content-Length (chunked): the body limit still holds while the form is being read."""
    client = staff_client("hoa")
    token = csrf_of(client.get("/admin/new").text)
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="photo_upload"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n").encode()
    sent = []

    def chunks():
        yield head
        for _ in range(50):
            sent.append(1)
            yield bytes(1024 * 1024)

    before = snapshot(content_dir)
    response = client.post("/admin/new", content=chunks(),
                           headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert response.status_code == 413
    assert snapshot(content_dir) == before


def test_a_photo_just_over_10_mb_is_named_next_to_the_upload(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = post_form(client, "/admin/new", NEW_SITE,
                         files={"photo_upload": ("big.jpg", bytes(10 * 1024 * 1024 + 10), "image/jpeg")})
    assert response.status_code == 413
    assert errors_next_to(response.text, "photo_upload")[0].startswith(
        "big.jpg: Ảnh quá lớn / the photo is 10.0 MB; at most 10")
    assert snapshot(content_dir) == before


def test_script_in_a_body_is_stored_as_text_and_never_run(staff_client, content_dir):
    client = staff_client("hoa")
    body = '<script>alert("x")</script>\n\n<img src=x onerror=alert(1)> [a](javascript:alert(1))'
    fields = {**form_of(client, "dinh-thoi-an"), "body": body}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert (content_dir / "dinh-thoi-an" / "index.md").read_text(encoding="utf-8").endswith(body + "\n")
    page = client.get("/sites/dinh-thoi-an")
    assert "&lt;script&gt;alert" in page.text and "<script>alert" not in page.text
    tags = PageParser(page.text).tags
    assert [tag for tag, attrs in tags if tag in ("script", "img") and "src" in attrs and attrs["src"] == "x"] == []
    assert not any(name.startswith("on") for _, attrs in tags for name in attrs)
    assert 'href="javascript:' not in page.text
    assert "script-src 'self';" in page.headers["content-security-policy"]  # no inline script, no other host


def test_an_unsaved_preview_renders_the_form_and_writes_nothing(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    fields = {**form_of(client, "dinh-thoi-an"), "body": "## Mới\n\n<b>chưa lưu</b>", "editing": "dinh-thoi-an"}
    response = post_form(client, "/admin/preview?lang=vi", fields, page="/admin/sites/dinh-thoi-an")
    assert response.status_code == 200 and "<h2>Mới</h2>" in response.text and "&lt;b&gt;chưa lưu" in response.text
    assert response.headers["cache-control"] == "no-store" and "script-src 'none'" in response.headers[
        "content-security-policy"]
    assert snapshot(content_dir) == before


def test_the_form_works_without_javascript_and_proposes_ids(staff_client, content_dir):
    """Typed coordinates and an empty slug and code: the server proposes them from the name."""
    client = staff_client("hoa")
    assert post_form(client, "/admin/new", {**NEW_SITE, "name": "Đình Thới An"}).headers["location"] == \
        "/admin/sites/dinh-thoi-an-2?saved=1"
    site = load_content(content_dir).registry.get("dinh-thoi-an-2", include_drafts=True)
    assert (site.code, site.meta.location.lat, site.meta.location.lon) == ("dinhthoian2", 10.0, 105.7)


def test_the_list_shows_states_and_content_errors(staff_client, content_dir):
    (content_dir / "hong").mkdir()
    (content_dir / "hong" / "index.md").write_text("---\nname: Hỏng\n---\n", encoding="utf-8")
    page = staff_client("hoa").get("/admin").text
    assert "Đã xuất bản" in page and f"{content_dir}/hong/index.md: slug: required field is missing" in page
    assert '<a href="/qr/dinh-thoi-an.png" download>PNG</a>' in page  # staff download the QR codes here
    assert '<a href="/posters/dinh-thoi-an.pdf?format=plaque">' in page  # and print its poster or plaque
    assert '<a href="/posters.pdf?format=a4">' in page  # or every site's, for a print shop
    assert '<a href="/stats">Thống kê' in page


def test_leaflet_and_the_picker_script_are_served_by_the_app(client):
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/leaflet/images/marker-icon.png").status_code == 200
    assert "location-map" in client.get("/static/admin.js").text


def test_a_missing_block_is_shown_at_its_required_inputs():
    shown = form_errors([FieldError("address", "required field is missing", "missing"), FieldError("name", "x")])
    assert list(shown) == ["address.text", "address.province", "name"]


def test_a_save_beside_an_editors_lock_link_succeeds(staff_client, content_dir):
    """Emacs keeps a dangling link `.#index.md` in the folder while the file is open (issue 11, item 5)."""
    client = staff_client("hoa")
    os.symlink("hoa@may.4242:1700000000", content_dir / "dinh-thoi-an" / ".#index.md")
    fields = {**form_of(client, "dinh-thoi-an"), "built": "Năm 1832"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert "Năm 1832" in client.get("/sites/dinh-thoi-an").text
    assert os.path.islink(content_dir / "dinh-thoi-an" / ".#index.md"), "the editor's lock is left alone"


def test_a_broken_published_site_is_served_as_before_and_flagged_to_staff(staff_client, content_dir):
    """An unclosed quote keeps the page and its QR code; staff see why (issue 11, item 6)."""
    client = staff_client("hoa")
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("name: Đình Thới An", 'name: "Đình Thới An'),
                     encoding="utf-8")
    app_state(client.app).catalog.reload()
    assert "Đình Thới An" in client.get("/q/thoian").text
    assert client.get("/healthz").json()["content_errors"] == 1
    warning = 'Đang phục vụ bản hợp lệ trước đó / <span lang="en">Serving the last valid version</span>'
    listing = client.get("/admin").text
    assert warning in listing and f"{index}: front matter is not valid YAML" in listing
    edit_page = client.get("/admin/sites/dinh-thoi-an").text
    assert warning in edit_page and f"{index}: front matter is not valid YAML" in edit_page
    assert warning not in client.get("/admin/sites/dinh-phu-luong").text


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_photo_over_40_megapixels_is_refused_at_upload(staff_client, content_dir):
    """A 13000 x 13000 PNG is a few kilobytes but 7.5 GB once its variants are made (issue 11, item 7)."""
    client = staff_client("hoa")
    before = snapshot(content_dir)
    out = io.BytesIO()
    Image.new("1", (13_000, 13_000)).save(out, "PNG")
    response = post_form(client, "/admin/new", {**NEW_SITE, "new_photo.caption": "A", "new_photo.credit": "B"},
                         files={"photo_upload": ("lon.png", out.getvalue(), "image/png")})
    assert response.status_code == 422
    assert errors_next_to(response.text, "photo_upload")[0] == (
        "lon.png: Ảnh quá nhiều điểm ảnh (tối đa 40 megapixel), hãy thu nhỏ / the photo is 13000 x 13000 pixels "
        "(169 megapixels); at most 40 megapixels: make it smaller")
    assert snapshot(content_dir) == before


def test_editors_cannot_preview_another_provinces_draft(staff_client, content_dir):
    give_photo(content_dir, published=False)  # a draft of Cần Thơ
    minh = staff_client("minh")  # editor of Khánh Hòa
    assert minh.get("/admin/sites/dinh-thoi-an/preview").status_code == 403
    assert minh.get("/admin/photos/dinh-thoi-an/cong-480.jpg").status_code == 403
    lan = staff_client("lan")  # editor of Cần Thơ
    assert lan.get("/admin/sites/dinh-thoi-an/preview").status_code == 200
    assert lan.get("/admin/photos/dinh-thoi-an/cong-480.jpg").status_code == 200


def test_a_drafts_photos_are_for_staff_and_never_cached(staff_client, make_client, content_dir):
    give_photo(content_dir, published=False)
    client = make_client()
    assert client.get("/photos/dinh-thoi-an/cong-480.jpg").status_code == 404
    assert client.get("/admin/photos/dinh-thoi-an/cong-480.jpg", follow_redirects=False).status_code == 303
    response = staff_client("lan").get("/admin/photos/dinh-thoi-an/cong-480.jpg")
    assert response.status_code == 200 and response.headers["cache-control"] == "private, no-store"


def test_the_list_searches_without_diacritics_filters_and_shows_visit_counts(staff_client, content_dir):
    client = staff_client("hoa")
    visit(client, "/q/thoian", 3)
    visit(client, "/sites/dinh-thoi-an", 2)
    rows = lambda page: re.findall(r'<code>([a-z0-9-]+)</code></td>', page)  # noqa: E731
    page = client.get("/admin", params={"q": "dinh thoi"}).text
    assert rows(page) == ["dinh-thoi-an"]
    assert re.search(r'dinh-thoi-an</code></td>\s*<td[^>]*>Cần Thơ</td>.*?'
                     r'<td class="count"[^>]*>3</td><td class="count"[^>]*>2</td>',
                     page, re.S)
    assert set(rows(client.get("/admin", params={"q": "khanh hoa"}).text)) == {"bay-da-pi-nang-tac",
                                                                              "tham-sat-lang-thanh-duc-1947"}
    assert rows(client.get("/admin", params={"category": "chua", "province": "Cần Thơ"}).text) == ["chua-pothi-somron"]
    assert rows(client.get("/admin", params={"state": "draft"}).text) == []
    assert post_form(client, "/admin/new", NEW_SITE).status_code == 303
    assert rows(client.get("/admin", params={"state": "draft"}).text) == ["dinh-my-khanh"]


def test_a_published_sites_form_links_its_qr_codes_posters_and_page(staff_client):
    page = staff_client("hoa").get("/admin/sites/dinh-thoi-an").text
    for link in ("/qr/dinh-thoi-an.png", "/qr/dinh-thoi-an.svg", "/posters/dinh-thoi-an.pdf?format=a4",
                 "/posters/dinh-thoi-an.pdf?format=plaque", 'href="/sites/dinh-thoi-an"'):
        assert link in page


def test_several_photos_are_saved_at_once_or_none_of_them(staff_client, content_dir):
    client = staff_client("hoa")
    typed = {"new_photo.caption": "Đình", "new_photo.credit": "Đoàn phường, CC BY 4.0"}
    two = [("photo_upload", ("mot.jpg", photo_bytes((60, 40)), "image/jpeg")),
           ("photo_upload", ("hai.png", photo_bytes((40, 60), "PNG"), "image/png"))]
    before = snapshot(content_dir)
    refused = post_form(client, "/admin/sites/dinh-thoi-an", {**form_of(client, "dinh-thoi-an"), **typed},
                        files=[*two, ("photo_upload", ("ba.jpg", b"<html>not a photo</html>", "image/jpeg"))])
    assert refused.status_code == 422 and "ba.jpg" in " ".join(errors_next_to(refused.text, "photo_upload"))
    assert snapshot(content_dir) == before, "one bad file: nothing written"
    saved = post_form(client, "/admin/sites/dinh-thoi-an", {**form_of(client, "dinh-thoi-an"), **typed}, files=two)
    assert saved.status_code == 303
    assert [photo.path.name for photo in load_content(content_dir).registry.get("dinh-thoi-an").photos] == \
        ["mot.jpg", "hai.png"]


def test_photos_move_up_and_down_and_are_removed_without_javascript(staff_client, content_dir):
    client = staff_client("hoa")
    give_photo(content_dir)
    for name in ("a.jpg", "b.jpg"):
        (content_dir / "dinh-thoi-an" / name).write_bytes(photo_bytes((80, 60)))
    edit_site(content_dir, "dinh-thoi-an", photos=[{"file": name, "caption": name, "credit": "Đoàn"}
                                                   for name in ("cong.jpg", "a.jpg", "b.jpg")])
    app_state(client.app).catalog.reload()
    order = lambda: [p.path.name for p in load_content(content_dir).registry.get("dinh-thoi-an").photos]  # noqa: E731
    page = client.get("/admin/sites/dinh-thoi-an").text
    assert 'name="move" value="photos.2.up"' in page and 'value="photos.2.down"' not in page
    assert post_form(client, "/admin/sites/dinh-thoi-an", {**form_of(client, "dinh-thoi-an"),
                                                           "move": "photos.2.up"}).status_code == 303
    assert order() == ["cong.jpg", "b.jpg", "a.jpg"]
    assert post_form(client, "/admin/sites/dinh-thoi-an", {**form_of(client, "dinh-thoi-an"),
                                                           "move": "photos.0.down"}).status_code == 303
    assert order() == ["b.jpg", "cong.jpg", "a.jpg"]
    fields = {**form_of(client, "dinh-thoi-an"), "photos.1.remove": "true"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert order() == ["b.jpg", "a.jpg"]


def test_an_unpublished_sites_qr_code_says_temporarily_unavailable_and_is_not_counted(staff_client):
    client = staff_client("hoa")
    visit(client, "/q/thoian")
    fields = {**form_of(client, "dinh-thoi-an"), "action": "unpublish"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert "Nháp" in client.get("/admin/sites/dinh-thoi-an").text
    scanned = client.get("/q/thoian", headers=phone(4242))
    assert scanned.status_code == 503 and scanned.headers["Retry-After"] == "86400"
    assert "Tạm thời chưa mở" in scanned.text and "Đình Thới An" not in scanned.text
    assert "Temporarily unavailable" in client.get("/q/THOIAN?lang=en", headers=phone(4243)).text
    assert client.get("/sites/dinh-thoi-an").status_code == 404 and client.get("/q/nothing").status_code == 404
    fields = {**form_of(client, "dinh-thoi-an"), "action": "publish"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    assert client.get("/api/stats/dinh-thoi-an").json()["total"]["scans"] == 1, "the unavailable scans not counted"


def test_a_code_changed_while_unpublished_keeps_the_printed_plaque_working(staff_client):
    """Once published, a plaque may hang on a wall: a draft's new code keeps the old one as an alias."""
    client = staff_client("hoa")
    fields = {**form_of(client, "dinh-thoi-an"), "action": "unpublish"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    fields = {**form_of(client, "dinh-thoi-an"), "code": "thoianmoi"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    fields = {**form_of(client, "dinh-thoi-an"), "action": "publish"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    old_plaque = client.get("/q/THOIAN", headers=phone(77))
    assert old_plaque.status_code == 200 and "<h1>Đình Thới An</h1>" in old_plaque.text
    assert client.get("/q/thoianmoi", headers=phone(78)).status_code == 200


def test_admin_photo_saves_wait_for_the_image_worker_that_visitors_report_photos_share(staff_client, content_dir):
    """Issue 21, item 6: six saves of a 39.7 MP PNG at once took 2 GB. A save's photo is decoded by the same
    bounded worker as visitors' report photos: while one photo is decoded, a save waits its turn (staff are not
    refused), and a visitor's photo finds the queue full and is told to come back."""
    client = staff_client("lan")
    worker, release = app_state(client.app).image_worker, threading.Event()
    running = client.portal.start_task_soon(worker._pool.run, release.wait)  # the photo being decoded
    saved: list = []
    upload = {"photo_upload": ("cong.jpg", photo_bytes(size=(1200, 800)), "image/jpeg")}
    saving = threading.Thread(target=lambda: saved.append(post_form(
        client, "/admin/new", {**NEW_SITE, "new_photo.caption": "Cổng", "new_photo.credit": "Đoàn"}, files=upload)))
    saving.start()
    try:
        deadline = time.monotonic() + 10
        while worker._pool._pending < 2 and time.monotonic() < deadline:  # the save is waiting for the worker
            time.sleep(0.01)
        token = form_token(app_state(client.app).staff_auth.secret, "dinh-thoi-an", int(time.time()) - 10)
        busy = client.post("/sites/dinh-thoi-an/report", data={"token": token, "kind": "damaged"},
                           files={"photo": ("bang.jpg", photo_bytes((120, 80)), "image/jpeg")},
                           headers=phone(1), follow_redirects=False)
        assert busy.status_code == 503 and "bận xử lý ảnh" in busy.text and busy.headers["retry-after"]
        assert saved == [], "the save waits rather than being refused"
    finally:
        release.set()
    saving.join(timeout=30)
    running.result(timeout=10)
    assert saved[0].status_code == 303 and (content_dir / "dinh-my-khanh" / "cong.jpg").exists()

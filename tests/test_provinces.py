"""Provinces picked from Vietnam's administrative units (vietnam-provinces, after the 2025 merger) in the admin's
site form, while content keeps its address as written and its former province."""

import re

import pytest

from sites.catalog.provinces import UnknownProvince, current_province
from tests.support import PageParser, edit_site, form_of, post_form


def options(html: str, select: str) -> list[tuple[str, bool]]:
    """The (value, selected) of each option of the select `select`, in order."""
    inside = re.search(rf'<select [^>]*name="{re.escape(select)}"[^>]*>(.*?)</select>', html, re.S)[1]
    return [(attributes.get("value"), "selected" in attributes)
            for tag, attributes in PageParser(inside).tags if tag == "option"]


def test_the_site_form_offers_the_34_current_provinces_with_the_sites_one_selected(staff_client):
    page = staff_client("hoa").get("/admin/sites/bay-da-pi-nang-tac").text
    choices = options(page, "address.province")
    assert len([value for value, _ in choices if value]) == 34
    assert [value for value, selected in choices if selected] == ["Khánh Hòa"]
    assert 'list="former-provinces"' in page and '<option value="Ninh Thuận">' in page  # the former one, suggested


def test_a_province_written_otherwise_by_hand_is_todays_in_the_form_and_the_filter(staff_client, content_dir):
    """Issue 23: the province is never free text; "TP Cần Thơ" is Cần Thơ, as the filters and rights see it."""
    edit_site(content_dir, "dinh-thoi-an", address={"text": "Thới An, Ô Môn", "province": "TP Cần Thơ"})
    client = staff_client("hoa")
    page = client.get("/admin/sites/dinh-thoi-an").text
    assert [value for value, selected in options(page, "address.province") if selected] == ["Cần Thơ"]
    assert "Đình Thới An" in client.get("/admin", params={"province": "Cần Thơ"}).text


@pytest.mark.parametrize(("typed", "current"), [("cần thơ", "Cần Thơ"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
                                                ("TP Huế", "Huế"), ("Dak Lak", "Đắk Lắk")])
def test_current_provinces_are_found_however_they_are_typed(typed, current):
    assert current_province(typed) == current


def test_a_former_province_names_its_successor():
    with pytest.raises(UnknownProvince) as problem:
        current_province("Hậu Giang")
    assert problem.value.suggestions == ["Cần Thơ"]



def test_todays_address_is_suggested_from_the_wards_of_the_province_after_the_merger(staff_client):
    """Issue 18: the ward comes from the maintained list too (a suggestion that staff confirm, never applied)."""
    page = staff_client("hoa").get("/admin/sites/dinh-thoi-an").text
    assert 'name="address.current"' in page and 'list="current-wards"' in page
    wards = re.search(r'<datalist id="current-wards">(.*?)</datalist>', page, re.S)[1]
    assert '<option value="Phường Ô Môn, Cần Thơ">' in wards and wards.count("<option") > 50
    assert "Hà Nội" not in wards  # only the site's own province
    assert 'value="phường Ô Môn, TP Cần Thơ"' in page  # what the files say stays as it is


def test_the_admin_form_takes_a_former_province_and_kinds_as_decisions_word_them(staff_client, content_dir):
    """Issue 23: only the former province given, today's is filled in and the former one kept; several kinds."""
    client = staff_client("hoa")
    fields = {**form_of(client, "dinh-thoi-an"), "address.province": "", "address.former_province": "hậu giang",
              "recognition.kind": "Di tích lịch sử và kiến trúc nghệ thuật"}
    assert post_form(client, "/admin/sites/dinh-thoi-an", fields).status_code == 303
    written = (content_dir / "dinh-thoi-an" / "index.md").read_text(encoding="utf-8")
    assert "  province: Cần Thơ\n  former_province: Hậu Giang\n" in written
    assert "  kind: [history, architecture-art]\n" in written
    page = client.get("/admin/sites/dinh-thoi-an").text
    assert 'value="Di tích lịch sử và kiến trúc nghệ thuật"' in page
    assert "Di tích lịch sử và kiến trúc nghệ thuật cấp thành phố, 2004" in client.get("/sites/dinh-thoi-an").text

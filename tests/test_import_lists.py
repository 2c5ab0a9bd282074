"""A province's own list comes in as its sources word it (issue 23): recognition levels and kinds as decisions
write them, decision numbers and dates, former provinces, "TP. Hồ Chí Minh", "Thanh Hoá", a site spanning
several provinces.

tests/lists/di-tich-143.csv has 143 rows. The first 20 name real relics with their province as lists write it
(often a former one) and the level lists give; nothing else about them is checked, and each row says it awaits
review. The others are synthetic test data ("Di tích thử nghiệm số ...", decision numbers and dates made up),
covering every province before and after 1 July 2025 and the wordings lists use; the last 11 are mistakes a
staff member would refuse too.
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from sites.catalog.loader import load_content
from sites.catalog.provinces import current_provinces, former_provinces
from sites.catalog.text import fold
from sites.editing.importer import read_rows
from tests.support import add_site, snapshot

LIST = Path(__file__).parent / "lists" / "di-tich-143.csv"
# Row -> (column, words the refusal must say): every refusal names the value and what would do instead.
REFUSED = {
    134: ("recognition.level", ["'cấp huyện'", "quốc gia đặc biệt, quốc gia, cấp tỉnh, cấp thành phố"]),
    135: ("recognition.kind", ["'nhà cổ'", "lịch sử, lịch sử - văn hóa, kiến trúc nghệ thuật, khảo cổ"]),
    136: ("address.province", ["'Quảng Nom'", "có phải: Quảng Nam (nay/now Đà Nẵng)"]),
    137: ("address.province", ["'Sài Gòn - Gia Định' không phải một trong 34 tỉnh, thành phố hiện nay"]),
    138: ("recognition", ["Năm 2011 khác năm của quyết định (2010)"]),
    139: ("name", ["Đã có di tích cùng tên trong tỉnh này: dòng / row 52"]),  # Huế = Thừa Thiên Huế
    140: ("address.province", ["Bắt buộc điền"]),
    141: ("name", ["Bắt buộc điền"]),
    142: ("recognition.level", ["'Di tích cấp quốc gia đặc biệt và tỉnh'"]),
    143: ("address.province", ["'Hà Tây'", "có phải: Hà Nam (nay/now Ninh Bình)"]),
    144: ("address.other_provinces", ["'Quảng Bìnhh'", "có phải: Quảng Bình (nay/now Quảng Trị)"]),
}


def run_import(content_dir: Path, data_dir: Path, *options: str):
    return CliRunner().invoke(main, ["import", str(LIST), "--content-dir", str(content_dir), "--data-dir",
                                     str(data_dir), *options])


def refusals(output: str) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for row, column, words in re.findall(r"^dòng / row (\d+) \([^)]*\): ([\w.]+): (.*)$", output, re.M):
        found.setdefault(int(row), []).append((column, words))
    return found


def test_the_list_has_143_rows_of_which_20_real_ones_await_review():
    rows = read_rows(LIST.read_bytes())
    assert len(rows) == 143
    real = [row for row in rows if "chờ kiểm tra" in str(row["summary"])]
    assert len(real) == 20 and all(not row["recognition.decision"] for row in real)  # no decision made up for them
    assert all(str(row["name"]).startswith("Di tích thử nghiệm") or not row["name"] for row in rows[20:])


def test_every_row_is_in_or_refused_for_a_reason_staff_would_agree_with(content_dir, data_dir):
    before = snapshot(content_dir)
    result = run_import(content_dir, data_dir)
    assert result.exit_code == 1 and "✗ 11 dòng lỗi / bad rows; chưa ghi gì / nothing written" in result.output
    assert snapshot(content_dir) == before, "all or nothing"
    found = refusals(result.output)
    assert sorted(found) == sorted(REFUSED)
    for row, (column, words) in REFUSED.items():
        messages = [message for named, message in found[row] if named == column]
        assert messages and all(word in messages[0] for word in words), (row, found[row])

    result = run_import(content_dir, data_dir, "--only-valid")
    assert result.exit_code == 0 and "✓ 132 di tích nháp / draft sites written; 11 dòng lỗi bỏ qua" in result.output
    assert "dòng / row 6 (Côn Sơn - Kiếp Bạc): address.province: Hải Dương -> Hải Phòng (tỉnh trước 1/7/2025 / " \
           "province before 1 July 2025)" in result.output
    loaded = load_content(content_dir)
    assert loaded.errors == []
    assert len(loaded.registry.all(include_drafts=True)) == 7 + 132


def test_every_imported_province_is_one_of_the_34_and_former_ones_are_kept(content_dir, data_dir):
    assert run_import(content_dir, data_dir, "--only-valid").exit_code == 0
    sites = {site.meta.name: site.meta for site in load_content(content_dir).registry.all(include_drafts=True)}
    current, former = set(current_provinces()), {fold(name): name for name in former_provinces()}
    for row in read_rows(LIST.read_bytes()):
        meta = sites.get(str(row["name"]))
        if meta is None:
            continue
        assert set(meta.address.provinces) <= current, meta.address
        for written in str(row["address.province"]).split(","):
            key = fold(written).removeprefix("tinh ")
            if key in former and former[key] not in current:
                assert former[key] in meta.address.former_provinces, (written, meta.address)
    assert (sites["Địa đạo Củ Chi"].address.province, sites["Thành nhà Hồ"].address.province) == \
        ("Hồ Chí Minh", "Thanh Hóa")  # "TP. Hồ Chí Minh", "Thanh Hoá" as the list writes them
    assert (sites["Chùa Keo"].address.province, sites["Chùa Keo"].address.former_province) == ("Hưng Yên", "Thái Bình")
    truong_son = sites["Đường Trường Sơn - Đường Hồ Chí Minh"].address
    assert truong_son.provinces == ("Quảng Trị", "Huế", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Đắk Lắk", "Lâm Đồng",
                                    "Đồng Nai", "Nghệ An", "Hà Tĩnh")
    assert truong_son.former_provinces == ("Quảng Bình", "Thừa Thiên Huế", "Quảng Nam", "Kon Tum", "Đắk Nông",
                                           "Bình Phước")


def test_levels_kinds_and_decisions_are_stored_in_canonical_values(content_dir, data_dir):
    assert run_import(content_dir, data_dir, "--only-valid").exit_code == 0
    registry = load_content(content_dir).registry
    sites = {site.meta.name: site.meta for site in registry.all(include_drafts=True)}
    written = (content_dir / "khu-di-tich-lich-su-den-hung" / "index.md").read_text(encoding="utf-8")
    assert "  level: special-national\n" in written and "province: Phú Thọ\n" in written
    recognition = {int(name[-3:]): meta.recognition for name, meta in sites.items() if "thử nghiệm số" in name}
    assert {r.level.value for r in recognition.values()} == {"special-national", "national", "provincial", "city"}
    # "Di tích lịch sử và kiến trúc nghệ thuật" (row 6 of the synthetic rows), "khảo cổ và danh lam thắng cảnh" (7)
    assert [kind.value for kind in recognition[6].kind] == ["history", "architecture-art"]
    assert [kind.value for kind in recognition[7].kind] == ["archaeology", "landscape"]
    assert [kind.value for kind in recognition[3].kind] == ["history-culture"]  # "lịch sử - văn hoá"
    assert [kind.value for kind in recognition[11].kind] == ["history-culture", "architecture-art"]
    # "Quyết định số 101/QĐ-UBND ngày 2/2/1991": number, issuer, date; the year comes from the date
    parts = recognition[1].decision_parts
    assert (parts.number, parts.issuer, parts.date.isoformat(), recognition[1].year) == \
        ("101/QĐ-UBND", "UBND", "1991-02-02", 1991)
    # "{n}/QĐ-UBND, ngày 3 tháng 3 năm 1992" and "Quyết định 106 năm 1996": the date read, or the text kept whole
    assert recognition[3].decision_parts.date.isoformat() == "1993-04-04"
    assert recognition[6].decision == "Quyết định 106 năm 1996" and recognition[6].decision_parts is None


def test_hand_written_files_follow_the_same_rule(content_dir):
    add_site(content_dir, "den-thu", address={"text": "Xã Thử", "province": "Thanh Hoá"},
             recognition={"level": "Di tích quốc gia đặc biệt", "kind": "Di tích lịch sử và kiến trúc nghệ thuật",
                          "decision": "2383/QĐ-TTg ngày 09/12/2013"})
    add_site(content_dir, "mieu-thu", address={"text": "Xã Thử", "province": "Hà Nam"})
    add_site(content_dir, "chua-thu",
             address={"text": "Xã Thử", "province": "Ninh Bình", "former_province": "Thái Bình"})
    result = CliRunner().invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if "-thu/index.md" in line]
    assert len(problems) == 2, result.output
    assert "mieu-thu/index.md: address.province: 'Hà Nam' is a province before 1 July 2025, now part of Ninh Bình: " \
           "write province: Ninh Bình and former_province: Hà Nam" in result.output
    assert "chua-thu/index.md: address.former_province: 'Thái Bình' is now part of Hưng Yên, not of Ninh Bình" \
        in result.output
    den = load_content(content_dir).registry.get("den-thu", include_drafts=True).meta
    assert (den.address.province, den.recognition.level.value, den.recognition.year) == \
        ("Thanh Hóa", "special-national", 2013)


@pytest.mark.slow
def test_a_site_of_several_provinces_is_listed_and_edited_under_each(content_dir, staff_client, make_client):
    add_site(content_dir, "duong-thu", name="Đường thử nghiệm", location={"lat": 16.8, "lon": 107.1}, address={
        "text": "Nhiều tỉnh", "province": "Quảng Trị", "other_provinces": ["Cần Thơ", "Khánh Hòa"],
        "former_province": "Quảng Bình, Ninh Thuận"})
    client = make_client()
    for province in ("Quảng Trị", "Cần Thơ", "Quảng Bình", "Ninh Thuận"):
        assert "Đường thử nghiệm" in client.get("/", params={"province": province}).text, province
    assert "Đường thử nghiệm" not in client.get("/", params={"province": "Hà Nội"}).text
    for province in ("Khánh Hòa", "Ninh Thuận"):  # the map's markers, filtered the same way
        assert "Đường thử nghiệm" in client.get("/api/map-points.json", params={"province": province}).text
    assert "Khánh Hòa" in client.get("/map").text  # offered in the map's province filter
    assert staff_client("minh").get("/admin/sites/duong-thu").status_code == 200  # editor of Khánh Hòa
    page = client.get("/sites/duong-thu").text
    assert "Quảng Trị, Cần Thơ, Khánh Hòa" in page and "Trước ngày 1/7/2025 thuộc Quảng Bình, Ninh Thuận" in page
    assert "Part of Quảng Bình, Ninh Thuận before 1 July 2025" in client.get("/sites/duong-thu?lang=en").text


def test_a_refused_category_names_the_vietnamese_words_it_takes(content_dir, data_dir, tmp_path):
    sheet = tmp_path / "ds.csv"
    sheet.write_text("name,category,address.text,address.province,summary\n"
                     "Nhà thử nghiệm,nhà rông,Xã Thử,Gia Lai,Dữ liệu thử.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(sheet), "--content-dir", str(content_dir),
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "dòng / row 2 (Nhà thử nghiệm): category: Hãy chọn một giá trị trong danh sách: 'dinh' (Đình), " \
           "'chua' (Chùa)" in result.output and "(got 'nhà rông')" in result.output

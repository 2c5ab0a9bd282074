"""Importing a spreadsheet of sites, from the admin and with `diachido import`."""

import csv
import io
import os
import re
import subprocess
import sys
import threading
import zipfile

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from api.state import app_state
from api.templating import STATIC_DIR
from cli.main import main
from sites.catalog.loader import load_content
from sites.editing.importer import MAX_ROWS, read_rows
from tests.import_samples import XLSX_SAMPLE, sample_xlsx
from tests.support import csrf_of, snapshot

SAMPLE = STATIC_DIR / "import-sample.csv"
COLUMNS = ["name", "category", "address.text", "address.province", "summary", "location.lat", "location.lon"]
GOOD = ["Miếu Bà", "mieu", "Xã A, huyện B", "Cần Thơ", "Miếu thờ Bà Chúa Xứ.", "10.05", "105.7"]
BAD = ["", "dinh", "Xã C", "Cần Thơ", "Thiếu tên.", "999", "105.7"]


def csv_bytes(*rows: list, delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows([COLUMNS, *rows])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(*rows: list) -> bytes:
    workbook = Workbook()
    for row in [COLUMNS, *rows]:
        workbook.active.append([float(cell) if cell.replace(".", "").isdigit() else cell for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_sheet_xml(xlsx: bytes, rows: bytes = b"", dimension: bytes | None = None) -> bytes:
    """`xlsx` with `rows` (<row> elements) added to its first sheet and its <dimension> replaced,
    as a hand-made or hostile file could have them."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            body = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                if dimension is not None:
                    body = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="%s"/>' % dimension, body)
                body = body.replace(b"</sheetData>", rows + b"</sheetData>")
            target.writestr(member.filename, body)
    return out.getvalue()


def upload(client, data: bytes, name: str = "sites.csv", only_valid: bool = False):
    token = csrf_of(client.get("/admin/import").text)
    fields = {"csrf_token": token, **({"only_valid": "true"} if only_valid else {})}
    return client.post("/admin/import", data=fields, files={"spreadsheet": (name, data)})


def test_the_sample_file_imports_as_drafts(staff_client, content_dir):
    client = staff_client("hoa")
    response = upload(client, SAMPLE.read_bytes())
    assert response.status_code == 200 and "Đã tạo 2 di tích nháp" in response.text
    registry = load_content(content_dir).registry
    binh_thuy = registry.get("dinh-binh-thuy", include_drafts=True)
    assert not binh_thuy.published and binh_thuy.meta.location.lat == 10.072
    assert binh_thuy.translations["en"].name == "Bình Thủy Communal House"
    assert binh_thuy.meta.sources[0].title == "Wikipedia tiếng Việt"
    assert registry.get("chua-moi", include_drafts=True).meta.location is None
    assert client.get("/sites/dinh-binh-thuy").status_code == 404, "drafts stay hidden"


def test_bad_rows_are_listed_by_row_and_field_and_nothing_is_written(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    response = upload(client, csv_bytes(GOOD, BAD, ["Miếu Ông", *GOOD[1:3], "Cần Thơ", "x" * 301, "", ""]))
    assert response.status_code == 422 and "chưa ghi gì cả" in response.text
    assert '<strong id="bad-rows">2 dòng có lỗi: / 2 rows have problems:</strong>' in response.text
    rows = re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td><code>([^<]+)</code></td><td>([^<]+)</td></tr>",
                      response.text)
    # Row 3 has no name, so no slug or code can be proposed from it either.
    assert [(row, field) for row, field, _ in rows] == [
        ("3", "name"), ("3", "slug"), ("3", "code"), ("3", "location.lat"), ("4", "summary")]
    assert rows[-1][2] == "Tối đa 300 ký tự / String should have at most 300 characters"
    assert snapshot(content_dir) == before


def test_only_the_valid_rows_when_asked(staff_client, content_dir):
    response = upload(staff_client("hoa"), csv_bytes(BAD, GOOD), only_valid=True)
    assert response.status_code == 200 and "Đã tạo 1 di tích nháp: / 1 draft site created:" in response.text
    assert '<strong id="bad-rows">1 dòng có lỗi: / 1 row has problems:</strong>' in response.text  # issue 28
    assert (content_dir / "mieu-ba" / "index.md").is_file()


def test_xlsx_and_semicolon_csv_read_like_csv(staff_client, content_dir):
    client = staff_client("hoa")
    assert upload(client, xlsx_bytes(GOOD), name="ds.xlsx").status_code == 200
    assert upload(client, csv_bytes(["Miếu Ông", *GOOD[1:]], delimiter=";")).status_code == 200
    registry = load_content(content_dir).registry
    assert registry.get("mieu-ba", include_drafts=True).meta.location.lat == 10.05
    assert registry.get("mieu-ong", include_drafts=True).code == "mieuong"


def test_a_file_that_is_no_spreadsheet_is_refused(staff_client, content_dir):
    before = snapshot(content_dir)
    response = upload(staff_client("hoa"), b"\xff\xd8\xff\xe0 a photo", name="sites.csv")
    assert response.status_code == 422 and "Không đọc được tệp" in response.text
    assert snapshot(content_dir) == before


def test_an_editor_imports_only_their_province(staff_client, content_dir):
    before = snapshot(content_dir)
    response = upload(staff_client("minh"), csv_bytes(GOOD))  # minh edits Khánh Hòa; the row is in Cần Thơ
    assert response.status_code == 422 and "you may only add or change sites of Khánh Hòa" in response.text
    assert snapshot(content_dir) == before


def test_cli_import_writes_drafts_or_names_every_bad_row(content_dir, data_dir, tmp_path):
    sheet = tmp_path / "ds.csv"
    sheet.write_bytes(csv_bytes(GOOD, BAD))
    before = snapshot(content_dir)
    arguments = ["import", str(sheet), "--content-dir", str(content_dir), "--data-dir", str(data_dir)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 1
    assert "dòng / row 3 (?): name: Bắt buộc điền / required field is missing" in result.output
    assert "✗ 1 dòng lỗi / bad rows; chưa ghi gì / nothing written" in result.output
    assert snapshot(content_dir) == before
    result = CliRunner().invoke(main, [*arguments, "--only-valid"])
    assert result.exit_code == 0 and f"+ {content_dir / 'mieu-ba'} (nháp / draft)" in result.output
    assert load_content(content_dir).errors == []


@pytest.mark.slow
def test_cli_imports_hundreds_of_rows(content_dir, data_dir, tmp_path):
    # No wall-clock bound here (the project's rule: no absolute times in tests): every row becomes a draft.
    rows = [[f"Di tích {n}", *GOOD[1:]] for n in range(200)]
    sheet = tmp_path / "ds.csv"
    sheet.write_bytes(csv_bytes(*rows))
    result = CliRunner().invoke(main, ["import", str(sheet), "--content-dir", str(content_dir),
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.count("(nháp / draft)") == 200
    assert len(load_content(content_dir).registry.all(include_drafts=True)) == 207


def test_an_excel_quoted_cell_is_read_whole(staff_client, content_dir):
    summary = 'Đình thờ "Thành hoàng bổn cảnh", xây 1852.'
    data = csv_bytes([*GOOD[:4], summary, *GOOD[5:]])
    assert '"Đình thờ ""Thành hoàng bổn cảnh"", xây 1852."'.encode() in data  # as Excel writes it
    assert upload(staff_client("hoa"), data).status_code == 200
    assert load_content(content_dir).registry.get("mieu-ba", include_drafts=True).meta.summary == summary


HEADER = ",".join(COLUMNS).encode()
GOOD_LINE = ",".join(f'"{cell}"' for cell in GOOD).encode()
UNPARSABLE = [
    ('"Miếu Bà" cổ,mieu,Xã A,Cần Thơ,Miếu.,10.05,105.7', "dòng 3, cột A: không đọc được theo CSV"),
    ('Miếu Bà,mieu,"Xã A, huyện B" x,Cần Thơ,Miếu.,10.05,105.7', "dòng 3, cột C: không đọc được theo CSV"),
    ('Miếu Bà,mieu,Xã A,Cần Thơ,"Miếu thờ Bà.,10.05,105.7', "dòng 3, cột E: không đọc được theo CSV"),
    ("Miếu Bà,mieu,Xã A,Cần Thơ,Miếu.,10.05,105.7,thừa", "dòng 3, cột H: ô có giá trị nhưng cột không có tên"),
    ("Miếu Bà,mieu,Xã A,Cần Thơ," + "x" * 40_000 + ",10.05,105.7", "dòng 3, cột E (summary): ô dài hơn 32767"),
]


@pytest.mark.parametrize(("line", "message"), UNPARSABLE,
                         ids=["text-after-quote", "text-after-quoted-cell", "unclosed-quote", "extra-cell",
                              "long-cell"])
def test_a_row_that_does_not_parse_is_refused_by_row_and_column(staff_client, content_dir, line, message):
    before = snapshot(content_dir)
    response = upload(staff_client("hoa"), b"\n".join([HEADER, GOOD_LINE, line.encode(), GOOD_LINE]) + b"\n")
    assert response.status_code == 422 and message in response.text
    assert " / row 3, column " in response.text, "English beside the Vietnamese"
    assert snapshot(content_dir) == before


def test_a_column_named_twice_is_refused(staff_client):
    response = upload(staff_client("hoa"), HEADER + b",name\n" + GOOD_LINE + b",x\n")
    assert response.status_code == 422 and "dòng 1, cột H: cột &#39;name&#39; có hai lần" in response.text


def test_more_than_the_row_limit_is_refused_whole(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    rows = [[f"Di tích {n}", *GOOD[1:]] for n in range(MAX_ROWS + 1)]
    response = upload(client, csv_bytes(*rows))
    assert response.status_code == 422 and f"có hơn {MAX_ROWS} dòng dữ liệu" in response.text
    far_row = b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    response = upload(client, with_sheet_xml(xlsx_bytes(GOOD), far_row), name="ds.xlsx")
    assert response.status_code == 422 and f"có hơn {MAX_ROWS} dòng dữ liệu" in response.text
    assert snapshot(content_dir) == before
    assert len(read_rows(csv_bytes(*rows[:MAX_ROWS]))) == MAX_ROWS, "the limit itself is fine"


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_opened(staff_client):
    rows = b"<row><c><v>1</v></c></row>" * 2_500_000  # 65 MB of XML, about 130 KB zipped
    data = with_sheet_xml(xlsx_bytes(GOOD), rows)
    response = upload(staff_client("hoa"), data, name="ds.xlsx")
    assert response.status_code == 422 and "tệp XLSX giải nén ra 62 MB, quá lớn" in response.text


def with_shared_strings(xlsx: bytes, count: int) -> bytes:
    """`xlsx` whose sharedStrings.xml holds `count` empty strings."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename != "xl/sharedStrings.xml":
                target.writestr(member.filename, source.read(member.filename))
        target.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                        b'main">' + b"<si><t/></si>" * count + b"</sst>")
    return out.getvalue()


def padded(xlsx: bytes) -> bytes:
    """`xlsx` with 1 MB of random bytes added, so that it unpacks to less than 100 times its size."""
    out = io.BytesIO(xlsx)
    with zipfile.ZipFile(out, "a") as target:
        target.writestr("xl/media/padding.bin", os.urandom(1024 * 1024), zipfile.ZIP_STORED)
    return out.getvalue()


@pytest.mark.slow
def test_millions_of_shared_strings_are_refused_by_count_with_bounded_memory(staff_client, tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    # Issue 21's bomb: 723 KB unpacking to 49 MB, with 2.7 million <si>
    bomb.write_bytes(padded(with_shared_strings(xlsx_bytes(GOOD), 2_700_000)))
    assert len(bomb.read_bytes()) < 5 * 1024 * 1024, "within the size, unpacked size and ratio limits"
    response = upload(staff_client("hoa"), bomb.read_bytes(), name="ds.xlsx")
    assert response.status_code == 422
    assert "tệp XLSX có hơn 202202 chuỗi dùng chung (sharedStrings), quá giới hạn (2000 dòng × 100 cột)" \
        in response.text
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    extra = peak_rss_kib(bomb) - peak_rss_kib(good)
    assert extra < 300 * 1024, f"{extra // 1024} MB more than for a good file"


def test_imports_run_one_at_a_time_and_beyond_two_waiting_an_editor_is_told_to_come_back(staff_client):
    # Issue 21: two hostile imports at once took the server from 310 to 1,146 MB. One import runs, two may wait.
    client = staff_client("hoa")
    imports, release = app_state(client.app).imports, threading.Event()
    running = [client.portal.start_task_soon(imports.run, release.wait) for _ in range(3)]  # one runs, two wait
    try:
        busy = upload(client, csv_bytes(GOOD))
        assert busy.status_code == 503 and busy.headers["retry-after"] == "5"
        assert "Đang có các bảng tính khác chờ nhập; hãy thử lại sau ít giây / other spreadsheet imports are " \
               "waiting; try again in a few seconds" in busy.text
    finally:
        release.set()
    assert all(job.result(timeout=30) for job in running)
    assert upload(client, csv_bytes(GOOD)).status_code == 200, "once they are done, the next import runs"


def test_a_sheet_of_too_many_cells_is_refused_by_count(staff_client):
    cells = b"<row>" + b"<c><v>1</v></c>" * 203_000 + b"</row>"  # one row: the row limit alone never sees them
    response = upload(staff_client("hoa"), padded(with_sheet_xml(xlsx_bytes(GOOD), cells)), name="ds.xlsx")
    assert response.status_code == 422
    assert "tệp XLSX có hơn 202202 ô trong xl/worksheets/sheet1.xml" in response.text


def test_a_spreadsheet_over_the_size_limit_is_refused(staff_client):
    response = upload(staff_client("hoa"), HEADER + b"\n" + b"x" * (5 * 1024 * 1024))
    assert response.status_code == 413 and "tệp lớn hơn 5 MB" in response.text


PEAK_RSS = """
import sys
from sites.editing.importer import SpreadsheetError, read_rows
try:
    read_rows(open(sys.argv[1], "rb").read())
except SpreadsheetError:
    pass
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
"""


def peak_rss_kib(path) -> int:
    """The peak resident memory of a fresh process that reads the spreadsheet at `path`."""
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path)], capture_output=True, text=True, check=True)
    return int(result.stdout)


@pytest.mark.slow
def test_a_fake_dimension_costs_no_memory(tmp_path):
    # The 1.5 KB file: <dimension ref="A1:XFD10000"> and a row far down made openpyxl fill
    # 10,000 rows of 16,384 cells (1.3 GB). Compared with a good file read by the same code.
    good, fake = tmp_path / "good.xlsx", tmp_path / "fake.xlsx"
    good.write_bytes(xlsx_bytes(GOOD))
    far_row = b'<row r="10000"><c r="XFD10000"><v>1</v></c></row>'
    fake.write_bytes(with_sheet_xml(xlsx_bytes(GOOD), far_row, dimension=b"A1:XFD10000"))
    extra = peak_rss_kib(fake) - peak_rss_kib(good)
    assert extra < 30 * 1024, f"{extra // 1024} MB more than for a good file"


def test_a_site_already_there_is_refused_without_a_slug_and_reported_with_only_valid(content_dir, data_dir, tmp_path):
    """The issue's case: the sample's slug-less 'Chùa Mới' imported twice made chua-moi-2."""
    arguments = ["--content-dir", str(content_dir), "--data-dir", str(data_dir)]
    assert CliRunner().invoke(main, ["import", str(SAMPLE), *arguments]).exit_code == 0
    again = tmp_path / "lai.csv"
    again.write_bytes(SAMPLE.read_bytes().replace("Chùa Mới".encode(), b"chua moi"))
    before = snapshot(content_dir)
    result = CliRunner().invoke(main, ["import", str(again), "--only-valid", *arguments])
    assert result.exit_code == 1 and "✗ 2 dòng lỗi" in result.output
    assert ("dòng / row 3 (chua moi): name: Đã có di tích cùng tên trong tỉnh này: chua-moi / "
            "a site named 'chua moi' in this province already exists: chua-moi") in result.output
    assert snapshot(content_dir) == before and not (content_dir / "chua-moi-2").exists()


def test_the_same_site_twice_in_one_file_is_refused(staff_client, content_dir):
    response = upload(staff_client("hoa"), csv_bytes(GOOD, ["MIẾU BÀ", *GOOD[1:]]))
    assert response.status_code == 422
    assert "Đã có di tích cùng tên trong tỉnh này: dòng / row 2" in response.text
    assert not (content_dir / "mieu-ba").exists()


@pytest.mark.parametrize(("category", "level", "expected"), [
    ("chùa", "cấp quốc gia", ("chua", "national")),
    ("Đình", "Cấp Tỉnh", ("dinh", "provincial")),
    ("NHA THO", "cap quoc gia dac biet", ("nha-tho", "special-national")),
    ("Pagoda", "city", ("chua", "city")),
])
def test_choice_columns_take_their_vietnamese_labels(content_dir, data_dir, tmp_path, category, level, expected):
    sheet = tmp_path / "ds.csv"
    out = io.StringIO()
    csv.writer(out).writerows([[*COLUMNS, "recognition.level"], [*GOOD[:1], category, *GOOD[2:], level]])
    sheet.write_text(out.getvalue(), encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(sheet), "--content-dir", str(content_dir),
                                       "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    meta = load_content(content_dir).registry.get("mieu-ba", include_drafts=True).meta
    assert (meta.category.value, meta.recognition.level.value) == expected


def test_an_unknown_category_is_worded_in_vietnamese_first(staff_client):
    response = upload(staff_client("hoa"), csv_bytes([GOOD[0], "nhà rông", *GOOD[2:]]))
    assert response.status_code == 422 and "Hãy chọn một giá trị trong danh sách" in response.text


def test_the_import_page_lists_every_column_and_links_both_samples(staff_client):
    from sites.editing.importer import import_columns

    page = staff_client("hoa").get("/admin/import").text
    described = re.findall(r'<tr><td><code>([^<]+)</code></td><td>(.*?)</td><td>([^<]+)<br><span lang="en"', page)
    shown = [(name, required) for name, required, _ in described]
    assert [name for name, _ in shown] == [column.name for column in import_columns()]
    # Issue 28: what each column holds, in Vietnamese first, English beside.
    assert all(vietnamese.strip() for _, _, vietnamese in described), [n for n, _, v in described if not v.strip()]
    assert ("address.province", "Tỉnh, thành phố trực thuộc trung ương hiện nay, dùng cho bộ lọc tỉnh") in [
        (name, vietnamese) for name, _, vietnamese in described]
    assert {name for name, required in shown if required} == {
        "name", "category", "address.text", "address.province", "summary"}
    assert "README" not in page
    assert 'href="/static/import-sample.xlsx"' in page and 'href="/static/import-sample.csv"' in page
    assert set(SAMPLE.read_text(encoding="utf-8-sig").partition("\n")[0].split(",")) <= {n for n, _ in shown}


def test_the_xlsx_sample_is_the_csv_sample_made_reproducibly(staff_client, content_dir, client):
    assert XLSX_SAMPLE.read_bytes() == sample_xlsx(SAMPLE.read_bytes()), "run python -m tests.import_samples"
    served = client.get("/static/import-sample.xlsx")
    assert served.status_code == 200 and served.content == XLSX_SAMPLE.read_bytes()
    response = upload(staff_client("hoa"), served.content, name="mau.xlsx")
    assert response.status_code == 200 and "Đã tạo 2 di tích nháp" in response.text
    assert load_content(content_dir).registry.get("dinh-binh-thuy", include_drafts=True).meta.location.lat == 10.072

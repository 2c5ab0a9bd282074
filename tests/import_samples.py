"""Write api/static/import-sample.xlsx from import-sample.csv: the same rows, for staff who use Excel.

Reproducible: fixed document dates and ZIP timestamps, so running it again gives the same bytes (a test
checks the committed file against it). Run: .venv/bin/python -m tests.import_samples
"""

import datetime
import io
import re
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from sites.editing.importer import read_rows

STATIC = Path(__file__).resolve().parent.parent / "api" / "static"
CSV_SAMPLE, XLSX_SAMPLE = STATIC / "import-sample.csv", STATIC / "import-sample.xlsx"
FIXED = datetime.datetime(2026, 1, 1)
NUMBERS = {"location.lat", "location.lon", "recognition.year"}  # numbers in Excel, as staff would type them


def sample_xlsx(csv_bytes: bytes) -> bytes:
    """The CSV sample's rows as an XLSX workbook (header in bold), with fixed dates."""
    rows = read_rows(csv_bytes)
    header = list(rows[0])
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "di-tich"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(name, row.get(name)) for name in header])
    workbook.properties.created = FIXED
    out = io.BytesIO()
    workbook.save(out)
    return _fixed_timestamps(out.getvalue())


def _cell(name: str, value: object) -> object:
    if value in (None, ""):
        return None
    return float(value) if name in NUMBERS else value


def _fixed_timestamps(data: bytes) -> bytes:
    """The same ZIP with every member, and the document's modified date, FIXED (openpyxl stamps both with
    the current time)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            body = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                stamp = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            target.writestr(info, body)
    return out.getvalue()


if __name__ == "__main__":
    XLSX_SAMPLE.write_bytes(sample_xlsx(CSV_SAMPLE.read_bytes()))
    print(f"✓ {XLSX_SAMPLE}")

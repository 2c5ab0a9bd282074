"""Import a spreadsheet of sites (CSV or XLSX), one row per site, as drafts.

Columns are the flat field names of `sites.fields` (`name`, `address.province`, `location.lat`, ...;
see the README and api/static/import-sample.csv). Every row is prepared first by `sites.editing.SiteEditor`,
as a save from the admin form is, so against the existing sites and the other rows; nothing is written
unless every row is valid, or the caller asks to import only the valid rows.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from sites.editing import Edit, SiteEditor
from sites.fields import FieldError

FIRST_ROW = 2  # the header is row 1, as spreadsheets number rows


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet of sites; the message says why."""


@dataclass
class RowResult:
    """One data row: its spreadsheet row number, and the edit it makes (with its problems)."""

    row: int
    name: str
    edit: Edit

    @property
    def errors(self) -> list[FieldError]:
        return self.edit.errors


@dataclass
class ImportReport:
    """The result of checking (and perhaps writing) a spreadsheet."""

    rows: list[RowResult]
    written: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]


def read_rows(data: bytes) -> list[dict[str, object]]:
    """The data rows of a CSV (UTF-8, comma or semicolon) or XLSX file, keyed by the header row.

    The format is told from the bytes (an XLSX file is a ZIP archive), not from the file name."""
    if data.startswith(b"PK\x03\x04"):
        table = _xlsx_table(data)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError("not UTF-8 CSV nor XLSX; save the sheet as 'CSV UTF-8' or as .xlsx") from exc
        try:  # Excel writes ';' where the decimal separator is ','
            dialect = csv.Sniffer().sniff(text.partition("\n")[0], delimiters=",;")
        except csv.Error:
            dialect = csv.excel
        table = list(csv.reader(io.StringIO(text), dialect))
    if not table or not any(str(cell or "").strip() for cell in table[0]):
        raise SpreadsheetError("the first row must name the columns (name, category, address.text, ...)")
    header = [str(cell or "").strip() for cell in table[0]]
    rows = []
    for cells in table[1:]:
        rows.append({name: value for name, value in zip(header, cells, strict=False) if name})
    return rows


def check_rows(rows: list[dict[str, object]], editor: SiteEditor) -> ImportReport:
    """Prepare every row as a new draft site with `editor` (whose user limits the provinces); rows
    are checked against the sites and the rows before them, and nothing is written."""
    results = []
    for number, row in enumerate(rows, start=FIRST_ROW):
        if any(str(value or "").strip() for value in row.values()):
            results.append(RowResult(number, str(row.get("name") or "").strip(), editor.prepare(row)))
    return ImportReport(results)


def write_rows(report: ImportReport, editor: SiteEditor, only_valid: bool = False) -> None:
    """Write the valid rows of `report` as drafts, unless a row is bad and `only_valid` is False."""
    if report.bad_rows and not only_valid:
        return
    for row in report.rows:
        if editor.write(row.edit):
            report.written.append(row.edit.entry.meta.slug)


def report_lines(report: ImportReport) -> Iterable[str]:
    """Each problem of each bad row, as a line naming the row and the field."""
    for row in report.bad_rows:
        for error in row.errors:
            yield f"row {row.row} ({row.name or '?'}): {error}"


def _xlsx_table(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SpreadsheetError("the file looks like XLSX but cannot be read") from exc
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()

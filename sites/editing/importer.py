"""Import a spreadsheet of sites (CSV or XLSX), one row per site, as drafts.

Columns are the flat field names of `sites.editing.fields` (`name`, `address.province`, `location.lat`, ...;
see docs/import.md and api/static/import-sample.csv). Every row is prepared first by
`sites.editing.site_editor.SiteEditor`, as a save from the admin form is, so against the existing sites and the
other rows; a row naming a site already there (same name and province, whatever the accents and case) is refused,
slug or not. Nothing is written unless every row is valid, or the caller asks to import only the valid rows.

A choice column (`category`, `recognition.level`, ...) takes its value (`dinh`) or one of its labels
(`Đình`, `cấp quốc gia`), folded; the labels are the interface's, passed in by the caller.
"""

import contextlib
import csv
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from xml.parsers import expat

from sites.catalog.loader import nested_model
from sites.catalog.messages import bilingual
from sites.catalog.models import SiteFrontMatter, Translation
from sites.catalog.text import fold
from sites.editing.fields import BODY_FIELD, FieldError
from sites.editing.import_columns_vi import DESCRIPTIONS_VI
from sites.editing.site_editor import Edit, SiteEditor

ChoiceLabels = Mapping[str, Mapping[str, str]]  # column -> {label in any language: value}
PROPOSED = {"slug", "code"}  # proposed from the name when left empty
# Files, decided in the admin, or lists of several fields a row cannot hold (a quiz, events: written in index.md).
NOT_IMPORTED = {"photos", "narration", "published", "translation_reviewed", "quiz", "events"}
IMPORT_TRANSLATION = "en"  # the translation the sample and the import page show; any BCP 47 tag works


@dataclass(frozen=True)
class Column:
    """A column an import spreadsheet may have: its name, whether every row needs it, and what it holds (in
    English, from the model; `description_vi` in Vietnamese)."""

    name: str
    required: bool
    description: str

    @property
    def description_vi(self) -> str:
        return DESCRIPTIONS_VI.get(self.name, "")


def import_columns() -> list[Column]:
    """The columns of an import spreadsheet, from the models `diachido check` uses: the site's fields
    (a list of groups as its first row, `sources.0.url`), `body`, and the English translation's fields."""
    columns = []
    for name, info in SiteFrontMatter.model_fields.items():
        if name in NOT_IMPORTED:
            continue
        group = nested_model(info.annotation)
        if group is None:
            columns.append(Column(name, info.is_required() and name not in PROPOSED, info.description or ""))
            continue
        prefix = f"{name}.0." if name == "sources" else f"{name}."
        columns += [Column(prefix + part, info.is_required() and inner.is_required(), inner.description or "")
                    for part, inner in group.model_fields.items()]
    columns.append(Column(BODY_FIELD, False, "The site's story in Vietnamese (Markdown)"))
    for name, info in Translation.model_fields.items():
        if name not in NOT_IMPORTED:
            columns.append(Column(f"{IMPORT_TRANSLATION}.{name}", False, info.description or ""))
    columns.append(Column(f"{IMPORT_TRANSLATION}.{BODY_FIELD}", False, "The story in English (Markdown)"))
    return columns

FIRST_ROW = 2  # the header is row 1, as spreadsheets number rows
# Limits that keep a bad or hostile file from costing more than a few seconds and MB (README,
# "Spreadsheet limits"); a file over any of them is refused whole.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # data rows, empty ones included
MAX_COLUMNS = 100
MAX_CELL_CHARS = 32_767  # Excel's own limit for a cell
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024  # an XLSX file is a ZIP archive of XML
MAX_XLSX_RATIO = 100  # unpacked size / file size; real sheets unpack to 5-20 times their size
XML_CHUNK = 64 * 1024


@dataclass(frozen=True)
class SheetLimits:
    """How large a spreadsheet may be: data rows and file bytes; an XLSX file's cells, shared strings and
    unpacked size follow from them."""

    rows: int
    file_bytes: int

    @property
    def xlsx_items(self) -> int:
        # Issue 21: 2.7 million tiny shared strings fit the other limits and cost openpyxl 1 GB and minutes, since
        # it loads them all. A sheet within the row and column limits cannot use more strings nor hold more cells.
        return (self.rows + 2) * (MAX_COLUMNS + 1)

    @property
    def xlsx_unpacked_bytes(self) -> int:
        return max(MAX_XLSX_UNPACKED_BYTES, 10 * self.file_bytes)


WEB_LIMITS = SheetLimits(MAX_ROWS, MAX_FILE_BYTES)  # an upload to the admin, from anyone with an account
# `diachido import`, run by whoever runs the server on a file of their own: a whole province's list at once.
CLI_LIMITS = SheetLimits(50_000, 100 * 1024 * 1024)


class SpreadsheetError(ValueError):
    """The file cannot be read as a spreadsheet of sites; the message says why, in Vietnamese and English."""

    def __init__(self, vietnamese: str, english: str):
        super().__init__(f"{vietnamese} / {english}")


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


def read_rows(data: bytes, limits: SheetLimits = WEB_LIMITS) -> list[dict[str, object]]:
    """The data rows of a CSV (UTF-8, comma or semicolon) or XLSX file, keyed by the header row.

    The format is told from the bytes (an XLSX file is a ZIP archive), not from the file name. The
    file is read row by row and refused at the first row, column or cell over `limits`, or
    (CSV) at the first row that does not parse; the message names the row and the column."""
    if len(data) > limits.file_bytes:
        raise SpreadsheetError(f"tệp lớn hơn {limits.file_bytes // 1048576} MB",
                               f"the file is larger than {limits.file_bytes // 1048576} MB")
    xlsx = data.startswith(b"PK\x03\x04")
    with contextlib.closing(_xlsx_table(data, limits) if xlsx else _csv_table(data)) as table:
        header = _header(next(table, []))
        rows = []
        for number, cells in enumerate(table, start=FIRST_ROW):
            if number > limits.rows + 1:
                raise SpreadsheetError(f"có hơn {limits.rows} dòng dữ liệu (kể cả dòng trống); "
                                       "hãy chia thành nhiều tệp",
                                       f"more than {limits.rows} data rows (empty rows count too); split the file")
            rows.append(_row(number, header, cells))
    return rows


def check_rows(rows: list[dict[str, object]], editor: SiteEditor,
               labels: ChoiceLabels | None = None) -> ImportReport:
    """Prepare every row as a new draft site with `editor` (whose user limits the provinces); rows
    are checked against the sites and the rows before them, and nothing is written. `labels` are the
    words a choice column accepts besides its values."""
    choices = {column: {fold(word): value for label, value in words.items() for word in (label, value)}
               for column, words in (labels or {}).items()}
    words = {column: _accepted_words(labels) for column, labels in (labels or {}).items()}
    known = {_identity(site.card.name, site.card.province): site.slug
             for site in editor.registry.all(include_drafts=True)}
    results = []
    for number, row in enumerate(rows, start=FIRST_ROW):
        if any(str(value or "").strip() for value in row.values()):
            row = {key: _choice(value, choices.get(key)) for key, value in row.items()}
            name = str(row.get("name") or "").strip()
            edit = editor.prepare(row)
            edit.errors[:] = [_naming_labels(error, words.get(error.field)) for error in edit.errors]
            province = edit.entry.meta.address.province if edit.entry else str(row.get("address.province") or "")
            identity = _identity(name, province)  # today's province: "Huế" and "Thừa Thiên Huế" are one
            if name and identity in known:
                edit.errors.append(FieldError.of("name", "duplicate_site", site=name, owner=known[identity]))
            elif edit.ok:
                known[identity] = f"dòng / row {number}"
            results.append(RowResult(number, name, edit))
    return ImportReport(results)


def _accepted_words(labels: Mapping[str, str]) -> str:
    """'dinh' (Đình), 'chua' (Chùa), ...: each value with its first label (the interface's first language)."""
    first: dict[str, str] = {}
    for label, value in labels.items():
        first.setdefault(value, label)
    return ", ".join(f"'{value}' ({label})" for value, label in first.items())


def _naming_labels(error: FieldError, accepted: str | None) -> FieldError:
    """A refused choice ("enum") that says the Vietnamese words it takes besides the values."""
    if error.type != "enum" or not accepted:
        return error
    return FieldError(error.field, error.message, error.type, {**error.ctx, "expected": accepted})


def _identity(name: str, province: str) -> tuple[str, str]:
    """What makes two rows the same site: the name and province, case, accents and punctuation aside."""
    return fold(name), fold(province)


def _choice(value: object, labels: Mapping[str, str] | None) -> object:
    """The value a label of a choice column stands for ("Chùa", "cấp quốc gia"); other cells as given."""
    if not labels or not isinstance(value, str):
        return value
    return labels.get(fold(value), value)


def write_rows(report: ImportReport, editor: SiteEditor, only_valid: bool = False) -> None:
    """Write the valid rows of `report` as drafts, unless a row is bad and `only_valid` is False."""
    if report.bad_rows and not only_valid:
        return
    for row in report.rows:
        if editor.write(row.edit):
            report.written.append(row.edit.entry.meta.slug)


def report_lines(report: ImportReport) -> Iterable[str]:
    """Each problem of each bad row, as a line naming the row and the field, Vietnamese first."""
    for row in report.bad_rows:
        for error in row.errors:
            yield (f"dòng / row {row.row} ({row.name or '?'}): {error.field}: "
                   f"{bilingual(error.type, error.ctx, error.message)}")


def province_notes(report: ImportReport) -> Iterable[str]:
    """A line for each row written whose former province became today's, so staff see what was stored."""
    written = set(report.written)
    for row in report.rows:
        address = row.edit.entry.meta.address if row.edit.ok and row.edit.entry.meta.slug in written else None
        if address is not None and address.former_province:
            yield (f"dòng / row {row.row} ({row.name}): address.province: {address.former_province} -> "
                   f"{', '.join(address.provinces)} (tỉnh trước 1/7/2025 / province before 1 July 2025)")


def _header(cells: list[object]) -> list[str]:
    """The column names of row 1: at least one, at most MAX_COLUMNS, none twice."""
    header = [str(cell or "").strip() for cell in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise SpreadsheetError("dòng đầu tiên phải ghi tên các cột (name, category, address.text, ...)",
                               "the first row must name the columns (name, category, address.text, ...)")
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError(f"có hơn {MAX_COLUMNS} cột", f"more than {MAX_COLUMNS} columns")
    for index, name in enumerate(header):
        if name and name in header[:index]:
            raise SpreadsheetError(f"dòng 1, cột {_letter(index)}: cột '{name}' có hai lần",
                                   f"row 1, column {_letter(index)}: the column '{name}' appears twice")
    return header


def _row(number: int, header: list[str], cells: list[object]) -> dict[str, object]:
    """Row `number` keyed by column name; refused if a cell is too long or lies in a column without a name."""
    row = {}
    for index, value in enumerate(cells):
        name = header[index] if index < len(header) else ""
        if value is None or value == "":
            if name:
                row[name] = value
            continue
        where_vi, where_en = f"dòng {number}, cột {_letter(index)}", f"row {number}, column {_letter(index)}"
        if not name:
            raise SpreadsheetError(f"{where_vi}: ô có giá trị nhưng cột không có tên ở dòng 1",
                                   f"{where_en}: a value in a column that row 1 does not name")
        if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
            raise SpreadsheetError(f"{where_vi} ({name}): ô dài hơn {MAX_CELL_CHARS} ký tự",
                                   f"{where_en} ({name}): the cell is longer than {MAX_CELL_CHARS} characters")
        row[name] = value
    return row


def _letter(index: int) -> str:
    """The spreadsheet name of column `index` (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _csv_table(data: bytes) -> Iterator[list[str]]:
    """The rows of a CSV file in Excel's dialect, with ';' as separator if the header row uses it.

    A row that does not parse (a stray quote, a cell over csv's field size limit) is an error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SpreadsheetError("không phải CSV UTF-8 hay XLSX; hãy lưu bảng tính dạng 'CSV UTF-8' hoặc .xlsx",
                               "not UTF-8 CSV nor XLSX; save the sheet as 'CSV UTF-8' or as .xlsx") from exc
    first_line = text.partition("\n")[0]
    # Excel writes ';' where the decimal separator is ','
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), dialect="excel", delimiter=delimiter, strict=True)
    number, line = 0, 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - the error below names the row
            line = reader.line_num
            yield cells
    except csv.Error as exc:
        record = "".join(itertools.islice(io.StringIO(text, newline=""), line, reader.line_num))
        cell = _faulty_cell(record, delimiter)
        where_vi = f"dòng {number + 1}" + (f", cột {_letter(cell)}" if cell is not None else "")
        where_en = f"row {number + 1}" + (f", column {_letter(cell)}" if cell is not None else "")
        raise SpreadsheetError(f"{where_vi}: không đọc được theo CSV ({exc}); ô có dấu \" phải nằm trọn trong \"...\" "
                               f"và viết \"\" cho mỗi dấu \" bên trong",
                               f"{where_en}: not valid CSV ({exc}); a cell with a \" must be wholly inside \"...\", "
                               f"with \"\" for each \" in it") from None


def _faulty_cell(record: str, delimiter: str) -> int | None:
    """The index of the cell of `record` where strict CSV fails: text after a closing quote, or a quote
    never closed; None if neither (another csv error, such as its field size limit)."""
    cell, state = 0, "start"  # start, plain, quoted, or closed (just after a closing quote)
    for char in record:
        if state == "quoted":
            state = "closed" if char == '"' else state
        elif state == "closed" and char == '"':
            state = "quoted"  # "" inside quotes
        elif char == delimiter:
            cell, state = cell + 1, "start"
        elif state == "closed" and char not in "\r\n":
            return cell
        elif state == "start" and char == '"':
            state = "quoted"
        elif state != "closed":
            state = "plain"
    return cell if state == "quoted" else None


def _xlsx_table(data: bytes, limits: SheetLimits) -> Iterator[list[object]]:
    """The rows of the first sheet of an XLSX file, streamed, whatever its (untrusted) dimension says.

    The ZIP's declared sizes are checked before openpyxl opens it (Python's zipfile never inflates a
    member beyond its declared size), and at most `limits.rows` + 2 rows of MAX_COLUMNS + 1 cells are read."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise _unreadable() from exc
    unpacked = sum(member.file_size for member in members)
    most = limits.xlsx_unpacked_bytes
    if unpacked > most or unpacked > MAX_XLSX_RATIO * len(data):
        raise SpreadsheetError(f"tệp XLSX giải nén ra {unpacked // 1048576} MB, quá lớn "
                               f"(tối đa {most // 1048576} MB, gấp {MAX_XLSX_RATIO} lần tệp)",
                               f"the XLSX file unpacks to {unpacked // 1048576} MB, too much "
                               f"(at most {most // 1048576} MB and {MAX_XLSX_RATIO} times the file)")
    _count_xlsx_items(zipfile.ZipFile(io.BytesIO(data)), members, limits)
    from openpyxl import load_workbook  # imported here: only XLSX imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _unreadable() from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the <dimension> element is written by the file's maker: never trust it
        for cells in sheet.iter_rows(max_row=limits.rows + 2, max_col=MAX_COLUMNS + 1, values_only=True):
            yield list(cells)
    finally:
        workbook.close()


def _count_xlsx_items(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], limits: SheetLimits) -> None:
    """Refuse the file, before openpyxl loads anything, when its shared strings (`<si>`) or the cells (`<c>`)
    of one of its sheets are more than `limits.xlsx_items`: counted by streaming the XML, a chunk at a time."""
    for member in members:
        if member.filename == "xl/sharedStrings.xml":
            item, what_vi, what_en = "si", "chuỗi dùng chung (sharedStrings)", "shared strings (sharedStrings)"
        elif member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            item, what_vi, what_en = "c", f"ô trong {member.filename}", f"cells in {member.filename}"
        else:
            continue
        if _count_elements(archive, member, item, limits.xlsx_items) > limits.xlsx_items:
            raise SpreadsheetError(f"tệp XLSX có hơn {limits.xlsx_items} {what_vi}, quá giới hạn "
                                   f"({limits.rows} dòng × {MAX_COLUMNS} cột)",
                                   f"the XLSX file has more than {limits.xlsx_items} {what_en}, over the limit "
                                   f"({limits.rows} rows × {MAX_COLUMNS} columns)")


def _count_elements(archive: zipfile.ZipFile, member: zipfile.ZipInfo, local_name: str, most: int) -> int:
    """How many `local_name` elements (any namespace) `member` has, counting stopped just past `most`.
    A document type declaration (the way to entity bombs) makes the file unreadable."""
    count = 0

    def start(name: str, _attributes: object) -> None:
        nonlocal count
        if name.rpartition(" ")[2] == local_name:
            count += 1

    def doctype(*_args: object) -> None:
        raise SpreadsheetError("tệp XLSX có khai báo DOCTYPE, không đọc",
                               "the XLSX file declares a DOCTYPE: not read")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.StartDoctypeDeclHandler = start, doctype
    try:
        with archive.open(member) as stream:
            while count <= most and (chunk := stream.read(XML_CHUNK)):
                parser.Parse(chunk, False)
            if count <= most:
                parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise _unreadable() from exc
    return count


def _unreadable() -> SpreadsheetError:
    return SpreadsheetError("tệp trông như XLSX nhưng không đọc được",
                            "the file looks like XLSX but cannot be read")

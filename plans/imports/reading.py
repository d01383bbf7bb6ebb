"""Reading a spreadsheet of actions: what kind of file it is (told from its bytes: an XLSX
workbook is a zip holding xl/workbook.xml; anything else must be text to be a CSV), its
heading row (row 1), and then its rows, one list of values per row for the columns asked
for.

Whatever cannot be read raises BadFile with a message in words for the person who chose
the file. Limits keep one upload from holding the server: 10 MB, 200 columns, 20,000 rows.

A workbook's size is checked before any of its rows is read: a first sheet whose declared
dimension (<dimension ref="A1:F4000000"/>, at the head of the sheet's XML) goes past the
row limit is refused at once; a sheet without one, or one whose dimension lies, is refused
as soon as counting its rows passes the limit (the count stops there).

Values come as the file holds them: text, numbers, dates (XLSX date cells), or one of two
markers for what has no value to import: FORMULA, a formula cell saved without its result,
and CellError, a spreadsheet error such as #N/A. CSV text is read as UTF-8 (with or without
a byte-order mark), else, if no line of it is UTF-8 beyond plain ASCII, as Windows-1252,
the encoding Excel on Windows saves "CSV" in; a file mixing the two (lines saved by
different programs) is refused naming its first lines that are not UTF-8, never read
garbled. UTF-16 with a byte-order mark (Excel's "Unicode text") is understood too.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath

from django.contrib.humanize.templatetags.humanize import intcomma

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200
MAX_ROWS = 20_000

CSV = "csv"
XLSX = "xlsx"

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected .xlsx
WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_NAMES = (".xlsx", ".xlsm", ".xls")
TEXT_NAMES = ("", ".csv", ".txt", ".tsv")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")
DIMENSION_TAG = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*(\d*)(?::[A-Z]*(\d+))?"')
SHEET_DATA_TAG = re.compile(rb"<(?:\w+:)?sheetData[\s/>]")
ROW_TAG = re.compile(rb'<(?:\w+:)?row(?=[\s/>])(?:[^>]*?\sr="(\d+)")?')
HEAD_BYTES = 64 * 1024  # the sheet's XML before its data, where the dimension is
BAD_LINES_SHOWN = 5

SAVE_AS = "Save it from your spreadsheet as an Excel workbook (.xlsx) or as CSV, and try again."


class BadFile(Exception):
    """A file that cannot be imported; `message` says why, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Formula:
    def __repr__(self):
        return "FORMULA"


FORMULA = _Formula()


@dataclass(frozen=True)
class CellError:
    """A spreadsheet error value in a cell, such as #N/A or #REF!."""

    code: str


def size_in_words(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def kind_of(data: bytes, name: str) -> str:
    """XLSX or CSV, from the file's bytes; BadFile for anything else."""
    suffix = PurePath(name or "").suffix.lower()
    if not data:
        raise BadFile("The file is empty. Choose the spreadsheet with the plan's actions.")
    if len(data) > MAX_BYTES:
        raise BadFile(
            f"The file is {size_in_words(len(data))}: it must be 10 MB or smaller. "
            "Remove other sheets, pictures or formatting, or split the plan into two files."
        )
    if data.startswith(OLE_MAGIC):
        raise BadFile(
            "The file is an older Excel workbook (.xls) or a workbook protected with a "
            f"password: neither can be read. {SAVE_AS}"
        )
    if data.startswith(b"%PDF"):
        raise BadFile(f"The file is a PDF, not a spreadsheet. {SAVE_AS}")
    if data.startswith(ZIP_MAGIC):
        return _check_workbook(data)
    if suffix in WORKBOOK_NAMES:
        raise BadFile(f"The file is named “{name}” but it is not an Excel workbook. {SAVE_AS}")
    is_utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if b"\x00" in data[:8192] and not is_utf16:
        raise BadFile(f"The file is not a CSV file or an Excel workbook. {SAVE_AS}")
    if suffix not in TEXT_NAMES:
        raise BadFile(
            f"The file is a {suffix} file: choose a CSV file or an Excel workbook (.xlsx)."
        )
    return CSV


def _check_workbook(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise BadFile(f"The file looks like an Excel workbook but is damaged. {SAVE_AS}") from None
    if WORKBOOK_PART not in names:
        raise BadFile(
            f"The file is a zip archive (perhaps a Word document), not an Excel workbook. {SAVE_AS}"
        )
    if unpacked > MAX_UNPACKED_BYTES:
        raise BadFile(
            "The workbook is too big once unpacked. Copy the sheet with the actions into a "
            "new workbook and try again."
        )
    return XLSX


def _worksheet_parts(reader) -> list[tuple[str, str]]:
    """(sheet name, XML part) of each worksheet of an openpyxl ExcelReader's workbook, in
    the workbook's order (as openpyxl finds them: the first is the one imported)."""
    reader.read_manifest()
    reader.read_workbook()
    names = set(reader.archive.namelist())
    return [
        (sheet.name, rel.target)
        for sheet, rel in reader.parser.find_sheets()
        if rel.target in names and "chartsheet" not in rel.Type
    ]


def declared_rows(head: bytes) -> int | None:
    """The last row a sheet's dimension declares (from the head of its XML), or None if
    it declares none before its data."""
    data_at = SHEET_DATA_TAG.search(head)
    match = DIMENSION_TAG.search(head, 0, data_at.start() if data_at else len(head))
    if match is None:
        return None
    last = match.group(2) or match.group(1)
    return int(last) if last else None


def _counted_past_limit(head: bytes, part) -> bool:
    """Whether a sheet's XML (`head`, then what is left of the stream `part`) has a row
    past the limit: more than MAX_ROWS + 1 rows, or one numbered beyond. Stops reading
    there."""
    rows, tail, done = 0, b"", False
    while not done:
        chunk = head or part.read(1 << 20)
        head = b""
        done = not chunk
        text = tail + chunk
        end = len(text) if done else max(0, len(text) - 256)  # a tag cut off: next time
        for match in ROW_TAG.finditer(text):
            if match.start() >= end:
                break
            rows += 1
            if rows > MAX_ROWS + 1 or int(match.group(1) or 0) > MAX_ROWS + 1:
                return True
        tail = text[end:]
    return False


def check_sheet_sizes(data: bytes) -> None:
    """BadFile if the first sheet declares, or has, rows past the limit (the heading row
    and MAX_ROWS rows), or another sheet without a declared size has: before openpyxl
    reads a row (it reads a whole sheet that declares no size when opening the workbook)."""
    from openpyxl.reader.excel import ExcelReader

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True)
        with reader.archive as archive:
            for position, (name, part_name) in enumerate(_worksheet_parts(reader)):
                with archive.open(part_name) as part:
                    head = part.read(HEAD_BYTES)
                    declared = declared_rows(head)
                    if position == 0 and declared is not None and declared > MAX_ROWS + 1:
                        raise _declares_too_many_rows(declared)
                    counted = position == 0 or declared is None
                    if counted and _counted_past_limit(head, part):
                        raise _too_many_rows(MAX_ROWS, sheet=None if position == 0 else name)
    except BadFile:
        raise
    except Exception:  # a damaged package: openpyxl says so when it opens the workbook
        return


def _declares_too_many_rows(declared: int) -> BadFile:
    return BadFile(
        f"The workbook's first sheet says it has {intcomma(declared)} rows: the importer "
        f"reads at most {intcomma(MAX_ROWS)} rows of actions, so none of its rows was read. "
        "If most of them are empty (formatted, perhaps, but with nothing in them), delete "
        "the rows below the actions, or copy the actions into a new workbook, and try again."
    )


def decode(data: bytes) -> str:
    """CSV text: UTF-16 if it says so, else UTF-8 (with or without a byte-order mark),
    else Windows-1252 if no line is UTF-8 beyond plain ASCII. BadFile, naming the first
    lines that cannot be read, for text in more than one encoding or in neither."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = data.splitlines()
    not_utf8 = [number for number, line in enumerate(lines, start=1) if not _is_utf8(line)]
    utf8 = any(not line.isascii() and _is_utf8(line) for line in lines)
    if utf8:
        raise _mixed_encodings(not_utf8)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    unreadable = [number for number, line in enumerate(lines, start=1) if not _is_cp1252(line)]
    raise BadFile(
        f"The file's text could not be read: {_lines_in_words(unreadable)} "
        f"{'is' if len(unreadable) == 1 else 'are'} in no encoding the importer knows. "
        "Save it from your spreadsheet as “CSV UTF-8” and try again."
    )


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _is_cp1252(line: bytes) -> bool:
    try:
        line.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def _lines_in_words(numbers: list[int]) -> str:
    shown = ", ".join(str(number) for number in numbers[:BAD_LINES_SHOWN])
    more = (
        f" and {intcomma(len(numbers) - BAD_LINES_SHOWN)} more"
        if (len(numbers) > BAD_LINES_SHOWN)
        else ""
    )
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _mixed_encodings(not_utf8: list[int]) -> BadFile:
    return BadFile(
        "The file mixes two kinds of text encoding, so some of its letters and symbols "
        f"(such as é or £) would be imported garbled: {_lines_in_words(not_utf8)} "
        f"{'is' if len(not_utf8) == 1 else 'are'} not UTF-8, the encoding of the rest. "
        "Open the file in your spreadsheet, check those lines, and save it as "
        "“CSV UTF-8”, then try again."
    )


def _delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the heading row holds most of."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as error:
        raise BadFile(f"The file could not be read as CSV ({error}). {SAVE_AS}") from None


def _workbook(data: bytes, *, data_only: bool = True):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False
        )
    except Exception:  # openpyxl raises many kinds of error for a damaged workbook
        raise BadFile(f"The workbook could not be opened: it may be damaged. {SAVE_AS}") from None
    if not workbook.worksheets:
        raise BadFile("The workbook has no sheet of data. Put the actions in its first sheet.")
    return workbook


def header_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _trimmed(row) -> list:
    values = list(row)
    while values and (values[-1] is None or str(values[-1]).strip() == ""):
        values.pop()
    return values


def _check_headers(values: list) -> list[str]:
    headers = [header_text(value) for value in _trimmed(values)]
    if not any(headers):
        raise BadFile(
            "The first row is empty. Put the column headings (such as Reference, Action, "
            "Directorate, Lead officer, Due date) in the first row, the actions below them."
        )
    if len(headers) > MAX_COLUMNS:
        raise BadFile(
            f"The file has {intcomma(len(headers))} columns: the importer reads at most "
            f"{MAX_COLUMNS}. Delete the columns you do not need and try again."
        )
    return headers


def _too_many_rows(count: int, *, sheet: str | None = None) -> BadFile:
    where = f"The workbook's sheet “{sheet}” has" if sheet else "The file has"
    return BadFile(
        f"{where} more than {intcomma(MAX_ROWS)} rows. Split the actions into files "
        f"of at most {intcomma(MAX_ROWS)} rows (each file with only the actions' sheet) "
        "and import them one after the other."
    )


def read_headers(data: bytes, kind: str) -> list[str]:
    """The heading row's texts, for a file of `kind`, reading no further than it needs."""
    if kind == CSV:
        text = decode(data)
        rows = _csv_rows(text)
        first = next(rows, None)
        if first is None or not "".join(first).strip():
            _check_headers([])
        headers = _check_headers(first)
        if text.count("\n") > MAX_ROWS + 1 and sum(1 for row in rows if any(row)) > MAX_ROWS:
            raise _too_many_rows(MAX_ROWS)
        return headers
    check_sheet_sizes(data)
    workbook = _workbook(data)
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        return _check_headers(list(next(sheet.iter_rows(values_only=True, max_row=1), ())))
    finally:
        workbook.close()


def inspect(data: bytes, name: str) -> tuple[str, list[str]]:
    """The file's kind and heading row; BadFile if it cannot be imported."""
    kind = kind_of(data, name)
    return kind, read_headers(data, kind)


def _pick(row, columns: list[int]) -> list:
    return [row[index] if index < len(row) else None for index in columns]


def _blank(values: list) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def read_rows(data: bytes, kind: str, columns: list[int]) -> Iterator[tuple[int, list]]:
    """(row number as the spreadsheet shows it, values of `columns`) for every row below
    the headings that has a value in one of `columns`. BadFile past MAX_ROWS such rows."""
    rows = _csv_data(data, columns) if kind == CSV else _xlsx_data(data, columns)
    count = 0
    for number, values in rows:
        if _blank(values):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows(count)
        yield number, values


def _csv_data(data: bytes, columns: list[int]) -> Iterator[tuple[int, list]]:
    rows = _csv_rows(decode(data))
    next(rows, None)
    for number, row in enumerate(rows, start=2):
        yield number, _pick(row, columns)


def _has_formulas(data: bytes) -> bool:
    """Whether any sheet holds a formula (so a formula without a saved result is told
    apart from an empty cell only when there may be one)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        if FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-8:]
    return False


def _xlsx_data(data: bytes, columns: list[int]) -> Iterator[tuple[int, list]]:
    check_sheet_sizes(data)
    values_book = _workbook(data)
    formula_book = _workbook(data, data_only=False) if _has_formulas(data) else None
    try:
        values_sheet = values_book.worksheets[0]
        values_sheet.reset_dimensions()
        value_rows = values_sheet.iter_rows(min_row=2)
        formula_rows = None
        if formula_book is not None:
            formula_sheet = formula_book.worksheets[0]
            formula_sheet.reset_dimensions()
            formula_rows = formula_sheet.iter_rows(min_row=2)
        for number, cells in enumerate(value_rows, start=2):
            if number > MAX_ROWS + 1:  # a row past the limit, blank or not: stop reading
                raise _too_many_rows(MAX_ROWS)
            formulas = next(formula_rows, ()) if formula_rows is not None else ()
            yield number, [_cell_value(cells, formulas, index) for index in columns]
    finally:
        values_book.close()
        if formula_book is not None:
            formula_book.close()


def _cell_value(cells, formulas, index: int):
    if index >= len(cells):
        return None
    cell = cells[index]
    value = cell.value
    if getattr(cell, "data_type", None) == "e":
        return CellError(str(value))
    if value is None and getattr(_at(formulas, index), "data_type", None) == "f":
        return FORMULA
    return value


def _at(cells, index: int):
    return cells[index] if index < len(cells) else None

"""What every list page shares: the query string with a parameter changed (filters,
sorting, pages and exports keep each other), paging a table with a caption saying which
rows are shown, the export formats offered, and exports that a spreadsheet cannot take
for formulas."""

import csv
import io
from operator import attrgetter

from django.db.models import Model
from django.http import HttpResponse
from django.utils.encoding import force_str
from django_tables2 import Column, ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import Accessor, signature
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

EXPORT_FORMATS = {"csv": "CSV", "xlsx": "spreadsheet (XLSX)"}


def query_string(request, **changes) -> str:
    """The request's query string with `changes` (None removes a parameter)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return "?" + params.urlencode() if params else ""


def page_number(request, *, last: int) -> int:
    """The page `?page=` asks for, always one that exists (1 to `last`): none, or not a
    whole number, is the first; "last", or any number past the end however large, the
    last; below 1 the first. Every list page reads its page number here."""
    last = max(last, 1)
    asked = request.GET.get("page", "")
    if asked == "last":
        return last
    try:
        number = int(asked)
    except ValueError:  # not a whole number (or over Python's 4,300 digits)
        return 1
    return min(max(number, 1), last)


def paginate(table, request, *, per_page: int, noun: str) -> None:
    """`per_page` rows a page, the page from `page_number`. The caption says which rows
    these are ("Actions 1 to 25 of 62")."""
    table.paginate(page=1, per_page=per_page)
    table.page = table.paginator.page(page_number(request, last=table.paginator.num_pages))
    page = table.page
    if page.paginator.count:
        table.caption = (
            f"{noun} {page.start_index()} to {page.end_index()} of {page.paginator.count}"
        )


# A spreadsheet reads a cell beginning with one of these as a formula (or, for tab and
# carriage return, may drop them and read what follows as one): exports neutralise them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell a spreadsheet would take for a formula, with a single quote before it
    so that it is read as text; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeExport:
    """A django-tables2 Table mixin for the CSV and XLSX exports: the rows as
    `Table.as_values` gives them (same header, same values), worked out column by column
    rather than cell by cell, and with every text cell that could be read as a formula
    made safe (the header row is the app's own)."""

    def as_values(self, exclude_columns=None):
        exclude_columns = exclude_columns or ()
        columns = [
            column
            for column in self.columns.iterall()
            if not (column.column.exclude_from_export or column.name in exclude_columns)
        ]
        yield [force_str(column.header, strings_only=True) for column in columns]
        cells = [ExportCell(column) for column in columns]
        for row in self.rows:
            yield [neutralise(force_str(cell.value(row), strings_only=True)) for cell in cells]


class ExportCell:
    """One column's export value for a row: what `BoundRow.get_cell_value` gives (the
    choice's label for a choices field, the column's default value for an empty one, then
    `value_<name>`, `render_<name>` or the column's own value), with what it needs decided
    once for the column. django-tables2 inspects the value method's signature for every
    cell, which made a 10,000-row export several times slower than writing the rows.
    Link and many-to-many columns take django-tables2's own way."""

    def __init__(self, bound_column):
        self.bound_column = bound_column
        self.name = bound_column.name
        self.column = bound_column.column
        self.accessor = Accessor(bound_column.accessor)
        bits = self.accessor.bits
        self.owner = Accessor(self.accessor.SEPARATOR.join(bits[:-1])) if len(bits) > 1 else None
        self.display = None  # get_<field>_display, decided at the first model record
        self.decided = False
        # A path of plain attributes is read with attrgetter, much faster than resolving
        # the accessor, unless it leads to something callable (the accessor calls it).
        dotted = all(bit.isidentifier() for bit in bits)
        self.get = attrgetter(".".join(bits)) if dotted else self.accessor.resolve
        self.get_owner = (
            (attrgetter(".".join(bits[:-1])) if dotted else self.owner.resolve)
            if self.owner
            else None
        )
        self.slow = isinstance(self.column, BaseLinkColumn | ManyToManyColumn)
        function = bound_column.value
        # Column.value only calls Column.render, which gives the value back.
        plain = getattr(function, "__func__", None) is Column.value and (
            type(self.column).render is Column.render
        )
        self.function = None if plain else function
        self.args, self.catch_all = signature(function) if function else ((), None)

    def decide(self, record) -> None:
        owner, remainder = self.accessor.penultimate(record)
        self.decided = owner is not None  # else: decide at a record where it is set
        if callable(self.accessor.resolve(record, quiet=True)):
            self.get = self.accessor.resolve
        if isinstance(owner, Model):
            try:
                field = self.accessor.get_field(record)
            except Exception:
                return
            if getattr(field, "choices", ()) and hasattr(owner, f"get_{remainder}_display"):
                self.display = f"get_{remainder}_display"

    def value(self, row):
        if self.slow:
            return row.get_cell_value(self.name)
        record = row.record
        if not self.decided:
            self.decide(record)
        try:
            if self.display:
                owner = self.get_owner(record) if self.owner else record
                value = getattr(owner, self.display)()
            else:
                value = self.get(record)
        except Exception:
            value = None
        if value in self.column.empty_values:
            return None
        if self.function is None:
            return value
        arguments = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "bound_row": row,
            "table": row.table,
        }
        if not self.catch_all:
            if any(arg not in arguments for arg in self.args):
                return None
            arguments = {arg: arguments[arg] for arg in self.args}
        return self.function(**arguments)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(table, export_format: str, *, filename: str, title: str) -> HttpResponse:
    """The table's rows (`as_values`) as a CSV or XLSX download named `filename`.`format`.
    The spreadsheet is written row by row (openpyxl's write-only mode): one sheet named
    `title`, the header in bold and frozen."""
    rows = table.as_values()
    if export_format == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        csv.writer(response).writerows(rows)
    else:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title)
        sheet.freeze_panes = "A2"
        header = []
        for text in next(rows):
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        content = io.BytesIO()
        workbook.save(content)
        response = HttpResponse(content.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{export_format}"'
    return response

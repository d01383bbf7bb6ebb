"""What every list page shares: the query string with a parameter changed (filters,
sorting, pages and exports keep each other), paging a table with a caption saying which
rows are shown, the export formats offered, and exports that a spreadsheet cannot take
for formulas."""

from django.core.paginator import EmptyPage, PageNotAnInteger

EXPORT_FORMATS = {"csv": "CSV", "xlsx": "spreadsheet (XLSX)"}


def query_string(request, **changes) -> str:
    """The request's query string with `changes` (None removes a parameter)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return "?" + params.urlencode() if params else ""


def paginate(table, request, *, per_page: int, noun: str) -> None:
    """`per_page` rows a page; a page that is not a number shows the first, one past the
    end the last. The caption says which rows these are ("Actions 1 to 25 of 62")."""
    try:
        table.paginate(page=int(request.GET.get("page", 1)), per_page=per_page)
    except (ValueError, PageNotAnInteger):
        table.paginate(page=1, per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)
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
    """A django-tables2 Table mixin: the CSV and XLSX exports' rows, every text cell that
    could be read as a formula made safe (the header row is the app's own)."""

    def as_values(self, exclude_columns=None):
        rows = super().as_values(exclude_columns=exclude_columns)
        yield next(rows)
        for row in rows:
            yield [neutralise(value) for value in row]

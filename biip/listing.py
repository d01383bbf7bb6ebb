"""What every list page shares: the query string with a parameter changed (filters,
sorting, pages and exports keep each other), paging a table with a caption saying which
rows are shown, and the export formats offered."""

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

"""One cell's value understood: text (with the app's formula-neutralising quote taken
back off), a date written the UK way or held as an Excel date, a RAG rating, a
publication status. Each parser returns the value or raises Invalid with what is wrong,
in words."""

import datetime
import re

from biip.listing import FORMULA_STARTS
from biip.models import RAG, PublicationStatus
from plans.imports.reading import FORMULA, CellError

EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Serial numbers taken for Excel dates: 1 January 1960 to 31 December 2099.
SERIALS = range(21916, 73051)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
WORDS_DATE = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)[\s\-/.,]*(\d{2}|\d{4})$")
MONTH_ONLY = re.compile(r"^([a-z]+)[\s\-/.,]*(\d{2}|\d{4})$")
TRAILING_TIME = re.compile(r"\s+\d{1,2}:\d{2}(?::\d{2})?$")

RAG_WORDS = {
    "red": RAG.RED,
    "r": RAG.RED,
    "amber": RAG.AMBER,
    "a": RAG.AMBER,
    "green": RAG.GREEN,
    "g": RAG.GREEN,
    "blue": RAG.BLUE,
    "b": RAG.BLUE,
    "not yet rated": RAG.NOT_RATED,
    "not rated": RAG.NOT_RATED,
}

PUBLICATION_WORDS = {
    "public": PublicationStatus.PUBLIC,
    "exempt": PublicationStatus.EXEMPT,
    "confidential": PublicationStatus.CONFIDENTIAL,
}


class Invalid(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def shown(value) -> str:
    """A cell's value as quoted in a message."""
    return f"“{value}”"


def check_cell(value):
    """A cell with nothing to import (a formula saved without its result, a spreadsheet
    error) raises Invalid; any other value is returned as it is."""
    if value is FORMULA:
        raise Invalid("contains a formula; paste the value instead")
    if isinstance(value, CellError):
        raise Invalid(f"contains the spreadsheet error {value.code}; correct it or clear the cell")
    return value


def text(value) -> str:
    """A cell as text: numbers without a needless ".0", dates as 31/03/2019, and the quote
    an export puts before text a spreadsheet would take for a formula taken off."""
    value = check_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y")
    value = str(value).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        value = value[1:]
    return value


def _year(digits: str) -> int:
    year = int(digits)
    if len(digits) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int, day: int, original) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise Invalid(
            f"{shown(original)} is not a real date: write it the UK way, for example 31/03/2019"
        ) from None


def date(value) -> datetime.date | None:
    """A date from an Excel date cell, an Excel serial number, or text written the UK way
    (31/03/2019, 31/3/19, 31 March 2019, 31-Mar-2019) or as an ISO date (2019-03-31)."""
    value = check_cell(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise Invalid(f"{shown(value)} is not a date: write it as 31/03/2019")
    if isinstance(value, int | float):
        return _serial(value)
    raw = text(value)
    if not raw:
        return None
    written = TRAILING_TIME.sub("", raw.lower().strip())
    if written.isdigit():
        return _serial(int(written), raw)
    if match := NUMERIC_DATE.match(written):
        day, month, year = (int(part) for part in match.groups())
        if month > 12 >= day:
            raise Invalid(
                f"{shown(raw)} has the month first: write the day first, for example "
                f"{month:02d}/{day:02d}/{_year(match.group(3))}"
            )
        return _date(_year(match.group(3)), month, day, raw)
    if match := ISO_DATE.match(raw.strip()):
        year, month, day = match.groups()
        return _date(int(year), int(month), int(day), raw)
    if (match := WORDS_DATE.match(written)) and match.group(2) in MONTHS:
        day, month, year = match.groups()
        return _date(_year(year), MONTHS[month], int(day), raw)
    if (match := MONTH_ONLY.match(written)) and match.group(1) in MONTHS:
        raise Invalid(
            f"{shown(raw)} is a month, not a date: give the day too, for example 31/03/2019"
        )
    raise Invalid(
        f"{shown(raw)} is not a date the importer understands: write it the UK way, "
        "for example 31/03/2019 or 31 March 2019"
    )


def _serial(number: int | float, original=None) -> datetime.date:
    if float(number).is_integer() and int(number) in SERIALS:
        return EXCEL_EPOCH + datetime.timedelta(days=int(number))
    raise Invalid(
        f"{shown(original if original is not None else text(number))} is a number, not a "
        "date: write the date, for example 31/03/2019"
    )


def rag(value) -> str | None:
    """A RAG rating from its word or letter, in any case; None for a blank cell."""
    raw = text(value)
    if not raw:
        return None
    found = RAG_WORDS.get(" ".join(raw.lower().split()))
    if found is None:
        raise Invalid(
            f"{shown(raw)} is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated "
            "(or R, A, G, B)"
        )
    return found.value


def publication_status(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    found = PUBLICATION_WORDS.get(raw.lower())
    if found is None:
        raise Invalid(f"{shown(raw)} is not a publication status: use Public or Confidential")
    return found.value


def version(value) -> int | None:
    """An exported version: a whole number; None for a blank cell."""
    raw = text(value)
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise Invalid(
            f"{shown(raw)} is not a version: leave the Version column as the export wrote it"
        )
    return int(raw)


def references(value) -> list[str]:
    """References separated by commas, semicolons, slashes, spaces or new lines."""
    return [ref for ref in re.split(r"[,;/\s]+", text(value)) if ref]

"""What a public version may show: rows that are public, and for the rest only that they
were withheld and why (never their content)."""

from collections.abc import Iterable
from dataclasses import dataclass

from meetings.outline import withheld_reason


@dataclass(frozen=True)
class Withheld:
    """A row left out of a public version: its reference (if it has one) and the reason.
    It stands in a table in the row's place; templates branch on `withheld`."""

    reference: str
    reason: str
    withheld = True  # not a field: every Withheld is withheld


def withheld_of(row, reference: str = "") -> Withheld:
    return Withheld(reference or getattr(row, "reference", ""), withheld_reason(row))


def split_public(rows: Iterable, *, public: bool) -> tuple[list, list[Withheld]]:
    """(rows to show, withheld). In an internal version every row is shown."""
    shown, withheld = [], []
    for row in rows:
        if not public or row.is_public:
            shown.append(row)
        else:
            withheld.append(withheld_of(row))
    return shown, withheld


def public_rows(rows: Iterable, *, public: bool, reference=None) -> list:
    """The rows in order, each shown or (public version, not public) a Withheld in its
    place. `reference(row)` names a row without a reference field."""
    return [
        row
        if not public or row.is_public
        else withheld_of(row, reference(row) if reference else "")
        for row in rows
    ]

"""What a public version may show: rows that are public, and for the rest only that they
were withheld and why (never their content)."""

from collections.abc import Iterable
from dataclasses import dataclass

from meetings.outline import withheld_reason


@dataclass(frozen=True)
class Withheld:
    """A row left out of a public version: its reference (if it has one) and the reason."""

    reference: str
    reason: str


def split_public(rows: Iterable, *, public: bool) -> tuple[list, list[Withheld]]:
    """(rows to show, withheld). In an internal version every row is shown."""
    shown, withheld = [], []
    for row in rows:
        if not public or row.is_public:
            shown.append(row)
        else:
            withheld.append(Withheld(getattr(row, "reference", ""), withheld_reason(row)))
    return shown, withheld

"""What a public version of a report may show: rows that are public, and for the rest only
that they were withheld and why (never their content).

The rule itself is `biip.publication`'s. `judge_dataset(dataset)` applies it to a
dataset's frozen rows in bulk before a public version is built from them: each action,
risk and action arising is judged by the stricter of the status frozen in the snapshot
and its live record's verdict now (an action arising with its minute, agenda item and
meeting, so one whose meeting's minutes are not published is withheld). The documents
then ask only `split_public`, `public_rows` and `withheld_of` here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from biip.publication import attach_verdicts, is_shown, reason_of
from meetings.models import MeetingAction
from plans.models import Action, Risk

STATUS_FIELDS = ("id", "publication_status", "exemption_paragraph")


@dataclass(frozen=True)
class Withheld:
    """A row left out of a public version: its reference (if it has one) and the reason.
    It stands in a table in the row's place; templates branch on `withheld`."""

    reference: str
    reason: str
    withheld = True  # not a field: every Withheld is withheld


def withheld_of(row, reference: str = "") -> Withheld:
    return Withheld(reference or getattr(row, "reference", ""), reason_of(row))


def split_public(rows: Iterable, *, public: bool) -> tuple[list, list[Withheld]]:
    """(rows to show, withheld). In an internal version every row is shown."""
    shown, withheld = [], []
    for row in rows:
        if is_shown(row, public=public):
            shown.append(row)
        else:
            withheld.append(withheld_of(row))
    return shown, withheld


def public_rows(rows: Iterable, *, public: bool, reference=None) -> list:
    """The rows in order, each shown or (public version, not public) a Withheld in its
    place. `reference(row)` names a row without a reference field."""
    return [
        row
        if is_shown(row, public=public)
        else withheld_of(row, reference(row) if reference else "")
        for row in rows
    ]


def live_records(rows: list, queryset) -> dict:
    ids = {row.publication_source_id for row in rows} - {None}
    return queryset.in_bulk(ids) if ids else {}


def judge_dataset(dataset) -> None:
    """Fix on each frozen row of the dataset the rule's verdict now (see the module's
    docstring): a few queries, whatever the number of rows."""
    if dataset is None:
        return
    attach_verdicts(
        dataset.actions, live_records(dataset.actions, Action.objects.only(*STATUS_FIELDS))
    )
    attach_verdicts(dataset.risks, live_records(dataset.risks, Risk.objects.only(*STATUS_FIELDS)))
    arising = MeetingAction.objects.select_related(
        "meeting", "minute__meeting", "minute__agenda_item__meeting"
    )
    attach_verdicts(dataset.meeting_actions, live_records(dataset.meeting_actions, arising))

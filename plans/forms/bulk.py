"""The bulk update grid: one small form a row, one row for each action needing its update.

Each row's fields carry the action's own prefix (action-12-rag, action-12-narrative...), so
every input's id is unique on the page and stays the same whichever actions are listed.
A row left blank is skipped; a row with anything typed needs a RAG and a narrative. The
rules of an update (Blue needs a completion date, no date in the future...) are the
single update's, applied by plans.services.record_update; its errors are shown beside
the same row (add_service_errors)."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from biip.models import RAG
from plans.forms.updates import RAG_CHOICES, uk_date_field
from plans.models import Action

ROW_FIELDS = ("rag", "narrative", "completed_on")
MAX_ROWS = 500

NO_RAG = "Choose a RAG, or clear the row to leave this action for now."
NO_NARRATIVE = "Enter a narrative for the month, or clear the row to leave this action for now."
NOTHING_FILLED = "Choose a RAG and enter a narrative for at least one action."


def rag_label(value: str, label: str) -> str:
    return f"{label} (complete)" if value == RAG.BLUE else label


class BulkRowForm(forms.Form):
    """One action's update in the grid: RAG, narrative and (for Blue) the completion date."""

    rag = forms.ChoiceField(
        label="New RAG",
        choices=[
            ("", "No update"),
            *((value, rag_label(value, label)) for value, label in RAG_CHOICES),
        ],
        required=False,
        error_messages={
            "invalid_choice": "Choose how the action is going: Red, Amber, Green or Blue."
        },
    )
    narrative = forms.CharField(
        label="Narrative", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    completed_on = uk_date_field("Date completed", "date completed")
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The page was missing this action's version: open the page again.",
            "invalid": "The page was missing this action's version: open the page again.",
        },
    )

    def __init__(self, data: Mapping | None = None, *, action: Action, version: int = 0):
        super().__init__(
            data,
            prefix=f"action-{action.pk}",
            initial={"seen_version": version},
            empty_permitted=True,
            use_required_attribute=False,
        )
        self.action = action
        self.conflict = None  # a plans.views.updates.ConflictReport, once saving found one

    @property
    def filled(self) -> bool:
        """Anything typed in the row (a blank row is skipped, not validated)."""
        if not self.is_bound:
            return False
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in ROW_FIELDS)

    def has_changed(self) -> bool:
        # Django skips validating an empty_permitted form that has not changed.
        return self.filled

    def clean(self):
        data = super().clean()
        if "rag" not in self.errors and not data.get("rag"):
            self.add_error("rag", NO_RAG)
        if not data.get("narrative", "").strip():
            self.add_error("narrative", NO_NARRATIVE)
        return data

    def service_kwargs(self, period: datetime.date) -> dict:
        """The row's answers, as plans.services.record_update's keyword arguments."""
        data = self.cleaned_data
        return {
            "rag": data["rag"],
            "narrative": data["narrative"],
            "completed_on": data["completed_on"],
            "period": period,
            "seen_version": data["seen_version"],
        }

    @property
    def conflict_text(self) -> str:
        return conflict_message(self.conflict) if self.conflict is not None else ""

    @property
    def has_problem(self) -> bool:
        return bool(self.errors) or self.conflict is not None

    def first_field_id(self) -> str:
        return self["rag"].id_for_label


@dataclass(frozen=True)
class Problem:
    """One line of the error summary: the message and the field it links to."""

    href: str
    text: str


def conflict_message(conflict) -> str:
    """Who changed the action since the page was opened, and when (a ConflictReport)."""
    when = date_format(timezone.localtime(conflict.when), "DATETIME_FORMAT")
    return (
        f"{conflict.who} changed this action on {when}, after you opened this page: "
        "check what they changed, then save again, or clear the row to leave it"
    )


def in_sentence(message: str) -> str:
    """A message after "IP19-07: ": its first word lower case, unless it is an acronym."""
    first = message.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return message
    return message[:1].lower() + message[1:]


class BulkUpdateGrid:
    """The rows of the grid, for the actions in the order they are listed."""

    def __init__(
        self,
        actions: Sequence[Action],
        data: Mapping | None = None,
        *,
        period: datetime.date,
    ):
        self.period = period
        self.rows = [
            BulkRowForm(data, action=action, version=getattr(action, "version", 0))
            for action in actions
        ]
        self.page_errors: list[str] = []

    @property
    def action_ids(self) -> str:
        """The listed actions, for the POST to rebuild the same rows."""
        return ",".join(str(row.action.pk) for row in self.rows)

    @property
    def filled_rows(self) -> list[BulkRowForm]:
        return [row for row in self.rows if row.filled]

    def is_valid(self) -> bool:
        """Every filled row valid (each row's errors are found when it is shown), at
        least one row filled, and no error about the page as a whole."""
        rows_valid = all(row.is_valid() for row in self.rows)
        if rows_valid and not self.page_errors and not self.filled_rows:
            self.page_errors.append(NOTHING_FILLED)
        return rows_valid and not self.page_errors

    @property
    def has_problems(self) -> bool:
        return bool(self.page_errors) or any(row.has_problem for row in self.rows)

    def problems(self) -> list[Problem]:
        """Every error, in the order of the page, each naming its action and linking to
        the field to correct."""
        first = f"#{self.rows[0].first_field_id()}" if self.rows else "#bulk-update"
        problems = [Problem(first, message) for message in self.page_errors]
        for row in self.rows:
            reference = row.action.reference
            top = f"#{row.first_field_id()}"
            if row.conflict is not None:
                problems.append(Problem(top, f"{reference}: {conflict_message(row.conflict)}"))
            for error in row.non_field_errors():
                problems.append(Problem(top, f"{reference}: {in_sentence(error)}"))
            for error in row["seen_version"].errors:
                problems.append(Problem(top, f"{reference}: {in_sentence(error)}"))
            for name in ROW_FIELDS:
                for error in row[name].errors:
                    problems.append(
                        Problem(f"#{row[name].id_for_label}", f"{reference}: {in_sentence(error)}")
                    )
        return problems


def submitted_ids(data: Mapping) -> list[int]:
    """The action ids the page listed (its hidden `actions` field), junk left out."""
    ids = []
    for part in str(data.get("actions", "")).split(",")[:MAX_ROWS]:
        if part.strip().isdigit():
            ids.append(int(part))
    return list(dict.fromkeys(ids))


def filled_ids(data: Mapping, ids: Sequence[int]) -> list[int]:
    """Of the given action ids, those whose row has anything typed."""
    return [
        pk
        for pk in ids
        if any(str(data.get(f"action-{pk}-{name}", "")).strip() for name in ROW_FIELDS)
    ]

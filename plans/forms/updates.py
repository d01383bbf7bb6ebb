"""Forms for the monthly cycle: the update on an action, the panel's assurance decision,
a challenge and the reply to it.

The forms only read what was typed (dates, choices, files); the rules (what a Red update
needs, which files are accepted, who may do what) live in plans.services, whose
ValidationErrors are shown beside the same fields (see add_service_errors)."""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from biip.models import RAG, RAG_MEANINGS
from plans.forms.choices import ModelMultipleChoiceField
from plans.models import Action, Assurance, ProgressUpdate
from plans.services import RATINGS

# A date typed as 31/03/2019 (or 31/3/19, 2019-03-31, 31 March 2019).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %B %Y"]
DATE_EXAMPLE = "for example, 31/3/2019"


def uk_date_field(label: str, what: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y"),
        error_messages={"invalid": f"Enter the {what} as a real date, {DATE_EXAMPLE}."},
    )


def typed_date(day: datetime.date | None) -> str:
    """A date as the user types it (31/03/2019), to fill in a text input."""
    return f"{day:%d/%m/%Y}" if day else ""


class GovRadioSelect(forms.RadioSelect):
    """Radios whose first option carries the field's own id, so the error summary's link
    to the field (#id_rag) lands on the first radio, as GOV.UK's pattern does."""

    def id_for_label(self, id_, index=None):
        if index is None or str(index) == "0":
            return id_
        return f"{id_}-{int(index) + 1}"


class GovCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose first option carries the field's id (see GovRadioSelect)."""

    id_for_label = GovRadioSelect.id_for_label


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input: cleans to a list (empty if none was chosen). Which
    files are accepted is the service's rule (plans.services.file_kind)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


@dataclass(frozen=True)
class Option:
    """One radio or checkbox, ready for the template: value, label, hint, id, checked."""

    value: str
    label: str
    hint: str
    id: str
    checked: bool


def options(field: forms.BoundField, hint: Callable[[object], str] | None = None) -> list[Option]:
    return [
        Option(
            value=str(widget.data["value"]),
            label=widget.choice_label,
            hint=hint(widget.data["value"]) if hint else "",
            id=widget.id_for_label,
            checked=bool(widget.data["selected"]),
        )
        for widget in field
    ]


def rag_hint(value) -> str:
    return RAG_MEANINGS[RAG(value)] if value else ""


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields (errors about anything
    else go to the top of the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


RAG_CHOICES = [(rag.value, rag.label) for rag in RATINGS]


class UpdateForm(forms.Form):
    """The monthly update on one action."""

    rag = forms.ChoiceField(
        label="How is the action going?",
        choices=RAG_CHOICES,
        required=False,
        widget=GovRadioSelect,
        error_messages={
            "invalid_choice": "Choose how the action is going: Red, Amber, Green or Blue."
        },
    )
    narrative = forms.CharField(
        label="Narrative", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    evidence_links = forms.CharField(
        label="Links to evidence (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    files = MultipleFileField(label="Evidence files (optional)", required=False)
    completed_milestones = ModelMultipleChoiceField(
        label="Milestones completed this month",
        queryset=None,
        required=False,
        widget=GovCheckboxes,
        error_messages={
            "invalid_choice": "Choose only milestones of this action that are not yet complete."
        },
    )
    completed_on = uk_date_field("Date completed", "date completed")
    revised_due_date = uk_date_field("Revised due date (optional)", "revised due date")
    revision_reason = forms.CharField(
        label="Why the due date moves",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    period = forms.DateField(
        widget=forms.HiddenInput,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "required": "The form was missing its month: open the update form again.",
            "invalid": "The form was missing its month: open the update form again.",
        },
    )
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "The form was missing its version: open the update form again.",
            "invalid": "The form was missing its version: open the update form again.",
        },
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["completed_milestones"].queryset = action.milestones.filter(
            completed_on__isnull=True
        ).order_by("due_date", "pk")

    @property
    def rag_options(self) -> list[Option]:
        return options(self["rag"], rag_hint)

    @property
    def milestone_options(self) -> list[Option]:
        return options(
            self["completed_milestones"],
            lambda value: f"Due {date_format(value.instance.due_date)}",
        )

    def service_kwargs(self) -> dict:
        """The cleaned answers, as plans.services.record_update's keyword arguments."""
        data = self.cleaned_data
        return {
            "rag": data["rag"],
            "narrative": data["narrative"],
            "evidence_links": data["evidence_links"],
            "files": data["files"],
            "completed_milestones": list(data["completed_milestones"]),
            "completed_on": data["completed_on"],
            "revised_due_date": data["revised_due_date"],
            "revision_reason": data["revision_reason"],
            "period": data["period"],
            "seen_version": data["seen_version"],
        }

    @staticmethod
    def initial_from(update: ProgressUpdate | None, *, period: datetime.date, version: int) -> dict:
        """The month and the action's version the form is opened for, and this month's
        update, if there is one, to revise."""
        initial = {"period": period.isoformat(), "seen_version": version}
        if update is None:
            return initial
        return initial | {
            "rag": update.rag,
            "narrative": update.narrative,
            "evidence_links": update.evidence,
            "completed_on": typed_date(update.completed_on),
            "revised_due_date": typed_date(update.revised_due_date),
            "revision_reason": update.revision_reason,
        }


def with_values(data: Mapping, **values):
    """The submitted answers with some hidden values replaced (a new seen_version after a
    conflict, the current month after the cycle moved on): the user's input is kept, and
    submitting it again saves it."""
    data = data.copy()
    for name, value in values.items():
        data[name] = str(value)
    return data


DECISION_HINTS = {
    Assurance.Decision.ASSURED: "The evidence supports the RAG the officer claims (or the "
    "assured RAG you give below).",
    Assurance.Decision.CHALLENGED: "The panel has a question the officer must answer.",
    Assurance.Decision.NOT_ASSURED: "The evidence does not support the RAG: say why in the "
    "comment.",
}


class AssuranceForm(forms.Form):
    decision = forms.ChoiceField(
        label="Is the officer's RAG assured?",
        choices=Assurance.Decision.choices,
        widget=GovRadioSelect,
        error_messages={
            "required": "Choose whether the update is assured, challenged or not assured.",
            "invalid_choice": "Choose whether the update is assured, challenged or not assured.",
        },
    )
    assured_rag = forms.ChoiceField(
        label="Assured RAG (optional)",
        choices=[("", "No different RAG"), *RAG_CHOICES],
        required=False,
        widget=GovRadioSelect,
        error_messages={"invalid_choice": "Choose Red, Amber, Green or Blue, or no different RAG."},
    )
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    question = forms.CharField(
        label="Question for the officer", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    @property
    def decision_options(self) -> list[Option]:
        return options(self["decision"], lambda value: DECISION_HINTS.get(value, ""))

    @property
    def assured_rag_options(self) -> list[Option]:
        return options(self["assured_rag"], rag_hint)


class UpdateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProgressUpdate) -> str:
        return f"The {obj.period:%B %Y} update ({obj.get_rag_display()})"


class ChallengeForm(forms.Form):
    update = UpdateChoiceField(
        label="What is the challenge about?",
        queryset=None,
        required=False,
        blank=True,
        empty_label="The action as a whole",
        widget=GovRadioSelect,
        error_messages={"invalid_choice": "Choose one of this action's updates, or the action."},
    )
    question = forms.CharField(
        label="Your question or challenge",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the question the officer must answer."},
    )

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["update"].queryset = action.updates.order_by("-period")

    @property
    def update_options(self) -> list[Option]:
        return options(self["update"])


class ReplyForm(forms.Form):
    response = forms.CharField(
        label="Your response",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter your response to the challenge."},
    )

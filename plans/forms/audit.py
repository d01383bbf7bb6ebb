"""The two states of a recommendation, recorded separately: the council's claim that it is
addressed (officers and the secretariat), and its verification by the auditor or the
panel (the panel and the secretariat), with the assessed progress.

Each form edits one state: its date (typed 31/03/2019, not in the future), its evidence
and, for verification, who verified it. Where the state is already recorded, a "withdraw"
choice clears it instead; a verification must be withdrawn before the claim it rests on.
Both forms detect changes someone else saved after the form was opened.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from biip.forms import ConflictCheckedForm, Radios, set_messages, uk_dates, without_blank
from biip.models import Organisation, Person
from plans.models import Recommendation

KEEP, WITHDRAW = "keep", "withdraw"


class StateForm(ConflictCheckedForm):
    """A form for one state of a recommendation: `date_field`, the fields that are
    required unless the state is withdrawn, and what withdrawing clears. The `decision`
    radios are offered only when the state is already recorded."""

    noun = "recommendation"
    date_field = ""
    required: dict[str, str] = {}
    cleared: dict[str, object] = {}
    decision_choices: list[tuple[str, str]] = []
    decision_label = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if getattr(self.instance, self.date_field) is not None:
            self.fields["decision"] = forms.ChoiceField(
                choices=self.decision_choices,
                widget=Radios,
                label=self.decision_label,
                initial=KEEP,
            )
            self.order_fields(["decision"])
        for name in self.required:
            self.fields[name].required = False  # required unless withdrawing: see clean()
        set_messages(self, {"decision": "Choose whether to keep or withdraw it"})

    @property
    def withdrawing(self) -> bool:
        return "decision" in self.fields and self.cleaned_data.get("decision") == WITHDRAW

    def clean_date(self, label: str):
        value = self.cleaned_data.get(self.date_field)
        if value and value > timezone.localdate():
            raise forms.ValidationError(f"The {label} cannot be in the future")
        return value

    def clean(self):
        cleaned_data = super().clean()
        if self.withdrawing:
            for name, value in self.cleared.items():
                self.errors.pop(name, None)  # what was typed does not matter any more
                cleaned_data[name] = value
            self.check_withdrawal()
        else:
            for name, message in self.required.items():
                if name not in self.errors and cleaned_data.get(name) in (None, ""):
                    self.add_error(name, message)
            self.check_state(cleaned_data)
        return cleaned_data

    def check_withdrawal(self) -> None:
        pass

    def check_state(self, cleaned_data: dict) -> None:
        pass


class AddressedForm(StateForm):
    """The council's claim that a recommendation is addressed."""

    date_field = "addressed_on"
    required = {
        "addressed_on": "Enter the date the recommendation was addressed",
        "addressed_evidence": "Enter the evidence that the recommendation is addressed",
    }
    cleared = {"addressed_on": None, "addressed_evidence": ""}
    decision_choices = [
        (KEEP, "Yes: the council claims it is addressed, with the date and evidence below"),
        (WITHDRAW, "No: withdraw the council's claim (the date and evidence are cleared)"),
    ]
    decision_label = "Is the recommendation addressed?"

    class Meta:
        model = Recommendation
        fields = ["addressed_on", "addressed_evidence"]
        formfield_callback = uk_dates
        labels = {
            "addressed_on": "Date addressed",
            "addressed_evidence": "Evidence that it is addressed",
        }
        help_texts = {
            "addressed_on": "For example, 29/01/2019",
            "addressed_evidence": "What the council offers the auditor or panel as evidence: "
            "reports, decisions, dates of meetings",
        }

    def clean_addressed_on(self):
        return self.clean_date("date addressed")

    def check_withdrawal(self) -> None:
        if self.instance.verified_on is not None:
            self.add_error(
                "decision",
                "Withdraw the verification first: a recommendation can be verified only "
                "while the council claims it is addressed",
            )

    def check_state(self, cleaned_data: dict) -> None:
        addressed, verified = cleaned_data.get("addressed_on"), self.instance.verified_on
        if addressed and verified and addressed > verified:
            self.add_error(
                "addressed_on",
                "The date addressed must be on or before the date it was verified, "
                f"{date_format(verified)}",
            )


def verifier_label(person: Person) -> str:
    title = f", {person.title}" if person.title else ""
    return f"{person.name}{title} ({person.organisation.short_name})"


class VerifiedForm(StateForm):
    """The auditor's or panel's verification that a recommendation is addressed, and the
    assessed progress. Who verified it is the signed-in user's person unless another is
    chosen: the panel's and the external auditor's people are offered."""

    date_field = "verified_on"
    required = {
        "verified_on": "Enter the date the recommendation was verified",
        "verified_by": "Choose who verified the recommendation",
        "verification_evidence": "Enter what the auditor or panel saw in verifying it",
    }
    cleared = {"verified_on": None, "verified_by": None, "verification_evidence": ""}
    decision_choices = [
        (KEEP, "Yes: it is verified, with the date and evidence below"),
        (WITHDRAW, "No: withdraw the verification (the date, who and evidence are cleared)"),
    ]
    decision_label = "Is the recommendation verified?"

    class Meta:
        model = Recommendation
        fields = ["verified_on", "verified_by", "verification_evidence", "assessed_progress"]
        formfield_callback = uk_dates
        widgets = {"assessed_progress": Radios}
        labels = {
            "verified_on": "Date verified",
            "verified_by": "Verified by",
            "verification_evidence": "Evidence seen in verifying it",
            "assessed_progress": "Assessed progress",
        }
        help_texts = {
            "verified_on": "For example, 30/06/2019",
            "verified_by": "The auditor or panel member who verified it",
            "verification_evidence": "What the auditor or panel saw, and where it is recorded",
            "assessed_progress": "The auditor's or panel's assessment of the council's progress",
        }

    def __init__(self, *args, verifier: Person | None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["verified_by"]
        kinds = [Organisation.Kind.PANEL, Organisation.Kind.AUDITOR]
        people = Q(organisation__kind__in=kinds)
        if verifier is not None:
            people |= Q(pk=verifier.pk)
        field.queryset = (
            Person.objects.filter(people).select_related("organisation").order_by("name")
        )
        field.label_from_instance = verifier_label
        field.empty_label = "Choose who verified it"
        if self.instance.verified_by_id is None and verifier is not None:
            self.initial["verified_by"] = verifier.pk
        without_blank(self.fields["assessed_progress"])
        set_messages(self, {"assessed_progress": "Choose the assessed progress"})
        field.error_messages["invalid_choice"] = "Choose who verified it from the list"

    def clean_verified_on(self):
        return self.clean_date("date verified")

    def check_state(self, cleaned_data: dict) -> None:
        addressed, verified = self.instance.addressed_on, cleaned_data.get("verified_on")
        if addressed is None:
            self.add_error(
                "verified_on" if "verified_on" not in self.errors else None,
                "This recommendation cannot be verified yet: the council has not claimed it "
                "addressed. Record the council's claim first",
            )
        elif verified and verified < addressed:
            self.add_error(
                "verified_on",
                "The date verified must be on or after the date addressed, "
                f"{date_format(addressed)}",
            )

"""Forms with which the secretariat prepares reports: a new report (kind, plan, data,
title), a report's particulars, and a narrative section (Markdown, with its publication
status). Edit forms detect changes someone else saved after the form was opened
(ConflictCheckedForm); the views save through reports.services."""

from django import forms

from biip.forms import ConflictCheckedForm, Radios, set_messages, uk_dates
from biip.models import Person
from meetings.forms.editing import PublicationForm
from plans.models import ImprovementPlan
from reports.models import Report, ReportSection, Snapshot

LIVE_DATA = "Live data (for drafts: the figures as they are when each PDF is generated)"
SNAPSHOT_HELP = (
    "The closed monthly cycle whose frozen figures the report shows. A draft may use live "
    "data; a report is finalised only from a closed cycle, so that it can be generated "
    "again with the same content."
)


def snapshot_label(snapshot: Snapshot) -> str:
    day = snapshot.as_at_day
    return f"The {snapshot.cycle.period:%B %Y} cycle (data as at {day.day} {day:%B %Y})"


class SnapshotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Snapshot) -> str:
        return snapshot_label(obj)


def snapshot_field() -> SnapshotChoiceField:
    return SnapshotChoiceField(
        queryset=Snapshot.objects.select_related("cycle").order_by("-cycle__period"),
        required=False,
        empty_label=LIVE_DATA,
        label="Data",
        help_text=SNAPSHOT_HELP,
    )


class ReportCreateForm(forms.Form):
    kind = forms.ChoiceField(choices=Report.Kind.choices, widget=Radios, label="Kind of report")
    plan = forms.ModelChoiceField(
        queryset=ImprovementPlan.objects.order_by("-is_current", "title"),
        label="Improvement plan",
        empty_label="Choose a plan",
    )
    snapshot = snapshot_field()
    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text='As it appears on the document, for example "Improvement stock-take, March 2019"',
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_messages(
            self,
            {
                "kind": "Choose the kind of report",
                "plan": "Choose the improvement plan the report is about",
                "title": "Enter the report's title",
            },
        )


class ReportForm(ConflictCheckedForm):
    """A report's particulars: its title and data, and for a letter its reference, date,
    addressee, salutation, subject and signatory."""

    noun = "report"
    snapshot = snapshot_field()
    signatory = forms.ModelChoiceField(
        queryset=Person.objects.order_by("name"),
        required=False,
        label="Signed by",
        empty_label="Choose who signs",
        help_text="Usually the Chair of the panel",
    )

    class Meta:
        model = Report
        fields = [
            "title",
            "snapshot",
            "dated",
            "reference",
            "addressee",
            "salutation",
            "subject",
            "signatory",
        ]
        formfield_callback = uk_dates
        labels = {"dated": "Date on the document"}
        help_texts = {
            "dated": "For example, 5/2/2019. Left blank, the document bears no date.",
            "addressee": "Name, title and address, one line each",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind != Report.Kind.LETTER:
            for name in ["reference", "addressee", "salutation", "subject", "signatory"]:
                del self.fields[name]
        set_messages(self, {"title": "Enter the report's title"})

    def particulars(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields if name != "seen_version"}


class SectionForm(PublicationForm):
    """A narrative section: its heading, its text in Markdown and whether it is public."""

    noun = "section"

    class Meta:
        model = ReportSection
        fields = [
            "heading",
            "body",
            "publication_status",
            "exemption_paragraph",
            "exemption_review_date",
            "heading_public",
        ]
        formfield_callback = uk_dates
        widgets = {"publication_status": Radios}
        labels = {"body": "Text", "heading_public": "The heading may be published"}
        help_texts = {
            "body": "Markdown: a blank line between paragraphs, **bold**, *italic*, "
            '"- " for a list, "### " for a heading, [words](https://address) for a link. '
            "HTML is shown as typed, not used."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].required = False
        self.setup_publication("section")
        self.fields["publication_status"].help_text = (
            "Public sections appear in the public version. An exempt or confidential "
            "section is left out of it: the public version shows only a neutral heading "
            "(such as “Section 3: withheld, exempt under paragraph 4 of Schedule 12A”), "
            "that it was withheld, and why."
        )
        self.fields["heading_public"].help_text = (
            "Tick only if the heading itself may be made public: a withheld section then "
            "keeps its heading in the public version, instead of the neutral one."
        )
        set_messages(self, {"heading": "Enter the section's heading"})

    def section_data(self) -> dict:
        return {
            "heading": self.cleaned_data["heading"],
            "body": self.cleaned_data["body"],
            "heading_public": self.cleaned_data["heading_public"],
            **self.publication_data(),
        }


class WithdrawalForm(forms.Form):
    """Why a published public version is being withdrawn (kept internal)."""

    reason = forms.CharField(
        label="Why is it being withdrawn?",
        max_length=2000,
        widget=forms.Textarea,
        help_text="For the record: for example, which record it shows that is now exempt or "
        "confidential. The public page says only that the version was withdrawn, and when.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_messages(self, {"reason": "Enter why the version is being withdrawn"})

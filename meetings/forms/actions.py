"""The owner's update on an action arising (open or done, and a note), and the
secretariat's form that promotes an action arising into an improvement-plan action."""

from django import forms
from django.db.models import Q

from biip.forms import ConflictCheckedForm, Radios, set_messages, uk_dates, without_blank
from biip.models import Organisation, Person
from meetings.models import MeetingAction
from plans.models import Action, ImprovementPlan

TITLE_LENGTH = Action._meta.get_field("title").max_length


class MeetingActionUpdateForm(ConflictCheckedForm):
    """Status and note. The services write them (and the completion date); the form only
    checks the input, and that nobody saved the action since the page was opened."""

    noun = "action"

    class Meta:
        model = MeetingAction
        fields = ["status", "note"]
        widgets = {"status": Radios}
        labels = {"status": "Is the action open or done?", "note": "Note"}
        help_texts = {"note": "What has been done, or what is still to do"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_blank(self.fields["status"])
        message = "Choose whether the action is open or done"
        set_messages(self, {"status": message})
        self.fields["status"].error_messages["invalid_choice"] = message


class PromoteForm(forms.ModelForm):
    """The improvement-plan action an action arising becomes: its plan, theme, reference,
    title, directorate, lead officer and due date, defaulting from the action arising."""

    class Meta:
        model = Action
        fields = [
            "plan",
            "theme",
            "reference",
            "title",
            "directorate",
            "lead_officer",
            "original_due_date",
        ]
        formfield_callback = uk_dates
        labels = {"original_due_date": "Due date"}

    def __init__(self, *args, action: MeetingAction, **kwargs):
        owner = action.owner
        kwargs.setdefault(
            "initial",
            {
                "plan": ImprovementPlan.objects.current(),
                "title": action.description[:TITLE_LENGTH],
                "directorate": owner.directorate_id,
                "lead_officer": owner.pk,
                "original_due_date": action.due_date,
            },
        )
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["plan"].queryset = ImprovementPlan.objects.order_by("-period_start", "title")
        fields["plan"].empty_label = "Choose a plan"
        fields["theme"].label_from_instance = lambda t: f"{t.get_framework_display()}: {t}"
        fields["theme"].empty_label = "No theme"
        fields["directorate"].empty_label = "Choose a directorate"
        fields["lead_officer"].queryset = Person.objects.filter(
            Q(organisation__kind=Organisation.Kind.COUNCIL) | Q(pk=owner.pk)
        )
        fields["lead_officer"].empty_label = "Choose a lead officer"
        fields["title"].widget = forms.Textarea()
        set_messages(
            self,
            {
                "plan": "Choose the plan the action goes into",
                "reference": "Enter the action's reference, for example IP19-01",
                "title": "Enter the action's title",
                "directorate": "Choose the directorate that leads the action",
                "lead_officer": "Choose the action's lead officer",
                "original_due_date": "Enter the due date",
            },
        )
        fields["reference"].error_messages["max_length"] = (
            "The reference must be 20 characters or fewer"
        )
        fields["title"].error_messages["max_length"] = (
            f"The title must be {TITLE_LENGTH} characters or fewer"
        )

    def clean(self):
        data = super().clean()
        plan, reference = data.get("plan"), data.get("reference")
        if plan and reference and plan.actions.filter(reference=reference).exists():
            self.add_error(
                "reference", "There is already an action with this reference in the plan"
            )
        return data

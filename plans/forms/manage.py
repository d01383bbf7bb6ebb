"""Forms with which the secretariat manages the programme (plans, actions, milestones,
themes, recommendations) and the panel records its SMART assessments.

Every message is in plain words and placed beside its field (the model's constraints that
Django would report for the whole form are checked here field by field first). Dates are
typed as 31/03/2019 and shown back the same way. Plan and action edits detect changes
someone else saved after the form was opened (ConflictCheckedForm).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator

from biip.forms import (
    Checkboxes,
    ConflictCheckedForm,
    Radios,
    set_messages,
    uk_dates,
    without_blank,
)
from biip.models import Organisation, Person, PublicationStatus
from plans.forms.choices import ModelMultipleChoiceField
from plans.models import (
    Action,
    ImprovementPlan,
    Milestone,
    Recommendation,
    Risk,
    SmartAssessment,
    Source,
    Theme,
)

# The SMART criteria, in order: (field prefix, name).
SMART_CRITERIA = [
    ("specific", "Specific"),
    ("measurable", "Measurable"),
    ("ambition", "Ambition and achievability"),
    ("resourced", "Resourced"),
    ("timed", "Timed"),
]


class PlanForm(ConflictCheckedForm):
    noun = "plan"
    current = forms.BooleanField(
        required=False,
        label="This is the current plan",
        help_text="The plan the home page and dashboards show first. Only one plan is "
        "current: making this one current stops the present current plan being current.",
    )

    class Meta:
        model = ImprovementPlan
        fields = [
            "title",
            "short_name",
            "period_start",
            "period_end",
            "version",
            "status",
            "summary",
        ]
        formfield_callback = uk_dates
        widgets = {"status": Radios}
        labels = {"period_start": "Start of period", "period_end": "End of period"}
        error_messages = {
            "title": {"unique": "There is already a plan with this title"},
            "short_name": {"unique": "There is already a plan with this short name"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["current"].initial = self.instance.is_current
        set_messages(
            self,
            {
                "title": "Enter the plan's title",
                "short_name": "Enter a short name for the plan, for example IP19",
                "period_start": "Enter the start of the plan's period",
                "period_end": "Enter the end of the plan's period",
                "version": "Enter the plan's version, for example 1.0",
                "status": "Choose the plan's status",
            },
        )

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("period_start"), cleaned_data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be after its start")
        return cleaned_data

    def save(self, commit: bool = True) -> ImprovementPlan:
        """Save the plan; making it current unsets the previous current plan in the same
        transaction (each change recorded in the history)."""
        with transaction.atomic():
            plan = self.instance
            if self.cleaned_data["current"]:
                previous = ImprovementPlan.objects.select_for_update().filter(is_current=True)
                for other in previous.exclude(pk=plan.pk) if plan.pk else previous:
                    other.is_current = False
                    other.full_clean()
                    other.save()
            plan.is_current = self.cleaned_data["current"]
            plan.full_clean()
            return super().save()


class ActionForm(ConflictCheckedForm):
    """An action of a plan (the plan is fixed). Its RAG, assurance and last update move
    only through updates and assurance, so they are not here."""

    noun = "action"

    class Meta:
        model = Action
        fields = [
            "reference",
            "title",
            "description",
            "theme",
            "directorate",
            "lead_officer",
            "lead_member",
            "start_date",
            "original_due_date",
            "revised_due_date",
            "revision_reason",
            "success_measure",
            "resources",
            "dependencies",
            "recommendations",
            "risks",
            "publication_status",
            "exemption_paragraph",
            "exemption_review_date",
        ]
        formfield_callback = uk_dates
        field_classes = {
            "dependencies": ModelMultipleChoiceField,
            "recommendations": ModelMultipleChoiceField,
            "risks": ModelMultipleChoiceField,
        }
        widgets = {
            "dependencies": Checkboxes,
            "recommendations": Checkboxes,
            "risks": Checkboxes,
            "publication_status": Radios,
        }
        labels = {
            "revision_reason": "Reason for revising the due date",
            "dependencies": "Actions this action depends on",
            "recommendations": "Recommendations this action addresses",
            "risks": "Risks this action mitigates",
            "exemption_paragraph": "Schedule 12A paragraph",
            "exemption_review_date": "Date to review the exemption",
        }

    def __init__(self, *args, plan: ImprovementPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        fields = self.fields
        fields["theme"].label_from_instance = lambda t: f"{t.get_framework_display()}: {t}"
        people = Person.objects.filter(organisation__kind=Organisation.Kind.COUNCIL)
        for name in ("lead_officer", "lead_member"):
            current = getattr(self.instance, f"{name}_id", None)
            fields[name].queryset = Person.objects.filter(
                models.Q(pk__in=people) | models.Q(pk=current)
            )
        fields["dependencies"].queryset = plan.actions.exclude(pk=self.instance.pk).order_by(
            "reference"
        )
        fields["recommendations"].queryset = Recommendation.objects.all()
        fields["recommendations"].label_from_instance = lambda r: (
            f"{r.reference}: {Truncator(r.text).chars(120)}"
        )
        fields["risks"].queryset = Risk.objects.all()
        without_blank(fields["publication_status"])
        paragraph = fields["exemption_paragraph"]
        paragraph.choices = [("", "Choose a paragraph"), *paragraph.choices[1:]]
        fields["theme"].empty_label = "No theme"
        fields["directorate"].empty_label = "Choose a directorate"
        fields["lead_officer"].empty_label = "Choose a lead officer"
        fields["lead_member"].empty_label = "No lead member"
        set_messages(
            self,
            {
                "reference": "Enter the action's reference, for example IP19-01",
                "title": "Enter the action's title",
                "directorate": "Choose the directorate that leads the action",
                "lead_officer": "Choose the action's lead officer",
                "original_due_date": "Enter the original due date",
                "publication_status": "Choose whether the action is public",
            },
        )

    def clean(self):
        data = super().clean()
        reference = data.get("reference")
        others = Action.objects.filter(plan=self.instance.plan, reference=reference)
        if reference and others.exclude(pk=self.instance.pk).exists():
            self.add_error(
                "reference", "There is already an action with this reference in the plan"
            )
        start = data.get("start_date")
        if start and data.get("original_due_date") and data["original_due_date"] < start:
            self.add_error("original_due_date", "The due date must be on or after the start date")
        revised = data.get("revised_due_date")
        if start and revised and revised < start:
            self.add_error(
                "revised_due_date", "The revised due date must be on or after the start date"
            )
        if revised and "revised_due_date" in self.changed_data and not data.get("revision_reason"):
            self.add_error("revision_reason", "Enter why the due date was revised")
        if data.get("publication_status") != PublicationStatus.EXEMPT:
            data["exemption_paragraph"] = None
            data["exemption_review_date"] = None
        return data

    def save(self, commit: bool = True) -> Action:
        with transaction.atomic():
            return super().save()


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "completed_on"]
        formfield_callback = uk_dates
        labels = {"completed_on": "Date completed"}

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.action = action
        set_messages(
            self,
            {"title": "Enter the milestone's title", "due_date": "Enter the milestone's due date"},
        )

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on and completed_on > timezone.localdate():
            raise ValidationError("The date completed cannot be in the future")
        return completed_on


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["framework", "code", "name", "order"]
        widgets = {"framework": Radios}
        help_texts = {
            "code": 'For example "a" for a Kerslake theme or "LGA-3"',
            "order": "Themes are listed in this order within their framework",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        without_blank(self.fields["framework"])
        set_messages(
            self,
            {
                "framework": "Choose the framework the theme belongs to",
                "code": "Enter the theme's code",
                "name": "Enter the theme's name",
                "order": "Enter the theme's order, for example 1",
            },
        )
        self.fields["order"].error_messages["min_value"] = "The order must be 0 or more"

    def clean(self):
        cleaned_data = super().clean()
        framework, code = cleaned_data.get("framework"), cleaned_data.get("code")
        duplicate = Theme.objects.filter(framework=framework, code=code).exclude(
            pk=self.instance.pk
        )
        if framework and code and duplicate.exists():
            self.add_error("code", "There is already a theme with this code in the framework")
        return cleaned_data


class ActionChoices(ModelMultipleChoiceField):
    def label_from_instance(self, obj: Action) -> str:
        return f"{obj.plan.short_name} {obj.reference}: {obj.title}"


class RecommendationForm(forms.ModelForm):
    actions = ActionChoices(
        queryset=Action.objects.select_related("plan").order_by("-plan__period_start", "reference"),
        required=False,
        widget=Checkboxes,
        label="Actions that address this recommendation",
    )

    class Meta:
        model = Recommendation
        fields = [
            "source",
            "reference",
            "text",
            "theme",
            "council_response",
            "assessed_progress",
        ]
        widgets = {"assessed_progress": Radios}
        labels = {"text": "Recommendation"}
        error_messages = {
            "reference": {"unique": "There is already a recommendation with this reference"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].label_from_instance = lambda t: f"{t.get_framework_display()}: {t}"
        self.fields["theme"].empty_label = "No theme"
        self.fields["source"].empty_label = "Choose a source"
        without_blank(self.fields["assessed_progress"])
        if self.instance.pk:
            self.fields["actions"].initial = list(self.instance.actions.all())
        set_messages(
            self,
            {
                "source": "Choose where the recommendation comes from",
                "reference": "Enter the recommendation's reference, for example K-07",
                "text": "Enter the recommendation",
                "assessed_progress": "Choose the assessed progress",
            },
        )

    def save(self, commit: bool = True) -> Recommendation:
        """Save the recommendation and which actions address it. Links are changed from
        each action's side, so each action's history records them."""
        with transaction.atomic():
            recommendation = super().save()
            before = set(recommendation.actions.all())
            after = set(self.cleaned_data["actions"])
            for action in after - before:
                action.recommendations.add(recommendation)
            for action in before - after:
                action.recommendations.remove(recommendation)
            return recommendation


class AssessmentForm(forms.ModelForm):
    """A SMART assessment of a plan (or a theme of it). The assessor is the signed-in
    user's person; a user without one picks from the panel's people."""

    class Meta:
        model = SmartAssessment
        fields = [
            "theme",
            "assessor",
            "assessed_on",
            *[f"{prefix}_{part}" for prefix, _ in SMART_CRITERIA for part in ("rating", "comment")],
            "conclusion",
            "summary",
        ]
        formfield_callback = uk_dates
        widgets = {
            "conclusion": Radios,
            **{f"{prefix}_rating": Radios for prefix, _ in SMART_CRITERIA},
        }
        labels = {
            "theme": "Theme (optional)",
            "assessed_on": "Date of the assessment",
            "conclusion": "Overall conclusion",
            **{f"{prefix}_rating": f"{name}: rating" for prefix, name in SMART_CRITERIA},
            **{f"{prefix}_comment": f"{name}: comment" for prefix, name in SMART_CRITERIA},
        }

    def __init__(self, *args, plan: ImprovementPlan, assessor: Person | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["theme"].label_from_instance = lambda t: f"{t.get_framework_display()}: {t}"
        self.fields["theme"].empty_label = "The whole plan"
        self.fields["assessed_on"].initial = timezone.localdate()
        if assessor is not None:
            self.instance.assessor = assessor
            del self.fields["assessor"]
        else:
            self.fields["assessor"].queryset = Person.objects.filter(
                organisation__kind=Organisation.Kind.PANEL
            )
        for prefix, name in SMART_CRITERIA:
            without_blank(self.fields[f"{prefix}_rating"])
            self.fields[f"{prefix}_rating"].error_messages["required"] = (
                f"Choose a rating for {name}"
            )
        without_blank(self.fields["conclusion"])
        set_messages(
            self,
            {
                "assessor": "Choose the panel member who made the assessment",
                "assessed_on": "Enter the date of the assessment",
                "conclusion": "Choose the overall conclusion",
            },
        )

    @property
    def criteria(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(criterion name, rating field, comment field) in SMART order, for the template."""
        return [
            (name, self[f"{prefix}_rating"], self[f"{prefix}_comment"])
            for prefix, name in SMART_CRITERIA
        ]

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on and assessed_on > timezone.localdate():
            raise ValidationError("The date of the assessment cannot be in the future")
        return assessed_on


class RecommendationFilterForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All sources", label="Source"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = Source.objects.all()
        self.fields["source"].error_messages["invalid_choice"] = "Choose a source from the list"

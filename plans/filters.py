"""The action list's filters: every filter of the URL contract, on live actions or, with
as_at=YYYY-MM-DD, on the actions as they stood at the end of that day (rebuilt from the
history, whose rows have the same fields, so each filter works on both)."""

import datetime

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from biip.forms import OptionsForm
from biip.models import RAG, Directorate, Person, PublicationStatus
from plans import queries
from plans.history import as_at, end_of_day
from plans.models import (
    Action,
    AssuranceStatus,
    Cycle,
    ImprovementPlan,
    ProgressUpdate,
    Recommendation,
    Theme,
    current_cycle_of,
    current_period,
)

ROW_RELATIONS = ("plan", "theme", "directorate", "lead_officer")


def is_history(actions: QuerySet) -> bool:
    return actions.model is Action.history.model


def period_as_at(day: datetime.date) -> datetime.date:
    """The month officers were updating for at the end of `day`: the earliest cycle still
    open then after the latest closed one (as Cycle.objects.current() does today, leaving
    out stragglers), else that calendar month."""
    cycle = current_cycle_of(as_at(Cycle, end_of_day(day)))
    return cycle.period if cycle is not None else day.replace(day=1)


def choose(what: str) -> dict[str, str]:
    message = f"Choose {what} from the list"
    return {"invalid_choice": message, "invalid_pk_value": message}


class ActionFilterForm(OptionsForm):
    def clean_as_at(self):
        day = self.cleaned_data.get("as_at")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(
                "The date to show the actions as at must be today or in the past"
            )
        return day


class FlagFilter(django_filters.Filter):
    """A checkbox (the URL has flag=1); unticked filters nothing."""

    field_class = forms.BooleanField


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose label target is the first box, so an error summary links to it."""

    def id_for_label(self, id_, index="0"):
        return forms.widgets.ChoiceWidget.id_for_label(self, id_, index)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class PersonFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class ActionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="filter_q", help_text="Reference, title, description or lead"
    )
    as_at = django_filters.DateFilter(
        label="Show as at",
        method="filter_nothing",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2019-01-31"},
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=ImprovementPlan.objects.all(),
        empty_label="Any plan",
        error_messages=choose("a plan"),
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=Theme.objects.all(), empty_label="Any theme", error_messages=choose("a theme")
    )
    directorate = django_filters.ModelChoiceFilter(
        queryset=Directorate.objects.all(),
        empty_label="Any directorate",
        error_messages=choose("a directorate"),
    )
    lead_officer = PersonFilter(
        label="Lead officer",
        queryset=Person.objects.filter(
            Exists(Action.objects.filter(lead_officer=OuterRef("pk")))
        ).order_by("name"),
        empty_label="Any lead officer",
        error_messages=choose("a lead officer"),
    )
    recommendation = django_filters.ModelChoiceFilter(
        label="Linked recommendation",
        queryset=Recommendation.objects.all(),
        method="filter_recommendation",
        empty_label="Any recommendation",
        error_messages=choose("a recommendation"),
    )
    assurance = django_filters.ChoiceFilter(
        label="Assured status",
        choices=AssuranceStatus.choices,
        empty_label="Any assured status",
        error_messages=choose("an assured status"),
    )
    assured_rag = django_filters.ChoiceFilter(
        label="Assured RAG",
        choices=RAG.choices,
        empty_label="Any assured RAG",
        error_messages=choose("an assured RAG"),
    )
    publication_status = django_filters.ChoiceFilter(
        label="Publication status",
        choices=PublicationStatus.choices,
        empty_label="Any",
        error_messages=choose("a publication status"),
    )
    rag = django_filters.MultipleChoiceFilter(
        label="RAG",
        choices=RAG.choices,
        widget=Checkboxes,
        error_messages=choose("RAG ratings"),
        distinct=False,  # a column of the action itself: no join can repeat a row
    )
    overdue = FlagFilter(label="Overdue", method="filter_overdue")
    slipped = FlagFilter(label="Slipped (due date moved later)", method="filter_slipped")
    stale = FlagFilter(label="Stale (no update for over 35 days)", method="filter_stale")
    needs_update = FlagFilter(label="Needs this month's update", method="filter_needs_update")
    updated = FlagFilter(label="Has this month's update", method="filter_updated")
    open = FlagFilter(label="Open (not complete)", method="filter_open")
    mine = FlagFilter(label="Only actions I lead", method="filter_mine")

    FLAGS = ("open", "overdue", "slipped", "stale", "needs_update", "updated", "mine")
    SELECTS = (
        "plan",
        "theme",
        "directorate",
        "lead_officer",
        "recommendation",
        "assurance",
        "assured_rag",
        "publication_status",
    )

    class Meta:
        model = Action
        fields: list[str] = []
        form = ActionFilterForm

    def __init__(self, data=None, *, request=None):
        super().__init__(data, request=request)
        self.day = None
        self.today = timezone.localdate()
        self.now = timezone.now()

    def filter_queryset(self, queryset):
        """Live actions, or the history rows current at the end of the as-at day; then every
        filter, each with the day's `today` and `now`."""
        self.day = self.form.cleaned_data.get("as_at")
        if self.day is not None:
            self.today, self.now = self.day, end_of_day(self.day)
            queryset = as_at(Action, self.now)
        queryset = queryset.select_related(*ROW_RELATIONS)
        return super().filter_queryset(queryset)

    @property
    def is_filtered(self) -> bool:
        """Whether any filter (other than the as-at date) narrows the list."""
        return any(
            value not in (None, "", [], False)
            for name, value in getattr(self.form, "cleaned_data", {}).items()
            if name != "as_at"
        )

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_q(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(
            Q(reference__icontains=text)
            | Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(lead_officer__name__icontains=text)
        )

    def filter_recommendation(self, queryset, name, value):
        """On history rows, the links as they stood then (the history keeps them too)."""
        if is_history(queryset):
            return queryset.filter(historicalaction_recommendations__recommendation=value)
        return queryset.filter(recommendations=value)

    def filter_overdue(self, queryset, name, value):
        return queries.overdue(queryset, self.today) if value else queryset

    def filter_slipped(self, queryset, name, value):
        return queries.slipped(queryset) if value else queryset

    def filter_stale(self, queryset, name, value):
        return queries.stale(queryset, self.now) if value else queryset

    def filter_needs_update(self, queryset, name, value):
        """Open and no update for the cycle's month (the month being updated then, as at a
        past date, counting only the updates written by then)."""
        if not value:
            return queryset
        if not is_history(queryset):
            return queries.needing_update(queryset, current_period())
        written = as_at(ProgressUpdate, self.now).filter(period=period_as_at(self.day))
        return queries.open_actions(queryset).exclude(id__in=written.values("action_id"))

    def filter_updated(self, queryset, name, value):
        """Open and updated for the cycle's month: the open actions filter_needs_update
        leaves out (as at a past date, counting the updates written by then)."""
        if not value:
            return queryset
        if not is_history(queryset):
            return queries.updated_for(queryset, current_period())
        written = as_at(ProgressUpdate, self.now).filter(period=period_as_at(self.day))
        return queries.open_actions(queryset).filter(id__in=written.values("action_id"))

    def filter_open(self, queryset, name, value):
        return queries.open_actions(queryset) if value else queryset

    def filter_mine(self, queryset, name, value):
        if not value or self.request is None:
            return queryset
        return queries.led_by(queryset, self.request.user)

"""The action log's filters: status (open, overdue or done), owner and meeting. A filter
whose value is not one of its choices is refused with a message beside it, and filters
nothing."""

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from biip.models import Person
from meetings.models import Meeting, MeetingAction

ROW_RELATIONS = ("meeting", "minute", "owner", "promoted_to")


class Status:
    """The log's statuses: open (overdue ones too), overdue (open and past due), done."""

    OPEN = "open"
    OVERDUE = "overdue"
    DONE = "done"
    CHOICES = [
        (OPEN, "Open (including overdue)"),
        (OVERDUE, "Overdue"),
        (DONE, "Done"),
    ]


def overdue(actions: QuerySet, today) -> QuerySet:
    """Open actions whose due date has passed (MeetingAction.is_overdue, in the database)."""
    return actions.filter(status=MeetingAction.Status.OPEN, due_date__lt=today)


def choose(what: str) -> dict[str, str]:
    message = f"Choose {what} from the list"
    return {"invalid_choice": message, "invalid_pk_value": message}


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{date_format(obj.date)}: {obj.title}"


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


class MeetingFilter(django_filters.ModelChoiceFilter):
    field_class = MeetingChoiceField


class MeetingActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Status.CHOICES,
        method="filter_status",
        empty_label="Any status",
        error_messages=choose("a status"),
    )
    owner = OwnerFilter(
        label="Owner",
        queryset=Person.objects.filter(meeting_actions__isnull=False).distinct().order_by("name"),
        empty_label="Any owner",
        error_messages=choose("an owner"),
    )
    meeting = MeetingFilter(
        label="Meeting",
        queryset=Meeting.objects.filter(actions__isnull=False)
        .distinct()
        .order_by("-date", "-start_time"),
        empty_label="Any meeting",
        error_messages=choose("a meeting"),
    )

    SELECTS = ("status", "owner", "meeting")

    class Meta:
        model = MeetingAction
        fields: list[str] = []

    def __init__(self, data=None, *, request=None, today=None):
        super().__init__(data, request=request)
        self.today = today or timezone.localdate()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset.select_related(*ROW_RELATIONS))

    @property
    def is_filtered(self) -> bool:
        return any(
            value not in (None, "") for value in getattr(self.form, "cleaned_data", {}).values()
        )

    def filter_status(self, queryset, name, value):
        if value == Status.OVERDUE:
            return overdue(queryset, self.today)
        if value in (Status.OPEN, Status.DONE):
            return queryset.filter(status=value)
        return queryset

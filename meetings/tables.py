"""The action log's table: every action arising, from every meeting, with the same columns
on the page and in the CSV and XLSX exports (plain text there: statuses as words, dates
as ISO dates). Overdue open actions stand out: a red "Overdue" tag in words, and the row
marked by its first cell (app-row--overdue: a red bar at the row's left edge)."""

import datetime

import django_tables2 as tables
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator

from biip.listing import SafeExport
from meetings.models import MeetingAction

PER_PAGE = 25
NUMERIC = {"th": {"class": "govuk-table__header--numeric"}}
NOWRAP = {"td": {"class": "app-nowrap"}}
OVERDUE_ROW = "app-row--overdue"
OVERDUE = "overdue"
STATUS_WORDS = {
    MeetingAction.Status.OPEN: "Open",
    MeetingAction.Status.DONE: "Done",
    OVERDUE: "Overdue",
}
STATUS_TAGS = {
    MeetingAction.Status.OPEN: "govuk-tag--blue",
    MeetingAction.Status.DONE: "govuk-tag--green",
    OVERDUE: "govuk-tag--red",
}


def uk_date(value: datetime.date | None) -> str:
    return date_format(value) if value else ""


def iso_date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def status_of(action: MeetingAction, today: datetime.date) -> str:
    """open, done or overdue (open and past its due date)."""
    return OVERDUE if action.is_overdue(today) else action.status


def marked_cell(*classes: str):
    """The td class attribute of a row's first cell: it carries the row's overdue mark."""

    def compute(record, table):
        marked = [*classes, OVERDUE_ROW] if record.is_overdue(table.today) else list(classes)
        return " ".join(marked)

    return {"td": {"class": compute}}


def ordered(queryset, is_descending: bool, *expressions):
    """Sort by the expressions, empty values last either way, then in log order."""
    terms = [
        expression.desc(nulls_last=True) if is_descending else expression.asc(nulls_last=True)
        for expression in expressions
    ]
    return queryset.order_by(*terms, "-meeting__date", "minute__number", "pk"), True


class MeetingActionTable(SafeExport, tables.Table):
    caption = "Actions arising"
    row_header = "description"
    scrollable = True

    meeting = tables.Column(
        verbose_name="Meeting", empty_values=(), attrs=marked_cell("app-nowrap")
    )
    minute = tables.Column(
        verbose_name="Minute",
        accessor="minute__number",
        empty_values=(),
        attrs={**NUMERIC, "td": {"class": "govuk-table__cell--numeric"}},
    )
    description = tables.Column(
        verbose_name="Action", empty_values=(), attrs={"td": {"class": "app-action-log__action"}}
    )
    owner = tables.Column(verbose_name="Owner", accessor="owner__name", empty_values=())
    due_date = tables.Column(verbose_name="Due", empty_values=(), attrs=NOWRAP)
    status = tables.Column(verbose_name="Status", empty_values=())
    completed_on = tables.Column(verbose_name="Completed on", empty_values=(), attrs=NOWRAP)
    note = tables.Column(verbose_name="Note", empty_values=(), orderable=False)
    promoted_to = tables.Column(verbose_name="Plan action", empty_values=(), attrs=NOWRAP)

    class Meta:
        attrs = {"class": "govuk-table app-action-log", "id": "action-log-table"}
        order_by_field = "sort"
        page_field = "page"
        per_page = PER_PAGE
        empty_text = "No actions arising match these filters."

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    # What the page shows.

    def render_meeting(self, record):
        meeting = record.meeting
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>',
            meeting.get_absolute_url(),
            date_format(meeting.date),
            meeting.title,
        )

    def render_minute(self, value):
        return "" if value is None else value

    def render_description(self, record):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>',
            reverse("meeting-action", args=[record.pk]),
            Truncator(record.description).words(30),
        )

    def render_owner(self, value):
        return value

    def render_due_date(self, value):
        return uk_date(value) or "No due date"

    def render_status(self, record):
        status = status_of(record, self.today)
        return format_html(
            '<strong class="govuk-tag {}">{}</strong>', STATUS_TAGS[status], STATUS_WORDS[status]
        )

    def render_completed_on(self, value):
        return uk_date(value)

    def render_note(self, value):
        return linebreaksbr(value)

    def render_promoted_to(self, record):
        plan_action = record.promoted_to
        if plan_action is None:
            return ""
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden">: {}</span></a>',
            reverse("action", args=[plan_action.pk]),
            plan_action.reference,
            plan_action.title,
        )

    # What the exports hold (text cells neutralised: biip.listing.SafeExport).

    def value_meeting(self, record):
        return iso_date(record.meeting.date)

    def value_minute(self, value):
        return "" if value is None else value

    def value_description(self, record):
        return record.description

    def value_owner(self, value):
        return value

    def value_due_date(self, value):
        return iso_date(value)

    def value_status(self, record):
        return STATUS_WORDS[status_of(record, self.today)]

    def value_completed_on(self, value):
        return iso_date(value)

    def value_note(self, value):
        return value

    def value_promoted_to(self, record):
        return record.promoted_to.reference if record.promoted_to else ""

    # How each column sorts.

    def order_meeting(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("meeting__date"), F("meeting__start_time"))

    def order_minute(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("minute__number"))

    def order_description(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("description"))

    def order_owner(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("owner__name"))

    def order_due_date(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("due_date"))

    def order_status(self, queryset, is_descending):
        """Overdue, then open, then done."""
        rank = Case(
            When(status=MeetingAction.Status.DONE, then=Value(2)),
            When(Q(due_date__lt=self.today), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return ordered(queryset, is_descending, rank, F("due_date"))

    def order_completed_on(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("completed_on"))

    def order_promoted_to(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("promoted_to__reference"))

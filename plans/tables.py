"""The action list's table: the same columns on the page and in the CSV and XLSX exports
(plain values there: RAG and statuses as words, dates as ISO dates). Rows are live actions
or history rows (as at a past date): only fields both have are used."""

import datetime

import django_tables2 as tables
from django.db.models import Case, DurationField, ExpressionWrapper, F, IntegerField, Value, When
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from biip.listing import SafeExport
from biip.models import RAG, RAG_ORDER
from plans.models import AssuranceStatus

PER_PAGE = 25
NUMERIC = {
    "th": {"class": "govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell--numeric"},
}
ASSURANCE_ORDER = [
    AssuranceStatus.NOT_ASSURED,
    AssuranceStatus.CHALLENGED,
    AssuranceStatus.NOT_REVIEWED,
    AssuranceStatus.ASSURED,
]


def rank(field: str, order: list) -> Case:
    """The position of a field's value in `order` (worst first), for sorting."""
    whens = [When(**{field: value}, then=Value(index)) for index, value in enumerate(order)]
    return Case(*whens, default=Value(len(order)), output_field=IntegerField())


def ordered(queryset, is_descending: bool, *expressions):
    """Sort by the expressions, empty values last either way, then by reference."""
    terms = [
        expression.desc(nulls_last=True) if is_descending else expression.asc(nulls_last=True)
        for expression in expressions
    ]
    return queryset.order_by(*terms, "reference", "id"), True


def uk_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return date_format(value)


def iso_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def slippage_days(record) -> int:
    if record.revised_due_date is None:
        return 0
    return (record.revised_due_date - record.original_due_date).days


class ActionTable(SafeExport, tables.Table):
    caption = "Actions"
    row_header = "reference"
    scrollable = True

    reference = tables.Column(verbose_name="Reference")
    title = tables.Column(verbose_name="Title", attrs={"td": {"class": "app-action-table__title"}})
    plan = tables.Column(verbose_name="Plan", accessor="plan__short_name")
    theme = tables.Column(verbose_name="Theme", accessor="theme", default="")
    directorate = tables.Column(verbose_name="Directorate", accessor="directorate__name")
    lead_officer = tables.Column(verbose_name="Lead officer", accessor="lead_officer__name")
    rag = tables.Column(verbose_name="RAG")
    assurance = tables.Column(verbose_name="Assured status")
    original_due_date = tables.Column(verbose_name="Original due date")
    revised_due_date = tables.Column(verbose_name="Revised due date", default="")
    slippage = tables.Column(
        verbose_name="Slippage (days)", accessor="original_due_date", attrs=NUMERIC
    )
    last_update = tables.Column(verbose_name="Last update", accessor="last_update_at", default="")
    # In the exports only: the version each row was exported from, so that importing the
    # file again can tell a row changed since (plans.imports.checking).
    version = tables.Column(verbose_name="Version", accessor="export_version", visible=False)

    class Meta:
        attrs = {"class": "govuk-table app-action-table", "id": "actions-table"}
        order_by_field = "sort"
        page_field = "page"
        per_page = PER_PAGE
        empty_text = "No actions match these filters."

    # What the page shows.

    def render_reference(self, record, value):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', reverse("action", args=[record.id]), value
        )

    def render_rag(self, record):
        return render_to_string("includes/rag_tag.html", {"rag": record.rag})

    def render_assurance(self, record):
        return render_to_string("plans/includes/action_assurance.html", {"action": record})

    def render_original_due_date(self, value):
        return uk_date(value)

    def render_revised_due_date(self, value):
        return uk_date(value)

    def render_slippage(self, record):
        return slippage_days(record)

    def render_last_update(self, value):
        return uk_date(value)

    # What the exports hold.

    def value_reference(self, value):
        return value

    def value_theme(self, value):
        return str(value) if value else ""

    def value_rag(self, record):
        return RAG(record.rag).label

    def value_assurance(self, record):
        words = AssuranceStatus(record.assurance).label
        if record.assured_rag:
            return f"{words}: {RAG(record.assured_rag).label}"
        return words

    def value_original_due_date(self, value):
        return iso_date(value)

    def value_revised_due_date(self, value):
        return iso_date(value)

    def value_slippage(self, record):
        return slippage_days(record)

    def value_last_update(self, value):
        return iso_date(value)

    # How each column sorts.

    def order_reference(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("reference"))

    def order_theme(self, queryset, is_descending):
        return ordered(
            queryset, is_descending, F("theme__framework"), F("theme__order"), F("theme__code")
        )

    def order_rag(self, queryset, is_descending):
        return ordered(queryset, is_descending, rank("rag", RAG_ORDER))

    def order_assurance(self, queryset, is_descending):
        return ordered(
            queryset,
            is_descending,
            rank("assurance", ASSURANCE_ORDER),
            rank("assured_rag", RAG_ORDER),
        )

    def order_revised_due_date(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("revised_due_date"))

    def order_slippage(self, queryset, is_descending):
        moved = Coalesce("revised_due_date", "original_due_date") - F("original_due_date")
        return ordered(
            queryset, is_descending, ExpressionWrapper(moved, output_field=DurationField())
        )

    def order_last_update(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("last_update_at"))

    def order_title(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("title"))

    def order_plan(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("plan__short_name"))

    def order_directorate(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("directorate__name"))

    def order_lead_officer(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("lead_officer__name"))

    def order_original_due_date(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("original_due_date"))

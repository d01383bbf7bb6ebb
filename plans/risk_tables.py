"""The risk register's table: the same columns on the page and in the CSV and XLSX exports
(plain text there: scores as "High 12 (4 × 3)", choices as words, dates as ISO dates; a
text cell a spreadsheet would read as a formula is neutralised). Every score shows its
band's word beside its colour; a risk whose review date has passed stands out ("Review
overdue" in words, and a mark at the row's left edge)."""

import datetime

import django_tables2 as tables
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html

from biip.listing import SafeExport
from meetings.tables import OVERDUE_ROW
from plans.risks import INHERENT, RESIDUAL, TARGET, score_of
from plans.tables import iso_date, ordered, uk_date

PER_PAGE = 25
NUMERIC = {
    "th": {"class": "govuk-table__header--numeric"},
    "td": {"class": "govuk-table__cell--numeric"},
}
NOWRAP = {"td": {"class": "app-nowrap"}}
REVIEW_OVERDUE = "Review overdue"
PAST_TOLERANCE = "Past tolerance"


def marked_reference(record, table):
    """The reference cell carries the row's mark when the review is overdue."""
    return OVERDUE_ROW if record.is_review_overdue(table.today) else ""


def score_cell(record, kind: str) -> str:
    return render_to_string(
        "plans/risks/includes/score.html", {"score": score_of(record, kind), "factors": True}
    )


def score_words(record, kind: str) -> str:
    score = score_of(record, kind)
    return f"{score.short} ({score.likelihood} × {score.impact})"


class RiskTable(SafeExport, tables.Table):
    caption = "Risks"
    row_header = "reference"
    scrollable = True

    reference = tables.Column(verbose_name="Reference", attrs={"td": {"class": marked_reference}})
    title = tables.Column(verbose_name="Risk", attrs={"td": {"class": "app-risk-table__title"}})
    category = tables.Column(verbose_name="Category")
    level = tables.Column(verbose_name="Level")
    owner = tables.Column(verbose_name="Owner", accessor="owner__name")
    inherent = tables.Column(verbose_name="Inherent score", empty_values=(), attrs=NOWRAP)
    residual = tables.Column(verbose_name="Residual score", empty_values=(), attrs=NOWRAP)
    target = tables.Column(verbose_name="Target score", empty_values=(), attrs=NOWRAP)
    tolerance = tables.Column(verbose_name="Tolerance")
    trend = tables.Column(verbose_name="Trend")
    review_date = tables.Column(verbose_name="Next review", empty_values=())
    escalated = tables.Column(verbose_name="Escalated", empty_values=())
    status = tables.Column(verbose_name="Status")
    publication_status = tables.Column(verbose_name="Publication")

    class Meta:
        attrs = {"class": "govuk-table app-risk-table", "id": "risks-table"}
        order_by_field = "sort"
        page_field = "page"
        per_page = PER_PAGE
        empty_text = "No risks match these filters."

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    # What the page shows.

    def render_reference(self, record, value):
        return format_html(
            '<a class="govuk-link" href="{}">{}</a>', record.get_absolute_url(), value
        )

    def render_inherent(self, record):
        return score_cell(record, INHERENT)

    def render_residual(self, record):
        return score_cell(record, RESIDUAL)

    def render_target(self, record):
        return score_cell(record, TARGET)

    def render_tolerance(self, record, value):
        if record.past_tolerance:
            return format_html(
                '{} <strong class="govuk-tag govuk-tag--red app-rag-tag">{}</strong>',
                value,
                PAST_TOLERANCE,
            )
        return value

    def render_review_date(self, record):
        if record.review_date is None:
            return "Not set"
        if record.is_review_overdue(self.today):
            return format_html(
                '<span class="app-nowrap">{}</span> '
                '<strong class="govuk-tag govuk-tag--red app-rag-tag">{}</strong>',
                uk_date(record.review_date),
                REVIEW_OVERDUE,
            )
        return format_html('<span class="app-nowrap">{}</span>', uk_date(record.review_date))

    def render_escalated(self, record):
        if not record.escalated:
            return "No"
        if record.escalated_on:
            return format_html(
                'Yes <span class="app-nowrap">{}</span>', uk_date(record.escalated_on)
            )
        return "Yes"

    # What the exports hold (text cells neutralised: biip.listing.SafeExport).

    def value_reference(self, value):
        return value

    def value_inherent(self, record):
        return score_words(record, INHERENT)

    def value_residual(self, record):
        return score_words(record, RESIDUAL)

    def value_target(self, record):
        return score_words(record, TARGET)

    def value_tolerance(self, record, value):
        return f"{value} ({PAST_TOLERANCE.lower()})" if record.past_tolerance else value

    def value_review_date(self, record):
        if record.is_review_overdue(self.today):
            return f"{iso_date(record.review_date)} ({REVIEW_OVERDUE.lower()})"
        return iso_date(record.review_date)

    def value_escalated(self, record):
        if not record.escalated:
            return "No"
        return f"Yes {iso_date(record.escalated_on)}".strip()

    # How each column sorts (scores by their product, worked out in the database).

    def order_reference(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("reference"))

    def order_title(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("title"))

    def order_owner(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("owner__name"))

    def order_inherent(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("inherent_product"), F("inherent_impact"))

    def order_residual(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("residual_product"), F("residual_impact"))

    def order_target(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("target_product"), F("target_impact"))

    def order_review_date(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("review_date"))

    def order_escalated(self, queryset, is_descending):
        return ordered(queryset, is_descending, F("escalated"), F("escalated_on"))

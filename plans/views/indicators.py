"""Indicators: the list (each with its latest value, how it compares with the value before
and with the target, and its latest benchmark quartile), the indicator page (a chart of
its values against the target and the previous year, and the table of values), and
entering and changing a month's value.

Every signed-in role reads; values are entered by the indicator's owner, the secretariat
and administrators (plans.access.can_enter_indicator_values).
"""

import datetime
from copy import copy
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from plans.access import (
    can_enter_indicator_values,
    get_indicator_for_values,
    get_indicator_for_view,
)
from plans.forms.indicators import MONTHS, IndicatorValueForm, month_words
from plans.indicators import (
    against_target,
    compare,
    next_period,
    quartile_words,
    value_chart,
)
from plans.models import Indicator, IndicatorValue

GET_POST = ["GET", "POST"]


def data_or_none(request):
    return request.POST if request.method == "POST" else None


def get_value_for_entry(user, pk: int) -> IndicatorValue:
    """A value, if the user may change its indicator's values: 404 if there is none, 403
    if the indicator is not theirs."""
    if not user.is_authenticated:
        raise PermissionDenied
    value = get_object_or_404(
        IndicatorValue.objects.select_related("indicator__owner", "indicator__directorate"),
        pk=pk,
    )
    if not can_enter_indicator_values(user, value.indicator):
        raise PermissionDenied("Only the indicator's owner and the secretariat enter values.")
    return value


def with_latest(indicators):
    """Each indicator with its latest value (period, label, value), the value before it,
    and its latest benchmark quartile (and that value's period), in the same query."""
    values = IndicatorValue.objects.filter(indicator=OuterRef("pk")).order_by("-period")
    benchmarked = values.filter(benchmark_quartile__isnull=False)
    return indicators.annotate(
        latest_period=Subquery(values.values("period")[:1]),
        latest_label=Subquery(values.values("label")[:1]),
        latest_value=Subquery(values.values("value")[:1]),
        previous_value=Subquery(values.values("value")[1:2]),
        quartile=Subquery(benchmarked.values("benchmark_quartile")[:1]),
        quartile_period=Subquery(benchmarked.values("period")[:1]),
    )


@dataclass
class Row:
    """One indicator in the list, in words."""

    indicator: Indicator
    latest: str | None
    period: datetime.date | None
    label: str
    target: str | None
    against_target: str | None
    change: str | None
    quartile: str
    quartile_period: datetime.date | None

    @classmethod
    def of(cls, indicator: Indicator) -> "Row":
        latest = indicator.latest_value
        polarity = indicator.polarity
        return cls(
            indicator=indicator,
            latest=indicator.format_value(latest) if latest is not None else None,
            period=indicator.latest_period,
            label=indicator.latest_label or "",
            target=indicator.format_value(indicator.target)
            if indicator.target is not None
            else None,
            against_target=against_target(latest, indicator.target, polarity),
            change=compare(latest, indicator.previous_value, polarity),
            quartile=quartile_words(indicator.quartile),
            quartile_period=indicator.quartile_period
            if indicator.quartile_period != indicator.latest_period
            else None,
        )


@require_safe
@login_required
def indicator_list(request):
    """Every indicator with its latest value, in one query whatever the number of values."""
    indicators = with_latest(Indicator.objects.select_related("owner", "directorate"))
    rows = [Row.of(indicator) for indicator in indicators.order_by("code")]
    return render(request, "plans/indicators/indicator_list.html", {"rows": rows})


@require_safe
@login_required
def indicator_detail(request, pk: int):
    """One indicator: what it measures, a chart of its values against the target and the
    previous year, and the table of its values (with edit links for those who may)."""
    indicator = get_indicator_for_view(request.user, pk)
    values = list(indicator.values.order_by("period"))
    latest = values[-1] if values else None
    context = {
        "indicator": indicator,
        "values": values,
        "latest": latest,
        "latest_text": indicator.format_value(latest.value) if latest else None,
        "change": compare(latest.value, values[-2].value, indicator.polarity)
        if len(values) > 1
        else None,
        "against_target": against_target(
            latest.value if latest else None, indicator.target, indicator.polarity
        ),
        "target_text": indicator.format_value(indicator.target)
        if indicator.target is not None
        else None,
        "chart": value_chart(indicator, values) if values else None,
        "rows": [
            (
                value,
                indicator.format_value(value.value),
                quartile_words(value.benchmark_quartile) if value.benchmark_quartile else "",
            )
            for value in values
        ],
        "can_enter": can_enter_indicator_values(request.user, indicator),
    }
    return render(request, "plans/indicators/indicator_detail.html", context)


def form_page(request, form, indicator: Indicator, value: IndicatorValue | None = None):
    context = {
        "form": form,
        "indicator": indicator,
        "value": value,
        "months": MONTHS,
        "target_text": indicator.format_value(indicator.target)
        if indicator.target is not None
        else None,
    }
    return render(request, "plans/indicators/value_form.html", context)


def save_value(form: IndicatorValueForm) -> IndicatorValue | None:
    """Save the form's value; None (with the error beside the month) if someone saved a
    value for the same month in the meantime."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        existing = form.existing_value(form.cleaned_data["period"])
        if existing is None:
            raise
        form.refuse_second_value(existing)
        return None


@require_http_methods(GET_POST)
@login_required
def value_add(request, pk: int):
    """A month's value of the indicator; the month after the latest value's is offered."""
    indicator = get_indicator_for_values(request.user, pk)
    initial = {}
    if request.method == "GET":
        latest = indicator.values.aggregate(latest=Max("period"))["latest"]
        initial["period"] = next_period([latest] if latest else [], timezone.localdate())
    form = IndicatorValueForm(data_or_none(request), indicator=indicator, initial=initial)
    if form.is_valid():
        value = save_value(form)
        if value is not None:
            messages.success(request, f"The value for {month_words(value.period)} has been added.")
            return redirect(value.get_absolute_url())
    return form_page(request, form, indicator)


@require_http_methods(GET_POST)
@login_required
def value_edit(request, pk: int):
    """Change a value; a change saved by someone else since the form was opened is shown,
    not overwritten."""
    value = get_value_for_entry(request.user, pk)
    indicator = value.indicator
    with transaction.atomic():
        if request.method == "POST":  # lock the row while checking for others' changes
            value.refresh_from_db(from_queryset=IndicatorValue.objects.select_for_update())
        form = IndicatorValueForm(data_or_none(request), instance=copy(value), indicator=indicator)
        if form.is_valid():
            saved = save_value(form)
            if saved is not None:
                messages.success(
                    request, f"The value for {month_words(saved.period)} has been saved."
                )
                return redirect(saved.get_absolute_url())
    return form_page(request, form, indicator, value)

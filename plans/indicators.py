"""What the indicator pages work out: whether a value is better or worse than another
given the indicator's polarity, how it stands against the target, the benchmark quartile
in words, the values of the year before (for the chart's "previous" line), the month
labels, and reading a value as people type it ("28", "28.0", "£28m", "85.5%").

Nothing here touches the database: the views and forms pass in what they have loaded.
"""

import datetime
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation

from biip.charts import LineChart, Series, line_chart
from plans.models import Indicator, IndicatorValue

BETTER = "Better"
WORSE = "Worse"
NO_CHANGE = "No change"

QUARTILE_WORDS = {
    1: "Quartile 1 (top)",
    2: "Quartile 2",
    3: "Quartile 3",
    4: "Quartile 4 (bottom)",
}
NOT_BENCHMARKED = "Not benchmarked"

# The most digits a value may have before and after the point (IndicatorValue.value is a
# decimal of 14 digits, 2 of them after the point).
WHOLE_DIGITS = 12
DECIMAL_PLACES = 2


def compare(value: Decimal, earlier: Decimal | None, polarity: str) -> str | None:
    """ "Better", "Worse" or "No change" for `value` against an `earlier` one, given the
    polarity (higher or lower is better); None when there is nothing to compare with."""
    if value is None or earlier is None:
        return None
    if value == earlier:
        return NO_CHANGE
    higher = value > earlier
    if polarity == Indicator.Polarity.HIGHER_IS_BETTER:
        return BETTER if higher else WORSE
    return WORSE if higher else BETTER


def against_target(value: Decimal | None, target: Decimal | None, polarity: str) -> str | None:
    """ "On target", "Better than target" or "Worse than target"; None without a target
    or a value."""
    words = compare(value, target, polarity)
    if words is None:
        return None
    return {NO_CHANGE: "On target", BETTER: "Better than target", WORSE: "Worse than target"}[words]


def quartile_words(quartile: int | None) -> str:
    """The benchmark quartile in words: quartile 1 is the best-performing quarter."""
    return QUARTILE_WORDS.get(quartile, NOT_BENCHMARKED)


def year_earlier(period: datetime.date) -> datetime.date:
    """The same month a year before (periods are the first of a month)."""
    return period.replace(year=period.year - 1, day=1)


def previous_year(
    periods: Sequence[datetime.date], values: Mapping[datetime.date, Decimal]
) -> list[Decimal | None]:
    """For each period, the value 12 months earlier (None where there is none): the
    chart's "previous" line, aligned to the same month labels."""
    return [values.get(year_earlier(period)) for period in periods]


def month_label(period: datetime.date, label: str = "") -> str:
    """A value's own label ("M1 2018-19") where it has one, else "Apr 2018"."""
    return label or f"{period:%b %Y}"


def value_chart(indicator: Indicator, values: Sequence[IndicatorValue]) -> LineChart:
    """The indicator's values (oldest first) as a line chart, with its target and, where
    there are values 12 months earlier, the previous year's values for the same months.
    The y axis is in the indicator's unit (£28m, 85%)."""
    periods = [value.period for value in values]
    series = [Series("Value", [value.value for value in values])]
    against = []
    if indicator.target is not None:
        series.append(Series("Target", [indicator.target] * len(values), style="target"))
        against.append("the target")
    earlier = previous_year(periods, {value.period: value.value for value in values})
    if any(number is not None for number in earlier):
        series.append(Series("Previous year", earlier, style="previous"))
        against.append("the previous year")
    title = f"{indicator.name}: values by month"
    chart = line_chart(
        chart_id="indicator-chart",
        title=f"{title} against {' and '.join(against)}" if against else title,
        caption=f"{indicator.code} {indicator.name}: values by month",
        labels=[month_label(value.period, value.label) for value in values],
        series=series,
        fmt=lambda number: indicator.format_value(Decimal(str(number))),
        tick_fmt=lambda number: indicator.format_value(Decimal(str(number)), axis=True),
        width=720,
    )
    return spaced_labels(chart)


# About how wide a character of the axis labels is (14px Arial), and the least gap
# between two labels, in the chart's units.
CHARACTER_WIDTH = 7.5
LABEL_GAP = 8


def spaced_labels(chart: LineChart) -> LineChart:
    """Leave out every other label along the axis (or more) where long labels such as
    "M1 2018-19" would overlap; the table under the chart still names every month."""
    labels = chart.x_labels
    if len(labels) < 2:
        return chart
    room = labels[1].x - labels[0].x
    needed = max(len(label.text) for label in labels) * CHARACTER_WIDTH + LABEL_GAP
    every = math.ceil(needed / room)
    if every > 1:
        chart.x_labels = labels[::every]
    return chart


def next_period(periods: Iterable[datetime.date], today: datetime.date) -> datetime.date:
    """The month after the latest value's, but never past this month: what the next value
    is most likely for."""
    this_month = today.replace(day=1)
    latest = max(periods, default=None)
    if latest is None:
        return this_month
    following = (latest.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return min(following, this_month)


# Reading typed values.

UNIT_EXAMPLES = {
    Indicator.Unit.GBP_MILLIONS: "in £ million, for example 28.0 or £28.0m",
    Indicator.Unit.PERCENT: "as a percentage, for example 85.5 or 85.5%",
    Indicator.Unit.NUMBER: "as a number, for example 1250",
    Indicator.Unit.DAYS: "as a number of days, for example 12",
}

AMOUNT = re.compile(
    r"""^(?P<sign>[-\u2212])?
    (?P<pound>£)?
    (?P<sign_after_pound>[-\u2212])?
    (?P<number>\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)
    (?P<suffix>m|%)?$""",
    re.VERBOSE | re.IGNORECASE,
)


class AmountError(ValueError):
    """A typed value that cannot be read; its message says what is expected."""


def expected(unit: str) -> str:
    return f"Enter the value {UNIT_EXAMPLES[unit]}"


def parse_amount(text: str, unit: str) -> Decimal:
    """The value typed as `text` for an indicator measured in `unit`. Digits (with an
    optional minus sign and thousands commas), a leading £ and a trailing m only for
    £ million, a trailing % only for percentages. Raises AmountError saying what is
    expected otherwise."""
    typed = re.sub(r"\s+", "", text or "")
    match = AMOUNT.match(typed)
    if match is None:
        raise AmountError(expected(unit))
    money = match["pound"] or (match["suffix"] or "").lower() == "m"
    if money and unit != Indicator.Unit.GBP_MILLIONS:
        raise AmountError(f"This indicator is not measured in £ million. {expected(unit)}")
    if match["suffix"] == "%" and unit != Indicator.Unit.PERCENT:
        raise AmountError(f"This indicator is not a percentage. {expected(unit)}")
    if match["sign"] and match["sign_after_pound"]:
        raise AmountError(expected(unit))
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only digits
        raise AmountError(expected(unit)) from error
    if match["sign"] or match["sign_after_pound"]:
        number = -number
    if unit == Indicator.Unit.GBP_MILLIONS and abs(number) >= 1_000_000:
        raise AmountError(
            "Enter the value in millions of pounds: for £28,000,000 enter 28 (or £28m)"
        )
    if abs(number) >= 10**WHOLE_DIGITS:
        raise AmountError("The value is too large: enter a value below 1,000,000,000,000")
    cents = number.quantize(Decimal(1).scaleb(-DECIMAL_PLACES))
    if cents != number:
        raise AmountError(f"Enter the value with no more than {DECIMAL_PLACES} decimal places")
    return cents.copy_abs() if cents == 0 else cents  # "-0" is 0


def typed_amount(value: Decimal | None) -> str:
    """A saved value as the user would type it back: 28.00 as "28", 2.80 as "2.8"."""
    if value is None:
        return ""
    return f"{value.normalize():f}"

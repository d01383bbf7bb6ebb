"""The form with which an indicator's owner (or the secretariat) enters a month's value
and changes it later.

The month is chosen from a list and the year typed; the value is read as people type it
(plans.indicators.parse_amount); every message is beside its field. One value per month:
a month that has a value already is refused, naming the month, and the page links to the
value to change instead. Changes saved by someone else after the form was opened are
reported, not overwritten (ConflictCheckedForm).
"""

import datetime
import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from biip.forms import ConflictCheckedForm, Radios
from plans.indicators import (
    QUARTILE_WORDS,
    UNIT_EXAMPLES,
    AmountError,
    parse_amount,
    typed_amount,
)
from plans.models import Indicator, IndicatorValue

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS = [(str(number), name) for number, name in enumerate(MONTH_NAMES, start=1)]
EARLIEST_YEAR = 1990

# What the value box shows either side of the number, by unit.
PREFIXES = {Indicator.Unit.GBP_MILLIONS: "£"}
SUFFIXES = {
    Indicator.Unit.GBP_MILLIONS: "m",
    Indicator.Unit.PERCENT: "%",
    Indicator.Unit.DAYS: "days",
}


def month_words(period: datetime.date) -> str:
    return date_format(period, "F Y")


class MonthYearWidget(forms.MultiWidget):
    """A month chosen from a list and a year typed: period_month and period_year."""

    def __init__(self, attrs=None):
        widgets = {
            "month": forms.Select(choices=[("", "Choose a month"), *MONTHS]),
            "year": forms.TextInput,
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        return [str(value.month), str(value.year)] if value else ["", ""]

    def id_for_label(self, id_):
        return f"{id_}_month" if id_ else ""


class MonthField(forms.Field):
    """A month (the first day of it) from a month list and a typed year."""

    widget = MonthYearWidget
    default_error_messages = {
        "required": "Enter the month and year the value is for",
        "month": "Choose the month the value is for",
        "year": "Enter the year the value is for, for example 2019",
        "year_digits": "Enter the year as 4 digits, for example 2019",
        "year_early": f"Enter a year from {EARLIEST_YEAR} onwards",
    }

    def prepare_value(self, value):
        """[month, year] as the page shows them, from a saved date or what was typed."""
        if isinstance(value, datetime.date):
            return [str(value.month), str(value.year)]
        return list(value) if value else ["", ""]

    def to_python(self, value):
        month, year = ((part or "").strip() for part in (value or ["", ""]))
        if not month and not year:
            return None
        if month not in dict(MONTHS):
            raise ValidationError(self.error_messages["month"], code="month")
        if not year:
            raise ValidationError(self.error_messages["year"], code="year")
        if not re.fullmatch(r"\d{4}", year):
            raise ValidationError(self.error_messages["year_digits"], code="year_digits")
        if int(year) < EARLIEST_YEAR:
            raise ValidationError(self.error_messages["year_early"], code="year_early")
        return datetime.date(int(year), int(month), 1)


class AmountField(forms.Field):
    """A value typed as "28", "28.0", "£28m" or "85.5%", read for the indicator's unit."""

    widget = forms.TextInput

    def __init__(self, *, unit: str = Indicator.Unit.NUMBER, **kwargs):
        self.unit = unit
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return typed_amount(value) if isinstance(value, Decimal) else value

    def to_python(self, value):
        text = (value or "").strip()
        if not text:
            return None
        try:
            return parse_amount(text, self.unit)
        except AmountError as error:
            raise ValidationError(str(error), code="invalid") from error


QUARTILE_CHOICES = [(str(number), words) for number, words in QUARTILE_WORDS.items()]


class IndicatorValueForm(ConflictCheckedForm):
    """One month's value of an indicator (the indicator is fixed). When editing, the form
    carries `seen_version` and refuses to overwrite a change saved since it was opened."""

    noun = "value"
    period = MonthField(label="Month the value is for")
    value = AmountField(label="Value")
    benchmark_quartile = forms.TypedChoiceField(
        label="Benchmark quartile (optional)",
        choices=[*QUARTILE_CHOICES, ("", "Not benchmarked")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=Radios,
        error_messages={"invalid_choice": "Choose a quartile from 1 to 4, or not benchmarked"},
    )

    class Meta:
        model = IndicatorValue
        fields = ["period", "value", "label", "benchmark_quartile", "note"]
        labels = {"label": "Label (optional)", "note": "Note (optional)"}
        help_texts = {"label": "", "note": ""}

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.instance.indicator = indicator
        self.existing: IndicatorValue | None = None
        self.fields["value"].unit = indicator.unit
        self.fields["value"].error_messages["required"] = (
            f"Enter the value {UNIT_EXAMPLES[indicator.unit]}"
        )
        self.fields["label"].error_messages["max_length"] = (
            "The label must be 40 characters or fewer"
        )

    @property
    def prefix_text(self) -> str:
        return PREFIXES.get(self.indicator.unit, "")

    @property
    def suffix_text(self) -> str:
        return SUFFIXES.get(self.indicator.unit, "")

    @property
    def unit_hint(self) -> str:
        return f"Enter it {UNIT_EXAMPLES[self.indicator.unit]}."

    def existing_value(self, period: datetime.date) -> IndicatorValue | None:
        """Another value of the indicator for the same month, if there is one."""
        others = self.indicator.values.filter(period=period)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        return others.first()

    def refuse_second_value(self, existing: IndicatorValue) -> None:
        self.existing = existing
        self.add_error(
            "period",
            f"There is already a value for {month_words(existing.period)}: "
            "change that value instead of adding another",
        )

    def clean(self):
        cleaned_data = super().clean()
        period = cleaned_data.get("period")
        if period:
            existing = self.existing_value(period)
            if existing is not None:
                self.refuse_second_value(existing)
        return cleaned_data

"""The indicator logic (plans.indicators): better or worse given the polarity, against
the target, quartiles in words, the previous year's values aligned to the same months,
month labels, the next month to enter, reading typed values, and the chart."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase

from plans.indicators import (
    AmountError,
    against_target,
    compare,
    month_label,
    next_period,
    parse_amount,
    previous_year,
    quartile_words,
    spaced_labels,
    typed_amount,
    value_chart,
    year_earlier,
)
from plans.models import Indicator, IndicatorValue

HIGHER = Indicator.Polarity.HIGHER_IS_BETTER
LOWER = Indicator.Polarity.LOWER_IS_BETTER
GBP = Indicator.Unit.GBP_MILLIONS
PERCENT = Indicator.Unit.PERCENT
NUMBER = Indicator.Unit.NUMBER
DAYS = Indicator.Unit.DAYS
D = Decimal

# The demo's 2018-19 forecast overspend, M1 to M9.
OVERSPEND = ["28.0", "26.4", "23.1", "19.6", "15.3", "11.7", "8.2", "5.0", "2.8"]


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def overspend() -> tuple[Indicator, list[IndicatorValue]]:
    indicator = Indicator(
        code="FIN-01",
        name="Forecast in-year overspend 2018-19",
        unit=GBP,
        polarity=LOWER,
        target=D("0"),
    )
    values = [
        IndicatorValue(period=month(2018, 4 + i), label=f"M{i + 1} 2018-19", value=D(v))
        for i, v in enumerate(OVERSPEND)
    ]
    return indicator, values


class CompareTest(SimpleTestCase):
    def test_lower_is_better(self):
        self.assertEqual(compare(D("2.8"), D("5.0"), LOWER), "Better")
        self.assertEqual(compare(D("5.0"), D("2.8"), LOWER), "Worse")

    def test_higher_is_better(self):
        self.assertEqual(compare(D("2"), D("1.5"), HIGHER), "Better")
        self.assertEqual(compare(D("1.5"), D("2"), HIGHER), "Worse")

    def test_no_change_either_way(self):
        self.assertEqual(compare(D("12.00"), D("12"), LOWER), "No change")
        self.assertEqual(compare(D("12"), D("12.0"), HIGHER), "No change")

    def test_nothing_to_compare_with(self):
        self.assertIsNone(compare(D("12"), None, LOWER))
        self.assertIsNone(compare(None, D("12"), HIGHER))

    def test_negative_values(self):
        # An underspend (negative overspend) is better than an overspend.
        self.assertEqual(compare(D("-1.5"), D("0.5"), LOWER), "Better")


class AgainstTargetTest(SimpleTestCase):
    def test_words(self):
        self.assertEqual(against_target(D("2.8"), D("0"), LOWER), "Worse than target")
        self.assertEqual(against_target(D("12"), D("15"), LOWER), "Better than target")
        self.assertEqual(against_target(D("1.5"), D("2"), HIGHER), "Worse than target")
        self.assertEqual(against_target(D("3"), D("2"), HIGHER), "Better than target")
        self.assertEqual(against_target(D("15"), D("15.00"), LOWER), "On target")

    def test_no_target_or_no_value(self):
        self.assertIsNone(against_target(D("2.8"), None, LOWER))
        self.assertIsNone(against_target(None, D("0"), LOWER))


class QuartileWordsTest(SimpleTestCase):
    def test_words(self):
        self.assertEqual(quartile_words(1), "Quartile 1 (top)")
        self.assertEqual(quartile_words(2), "Quartile 2")
        self.assertEqual(quartile_words(3), "Quartile 3")
        self.assertEqual(quartile_words(4), "Quartile 4 (bottom)")
        self.assertEqual(quartile_words(None), "Not benchmarked")


class PreviousYearTest(SimpleTestCase):
    def test_year_earlier(self):
        self.assertEqual(year_earlier(month(2019, 4)), month(2018, 4))
        self.assertEqual(year_earlier(month(2020, 2)), month(2019, 2))

    def test_values_twelve_months_earlier_on_the_same_months(self):
        values = {
            month(2017, 4): D("30"),
            month(2017, 6): D("25"),
            month(2018, 4): D("28"),
            month(2018, 5): D("26.4"),
            month(2018, 6): D("23.1"),
        }
        periods = [month(2018, 4), month(2018, 5), month(2018, 6)]
        self.assertEqual(previous_year(periods, values), [D("30"), None, D("25")])

    def test_none_without_a_year_before(self):
        periods = [month(2018, 4), month(2018, 5)]
        self.assertEqual(previous_year(periods, {month(2018, 4): D("1")}), [None, None])


class LabelsAndPeriodsTest(SimpleTestCase):
    def test_month_label(self):
        self.assertEqual(month_label(month(2018, 4)), "Apr 2018")
        self.assertEqual(month_label(month(2018, 4), "M1 2018-19"), "M1 2018-19")

    def test_next_period_is_the_month_after_the_latest(self):
        today = datetime.date(2019, 6, 15)
        self.assertEqual(next_period([month(2018, 12), month(2018, 4)], today), month(2019, 1))
        self.assertEqual(next_period([month(2018, 2)], today), month(2018, 3))

    def test_next_period_is_never_in_the_future(self):
        today = datetime.date(2019, 6, 15)
        self.assertEqual(next_period([month(2019, 6)], today), month(2019, 6))
        self.assertEqual(next_period([], today), month(2019, 6))


class ParseAmountTest(SimpleTestCase):
    def test_plain_numbers_for_every_unit(self):
        for unit in (GBP, PERCENT, NUMBER, DAYS):
            with self.subTest(unit=unit):
                self.assertEqual(parse_amount("28", unit), D("28.00"))
                self.assertEqual(parse_amount(" 28.0 ", unit), D("28.00"))
                self.assertEqual(parse_amount("2.8", unit), D("2.80"))
                self.assertEqual(parse_amount(".5", unit), D("0.50"))
                self.assertEqual(parse_amount("1,250", unit), D("1250.00"))
                self.assertEqual(parse_amount("-1.5", unit), D("-1.50"))

    def test_pounds_and_millions_for_gbp_m(self):
        self.assertEqual(parse_amount("£28m", GBP), D("28.00"))
        self.assertEqual(parse_amount("£28.0M", GBP), D("28.00"))
        self.assertEqual(parse_amount("£ 2.8 m", GBP), D("2.80"))
        self.assertEqual(parse_amount("£2.8", GBP), D("2.80"))
        self.assertEqual(parse_amount("2.8m", GBP), D("2.80"))
        self.assertEqual(parse_amount("-£1.5m", GBP), D("-1.50"))
        self.assertEqual(parse_amount("£-1.5m", GBP), D("-1.50"))

    def test_percent_for_percentages(self):
        self.assertEqual(parse_amount("85.5%", PERCENT), D("85.50"))
        self.assertEqual(parse_amount("12 %", PERCENT), D("12.00"))

    def test_minus_zero_is_zero(self):
        value = parse_amount("-0", NUMBER)
        self.assertEqual(str(value), "0.00")

    def assertRefused(self, text: str, unit: str, message: str):
        with self.assertRaises(AmountError) as caught:
            parse_amount(text, unit)
        self.assertEqual(str(caught.exception), message)

    def test_symbols_of_another_unit_are_refused(self):
        self.assertRefused(
            "£85",
            PERCENT,
            "This indicator is not measured in £ million. "
            "Enter the value as a percentage, for example 85.5 or 85.5%",
        )
        self.assertRefused(
            "12m",
            DAYS,
            "This indicator is not measured in £ million. "
            "Enter the value as a number of days, for example 12",
        )
        self.assertRefused(
            "28%",
            GBP,
            "This indicator is not a percentage. "
            "Enter the value in £ million, for example 28.0 or £28.0m",
        )
        self.assertRefused(
            "5%",
            NUMBER,
            "This indicator is not a percentage. Enter the value as a number, for example 1250",
        )

    def test_words_and_junk_are_refused_saying_what_is_expected(self):
        expected = "Enter the value in £ million, for example 28.0 or £28.0m"
        for text in ("twenty", "28..0", "28.0.1", "£", "m", "-", "1e3", "28m%", "--1", "-£-1"):
            with self.subTest(text=text):
                self.assertRefused(text, GBP, expected)
        self.assertRefused("about 12", DAYS, "Enter the value as a number of days, for example 12")

    def test_at_most_two_decimal_places(self):
        self.assertRefused("2.805", GBP, "Enter the value with no more than 2 decimal places")
        self.assertEqual(parse_amount("2.800", GBP), D("2.80"))

    def test_pounds_rather_than_millions_are_refused(self):
        self.assertRefused(
            "£28,000,000",
            GBP,
            "Enter the value in millions of pounds: for £28,000,000 enter 28 (or £28m)",
        )
        self.assertEqual(parse_amount("999999", GBP), D("999999.00"))

    def test_too_large(self):
        self.assertRefused(
            "1" + "0" * 12,
            NUMBER,
            "The value is too large: enter a value below 1,000,000,000,000",
        )
        self.assertRefused(
            "9" * 40,
            NUMBER,
            "The value is too large: enter a value below 1,000,000,000,000",
        )
        self.assertEqual(parse_amount("9" * 12, NUMBER), D("9" * 12))

    def test_typed_amount(self):
        self.assertEqual(typed_amount(D("28.00")), "28")
        self.assertEqual(typed_amount(D("2.80")), "2.8")
        self.assertEqual(typed_amount(D("100.00")), "100")
        self.assertEqual(typed_amount(None), "")


class ValueChartTest(SimpleTestCase):
    def test_the_overspend_falls_from_28_to_2_8(self):
        indicator, values = overspend()
        chart = value_chart(indicator, values)
        line = chart.lines[0]
        self.assertEqual(line.name, "Value")
        heights = [marker.y for marker in line.markers]
        self.assertEqual(len(heights), 9)
        # SVG's y grows down the page: a falling line's markers go down.
        self.assertEqual(heights, sorted(heights))
        self.assertEqual(len(set(heights)), 9)
        self.assertEqual(line.markers[0].text, "M1 2018-19: £28.0m")
        self.assertEqual(line.markers[-1].text, "M9 2018-19: £2.8m")
        self.assertEqual(chart.rows[0], ("M1 2018-19", ["£28.0m", "£0.0m"]))
        self.assertEqual(chart.rows[-1], ("M9 2018-19", ["£2.8m", "£0.0m"]))

    def test_target_series_and_axis_in_the_unit(self):
        indicator, values = overspend()
        chart = value_chart(indicator, values)
        self.assertEqual(chart.columns, ["Value", "Target"])
        self.assertEqual(chart.lines[1].dash, "8 4")
        self.assertEqual([tick.text for tick in chart.ticks], ["£0m", "£10m", "£20m", "£30m"])
        self.assertEqual(
            chart.title,
            "Forecast in-year overspend 2018-19: values by month against the target",
        )

    def test_no_target_no_target_line(self):
        indicator, values = overspend()
        indicator.target = None
        chart = value_chart(indicator, values)
        self.assertEqual(chart.columns, ["Value"])
        self.assertEqual(chart.title, "Forecast in-year overspend 2018-19: values by month")

    def test_previous_year_aligned_to_the_same_months(self):
        indicator = Indicator(code="CYP-01", name="Agency staff", unit=PERCENT, polarity=LOWER)
        values = [
            IndicatorValue(period=month(2019, 7), value=D("16")),
            IndicatorValue(period=month(2019, 10), value=D("14.5")),
            IndicatorValue(period=month(2020, 7), value=D("12")),
        ]
        chart = value_chart(indicator, values)
        self.assertEqual(chart.columns, ["Value", "Previous year"])
        self.assertEqual(
            chart.rows,
            [
                ("Jul 2019", ["16%", "-"]),
                ("Oct 2019", ["14.5%", "-"]),
                ("Jul 2020", ["12%", "16%"]),
            ],
        )
        previous = chart.lines[1]
        self.assertEqual(previous.marker, "square")
        self.assertEqual(len(previous.markers), 1)
        self.assertEqual(previous.markers[0].x, chart.lines[0].markers[2].x)
        self.assertEqual(previous.markers[0].y, chart.lines[0].markers[0].y)
        self.assertTrue(chart.title.endswith("against the previous year"))

    def test_long_labels_are_spaced_out_short_ones_kept(self):
        indicator, values = overspend()
        chart = value_chart(indicator, values)
        self.assertEqual(
            [label.text for label in chart.x_labels],
            ["M1 2018-19", "M3 2018-19", "M5 2018-19", "M7 2018-19", "M9 2018-19"],
        )
        for value in values:
            value.label = ""
        chart = value_chart(indicator, values)
        self.assertEqual(len(chart.x_labels), 9)
        self.assertEqual(chart.x_labels[0].text, "Apr 2018")

    def test_spaced_labels_with_one_label(self):
        indicator, values = overspend()
        chart = value_chart(indicator, values[:1])
        self.assertEqual(spaced_labels(chart).x_labels[0].text, "M1 2018-19")


class FormatValueTest(SimpleTestCase):
    def test_money_in_millions_keeps_a_decimal_place(self):
        money = Indicator(unit=Indicator.Unit.GBP_MILLIONS)
        shown = [money.format_value(Decimal(v)) for v in ("28.00", "2.80", "2.75", "-1.50")]
        self.assertEqual(shown, ["£28.0m", "£2.8m", "£2.75m", "-£1.5m"])
        self.assertEqual(money.format_value(Decimal("10"), axis=True), "£10m")

    def test_percent_and_number(self):
        self.assertEqual(
            Indicator(unit=Indicator.Unit.PERCENT).format_value(Decimal("85.50")), "85.5%"
        )
        self.assertEqual(Indicator(unit=Indicator.Unit.NUMBER).format_value(Decimal("12")), "12")

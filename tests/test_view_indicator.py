"""The indicator page (/indicators/<pk>/): what it measures, the SVG line chart of its
values against the target and the previous year, and the table of values with edit links
for those who may enter values."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from plans.models import Indicator
from tests.base import RolesTestCase
from tests.factories import make_indicator, make_indicator_value, make_person

OVERSPEND = ["28.0", "26.4", "23.1", "19.6", "15.3", "11.7", "8.2", "5.0", "2.8"]


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


class IndicatorPageTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.heaphy = make_person(
            name="Clive Heaphy",
            title="Corporate Director Finance and Governance",
            organisation=cls.council,
        )
        cls.overspend = make_indicator(
            code="FIN-01",
            name="Forecast in-year overspend 2018-19",
            description="The forecast revenue overspend for 2018-19 (M1 is April).",
            unit=Indicator.Unit.GBP_MILLIONS,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            target=Decimal("0"),
            owner=cls.olivia.person,
            directorate=cls.finance,
        )
        for i, value in enumerate(OVERSPEND):
            make_indicator_value(
                cls.overspend,
                period=month(2018, 4 + i),
                label=f"M{i + 1} 2018-19",
                value=Decimal(value),
                note="Reported figure (month 1)." if i == 0 else "",
            )
        cls.url = reverse("indicator", args=[cls.overspend.pk])

    def svg(self, response) -> str:
        html = response.content.decode()
        match = re.search(r'<svg class="app-line-chart__svg".*?</svg>', html, re.S)
        self.assertIsNotNone(match)
        return match[0]

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_missing_indicator_is_404(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("indicator", args=[999])).status_code, 404)

    def test_every_role_reads_the_page(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Forecast in-year overspend 2018-19</h1>")

    def test_what_the_indicator_measures(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, "The forecast revenue overspend for 2018-19 (M1 is April).")
        self.assertContains(
            response, '<dd class="govuk-summary-list__value" id="indicator-unit">£ million</dd>'
        )
        self.assertContains(
            response,
            '<dd class="govuk-summary-list__value" id="indicator-polarity">Lower is better</dd>',
        )
        self.assertContains(
            response, '<dd class="govuk-summary-list__value" id="indicator-target">£0.0m</dd>'
        )
        self.assertContains(response, "Olivia Example")
        self.assertContains(response, "Finance and Governance")
        self.assertContains(
            response,
            '<span class="govuk-!-font-size-36 govuk-!-font-weight-bold" id="latest-value">'
            "£2.8m</span>",
        )
        self.assertContains(response, "for December 2018 (M9 2018-19)")
        self.assertContains(response, "Better</strong>")
        self.assertContains(response, "Worse than target")

    def test_the_overspend_chart_falls_from_28_to_2_8(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        svg = self.svg(response)
        self.assertIn('role="img"', svg)
        self.assertIn(
            '<title id="indicator-chart-title">Forecast in-year overspend 2018-19: values by '
            "month against the target</title>",
            svg,
        )
        markers = re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)" r="5" fill="#1d70b8"><title>(.*?)</title>', svg
        )
        self.assertEqual(len(markers), 9)
        heights = [float(y) for _, y, _ in markers]
        # SVG's y grows down the page: each marker lower than the one before.
        self.assertTrue(all(a < b for a, b in zip(heights, heights[1:], strict=False)), heights)
        self.assertEqual(markers[0][2], "Value, M1 2018-19: £28.0m")
        self.assertEqual(markers[-1][2], "Value, M9 2018-19: £2.8m")
        chart = response.context["chart"]
        self.assertEqual(chart.rows[0], ("M1 2018-19", ["£28.0m", "£0.0m"]))
        self.assertEqual(chart.rows[-1], ("M9 2018-19", ["£2.8m", "£0.0m"]))

    def test_chart_has_a_target_line_and_an_axis_in_pounds(self):
        self.client.force_login(self.pat)
        svg = self.svg(self.client.get(self.url))
        self.assertIn('stroke="#00703c" stroke-width="3" stroke-dasharray="8 4"', svg)
        for text in ("£0m", "£10m", "£20m", "£30m"):
            self.assertIn(f'fill="#0b0c0c">{text}</text>', svg)
        self.assertIn(">M1 2018-19</text>", svg)
        self.assertNotIn("Previous year", svg)

    def test_previous_year_where_there_is_one(self):
        indicator = make_indicator(
            unit=Indicator.Unit.PERCENT, polarity=Indicator.Polarity.LOWER_IS_BETTER
        )
        make_indicator_value(indicator, period=month(2019, 7), value=Decimal("16"))
        make_indicator_value(indicator, period=month(2019, 10), value=Decimal("14.5"))
        make_indicator_value(indicator, period=month(2020, 7), value=Decimal("12"))
        self.client.force_login(self.pat)
        response = self.client.get(reverse("indicator", args=[indicator.pk]))
        chart = response.context["chart"]
        self.assertEqual(chart.columns, ["Value", "Previous year"])
        self.assertEqual(
            chart.rows,
            [
                ("Jul 2019", ["16%", "-"]),
                ("Oct 2019", ["14.5%", "-"]),
                ("Jul 2020", ["12%", "16%"]),
            ],
        )
        svg = self.svg(response)
        self.assertIn("<title>Previous year, Jul 2020: 16%</title>", svg)
        self.assertContains(response, "the dotted line the value 12 months earlier")
        self.assertNotContains(response, "the dashed line the target")

    def test_table_of_values(self):
        indicator = make_indicator(unit=Indicator.Unit.DAYS)
        make_indicator_value(
            indicator,
            period=month(2019, 4),
            value=Decimal("12.50"),
            benchmark_quartile=1,
            note="From the HR system.",
        )
        self.client.force_login(self.pat)
        response = self.client.get(reverse("indicator", args=[indicator.pk]))
        html = response.content.decode()
        row = re.search(r'<tr class="govuk-table__row" id="value-2019-04">(.*?)</tr>', html, re.S)
        cells = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row[1])).strip()
        self.assertEqual(cells, "April 2019 12.5 Quartile 1 (top) From the HR system.")

    def test_rows_have_month_ids_and_notes(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        html = response.content.decode()
        self.assertEqual(
            re.findall(r'id="(value-\d{4}-\d{2})"', html),
            [f"value-2018-{n:02d}" for n in range(4, 13)],
        )
        self.assertContains(response, "Reported figure (month 1).")

    def test_edit_links_for_those_who_may_enter_values(self):
        first = self.overspend.values.get(period=month(2018, 4))
        edit = reverse("indicator-value-edit", args=[first.pk])
        add = reverse("indicator-value-add", args=[self.overspend.pk])
        for user, may in (
            (self.olivia, True),
            (self.sam, True),
            (self.alex, True),
            (self.oscar, False),
            (self.pat, False),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(f'href="{edit}"' in response.content.decode(), may)
                self.assertEqual(f'href="{add}"' in response.content.decode(), may)
        self.client.force_login(self.sam)
        self.assertContains(
            self.client.get(self.url),
            'Change<span class="govuk-visually-hidden"> the value for April 2018</span>',
        )

    def test_an_indicator_without_values(self):
        indicator = make_indicator(owner=make_person())
        self.client.force_login(self.pat)
        response = self.client.get(reverse("indicator", args=[indicator.pk]))
        self.assertContains(response, "There are no values yet.")
        self.assertNotContains(response, "app-line-chart__svg")
        self.assertIsNone(response.context["chart"])

    def test_query_count_does_not_grow_with_values(self):
        self.client.force_login(self.olivia)
        # The session, the user, the user's groups, the indicator (with owner and
        # directorate), its values, the user's person (may they enter values?).
        with self.assertNumQueries(6):
            self.client.get(self.url)
        for year in (2015, 2016, 2017):
            for number in range(1, 13):
                make_indicator_value(
                    self.overspend, period=month(year, number), value=Decimal(number)
                )
        with self.assertNumQueries(6):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["chart"].rows), 45)

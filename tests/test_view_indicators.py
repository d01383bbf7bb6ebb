"""The indicator list (/indicators/): every indicator with its latest value, the month it
is for, the target, better or worse than the value before given the polarity, the latest
benchmark quartile in words, owner and directorate, in a fixed number of queries."""

import datetime
import re
from decimal import Decimal

from django.urls import reverse

from plans.models import Indicator
from tests.base import RolesTestCase
from tests.factories import make_indicator, make_indicator_value, make_person


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


class IndicatorListTest(RolesTestCase):
    url = reverse("indicators")

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.heaphy = make_person(name="Clive Heaphy", organisation=cls.council)
        cls.overspend = make_indicator(
            code="FIN-01",
            name="Forecast in-year overspend 2018-19",
            unit=Indicator.Unit.GBP_MILLIONS,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            target=Decimal("0"),
            owner=cls.heaphy,
            directorate=cls.finance,
        )
        for number, value in enumerate(["28.0", "26.4", "2.8"], start=4):
            make_indicator_value(
                cls.overspend,
                period=month(2018, number),
                label=f"M{number - 3} 2018-19",
                value=Decimal(value),
            )
        cls.rating = make_indicator(
            code="FIN-04",
            name="CIPFA rating",
            unit=Indicator.Unit.NUMBER,
            polarity=Indicator.Polarity.HIGHER_IS_BETTER,
            target=Decimal("2"),
        )
        make_indicator_value(cls.rating, period=month(2018, 10), value=Decimal("2"))
        make_indicator_value(cls.rating, period=month(2019, 1), value=Decimal("1.5"))
        cls.agency = make_indicator(
            code="CYP-01",
            name="Agency social workers",
            unit=Indicator.Unit.PERCENT,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            target=Decimal("15"),
            directorate=cls.place,
        )
        make_indicator_value(
            cls.agency, period=month(2019, 7), value=Decimal("16"), benchmark_quartile=4
        )
        make_indicator_value(cls.agency, period=month(2019, 10), value=Decimal("16"))
        cls.empty = make_indicator(code="ZZZ-01", name="Not yet reported")

    def row(self, response, code: str) -> str:
        html = response.content.decode()
        match = re.search(
            rf'<tr class="govuk-table__row" id="indicator-{code}">(.*?)</tr>', html, re.S
        )
        self.assertIsNotNone(match, code)
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[1])).strip()

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_every_role_reads_the_list(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<h1 class="govuk-heading-l">Indicators</h1>')

    def test_rows_in_code_order_with_links(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        html = response.content.decode()
        codes = re.findall(r'id="indicator-([A-Z0-9-]+)"', html)
        self.assertEqual(codes, ["CYP-01", "FIN-01", "FIN-04", "ZZZ-01"])
        self.assertContains(response, f'href="/indicators/{self.overspend.pk}/"')
        self.assertContains(response, "4 indicators")

    def test_latest_value_period_target_and_better(self):
        self.client.force_login(self.pat)
        row = self.row(self.client.get(self.url), "FIN-01")
        self.assertEqual(
            row,
            "FIN-01 Forecast in-year overspend 2018-19 Lower is better £2.8m June 2018 "
            "M3 2018-19 £0.0m Worse than target Better Not benchmarked Clive Heaphy "
            "Finance and Governance",
        )

    def test_higher_is_better_falls_is_worse(self):
        self.client.force_login(self.pat)
        row = self.row(self.client.get(self.url), "FIN-04")
        self.assertEqual(
            row,
            "FIN-04 CIPFA rating Higher is better 1.5 January 2019 2 Worse than target "
            "Worse Not benchmarked No owner None",
        )

    def test_no_change_and_the_latest_quartile_with_its_month(self):
        self.client.force_login(self.pat)
        row = self.row(self.client.get(self.url), "CYP-01")
        self.assertEqual(
            row,
            "CYP-01 Agency social workers Lower is better 16% October 2019 15% "
            "Worse than target No change Quartile 4 (bottom) in July 2019 No owner Place",
        )

    def test_indicator_without_values(self):
        self.client.force_login(self.pat)
        row = self.row(self.client.get(self.url), "ZZZ-01")
        self.assertEqual(
            row,
            "ZZZ-01 Not yet reported Lower is better No values yet No target "
            "Not benchmarked No owner None",
        )

    def test_the_better_and_worse_tags_carry_words(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green app-rag-tag">Better</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Worse</strong>'
        )

    def test_query_count_does_not_grow_with_indicators_or_values(self):
        self.client.force_login(self.pat)
        # The session, the user, the user's groups (for the navigation), and the
        # indicators with their latest values.
        with self.assertNumQueries(4):
            self.client.get(self.url)
        for n in range(20):
            indicator = make_indicator(owner=make_person(), directorate=self.finance)
            for number in range(1, 13):
                make_indicator_value(
                    indicator,
                    period=month(2019, number),
                    value=Decimal(n + number),
                    benchmark_quartile=number % 4 + 1,
                )
        with self.assertNumQueries(4):
            response = self.client.get(self.url)
        self.assertContains(response, "24 indicators")

"""Adding a month's value to an indicator (/indicators/<pk>/values/add/): by its owner,
the secretariat or an administrator; one value a month, numeric in the indicator's unit,
not for a month still to come; every message beside its field, nothing saved on error."""

import datetime
from decimal import Decimal
from unittest import mock

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from plans.forms.indicators import IndicatorValueForm
from plans.models import Indicator, IndicatorValue
from tests.base import RolesTestCase
from tests.factories import make_indicator, make_indicator_value


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


class ValueAddCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.indicator = make_indicator(
            code="FIN-01",
            name="Forecast in-year overspend 2018-19",
            unit=Indicator.Unit.GBP_MILLIONS,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            target=Decimal("0"),
            owner=cls.olivia.person,
            directorate=cls.finance,
        )
        cls.first = make_indicator_value(
            cls.indicator, period=month(2018, 4), label="M1 2018-19", value=Decimal("28.0")
        )
        cls.url = reverse("indicator-value-add", args=[cls.indicator.pk])

    def data(self, **overrides) -> dict:
        data = {
            "period_month": "5",
            "period_year": "2018",
            "value": "26.4",
            "label": "M2 2018-19",
            "benchmark_quartile": "",
            "note": "Reported to Cabinet.",
        }
        return {**data, **overrides}

    def post_errors(self, user=None, **overrides):
        self.client.force_login(user or self.sam)
        response = self.client.post(self.url, self.data(**overrides))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(IndicatorValue.objects.count(), 1, "nothing is saved on an error")
        return response, response.context["form"].errors


class ValueAddAccessTest(ValueAddCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url, self.data())):
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )
        self.assertEqual(IndicatorValue.objects.count(), 1)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_other_officers_and_the_panel_are_refused(self):
        for user in (self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(IndicatorValue.objects.count(), 1)

    def test_an_officer_of_the_directorate_who_is_not_the_owner_is_refused(self):
        indicator = make_indicator(directorate=self.finance)
        self.client.force_login(self.olivia)
        url = reverse("indicator-value-add", args=[indicator.pk])
        self.assertEqual(self.client.get(url).status_code, 403)

    def test_missing_indicator_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("indicator-value-add", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)


class ValueAddTest(ValueAddCase):
    def test_the_owner_adds_a_value(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data())
        value = IndicatorValue.objects.get(indicator=self.indicator, period=month(2018, 5))
        self.assertRedirects(
            response,
            f"/indicators/{self.indicator.pk}/#value-2018-05",
            fetch_redirect_response=False,
        )
        self.assertEqual(value.value, Decimal("26.40"))
        self.assertEqual(value.label, "M2 2018-19")
        self.assertIsNone(value.benchmark_quartile)
        self.assertEqual(value.note, "Reported to Cabinet.")
        self.assertEqual(value.history.latest().history_user, self.olivia)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["The value for May 2018 has been added."],
        )

    def test_the_secretariat_and_administrators_add_values(self):
        for number, user in ((5, self.sam), (6, self.alex)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                data = self.data(period_month=str(number), value="£23.1m", benchmark_quartile="4")
                self.assertEqual(self.client.post(self.url, data).status_code, 302)
                value = self.indicator.values.get(period=month(2018, number))
                self.assertEqual(value.value, Decimal("23.10"))
                self.assertEqual(value.benchmark_quartile, 4)
                self.assertEqual(value.history.latest().history_user, user)

    def test_label_and_note_are_optional(self):
        self.client.force_login(self.sam)
        data = self.data(label="", note="", value="26")
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        value = self.indicator.values.get(period=month(2018, 5))
        self.assertEqual((value.label, value.note, value.value), ("", "", Decimal("26.00")))

    def test_the_form_offers_the_month_after_the_latest_value(self):
        make_indicator_value(self.indicator, period=month(2018, 12), value=Decimal("2.8"))
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, '<option value="1" selected>January</option>')
        self.assertContains(
            response, 'name="period_year" type="text" inputmode="numeric" value="2019"'
        )
        self.assertContains(response, '<div class="govuk-input__prefix" aria-hidden="true">£</div>')
        self.assertContains(response, '<div class="govuk-input__suffix" aria-hidden="true">m</div>')
        self.assertContains(response, "Quartile 1 (top)")
        self.assertContains(response, "Quartile 4 (bottom)")
        self.assertContains(response, 'value="" checked')  # not benchmarked
        self.assertNotContains(response, 'name="seen_version"')

    def test_the_form_for_a_new_indicator_offers_this_month(self):
        indicator = make_indicator(unit=Indicator.Unit.PERCENT)
        self.client.force_login(self.sam)
        response = self.client.get(reverse("indicator-value-add", args=[indicator.pk]))
        today = timezone.localdate()
        self.assertContains(response, f'<option value="{today.month}" selected>')
        self.assertContains(response, f'value="{today.year}"')
        self.assertContains(response, '<div class="govuk-input__suffix" aria-hidden="true">%</div>')
        self.assertNotContains(response, "govuk-input__prefix")

    def test_query_count_of_the_form_does_not_grow_with_values(self):
        self.client.force_login(self.olivia)
        # Session, user, groups (navigation and rights), the indicator, the user's person,
        # the latest month.
        with self.assertNumQueries(6):
            self.client.get(self.url)
        for number in range(5, 13):
            make_indicator_value(self.indicator, period=month(2018, number))
        with self.assertNumQueries(6):
            self.client.get(self.url)


class ValueAddValidationTest(ValueAddCase):
    def test_nothing_entered(self):
        response, errors = self.post_errors(
            period_month="", period_year="", value="", label="", note=""
        )
        self.assertEqual(errors["period"], ["Enter the month and year the value is for"])
        self.assertEqual(
            errors["value"], ["Enter the value in £ million, for example 28.0 or £28.0m"]
        )
        self.assertEqual(set(errors), {"period", "value"})
        self.assertContains(response, '<a href="#id_period_month">Enter the month and year')
        self.assertContains(response, '<a href="#id_value">Enter the value')
        self.assertContains(response, 'id="period-error"')
        self.assertContains(response, 'id="id_value-error"')
        self.assertContains(response, "<title>Error: ")

    def test_month_or_year_missing_or_wrong(self):
        cases = [
            ({"period_month": ""}, "Choose the month the value is for"),
            ({"period_month": "13"}, "Choose the month the value is for"),
            ({"period_year": ""}, "Enter the year the value is for, for example 2019"),
            ({"period_year": "18"}, "Enter the year as 4 digits, for example 2019"),
            ({"period_year": "twenty"}, "Enter the year as 4 digits, for example 2019"),
            ({"period_year": "1066"}, "Enter a year from 1990 onwards"),
        ]
        for overrides, message in cases:
            with self.subTest(overrides=overrides):
                _, errors = self.post_errors(**overrides)
                self.assertEqual(errors["period"], [message])

    def test_a_month_still_to_come_is_refused_beside_the_month(self):
        coming = next_month(timezone.localdate())
        response, errors = self.post_errors(
            period_month=str(coming.month), period_year=str(coming.year)
        )
        self.assertEqual(errors["period"], ["The period cannot be in the future."])
        self.assertNotIn("__all__", errors)
        self.assertContains(response, f'<option value="{coming.month}" selected>')

    def test_this_month_is_accepted(self):
        today = timezone.localdate()
        self.client.force_login(self.sam)
        data = self.data(period_month=str(today.month), period_year=str(today.year))
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.assertTrue(self.indicator.values.filter(period=today.replace(day=1)).exists())

    def test_one_value_a_month(self):
        response, errors = self.post_errors(period_month="4", period_year="2018")
        self.assertEqual(
            errors["period"],
            [
                "There is already a value for April 2018: "
                "change that value instead of adding another"
            ],
        )
        edit = reverse("indicator-value-edit", args=[self.first.pk])
        self.assertContains(
            response,
            f'<a class="govuk-link" href="{edit}">Change the value for April 2018</a>',
        )
        self.assertEqual(self.indicator.values.get().value, Decimal("28.00"))

    def test_the_form_itself_finds_the_month_taken(self):
        """Before trying to save: the database's refusal is only the last resort."""
        form = IndicatorValueForm(
            self.data(period_month="4", period_year="2018"), indicator=self.indicator
        )
        self.assertFalse(form.is_valid())
        self.assertEqual(form.existing, self.first)

    def test_the_same_month_of_another_indicator_is_fine(self):
        other = make_indicator(owner=self.olivia.person)
        self.client.force_login(self.olivia)
        url = reverse("indicator-value-add", args=[other.pk])
        data = self.data(period_month="4", period_year="2018")
        self.assertEqual(self.client.post(url, data).status_code, 302)

    def test_a_value_saved_for_the_month_meanwhile_is_reported_not_an_error_page(self):
        """Two people add the same month at once: the database refuses the second, and
        the form says so beside the month."""
        with mock.patch.object(
            IndicatorValueForm, "existing_value", side_effect=[None, self.first]
        ):
            response, errors = self.post_errors(period_month="4", period_year="2018")
        self.assertEqual(
            errors["period"],
            [
                "There is already a value for April 2018: "
                "change that value instead of adding another"
            ],
        )
        self.assertContains(response, 'id="existing-value"')

    def test_the_value_must_be_a_number_in_the_unit(self):
        cases = [
            ("lots", "Enter the value in £ million, for example 28.0 or £28.0m"),
            (
                "28%",
                "This indicator is not a percentage. Enter the value in £ million, "
                "for example 28.0 or £28.0m",
            ),
            ("2.805", "Enter the value with no more than 2 decimal places"),
            (
                "£28,000,000",
                "Enter the value in millions of pounds: for £28,000,000 enter 28 (or £28m)",
            ),
        ]
        for typed, message in cases:
            with self.subTest(typed=typed):
                response, errors = self.post_errors(value=typed)
                self.assertEqual(errors["value"], [message])
                self.assertContains(
                    response, f'name="value" type="text" spellcheck="false" value="{typed}"'
                )

    def test_pounds_refused_for_a_percentage(self):
        indicator = make_indicator(unit=Indicator.Unit.PERCENT, owner=self.olivia.person)
        self.client.force_login(self.olivia)
        url = reverse("indicator-value-add", args=[indicator.pk])
        response = self.client.post(url, self.data(value="£12"))
        self.assertEqual(
            response.context["form"].errors["value"],
            [
                "This indicator is not measured in £ million. "
                "Enter the value as a percentage, for example 85.5 or 85.5%"
            ],
        )
        response = self.client.post(url, self.data(value="12.5%"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(indicator.values.get().value, Decimal("12.50"))

    def test_quartile_is_1_to_4(self):
        for typed in ("0", "5", "top"):
            with self.subTest(typed=typed):
                _, errors = self.post_errors(benchmark_quartile=typed)
                self.assertEqual(
                    errors["benchmark_quartile"],
                    ["Choose a quartile from 1 to 4, or not benchmarked"],
                )

    def test_label_at_most_40_characters(self):
        _, errors = self.post_errors(label="M" * 41)
        self.assertEqual(errors["label"], ["The label must be 40 characters or fewer"])

    def test_what_was_typed_is_kept_on_an_error(self):
        response, _ = self.post_errors(value="lots", benchmark_quartile="2")
        self.assertContains(response, '<option value="5" selected>May</option>')
        self.assertContains(response, 'value="2018"')
        self.assertContains(response, 'value="M2 2018-19"')
        self.assertContains(response, 'value="2" checked')
        self.assertContains(response, "Reported to Cabinet.</textarea>")

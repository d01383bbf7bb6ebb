"""Changing a month's value (/indicators/values/<pk>/edit/): by the indicator's owner, the
secretariat or an administrator, with the same validation as adding, and a change saved by
someone else after the form was opened reported rather than overwritten."""

import datetime
from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from plans.models import Indicator, IndicatorValue
from tests.base import RolesTestCase
from tests.factories import make_indicator, make_indicator_value


def month(year: int, number: int) -> datetime.date:
    return datetime.date(year, number, 1)


class ValueEditCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.indicator = make_indicator(
            code="CYP-01",
            name="Agency social workers",
            unit=Indicator.Unit.PERCENT,
            polarity=Indicator.Polarity.LOWER_IS_BETTER,
            target=Decimal("15"),
            owner=cls.olivia.person,
        )
        cls.july = make_indicator_value(
            cls.indicator,
            period=month(2019, 7),
            label="July 2019",
            value=Decimal("16.00"),
            benchmark_quartile=3,
            note="Illustrative.",
        )
        cls.october = make_indicator_value(
            cls.indicator, period=month(2019, 10), value=Decimal("14.50")
        )
        cls.url = reverse("indicator-value-edit", args=[cls.july.pk])

    def version(self) -> int:
        return self.july.history.order_by("-history_id").first().history_id

    def data(self, **overrides) -> dict:
        data = {
            "seen_version": str(self.version()),
            "period_month": "7",
            "period_year": "2019",
            "value": "15.5",
            "label": "July 2019",
            "benchmark_quartile": "2",
            "note": "Corrected figure.",
        }
        return {**data, **overrides}

    def post_errors(self, user=None, **overrides):
        self.client.force_login(user or self.sam)
        response = self.client.post(self.url, self.data(**overrides))
        self.assertEqual(response.status_code, 200)
        self.july.refresh_from_db()
        self.assertEqual(self.july.value, Decimal("16.00"), "nothing is saved on an error")
        return response, response.context["form"].errors


class ValueEditAccessTest(ValueEditCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url, self.data())):
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )

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
        self.july.refresh_from_db()
        self.assertEqual(self.july.value, Decimal("16.00"))

    def test_missing_value_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("indicator-value-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)


class ValueEditTest(ValueEditCase):
    def test_the_form_shows_the_saved_value(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, "Change the value for July 2019</h1>")
        self.assertContains(response, '<option value="7" selected>July</option>')
        self.assertContains(response, 'inputmode="numeric" value="2019"')
        self.assertContains(response, 'name="value" type="text" spellcheck="false" value="16"')
        self.assertContains(response, 'value="3" checked')
        self.assertContains(response, 'value="July 2019"')
        self.assertContains(response, "Illustrative.</textarea>")
        self.assertContains(
            response, f'<input type="hidden" name="seen_version" value="{self.version()}">'
        )

    def test_the_owner_changes_a_value(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(
            response,
            f"/indicators/{self.indicator.pk}/#value-2019-07",
            fetch_redirect_response=False,
        )
        self.july.refresh_from_db()
        self.assertEqual(self.july.value, Decimal("15.50"))
        self.assertEqual(self.july.benchmark_quartile, 2)
        self.assertEqual(self.july.note, "Corrected figure.")
        self.assertEqual(self.july.history.latest().history_user, self.olivia)
        self.assertEqual(self.july.history.count(), 2)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["The value for July 2019 has been saved."],
        )

    def test_the_secretariat_and_administrators_change_values(self):
        for typed, user in (("15.5%", self.sam), ("15", self.alex)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url, self.data(value=typed))
                self.assertEqual(response.status_code, 302)
                self.july.refresh_from_db()
                self.assertEqual(self.july.value, Decimal(typed.rstrip("%")))
                self.assertEqual(self.july.history.latest().history_user, user)

    def test_moving_a_value_to_a_free_month(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(period_month="8", benchmark_quartile=""))
        self.assertRedirects(
            response,
            f"/indicators/{self.indicator.pk}/#value-2019-08",
            fetch_redirect_response=False,
        )
        self.july.refresh_from_db()
        self.assertEqual(self.july.period, month(2019, 8))
        self.assertIsNone(self.july.benchmark_quartile)
        self.assertEqual(self.indicator.values.count(), 2)

    def test_moving_a_value_onto_a_month_that_has_one_is_refused(self):
        response, errors = self.post_errors(period_month="10")
        self.assertEqual(
            errors["period"],
            [
                "There is already a value for October 2019: "
                "change that value instead of adding another"
            ],
        )
        edit = reverse("indicator-value-edit", args=[self.october.pk])
        self.assertContains(response, f'href="{edit}">Change the value for October 2019</a>')
        self.assertContains(response, "Change the value for July 2019</h1>")

    def test_a_month_still_to_come_is_refused(self):
        today = timezone.localdate()
        coming = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        _, errors = self.post_errors(period_month=str(coming.month), period_year=str(coming.year))
        self.assertEqual(errors["period"], ["The period cannot be in the future."])

    def test_the_value_must_be_a_number(self):
        _, errors = self.post_errors(value="£15")
        self.assertEqual(
            errors["value"],
            [
                "This indicator is not measured in £ million. "
                "Enter the value as a percentage, for example 85.5 or 85.5%"
            ],
        )
        _, errors = self.post_errors(value="")
        self.assertEqual(
            errors["value"], ["Enter the value as a percentage, for example 85.5 or 85.5%"]
        )

    def test_a_change_saved_meanwhile_is_reported_not_overwritten(self):
        opened = self.data(value="15.5", note="My correction.")
        # Someone else saves a change after the form was opened.
        self.client.force_login(self.sam)
        self.assertEqual(
            self.client.post(self.url, self.data(value="17", note="Their figure.")).status_code,
            302,
        )
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, opened)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.conflict)
        self.assertIn("Sam Example changed this value on", form.non_field_errors()[0])
        self.assertIn(("Value", "17.00"), form.conflict_changes)
        self.assertIn(("Note", "Their figure."), form.conflict_changes)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertContains(response, 'value="15.5"')  # what Olivia typed is kept
        self.july.refresh_from_db()
        self.assertEqual(self.july.value, Decimal("17.00"))
        self.assertEqual(self.july.note, "Their figure.")
        # Saving again, knowingly, keeps Olivia's change.
        again = {**opened, "seen_version": str(form.latest_version)}
        self.assertEqual(self.client.post(self.url, again).status_code, 302)
        self.july.refresh_from_db()
        self.assertEqual(self.july.value, Decimal("15.50"))
        self.assertEqual(self.july.note, "My correction.")

    def test_a_form_without_its_version_is_not_saved(self):
        response, errors = self.post_errors(seen_version="")
        self.assertTrue(response.context["form"].conflict)

    def test_query_count_of_the_form_does_not_grow_with_values(self):
        self.client.force_login(self.olivia)
        # Session, user, groups, the value with its indicator, the user's person, the
        # latest history row (in a transaction: its savepoint and release).
        with self.assertNumQueries(8):
            self.client.get(self.url)
        for number in range(1, 13):
            make_indicator_value(self.indicator, period=month(2018, number))
        with self.assertNumQueries(8):
            self.client.get(self.url)
        self.assertEqual(IndicatorValue.objects.count(), 14)

"""An owner's update of a risk (/risks/<pk>/update/): who may, the 1-5 scales in words,
the worked-out trend, the next review date, and changes saved by someone else meanwhile."""

import datetime
from unittest import mock

from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from biip.models import Role
from plans import services
from plans.models import Risk
from tests.base import RolesTestCase
from tests.factories import make_risk, make_user


def uk(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


class RiskUpdateViewTest(RolesTestCase):
    """Olivia owns a Finance and Governance risk, residual 3 x 4 = 12 (High)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.risk = make_risk(
            reference="SR-02",
            title="Equal pay claims",
            owner=cls.olivia.person,
            directorate=cls.finance,
            level=Risk.Level.OPERATIONAL,
            trend=Risk.Trend.STABLE,
            mitigations="Job evaluation.",
        )
        cls.url = reverse("risk-update", args=[cls.risk.pk])

    def opened_version(self) -> int:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.context["form"].latest_version

    def data(self, **overrides) -> dict:
        data = {
            "residual_likelihood": "2",
            "residual_impact": "4",
            "trend": "auto",
            "mitigations": "Job evaluation; settlements agreed.",
            "review_date": uk(timezone.localdate() + datetime.timedelta(days=60)),
            "target_likelihood": "2",
            "target_impact": "3",
        }
        return {**data, **overrides}

    def test_url(self):
        self.assertEqual(self.url, f"/risks/{self.risk.pk}/update/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        response = self.client.post(self.url, self.data(seen_version=1))
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)

    def test_wrong_method(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_missing_risk_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("risk-update", args=[999])).status_code, 404)

    def test_another_directorate_and_the_panel_are_refused(self):
        version = self.risk.history.latest().history_id
        for user in (self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, self.data(seen_version=version))
                self.assertEqual(response.status_code, 403)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)
        self.assertEqual(self.risk.history.count(), 1)

    def test_form_shows_the_scales_in_words_and_the_saved_values(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        version = self.risk.history.latest().history_id
        self.assertContains(response, f'name="seen_version" value="{version}"')
        for words in ("1 Rare", "3 Possible", "5 Almost certain", "1 Negligible", "5 Severe"):
            self.assertContains(response, words)
        self.assertContains(
            response, 'name="residual_likelihood" type="radio" value="3" checked', html=False
        )
        self.assertContains(response, 'name="residual_impact" type="radio" value="4" checked')
        self.assertContains(response, 'name="target_likelihood" type="radio" value="2" checked')
        self.assertContains(response, 'name="trend" type="radio" value="auto" checked')
        self.assertContains(response, "Work it out from the residual score")
        self.assertContains(response, "now 12: a lower score is Improving")
        self.assertContains(response, "Job evaluation.")
        self.assertContains(response, 'govuk-tag--orange app-rag-tag">High 12</strong>')
        self.assertContains(response, "Low</strong>&nbsp;1 to 4")
        self.assertContains(response, "Very high</strong>&nbsp;20 to 25")
        self.assertNotContains(response, 'name="tolerance"')
        self.assertNotContains(response, 'name="level"')

    def test_owner_lowers_the_residual_score(self):
        self.client.force_login(self.olivia)
        response = self.client.post(
            self.url, self.data(seen_version=self.opened_version(), tolerance="25")
        )
        self.assertRedirects(response, f"/risks/{self.risk.pk}/", fetch_redirect_response=False)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["SR-02 has been updated: its residual score is now 8 (Medium)."],
        )
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_likelihood, 2)
        self.assertEqual(self.risk.residual_score, 8)
        self.assertEqual(self.risk.target_score, 6)
        self.assertEqual(self.risk.trend, Risk.Trend.IMPROVING)
        self.assertEqual(self.risk.tolerance, 9)
        self.assertEqual(self.risk.mitigations, "Job evaluation; settlements agreed.")
        self.assertEqual(self.risk.review_date, timezone.localdate() + datetime.timedelta(days=60))
        self.assertEqual(self.risk.history.latest().history_user, self.olivia)

    def test_a_score_pushed_past_tolerance_says_escalation_needs_a_decision(self):
        self.client.force_login(self.olivia)
        data = self.data(residual_likelihood="4", seen_version=self.opened_version())
        response = self.client.post(self.url, data)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            [
                "SR-02 has been updated: its residual score is now 16 (High). That is past "
                "its tolerance of 9: the secretariat will decide whether to escalate it to "
                "the strategic register."
            ],
        )

    def test_an_overdue_review_asks_for_the_next_date(self):
        Risk.objects.filter(pk=self.risk.pk).update(review_date=datetime.date(2019, 5, 31))
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, "Review overdue")
        self.assertContains(response, "The review due on 31 May 2019 is overdue: enter the date")
        self.assertContains(response, 'value="31/05/2019"')

    def test_a_higher_score_is_worsening_unless_the_user_chooses(self):
        self.client.force_login(self.olivia)
        data = self.data(residual_likelihood="4", residual_impact="5")
        self.client.post(self.url, {**data, "seen_version": self.opened_version()})
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.trend, Risk.Trend.WORSENING)
        self.assertEqual(self.risk.residual_score, 20)

        data = self.data(residual_likelihood="5", residual_impact="5", trend="stable")
        self.client.post(self.url, {**data, "seen_version": self.opened_version()})
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.trend, Risk.Trend.STABLE)
        self.assertEqual(self.risk.residual_score, 25)

    def test_officer_of_the_directorate_secretariat_and_admin_may_update(self):
        colleague = make_user(
            "fiona", Role.OFFICER, organisation=self.council, directorate=self.finance
        )
        for impact, user in enumerate((colleague, self.sam, self.alex), start=1):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                data = self.data(residual_impact=str(impact))
                response = self.client.post(
                    self.url, {**data, "seen_version": self.opened_version()}
                )
                self.assertEqual(response.status_code, 302)
                self.risk.refresh_from_db()
                self.assertEqual(self.risk.residual_impact, impact)
                self.assertEqual(self.risk.history.latest().history_user, user)

    def test_missing_scores_and_a_past_review_date_are_reported_beside_the_fields(self):
        self.client.force_login(self.olivia)
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        data = self.data(residual_likelihood="", residual_impact="9", review_date=uk(yesterday))
        response = self.client.post(self.url, {**data, "seen_version": self.opened_version()})
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(
            errors["residual_likelihood"], ["Choose the residual likelihood, from 1 to 5"]
        )
        self.assertEqual(errors["residual_impact"], ["Choose the residual impact, from 1 to 5"])
        self.assertEqual(
            errors["review_date"],
            ["The next review date cannot be in the past: enter today or a later date"],
        )
        self.assertContains(response, '<a href="#id_residual_likelihood_0">')
        self.assertContains(response, 'id="review_date-error"', count=0)
        self.assertContains(response, 'id="id_review_date-error"')
        self.assertContains(response, f'value="{uk(yesterday)}"')
        self.assertContains(response, "Job evaluation; settlements agreed.")
        self.assertContains(response, "<title>Error: ")
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)
        self.assertEqual(self.risk.history.count(), 1)

    def test_a_date_that_is_not_a_date(self):
        self.client.force_login(self.olivia)
        data = self.data(review_date="31/02/2020", seen_version=self.opened_version())
        response = self.client.post(self.url, data)
        self.assertEqual(
            response.context["form"].errors["review_date"],
            ["Enter the next review date as a real date, for example 31/03/2019"],
        )

    def test_a_change_saved_meanwhile_is_not_overwritten(self):
        self.client.force_login(self.olivia)
        seen = self.opened_version()

        self.client.force_login(self.sam)
        sams = self.data(residual_likelihood="4", mitigations="Sam's mitigations.")
        response = self.client.post(self.url, {**sams, "seen_version": self.opened_version()})
        self.assertEqual(response.status_code, 302)

        self.client.force_login(self.olivia)
        olivias = self.data(residual_likelihood="1", mitigations="Olivia's mitigations.")
        response = self.client.post(self.url, {**olivias, "seen_version": seen})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.conflict)
        self.assertIn("Sam Example changed this risk on", form.non_field_errors()[0])
        self.assertIn(("Mitigations", "Sam's mitigations."), form.conflict_changes)
        self.assertIn(("Residual likelihood", "4"), form.conflict_changes)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertContains(response, "Olivia&#x27;s mitigations.")
        self.assertContains(response, 'name="residual_likelihood" type="radio" value="1" checked')
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.mitigations, "Sam's mitigations.")
        self.assertEqual(self.risk.residual_score, 16)

        latest = self.risk.history.latest().history_id
        self.assertContains(response, f'name="seen_version" value="{latest}"')
        response = self.client.post(self.url, {**olivias, "seen_version": latest})
        self.assertEqual(response.status_code, 302)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.mitigations, "Olivia's mitigations.")
        self.assertEqual(self.risk.residual_score, 4)
        self.assertEqual(self.risk.history.latest().history_user, self.olivia)

    def test_a_post_without_a_version_is_a_conflict(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data())
        self.assertTrue(response.context["form"].conflict)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)

    def test_a_change_saved_between_the_check_and_the_save_is_caught_too(self):
        """The service checks the version again under the row lock."""
        self.client.force_login(self.olivia)
        seen = self.opened_version()
        real = services.record_risk_update

        def someone_saves_first(**kwargs):
            Risk.objects.get(pk=self.risk.pk).save()  # another save lands meanwhile
            return real(**kwargs)

        with mock.patch.object(services, "record_risk_update", someone_saves_first):
            response = self.client.post(self.url, self.data(seen_version=seen))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].conflict)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)

"""The council's claim that a recommendation is addressed
(/recommendations/<pk>/addressed/): the date (not in the future) and the evidence, changed
or withdrawn later; officers, the secretariat and administrators, not the panel."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Recommendation
from tests.base import RolesTestCase
from tests.factories import make_person, make_recommendation, make_source


def addressed_url(recommendation: Recommendation) -> str:
    return reverse("recommendation-addressed", args=[recommendation.pk])


class AddressedCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(name="External auditor's statutory recommendations")
        cls.recommendation = make_recommendation(cls.source, reference="EA-1")
        cls.auditor = make_person(name="Grant Auditor")

    def setUp(self):
        self.url = addressed_url(self.recommendation)

    def latest_version(self) -> int:
        return self.recommendation.history.latest("history_id").history_id

    def data(self, **overrides) -> dict:
        data = {
            "seen_version": self.latest_version(),
            "addressed_on": "29/01/2019",
            "addressed_evidence": "Month 9 budget monitoring report to Cabinet.",
        }
        return {**data, **overrides}

    def claim(self, **fields) -> None:
        fields = {
            "addressed_on": datetime.date(2019, 1, 29),
            "addressed_evidence": "Budget monitoring.",
            **fields,
        }
        Recommendation.objects.filter(pk=self.recommendation.pk).update(**fields)
        self.recommendation.refresh_from_db()
        self.recommendation._history_user = self.olivia
        self.recommendation.save()  # a history row, as a save through the app makes


class AccessTest(AddressedCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.client.post(self.url, self.data())
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_the_panel_is_refused(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)

    def test_an_unknown_recommendation_is_not_found(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.get("/recommendations/999999/addressed/").status_code, 404)

    def test_officers_the_secretariat_and_administrators_may_claim(self):
        for user in (self.olivia, self.oscar, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Record that the council has addressed it")


class ClaimTest(AddressedCase):
    def test_the_form_asks_for_the_date_and_evidence_only(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, 'name="addressed_on"')
        self.assertContains(response, 'name="addressed_evidence"')
        self.assertNotContains(response, 'name="decision"')
        self.assertContains(response, f'name="seen_version" value="{self.latest_version()}"')

    def test_an_officer_claims_it_addressed_with_history(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertRedirects(response, reverse("recommendation", args=[self.recommendation.pk]))
        self.assertContains(response, "EA-1 is recorded as addressed, as the council claims.")
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_on, datetime.date(2019, 1, 29))
        self.assertEqual(
            self.recommendation.addressed_evidence, "Month 9 budget monitoring report to Cabinet."
        )
        self.assertIsNone(self.recommendation.verified_on)
        latest = self.recommendation.history.latest("history_id")
        self.assertEqual(latest.history_user, self.olivia)
        self.assertEqual(latest.addressed_on, datetime.date(2019, 1, 29))

    def test_the_date_and_evidence_are_required(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data(addressed_on="", addressed_evidence=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the date the recommendation was addressed")
        self.assertContains(response, "Enter the evidence that the recommendation is addressed")
        self.assertContains(response, 'href="#id_addressed_on"')
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)

    def test_a_date_that_is_not_a_date_keeps_what_was_typed(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data(addressed_on="31/02/2019"))
        self.assertContains(
            response, "Enter the date addressed as a real date, for example 31/03/2019"
        )
        self.assertContains(response, 'value="31/02/2019"')
        self.assertContains(response, "Month 9 budget monitoring report to Cabinet.")
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)

    def test_a_date_in_the_future_is_refused(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(addressed_on=f"{tomorrow:%d/%m/%Y}"))
        self.assertContains(response, "The date addressed cannot be in the future")
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)

    def test_today_is_accepted(self):
        today = timezone.localdate()
        self.client.force_login(self.alex)
        response = self.client.post(self.url, self.data(addressed_on=f"{today:%d/%m/%Y}"))
        self.assertEqual(response.status_code, 302)
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_on, today)

    def test_a_change_saved_after_the_form_was_opened_is_not_overwritten(self):
        seen = self.latest_version()
        self.claim(addressed_evidence="Someone else's evidence.")
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data(seen_version=seen))
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertContains(response, "Month 9 budget monitoring report to Cabinet.")
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_evidence, "Someone else's evidence.")


class ChangeAndWithdrawTest(AddressedCase):
    def test_once_claimed_the_form_offers_to_withdraw(self):
        self.claim()
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, "Change or withdraw the council's claim")
        self.assertContains(response, 'name="decision" type="radio" value="keep" checked')
        self.assertContains(response, 'value="withdraw"')
        self.assertContains(response, 'value="29/01/2019"')

    def test_changing_the_claim(self):
        self.claim()
        self.client.force_login(self.oscar)
        data = self.data(decision="keep", addressed_on="30/01/2019")
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_on, datetime.date(2019, 1, 30))
        self.assertEqual(self.recommendation.history.latest("history_id").history_user, self.oscar)

    def test_withdrawing_the_claim_clears_its_date_and_evidence(self):
        self.claim()
        self.client.force_login(self.olivia)
        data = self.data(decision="withdraw", addressed_on="not a date", addressed_evidence="")
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "The council&#x27;s claim that EA-1 is addressed has been")
        self.recommendation.refresh_from_db()
        self.assertIsNone(self.recommendation.addressed_on)
        self.assertEqual(self.recommendation.addressed_evidence, "")
        latest = self.recommendation.history.latest("history_id")
        self.assertEqual(latest.history_user, self.olivia)
        self.assertIsNone(latest.addressed_on)
        self.assertEqual(latest.prev_record.addressed_on, datetime.date(2019, 1, 29))

    def test_a_verified_claim_cannot_be_withdrawn_before_its_verification(self):
        self.claim(
            verified_on=datetime.date(2019, 3, 1),
            verified_by=self.auditor,
            verification_evidence="Seen.",
        )
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(decision="withdraw"))
        self.assertContains(response, "Withdraw the verification first")
        self.assertContains(response, 'href="#id_decision_0"')
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_on, datetime.date(2019, 1, 29))
        self.assertEqual(self.recommendation.verified_on, datetime.date(2019, 3, 1))

    def test_a_verified_claim_cannot_be_dated_after_its_verification(self):
        self.claim(verified_on=datetime.date(2019, 3, 1), verified_by=self.auditor)
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data(decision="keep", addressed_on="02/03/2019"))
        self.assertContains(
            response, "The date addressed must be on or before the date it was verified, 1 March"
        )
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.addressed_on, datetime.date(2019, 1, 29))
        data = self.data(decision="keep", addressed_on="01/03/2019")
        self.assertEqual(self.client.post(self.url, data).status_code, 302)

    def test_a_decision_is_required(self):
        self.claim()
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, self.data())
        self.assertContains(response, "Choose whether to keep or withdraw it")
        data = self.data(decision="delete")
        self.assertContains(self.client.post(self.url, data), "Choose the ")

    def test_query_count_of_the_form_is_constant(self):
        self.claim()
        self.client.force_login(self.olivia)
        self.client.get(self.url)
        # Session, user, groups, the recommendation, its latest history row (for the
        # change check), and the savepoint around them opened and released: seven.
        with self.assertNumQueries(7):
            self.client.get(self.url)
        for _ in range(5):
            self.claim(addressed_evidence=f"Evidence {_}")
        with self.assertNumQueries(7):
            self.client.get(self.url)

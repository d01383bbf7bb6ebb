"""Verification of a recommendation (/recommendations/<pk>/verified/): the date (not before
the council's claim, not in the future), who verified it (the signed-in user's person by
default, or the auditor), the evidence and the assessed progress; withdrawn later. The
panel, the secretariat and administrators, not officers; refused while not addressed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Recommendation
from tests.base import RolesTestCase
from tests.factories import make_organisation, make_person, make_recommendation, make_source

CLAIMED = datetime.date(2019, 1, 29)


class VerifiedCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(name="External auditor's statutory recommendations")
        cls.recommendation = make_recommendation(
            cls.source,
            reference="EA-2",
            addressed_on=CLAIMED,
            addressed_evidence="Four-year financial plan approved.",
        )
        auditor_org = make_organisation(name="Ext. auditor", short_name="EXT", kind="auditor")
        cls.auditor = make_person(
            name="Grant Auditor", title="Engagement lead", organisation=auditor_org
        )
        cls.council_person = make_person(name="Council Person", organisation=cls.council)

    def setUp(self):
        self.url = reverse("recommendation-verified", args=[self.recommendation.pk])

    def latest_version(self) -> int:
        return self.recommendation.history.latest("history_id").history_id

    def data(self, **overrides) -> dict:
        data = {
            "seen_version": self.latest_version(),
            "verified_on": "01/03/2019",
            "verified_by": self.auditor.pk,
            "verification_evidence": "Seen the plan and the Full Council minutes.",
            "assessed_progress": "decisive",
        }
        return {**data, **overrides}

    def verify(self) -> None:
        rec = self.recommendation
        rec.verified_on = datetime.date(2019, 3, 1)
        rec.verified_by = self.auditor
        rec.verification_evidence = "Seen."
        rec.assessed_progress = Recommendation.Progress.GOOD
        rec._history_user = self.pat
        rec.save()

    def refreshed(self) -> Recommendation:
        self.recommendation.refresh_from_db()
        return self.recommendation


class AccessTest(VerifiedCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.client.post(self.url, self.data())
        self.assertIsNone(self.refreshed().verified_on)

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.patch(self.url).status_code, 405)

    def test_officers_are_refused(self):
        for user in (self.olivia, self.oscar):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertIsNone(self.refreshed().verified_on)

    def test_an_unknown_recommendation_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get("/recommendations/999999/verified/").status_code, 404)

    def test_the_panel_the_secretariat_and_administrators_may_verify(self):
        for user in (self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Record verification</h1>")


class VerifyTest(VerifiedCase):
    def test_the_form_defaults_to_the_users_person_and_offers_the_auditor(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, f'<option value="{self.pat.person.pk}" selected>')
        self.assertContains(response, "Grant Auditor, Engagement lead (EXT)")
        self.assertNotContains(response, "Council Person")  # not the panel's, nor the auditor's
        self.assertNotContains(response, 'name="decision"')
        for words in ("Not yet assessed", "Limited progress", "Decisive progress"):
            self.assertContains(response, f">{words}</label>")
        self.assertContains(response, "Four-year financial plan approved.")  # the claim

    def test_the_panel_records_the_auditors_verification_with_history(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, self.data(), follow=True)
        self.assertRedirects(response, reverse("recommendation", args=[self.recommendation.pk]))
        self.assertContains(response, "EA-2 is recorded as verified.")
        rec = self.refreshed()
        self.assertEqual(rec.verified_on, datetime.date(2019, 3, 1))
        self.assertEqual(rec.verified_by, self.auditor)
        self.assertEqual(rec.verification_evidence, "Seen the plan and the Full Council minutes.")
        self.assertEqual(rec.assessed_progress, Recommendation.Progress.DECISIVE)
        self.assertEqual(rec.addressed_on, CLAIMED)
        self.assertEqual(rec.history.latest("history_id").history_user, self.pat)

    def test_the_date_who_evidence_and_progress_are_required(self):
        self.client.force_login(self.sam)
        data = self.data(
            verified_on="", verified_by="", verification_evidence="", assessed_progress=""
        )
        response = self.client.post(self.url, data)
        self.assertContains(response, "Enter the date the recommendation was verified")
        self.assertContains(response, "Choose who verified the recommendation")
        self.assertContains(response, "Enter what the auditor or panel saw in verifying it")
        self.assertContains(response, "Choose the assessed progress")
        self.assertIsNone(self.refreshed().verified_on)

    def test_someone_not_offered_cannot_be_chosen(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, self.data(verified_by=self.council_person.pk))
        self.assertContains(response, "Choose who verified it from the list")
        self.assertIsNone(self.refreshed().verified_on)

    def test_not_before_the_claim_and_not_in_the_future(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, self.data(verified_on="28/01/2019"))
        self.assertContains(
            response, "The date verified must be on or after the date addressed, 29 January 2019"
        )
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        response = self.client.post(self.url, self.data(verified_on=f"{tomorrow:%d/%m/%Y}"))
        self.assertContains(response, "The date verified cannot be in the future")
        self.assertContains(response, "Seen the plan and the Full Council minutes.</textarea>")
        self.assertIsNone(self.refreshed().verified_on)
        self.assertEqual(
            self.client.post(self.url, self.data(verified_on="29/01/2019")).status_code, 302
        )
        self.assertEqual(self.refreshed().verified_on, CLAIMED)

    def test_a_change_saved_after_the_form_was_opened_is_not_overwritten(self):
        seen = self.latest_version()
        self.verify()
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(seen_version=seen, decision="keep"))
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertEqual(self.refreshed().verification_evidence, "Seen.")


class NotAddressedTest(VerifiedCase):
    def setUp(self):
        super().setUp()
        Recommendation.objects.filter(pk=self.recommendation.pk).update(
            addressed_on=None, addressed_evidence=""
        )

    def test_the_page_says_why_it_cannot_be_verified(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "This recommendation cannot be verified yet: the council has not claimed it addressed.",
        )
        self.assertNotContains(response, f'action="{self.url}"')

    def test_a_post_is_refused_with_a_clear_message_and_keeps_the_input(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data())
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "This recommendation cannot be verified yet: the council has not claimed it "
            "addressed. Record the council&#x27;s claim first",
        )
        self.assertContains(response, "Seen the plan and the Full Council minutes.")
        rec = self.refreshed()
        self.assertIsNone(rec.verified_on)
        self.assertEqual(rec.assessed_progress, Recommendation.Progress.NOT_ASSESSED)


class WithdrawTest(VerifiedCase):
    def setUp(self):
        super().setUp()
        self.verify()

    def test_once_verified_the_form_offers_to_withdraw_and_shows_what_is_saved(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, "Change or withdraw the verification</h1>")
        self.assertContains(response, 'name="decision" type="radio" value="keep" checked')
        self.assertContains(response, f'<option value="{self.auditor.pk}" selected>')
        self.assertContains(response, 'value="good" checked')

    def test_withdrawing_clears_the_date_who_and_evidence_and_keeps_the_claim(self):
        self.client.force_login(self.sam)
        data = self.data(
            decision="withdraw",
            verified_on="",
            verified_by="",
            verification_evidence="",
            assessed_progress="some",
        )
        response = self.client.post(self.url, data, follow=True)
        self.assertContains(response, "The verification of EA-2 has been withdrawn.")
        rec = self.refreshed()
        self.assertIsNone(rec.verified_on)
        self.assertIsNone(rec.verified_by)
        self.assertEqual(rec.verification_evidence, "")
        self.assertEqual(rec.assessed_progress, Recommendation.Progress.SOME)
        self.assertEqual(rec.addressed_on, CLAIMED)
        latest = rec.history.latest("history_id")
        self.assertEqual(latest.history_user, self.sam)
        self.assertEqual(latest.prev_record.verified_on, datetime.date(2019, 3, 1))

    def test_then_the_claim_may_be_withdrawn(self):
        self.client.force_login(self.sam)
        self.client.post(self.url, self.data(decision="withdraw"))
        addressed = reverse("recommendation-addressed", args=[self.recommendation.pk])
        data = {"seen_version": self.latest_version(), "decision": "withdraw"}
        self.assertEqual(self.client.post(addressed, data).status_code, 302)
        rec = self.refreshed()
        self.assertIsNone(rec.addressed_on)
        self.assertIsNone(rec.verified_on)

    def test_query_count_does_not_grow_with_people(self):
        # Session, user, groups, the savepoint, the recommendation, its latest history row,
        # the user's person, the people offered, the savepoint released: nine.
        self.client.force_login(self.pat)
        self.client.get(self.url)
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        offered = len(response.context["form"].fields["verified_by"].queryset)
        for _ in range(10):
            make_person(organisation=self.panel_org)
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        self.assertEqual(len(response.context["form"].fields["verified_by"].queryset), offered + 10)

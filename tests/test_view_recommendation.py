"""A recommendation's page (/recommendations/<pk>/): its text, source, theme, the council's
response and assessed progress, the actions that address it with their RAG, and its two
states shown separately: addressed (the council's claim) and verified (auditor or panel)."""

import datetime

from django.urls import reverse

from biip.models import RAG
from plans.models import Recommendation
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_organisation,
    make_person,
    make_plan,
    make_recommendation,
    make_source,
    make_theme,
)


def page(recommendation: Recommendation) -> str:
    return reverse("recommendation", args=[recommendation.pk])


class RecommendationCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.source = make_source(
            name="External auditor's statutory recommendations, July 2018",
            published_on=datetime.date(2018, 7, 1),
        )
        auditor_org = make_organisation(name="Ext. auditor", short_name="EA", kind="auditor")
        cls.auditor = make_person(
            name="Grant Auditor", title="Engagement lead", organisation=auditor_org
        )
        cls.recommendation = make_recommendation(
            cls.source,
            reference="EA-3",
            text="Keep reserves at a level that covers budget risks.",
            theme=make_theme(name="Financial planning"),
            council_response="Reserves policy approved on 21 January 2019.",
            assessed_progress=Recommendation.Progress.DECISIVE,
        )
        plan = make_plan(short_name="CGIP")
        cls.red = make_action(plan=plan, reference="CGIP-04", title="Reserves policy", rag=RAG.RED)
        cls.green = make_action(plan=plan, reference="CGIP-02", rag=RAG.GREEN)
        cls.red.recommendations.add(cls.recommendation)
        cls.green.recommendations.add(cls.recommendation)

    def claim(self, user=None):
        rec = self.recommendation
        rec.addressed_on = datetime.date(2019, 1, 21)
        rec.addressed_evidence = "Full Council report, 21 January 2019."
        rec._history_user = user or self.olivia
        rec.save()

    def verify(self, user=None):
        rec = self.recommendation
        rec.verified_on = datetime.date(2019, 3, 1)
        rec.verified_by = self.auditor
        rec.verification_evidence = "Seen the policy and the 2019/20 budget."
        rec._history_user = user or self.pat
        rec.save()


class RecommendationPageTest(RecommendationCase):
    def test_anonymous_is_sent_to_sign_in(self):
        url = page(self.recommendation)
        response = self.client.get(url)
        self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(page(self.recommendation)).status_code, 405)

    def test_an_unknown_recommendation_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get("/recommendations/999999/").status_code, 404)

    def test_every_role_reads_it(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(page(self.recommendation)).status_code, 200)

    def test_what_it_is_and_the_actions_with_their_rag(self):
        self.client.force_login(self.oscar)
        response = self.client.get(page(self.recommendation))
        self.assertContains(response, "Keep reserves at a level that covers budget risks.")
        self.assertContains(response, "External auditor&#x27;s statutory recommendations")
        self.assertContains(response, "Financial planning")
        self.assertContains(response, "Reserves policy approved on 21 January 2019.")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green">Decisive progress</strong>'
        )
        self.assertContains(
            response, f'<a href="/actions/{self.red.pk}/" class="govuk-link">CGIP-04</a>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green app-rag-tag">Green</strong>'
        )
        self.assertEqual([a.reference for a in response.context["actions"]], ["CGIP-02", "CGIP-04"])

    def test_no_action_stands_out(self):
        self.red.recommendations.clear()
        self.green.recommendations.clear()
        self.client.force_login(self.pat)
        response = self.client.get(page(self.recommendation))
        self.assertContains(response, 'id="no-actions"')

    def test_neither_state_recorded(self):
        self.client.force_login(self.pat)
        response = self.client.get(page(self.recommendation))
        self.assertContains(response, "Addressed (claimed by the council)")
        self.assertContains(response, "Verified (by the auditor or panel)")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--grey">Not claimed</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--grey">Not verified</strong>'
        )
        self.assertContains(response, "It can be verified once the council claims it is addressed.")
        # The panel may verify, but not before the claim: no link to the form yet.
        self.assertNotContains(
            response, reverse("recommendation-verified", args=[self.recommendation.pk])
        )
        self.assertNotContains(
            response, reverse("recommendation-addressed", args=[self.recommendation.pk])
        )

    def test_claimed_but_not_verified(self):
        self.claim()
        self.client.force_login(self.pat)
        response = self.client.get(page(self.recommendation))
        addressed = self.section(response, "addressed")
        self.assertIn("Claimed addressed", addressed)
        self.assertIn("21 January 2019", addressed)
        self.assertIn("Full Council report, 21 January 2019.", addressed)
        self.assertIn("Olivia Example", addressed)
        verified = self.section(response, "verified")
        self.assertIn("Not verified", verified)
        self.assertIn("has not yet verified the council", verified)
        self.assertContains(
            response, reverse("recommendation-verified", args=[self.recommendation.pk])
        )

    def test_both_states_with_date_evidence_and_who(self):
        self.claim()
        self.verify()
        self.client.force_login(self.olivia)
        response = self.client.get(page(self.recommendation))
        verified = self.section(response, "verified")
        self.assertIn("1 March 2019", verified)
        self.assertIn("Grant Auditor, Engagement lead (EA)", verified)
        self.assertIn("Seen the policy and the 2019/20 budget.", verified)
        self.assertIn("Pat Example", verified)  # who recorded it
        self.assertIn("Olivia Example", self.section(response, "addressed"))
        # An officer records the council's claim, not the verification.
        self.assertContains(
            response, reverse("recommendation-addressed", args=[self.recommendation.pk])
        )
        self.assertNotContains(
            response, reverse("recommendation-verified", args=[self.recommendation.pk])
        )

    def test_the_secretariat_may_record_both(self):
        self.claim()
        self.client.force_login(self.sam)
        response = self.client.get(page(self.recommendation))
        self.assertContains(
            response, reverse("recommendation-addressed", args=[self.recommendation.pk])
        )
        self.assertContains(
            response, reverse("recommendation-verified", args=[self.recommendation.pk])
        )

    def section(self, response, element_id: str) -> str:
        """The addressed or the verified column of the page."""
        html = response.content.decode()
        addressed = html.split('id="addressed"')[1].split('id="verified"')[0]
        verified = html.split('id="verified"')[1].split('id="actions-heading"')[0]
        return {"addressed": addressed, "verified": verified}[element_id]

    def test_query_count_does_not_grow_with_actions(self):
        # Session, user, groups, the recommendation with its source, theme and verifier,
        # its history, its actions with their plan: six, for 2 actions or 22.
        self.claim()
        self.verify()
        self.client.force_login(self.pat)
        url = page(self.recommendation)
        self.client.get(url)
        with self.assertNumQueries(6):
            response = self.client.get(url)
        self.assertEqual(len(response.context["actions"]), 2)
        for _ in range(20):
            make_action(plan=make_plan()).recommendations.add(self.recommendation)
        with self.assertNumQueries(6):
            response = self.client.get(url)
        self.assertEqual(len(response.context["actions"]), 22)


class RecommendationListLinksTest(RecommendationCase):
    def test_the_recommendation_list_links_to_each_page_and_to_the_audit_page(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("recommendations"))
        self.assertContains(
            response, f'<a href="{page(self.recommendation)}" class="govuk-link">EA-3</a>'
        )
        self.assertContains(response, f'<a href="{reverse("audit")}" class="govuk-link">')

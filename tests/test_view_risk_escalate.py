"""The secretariat's escalation decision on a risk (/risks/<pk>/escalation/): who may,
the scores against tolerance and earlier decisions on the page, the decision recorded
with who, when and why, and a risk already strategic not escalated again."""

from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans import services
from plans.models import EscalationDecision, Risk
from tests.base import RolesTestCase
from tests.factories import make_risk

ESCALATED = EscalationDecision.Decision.ESCALATED
NOT_ESCALATED = EscalationDecision.Decision.NOT_ESCALATED


class RiskEscalateViewTest(RolesTestCase):
    """An operational Finance and Governance risk owned by Olivia: residual 4 x 4 = 16
    (High), past its tolerance of 9."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.risk = make_risk(
            reference="OR-07",
            title="Highways contract dispute",
            owner=cls.olivia.person,
            directorate=cls.finance,
            level=Risk.Level.OPERATIONAL,
            residual_likelihood=4,
            residual_impact=4,
            tolerance=9,
        )
        cls.url = reverse("risk-escalate", args=[cls.risk.pk])

    def data(self, **overrides) -> dict:
        return {"decision": ESCALATED, "reason": "Past tolerance for three months.", **overrides}

    def test_url(self):
        self.assertEqual(self.url, f"/risks/{self.risk.pk}/escalation/")

    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url, self.data())):
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )
        self.assertFalse(EscalationDecision.objects.exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_missing_risk_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("risk-escalate", args=[999])).status_code, 404)

    def test_owner_other_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertFalse(EscalationDecision.objects.exists())
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.OPERATIONAL)

    def test_page_shows_the_scores_against_tolerance_and_the_flag(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "Past tolerance: decision needed")
        self.assertContains(response, "is <strong>7 past its tolerance</strong>")
        self.assertContains(response, 'govuk-tag--orange app-rag-tag">High 16</strong>')
        self.assertContains(response, "Escalate to the strategic register")
        self.assertContains(response, "Do not escalate")
        self.assertContains(response, "No decision on escalating this risk has been recorded yet.")
        self.assertTrue(response.context["needs_escalation"])

    def test_secretariat_escalates_the_risk(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(reason="  Past tolerance.  "))
        self.assertRedirects(
            response, f"/risks/{self.risk.pk}/#escalation", fetch_redirect_response=False
        )
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["OR-07 has been escalated to the strategic register."],
        )
        decision = EscalationDecision.objects.get()
        self.assertEqual(decision.risk, self.risk)
        self.assertEqual(decision.decision, ESCALATED)
        self.assertEqual(decision.reason, "Past tolerance.")
        self.assertEqual(decision.residual_score, 16)
        self.assertEqual(decision.decided_by, self.sam)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.STRATEGIC)
        self.assertTrue(self.risk.escalated)
        self.assertEqual(self.risk.escalated_on, timezone.localdate())
        self.assertEqual(self.risk.escalation_reason, "Past tolerance.")
        self.assertEqual(self.risk.history.latest().history_user, self.sam)

    def test_admin_records_a_decision_not_to_escalate(self):
        self.client.force_login(self.alex)
        response = self.client.post(
            self.url, self.data(decision=NOT_ESCALATED, reason="Settlement agreed.")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            [str(m) for m in get_messages(response.wsgi_request)],
            ["Your decision not to escalate OR-07 has been recorded."],
        )
        decision = EscalationDecision.objects.get()
        self.assertEqual(decision.decision, NOT_ESCALATED)
        self.assertEqual(decision.reason, "Settlement agreed.")
        self.assertEqual(decision.decided_by, self.alex)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.OPERATIONAL)
        self.assertFalse(self.risk.escalated)

        response = self.client.get(self.url)
        self.assertNotContains(response, "Past tolerance: decision needed")
        self.assertContains(response, "Settlement agreed.")
        self.assertContains(response, "Alex Example")
        self.assertContains(response, "Not escalated")

    def test_reason_and_decision_are_required_beside_the_fields(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"decision": "", "reason": "   "})
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(
            errors["decision"], ["Choose whether to escalate the risk to the strategic register"]
        )
        self.assertEqual(errors["reason"], ["Enter why the risk is, or is not, escalated"])
        self.assertContains(response, 'id="id_reason-error"')
        self.assertContains(response, '<a href="#id_decision_0">')
        self.assertFalse(EscalationDecision.objects.exists())

    def test_a_risk_already_strategic_is_not_escalated_again(self):
        services.decide_escalation(
            user=self.sam, risk=self.risk, decision=ESCALATED, reason="First time."
        )
        self.client.force_login(self.alex)
        response = self.client.get(self.url)
        self.assertContains(response, "It cannot be escalated further")
        response = self.client.post(self.url, self.data(reason="Again."))
        self.assertEqual(response.status_code, 200)
        self.assertIn(
            "already on the strategic register", response.context["form"].errors["decision"][0]
        )
        self.assertContains(response, "Again.")
        self.assertEqual(EscalationDecision.objects.count(), 1)

    def test_no_query_per_earlier_decision(self):
        self.client.force_login(self.sam)
        services.decide_escalation(
            user=self.sam, risk=self.risk, decision=NOT_ESCALATED, reason="One."
        )
        with CaptureQueriesContext(connection) as few:
            self.assertEqual(self.client.get(self.url).status_code, 200)
        for n, user in enumerate((self.alex, self.sam, self.alex, self.sam)):
            services.decide_escalation(
                user=user, risk=self.risk, decision=NOT_ESCALATED, reason=f"Reason {n}."
            )
        with CaptureQueriesContext(connection) as many:
            response = self.client.get(self.url)
        self.assertContains(response, "Reason 3.")
        self.assertEqual(len(response.context["decisions"]), 5)
        self.assertEqual(len(many), len(few))

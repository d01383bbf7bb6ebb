"""plans.services for risks, called directly: an owner's update (permission, conflict,
the worked-out trend, the next review date) and the secretariat's escalation decisions,
with Risk.needs_escalation before and after them."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from biip.models import Role
from plans import services
from plans.models import EscalationDecision, Risk
from tests.base import RolesTestCase
from tests.factories import make_risk, make_user


def today() -> datetime.date:
    return timezone.localdate()


class RiskCase(RolesTestCase):
    """Olivia owns a Finance and Governance operational risk: residual 3 x 4 = 12, past
    its tolerance of 9."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.risk = make_risk(
            reference="OR-01",
            title="Equal pay claims",
            level=Risk.Level.OPERATIONAL,
            owner=cls.olivia.person,
            directorate=cls.finance,
            trend=Risk.Trend.STABLE,
            mitigations="Job evaluation.",
            tolerance=9,
        )

    def version(self) -> int:
        return services.risk_version(self.risk)

    def update(self, user=None, seen_version=None, **changes) -> Risk:
        return services.record_risk_update(
            user=user or self.olivia,
            risk=self.risk,
            seen_version=self.version() if seen_version is None else seen_version,
            **changes,
        )


class RecordRiskUpdateTest(RiskCase):
    def test_owner_lowers_the_residual_score_with_history(self):
        saved = self.update(
            residual_likelihood=2,
            residual_impact=4,
            mitigations="  Job evaluation; settlements.  ",
            review_date=today() + datetime.timedelta(days=30),
        )
        self.risk.refresh_from_db()
        self.assertEqual(saved.pk, self.risk.pk)
        self.assertEqual(self.risk.residual_score, 8)
        self.assertEqual(self.risk.mitigations, "Job evaluation; settlements.")
        self.assertEqual(self.risk.review_date, today() + datetime.timedelta(days=30))
        self.assertEqual(self.risk.trend, Risk.Trend.IMPROVING)
        latest = self.risk.history.latest()
        self.assertEqual(latest.history_user, self.olivia)
        self.assertEqual(latest.residual_likelihood, 2)
        self.assertEqual(self.risk.history.count(), 2)  # the score before is kept

    def test_trend_is_worked_out_from_the_residual_score(self):
        cases = [
            ({"residual_likelihood": 2}, Risk.Trend.IMPROVING),
            ({"residual_impact": 5}, Risk.Trend.WORSENING),
            ({"residual_likelihood": 4, "residual_impact": 3}, Risk.Trend.STABLE),  # also 12
            ({"mitigations": "More."}, Risk.Trend.STABLE),
        ]
        for changes, trend in cases:
            with self.subTest(changes=changes):
                Risk.objects.filter(pk=self.risk.pk).update(
                    residual_likelihood=3, residual_impact=4, trend=Risk.Trend.STABLE
                )
                self.assertEqual(self.update(trend=None, **changes).trend, trend)

    def test_an_unchanged_score_keeps_the_trend_as_it_was(self):
        Risk.objects.filter(pk=self.risk.pk).update(trend=Risk.Trend.WORSENING)
        self.assertEqual(self.update(mitigations="More.").trend, Risk.Trend.WORSENING)

    def test_a_chosen_trend_wins_over_the_worked_out_one(self):
        saved = self.update(residual_likelihood=1, trend=Risk.Trend.WORSENING)
        self.assertEqual(saved.trend, Risk.Trend.WORSENING)
        self.assertEqual(saved.residual_score, 4)

    def test_trend_of(self):
        self.assertEqual(services.trend_of(before=12, after=8, current="new"), "improving")
        self.assertEqual(services.trend_of(before=8, after=12, current="new"), "worsening")
        self.assertEqual(services.trend_of(before=8, after=8, current="new"), "new")

    def test_officer_of_the_directorate_and_secretariat_and_admin_may_update(self):
        colleague = self.make_colleague()
        for user in (colleague, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.update(user=user, mitigations=f"By {user.username}.")
                self.risk.refresh_from_db()
                self.assertEqual(self.risk.mitigations, f"By {user.username}.")
                self.assertEqual(self.risk.history.latest().history_user, user)

    def make_colleague(self):
        return make_user("fiona", Role.OFFICER, organisation=self.council, directorate=self.finance)

    def test_other_directorates_and_the_panel_are_refused_and_nothing_is_written(self):
        for user in (self.oscar, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.update(user=user, residual_likelihood=1)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)
        self.assertEqual(self.risk.history.count(), 1)

    def test_a_change_saved_since_the_form_was_opened_raises_and_writes_nothing(self):
        seen = self.version()
        self.update(user=self.sam, mitigations="Sam's mitigations.")
        with self.assertRaises(services.Conflict) as raised:
            self.update(seen_version=seen, residual_likelihood=1, mitigations="Olivia's.")
        self.assertEqual(raised.exception.seen_version, seen)
        self.assertEqual(raised.exception.version, self.version())
        self.assertEqual(raised.exception.risk.mitigations, "Sam's mitigations.")
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.mitigations, "Sam's mitigations.")
        self.assertEqual(self.risk.residual_score, 12)
        self.assertEqual(self.risk.history.count(), 2)

    def test_a_missing_version_is_a_conflict(self):
        with self.assertRaises(services.Conflict):
            services.record_risk_update(
                user=self.olivia, risk=self.risk, seen_version=None, residual_likelihood=1
            )

    def test_review_date_in_the_past_is_refused(self):
        with self.assertRaises(ValidationError) as raised:
            self.update(review_date=today() - datetime.timedelta(days=1), residual_likelihood=1)
        self.assertIn("review_date", raised.exception.message_dict)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_score, 12)
        self.assertEqual(self.update(review_date=today()).review_date, today())

    def test_scores_outside_1_to_5_are_refused(self):
        with self.assertRaises(ValidationError) as raised:
            self.update(residual_likelihood=6)
        self.assertIn("residual_likelihood", raised.exception.message_dict)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.residual_likelihood, 3)

    def test_only_update_fields_can_change(self):
        with self.assertRaises(TypeError):
            self.update(level=Risk.Level.STRATEGIC)
        with self.assertRaises(TypeError):
            self.update(tolerance=25)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.OPERATIONAL)


class DecideEscalationTest(RiskCase):
    def decide(self, decision, reason="Past tolerance for two months.", user=None):
        return services.decide_escalation(
            user=user or self.sam, risk=self.risk, decision=decision, reason=reason
        )

    def test_escalation_moves_the_risk_to_the_strategic_register(self):
        record = self.decide(EscalationDecision.Decision.ESCALATED, "  Equal pay liability.  ")
        self.assertEqual(record.decision, EscalationDecision.Decision.ESCALATED)
        self.assertEqual(record.decided_by, self.sam)
        self.assertEqual(timezone.localdate(record.decided_at), today())
        self.assertEqual(record.residual_score, 12)
        self.assertEqual(record.reason, "Equal pay liability.")
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.STRATEGIC)
        self.assertTrue(self.risk.escalated)
        self.assertEqual(self.risk.escalated_on, today())
        self.assertEqual(self.risk.escalation_reason, "Equal pay liability.")
        self.assertEqual(self.risk.history.latest().history_user, self.sam)
        self.assertEqual(record.history.latest().history_user, self.sam)
        self.assertFalse(self.risk.needs_escalation(record))

    def test_not_escalated_is_recorded_with_its_reason_and_leaves_the_risk(self):
        record = self.decide(EscalationDecision.Decision.NOT_ESCALATED, "Settlement agreed.")
        self.assertEqual(record.decision, EscalationDecision.Decision.NOT_ESCALATED)
        self.assertEqual(record.reason, "Settlement agreed.")
        self.assertEqual(record.decided_by, self.sam)
        self.risk.refresh_from_db()
        self.assertEqual(self.risk.level, Risk.Level.OPERATIONAL)
        self.assertFalse(self.risk.escalated)
        self.assertIsNone(self.risk.escalated_on)
        self.assertEqual(self.risk.history.count(), 1)

    def test_a_risk_already_strategic_cannot_be_escalated(self):
        self.decide(EscalationDecision.Decision.ESCALATED)
        with self.assertRaises(ValidationError) as raised:
            self.decide(EscalationDecision.Decision.ESCALATED, user=self.alex)
        self.assertIn(
            "already on the strategic register", raised.exception.message_dict["decision"][0]
        )
        self.assertEqual(self.risk.escalation_decisions.count(), 1)
        self.assertEqual(self.risk.history.latest().history_user, self.sam)

    def test_a_reason_and_a_known_decision_are_needed(self):
        with self.assertRaises(ValidationError) as raised:
            self.decide("maybe", reason="   ")
        self.assertEqual(set(raised.exception.message_dict), {"decision", "reason"})
        self.assertFalse(EscalationDecision.objects.exists())

    def test_only_the_secretariat_and_admins_decide(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                self.decide(EscalationDecision.Decision.ESCALATED, user=user)
        self.assertFalse(EscalationDecision.objects.exists())
        self.decide(EscalationDecision.Decision.NOT_ESCALATED, user=self.alex)
        self.assertEqual(EscalationDecision.objects.get().decided_by, self.alex)


class NeedsEscalationTest(RiskCase):
    def latest(self):
        return self.risk.escalation_decisions.first()

    def refreshed(self) -> Risk:
        self.risk.refresh_from_db()
        return self.risk

    def test_past_tolerance_with_no_decision_needs_one(self):
        self.assertTrue(self.risk.past_tolerance)
        self.assertTrue(self.risk.needs_escalation(self.latest()))

    def test_not_escalated_at_this_score_then_the_score_rises(self):
        services.decide_escalation(
            user=self.sam,
            risk=self.risk,
            decision=EscalationDecision.Decision.NOT_ESCALATED,
            reason="Settlement agreed.",
        )
        self.assertFalse(self.refreshed().needs_escalation(self.latest()))

        services.record_risk_update(
            user=self.olivia,
            risk=self.risk,
            seen_version=services.risk_version(self.risk),
            residual_impact=5,
        )
        self.assertEqual(self.refreshed().residual_score, 15)
        self.assertTrue(self.risk.needs_escalation(self.latest()))

    def test_within_tolerance_or_strategic_needs_none(self):
        Risk.objects.filter(pk=self.risk.pk).update(residual_likelihood=2)  # 8, within 9
        self.assertFalse(self.refreshed().needs_escalation(None))
        Risk.objects.filter(pk=self.risk.pk).update(
            residual_likelihood=5, level=Risk.Level.STRATEGIC
        )
        self.assertFalse(self.refreshed().needs_escalation(None))

"""The page of one risk: who may see it, what it shows (scores with bands, tolerance,
exposure in pounds, mitigations one per line, linked actions with their RAG, an overdue
review in words), the score history chart built from the history rows, the movement
since the last closed cycle, the escalation section, the links to update and escalate
for those who may, and a fixed number of queries."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from biip.models import RAG
from plans.models import Cycle, EscalationDecision, Risk
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_risk


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def change(risk: Risk, when: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(risk, name, value)
    risk._history_date = when
    risk.save()
    del risk._history_date


class RiskFixture(RolesTestCase):
    """OR-07, Olivia's operational risk in Finance: residual 3 x 4 from 1 January 2019,
    4 x 5 since 5 November 2019 (after the October cycle closed on 25 October), past its
    tolerance of 12; a decision not to escalate it taken at 12; two linked actions."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=aware(2019, 10, 25, 17),
        )
        cls.risk = make_risk(
            reference="OR-07",
            title="Early years service",
            description="Trade union recognition in the early years service.",
            category=Risk.Category.SOCIAL,
            level=Risk.Level.OPERATIONAL,
            owner=cls.olivia.person,
            directorate=cls.finance,
            inherent_likelihood=5,
            inherent_impact=5,
            residual_likelihood=3,
            residual_impact=4,
            target_likelihood=2,
            target_impact=2,
            tolerance=12,
            financial_exposure=Decimal("30000000.00"),
            trend=Risk.Trend.WORSENING,
            mitigations=(
                "Weekly talks with the unions.\n\n  Interim staffing plan.  \nLegal advice."
            ),
            review_date=cls.today - datetime.timedelta(days=3),
        )
        cls.risk.history.update(history_date=aware(2019, 1, 1, 9))
        change(cls.risk, aware(2019, 11, 5, 10), residual_likelihood=4, residual_impact=5)
        cls.decision = EscalationDecision.objects.create(
            risk=cls.risk,
            decision=EscalationDecision.Decision.NOT_ESCALATED,
            reason="Within the service's appetite for now.",
            residual_score=12,
            decided_by=cls.sam,
            decided_at=aware(2019, 6, 3, 12),
        )
        cls.red = make_action(reference="IP19-03", title="Agree a framework", rag=RAG.RED)
        cls.amber = make_action(reference="IP19-04", title="Review the service", rag=RAG.AMBER)
        cls.red.risks.add(cls.risk)
        cls.amber.risks.add(cls.risk)
        cls.url = reverse("risk", args=[cls.risk.pk])

    def get(self, user=None, url=None):
        self.client.force_login(user or self.pat)
        return self.client.get(url or self.url)


class RiskAccess(RiskFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_every_role_reads_it(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Early years service</h1>")

    def test_no_such_risk_is_404(self):
        self.assertEqual(self.get(url=reverse("risk", args=[999999])).status_code, 404)


class RiskContent(RiskFixture):
    def test_the_risk_in_words(self):
        response = self.get()
        for text in (
            "Operational risk OR-07",
            "Trade union recognition in the early years service.",
            '<dd class="govuk-summary-list__value" id="owner">Olivia Example, Officer</dd>',
            '<dd class="govuk-summary-list__value" id="directorate">Finance and Governance</dd>',
            '<dd class="govuk-summary-list__value" id="category">Social</dd>',
            '<dd class="govuk-summary-list__value" id="level">Operational</dd>',
            '<dd class="govuk-summary-list__value" id="trend">Worsening</dd>',
            '<dd class="govuk-summary-list__value" id="exposure">£30,000,000</dd>',
        ):
            self.assertContains(response, text)

    def test_scores_with_their_bands(self):
        response = self.get()
        self.assertEqual(
            [(name, str(score)) for name, score in response.context["scores"]],
            [
                ("Inherent", "Very high 25 (5 × 5)"),
                ("Residual", "Very high 20 (4 × 5)"),
                ("Target", "Low 4 (2 × 2)"),
            ],
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Very high 20</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green app-rag-tag">Low 4</strong>'
        )
        self.assertContains(response, "High</strong>&nbsp;10 to 16")  # the key

    def test_tolerance_passed_is_flagged(self):
        response = self.get()
        self.assertContains(response, "A residual score of 12 at most")
        self.assertContains(response, "The residual score, 20, is above the tolerance.")
        change(self.risk, timezone.now(), residual_likelihood=3, residual_impact=4)
        response = self.get()
        self.assertNotContains(response, "Past tolerance")
        self.assertContains(response, "within tolerance")

    def test_an_overdue_review_stands_out(self):
        self.assertContains(self.get(), "Review overdue", count=2)
        change(self.risk, timezone.now(), review_date=self.today + datetime.timedelta(days=1))
        self.assertNotContains(self.get(), "Review overdue")

    def test_mitigations_one_per_line(self):
        self.assertEqual(
            self.get().context["mitigations"],
            ["Weekly talks with the unions.", "Interim staffing plan.", "Legal advice."],
        )
        self.assertContains(self.get(), "<li>Interim staffing plan.</li>")

    def test_no_exposure_or_mitigations_said_in_words(self):
        change(self.risk, timezone.now(), financial_exposure=None, mitigations="")
        response = self.get()
        self.assertContains(response, 'id="exposure">Not assessed</dd>')
        self.assertContains(response, "No mitigations recorded.")

    def test_linked_actions_with_their_rag(self):
        response = self.get()
        self.assertContains(response, reverse("action", args=[self.red.pk]))
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Amber</strong>'
        )
        self.red.risks.remove(self.risk)
        self.amber.risks.remove(self.risk)
        self.assertContains(self.get(), "No plan actions are linked to this risk.")


class RiskHistoryChart(RiskFixture):
    def series(self, response) -> dict[str, list]:
        chart = response.context["chart"]
        return {column: [row[1][i] for row in chart.rows] for i, column in enumerate(chart.columns)}

    def test_the_chart_has_each_date_a_score_changed(self):
        response = self.get()
        chart = response.context["chart"]
        self.assertEqual([label for label, _ in chart.rows], ["1 Jan 2019", "5 Nov 2019"])
        self.assertEqual(
            self.series(response),
            {"Inherent": ["25", "25"], "Residual": ["12", "20"], "Target": ["4", "4"]},
        )
        self.assertEqual([tick.text for tick in chart.ticks], ["0", "5", "10", "15", "20", "25"])
        self.assertContains(response, 'id="score-history"')
        self.assertContains(response, '<title id="score-history-title">OR-07: inherent')

    def test_a_change_to_the_scores_shows_in_the_chart(self):
        change(self.risk, aware(2020, 1, 10, 9), residual_likelihood=2, residual_impact=3)
        response = self.get()
        self.assertEqual(self.series(response)["Residual"], ["12", "20", "6"])
        self.assertEqual(response.context["chart"].rows[-1][0], "10 Jan 2020")
        self.assertContains(response, "Residual, 10 Jan 2020: 6")

    def test_a_change_to_other_fields_adds_no_point(self):
        change(self.risk, aware(2020, 1, 10, 9), title="Early years service (renamed)")
        self.assertEqual(len(self.get().context["chart"].rows), 2)


class RiskMovement(RiskFixture):
    def test_movement_since_the_last_closed_cycle(self):
        response = self.get()
        self.assertContains(
            response,
            "Up since the October 2019 cycle closed on 25 October 2019: the residual score "
            "moved from High 12 (3 × 4) to Very high 20 (4 × 5).",
        )
        chart = response.context["heat_map"]
        self.assertEqual(len(chart.arrows), 1)
        self.assertEqual([mark.now for mark in chart.marks], [True, False])
        self.assertContains(response, 'marker-end="url(#risk-heat-map-arrowhead)"')

    def test_no_movement_in_words(self):
        other = make_risk(reference="SR-20", title="Steady risk")
        other.history.update(history_date=aware(2019, 1, 1, 9))
        response = self.get(url=reverse("risk", args=[other.pk]))
        self.assertContains(response, "No movement since the October 2019 cycle closed")
        self.assertEqual(response.context["heat_map"].arrows, [])

    def test_a_risk_new_since_the_cycle(self):
        other = make_risk(reference="SR-21")
        response = self.get(url=reverse("risk", args=[other.pk]))
        self.assertContains(response, "New since the October 2019 cycle closed")

    def test_no_closed_cycle(self):
        Cycle.objects.update(closed_at=None)
        self.assertContains(self.get(), "No cycle has been closed yet")


class RiskEscalation(RiskFixture):
    def test_decisions_with_who_when_why_and_score(self):
        later = EscalationDecision.objects.create(
            risk=self.risk,
            decision=EscalationDecision.Decision.NOT_ESCALATED,
            reason="Reviewed again.",
            residual_score=12,
            decided_by=self.alex,
            decided_at=aware(2019, 8, 1, 12),
        )
        response = self.get()
        self.assertEqual(response.context["decisions"], [later, self.decision])
        content = response.content.decode()
        section = content[content.index('<section id="escalation"') :]
        self.assertIn("3 June 2019", section)
        self.assertIn("Sam Example", section)
        self.assertIn("Within the service&#x27;s appetite for now.", section)
        self.assertIn("Not escalated", section)
        self.assertLess(section.index("Reviewed again."), section.index("Within the service"))

    def test_past_tolerance_decision_needed(self):
        self.assertContains(self.get(), "Past tolerance: decision needed")

    def test_no_decision_needed_once_decided_at_this_score(self):
        EscalationDecision.objects.create(
            risk=self.risk,
            decision=EscalationDecision.Decision.NOT_ESCALATED,
            reason="Accepted at 20.",
            residual_score=20,
            decided_by=self.sam,
        )
        self.assertNotContains(self.get(), "decision needed")

    def test_an_escalated_risk_says_so(self):
        change(
            self.risk,
            timezone.now(),
            escalated=True,
            escalated_on=datetime.date(2019, 11, 6),
            escalation_reason="Moved to the strategic register.",
        )
        response = self.get()
        self.assertContains(response, "Escalated to the strategic register on 6 November 2019.")
        self.assertNotContains(response, "decision needed")

    def test_no_decisions_said_in_words(self):
        other = make_risk(reference="SR-22")
        response = self.get(url=reverse("risk", args=[other.pk]))
        self.assertContains(response, "No decision on escalating this risk has been recorded.")

    def test_only_the_secretariat_and_administrators_see_the_escalate_link(self):
        link = reverse("risk-escalate", args=[self.risk.pk])
        for user, shown in (
            (self.sam, True),
            (self.alex, True),
            (self.pat, False),
            (self.olivia, False),
        ):
            with self.subTest(user=user.username):
                response = self.get(user)
                if shown:
                    self.assertContains(response, f'href="{link}"')
                else:
                    self.assertNotContains(response, f'href="{link}"')


class RiskUpdateLink(RiskFixture):
    def test_owner_directorate_and_secretariat_see_it(self):
        link = f'href="{reverse("risk-update", args=[self.risk.pk])}"'
        for user, shown in (
            (self.olivia, True),
            (self.sam, True),
            (self.alex, True),
            (self.oscar, False),
            (self.pat, False),
        ):
            with self.subTest(user=user.username):
                response = self.get(user)
                if shown:
                    self.assertContains(response, link)
                    self.assertContains(response, "Update this risk")
                else:
                    self.assertNotContains(response, link)

    def test_an_officer_of_the_directorate_who_does_not_own_it(self):
        other = make_risk(owner=make_person(), directorate=self.finance)
        response = self.get(self.olivia, reverse("risk", args=[other.pk]))
        self.assertContains(response, "Update this risk")


class RiskQueries(RiskFixture):
    def count(self) -> int:
        self.client.force_login(self.sam)
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_same_number_of_queries_with_more_history_actions_and_decisions(self):
        before = self.count()
        for n in range(6):
            change(self.risk, aware(2020, 1, 1 + n, 9), residual_impact=1 + n % 5)
            make_action(rag=RAG.GREEN).risks.add(self.risk)
            make_risk()
            EscalationDecision.objects.create(
                risk=self.risk,
                decision=EscalationDecision.Decision.NOT_ESCALATED,
                reason=f"Reason {n}",
                residual_score=4,
                decided_by=self.alex if n % 2 else self.sam,
            )
        self.assertEqual(self.count(), before)

"""Every create, change and delete made through the app is in the history with the user
who made it.

Every model of the project's apps keeps a history (django-simple-history), apart from the
few listed below as deliberately untracked. Then, for each write path the app offers, a
signed-in user's POST must leave at least one new history row, and every history row
written during the POST (in any table) must name that user: none with no user.
"""

import datetime
from contextlib import contextmanager

from django.apps import apps
from django.urls import reverse

from biip.models import RAG
from meetings.models import Meeting
from plans.models import Challenge, EscalationDecision, Milestone, Risk
from plans.services import action_version
from plans.views.changes import tracked_models
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_indicator,
    make_meeting,
    make_minute,
    make_person,
    make_plan,
    make_risk,
    make_theme,
    make_update,
)

PROJECT_APPS = {"biip", "plans", "meetings", "reports"}
# A snapshot's rows are frozen copies of the records at a cycle's close, written once by
# the snapshot service (reports.snapshots): the snapshot itself keeps history.
UNTRACKED = {
    "meetings.minutespublication",  # the public minutes frozen at publication, never changed
    "reports.actionsnapshot",
    "reports.indicatorsnapshot",
    "reports.meetingactionsnapshot",
    "reports.recommendationsnapshot",
    "reports.risksnapshot",
}


def tracked() -> list:
    return tracked_models()


@contextmanager
def history_written_by(test, user):
    """Assert that the block writes history, and that every history row it writes, in
    every table, names `user`."""
    models = tracked()
    before = {
        model: model.history.order_by("-history_id").values_list("history_id", flat=True).first()
        or 0
        for model in models
    }
    yield
    written = 0
    for model in models:
        rows = model.history.filter(history_id__gt=before[model])
        for row in rows:
            written += 1
            with test.subTest(model=model._meta.label, type=row.history_type):
                test.assertEqual(row.history_user_id, user.pk)
    test.assertGreater(written, 0, "the write left no history")


class ModelsKeepHistoryTest(RolesTestCase):
    def test_every_model_of_the_project_keeps_history_unless_listed(self):
        models = [
            model
            for model in apps.get_models()
            if model._meta.app_label in PROJECT_APPS and not model.__name__.startswith("Historical")
        ]
        untracked = {model._meta.label_lower for model in models if model not in tracked()}
        self.assertEqual(untracked, UNTRACKED)
        self.assertGreaterEqual(len(tracked()), 32)


class WritePathsRecordTheUserTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.theme = make_theme()
        cls.action = make_action(
            plan=cls.plan,
            reference="IP19-07",
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            rag=RAG.GREEN,
        )
        cls.update = make_update(cls.action, cls.olivia, period=datetime.date(2019, 10, 1))
        cls.milestone = Milestone.objects.create(
            action=cls.action, title="Consult", due_date=datetime.date(2019, 9, 30)
        )
        cls.challenge = Challenge.objects.create(
            action=cls.action, update=cls.update, question="Why?", raised_by=cls.pat
        )
        cls.risk = make_risk(
            owner=cls.olivia.person,
            directorate=cls.finance,
            level=Risk.Level.OPERATIONAL,
            residual_likelihood=4,
            residual_impact=4,
            tolerance=9,
        )
        cls.indicator = make_indicator(owner=cls.olivia.person, directorate=cls.finance)
        cls.meeting = make_meeting()
        cls.minute = make_minute(make_agenda_item(cls.meeting))

    def post(self, user, url, data=None):
        self.client.force_login(user)
        with history_written_by(self, user):
            response = self.client.post(url, data or {})
            self.assertEqual(response.status_code, 302, getattr(response, "context", None))

    def action_data(self, **overrides):
        lead = make_person(organisation=self.council)
        data = {
            "reference": "IP19-99",
            "title": "Deliver the workforce strategy",
            "description": "",
            "theme": self.theme.pk,
            "directorate": self.finance.pk,
            "lead_officer": lead.pk,
            "lead_member": "",
            "start_date": "01/04/2019",
            "original_due_date": "31/03/2020",
            "revised_due_date": "",
            "revision_reason": "",
            "success_measure": "",
            "resources": "",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **overrides}

    def test_action_create_and_edit(self):
        self.post(self.sam, reverse("action-create", args=[self.plan.pk]), self.action_data())
        data = self.action_data(
            reference="IP19-07", seen_version=action_version(self.action), title="Changed"
        )
        self.post(self.alex, reverse("action-edit", args=[self.action.pk]), data)

    def test_milestone_create_and_edit(self):
        data = {"title": "Consult staff", "due_date": "31/10/2019", "completed_on": ""}
        self.post(self.sam, reverse("milestone-create", args=[self.action.pk]), data)
        data = {"title": "Changed", "due_date": "30/09/2019", "completed_on": ""}
        self.post(self.alex, reverse("milestone-edit", args=[self.milestone.pk]), data)

    def test_challenge_and_reply(self):
        url = reverse("action-challenge", args=[self.action.pk])
        self.post(self.pat, url, {"update": "", "question": "Who owns this?"})
        url = reverse("challenge-reply", args=[self.challenge.pk])
        self.post(self.olivia, url, {"response": "Soon."})

    def test_assurance(self):
        url = reverse("update-assurance", args=[self.update.pk])
        self.post(self.pat, url, {"decision": "assured"})

    def test_risk_escalation(self):
        url = reverse("risk-escalate", args=[self.risk.pk])
        data = {"decision": EscalationDecision.Decision.ESCALATED, "reason": "Past tolerance."}
        self.post(self.sam, url, data)

    def test_indicator_value(self):
        url = reverse("indicator-value-add", args=[self.indicator.pk])
        data = {
            "period_month": "5",
            "period_year": "2018",
            "value": "26.4",
            "label": "M2 2018-19",
            "benchmark_quartile": "",
            "note": "",
        }
        self.post(self.olivia, url, data)

    def test_meeting_create(self):
        data = {
            "title": "Panel meeting",
            "date": "29/01/2019",
            "start_time": "12.15pm",
            "end_time": "14:15",
            "place": "Birmingham",
            "kind": "monthly",
            "next_meeting": "",
        }
        self.post(self.sam, reverse("meeting-create"), data)
        self.assertTrue(Meeting.objects.filter(place="Birmingham").exists())

    def test_action_delete_and_restore(self):
        self.post(self.sam, reverse("action-delete", args=[self.action.pk]))
        self.post(self.alex, reverse("action-restore", args=[self.action.pk]))

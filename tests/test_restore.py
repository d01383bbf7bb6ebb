"""plans.restore: deleting an action records every row's delete with the acting user
(also outside a request), keeps the evidence files, and restoring it puts the action and
its rows back with the same keys, recorded as created by the restoring user, "Restored"."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from plans.models import (
    Action,
    Assurance,
    Challenge,
    Evidence,
    Milestone,
    ProgressUpdate,
)
from plans.restore import RESTORED, delete_action, deleted_actions, restore_action
from reports.models import ActionSnapshot
from tests.base import MediaRolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_recommendation,
    make_report_snapshot,
    make_risk,
    make_source,
    make_update,
)

PDF = b"%PDF-1.7\n%%EOF\n"


class RestoreCase(MediaRolesTestCase):
    def setUp(self):
        self.action = make_action(
            reference="IP19-08", directorate=self.finance, lead_officer=self.olivia.person
        )
        self.recommendation = make_recommendation(make_source())
        self.risk = make_risk()
        self.action.recommendations.add(self.recommendation)
        self.action.risks.add(self.risk)
        self.milestone = Milestone.objects.create(
            action=self.action, title="Draft", due_date=datetime.date(2019, 9, 30)
        )
        self.update = make_update(self.action, self.olivia, period=datetime.date(2019, 11, 1))
        self.assurance = Assurance.objects.create(
            update=self.update,
            decision=Assurance.Decision.ASSURED,
            decided_by=self.pat,
        )
        self.challenge = Challenge.objects.create(
            action=self.action, update=self.update, raised_by=self.pat, question="Why?"
        )
        evidence = Evidence(
            update=self.update,
            original_name="report.pdf",
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=self.olivia,
        )
        evidence.file.save("report.pdf", ContentFile(PDF))
        self.evidence = evidence
        minute = make_minute(make_agenda_item(make_meeting()))
        self.meeting_action = make_meeting_action(
            minute, self.olivia.person, promoted_to=self.action
        )

    def rows(self):
        return [
            (Action, self.action.pk),
            (Milestone, self.milestone.pk),
            (ProgressUpdate, self.update.pk),
            (Assurance, self.assurance.pk),
            (Challenge, self.challenge.pk),
            (Evidence, self.evidence.pk),
        ]


class DeleteActionTest(RestoreCase):
    def test_deletes_the_action_and_its_rows_with_the_user_in_each_history_row(self):
        delete_action(user=self.sam, action=self.action)
        for model, pk in self.rows():
            with self.subTest(model=model.__name__):
                self.assertFalse(model.objects.filter(pk=pk).exists())
                last = model.history.filter(id=pk).latest("history_id")
                self.assertEqual(last.history_type, "-")
                self.assertEqual(last.history_user, self.sam)
                self.assertEqual(
                    last.history_change_reason, f"Deleted with action {self.action.pk}"
                )
        self.meeting_action.refresh_from_db()
        self.assertIsNone(self.meeting_action.promoted_to)
        self.assertEqual(self.meeting_action.history.latest("history_id").history_user, self.sam)

    def test_keeps_the_evidence_file_on_disk(self):
        name = self.evidence.file.name
        delete_action(user=self.sam, action=self.action)
        self.assertTrue(default_storage.exists(name))

    def test_refuses_everyone_but_the_secretariat_and_administrators(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                delete_action(user=user, action=self.action)
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())

    def test_listed_as_deleted(self):
        self.assertEqual(deleted_actions(), [])
        delete_action(user=self.alex, action=self.action)
        self.assertEqual([row.id for row in deleted_actions()], [self.action.pk])


class RestoreActionTest(RestoreCase):
    def test_restores_the_action_and_its_rows_with_the_same_keys(self):
        snapshot = make_report_snapshot(user=self.sam)
        before = ActionSnapshot.objects.filter(snapshot=snapshot, action=self.action).count()
        self.assertEqual(before, 1)
        title = self.action.title
        delete_action(user=self.sam, action=self.action)
        action = restore_action(user=self.alex, action_id=self.action.pk)
        self.assertEqual(action.pk, self.action.pk)
        self.assertEqual(Action.objects.get(pk=self.action.pk).title, title)
        for model, pk in self.rows():
            with self.subTest(model=model.__name__):
                self.assertTrue(model.objects.filter(pk=pk).exists())
                last = model.history.filter(id=pk).latest("history_id")
                self.assertEqual(last.history_user, self.alex)
                self.assertEqual(last.history_change_reason, RESTORED)
                self.assertIn(last.history_type, {"+", "~"})
        self.assertEqual(list(action.recommendations.all()), [self.recommendation])
        self.assertEqual(list(action.risks.all()), [self.risk])
        self.assertEqual(Challenge.objects.get(pk=self.challenge.pk).update_id, self.update.pk)
        self.meeting_action.refresh_from_db()
        self.assertEqual(self.meeting_action.promoted_to_id, self.action.pk)
        self.assertEqual(
            ActionSnapshot.objects.filter(snapshot=snapshot, action=self.action).count(), before
        )
        self.assertTrue(default_storage.exists(Evidence.objects.get().file.name))
        self.assertEqual(deleted_actions(), [])

    def test_refuses_an_action_that_is_not_deleted(self):
        with self.assertRaisesMessage(ValidationError, "not deleted"):
            restore_action(user=self.sam, action_id=self.action.pk)
        with self.assertRaisesMessage(ValidationError, "not deleted"):
            restore_action(user=self.sam, action_id=999999)

    def test_refuses_when_the_plan_is_gone(self):
        plan = self.action.plan
        delete_action(user=self.sam, action=self.action)
        plan.delete()
        with self.assertRaisesMessage(ValidationError, "plan no longer exists"):
            restore_action(user=self.sam, action_id=self.action.pk)
        self.assertFalse(Action.objects.filter(pk=self.action.pk).exists())

    def test_refuses_when_the_lead_officer_is_gone(self):
        delete_action(user=self.sam, action=self.action)
        person = self.oscar.person
        Action.history.filter(id=self.action.pk).update(lead_officer_id=person.pk + 1000)
        with self.assertRaisesMessage(ValidationError, "lead officer no longer exists"):
            restore_action(user=self.sam, action_id=self.action.pk)

    def test_refuses_when_the_reference_is_taken_again(self):
        delete_action(user=self.sam, action=self.action)
        make_action(reference="IP19-08", plan=self.action.plan, directorate=self.finance)
        with self.assertRaisesMessage(ValidationError, "cannot be restored"):
            restore_action(user=self.sam, action_id=self.action.pk)
        self.assertEqual(Milestone.objects.filter(pk=self.milestone.pk).count(), 0)

    def test_refuses_everyone_but_the_secretariat_and_administrators(self):
        delete_action(user=self.sam, action=self.action)
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                restore_action(user=user, action_id=self.action.pk)
        self.assertFalse(Action.objects.filter(pk=self.action.pk).exists())

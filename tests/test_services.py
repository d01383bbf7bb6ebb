"""plans.services: the monthly update, assurance, challenge and answer, called directly."""

import datetime
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from biip.models import RAG, Role
from plans import services
from plans.models import (
    Action,
    Assurance,
    AssuranceStatus,
    Challenge,
    Cycle,
    Evidence,
    Milestone,
    ProgressUpdate,
)
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_update, make_user

NOVEMBER = datetime.date(2019, 11, 1)
OCTOBER = datetime.date(2019, 10, 1)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
ZIP = b"PK\x03\x04" + b"\x00" * 32


def upload(name: str, content: bytes, claimed: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=claimed)


class UpdateCase(RolesTestCase):
    """An open November 2019 cycle and one of Olivia's Finance and Governance actions,
    assured Green in October."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.action = make_action(
            plan=cls.plan,
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            rag=RAG.GREEN,
            assurance=AssuranceStatus.ASSURED,
            assured_rag=RAG.GREEN,
        )
        cls.october = make_update(cls.action, cls.olivia, period=OCTOBER, rag=RAG.GREEN)

    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="updates-media-")
        override = override_settings(MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)

    def record(self, user=None, **overrides) -> ProgressUpdate:
        fields = {
            "user": user or self.olivia,
            "action": self.action,
            "period": NOVEMBER,
            "rag": RAG.GREEN,
            "narrative": "Business case agreed by the board.",
            "seen_version": services.action_version(self.action),
        }
        return services.record_update(**{**fields, **overrides})

    def refused(self, **overrides) -> dict[str, list[str]]:
        """Record an update that must be refused: its errors by field; nothing written."""
        before = Action.objects.get(pk=self.action.pk)
        with self.assertRaises(ValidationError) as caught:
            self.record(**overrides)
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())
        self.assertFalse(Evidence.objects.exists())
        after = Action.objects.get(pk=self.action.pk)
        self.assertEqual(
            (after.rag, after.last_update_at, after.assurance),
            (before.rag, before.last_update_at, before.assurance),
        )
        self.assertEqual(self.stored_files(), [])
        return caught.exception.message_dict

    def stored_files(self) -> list[Path]:
        return sorted(path for path in Path(self.media).rglob("*") if path.is_file())


class RecordUpdatePermissions(UpdateCase):
    def test_officer_of_another_directorate_is_refused(self):
        with self.assertRaises(PermissionDenied):
            self.record(user=self.oscar)
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())

    def test_panel_member_is_refused(self):
        with self.assertRaises(PermissionDenied):
            self.record(user=self.pat)
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())

    def test_lead_directorate_officer_secretariat_and_administrator_may(self):
        colleague = make_user("colin", Role.OFFICER, directorate=self.finance)
        for user in (self.olivia, colleague, self.sam, self.alex):
            with self.subTest(user=user.username):
                update = self.record(user=user, narrative=f"Update by {user.username}.")
                self.assertEqual(update.author, user)
                self.assertEqual(update.narrative, f"Update by {user.username}.")
        self.assertEqual(self.action.updates.filter(period=NOVEMBER).count(), 1)


class RecordUpdateSavesEveryRow(UpdateCase):
    def test_update_and_action_after_a_green_update(self):
        before = timezone.now()
        update = self.record(evidence_links="  https://example.org/board-minutes  \n\n\nPaper 7 ")
        update.refresh_from_db()
        self.assertEqual(
            (update.action, update.period, update.rag, update.author),
            (self.action, NOVEMBER, RAG.GREEN, self.olivia),
        )
        self.assertEqual(update.narrative, "Business case agreed by the board.")
        self.assertEqual(update.evidence, "https://example.org/board-minutes\nPaper 7")
        self.assertIsNone(update.completed_on)
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual(action.rag, RAG.GREEN)
        self.assertGreaterEqual(action.last_update_at, before)
        self.assertEqual(action.assurance, AssuranceStatus.NOT_REVIEWED)
        self.assertEqual(action.assured_rag, "")
        self.assertIsNone(action.revised_due_date)

    def test_red_update_moves_the_rag_and_the_due_date(self):
        self.record(
            rag=RAG.RED,
            narrative="Supplier failed; re-procuring through the framework.",
            revised_due_date=datetime.date(2020, 3, 31),
            revision_reason="  Supplier withdrew in October.  ",
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual(action.rag, RAG.RED)
        self.assertEqual(action.revised_due_date, datetime.date(2020, 3, 31))
        self.assertEqual(action.revision_reason, "Supplier withdrew in October.")
        self.assertEqual(action.original_due_date, datetime.date(2019, 12, 31))
        self.assertEqual(action.slippage_days, 91)
        update = action.updates.get(period=NOVEMBER)
        self.assertEqual(update.revised_due_date, datetime.date(2020, 3, 31))
        self.assertEqual(update.revision_reason, "Supplier withdrew in October.")

    def test_blue_update_completes_the_action(self):
        done = datetime.date(2019, 11, 5)
        self.record(rag=RAG.BLUE, narrative="Delivered.", completed_on=done)
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.rag, action.completed_on), (RAG.BLUE, done))
        self.assertTrue(action.is_complete)
        self.assertEqual(action.updates.get(period=NOVEMBER).completed_on, done)

    def test_history_records_the_acting_user(self):
        milestone = Milestone.objects.create(
            action=self.action, title="Board approval", due_date=datetime.date(2019, 11, 30)
        )
        update = self.record(
            user=self.sam,
            files=[upload("minutes.pdf", PDF)],
            completed_milestones=[milestone.pk],
        )
        for record in (
            update.history.latest("history_id"),
            self.action.history.latest("history_id"),
            update.files.get().history.latest("history_id"),
            milestone.history.latest("history_id"),
        ):
            with self.subTest(model=record.instance.__class__.__name__):
                self.assertEqual(record.history_user, self.sam)


class RecordUpdateRevisesTheMonthsUpdate(UpdateCase):
    def test_second_submission_for_the_month_revises_it_keeping_history(self):
        first = self.record(narrative="First draft.", files=[upload("a.pdf", PDF)])
        second = self.record(
            user=self.sam, rag=RAG.AMBER, narrative="Slipping: recovery plan agreed."
        )
        self.assertEqual(first.pk, second.pk)
        update = ProgressUpdate.objects.get(action=self.action, period=NOVEMBER)
        self.assertEqual((update.rag, update.author), (RAG.AMBER, self.sam))
        self.assertEqual(update.narrative, "Slipping: recovery plan agreed.")
        self.assertEqual(
            [row.narrative for row in update.history.order_by("history_id")],
            ["First draft.", "Slipping: recovery plan agreed."],
        )
        self.assertEqual(
            [row.history_user for row in update.history.order_by("history_id")],
            [self.olivia, self.sam],
        )
        self.assertEqual(update.files.count(), 1)  # files are added, never dropped
        self.assertEqual(Action.objects.get(pk=self.action.pk).rag, RAG.AMBER)


class RecordUpdateDetectsConflicts(UpdateCase):
    def test_a_stale_version_raises_conflict_and_writes_nothing(self):
        opened = services.action_version(self.action)
        self.action.title = "Renamed by the secretariat"
        self.action._history_user = self.sam
        self.action.save()
        with self.assertRaises(services.Conflict) as caught:
            self.record(seen_version=opened, rag=RAG.RED, narrative="Off track.")
        conflict = caught.exception
        self.assertEqual(conflict.seen_version, opened)
        self.assertEqual(conflict.version, services.action_version(self.action))
        self.assertNotEqual(conflict.version, opened)
        self.assertEqual(conflict.action.title, "Renamed by the secretariat")
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())
        self.assertEqual(Action.objects.get(pk=self.action.pk).rag, RAG.GREEN)

    def test_two_forms_opened_then_submitted_in_turn(self):
        olivia_opened = sam_opened = services.action_version(self.action)
        self.record(user=self.olivia, seen_version=olivia_opened, narrative="Olivia's update.")
        with self.assertRaises(services.Conflict) as caught:
            self.record(
                user=self.sam, seen_version=sam_opened, rag=RAG.RED, narrative="Sam's update."
            )
        update = ProgressUpdate.objects.get(action=self.action, period=NOVEMBER)
        self.assertEqual(update.narrative, "Olivia's update.")  # not overwritten
        self.record(
            user=self.sam,
            seen_version=caught.exception.version,
            rag=RAG.RED,
            narrative="Sam's update.",
        )
        update.refresh_from_db()
        self.assertEqual((update.narrative, update.rag), ("Sam's update.", RAG.RED))

    def test_files_of_a_conflicting_submission_are_not_stored(self):
        stale = services.action_version(self.action) - 1
        with self.assertRaises(services.Conflict):
            self.record(seen_version=stale, files=[upload("a.pdf", PDF)])
        self.assertEqual(self.stored_files(), [])
        self.assertFalse(Evidence.objects.exists())


class RecordUpdateValidation(UpdateCase):
    def test_red_and_amber_need_to_say_what_is_being_done(self):
        for rag in (RAG.RED, RAG.AMBER):
            with self.subTest(rag=rag):
                errors = self.refused(rag=rag, narrative="   \n ")
                self.assertEqual(list(errors), ["narrative"])
                self.assertIn("what is being done", errors["narrative"][0])

    def test_every_update_needs_a_narrative(self):
        errors = self.refused(rag=RAG.GREEN, narrative="")
        self.assertEqual(
            errors,
            {"narrative": ["Enter a narrative: what has happened on the action this month."]},
        )

    def test_rag_must_be_a_rating(self):
        for rag in ("", RAG.NOT_RATED, "purple"):
            with self.subTest(rag=rag):
                self.assertIn("rag", self.refused(rag=rag))

    def test_blue_needs_a_completion_date_not_in_the_future(self):
        errors = self.refused(rag=RAG.BLUE, narrative="Done.")
        self.assertIn("Blue means complete", errors["completed_on"][0])
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        errors = self.refused(rag=RAG.BLUE, narrative="Done.", completed_on=tomorrow)
        self.assertEqual(errors["completed_on"], ["The completion date cannot be in the future."])

    def test_only_blue_has_a_completion_date(self):
        errors = self.refused(rag=RAG.GREEN, completed_on=datetime.date(2019, 11, 5))
        self.assertIn("Only a Blue (complete) update", errors["completed_on"][0])

    def test_a_revised_due_date_needs_a_reason_and_a_reason_a_date(self):
        errors = self.refused(revised_due_date=datetime.date(2020, 3, 31), revision_reason=" ")
        self.assertIn("needs a reason", errors["revision_reason"][0])
        errors = self.refused(revision_reason="Supplier withdrew.")
        self.assertEqual(
            errors["revised_due_date"], ["Enter the revised due date, or clear the reason."]
        )

    def test_a_revised_due_date_cannot_be_before_the_start(self):
        errors = self.refused(
            revised_due_date=datetime.date(2019, 1, 31), revision_reason="Brought forward."
        )
        self.assertEqual(
            errors["revised_due_date"],
            ["The revised due date cannot be before the action started (1 April 2019)."],
        )

    def test_officers_update_only_for_the_current_cycle(self):
        errors = self.refused(period=datetime.date(2019, 9, 1))
        self.assertIn("current cycle, November 2019", errors["period"][0])
        errors = self.refused(user=self.sam, period=datetime.date(2019, 9, 15))
        self.assertEqual(errors["period"], ["The period is the first day of a month."])

    def test_secretariat_may_fill_in_an_earlier_month_without_moving_the_action(self):
        update = self.record(
            user=self.sam, period=datetime.date(2019, 9, 1), rag=RAG.RED, narrative="Late."
        )
        self.assertEqual(update.period, datetime.date(2019, 9, 1))
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.rag, action.assurance), (RAG.GREEN, AssuranceStatus.ASSURED))

    def test_every_problem_is_reported_at_once(self):
        errors = self.refused(
            rag=RAG.BLUE,
            narrative="",
            revised_due_date=datetime.date(2020, 3, 31),
            files=[upload("virus.exe", b"MZ\x90\x00")],
        )
        self.assertEqual(set(errors), {"narrative", "completed_on", "revision_reason", "files"})


class RecordUpdateFiles(UpdateCase):
    def test_each_accepted_kind_is_stored_under_a_random_name(self):
        files = {
            "report.pdf": (PDF, "application/pdf"),
            "chart.PNG": (PNG, "image/png"),
            "photo.jpeg": (JPEG, "image/jpeg"),
            "photo.jpg": (JPEG, "image/jpeg"),
            "plan.gif": (GIF, "image/gif"),
            "old.doc": (OLE2, "application/msword"),
            "old.xls": (OLE2, "application/vnd.ms-excel"),
            "old.ppt": (OLE2, "application/vnd.ms-powerpoint"),
            "new.docx": (
                ZIP,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            "new.xlsx": (
                ZIP,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        }
        update = self.record(
            files=[
                upload(name, content, claimed="text/html") for name, (content, _) in files.items()
            ]
        )
        stored = {item.original_name: item for item in update.files.all()}
        self.assertEqual(set(stored), set(files))
        for name, (content, content_type) in files.items():
            with self.subTest(name=name):
                item = stored[name]
                self.assertEqual(item.content_type, content_type)
                self.assertEqual(item.size, len(content))
                self.assertEqual(item.uploaded_by, self.olivia)
                self.assertRegex(item.file.name, r"^evidence/2019-11/[0-9a-f]{32}$")
                self.assertEqual((Path(self.media) / item.file.name).read_bytes(), content)
        self.assertEqual(len(self.stored_files()), len(files))

    def test_every_content_type_is_one_the_model_accepts(self):
        for suffix, (content_type, _) in services.FILE_KINDS.items():
            with self.subTest(suffix=suffix):
                self.assertIn(content_type, Evidence.CONTENT_TYPES)

    def test_a_file_name_is_kept_only_as_data(self):
        update = self.record(files=[upload("..\\..//etc/passwd.pdf", PDF)])
        item = update.files.get()
        self.assertEqual(item.original_name, "passwd.pdf")
        self.assertNotIn("passwd", item.file.name)

    def test_other_kinds_are_refused(self):
        errors = self.refused(files=[upload("tool.exe", b"MZ\x90\x00", "application/pdf")])
        self.assertEqual(
            errors["files"],
            [
                "“tool.exe” must be a PDF, a Word, Excel or PowerPoint document, or a PNG, "
                "JPEG or GIF image."
            ],
        )

    def test_contents_must_match_the_name_whatever_the_browser_claims(self):
        errors = self.refused(files=[upload("report.pdf", b"<html><script>", "application/pdf")])
        self.assertEqual(
            errors["files"],
            ["“report.pdf” is not a real PDF file: its contents do not match its name."],
        )
        self.assertIn("files", self.refused(files=[upload("scan.png", PDF, "image/png")]))
        self.assertIn("files", self.refused(files=[upload("sheet.xlsx", OLE2)]))

    def test_files_larger_than_10_mb_are_refused(self):
        big = PDF + b"\x00" * (Evidence.MAX_BYTES + 1 - len(PDF))
        errors = self.refused(files=[upload("big.pdf", big)])
        self.assertEqual(
            errors["files"], ["“big.pdf” is larger than 10 MB: each file must be 10 MB or less."]
        )

    def test_a_file_of_exactly_10_mb_is_accepted(self):
        content = PDF + b"\x00" * (Evidence.MAX_BYTES - len(PDF))
        update = self.record(files=[upload("full.pdf", content)])
        self.assertEqual(update.files.get().size, Evidence.MAX_BYTES)

    def test_empty_files_are_refused(self):
        self.assertIn("is empty", self.refused(files=[upload("blank.pdf", b"")])["files"][0])

    def test_one_bad_file_stores_none_of_them(self):
        errors = self.refused(files=[upload("good.pdf", PDF), upload("bad.pdf", PNG)])
        self.assertEqual(len(errors["files"]), 1)

    def test_at_most_ten_files_at_a_time(self):
        errors = self.refused(files=[upload(f"f{n}.pdf", PDF) for n in range(11)])
        self.assertEqual(errors["files"], ["Choose at most 10 files at a time."])

    def test_files_are_removed_if_the_transaction_fails_after_storing(self):
        # A failure when the action is saved, after the files were written: the rows roll
        # back, and the files go too.
        failure = ValidationError({"rag": "Refused by the database."})
        with mock.patch.object(Action, "full_clean", side_effect=failure):
            errors = self.refused(files=[upload("a.pdf", PDF), upload("b.png", PNG)])
        self.assertEqual(errors, {"rag": ["Refused by the database."]})


class RecordUpdateMilestones(UpdateCase):
    def test_chosen_milestones_are_completed_today(self):
        first, second, done = (
            Milestone.objects.create(
                action=self.action, title=title, due_date=datetime.date(2019, 11, 30)
            )
            for title in ("Draft", "Consult", "Scope")
        )
        done.completed_on = datetime.date(2019, 6, 1)
        done.save()
        self.record(completed_milestones=[first, done.pk])
        first.refresh_from_db()
        second.refresh_from_db()
        done.refresh_from_db()
        self.assertEqual(first.completed_on, timezone.localdate())
        self.assertIsNone(second.completed_on)
        self.assertEqual(done.completed_on, datetime.date(2019, 6, 1))

    def test_another_actions_milestone_is_refused(self):
        other = Milestone.objects.create(
            action=make_action(plan=self.plan), title="Theirs", due_date=NOVEMBER
        )
        errors = self.refused(completed_milestones=[other.pk])
        self.assertEqual(
            errors, {"completed_milestones": ["Choose only this action's milestones."]}
        )
        other.refresh_from_db()
        self.assertIsNone(other.completed_on)


class RecordAssurance(UpdateCase):
    def setUp(self):
        super().setUp()
        self.update = self.record(rag=RAG.AMBER, narrative="Slipping: recovery plan agreed.")

    def test_only_the_panel_and_secretariat_decide(self):
        for user in (self.olivia, self.oscar):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.record_assurance(user=user, update=self.update, decision="assured")
        self.assertFalse(Assurance.objects.exists())

    def test_assured_assures_the_officers_rag_by_default(self):
        assurance = services.record_assurance(user=self.pat, update=self.update, decision="assured")
        assurance.refresh_from_db()
        self.assertEqual(
            (assurance.decision, assurance.assured_rag, assurance.decided_by),
            ("assured", RAG.AMBER, self.pat),
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("assured", RAG.AMBER))
        self.assertEqual(action.history.latest("history_id").history_user, self.pat)
        self.assertEqual(assurance.history.get().history_user, self.pat)

    def test_assured_with_a_different_rag(self):
        services.record_assurance(
            user=self.sam, update=self.update, decision="assured", assured_rag=RAG.RED
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("assured", RAG.RED))

    def test_challenged_needs_a_question_and_raises_a_challenge(self):
        with self.assertRaises(ValidationError) as caught:
            services.record_assurance(user=self.pat, update=self.update, decision="challenged")
        self.assertEqual(list(caught.exception.message_dict), ["question"])
        self.assertFalse(Assurance.objects.exists())
        services.record_assurance(
            user=self.pat,
            update=self.update,
            decision="challenged",
            question="  What is the recovery date?  ",
        )
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.action, challenge.update, challenge.raised_by, challenge.status),
            (self.action, self.update, self.pat, "open"),
        )
        self.assertEqual(challenge.question, "What is the recovery date?")
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("challenged", ""))

    def test_not_assured_needs_a_comment(self):
        with self.assertRaises(ValidationError) as caught:
            services.record_assurance(user=self.pat, update=self.update, decision="not_assured")
        self.assertEqual(
            caught.exception.message_dict, {"comment": ["Say why the update is not assured."]}
        )
        services.record_assurance(
            user=self.pat,
            update=self.update,
            decision="not_assured",
            assured_rag=RAG.RED,
            comment="No evidence of the recovery plan.",
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("not_assured", RAG.RED))

    def test_bad_decision_and_rag_are_refused(self):
        with self.assertRaises(ValidationError) as caught:
            services.record_assurance(
                user=self.pat, update=self.update, decision="maybe", assured_rag="not_rated"
            )
        self.assertEqual(set(caught.exception.message_dict), {"decision", "assured_rag"})
        self.assertFalse(Assurance.objects.exists())

    def test_a_decision_on_an_earlier_update_leaves_the_action(self):
        services.record_assurance(
            user=self.pat, update=self.october, decision="not_assured", comment="Too rosy."
        )
        self.assertEqual(self.october.assurances.get().decision, "not_assured")
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual(action.assurance, AssuranceStatus.NOT_REVIEWED)

    def test_a_new_update_resets_the_assurance(self):
        services.record_assurance(user=self.pat, update=self.update, decision="assured")
        self.record(rag=RAG.GREEN, narrative="Back on track.")
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("not_reviewed", ""))
        self.assertEqual(self.update.assurances.count(), 1)  # the decision stays on record


class RaiseAndAnswerChallenges(UpdateCase):
    def test_only_the_panel_and_secretariat_raise(self):
        with self.assertRaises(PermissionDenied):
            services.raise_challenge(user=self.olivia, action=self.action, question="Why?")
        self.assertFalse(Challenge.objects.exists())

    def test_raise_on_the_action_or_one_of_its_updates(self):
        on_action = services.raise_challenge(user=self.pat, action=self.action, question=" Why? ")
        on_update = services.raise_challenge(
            user=self.sam, action=self.action, question="Source?", update=self.october
        )
        on_action.refresh_from_db()
        self.assertEqual(
            (on_action.question, on_action.update, on_action.raised_by, on_action.status),
            ("Why?", None, self.pat, "open"),
        )
        self.assertEqual(on_update.update, self.october)
        self.assertEqual(on_update.history.get().history_user, self.sam)

    def test_a_question_is_needed_and_the_update_must_be_the_actions(self):
        with self.assertRaises(ValidationError) as caught:
            services.raise_challenge(user=self.pat, action=self.action, question="  ")
        self.assertEqual(list(caught.exception.message_dict), ["question"])
        other_update = make_update(make_action(plan=self.plan), self.sam)
        with self.assertRaises(ValidationError) as caught:
            services.raise_challenge(
                user=self.pat, action=self.action, question="Why?", update=other_update
            )
        self.assertEqual(list(caught.exception.message_dict), ["update"])
        self.assertFalse(Challenge.objects.exists())

    def test_the_actions_officers_answer_once(self):
        challenge = services.raise_challenge(user=self.pat, action=self.action, question="Why?")
        for user in (self.pat, self.oscar):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                services.answer_challenge(user=user, challenge=challenge, response="Because.")
        with self.assertRaises(ValidationError) as caught:
            services.answer_challenge(user=self.olivia, challenge=challenge, response=" ")
        self.assertEqual(list(caught.exception.message_dict), ["response"])
        before = timezone.now()
        services.answer_challenge(user=self.olivia, challenge=challenge, response=" Because. ")
        challenge.refresh_from_db()
        self.assertEqual(
            (challenge.status, challenge.response, challenge.responded_by),
            ("answered", "Because.", self.olivia),
        )
        self.assertGreaterEqual(challenge.responded_at, before)
        self.assertEqual(challenge.history.latest("history_id").history_user, self.olivia)
        with self.assertRaises(ValidationError) as caught:
            services.answer_challenge(user=self.sam, challenge=challenge, response="Overwrite")
        self.assertIn("cannot be answered again", caught.exception.message_dict["response"][0])
        challenge.refresh_from_db()
        self.assertEqual((challenge.response, challenge.responded_by), ("Because.", self.olivia))


class RecordUpdatesSavesAllOrNone(UpdateCase):
    """record_updates: several updates in one transaction (the bulk update grid)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other = make_action(
            plan=cls.plan, directorate=cls.finance, lead_officer=cls.olivia.person
        )

    def fields(self, action, **overrides) -> dict:
        fields = {
            "period": NOVEMBER,
            "rag": RAG.AMBER,
            "narrative": f"Update on {action.reference}.",
            "seen_version": services.action_version(action),
        }
        return {**fields, **overrides}

    def test_every_row_is_saved(self):
        saved = services.record_updates(
            user=self.olivia,
            updates=[
                (self.action, self.fields(self.action)),
                (self.other, self.fields(self.other)),
            ],
        )
        self.assertEqual([update.action for update in saved], [self.action, self.other])
        self.assertEqual(ProgressUpdate.objects.filter(period=NOVEMBER).count(), 2)
        self.assertEqual(Action.objects.get(pk=self.other.pk).rag, RAG.AMBER)

    def test_one_refused_row_saves_none_and_names_every_refusal(self):
        stale = services.action_version(self.other)
        self.other.title = "Renamed meanwhile"
        self.other._history_user = self.sam
        self.other.save()
        updates = [
            (self.action, self.fields(self.action)),
            (self.other, self.fields(self.other, seen_version=stale)),
        ]
        with self.assertRaises(services.UpdatesRefused) as caught:
            services.record_updates(user=self.olivia, updates=updates)
        self.assertEqual(list(caught.exception.problems), [self.other.pk])
        self.assertIsInstance(caught.exception.problems[self.other.pk], services.Conflict)
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())
        self.assertEqual(Action.objects.get(pk=self.action.pk).rag, RAG.GREEN)

    def test_a_bad_row_is_named_with_its_errors(self):
        updates = [(self.action, self.fields(self.action, narrative=""))]
        with self.assertRaises(services.UpdatesRefused) as caught:
            services.record_updates(user=self.olivia, updates=updates)
        self.assertIsInstance(caught.exception.problems[self.action.pk], ValidationError)

    def test_check_only_saves_nothing(self):
        saved = services.record_updates(
            user=self.olivia, updates=[(self.action, self.fields(self.action))], check_only=True
        )
        self.assertEqual(saved, [])
        self.assertFalse(ProgressUpdate.objects.filter(period=NOVEMBER).exists())

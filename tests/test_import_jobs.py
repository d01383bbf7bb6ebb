"""Running imports in the background (plans.imports.jobs, manage.py run_imports): checking
and importing with progress saved as they go, failures written as a message with nothing
imported, jobs left waiting picked up by the command, and (in a real thread) a 5,000-row
file checked and imported while the web request returns at once."""

import datetime
import io
import threading
from unittest import mock

from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.test import TransactionTestCase
from django.urls import reverse
from django.utils import timezone

from biip.models import Role
from plans.imports import applying, checking, jobs
from plans.models import Action, ImportJob
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_directorate,
    make_organisation,
    make_person,
    make_plan,
    make_user,
)
from tests.import_helpers import HEADINGS, PrivateMedia, csv_bytes, make_job, reference_data, row

Status = ImportJob.Status


def waiting(job: ImportJob, status=Status.CHECKING) -> ImportJob:
    job.status = status
    job.save()
    return job


class JobSteps(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def job(self, rows: list[list], status=Status.CHECKING) -> ImportJob:
        return waiting(make_job(self.plan, self.sam, csv_bytes([HEADINGS, *rows])), status)

    def test_checking_saves_the_problems_and_what_importing_would_do(self):
        make_action(plan=self.plan, reference="A-9", directorate=self.finance)
        job = self.job([row(ref="A-1"), row(ref="A-2", rag="Pink"), row(ref="A-9")])
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.CHECKED)
        self.assertEqual((job.total_rows, job.rows_done), (3, 3))
        self.assertEqual((job.created_count, job.updated_count), (1, 0))
        # The file has no Version column: the change to A-9 is a conflict, chosen or not.
        self.assertEqual([c["reference"] for c in job.conflicts], ["A-9"])
        self.assertEqual(
            job.errors,
            [
                {
                    "row": 3,
                    "column": "Status (RAG)",
                    "message": "“Pink” is not a RAG rating: use Red, Amber, Green, Blue or Not "
                    "yet rated (or R, A, G, B)",
                }
            ],
        )
        self.assertFalse(Action.objects.filter(reference="A-1").exists(), "nothing written")

    def test_progress_is_saved_every_few_rows(self):
        job = self.job([row(ref=f"A-{n}") for n in range(7)])
        seen = []
        original = jobs._save

        def watch(saved, *fields):
            seen.append((saved.status, saved.rows_done, saved.total_rows))
            original(saved, *fields)

        with (
            mock.patch.object(checking, "PROGRESS_EVERY", 3),
            mock.patch.object(jobs, "_save", watch),
        ):
            jobs.run(job.pk)
        self.assertEqual(
            seen,
            [
                (Status.CHECKING, 0, 7),
                (Status.CHECKING, 3, 7),
                (Status.CHECKING, 6, 7),
                (Status.CHECKED, 7, 7),
            ],
        )
        # Made, set waiting, then the four saves above: each a history row (a heartbeat).
        self.assertEqual(job.history.count(), 6)

    def test_importing_writes_every_row_and_records_the_result(self):
        job = self.job([row(ref="A-1"), row(ref="A-2")])
        jobs.run(job.pk)
        waiting(job, Status.IMPORTING)
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.DONE)
        self.assertEqual((job.created_count, job.updated_count), (2, 0))
        self.assertIsNotNone(job.finished_at)
        actions = Action.objects.filter(plan=self.plan)
        self.assertEqual(actions.count(), 2)
        self.assertEqual({a.history.get().history_user for a in actions}, {self.sam})

    def test_importing_checks_again_and_writes_nothing_if_the_rows_no_longer_check(self):
        job = self.job([row(ref="A-1"), row(ref="A-2", directorate="Place")])
        jobs.run(job.pk)
        self.place.name = "Place and Environment"
        self.place.short_name = "PE"
        self.place.save()
        waiting(job, Status.IMPORTING)
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.FAILED)
        self.assertIn("the rows no longer check", job.message)
        self.assertEqual([error["row"] for error in job.errors], [3])
        self.assertFalse(Action.objects.filter(plan=self.plan).exists())

    def test_a_failure_while_importing_writes_nothing_and_says_so(self):
        job = self.job([row(ref="A-1")])
        jobs.run(job.pk)
        waiting(job, Status.IMPORTING)
        with (
            mock.patch.object(applying, "apply", side_effect=RuntimeError("disk full")),
            self.assertLogs("plans.imports.jobs", "ERROR"),
        ):
            jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.FAILED)
        self.assertEqual(
            job.message,
            "Something went wrong while importing the file, and nothing was imported. Try "
            f"again; if it happens again, tell an administrator (import {job.pk}).",
        )
        self.assertFalse(Action.objects.filter(plan=self.plan).exists())

    def test_a_file_that_can_no_longer_be_read_fails_with_the_reason(self):
        job = self.job([row()])
        job.file.save("plan.csv", ContentFile(b"%PDF-1.7"), save=True)
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.FAILED)
        self.assertIn("The file is a PDF", job.message)

    def test_a_job_not_waiting_is_left_alone(self):
        for status in (Status.UPLOADED, Status.CHECKED, Status.DONE, Status.FAILED):
            with self.subTest(status=status):
                job = self.job([row()], status)
                jobs.run(job.pk)
                job.refresh_from_db()
                self.assertEqual(job.status, status)

    def test_a_job_another_worker_finished_is_not_imported_twice(self):
        job = self.job([row(ref="A-1")])
        jobs.run(job.pk)
        waiting(job, Status.IMPORTING)
        stale = ImportJob.objects.get(pk=job.pk)
        jobs.import_job(ImportJob.objects.get(pk=job.pk))
        self.assertIsNone(jobs.import_job(stale))
        self.assertEqual(Action.objects.filter(plan=self.plan).count(), 1)
        self.assertEqual(Action.objects.get(reference="A-1").history.count(), 1)

    def test_start_runs_the_step_once_the_transaction_commits(self):
        job = self.job([row()])
        with (
            mock.patch.object(jobs, "spawn") as spawn,
            self.captureOnCommitCallbacks(execute=True) as callbacks,
        ):
            jobs.start(job)
            spawn.assert_not_called()
        self.assertEqual(len(callbacks), 1)
        spawn.assert_called_once_with(job.pk)

    def test_waiting_jobs_are_those_whose_progress_stopped(self):
        job = self.job([row()])
        self.job([row()], Status.DONE)
        last = job.history.latest().history_date
        minutes = datetime.timedelta(minutes=1)
        self.assertEqual(jobs.waiting_jobs(now=last + 11 * minutes), [job])
        self.assertEqual(jobs.waiting_jobs(now=last + minutes), [])
        self.assertEqual(jobs.waiting_jobs(stale_after=datetime.timedelta(0)), [job])


class RunImportsCommand(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def call(self, *args) -> str:
        out = io.StringIO()
        call_command("run_imports", *args, stdout=out)
        return out.getvalue()

    def test_runs_waiting_jobs_and_is_safe_to_run_again(self):
        job = waiting(make_job(self.plan, self.sam, csv_bytes([HEADINGS, row()])))
        output = self.call("--stale-after", "0")
        self.assertIn(f"Import {job.pk}: Checking the rows…", output)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.CHECKED)
        self.assertIn("checked: 0 problem(s) listed.", output)
        waiting(job, Status.IMPORTING)
        output = self.call("--stale-after", "0")
        self.assertIn("imported: created 1, updated 0, unchanged 0.", output)
        self.assertEqual(self.call("--stale-after", "0"), "No imports are waiting.\n")
        self.assertEqual(Action.objects.filter(plan=self.plan).count(), 1)

    def test_leaves_jobs_that_are_moving(self):
        waiting(make_job(self.plan, self.sam, csv_bytes([HEADINGS, row()])))
        self.assertEqual(self.call(), "No imports are waiting.\n")

    def test_one_job_by_number(self):
        job = waiting(make_job(self.plan, self.sam, csv_bytes([HEADINGS, row()])))
        self.assertIn("checked", self.call("--job", str(job.pk)))
        with self.assertRaisesMessage(CommandError, f"Import {job.pk} is not waiting"):
            self.call("--job", str(job.pk))


class BackgroundThread(PrivateMedia, TransactionTestCase):
    """A real thread: the request returns while the job is still running."""

    serialized_rollback = True
    ROWS = 5_000

    def setUp(self):
        council = make_organisation(name="Birmingham City Council", short_name="BCC")
        self.finance = make_directorate(
            name="Finance and Governance", short_name="FG", organisation=council
        )
        self.kate = make_person(name="Kate Charlton", organisation=council)
        self.sam = make_user("sam", Role.SECRETARIAT, organisation=council)
        self.plan = make_plan(short_name="IP19")
        rows = [row(ref=f"A-{n:04d}", title=f"Action {n}") for n in range(self.ROWS)]
        self.job = make_job(self.plan, self.sam, csv_bytes([HEADINGS, *rows]))
        self.client.force_login(self.sam)

    def run_held(self, step: str, post):
        """Post (which starts `step` in a thread), check the job has not finished when the
        response comes, then let the thread finish."""
        gate = threading.Event()
        original = getattr(jobs, step)
        threads = []
        spawn = jobs.spawn

        def held(job):
            self.assertTrue(gate.wait(30))
            return original(job)

        def spawned(pk):
            threads.append(spawn(pk))
            return threads[-1]

        with mock.patch.object(jobs, step, held), mock.patch.object(jobs, "spawn", spawned):
            started = timezone.now()
            response = post()
            self.assertRedirects(response, reverse("import", args=[self.job.pk]))
            self.job.refresh_from_db()
            self.assertTrue(self.job.is_running, "the request returned before the job ended")
            self.assertLess(timezone.now() - started, datetime.timedelta(seconds=5))
            self.assertEqual(len(threads), 1)
            gate.set()
            threads[0].join(240)
            self.assertFalse(threads[0].is_alive())
        self.job.refresh_from_db()

    def test_a_5000_row_file_is_checked_and_imported_in_the_background(self):
        mapping = {name: str(index) for name, index in self.job.mapping.items()}
        self.run_held(
            "check_job",
            lambda: self.client.post(reverse("import-mapping", args=[self.job.pk]), mapping),
        )
        self.assertEqual(self.job.status, Status.CHECKED, self.job.message)
        self.assertEqual((self.job.total_rows, self.job.created_count), (self.ROWS, self.ROWS))
        self.assertEqual(self.job.errors, [])
        page = self.client.get(reverse("import", args=[self.job.pk]))
        self.assertContains(page, "5,000 rows: 5,000 new actions")

        self.run_held(
            "import_job", lambda: self.client.post(reverse("import-confirm", args=[self.job.pk]))
        )
        self.assertEqual(self.job.status, Status.DONE, self.job.message)
        self.assertEqual(Action.objects.filter(plan=self.plan).count(), self.ROWS)
        page = self.client.get(reverse("import", args=[self.job.pk]))
        self.assertContains(page, "Created 5,000, updated 0, unchanged 0")

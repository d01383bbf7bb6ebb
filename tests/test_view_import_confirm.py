"""Confirming an import (/imports/<pk>/confirm/, POST only): a checked file with no
problems is imported in the background, all rows or none; anything else is refused."""

from unittest import mock

from django.urls import reverse

from plans.imports import jobs
from plans.models import Action, ImportJob
from tests.base import RolesTestCase
from tests.import_helpers import HEADINGS, PrivateMedia, csv_bytes, make_job, reference_data, row

Status = ImportJob.Status


class ImportConfirmTest(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def setUp(self):
        super().setUp()
        data = csv_bytes([HEADINGS, row(ref="A-1"), row(ref="A-2")])
        self.job = make_job(self.plan, self.sam, data, status=Status.CHECKING)
        jobs.run(self.job.pk)
        self.job.refresh_from_db()
        self.url = reverse("import-confirm", args=[self.job.pk])

    def post(self, user):
        self.client.force_login(user)
        with (
            mock.patch.object(jobs, "spawn") as spawn,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(self.url)
        return response, spawn

    def test_anonymous_is_sent_to_sign_in(self):
        self.assertRedirects(
            self.client.post(self.url), f"/sign-in/?next={self.url}", fetch_redirect_response=False
        )

    def test_post_only(self):
        self.client.force_login(self.sam)
        for method in ("get", "put", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                response, spawn = self.post(user)
                self.assertEqual(response.status_code, 403)
                spawn.assert_not_called()
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.CHECKED)

    def test_missing_job_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(reverse("import-confirm", args=[999])).status_code, 404)

    def test_the_secretariat_confirms_and_the_rows_are_imported_in_the_background(self):
        response, spawn = self.post(self.sam)
        self.assertRedirects(response, reverse("import", args=[self.job.pk]))
        spawn.assert_called_once_with(self.job.pk)
        self.job.refresh_from_db()
        self.assertEqual((self.job.status, self.job.rows_done), (Status.IMPORTING, 0))
        self.assertFalse(Action.objects.exists(), "written in the background")
        jobs.run(self.job.pk)
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.DONE)
        self.assertEqual(sorted(Action.objects.values_list("reference", flat=True)), ["A-1", "A-2"])

    def test_only_the_jobs_own_conflicts_are_kept_as_chosen(self):
        self.job.conflicts = [
            {"row": 2, "reference": "A-1", "version": 7, "file_version": 5, "fields": []},
            {"row": 3, "reference": "A-2", "version": 8, "file_version": 5, "fields": []},
        ]
        self.job.save()
        self.client.force_login(self.sam)
        with mock.patch.object(jobs, "spawn"), self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, {"apply": ["A-2", "Z-99", "x" * 5000]})
        self.job.refresh_from_db()
        self.assertEqual((self.job.status, self.job.chosen), (Status.IMPORTING, ["A-2"]))

    def test_an_administrator_confirms(self):
        response, spawn = self.post(self.alex)
        self.assertEqual(response.status_code, 302)
        spawn.assert_called_once_with(self.job.pk)

    def test_refused_while_there_are_problems(self):
        self.job.errors = [{"row": 2, "column": "Ref", "message": "Wrong"}]
        self.job.save()
        response, spawn = self.post(self.sam)
        self.assertRedirects(
            response, reverse("import", args=[self.job.pk]), fetch_redirect_response=False
        )
        spawn.assert_not_called()
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.CHECKED)
        page = self.client.get(reverse("import", args=[self.job.pk]))
        self.assertContains(page, "This file cannot be imported: correct its problems first.")
        self.assertFalse(Action.objects.exists())

    def test_refused_unless_checked(self):
        for status in (Status.UPLOADED, Status.CHECKING, Status.IMPORTING, Status.DONE):
            with self.subTest(status=status):
                self.job.status = status
                self.job.save()
                response, spawn = self.post(self.sam)
                self.assertRedirects(
                    response, reverse("import", args=[self.job.pk]), fetch_redirect_response=False
                )
                spawn.assert_not_called()
                self.job.refresh_from_db()
                self.assertEqual(self.job.status, status)
        self.assertFalse(Action.objects.exists())

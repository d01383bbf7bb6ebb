"""Matching an uploaded file's columns to fields (/imports/<pk>/mapping/): pre-filled from
the guess; a valid matching is saved and the check starts in the background."""

from unittest import mock

from django.urls import reverse

from plans.imports import jobs
from plans.imports.fields import FIELDS
from plans.models import ImportJob
from tests.base import RolesTestCase
from tests.import_helpers import HEADINGS, PrivateMedia, csv_bytes, make_job, reference_data, row

Status = ImportJob.Status


def posted(mapping: dict[str, int]) -> dict[str, str]:
    data = {field.name: "" for field in FIELDS}
    data.update({name: str(index) for name, index in mapping.items()})
    return data


class ImportMappingTest(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def setUp(self):
        super().setUp()
        headers = [*HEADINGS, "Notes"]
        self.job = make_job(self.plan, self.sam, csv_bytes([headers, row()]))
        self.url = reverse("import-mapping", args=[self.job.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url)):
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )

    def test_wrong_methods(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                data = posted(self.job.mapping)
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.UPLOADED)

    def test_missing_job_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("import-mapping", args=[999])).status_code, 404)

    def test_the_selects_are_filled_from_the_guess(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(
            response, '<option value="0" selected>Ref (column A)</option>', html=True
        )
        self.assertContains(
            response, '<option value="4" selected>Target date (column E)</option>', html=True
        )
        self.assertContains(response, '<option value="6">Notes (column G)</option>', html=True)
        self.assertContains(
            response,
            '<label class="govuk-label" for="id_theme">Theme (optional)</label>',
            html=True,
        )
        self.assertContains(response, "a progress update is imported as the action's description")
        self.assertContains(response, "recorded as this month's update, by you, from this file")
        self.assertContains(response, "A blank cell clears its field")

    def test_a_valid_matching_is_saved_and_the_check_starts_in_the_background(self):
        self.client.force_login(self.sam)
        mapping = {**self.job.mapping, "rag": 5, "progress": 6}
        with (
            mock.patch.object(jobs, "spawn") as spawn,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.client.post(self.url, posted(mapping))
        self.assertRedirects(response, reverse("import", args=[self.job.pk]))
        spawn.assert_called_once_with(self.job.pk)
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.CHECKING)
        self.assertEqual(self.job.mapping, mapping)
        jobs.run(self.job.pk)
        self.job.refresh_from_db()
        self.assertEqual((self.job.status, self.job.created_count), (Status.CHECKED, 1))

    def test_required_fields_and_columns_used_twice_are_refused(self):
        self.client.force_login(self.sam)
        mapping = {**self.job.mapping, "theme": 2}
        del mapping["lead_officer"]
        with mock.patch.object(jobs, "spawn") as spawn, self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, posted(mapping))
        self.assertContains(response, "There is a problem")
        self.assertContains(
            response, "Choose the column with the lead officer: every action needs one"
        )
        self.assertContains(
            response,
            "Directorate (column C) is matched to Theme and Directorate: match each column to "
            "one field",
        )
        self.assertContains(
            response, '<option value="2" selected>Directorate (column C)</option>', html=True
        )
        spawn.assert_not_called()
        self.job.refresh_from_db()
        self.assertEqual(self.job.status, Status.UPLOADED)

    def test_matching_again_after_a_check_starts_over(self):
        self.job.status = Status.CHECKED
        self.job.errors = [{"row": 2, "column": "Ref", "message": "Wrong"}]
        self.job.created_count = 3
        self.job.save()
        self.client.force_login(self.alex)
        with mock.patch.object(jobs, "spawn"), self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, posted(self.job.mapping))
        self.job.refresh_from_db()
        self.assertEqual(
            (self.job.status, self.job.errors, self.job.created_count), (Status.CHECKING, [], 0)
        )

    def test_a_running_or_imported_job_cannot_be_matched_again(self):
        self.client.force_login(self.sam)
        for status in (Status.CHECKING, Status.IMPORTING, Status.DONE):
            with self.subTest(status=status):
                self.job.status = status
                self.job.save()
                for response in (
                    self.client.get(self.url),
                    self.client.post(self.url, posted(self.job.mapping)),
                ):
                    self.assertRedirects(response, reverse("import", args=[self.job.pk]))
                self.job.refresh_from_db()
                self.assertEqual(self.job.status, status)

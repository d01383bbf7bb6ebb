"""An import's page (/imports/<pk>/): progress while it runs (refreshing itself), then
every problem found with its row and column, or what importing would do and the button to
confirm, then the result."""

from django.urls import reverse
from django.utils import timezone

from plans.models import ImportJob
from tests.base import RolesTestCase
from tests.import_helpers import HEADINGS, PrivateMedia, csv_bytes, make_job, reference_data, row

Status = ImportJob.Status
REFRESH = '<meta http-equiv="refresh" content="2">'


class ImportPageTest(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def setUp(self):
        super().setUp()
        self.job = make_job(self.plan, self.sam, csv_bytes([HEADINGS, row()]), "council.csv")
        self.url = reverse("import", args=[self.job.pk])

    def show(self, **fields):
        for name, value in fields.items():
            setattr(self.job, name, value)
        self.job.save()
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response

    def test_anonymous_is_sent_to_sign_in(self):
        self.assertRedirects(
            self.client.get(self.url), f"/sign-in/?next={self.url}", fetch_redirect_response=False
        )

    def test_wrong_methods(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_missing_job_is_404(self):
        self.client.force_login(self.alex)
        self.assertEqual(self.client.get(reverse("import", args=[999])).status_code, 404)

    def test_uploaded_points_to_the_matching(self):
        response = self.show()
        self.assertContains(response, reverse("import-mapping", args=[self.job.pk]))
        self.assertNotContains(response, REFRESH)

    def test_checking_shows_progress_and_refreshes_itself(self):
        response = self.show(status=Status.CHECKING, total_rows=1000, rows_done=250)
        self.assertContains(response, REFRESH, html=False)
        self.assertContains(response, "Checking the rows")
        self.assertContains(response, "Checked 250 of 1,000 rows (25%).")
        self.assertContains(response, '<progress class="app-progress" max="100" value="25"')

    def test_before_the_rows_are_counted(self):
        response = self.show(status=Status.CHECKING)
        self.assertContains(response, "Reading the file…")

    def test_checked_with_problems_lists_them_and_cannot_be_confirmed(self):
        errors = [
            {"row": 3, "column": "Directorate", "message": "Unknown directorate “Plaice”"},
            {"row": 3, "column": "Target date", "message": "“31/02/2020” is not a real date"},
            {"row": 7, "column": "Ref", "message": "Reference “A-1” is also in row 2"},
        ]
        response = self.show(
            status=Status.CHECKED, total_rows=40, created_count=10, updated_count=3, errors=errors
        )
        self.assertNotContains(response, REFRESH)
        self.assertContains(response, "Correct the file")
        self.assertContains(
            response,
            "40 rows: 10 new actions, 28 to update (3 changed, 25 unchanged), 2 with errors.",
        )
        self.assertContains(
            response,
            '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">3</th>'
            '<td class="govuk-table__cell">Directorate</td>'
            '<td class="govuk-table__cell">Unknown directorate “Plaice”</td></tr>',
            html=True,
        )
        self.assertContains(response, "Reference “A-1” is also in row 2")
        self.assertNotContains(response, reverse("import-confirm", args=[self.job.pk]))
        self.assertContains(response, reverse("import-create", args=[self.plan.pk]))

    def test_checked_without_problems_offers_to_import(self):
        response = self.show(
            status=Status.CHECKED, total_rows=40, created_count=12, updated_count=3
        )
        self.assertContains(
            response,
            "40 rows: 12 new actions, 28 to update (3 changed, 25 unchanged), 0 with errors.",
        )
        self.assertContains(response, f'action="{reverse("import-confirm", args=[self.job.pk])}"')
        self.assertContains(response, "Import 12 new actions and 3 changes")
        self.assertNotContains(response, 'id="errors"')

    def test_checked_with_nothing_to_change(self):
        response = self.show(status=Status.CHECKED, total_rows=5)
        self.assertContains(
            response, "5 rows: 0 new actions, 5 to update (0 changed, 5 unchanged), 0 with errors."
        )
        self.assertContains(response, "Nothing in the file differs from the plan")

    def test_importing_shows_progress_then_saving(self):
        response = self.show(status=Status.IMPORTING, total_rows=10, rows_done=5)
        self.assertContains(response, REFRESH, html=False)
        self.assertContains(response, "Importing the actions")
        self.assertContains(response, "5 of 10 rows (50%)")
        response = self.show(rows_done=10)
        self.assertContains(response, "Saving the actions: every row is saved, or none.")

    def test_done_shows_the_result(self):
        response = self.show(
            status=Status.DONE,
            total_rows=6,
            created_count=2,
            updated_count=1,
            finished_at=timezone.now(),
        )
        self.assertNotContains(response, REFRESH)
        self.assertContains(response, "Actions imported")
        self.assertContains(response, "Created 2, updated 1, unchanged 3")

    def test_failed_says_why(self):
        response = self.show(status=Status.FAILED, message="The file is a PDF, not a spreadsheet.")
        self.assertContains(response, "The import failed")
        self.assertContains(response, "Nothing was imported")
        self.assertContains(response, "The file is a PDF, not a spreadsheet.")

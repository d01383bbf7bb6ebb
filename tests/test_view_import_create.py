"""Choosing a file to import into a plan (/plans/<pk>/import/): the secretariat's and
administrators'; a file that can be imported is kept privately under a random name with
its headings and the guessed mapping, and the user goes on to match the columns."""

from django.urls import reverse

from plans.models import ImportJob
from tests.base import RolesTestCase
from tests.factories import make_plan
from tests.import_helpers import (
    HEADINGS,
    XLSX_TYPE,
    PrivateMedia,
    csv_bytes,
    make_job,
    row,
    xlsx_bytes,
)
from tests.test_import_mapping import COUNCIL


def upload(name: str, data: bytes, content_type: str = "text/csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


class ImportCreateTest(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
        cls.url = reverse("import-create", args=[cls.plan.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(self.url), self.client.post(self.url)):
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )

    def test_wrong_methods(self):
        self.client.force_login(self.sam)
        for method in ("put", "delete", "patch"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_officer_and_panel_are_refused_and_nothing_is_kept(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                data = {"file": upload("plan.csv", csv_bytes([HEADINGS, row()]))}
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.assertFalse(ImportJob.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_missing_plan_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("import-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_page_says_what_the_file_needs_and_offers_the_templates(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            '<h1 class="govuk-heading-l">Import actions from a spreadsheet</h1>',
            html=True,
        )
        self.assertContains(response, "at most 20,000 rows and 200 columns")
        self.assertContains(response, reverse("import-template", args=["xlsx"]))
        self.assertContains(response, reverse("import-template", args=["csv"]))
        self.assertContains(response, 'enctype="multipart/form-data"')
        self.assertContains(response, 'type="file"')

    def test_the_secretariat_uploads_a_workbook_and_goes_on_to_match_the_columns(self):
        self.client.force_login(self.sam)
        data = xlsx_bytes([COUNCIL, ["IP19-01", "Set a budget"]])
        response = self.client.post(
            self.url, {"file": upload("Council plan (v3).xlsx", data, XLSX_TYPE)}
        )
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("import-mapping", args=[job.pk]))
        self.assertEqual(job.plan, self.plan)
        self.assertEqual(job.original_name, "Council plan (v3).xlsx")
        self.assertEqual(job.headers, COUNCIL)
        self.assertEqual(job.mapping["reference"], 0)
        self.assertEqual(job.mapping["recommendations"], 8)
        self.assertEqual((job.status, job.created_by), (ImportJob.Status.UPLOADED, self.sam))
        [stored] = self.stored_files()
        self.assertNotIn("Council", stored.name, "kept under a random name")
        self.assertEqual(stored.read_bytes(), data)
        self.assertEqual(job.history.get().history_user, self.sam)

    def test_an_administrator_uploads_a_csv(self):
        self.client.force_login(self.alex)
        response = self.client.post(
            self.url, {"file": upload("plan.csv", csv_bytes([HEADINGS, row()]))}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(ImportJob.objects.get().headers, HEADINGS)

    def test_no_file_chosen(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {})
        self.assertContains(response, "Error: Import actions into Improvement Plan 2019-20")
        self.assertContains(
            response,
            '<p id="id_file-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
            "Error:</span> Choose a CSV file or an Excel workbook (.xlsx) to import</p>",
            html=True,
        )
        self.assertContains(response, 'href="#id_file"')
        self.assertFalse(ImportJob.objects.exists())

    def test_the_plans_earlier_imports_are_listed(self):
        job = make_job(self.plan, self.sam, csv_bytes([HEADINGS, row()]), "earlier.csv")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(
            response,
            f'<a href="{reverse("import", args=[job.pk])}" class="govuk-link">earlier.csv</a>',
            html=True,
        )
        self.assertContains(response, "Uploaded: match the columns")
        job.status = ImportJob.Status.CHECKED
        job.errors = [{"row": 2, "column": "Ref", "message": "Wrong"}]
        job.save()
        self.assertContains(self.client.get(self.url), "Checked: problems to correct")

    def test_the_plan_page_links_here_for_managers_only(self):
        plan_url = reverse("plan", args=[self.plan.pk])
        self.client.force_login(self.sam)
        self.assertContains(self.client.get(plan_url), "Import actions from a spreadsheet")
        self.client.force_login(self.pat)
        self.assertNotContains(self.client.get(plan_url), "Import actions from a spreadsheet")

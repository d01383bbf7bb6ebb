"""The import template (/imports/template.csv/ and /imports/template.xlsx/): the headings
the mapping guess matches field by field, and an example row that imports cleanly."""

import csv
import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from plans.imports import jobs
from plans.imports.fields import TEMPLATE_FIELDS, guess_mapping
from plans.models import Action, ImportJob
from tests.base import RolesTestCase
from tests.import_helpers import PrivateMedia, make_job, reference_data

LABELS = [field.label for field in TEMPLATE_FIELDS]


class ImportTemplateTest(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)
        cls.csv_url = reverse("import-template", args=["csv"])
        cls.xlsx_url = reverse("import-template", args=["xlsx"])

    def test_anonymous_is_sent_to_sign_in(self):
        self.assertRedirects(
            self.client.get(self.csv_url),
            f"/sign-in/?next={self.csv_url}",
            fetch_redirect_response=False,
        )

    def test_wrong_methods(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.csv_url).status_code, 405)

    def test_other_formats_are_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("import-template", args=["pdf"])).status_code, 404)

    def test_csv(self):
        self.client.force_login(self.olivia)  # any signed-in user may download it
        response = self.client.get(self.csv_url)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="actions-template.csv"'
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], LABELS)
        self.assertEqual(len(rows), 2)
        example = dict(zip(LABELS, rows[1], strict=True))
        self.assertEqual(example["Original due date"], "31/03/2020")
        self.assertEqual(example["Directorate"], "Finance and Governance")

    def test_xlsx(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.xlsx_url)
        self.assertEqual(
            response["Content-Type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.values)
        self.assertEqual(list(rows[0]), LABELS)
        example = dict(zip(LABELS, rows[1], strict=True))
        self.assertEqual(example["Original due date"], datetime.datetime(2020, 3, 31))

    def test_the_guess_matches_every_heading_and_the_example_imports_cleanly(self):
        self.client.force_login(self.sam)
        for url, name in ((self.csv_url, "template.csv"), (self.xlsx_url, "template.xlsx")):
            with self.subTest(name=name):
                content = self.client.get(url).content
                job = make_job(self.plan, self.sam, content, name)
                self.assertEqual(job.mapping, guess_mapping(LABELS))
                self.assertEqual(len(job.mapping), len(LABELS))
                job.status = ImportJob.Status.CHECKING
                job.save()
                jobs.run(job.pk)
                job.refresh_from_db()
                self.assertEqual((job.errors, job.created_count), ([], 1))
        job.status = ImportJob.Status.IMPORTING
        job.save()
        jobs.run(job.pk)
        action = Action.objects.get(plan=self.plan)
        self.assertEqual(
            (action.reference, action.directorate, action.lead_officer.name),
            ("IP-01", self.finance, "Kate Charlton"),
        )

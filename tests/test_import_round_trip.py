"""Round trip: the action list exported as XLSX (and CSV) by a signed-in user imports back
into the same plan through the pages, every column the app exports for an action's own
fields matched, no problems, and nothing changed: 0 created, 0 updated."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from biip.models import RAG
from plans.imports import jobs
from plans.models import Action, ImportJob
from tests.base import RolesTestCase
from tests.factories import make_action, make_person
from tests.import_helpers import PrivateMedia, reference_data
from tests.test_view_import_mapping import posted

Status = ImportJob.Status
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


class RoundTrip(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)
        namesake = make_person(name="Kate Charlton")  # another organisation's Kate Charlton
        common = {"plan": cls.plan, "directorate": cls.finance, "lead_officer": cls.kate}
        cls.actions = [
            make_action(
                reference="IP19-01",
                title="=SUM(1,2) is not a formula",
                theme=cls.theme_c,
                rag=RAG.GREEN,
                original_due_date=datetime.date(2019, 12, 31),
                revised_due_date=datetime.date(2020, 3, 31),
                revision_reason="Waiting for the budget",
                **common,
            ),
            make_action(
                reference="IP19-02",
                title="-5% spend on agency staff",
                theme=cls.theme_lga,
                rag=RAG.NOT_RATED,
                **common,
            ),
            make_action(reference="IP19-03", title="+44 helpline", rag=RAG.BLUE, **common),
            make_action(
                reference="IP19-04",
                title="@mentions in the staff newsletter",
                rag=RAG.RED,
                plan=cls.plan,
                directorate=cls.finance,
                lead_officer=namesake,
            ),
            make_action(
                reference="IP19-05",
                title="Community hubs",
                rag=RAG.AMBER,
                plan=cls.plan,
                directorate=cls.place,
                lead_officer=cls.oscar.person,
            ),
        ]
        make_action(reference="OTHER-01")  # another plan's action, not exported here

    def export(self, file_format: str) -> bytes:
        self.client.force_login(self.pat)
        response = self.client.get(
            reverse("actions"), {"plan": self.plan.pk, "_export": file_format}
        )
        self.assertEqual(response.status_code, 200)
        return response.content

    def import_file(self, name: str, content: bytes, file_format: str) -> ImportJob:
        """Upload, match (as guessed), check, confirm and import, as the secretariat."""
        self.client.force_login(self.sam)
        upload = SimpleUploadedFile(name, content, content_type=EXPORT_TYPES[file_format])
        response = self.client.post(reverse("import-create", args=[self.plan.pk]), {"file": upload})
        job = ImportJob.objects.latest("pk")
        self.assertRedirects(response, reverse("import-mapping", args=[job.pk]))
        self.assertEqual(
            {field: job.headers[index] for field, index in job.mapping.items()},
            {
                "reference": "Reference",
                "title": "Title",
                "plan": "Plan",
                "theme": "Theme",
                "directorate": "Directorate",
                "lead_officer": "Lead officer",
                "rag": "RAG",
                "original_due_date": "Original due date",
                "revised_due_date": "Revised due date",
                "version": "Version",
            },
        )
        self.client.post(reverse("import-mapping", args=[job.pk]), posted(job.mapping))
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.CHECKED, job.message)
        self.assertEqual(job.errors, [])
        self.assertEqual((job.total_rows, job.created_count, job.updated_count), (5, 0, 0))
        self.client.post(reverse("import-confirm", args=[job.pk]))
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.status, Status.DONE, job.message)
        return job

    def assert_round_trip(self, file_format: str):
        history = {a.pk: a.history.count() for a in Action.objects.all()}
        before = list(Action.objects.order_by("pk").values())
        job = self.import_file(f"actions.{file_format}", self.export(file_format), file_format)
        self.assertEqual((job.created_count, job.updated_count), (0, 0))
        page = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(page, "Created 0, updated 0, unchanged 5")
        self.assertEqual(list(Action.objects.order_by("pk").values()), before)
        self.assertEqual({a.pk: a.history.count() for a in Action.objects.all()}, history)

    def test_the_xlsx_export_imports_back_unchanged(self):
        self.assert_round_trip("xlsx")

    def test_the_csv_export_imports_back_unchanged(self):
        self.assert_round_trip("csv")

    def test_a_changed_export_updates_only_what_changed(self):
        from io import BytesIO

        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(self.export("xlsx")))
        sheet = workbook.active
        headings = [cell.value for cell in sheet[1]]
        for cells in sheet.iter_rows(min_row=2):
            if cells[0].value == "IP19-05":
                cells[headings.index("RAG")].value = "Red"
                cells[headings.index("Revised due date")].value = datetime.date(2020, 6, 30)
        buffer = BytesIO()
        workbook.save(buffer)
        self.client.force_login(self.sam)
        upload = SimpleUploadedFile("changed.xlsx", buffer.getvalue())
        self.client.post(reverse("import-create", args=[self.plan.pk]), {"file": upload})
        job = ImportJob.objects.latest("pk")
        self.client.post(reverse("import-mapping", args=[job.pk]), posted(job.mapping))
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual((job.errors, job.created_count, job.updated_count), ([], 0, 1))
        self.client.post(reverse("import-confirm", args=[job.pk]))
        jobs.run(job.pk)
        changed = Action.objects.get(reference="IP19-05")
        self.assertEqual(
            (changed.rag, changed.revised_due_date), (RAG.RED, datetime.date(2020, 6, 30))
        )
        self.assertEqual(changed.history.latest().history_user, self.sam)
        self.assertEqual(
            self.actions[0].history.count(),
            Action.objects.get(pk=self.actions[0].pk).history.count(),
        )

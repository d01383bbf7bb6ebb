"""Bad input to the import: each gets a clear message beside the file field (and in the
error summary) and nothing is written: no job, no stored file. A CSV in Windows-1252 is
read, not refused; a formula saved without its result is a problem of its row in the
check, and the file cannot be imported until it is corrected."""

import io
import zipfile
from unittest import mock

from django.urls import reverse

from plans.imports import jobs, reading
from plans.models import Action, ImportJob
from tests.base import RolesTestCase
from tests.import_helpers import (
    HEADINGS,
    XLSX_TYPE,
    PrivateMedia,
    csv_bytes,
    make_job,
    reference_data,
    row,
    xlsx_bytes,
)
from tests.test_view_import_create import upload


def word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


class BadFiles(PrivateMedia, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)
        cls.url = reverse("import-create", args=[cls.plan.pk])

    def setUp(self):
        super().setUp()
        self.client.force_login(self.sam)

    def assert_refused(self, name: str, data: bytes, message: str, content_type="text/csv"):
        response = self.client.post(self.url, {"file": upload(name, data, content_type)})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "There is a problem")
        self.assertContains(response, 'class="govuk-form-group govuk-form-group--error"')
        error = response.context["form"].errors["file"]
        self.assertEqual(len(error), 1)
        self.assertIn(message, error[0])
        self.assertContains(response, message)
        self.assertFalse(ImportJob.objects.exists())
        self.assertEqual(self.stored_files(), [])
        return error[0]

    def test_an_empty_file(self):
        self.assert_refused("plan.csv", b"", "The file is empty")

    def test_a_file_of_blank_lines(self):
        self.assert_refused("plan.csv", b"\r\n\r\n  \r\n", "The first row is empty")

    def test_no_heading_row(self):
        self.assert_refused(
            "plan.xlsx", xlsx_bytes([[None, None], row()]), "The first row is empty", XLSX_TYPE
        )

    def test_a_pdf_renamed_xlsx(self):
        self.assert_refused("plan.xlsx", b"%PDF-1.7\n1 0 obj\n", "The file is a PDF", XLSX_TYPE)

    def test_text_renamed_xlsx(self):
        message = self.assert_refused(
            "plan.xlsx", b"Just some notes about the plan\n", "not an Excel workbook", XLSX_TYPE
        )
        self.assertIn("“plan.xlsx”", message)

    def test_a_word_document_renamed_xlsx(self):
        self.assert_refused("plan.xlsx", word_document(), "a zip archive", XLSX_TYPE)

    def test_an_old_xls_workbook(self):
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
        self.assert_refused("plan.xls", data, "older Excel workbook (.xls)")

    def test_an_image(self):
        self.assert_refused("plan.csv", b"\x89PNG\r\n\x1a\n" + bytes(100), "not a CSV file")

    def test_ten_thousand_columns(self):
        wide = [f"Column {n}" for n in range(10_000)]
        for name, data in (("wide.csv", csv_bytes([wide])), ("wide.xlsx", xlsx_bytes([wide]))):
            with self.subTest(name=name):
                self.assert_refused(name, data, "The file has 10,000 columns")

    def test_too_many_rows(self):
        rows = [HEADINGS] + [["A", "B"]] * (reading.MAX_ROWS + 1)
        self.assert_refused("long.csv", csv_bytes(rows), "more than 20,000 rows")
        with mock.patch.object(reading, "MAX_ROWS", 10):
            rows = [HEADINGS] + [row(ref=f"A-{n}") for n in range(12)]
            self.assert_refused(
                "long.xlsx", xlsx_bytes(rows), "first sheet says it has 13 rows", XLSX_TYPE
            )

    def test_a_csv_mixing_utf8_and_windows_1252_is_refused_naming_its_bad_lines(self):
        data = (
            "Ref,Action\r\nA-1,Café opening\r\n".encode()
            + "A-2,Résumé of £5m savings\r\nA-3,Kiosk\r\n".encode("cp1252")
        )
        self.assert_refused("mixed.csv", data, "line 3 is not UTF-8")
        response = self.client.post(self.url, {"file": upload("mixed.csv", data)})
        self.assertNotContains(response, "CafÃ©")
        self.assertNotContains(response, "Â£")

    def test_too_big(self):
        data = b"Ref,Action\n" + b"A-1,Do it\n" * (reading.MAX_BYTES // 10)
        self.assert_refused("big.csv", data, "it must be 10 MB or smaller")

    def test_a_windows_1252_csv_is_read(self):
        data = csv_bytes(
            [[*HEADINGS, "Progress update"], [*row(), "Savings of £2.5m – on track"]],
            encoding="cp1252",
        )
        response = self.client.post(self.url, {"file": upload("plan.csv", data)})
        job = ImportJob.objects.get()
        self.assertRedirects(response, reverse("import-mapping", args=[job.pk]))
        job.status = ImportJob.Status.CHECKING
        job.save()
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.errors, [])
        job.status = ImportJob.Status.IMPORTING
        job.save()
        jobs.run(job.pk)
        self.assertEqual(Action.objects.get().description, "Savings of £2.5m – on track")

    def test_formulas_without_results_are_problems_of_their_rows_and_nothing_is_written(self):
        data = xlsx_bytes(
            [HEADINGS, row(ref="A-1"), ["A-2", '=CONCAT("Set ","a budget")', *row()[2:]]]
        )
        job = make_job(self.plan, self.sam, data, "plan.xlsx", status=ImportJob.Status.CHECKING)
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(
            job.errors,
            [
                {
                    "row": 3,
                    "column": "Action",
                    "message": "contains a formula; paste the value instead",
                }
            ],
        )
        response = self.client.get(reverse("import", args=[job.pk]))
        self.assertContains(response, "contains a formula; paste the value instead")
        response = self.client.post(reverse("import-confirm", args=[job.pk]))
        job.refresh_from_db()
        self.assertEqual(job.status, ImportJob.Status.CHECKED)
        self.assertFalse(Action.objects.exists())

    def test_formulas_with_results_are_imported_as_their_results(self):
        data = xlsx_bytes(
            [HEADINGS, ["A-1", '="Set a budget"', *row()[2:]]],
            cached={"B2": "Set a budget"},
        )
        job = make_job(self.plan, self.sam, data, "plan.xlsx", status=ImportJob.Status.CHECKING)
        jobs.run(job.pk)
        job.refresh_from_db()
        self.assertEqual(job.errors, [])
        self.assertEqual(job.created_count, 1)
        job.status = ImportJob.Status.IMPORTING
        job.save()
        jobs.run(job.pk)
        self.assertEqual(Action.objects.get().title, "Set a budget")

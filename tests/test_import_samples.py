"""The sample council spreadsheet (fixtures/samples/, written by make_samples.py): 40
actions with messy headings, which import cleanly into the demo's Improvement Plan 2015
as an XLSX workbook and as a Windows-1252 CSV file, the second changing nothing."""

import importlib.util
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import TestCase

from biip.demo import load_demo
from biip.models import RAG
from plans.imports import jobs
from plans.models import Action, ImportJob, ImprovementPlan
from tests.import_helpers import PrivateMedia, make_job

SAMPLES = Path(settings.BASE_DIR) / "fixtures" / "samples"
Status = ImportJob.Status


def run(job: ImportJob, status: str) -> ImportJob:
    job.status = status
    job.save()
    jobs.run(job.pk)
    job.refresh_from_db()
    return job


class CouncilSample(PrivateMedia, TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.plan = ImprovementPlan.objects.get(short_name="IP2015")
        cls.secretariat = User.objects.get(username="secretariat")

    def import_sample(self, name: str) -> ImportJob:
        job = make_job(self.plan, self.secretariat, (SAMPLES / name).read_bytes(), name)
        self.assertEqual(
            {field: job.headers[index] for field, index in job.mapping.items()},
            {
                "reference": "Ref.",
                "title": "ACTION",
                "theme": "Theme",
                "directorate": "Directorate",
                "lead_officer": "Lead Officer",
                "lead_member": "Cabinet Member",
                "original_due_date": "Target Date",
                "revised_due_date": "Revised date",
                "rag": "Status (RAG)",
                "progress": "Progress update",
                "recommendations": "Kerslake ref",
            },
            "every column but the panel's notes is matched",
        )
        job = run(job, Status.CHECKING)
        self.assertEqual(job.errors, [])
        self.assertEqual(job.total_rows, 40)
        return run(job, Status.IMPORTING)

    def test_the_workbook_then_the_csv_import_cleanly(self):
        before = Action.objects.filter(plan=self.plan).count()
        job = self.import_sample("council_plan.xlsx")
        self.assertEqual((job.status, job.created_count, job.updated_count), (Status.DONE, 40, 0))
        imported = Action.objects.filter(plan=self.plan, reference__startswith="KIP-")
        self.assertEqual(imported.count(), 40)
        self.assertEqual(Action.objects.filter(plan=self.plan).count(), before + 40)
        first = imported.get(reference="KIP-01")
        self.assertEqual(first.directorate.short_name, "FG")
        self.assertEqual(first.lead_member.name, "Sir Albert Bore")
        self.assertEqual(first.theme.code, "a")
        self.assertIn("£2.5m", first.description)
        self.assertEqual(list(first.recommendations.values_list("reference", flat=True)), ["K-01"])
        self.assertEqual(imported.get(reference="KIP-11").lead_member.name, "Cllr Brigid Jones")
        self.assertEqual(
            set(imported.values_list("rag", flat=True)),
            {RAG.GREEN, RAG.AMBER, RAG.RED, RAG.BLUE},
        )
        self.assertTrue(imported.filter(revised_due_date__isnull=False).exists())

        job = self.import_sample("council_plan.csv")
        self.assertEqual((job.status, job.created_count, job.updated_count), (Status.DONE, 0, 0))

    def test_the_csv_is_windows_1252_with_a_pound_sign(self):
        data = (SAMPLES / "council_plan.csv").read_bytes()
        self.assertIn("£".encode("cp1252"), data)
        with self.assertRaises(UnicodeDecodeError):
            data.decode("utf-8")

    def test_the_script_writes_40_actions(self):
        spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        rows = module.rows()
        self.assertEqual(len(rows), 40)
        self.assertEqual(len({r["ref"] for r in rows}), 40)

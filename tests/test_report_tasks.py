"""Generating report PDFs in the background: the real django-tasks database worker
(`db_worker --batch`) runs the queued versions. PDFs start with %PDF; their text holds the
narrative, the marking and the page numbers; the public version holds no withheld text;
user-typed HTML is text; a version regenerated from its snapshot has the same text; a
failure (in rendering, a disk filling up mid-write, the report deleted once the file is
written) is recorded in words, shown on the report's page, leaves no file, and can be tried
again; a worker killed mid-task leaves a stalled version that can be tried again, and the
new attempt replaces the half file it left."""

import datetime
import errno
import io
import os
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from biip.models import PublicationStatus, Role
from plans.models import Action
from reports import services
from reports.models import STALLED_AFTER, Report, ReportVersion
from tests.factories import (
    make_action,
    make_directorate,
    make_organisation,
    make_plan,
    make_report,
    make_report_snapshot,
    make_user,
)

SECRET = "Negotiations with the trade unions on the equal pay settlement"
SCRIPT = '<script>alert("boo")</script>'


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


class DiskFullStorage(FileSystemStorage):
    """A disk that fills up half-way through writing a file: the half stays on it."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content.read()
        with open(path, "wb") as half:
            half.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")


class ReportDeletedWhileWritingStorage(FileSystemStorage):
    """Writes the file whole; meanwhile someone deletes the report (in the admin)."""

    def _save(self, name, content):
        stored = super()._save(name, content)
        Report.objects.all().delete()
        return stored


def storage(backend: type[FileSystemStorage]) -> override_settings:
    return override_settings(
        STORAGES={
            "default": {"BACKEND": f"{__name__}.{backend.__name__}"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    )


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


class BackgroundGeneration(TransactionTestCase):
    serialized_rollback = True

    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="reports-media-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=self.media)
        media.enable()
        self.addCleanup(media.disable)
        council = make_organisation(name="Birmingham City Council", short_name="BCC")
        finance = make_directorate(name="Finance", short_name="FG", organisation=council)
        self.sam = make_user("sam", Role.SECRETARIAT, organisation=council)
        self.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
        make_action(plan=self.plan, directorate=finance, title="Balance the budget")
        self.report = make_report(self.sam, plan=self.plan, title="Letter, February 2019")
        sections = {section.key: section for section in self.report.sections.all()}
        services.update_section(
            user=self.sam,
            section=sections["introduction"],
            heading="Introduction",
            body=f"The panel met the council in January. {SCRIPT}",
        )
        services.update_section(
            user=self.sam,
            section=sections["finance"],
            heading="Finance",
            body=SECRET,
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2020, 3, 31),
        )

    def stored_files(self) -> list[Path]:
        return sorted(path for path in Path(self.media).rglob("*") if path.is_file())

    def generate(self, report: Report | None = None) -> tuple[ReportVersion, ReportVersion]:
        internal, public = services.request_versions(user=self.sam, report=report or self.report)
        run_worker()
        internal.refresh_from_db()
        public.refresh_from_db()
        return internal, public

    def test_internal_and_public_pdfs_are_generated_in_the_background(self):
        internal, public = services.request_versions(user=self.sam, report=self.report)
        self.assertEqual(internal.status, ReportVersion.Status.QUEUED)
        self.assertEqual(self.stored_files(), [])
        run_worker()
        for version in (internal, public):
            version.refresh_from_db()
            self.assertEqual(version.status, ReportVersion.Status.DONE, version.message)
            self.assertEqual(version.progress, 100)
            self.assertIsNotNone(version.finished_at)
            data = version.file.read()
            self.assertTrue(data.startswith(b"%PDF"))
            self.assertEqual(version.size, len(data))
            self.assertEqual(version.pages, len(PdfReader(io.BytesIO(data)).pages))
            self.assertTrue(version.file.name.startswith(f"reports/{self.report.pk}/"))
            # the worker's save is in the history as the person who asked for the PDF
            self.assertEqual(version.history.latest().history_user, self.sam)
        self.assertEqual(len(self.stored_files()), 2)

        text = pdf_text(internal.file.open("rb").read())
        self.assertIn("OFFICIAL-SENSITIVE", text)
        # DRAFT in words once a page (the footer); the watermark is outlines, not text
        self.assertEqual(text.count("DRAFT"), internal.pages)
        self.assertIn("Letter, February 2019: DRAFT", text)
        self.assertIn(f"Page 1 of {internal.pages}", text)
        self.assertIn(SECRET, " ".join(text.split()))
        self.assertIn(SCRIPT, text)  # typed HTML is shown as text

        public_text = pdf_text(public.file.open("rb").read())
        self.assertIn("OFFICIAL", public_text)
        self.assertNotIn("OFFICIAL-SENSITIVE", public_text)
        self.assertNotIn("equal pay", public_text)
        self.assertNotIn("trade unions", public_text)
        self.assertIn("Schedule 12A", " ".join(public_text.split()))
        self.assertIn("(public version)", public_text)

    def test_a_final_report_is_not_marked_draft(self):
        report = Report.objects.get(pk=self.report.pk)
        report.snapshot = make_report_snapshot()
        report.save()
        services.finalise_report(user=self.sam, report=report)
        internal, _ = self.generate(report)
        self.assertFalse(internal.draft)
        self.assertNotIn("DRAFT", pdf_text(internal.file.read()))

    def test_regenerating_from_the_snapshot_gives_the_same_text(self):
        report = Report.objects.get(pk=self.report.pk)
        report.snapshot = make_report_snapshot()
        report.save()
        internal, _ = self.generate(report)
        first = pdf_text(internal.file.read())
        # Live data and narrative change afterwards...
        Action.objects.update(title="Something else entirely")
        services.update_section(
            user=self.sam,
            section=report.sections.get(key="introduction"),
            heading="Introduction",
            body="Rewritten later.",
        )
        # ...and the version, generated again, shows what it showed.
        ReportVersion.objects.filter(pk=internal.pk).update(status=ReportVersion.Status.FAILED)
        services.retry_version(user=self.sam, version=internal)
        run_worker()
        internal.refresh_from_db()
        self.assertEqual(internal.status, ReportVersion.Status.DONE)
        self.assertEqual(pdf_text(internal.file.read()), first)

    def test_a_failure_is_recorded_in_words_and_can_be_tried_again(self):
        internal, public = services.request_versions(user=self.sam, report=self.report)
        # The report as it stood before it existed: the live one, made unrenderable.
        Report.objects.filter(pk=self.report.pk).update(kind="memo")
        long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        ReportVersion.objects.update(content_at=long_ago, created_at=long_ago)
        run_worker()
        internal.refresh_from_db()
        public.refresh_from_db()
        for version in (internal, public):
            self.assertEqual(version.status, ReportVersion.Status.FAILED)
            self.assertIn("could not be generated", version.message)
            self.assertIn("Try again", version.message)
            self.assertFalse(version.file)
            self.assertEqual((version.size, version.pages), (0, 0))
        self.assertEqual(self.stored_files(), [])

        Report.objects.filter(pk=self.report.pk).update(kind="letter")
        services.retry_version(user=self.sam, version=internal)
        run_worker()
        internal.refresh_from_db()
        self.assertEqual(internal.status, ReportVersion.Status.DONE)
        self.assertEqual(internal.message, "")
        self.assertEqual(len(self.stored_files()), 1)

    def test_a_disk_filling_up_mid_write_leaves_no_half_file_and_the_reason_is_shown(self):
        with storage(DiskFullStorage):
            internal, public = self.generate()
        for version in (internal, public):
            self.assertEqual(version.status, ReportVersion.Status.FAILED)
            self.assertIn("No space left on device", version.message)
            self.assertFalse(version.file)
        self.assertEqual(self.stored_files(), [])

        self.client.force_login(self.sam)
        response = self.client.get(self.report.get_absolute_url())
        self.assertContains(response, "No space left on device", count=2)
        response = self.client.get(internal.get_absolute_url())
        self.assertContains(response, "Failed. The PDF could not be generated")
        self.assertContains(
            response, reverse("report-version-retry", args=[self.report.pk, internal.pk])
        )

        # With room on the disk again, Try again gives the PDF.
        self.client.post(reverse("report-version-retry", args=[self.report.pk, internal.pk]))
        run_worker()
        internal.refresh_from_db()
        self.assertEqual(internal.status, ReportVersion.Status.DONE, internal.message)
        self.assertEqual(self.stored_files(), [Path(self.media) / internal.file.name])
        self.assertTrue(internal.file.read().startswith(b"%PDF"))

    def test_a_failure_after_the_file_is_written_removes_the_file(self):
        services.request_versions(user=self.sam, report=self.report)
        with storage(ReportDeletedWhileWritingStorage):
            run_worker()
        self.assertFalse(ReportVersion.objects.exists())
        self.assertEqual(self.stored_files(), [])

    def test_a_worker_killed_mid_task_stalls_and_a_new_attempt_replaces_its_half_file(self):
        internal, public = self.generate()
        # The worker died after writing half the internal PDF, before recording it.
        half = Path(internal.file.path)
        half.write_bytes(half.read_bytes()[:1000])
        long_ago = timezone.now() - STALLED_AFTER - datetime.timedelta(minutes=1)
        ReportVersion.objects.filter(pk=internal.pk).update(
            status=ReportVersion.Status.RUNNING, progress=90, file="", updated_at=long_ago
        )
        internal.refresh_from_db()
        self.assertTrue(internal.is_stalled)
        self.assertFalse(internal.is_running)

        self.client.force_login(self.sam)
        response = self.client.get(self.report.get_absolute_url())
        self.assertContains(response, "Stalled at 90%")
        retry = reverse("report-version-retry", args=[self.report.pk, internal.pk])
        response = self.client.get(internal.get_absolute_url())
        self.assertContains(response, "Stalled at 90%. The PDF was not finished")
        self.assertContains(response, retry)
        self.assertNotContains(response, 'http-equiv="refresh"')

        response = self.client.post(retry, follow=True)
        self.assertContains(response, "The version is being generated again.")
        run_worker()
        internal.refresh_from_db()
        self.assertEqual(internal.status, ReportVersion.Status.DONE, internal.message)
        # The same name as the half file, which is gone: one file for each version.
        self.assertEqual(internal.file.path, str(half))
        self.assertEqual(len(PdfReader(half).pages), internal.pages)
        self.assertEqual(
            self.stored_files(),
            sorted(Path(v.file.path) for v in (internal, public)),
        )

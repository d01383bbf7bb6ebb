"""`manage.py fail_stalled_reports`: versions waiting or generating but not heard from for
STALLED_AFTER are marked failed with the reason, their half-written PDF removed; versions
moving on lately, and finished ones, are left alone."""

import datetime
import io
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from reports import services
from reports.models import STALLED_AFTER, STALLED_REASON, ReportVersion, report_path
from reports.tasks import version_filename
from tests.base import RolesTestCase
from tests.factories import make_report


class FailStalledReportsTest(RolesTestCase):
    def setUp(self):
        self.media = tempfile.mkdtemp(prefix="reports-media-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=self.media)
        override.enable()
        self.addCleanup(override.disable)
        report = make_report(self.sam, title="Stock-take, March 2019")
        self.internal, self.public = services.request_versions(user=self.sam, report=report)
        second, _ = services.request_versions(user=self.sam, report=report)
        self.long_ago = timezone.now() - STALLED_AFTER - datetime.timedelta(minutes=1)
        ReportVersion.objects.filter(pk=self.internal.pk).update(
            status="running", progress=60, updated_at=self.long_ago
        )
        ReportVersion.objects.filter(pk=self.public.pk).update(updated_at=self.long_ago)
        ReportVersion.objects.filter(pk=second.pk).update(status="running", progress=40)
        self.second = second
        # What the internal version's dead worker left: half a PDF at its name.
        self.half = Path(self.media) / report_path(self.internal, version_filename(self.internal))
        self.half.parent.mkdir(parents=True)
        self.half.write_bytes(b"%PDF-1.7\n half of it")

    def run_command(self) -> str:
        out = io.StringIO()
        call_command("fail_stalled_reports", stdout=out)
        return out.getvalue()

    def test_stalled_versions_are_failed_with_the_reason_and_their_half_file_removed(self):
        self.assertEqual(self.run_command(), "2 stalled report versions marked failed.\n")
        for version in (self.internal, self.public):
            version.refresh_from_db()
            self.assertEqual(version.status, "failed")
            self.assertEqual(version.message, STALLED_REASON)
            self.assertIsNotNone(version.finished_at)
            self.assertFalse(version.is_stalled)
        self.assertFalse(self.half.exists())
        self.second.refresh_from_db()
        self.assertEqual((self.second.status, self.second.progress), ("running", 40))
        self.assertEqual(self.run_command(), "0 stalled report versions marked failed.\n")

    def test_a_file_a_finished_version_points_at_is_kept(self):
        ReportVersion.objects.filter(pk=self.second.pk).update(
            status="done", file=str(self.half.relative_to(self.media))
        )
        self.run_command()
        self.assertTrue(self.half.exists())

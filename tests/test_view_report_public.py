"""The public reports (/public/reports/ and their downloads): only the public versions of
final reports, for anyone; nothing internal, nothing draft, nothing withdrawn. A withdrawn
version is noted (when, not why) in its place; a corrected version takes its place."""

import shutil
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report, make_report_snapshot

PUBLIC = reverse("public-reports")


def finish(version: ReportVersion, content: bytes) -> ReportVersion:
    version.file.save(f"v{version.number}-{version.public}.pdf", ContentFile(content), save=False)
    version.status = ReportVersion.Status.DONE
    version.progress = 100
    version.size = len(content)
    version.pages = 2
    version.finished_at = timezone.now()
    version.save()
    return version


class PublicReportsTest(RolesTestCase):
    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="reports-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        snapshot = make_report_snapshot()
        self.final = make_report(self.sam, snapshot=snapshot, title="Final stock-take")
        draft_internal, draft_public = services.request_versions(user=self.sam, report=self.final)
        finish(draft_public, b"%PDF draft public")
        services.finalise_report(user=self.sam, report=self.final)
        self.internal, self.public = services.request_versions(user=self.sam, report=self.final)
        finish(self.internal, b"%PDF internal")
        finish(self.public, b"%PDF public")
        self.draft_public = draft_public
        self.draft = make_report(self.sam, title="Draft letter")
        _, public = services.request_versions(user=self.sam, report=self.draft)
        self.unfinished = finish(public, b"%PDF draft")

    def url(self, version: ReportVersion) -> str:
        return reverse("public-report-download", args=[version.pk])

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(PUBLIC).status_code, 405)
        self.assertEqual(self.client.post(self.url(self.public)).status_code, 405)

    def test_anyone_sees_the_latest_public_version_of_final_reports(self):
        response = self.client.get(PUBLIC)
        self.assertEqual(response.status_code, 200)
        self.assertEqual([row["version"] for row in response.context["rows"]], [self.public])
        self.assertContains(response, "Final stock-take")
        self.assertNotContains(response, "Draft letter")
        self.assertContains(response, self.url(self.public))

    def test_anyone_downloads_the_public_pdf(self):
        response = self.client.get(self.url(self.public))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertEqual(b"".join(response.streaming_content), b"%PDF public")

    def test_internal_and_draft_versions_are_404(self):
        for version in (self.internal, self.draft_public, self.unfinished):
            with self.subTest(version=str(version)):
                self.assertEqual(self.client.get(self.url(version)).status_code, 404)

    def test_queries_do_not_grow_with_reports(self):
        self.client.get(PUBLIC)
        with self.assertNumQueries(2) as first:  # the versions, the withdrawn versions
            self.client.get(PUBLIC)
        another = make_report(
            self.sam,
            snapshot=make_report_snapshot(timezone.localdate().replace(day=1, year=2018)),
            title="Another",
        )
        services.finalise_report(user=self.sam, report=another)
        finish(services.request_versions(user=self.sam, report=another)[1], b"%PDF x")
        services.withdraw_version(user=self.sam, version=self.public, reason="Shows SR-06.")
        with self.assertNumQueries(len(first.captured_queries)):
            response = self.client.get(PUBLIC)
        self.assertEqual(len(response.context["rows"]), 2)


class AfterWithdrawalTest(RolesTestCase):
    """The same report after its public version is withdrawn, then corrected."""

    REASON = "It shows action 4.2 (Children's Trust), since made confidential."

    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="reports-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.report = make_report(self.sam, snapshot=make_report_snapshot(), title="Stock-take")
        services.finalise_report(user=self.sam, report=self.report)
        _, public = services.request_versions(user=self.sam, report=self.report)
        self.first = finish(public, b"%PDF first")
        self.client.force_login(self.sam)
        withdraw = reverse("report-version-withdraw", args=[self.report.pk, self.first.pk])
        self.client.post(withdraw, {"reason": self.REASON})
        self.client.logout()
        self.withdrawn_on = f"{timezone.localdate():%-d %B %Y}"

    def test_the_withdrawn_version_is_noted_not_offered(self):
        response = self.client.get(PUBLIC)
        self.assertEqual(response.status_code, 200)
        (row,) = response.context["rows"]
        self.assertIsNone(row["version"])
        self.assertEqual(row["withdrawn"], [self.first])
        self.assertContains(response, "Stock-take")
        self.assertContains(response, f"Version 1, published on {self.withdrawn_on}")
        self.assertContains(response, f"was withdrawn on {self.withdrawn_on}.")
        self.assertContains(response, "No version is available at the moment.")
        self.assertNotContains(response, reverse("public-report-download", args=[self.first.pk]))
        self.assertNotContains(response, "Children")  # the reason stays internal
        download = self.client.get(reverse("public-report-download", args=[self.first.pk]))
        self.assertEqual(download.status_code, 404)

    def test_a_corrected_version_takes_its_place(self):
        _, public = services.request_versions(user=self.sam, report=self.report)
        corrected = finish(public, b"%PDF corrected")
        response = self.client.get(PUBLIC)
        (row,) = response.context["rows"]
        self.assertEqual(row["version"], corrected)
        self.assertEqual(row["withdrawn"], [self.first])
        self.assertContains(response, reverse("public-report-download", args=[corrected.pk]))
        self.assertContains(response, f"was withdrawn on {self.withdrawn_on}.")
        self.assertNotContains(response, "No version is available")
        download = self.client.get(reverse("public-report-download", args=[corrected.pk]))
        self.assertEqual(b"".join(download.streaming_content), b"%PDF corrected")

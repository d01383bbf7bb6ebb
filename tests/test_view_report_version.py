"""A version's page (/reports/<pk>/versions/<vpk>/): its progress, refreshing itself while
it runs, then the download; its download (.../download/, an attachment) and Try again
(.../retry/, POST, for a failed version, or a stalled one: waiting or generating but not
heard from for STALLED_AFTER, its worker gone)."""

import datetime
import shutil
import tempfile

from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import STALLED_AFTER, ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report

PDF = b"%PDF-1.7\n% a stand-in for a generated PDF\n"


class VersionTestCase(RolesTestCase):
    def setUp(self):
        super().setUp()
        media = tempfile.mkdtemp(prefix="reports-media-")
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        override = override_settings(MEDIA_ROOT=media)
        override.enable()
        self.addCleanup(override.disable)
        self.report = make_report(self.sam, title="Letter, February 2019")
        self.internal, self.public = services.request_versions(user=self.sam, report=self.report)

    def finish(self, version: ReportVersion) -> None:
        version.file.save("letter-v1.pdf", ContentFile(PDF), save=False)
        version.status = ReportVersion.Status.DONE
        version.progress = 100
        version.size = len(PDF)
        version.pages = 1
        version.finished_at = timezone.now()
        version.save()

    def stall(self, version: ReportVersion, status: str = "running") -> None:
        long_ago = timezone.now() - STALLED_AFTER - datetime.timedelta(seconds=5)
        ReportVersion.objects.filter(pk=version.pk).update(
            status=status, progress=60, updated_at=long_ago
        )

    def page(self, version: ReportVersion) -> str:
        return reverse("report-version", args=[self.report.pk, version.pk])

    def download(self, version: ReportVersion) -> str:
        return reverse("report-version-download", args=[self.report.pk, version.pk])

    def retry(self, version: ReportVersion) -> str:
        return reverse("report-version-retry", args=[self.report.pk, version.pk])


class VersionPageTest(VersionTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        url = self.page(self.internal)
        response = self.client.get(url)
        self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.page(self.internal)).status_code, 405)

    def test_while_running_the_page_refreshes_itself(self):
        ReportVersion.objects.filter(pk=self.internal.pk).update(status="running", progress=40)
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.page(self.internal))
                self.assertContains(response, '<meta http-equiv="refresh" content="2">')
                self.assertContains(response, "Generating: 40% done.")
                self.assertContains(response, "Waiting to start: 0% done.")

    def test_when_done_the_downloads_and_no_refresh(self):
        self.finish(self.internal)
        self.finish(self.public)
        self.client.force_login(self.pat)
        response = self.client.get(self.page(self.internal))
        self.assertNotContains(response, 'http-equiv="refresh"')
        self.assertContains(response, self.download(self.internal))
        self.assertContains(response, self.download(self.public))
        self.assertContains(response, "Download the public PDF")

    def test_a_failure_is_shown_with_try_again_for_the_secretariat(self):
        ReportVersion.objects.filter(pk=self.public.pk).update(
            status="failed", message="The PDF could not be generated: boom."
        )
        for user, shown in ((self.sam, True), (self.pat, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.page(self.public))
                self.assertContains(response, "The PDF could not be generated: boom.")
                (self.assertContains if shown else self.assertNotContains)(
                    response, self.retry(self.public)
                )

    def test_a_stalled_version_is_shown_with_try_again_and_no_refresh(self):
        self.stall(self.internal)
        self.stall(self.public, status="queued")
        for user, shown in ((self.sam, True), (self.alex, True), (self.pat, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.page(self.internal))
                self.assertContains(response, "Stalled at 60%. The PDF was not finished", count=2)
                self.assertNotContains(response, 'http-equiv="refresh"')
                for version in (self.internal, self.public):
                    (self.assertContains if shown else self.assertNotContains)(
                        response, self.retry(version)
                    )

    def test_a_version_moving_on_lately_is_not_stalled(self):
        recently = timezone.now() - STALLED_AFTER + datetime.timedelta(minutes=1)
        ReportVersion.objects.filter(pk=self.internal.pk).update(
            status="running", progress=60, updated_at=recently
        )
        self.client.force_login(self.sam)
        response = self.client.get(self.page(self.internal))
        self.assertContains(response, "Generating: 60% done.")
        self.assertContains(response, '<meta http-equiv="refresh" content="2">')
        self.assertNotContains(response, "Stalled")
        self.assertNotContains(response, self.retry(self.internal))

    def test_a_version_of_another_report_is_404(self):
        other = make_report(self.sam, title="Other")
        self.client.force_login(self.sam)
        url = reverse("report-version", args=[other.pk, self.internal.pk])
        self.assertEqual(self.client.get(url).status_code, 404)


class VersionDownloadTest(VersionTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        self.finish(self.internal)
        response = self.client.get(self.download(self.internal))
        self.assertEqual(response.status_code, 302)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.download(self.internal)).status_code, 405)

    def test_every_role_downloads_a_ready_pdf(self):
        self.finish(self.internal)
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.download(self.internal))
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertIn("attachment;", response["Content-Disposition"])
                self.assertIn("letter-v1", response["Content-Disposition"])
                self.assertEqual(b"".join(response.streaming_content), PDF)

    def test_a_version_not_yet_ready_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.download(self.internal)).status_code, 404)


class VersionRetryTest(VersionTestCase):
    def setUp(self):
        super().setUp()
        ReportVersion.objects.filter(pk=self.internal.pk).update(
            status="failed", message="Broken", progress=60
        )

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.retry(self.internal))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/sign-in/", response["Location"])

    def test_get_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.retry(self.internal)).status_code, 405)

    def test_try_again(self):
        self.client.force_login(self.sam)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.client.post(self.retry(self.internal))
        self.assertRedirects(response, self.page(self.internal), fetch_redirect_response=False)
        self.internal.refresh_from_db()
        self.assertEqual((self.internal.status, self.internal.progress), ("queued", 0))
        self.assertEqual(self.internal.message, "")
        self.assertEqual(len(callbacks), 1)
        self.assertTrue(self.internal.task_id)

    def test_a_version_that_did_not_fail_is_not_retried(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.retry(self.public), follow=True)
        self.assertContains(response, "Only a version that failed can be tried again.")

    def test_try_again_a_stalled_version(self):
        self.stall(self.public)
        self.client.force_login(self.sam)
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.client.post(self.retry(self.public))
        self.assertRedirects(response, self.page(self.public), fetch_redirect_response=False)
        self.public.refresh_from_db()
        self.assertEqual((self.public.status, self.public.progress), ("queued", 0))
        self.assertFalse(self.public.is_stalled)
        self.assertEqual(self.public.message, "")
        self.assertEqual(len(callbacks), 1)

    def test_a_stalled_version_is_not_retried_for_an_officer(self):
        self.stall(self.public)
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.post(self.retry(self.public)).status_code, 403)
        self.public.refresh_from_db()
        self.assertEqual(self.public.status, "running")

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.retry(self.internal)).status_code, 403)
        self.internal.refresh_from_db()
        self.assertEqual(self.internal.status, "failed")

"""Withdrawing a published public version (GET and POST
/reports/<pk>/versions/<version_pk>/withdraw/): a confirmation page saying what will
happen, a reason beside its field, one button; then the version is no longer downloaded
by the public, and who, when and why are recorded."""

from django.urls import reverse
from django.utils import timezone

from reports.models import ReportVersion
from reports.services import request_versions
from tests.base import MediaRolesTestCase
from tests.factories import finish_version, make_report, make_report_snapshot, publish_report

REASON = "It shows action 4.2, since made confidential."


class VersionWithdrawTest(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(
            cls.sam, snapshot=make_report_snapshot(), title="Stock-take, January 2019"
        )
        cls.internal, cls.public = publish_report(cls.sam, cls.report)
        cls.url = reverse("report-version-withdraw", args=[cls.report.pk, cls.public.pk])

    def reload(self) -> ReportVersion:
        return ReportVersion.objects.get(pk=self.public.pk)

    def test_get_shows_the_confirmation(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Withdraw public version 1")
        self.assertContains(response, "stops the public downloading it")
        self.assertContains(response, 'name="reason"')
        self.assertContains(response, '<button type="submit" class="govuk-button', count=1)
        self.assertNotContains(response, 'id="others"')
        self.assertFalse(self.reload().is_withdrawn)

    def test_withdraw(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": f"  {REASON}  "}, follow=True)
        self.assertRedirects(
            response, reverse("report-version", args=[self.report.pk, self.public.pk])
        )
        version = self.reload()
        self.assertTrue(version.is_withdrawn)
        self.assertEqual(version.withdrawn_by, self.sam)
        self.assertEqual(version.withdrawal_reason, REASON)
        latest = version.history.order_by("-history_id").first()
        self.assertEqual(latest.history_user, self.sam)
        self.assertEqual(latest.withdrawal_reason, REASON)
        self.assertContains(response, "Public version 1 has been withdrawn")
        self.assertContains(response, "Withdrawn from the public")
        self.assertContains(response, REASON)
        public = reverse("public-report-download", args=[self.public.pk])
        self.assertEqual(self.client.get(public).status_code, 404)
        detail = self.client.get(self.report.get_absolute_url())
        day = timezone.localtime(version.withdrawn_at)
        self.assertContains(detail, f"Withdrawn on {day:%-d %B %Y}")
        # The internal record keeps its PDF for the secretariat.
        download = reverse("report-version-download", args=[self.report.pk, self.public.pk])
        self.assertEqual(self.client.get(download).status_code, 200)

    def test_a_reason_is_required_beside_its_field(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="id_reason-error"')
        self.assertContains(response, "Enter why the version is being withdrawn", count=2)
        self.assertFalse(self.reload().is_withdrawn)

    def test_a_too_long_reason_is_kept_and_refused(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": "x" * 2001})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "x" * 2001)
        self.assertFalse(self.reload().is_withdrawn)

    def test_other_public_versions_still_published_are_named(self):
        _, later = publish_report(self.sam, self.report)
        self.client.force_login(self.sam)
        response = self.client.get(
            reverse("report-version-withdraw", args=[self.report.pk, later.pk])
        )
        self.assertContains(response, 'id="others"')
        self.assertContains(response, self.url)

    def test_a_withdrawn_version_cannot_be_withdrawn_again(self):
        self.client.force_login(self.sam)
        self.client.post(self.url, {"reason": REASON})
        withdrawn_at = self.reload().withdrawn_at
        self.assertEqual(self.client.get(self.url).status_code, 404)
        self.assertEqual(self.client.post(self.url, {"reason": "Again"}).status_code, 404)
        self.assertEqual(self.reload().withdrawn_at, withdrawn_at)

    def test_internal_and_draft_versions_are_404(self):
        draft = make_report(self.sam, title="Draft")
        _, draft_public = request_versions(user=self.sam, report=draft)
        finish_version(draft_public)
        self.client.force_login(self.sam)
        for report, version in (
            (self.report, self.internal),
            (draft, draft_public),
            (draft, self.public),  # not this report's version
        ):
            url = reverse("report-version-withdraw", args=[report.pk, version.pk])
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
                self.assertEqual(self.client.post(url, {"reason": REASON}).status_code, 404)
        self.assertFalse(ReportVersion.objects.filter(withdrawn_at__isnull=False).exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_anonymous_is_sent_to_sign_in(self):
        for method in (self.client.get, self.client.post):
            response = method(self.url, {"reason": REASON})
            self.assertEqual(response.status_code, 302)
            self.assertIn("/sign-in/", response["Location"])
        self.assertFalse(self.reload().is_withdrawn)

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, {"reason": REASON}).status_code, 403)
        self.assertFalse(self.reload().is_withdrawn)

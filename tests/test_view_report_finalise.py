"""Finalise (POST /reports/<pk>/finalise/): only a report on a closed cycle's snapshot;
its final, unmarked PDFs are queued at once."""

from django.urls import reverse

from reports.models import Report, ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report, make_report_snapshot


class ReportFinaliseTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam, snapshot=make_report_snapshot())
        cls.url = reverse("report-finalise", args=[cls.report.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/sign-in/", response["Location"])

    def test_get_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_finalise(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        report = Report.objects.get(pk=self.report.pk)
        self.assertTrue(report.is_final)
        self.assertEqual(report.finalised_by, self.sam)
        internal = ReportVersion.objects.get(public=False)
        self.assertFalse(internal.draft)
        self.assertEqual(ReportVersion.objects.filter(draft=False).count(), 2)
        self.assertRedirects(
            response,
            reverse("report-version", args=[report.pk, internal.pk]),
            fetch_redirect_response=False,
        )

    def test_a_report_on_live_data_is_not_finalised(self):
        live = make_report(self.sam, title="Live letter")
        self.client.force_login(self.sam)
        response = self.client.post(reverse("report-finalise", args=[live.pk]), follow=True)
        self.assertContains(response, "The report has not been finalised")
        self.assertFalse(Report.objects.get(pk=live.pk).is_final)
        self.assertFalse(ReportVersion.objects.exists())

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(Report.objects.get(pk=self.report.pk).is_final)

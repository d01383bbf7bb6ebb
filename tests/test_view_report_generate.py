"""Generate PDFs (POST /reports/<pk>/generate/): queues an internal and a public version
for the background worker and shows the first's progress page; the request never
renders the PDF itself."""

from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from reports.models import ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report


class ReportGenerateTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)
        cls.url = reverse("report-generate", args=[cls.report.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/sign-in/", response["Location"])

    def test_get_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_queue_two_versions(self):
        self.client.force_login(self.sam)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url)
        internal = ReportVersion.objects.get(public=False)
        public = ReportVersion.objects.get(public=True)
        self.assertRedirects(
            response,
            reverse("report-version", args=[self.report.pk, internal.pk]),
            fetch_redirect_response=False,
        )
        for version in (internal, public):
            self.assertEqual(version.status, ReportVersion.Status.QUEUED)
            self.assertEqual(version.number, 1)
            self.assertFalse(version.file)
        self.assertEqual(DBTaskResult.objects.count(), 2)

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(ReportVersion.objects.exists())

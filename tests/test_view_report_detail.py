"""A report's page (/reports/<pk>/): its particulars, its narrative sections with Edit
links, its versions with their status and downloads, and the buttons to generate PDFs and
finalise (the secretariat and administrators)."""

from django.urls import reverse

from reports import services
from reports.models import ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_plan, make_report


class ReportDetailTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.report = make_report(cls.sam, plan=cls.plan, subject="Progress in Birmingham")
        cls.url = reverse("report", args=[cls.report.pk])
        internal, public = services.request_versions(user=cls.sam, report=cls.report)
        ReportVersion.objects.filter(pk=internal.pk).update(
            status="done", progress=100, file="reports/x/letter.pdf", size=2048, pages=3
        )

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_a_missing_report_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("report", args=[999])).status_code, 404)

    def test_every_role_reads_the_report(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Improvement Plan 2019-20")
                self.assertContains(response, "Progress in Birmingham")
                self.assertContains(response, "Live data")
                self.assertContains(response, "Introduction")
                self.assertContains(response, "OFFICIAL-SENSITIVE")
                self.assertContains(response, "Waiting to start")
                self.assertContains(response, "3 pages")
                self.assertContains(response, reverse("report-preview", args=[self.report.pk]))

    def test_the_secretariat_sees_edit_links_and_buttons(self):
        section = self.report.sections.get(key="introduction")
        edit = reverse("report-section-edit", args=[self.report.pk, section.pk])
        for user, shown in (
            (self.sam, True),
            (self.alex, True),
            (self.pat, False),
            (self.olivia, False),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                check = self.assertContains if shown else self.assertNotContains
                check(response, edit)
                check(response, reverse("report-generate", args=[self.report.pk]))
                check(response, reverse("report-finalise", args=[self.report.pk]))

    def test_queries_do_not_grow_with_versions(self):
        self.client.force_login(self.sam)
        self.client.get(self.url)
        with self.assertNumQueries(6) as first:
            self.client.get(self.url)
        services.request_versions(user=self.alex, report=self.report)
        services.request_versions(user=self.sam, report=self.report)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(self.url)

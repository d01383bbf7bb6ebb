"""Editing a narrative section (/reports/<pk>/sections/<section_pk>/): heading, Markdown
text and publication status, kept with its history."""

from django.urls import reverse

from plans.services import version_of
from reports import services
from reports.models import ReportSection
from tests.base import RolesTestCase
from tests.factories import make_report


class SectionEditTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)
        cls.section = cls.report.sections.get(key="finance")
        cls.url = reverse("report-section-edit", args=[cls.report.pk, cls.section.pk])

    def data(self, **changes) -> dict:
        fields = {
            "seen_version": version_of(self.section),
            "heading": "Finance",
            "body": "The council **balanced** its budget. <script>alert(1)</script>",
            "publication_status": "exempt",
            "exemption_paragraph": "4",
            "exemption_review_date": "31/03/2020",
        }
        return {**fields, **changes}

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_put_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_the_form(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Edit “Finance”")
        self.assertContains(response, 'name="body"')
        self.assertContains(response, 'name="publication_status"')

    def test_save_the_section(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(
            response, f"{reverse('report', args=[self.report.pk])}#section-{self.section.pk}"
        )
        section = ReportSection.objects.get(pk=self.section.pk)
        self.assertIn("<script>", section.body)  # kept as typed; shown as text
        self.assertEqual(section.publication_status, "exempt")
        self.assertEqual(section.exemption_paragraph, 4)
        self.assertEqual(section.history.first().history_user, self.sam)

    def test_exempt_needs_a_paragraph_and_review_date(self):
        self.client.force_login(self.sam)
        response = self.client.post(
            self.url, self.data(exemption_paragraph="", exemption_review_date="")
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ReportSection.objects.get(pk=self.section.pk).body, "")

    def test_a_change_saved_by_someone_else_is_shown(self):
        self.client.force_login(self.sam)
        data = self.data()
        services.update_section(user=self.alex, section=self.section, heading="F", body="Alex")
        response = self.client.post(self.url, data)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertEqual(ReportSection.objects.get(pk=self.section.pk).body, "Alex")

    def test_a_section_of_another_report_is_404(self):
        other = make_report(self.sam, title="Another letter")
        self.client.force_login(self.sam)
        url = reverse("report-section-edit", args=[other.pk, self.section.pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(ReportSection.objects.get(pk=self.section.pk).body, "")

"""The HTML preview of a report (/reports/<pk>/preview/, ?version=public): the same
document as the PDF, with links back to the report and to the other version."""

import datetime

from django.urls import reverse

from reports import services
from tests.base import RolesTestCase
from tests.factories import make_report

SECRET = "Talks with the unions about equal pay"


class ReportPreviewTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam, title="Letter, February 2019")
        sections = {s.key: s for s in cls.report.sections.all()}
        services.update_section(
            user=cls.sam,
            section=sections["introduction"],
            heading="Introduction",
            body="We met **twice**. <script>alert(1)</script>",
        )
        services.update_section(
            user=cls.sam,
            section=sections["finance"],
            heading="Finance",
            body=SECRET,
            publication_status="exempt",
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2020, 3, 31),
        )
        cls.url = reverse("report-preview", args=[cls.report.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_every_role_previews_the_internal_version(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<html lang="en-GB">')
                self.assertContains(response, "<title>Letter, February 2019</title>")
                self.assertContains(response, '<p class="marking">OFFICIAL-SENSITIVE</p>')
                self.assertContains(response, '<div class="watermark" aria-hidden="true"></div>')
                self.assertContains(response, "DRAFT, not yet final.")
                self.assertContains(response, "<p>We met <strong>twice</strong>.")
                self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")
                self.assertNotContains(response, "<script>alert(1)")
                self.assertContains(response, SECRET)
                self.assertContains(response, reverse("report", args=[self.report.pk]))
                self.assertContains(response, "documents/report.css")

    def test_the_public_version_withholds_what_is_not_public(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url, {"version": "public"})
        self.assertContains(response, '<p class="marking">OFFICIAL</p>')
        self.assertContains(response, "(public version)")
        self.assertNotContains(response, SECRET)
        self.assertContains(response, "paragraph 4 of Schedule 12A")

    def test_a_missing_report_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("report-preview", args=[999])).status_code, 404)

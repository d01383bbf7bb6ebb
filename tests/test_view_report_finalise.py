"""Finalise (GET and POST /reports/<pk>/finalise/): GET is a confirmation page saying what
finalising does, listing every section that would print "No narrative has been written
for this section", and saying plainly when the report reads live data (then there is no
button); POST finalises a report on a closed cycle's snapshot and queues its final PDFs."""

from django.urls import reverse

from reports.models import Report, ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report, make_report_snapshot

BUTTON = '<button type="submit" class="govuk-button'


class ReportFinaliseTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam, snapshot=make_report_snapshot())
        cls.url = reverse("report-finalise", args=[cls.report.pk])

    def reload(self) -> Report:
        return Report.objects.get(pk=self.report.pk)

    def test_anonymous_is_sent_to_sign_in(self):
        for method in (self.client.get, self.client.post):
            response = method(self.url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/sign-in/", response["Location"])
        self.assertFalse(self.reload().is_final)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_get_shows_the_confirmation_with_the_empty_sections(self):
        sections = list(self.report.sections.order_by("order", "id"))
        written, *empty = sections
        written.body = "The council has made progress."
        written.save()
        blank = empty[0]
        blank.body = "   \n\n  "  # renders as nothing: the PDF says "No narrative"
        blank.save()
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Finalise the report")
        self.assertContains(response, "January 2019 cycle's snapshot (a closed cycle)")
        self.assertContains(response, "publishes the public PDF")
        self.assertEqual(list(response.context["empty_sections"]), empty)
        for section in empty:
            self.assertContains(
                response, reverse("report-section-edit", args=[self.report.pk, section.pk])
            )
        self.assertNotContains(
            response, reverse("report-section-edit", args=[self.report.pk, written.pk])
        )
        self.assertContains(response, "No narrative has been written for this section")
        self.assertContains(response, BUTTON, count=1)
        self.assertNotContains(response, 'id="live-data"')
        self.assertFalse(self.reload().is_final)
        self.assertFalse(ReportVersion.objects.exists())

    def test_get_says_when_every_section_is_written(self):
        self.report.sections.update(body="Written.")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.context["empty_sections"], [])
        self.assertContains(response, "Every section has its narrative.")

    def test_a_report_on_live_data_says_so_and_has_no_button(self):
        live = make_report(self.sam, title="Live letter")
        self.client.force_login(self.sam)
        response = self.client.get(reverse("report-finalise", args=[live.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="live-data"')
        self.assertContains(response, "reads live data, not a closed cycle")
        self.assertContains(response, reverse("report-edit", args=[live.pk]))
        self.assertNotContains(response, BUTTON)

    def test_finalise(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, follow=True)
        report = self.reload()
        self.assertTrue(report.is_final)
        self.assertEqual(report.finalised_by, self.sam)
        self.assertEqual(report.history.order_by("-history_id").first().history_user, self.sam)
        internal = ReportVersion.objects.get(public=False)
        self.assertFalse(internal.draft)
        self.assertEqual(ReportVersion.objects.filter(draft=False).count(), 2)
        self.assertRedirects(response, reverse("report-version", args=[report.pk, internal.pk]))
        self.assertContains(response, "is final. Version 1, internal and public, is being")
        self.assertContains(response, "once it is ready")

    def test_a_report_on_live_data_is_not_finalised(self):
        live = make_report(self.sam, title="Live letter")
        self.client.force_login(self.sam)
        response = self.client.post(reverse("report-finalise", args=[live.pk]), follow=True)
        self.assertContains(response, "The report has not been finalised")
        self.assertFalse(Report.objects.get(pk=live.pk).is_final)
        self.assertFalse(ReportVersion.objects.exists())

    def test_a_final_report_is_not_finalised_again(self):
        self.client.force_login(self.sam)
        self.client.post(self.url)
        for method in (self.client.get, self.client.post):
            response = method(self.url, follow=True)
            self.assertRedirects(response, self.report.get_absolute_url())
            self.assertContains(response, "is already final: nothing was changed")
        self.assertEqual(ReportVersion.objects.count(), 2)

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(self.reload().is_final)
        self.assertFalse(ReportVersion.objects.exists())

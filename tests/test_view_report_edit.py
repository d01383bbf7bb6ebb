"""Editing a report's particulars (/reports/<pk>/edit/): title, data, and a letter's
reference, date, addressee, salutation, subject and signatory."""

from django.urls import reverse

from plans.services import version_of
from reports import services
from reports.models import Report
from tests.base import RolesTestCase
from tests.factories import make_person, make_report, make_report_snapshot


class ReportEditTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(cls.sam)
        cls.url = reverse("report-edit", args=[cls.report.pk])
        cls.chair = make_person(name="John Crabtree", title="Chair")
        cls.snapshot = make_report_snapshot()

    def data(self, **changes) -> dict:
        fields = {
            "seen_version": version_of(self.report),
            "title": "Letter, February 2019",
            "snapshot": self.snapshot.pk,
            "dated": "05/02/2019",
            "reference": "BIIP/2019/02",
            "addressee": "The Rt Hon James Brokenshire MP\n2 Marsham Street",
            "salutation": "Dear Secretary of State",
            "subject": "Birmingham City Council: progress",
            "signatory": self.chair.pk,
        }
        return {**fields, **changes}

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_put_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_the_form_shows_the_letters_particulars(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, 'name="addressee"')
        self.assertContains(response, 'name="signatory"')
        self.assertContains(response, f'name="seen_version" value="{version_of(self.report)}"')

    def test_save_the_particulars(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, reverse("report", args=[self.report.pk]))
        report = Report.objects.get(pk=self.report.pk)
        self.assertEqual(report.reference, "BIIP/2019/02")
        self.assertEqual(str(report.dated), "2019-02-05")
        self.assertEqual(report.signatory, self.chair)
        self.assertEqual(report.snapshot, self.snapshot)
        self.assertEqual(report.history.first().history_user, self.sam)

    def test_a_change_saved_by_someone_else_is_shown(self):
        self.client.force_login(self.sam)
        data = self.data()
        services.update_report(user=self.alex, report=self.report, title="Alex's title")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertEqual(Report.objects.get(pk=self.report.pk).title, "Alex's title")

    def test_a_final_report_is_not_changed(self):
        report = make_report(self.sam, snapshot=self.snapshot)
        services.finalise_report(user=self.sam, report=report)
        self.client.force_login(self.sam)
        url = reverse("report-edit", args=[report.pk])
        response = self.client.post(url, {**self.data(), "seen_version": version_of(report)})
        self.assertContains(response, "The report is final")
        self.assertEqual(Report.objects.get(pk=report.pk).title, report.title)

    def test_other_kinds_have_no_letter_particulars(self):
        pack = make_report(self.sam, kind="pack", title="Pack")
        self.client.force_login(self.sam)
        response = self.client.get(reverse("report-edit", args=[pack.pk]))
        self.assertNotContains(response, 'name="addressee"')

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertNotEqual(Report.objects.get(pk=self.report.pk).reference, "BIIP/2019/02")

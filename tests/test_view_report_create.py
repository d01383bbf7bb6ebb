"""Creating a report (/reports/new/): kind, plan, data (a snapshot or live) and title;
the secretariat and administrators only."""

from django.urls import reverse

from reports.models import Report
from tests.base import RolesTestCase
from tests.factories import make_plan, make_report_snapshot

CREATE = reverse("report-create")


class ReportCreateTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(short_name="IP19")
        cls.snapshot = make_report_snapshot()

    def data(self, **changes) -> dict:
        fields = {
            "kind": "stocktake",
            "plan": self.plan.pk,
            "snapshot": self.snapshot.pk,
            "title": "Improvement stock-take, January 2019",
        }
        return {**fields, **changes}

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(CREATE)
        self.assertRedirects(response, f"/sign-in/?next={CREATE}", fetch_redirect_response=False)

    def test_put_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(CREATE).status_code, 405)

    def test_the_form_takes_the_snapshot_from_the_address(self):
        self.client.force_login(self.sam)
        response = self.client.get(CREATE, {"snapshot": self.snapshot.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'<option value="{self.snapshot.pk}" selected>')
        self.assertContains(response, "Live data")

    def test_create_a_report_with_its_sections(self):
        self.client.force_login(self.sam)
        response = self.client.post(CREATE, self.data())
        report = Report.objects.get()
        self.assertRedirects(response, reverse("report", args=[report.pk]))
        self.assertEqual(report.kind, "stocktake")
        self.assertEqual(report.snapshot, self.snapshot)
        self.assertEqual(report.created_by, self.sam)
        self.assertTrue(report.sections.filter(key="summary").exists() or report.sections.exists())

    def test_live_data_for_a_draft(self):
        self.client.force_login(self.alex)
        self.client.post(CREATE, self.data(snapshot="", kind="letter"))
        self.assertIsNone(Report.objects.get().snapshot)

    def test_missing_answers_are_shown_beside_their_fields(self):
        self.client.force_login(self.sam)
        response = self.client.post(CREATE, self.data(title="", kind=""))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter the report&#x27;s title")
        self.assertContains(response, "Choose the kind of report")
        self.assertFalse(Report.objects.exists())

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(CREATE).status_code, 403)
                self.assertEqual(self.client.post(CREATE, self.data()).status_code, 403)
        self.assertFalse(Report.objects.exists())

"""The reports list (/reports/): every report with its kind, plan, data, status and
latest version, for every signed-in role; the create button for the secretariat."""

from django.urls import reverse

from reports import services
from tests.base import RolesTestCase
from tests.factories import make_plan, make_report, make_report_snapshot

REPORTS = reverse("reports")


class ReportListTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(short_name="IP19")
        cls.letter = make_report(cls.sam, plan=cls.plan, title="Letter, February 2019")
        cls.pack = make_report(
            cls.sam,
            plan=cls.plan,
            kind="pack",
            title="Monthly pack, January 2019",
            snapshot=make_report_snapshot(),
        )
        services.request_versions(user=cls.sam, report=cls.letter)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(REPORTS)
        self.assertRedirects(response, f"/sign-in/?next={REPORTS}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(REPORTS).status_code, 405)

    def test_every_role_reads_the_list(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(REPORTS)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["reports"]), [self.pack, self.letter])
                self.assertContains(response, "Letter, February 2019")
                self.assertContains(response, "Monthly report pack")
                self.assertContains(response, "The January 2019 cycle")
                self.assertContains(response, "Live data")
                self.assertContains(response, "Version 1: Waiting to start")

    def test_only_the_secretariat_and_administrators_see_create(self):
        create = reverse("report-create")
        for user, shown in (
            (self.sam, True),
            (self.alex, True),
            (self.pat, False),
            (self.olivia, False),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(REPORTS)
                (self.assertContains if shown else self.assertNotContains)(response, create)

    def test_queries_do_not_grow_with_reports(self):
        self.client.force_login(self.pat)
        self.client.get(REPORTS)
        with self.assertNumQueries(4) as first:
            self.client.get(REPORTS)
        for n in range(3):
            make_report(self.sam, plan=self.plan, title=f"Another {n}")
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(REPORTS)

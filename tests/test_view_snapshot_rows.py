"""The rows behind a snapshot page's figures: /snapshots/<pk>/actions/ (?plan=, ?rag=) and
/snapshots/<pk>/risks/ (?band=, ?past_tolerance=1). Every signed-in role reads them; each
lists exactly the rows its figure counts, as frozen, whatever has changed since."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from biip.models import RAG
from plans.models import Risk
from reports.snapshots import close_cycle
from tests.base import RolesTestCase
from tests.factories import make_action, make_cycle, make_plan, make_risk


class SnapshotRowsCase(RolesTestCase):
    """February's snapshot: IP-01 red and IP-02 green in one plan, OT-01 green in another;
    SR-01 4 x 4 (tolerance 12: above), SR-02 2 x 2, SR-03 closed at 5 x 5. Since then
    IP-01 went green."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True, title="Improvement Plan 2019-20")
        cls.other = make_plan(title="Improvement Plan 2015")
        cls.one = make_action(plan=cls.plan, reference="IP-01", rag=RAG.RED)
        make_action(plan=cls.plan, reference="IP-02", rag=RAG.GREEN)
        make_action(plan=cls.other, reference="OT-01", rag=RAG.GREEN)
        make_risk(reference="SR-01", residual_likelihood=4, residual_impact=4, tolerance=12)
        make_risk(reference="SR-02", residual_likelihood=2, residual_impact=2, tolerance=12)
        make_risk(
            reference="SR-03",
            residual_likelihood=5,
            residual_impact=5,
            tolerance=12,
            status=Risk.Status.CLOSED,
        )
        cls.snapshot = close_cycle(cycle=make_cycle(datetime.date(2019, 2, 1)), user=cls.sam)
        cls.one.rag = RAG.GREEN
        cls.one.save()
        cls.actions = reverse("snapshot-actions", args=[cls.snapshot.pk])
        cls.risks = reverse("snapshot-risks", args=[cls.snapshot.pk])

    def references(self, url, user=None):
        self.client.force_login(user or self.pat)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return [row.reference for row in response.context["rows"]]


class SnapshotRowsAccess(SnapshotRowsCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for url in (self.actions, self.risks):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(
                    response, f"/sign-in/?next={url}", fetch_redirect_response=False
                )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        for url in (self.actions, self.risks):
            self.assertEqual(self.client.post(url).status_code, 405)

    def test_every_role_reads(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            for url, rows in ((self.actions, 3), (self.risks, 2)):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(len(self.references(url, user)), rows)

    def test_an_unknown_snapshot_is_not_found(self):
        self.client.force_login(self.pat)
        url = reverse("snapshot-actions", args=[self.snapshot.pk + 100])
        self.assertEqual(self.client.get(url).status_code, 404)


class SnapshotActions(SnapshotRowsCase):
    def test_the_rows_as_frozen_by_plan_and_rag(self):
        url = f"{self.actions}?plan={self.plan.pk}&rag=red"
        self.assertEqual(self.references(url), ["IP-01"])
        self.assertContains(self.client.get(url), 'id="results-count">1 action</h2>')
        self.assertEqual(self.references(f"{self.actions}?plan={self.plan.pk}"), ["IP-01", "IP-02"])
        self.assertEqual(self.references(f"{self.actions}?rag=green"), ["IP-02", "OT-01"])

    def test_bad_parameters_filter_nothing_and_never_fail(self):
        for query in ("plan=x", "plan=99999999999999999999", "rag=purple", "plan=-1"):
            with self.subTest(query=query):
                self.assertEqual(len(self.references(f"{self.actions}?{query}")), 3)

    def test_the_page_figures_link_to_these_rows(self):
        self.client.force_login(self.pat)
        page = self.client.get(self.snapshot.get_absolute_url())
        [plan] = [row for row in page.context["plans"] if row.plan == self.plan.title]
        red = dict(plan.counts)["red"]
        self.assertEqual((red.count, red.url), (1, f"{self.actions}?plan={self.plan.pk}&rag=red"))
        self.assertContains(page, f'href="{self.actions}?plan={self.plan.pk}&amp;rag=red"')

    def test_the_queries_do_not_grow_with_the_rows(self):
        self.client.force_login(self.pat)
        with CaptureQueriesContext(connection) as few:
            self.client.get(self.actions)
        for n in range(5):
            make_action(plan=self.plan, reference=f"IP-1{n}")
        close_cycle(cycle=make_cycle(datetime.date(2019, 3, 1)), user=self.sam)
        latest = reverse("snapshot-actions", args=[self.snapshot.pk + 1])
        with CaptureQueriesContext(connection) as more:
            self.client.get(latest)
        self.assertEqual(len(few), len(more))


class SnapshotRisks(SnapshotRowsCase):
    def test_open_risks_by_band_and_above_tolerance(self):
        self.assertEqual(self.references(f"{self.risks}?band=high"), ["SR-01"])
        self.assertEqual(self.references(f"{self.risks}?band=very_high"), [])
        self.assertEqual(self.references(f"{self.risks}?past_tolerance=1"), ["SR-01"])
        self.assertEqual(self.references(f"{self.risks}?band=nonsense"), ["SR-01", "SR-02"])

    def test_the_page_says_how_many_and_links_to_them(self):
        self.client.force_login(self.pat)
        page = self.client.get(self.snapshot.get_absolute_url())
        self.assertEqual(page.context["past_tolerance"].count, 1)
        self.assertContains(page, f'<a class="govuk-link" href="{self.risks}?past_tolerance=1">')
        high = [row for row in page.context["bands"] if row.band == "high"][0]
        self.assertEqual((high.count, high.url), (1, f"{self.risks}?band=high"))

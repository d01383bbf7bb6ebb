"""A snapshot's page, /snapshots/<pk>/ (its counts, what changed since the month before,
links to make a report from it), and the list, /snapshots/. Every signed-in role reads."""

import datetime
import re

from django.urls import reverse

from biip.models import RAG
from reports.snapshots import close_cycle
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_cycle,
    make_indicator,
    make_indicator_value,
    make_plan,
    make_report,
    make_risk,
)

JANUARY = datetime.date(2019, 1, 1)
FEBRUARY = datetime.date(2019, 2, 1)


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class SnapshotPageCase(RolesTestCase):
    """January: IP-01 amber, IP-02 green, IP-03 green; SR-01 3 x 4. February: IP-01 red,
    IP-02 slipped to 30 June 2020, IP-03 blue, IP-04 new; SR-01 4 x 4, SR-02 new."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True, title="Improvement Plan 2019-20")
        cls.one = make_action(plan=cls.plan, reference="IP-01", rag=RAG.AMBER, title="Budget")
        cls.two = make_action(plan=cls.plan, reference="IP-02", title="Workforce")
        cls.three = make_action(plan=cls.plan, reference="IP-03", title="Scrutiny")
        cls.risk = make_risk(reference="SR-01", title="Overspend")
        indicator = make_indicator(code="FIN-01", name="Forecast overspend")
        make_indicator_value(indicator, period=JANUARY, value="28.0", label="M9 2018-19")
        cls.january = close_cycle(cycle=make_cycle(JANUARY), user=cls.sam)
        cls.one.rag = RAG.RED
        cls.one.save()
        cls.two.revised_due_date = datetime.date(2020, 6, 30)
        cls.two.save()
        cls.three.rag, cls.three.completed_on = RAG.BLUE, datetime.date(2019, 2, 14)
        cls.three.save()
        make_action(plan=cls.plan, reference="IP-04", title="Housing")
        cls.risk.residual_likelihood = 4
        cls.risk.save()
        make_risk(reference="SR-02", title="Capacity", residual_likelihood=5, residual_impact=4)
        make_indicator_value(indicator, period=FEBRUARY, value="20.5", label="M10 2018-19")
        cls.february = close_cycle(cycle=make_cycle(FEBRUARY), user=cls.alex)
        cls.url = reverse("snapshot", args=[cls.february.pk])


class SnapshotAccess(SnapshotPageCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for url in (self.url, reverse("snapshots")):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(
                    response, f"/sign-in/?next={url}", fetch_redirect_response=False
                )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)
        self.assertEqual(self.client.post(reverse("snapshots")).status_code, 405)

    def test_every_role_reads(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)
                self.assertEqual(self.client.get(reverse("snapshots")).status_code, 200)

    def test_an_unknown_snapshot_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("snapshot", args=[999])).status_code, 404)


class SnapshotLinks(SnapshotPageCase):
    """No link on the snapshot pages leads a role to a page that refuses it: the update
    cycle page only for those who may see it, creating a report only for those who may."""

    def links(self, response) -> set[str]:
        hrefs = set(re.findall(r'href="(/[^"#]*)"', response.content.decode()))
        return {href.replace("&amp;", "&") for href in hrefs if not href.startswith("/static/")}

    def test_no_link_is_refused_for_any_role(self):
        make_report(self.sam, plan=self.plan, snapshot=self.february, title="Stock-take")
        pages = (reverse("snapshots"), self.url)
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            self.client.force_login(user)
            links = set().union(*(self.links(self.client.get(page)) for page in pages))
            self.assertIn(reverse("snapshot-actions", args=[self.february.pk]), links)
            for link in sorted(links):
                with self.subTest(user=user.username, link=link):
                    self.assertNotIn(self.client.get(link).status_code, (403, 404, 405, 500))

    def test_the_cycle_and_report_links_by_role(self):
        create = f'href="{reverse("report-create")}?snapshot={self.february.pk}"'
        cycle = f'href="{reverse("cycle-status")}"'
        for user, sees_cycle, creates in (
            (self.olivia, False, False),
            (self.pat, True, False),
            (self.sam, True, True),
            (self.alex, True, True),
        ):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                listing = self.client.get(reverse("snapshots"))
                self.assertContains(listing, "update cycle page")
                self.assertEqual(cycle in listing.content.decode(), sees_cycle)
                detail = self.client.get(self.url)
                self.assertEqual(create in detail.content.decode(), creates)
                self.assertEqual('id="create-report"' in detail.content.decode(), creates)


class SnapshotShows(SnapshotPageCase):
    def test_the_counts(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(
            response, '<h1 class="govuk-heading-l">Snapshot of the February 2019 cycle</h1>'
        )
        page = text(response)
        self.assertRegex(page, r"Closed on \d+ \w+ \d{4} by Alex Example")
        # Red, amber, green, blue, not yet rated, total.
        self.assertEqual(
            [(rag, figure.count) for rag, figure in response.context["plans"][0].counts],
            [("red", 1), ("amber", 0), ("green", 2), ("blue", 1), ("not_rated", 0)],
        )
        self.assertEqual(response.context["plans"][0].total.count, 4)
        self.assertIn("Very high 1 very high High 1 high Medium 0 medium Low 0 low", page)
        self.assertIn("2 open risks above tolerance.", page)
        self.assertIn("FIN-01 Forecast overspend M10 2018-19 £20.5m None set", page)

    def test_what_changed_since_the_month_before(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        page = text(response)
        self.assertIn("What changed since January 2019", page)
        self.assertIn("IP-01 Budget Amber Red Worse", page)
        self.assertIn("IP-03 Scrutiny Green Blue Better", page)
        self.assertIn(
            "IP-02 Workforce Due 31 December 2019, now 30 June 2020 (182 days later)", page
        )
        self.assertIn("IP-04 Housing", page)
        self.assertIn("IP-03 Scrutiny: Completed on 14 February 2019", page)
        self.assertIn("SR-01 Overspend Up from 12 (High) to 16 (High)", page)
        self.assertIn("SR-02 Capacity New: 20 (Very high)", page)

    def test_the_first_snapshot_has_nothing_to_compare_with(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("snapshot", args=[self.january.pk]))
        self.assertContains(response, "This is the first snapshot")
        self.assertIsNone(response.context["changes"])

    def test_links_to_make_a_report_and_the_reports_made(self):
        report = make_report(self.sam, plan=self.plan, snapshot=self.february, title="Stock-take")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(
            response, f'href="{reverse("report-create")}?snapshot={self.february.pk}"'
        )
        self.assertContains(response, f'href="{report.get_absolute_url()}">Stock-take</a>')

    def test_the_list_of_snapshots_latest_first(self):
        self.client.force_login(self.oscar)
        response = self.client.get(reverse("snapshots"))
        page = text(response)
        self.assertRegex(
            page, r"February 2019 snapshot .* Alex Example 4 actions in the February 2019 snapshot"
        )
        self.assertRegex(page, r"February 2019 snapshot .* January 2019 snapshot")
        self.assertContains(response, f'href="{self.url}"')

    def test_the_queries_do_not_grow_with_the_rows(self):
        # Session, user, groups; the snapshot with its cycle and who closed it; its rows
        # (actions with plans and themes, risks, indicators, meeting actions,
        # recommendations); the previous snapshot and its rows; the reports made from it.
        self.client.force_login(self.sam)
        with self.assertNumQueries(16):
            self.client.get(self.url)
        for n in range(30):
            make_action(plan=self.plan, reference=f"IP-1{n:02}")
            make_risk(reference=f"SR-1{n:02}")
        march = close_cycle(cycle=make_cycle(datetime.date(2019, 3, 1)), user=self.sam)
        with self.assertNumQueries(16):
            response = self.client.get(reverse("snapshot", args=[march.pk]))
        self.assertEqual(len(response.context["changes"].new_actions), 30)
        with self.assertNumQueries(4):
            self.client.get(reverse("snapshots"))

"""Page numbers and ids from a request are bounded: a page that does not exist is the
first or the last, an id too large for the database is not found, never a 500.

`GET /changes/?page=99999999999999999999999` was a 500: the change log turned the page
into an SQL OFFSET too large for the database (SQLite's OverflowError, PostgreSQL's
"bigint out of range"). Every list page now reads its page number through
biip.listing.page_number. Run on SQLite and on PostgreSQL."""

from unittest import mock

from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from biip.listing import page_number
from plans.views import changes
from plans.views.changes import MAX_PAGES, PAGE_SIZE
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan

HUGE = "99999999999999999999999"


class PageNumber(SimpleTestCase):
    def page(self, query: str, last: int = 5) -> int:
        return page_number(RequestFactory().get("/", QUERY_STRING=query), last=last)

    def test_a_page_that_exists_is_that_page(self):
        self.assertEqual(self.page("page=3"), 3)

    def test_none_or_not_a_whole_number_is_the_first(self):
        for query in ("", "page=", "page=two", "page=1.5", "page=%00", "page=" + "9" * 5000):
            with self.subTest(query=query[:20]):
                self.assertEqual(self.page(query), 1)

    def test_below_one_is_the_first(self):
        for query in ("page=0", "page=-1", f"page=-{HUGE}"):
            with self.subTest(query=query):
                self.assertEqual(self.page(query), 1)

    def test_past_the_end_however_far_is_the_last(self):
        for query in ("page=6", f"page={HUGE}", "page=last"):
            with self.subTest(query=query):
                self.assertEqual(self.page(query), 5)

    def test_a_list_with_no_pages_has_page_one(self):
        self.assertEqual(self.page(f"page={HUGE}", last=0), 1)


class ListPagesBoundTheirPage(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan(is_current=True)
        for n in range(60):
            make_action(plan=plan, reference=f"IP-{n:02}")

    def test_the_change_log_far_past_its_end(self):
        """Was a 500; now the page asked for is capped at MAX_PAGES (here it has no
        changes, and says so)."""
        self.client.force_login(self.sam)
        response = self.client.get(reverse("changes"), {"page": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"], MAX_PAGES)
        self.assertContains(response, "No changes match.")

    def test_the_change_log_sends_older_changes_to_the_dates_at_its_last_page(self):
        self.client.force_login(self.sam)
        with mock.patch.object(changes, "MAX_PAGES", 1):
            response = self.client.get(reverse("changes"), {"page": "2"})
        self.assertEqual(response.context["page"], 1)
        self.assertEqual(len(response.context["entries"]), PAGE_SIZE)
        self.assertContains(response, "These pages list the newest 50 changes that match")
        self.assertNotContains(response, "Older changes")

    def test_the_change_log_pages_on_below_its_last_page(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("changes"), {"page": "1"})
        self.assertContains(response, "Older changes")
        self.assertNotContains(response, "These pages list the newest")

    def test_a_table_list_past_its_end_shows_its_last_page(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("actions"), {"page": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].page.number, 3)
        self.assertContains(response, "Actions 51 to 60 of 60")

    def test_a_table_list_below_its_start_shows_its_first_page(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("actions"), {"page": f"-{HUGE}"})
        self.assertContains(response, "Actions 1 to 25 of 60")

    def test_the_challenges_past_their_end(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("challenges"), {"page": HUGE})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["page"].number, 1)


class IdsTooLargeForTheDatabase(RolesTestCase):
    """An id in the address (`<int:pk>`) too large for the database's key is not found."""

    def test_an_action_report_meeting_and_risk_with_a_huge_id_are_not_found(self):
        self.client.force_login(self.sam)
        for name in ("action", "action-edit", "risk", "meeting", "report", "plan"):
            with self.subTest(url=name):
                response = self.client.get(reverse(name, args=[int(HUGE)]))
                self.assertEqual(response.status_code, 404)

    def test_a_huge_id_in_a_filter_is_refused_beside_the_filter(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("actions"), {"plan": HUGE, "lead_officer": HUGE})
        self.assertEqual(response.status_code, 200)

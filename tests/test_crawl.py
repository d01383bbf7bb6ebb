"""Every page as every role, and hostile query strings on every list page: never a 5xx.

The crawl starts at the home page as each role (anonymous, then each named user of
tests.base) and follows every same-site link and redirect (GET only) over one of
everything a URL can point at (tests.test_permission_matrix.make_matrix_objects),
asserting that no answer is 5xx. It is bounded: at most QUERIES_PER_PATH distinct query
strings of one path (sorting and filter links multiply), at most MAX_PAGES pages a role.
The minutes PDFs, made while the user waits (WeasyPrint, seconds each), are not fetched
(tests/test_view_minutes_pdf.py fetches them); signing out is a POST. Of Django's own
admin only the index, the apps' and the models' lists are fetched, unfiltered (each
record's admin pages are Django's, and would be most of the crawl).

The fuzzing sends query strings drawn by hypothesis (filter and paging names and names
of its own; text, huge and negative numbers, unicode, NUL, broken percent-encoding,
repeated keys) to every list page, as a role that may read it: every answer is one of
ANSWERS. Run on SQLite and on PostgreSQL: the two refuse out-of-range numbers and NUL
differently.
"""

import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import quote, urljoin, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from tests.base import MediaRolesTestCase
from tests.test_fuzz_forms import ANSWERS, HOSTILE, ODD_DATES, ODD_NUMBERS
from tests.test_permission_matrix import make_matrix_objects

MAX_PAGES = 400
QUERIES_PER_PATH = 2
NOT_FETCHED = {"minutes-pdf", "public-minutes-pdf", "sign-out"}
ADMIN_LISTS = re.compile(r"^/admin/(\w+/(\w+/)?)?$")
ROLES = ("anonymous", "olivia", "oscar", "pat", "sam", "alex")
# Pages each role's crawl must reach, so that a crawl stopped early cannot pass.
MUST_REACH = {
    "anonymous": {"sign-in", "public-meetings", "public-meeting", "public-minutes-document"},
    "olivia": {"home", "actions", "action", "action-update", "risks", "meetings", "my-actions"},
    "oscar": {"home", "actions", "action", "risks", "meetings"},
    "pat": {"home", "actions", "challenges", "update-assurance", "reports", "action-log"},
    "sam": {"home", "actions", "changes", "meetings", "meeting", "reports", "report", "snapshots"},
    "alex": {"home", "actions", "changes", "admin:index", "risks", "action-log"},
}


class Links(HTMLParser):
    """The addresses of a page's links (`a href`)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def links_of(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    parser = Links()
    parser.feed(response.content.decode(errors="replace"))
    return parser.found


def url_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client) -> dict[str, int]:
    """Each address reached from the home page with its status code."""
    queue = deque(["/"])
    queued = {"/"}
    per_path: Counter = Counter()
    statuses: dict[str, int] = {}
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        statuses[url] = response.status_code
        found = [response["Location"]] if response.status_code in (301, 302) else []
        for href in found + links_of(response):
            parts = urlsplit(urljoin("http://testserver" + url, href))
            if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
                continue
            if parts.path.startswith("/static/") or url_name(parts.path) in NOT_FETCHED:
                continue
            if parts.path.startswith("/admin/") and (
                parts.query or not ADMIN_LISTS.match(parts.path)
            ):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link in queued or per_path[parts.path] >= QUERIES_PER_PATH:
                continue
            per_path[parts.path] += 1
            queued.add(link)
            queue.append(link)
    return statuses


class EveryPageAsEveryRole(MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_matrix_objects(cls)

    def client_for(self, role: str) -> Client:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            client.force_login(getattr(self, role))
        return client

    def test_no_page_reachable_by_any_role_is_a_server_error(self):
        for role in ROLES:
            with self.subTest(role=role):
                statuses = self.crawl_as(role)
                failures = {url: code for url, code in statuses.items() if code >= 500}
                self.assertEqual(failures, {}, f"5xx answers crawling as {role}")
                reached = {url_name(urlsplit(url).path) for url in statuses}
                self.assertLessEqual(MUST_REACH[role], reached, f"{role} reached too little")

    def crawl_as(self, role: str) -> dict[str, int]:
        return crawl(self.client_for(role))


# -- Hostile query strings on the list pages -------------------------------------------

# Who reads each list page (a role it is not refused to, so the query reaches the view).
LIST_PAGES = {
    "actions": "sam",
    "my-actions": "olivia",
    "risks": "sam",
    "risk-heat-map": "pat",
    "risk-movement": "pat",
    "changes": "sam",
    "deleted-actions": "alex",
    "meetings": "sam",
    "challenges": "pat",
    "action-log": "sam",
    "reports": "sam",
    "snapshots": "sam",
    "audit": "sam",
    "recommendations": "pat",
    "coverage": "pat",
    "indicators": "olivia",
    "advisers": "sam",
    "plans": "sam",
    "themes": "sam",
    "cycle-status": "pat",
    "home": "pat",
    "public-meetings": "anonymous",
    "public-meetings-feed": "anonymous",
    "public-reports": "anonymous",
}
KEYS = [
    "page", "sort", "q", "plan", "theme", "directorate", "lead_officer", "rag", "status",
    "needs_update", "category", "level", "owner", "meeting", "kind", "year", "user", "model",
    "since", "until", "start", "end", "as_at", "version", "_export", "per_page", "period",
]  # fmt: skip
HUGE = [
    "99999999999999999999999",
    "-99999999999999999999999",
    "9" * 5000,
    "1" + "0" * 400,
    "-1",
    "0",
    "last",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
values = st.one_of(
    text,
    st.sampled_from(HOSTILE[:-3] + HUGE + ODD_DATES + ODD_NUMBERS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), text), values), min_size=1, max_size=6)
raw_tails = st.sampled_from(["", "&", "&&page", "&page=%ff%fe", "&%", "&sort=%00", "&=x", "&a=b=c"])
QUERY_FUZZ = settings(
    max_examples=100,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def query_string(chosen: list[tuple[str, str]], tail: str) -> str:
    """The pairs percent-encoded (so any text, and repeated keys, get through), then a
    raw tail that is not."""
    encoded = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in chosen)
    return encoded + tail


class HostileQueryStrings(HypothesisTestCase, MediaRolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_matrix_objects(cls)

    @QUERY_FUZZ
    @given(st.sampled_from(sorted(LIST_PAGES)), pairs, raw_tails)
    def test_list_pages_answer_any_query_string_without_a_server_error(self, name, chosen, tail):
        role = LIST_PAGES[name]
        if role == "anonymous":
            self.client.logout()
        else:
            self.client.force_login(getattr(self, role))
        query = query_string(chosen, tail)
        response = self.client.get(reverse(name), QUERY_STRING=query)
        if response.streaming:
            b"".join(response.streaming_content)
        self.assertIn(response.status_code, ANSWERS, f"{name}?{query[:300]}")

    def test_every_list_page_is_read_by_its_role(self):
        """The roles above reach the views (so the fuzzing is not answered by refusals)."""
        for name, role in LIST_PAGES.items():
            with self.subTest(page=name):
                if role == "anonymous":
                    self.client.logout()
                else:
                    self.client.force_login(getattr(self, role))
                self.assertEqual(self.client.get(reverse(name)).status_code, 200)

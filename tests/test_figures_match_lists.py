"""Every number links to a list of exactly that many rows (issue 18, found 10).

On the demo data (with January 2019 closed by the secretariat, as the README invites, and
a challenge on the demo officer's own action), for the officer, the panel member and the
secretariat: every figure on the home page (today and as at a past day), the cycle page,
the snapshot list and the latest snapshot's page that is a link is followed as the same
user, and the rows of the list it opens are counted, across every page of it; the list's
own total ("25 actions", "Open (3)") must say the same. Figures in the numeric cells of
these pages' tables and in the headlines must be links (the only exception: the challenge
headlines of a dashboard as at a past day, since the challenge list shows challenges as
they stand now; they are shown as plain text)."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.urls import reverse

from biip.demo import load_demo
from plans import services
from plans.models import Cycle, ImprovementPlan
from reports.models import Snapshot
from reports.snapshots import close_cycle

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
NUMBER = re.compile(rf"^\s*(\d[\d,]*)(?!\d*\s*({MONTHS}))\b")
LISTS = re.compile(r"^/(actions|challenges)/$|^/snapshots/\d+/(actions|risks)/$")
MAX_PAGES = 60


class Figures(HTMLParser):
    """The links whose text starts with a number (href, number), and every numeric table
    cell or headline number that holds no link (its text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, int]] = []
        self.unlinked: list[str] = []
        self.href: str | None = None
        self.text: list[str] = []
        self.figure: list[str] | None = None  # the text of a numeric cell or headline
        self.figure_linked = False
        self.depth = 0
        self.skip_table = 0  # inside a table of values (indicators), not of counts

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table" and attrs.get("id") == "indicator-values":
            self.skip_table += 1
        if tag == "a":
            self.href, self.text = attrs.get("href") or "", []
            if self.figure is not None:
                self.figure_linked = True
        numeric = tag == "td" and "govuk-table__cell--numeric" in classes
        headline = tag in ("p", "li") and "app-headline__link" in classes
        if self.figure is None and not self.skip_table and (numeric or headline):
            self.figure, self.figure_linked, self.depth = [], False, 0
        if self.figure is not None and tag not in ("br", "img", "input"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "table" and self.skip_table:
            self.skip_table -= 1
        if tag == "a" and self.href is not None:
            found = NUMBER.match("".join(self.text))
            if found and self.href:
                self.links.append((html.unescape(self.href), int(found.group(1).replace(",", ""))))
            self.href = None
        if self.figure is not None:
            self.depth -= 1
            if self.depth == 0:
                text = " ".join("".join(self.figure).split())
                if not self.figure_linked and NUMBER.match(text):
                    self.unlinked.append(text)
                self.figure = None

    def handle_data(self, data):
        if self.href is not None:
            self.text.append(data)
        if self.figure is not None:
            self.figure.append(data)


def figures(content: str) -> Figures:
    parser = Figures()
    parser.feed(content)
    return parser


def with_page(url: str, page: int) -> str:
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query) if key != "page"]
    return f"{parts.path}?{urlencode([*query, ('page', page)])}"


TOTAL = re.compile(r'id="results-count"[^>]*>\s*([\d,]+)')
TAB = re.compile(r'aria-current="page"><strong>[^<(]*\((\d+)\)')


class FiguresMatchTheirLists(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.officer = get_user_model().objects.get(username="officer")
        cls.panel = get_user_model().objects.get(username="panel")
        cls.secretariat = get_user_model().objects.get(username="secretariat")
        january = Cycle.objects.get(period="2019-01-01")
        close_cycle(cycle=january, user=cls.secretariat)
        plan = ImprovementPlan.objects.current()
        theirs = plan.actions.filter(lead_officer__user=cls.officer).order_by("pk").first()
        services.raise_challenge(user=cls.panel, action=theirs, question="What is left?")

    def rows_of(self, url: str) -> tuple[int, int]:
        """(the list's own total, the rows counted over all its pages), once per user and
        link (the same list is linked from several figures)."""
        key = (self.client.session.get("_auth_user_id"), url)
        if key not in self.followed:
            self.followed[key] = self.follow(url)
        return self.followed[key]

    def follow(self, url: str) -> tuple[int, int]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        content = response.content.decode()
        total = TOTAL.search(content) or TAB.search(content)
        self.assertIsNotNone(total, f"{url} shows no total")
        total = int(total.group(1).replace(",", ""))
        counted, page = self.rows_on(response), 1
        while counted < total and page < MAX_PAGES:
            page += 1
            more = self.rows_on(self.client.get(with_page(url, page)))
            if not more:
                break
            counted += more
        return total, counted

    def rows_on(self, response) -> int:
        context = response.context
        if "table" in context and hasattr(context["table"], "page"):
            return len(list(context["table"].page.object_list))
        return len(context["rows"])

    def setUp(self):
        self.followed: dict[tuple, tuple[int, int]] = {}

    def check(self, user, url: str) -> int:
        """Follow every figure of the page; return how many were checked."""
        self.client.force_login(user)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        found = figures(response.content.decode())
        as_at = "as_at=" in url
        unlinked = [text for text in found.unlinked if not (as_at and "open challenge" in text)]
        self.assertEqual(unlinked, [], f"figures without a link on {url}")
        links = [(href, number) for href, number in found.links if LISTS.match(urlsplit(href).path)]
        for href, number in links:
            with self.subTest(user=user.username, page=url, figure=number, link=href):
                total, counted = self.rows_of(href)
                self.assertEqual((number, number), (total, counted))
        return len(links)

    def pages(self, user) -> list[str]:
        snapshot = Snapshot.objects.order_by("-cycle__period").first()
        pages = [reverse("home"), f"{reverse('home')}?as_at=2019-06-30", reverse("snapshots")]
        pages.append(snapshot.get_absolute_url())
        pages.append(Snapshot.objects.get(cycle__period="2019-01-01").get_absolute_url())
        if user != self.officer:
            pages.append(reverse("cycle-status"))
        return pages

    def test_the_officers_figures(self):
        self.client.force_login(self.officer)
        yours = self.client.get(reverse("home")).context["yours"]
        self.assertGreater(yours.open_challenges.count, 0)  # the planted challenge counts
        self.assertGreater(
            sum(self.check(self.officer, url) for url in self.pages(self.officer)), 100
        )

    def test_the_panels_figures(self):
        self.assertGreater(sum(self.check(self.panel, url) for url in self.pages(self.panel)), 100)

    def test_the_secretariats_figures(self):
        checked = sum(self.check(self.secretariat, url) for url in self.pages(self.secretariat))
        self.assertGreater(checked, 100)

    def test_the_parser_finds_an_unlinked_figure(self):
        """The check could fail: a numeric cell or headline without a link is found."""
        found = figures(
            '<table><tr><td class="govuk-table__cell govuk-table__cell--numeric">12</td>'
            '<td class="govuk-table__cell--numeric"><a href="/x?y=1">3<span> red</span></a>'
            '</td></tr></table><p class="app-headline__link">4 stale</p>'
        )
        self.assertEqual(found.unlinked, ["12", "4 stale"])
        self.assertEqual(found.links, [("/x?y=1", 3)])

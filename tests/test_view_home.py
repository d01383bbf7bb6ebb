"""The home dashboard: who you are; the current plan's headline counts, each linking to
the list behind it; claimed beside assured; plans and themes by RAG; the 12-month trend;
an officer's own actions first; the dashboard as at a past day; a fixed query count."""

import datetime
import re

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from biip.dashboard import RagCount, stacked_bar
from biip.models import RAG, RAG_ORDER, Role
from plans.models import (
    Action,
    AssuranceStatus,
    Challenge,
    Cycle,
    ImprovementPlan,
    ProgressUpdate,
)
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_theme, make_update

HOME = reverse("home")


# -- builders and readers for these tests ---------------------------------------------


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """Noon (or the hour) on a day, London time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def backdate(obj, when: datetime.datetime):
    """Date every history row of obj (so far: its creation) at `when`."""
    obj.history.all().update(history_date=when)
    return obj


def change(obj, when: datetime.datetime, **fields):
    """Save new field values with a history row dated `when`."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_date = when
    obj.save()
    del obj._history_date
    return obj


def challenge(action, user, **kwargs) -> Challenge:
    return Challenge.objects.create(action=action, question="Why?", raised_by=user, **kwargs)


def counts_in_table(content: str) -> dict[str, int]:
    """The number in each RAG row of the claimed-RAG table, by RAG value."""
    rows = re.findall(
        r'<tr class="govuk-table__row" id="rag-(\w+)">.*?govuk-table__cell--numeric">'
        r'<a class="govuk-link" href="[^"]*">([\d,]+)<',
        content,
        re.S,
    )
    return {rag: int(number.replace(",", "")) for rag, number in rows}


def headline(content: str, element_id: str) -> tuple[str, int]:
    """The link ("" for none) and the number of a headline count."""
    found = re.search(
        rf'id="{element_id}"(?: href="([^"]*)")?><span class="app-headline__number">([\d,]+)<',
        content,
    )
    assert found, f"no headline {element_id}"
    return (found[1] or "").replace("&amp;", "&"), int(found[2].replace(",", ""))


def row_links(content: str, row_id: str) -> list[tuple[str, int]]:
    """(link, number) of each linked number in a table row."""
    row = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', content, re.S)
    assert row, f"no row {row_id}"
    cells = re.findall(r'<a class="govuk-link" href="([^"]*)">([\d,]+)<', row[1])
    return [(href.replace("&amp;", "&"), int(number.replace(",", ""))) for href, number in cells]


def row_numbers(content: str, row_id: str) -> list[int]:
    return [number for _, number in row_links(content, row_id)]


# -- signing in and methods -----------------------------------------------------------


class HomeNeedsSignIn(RolesTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(HOME)
        self.assertRedirects(response, "/sign-in/?next=/", fetch_redirect_response=False)

    def test_anonymous_as_at_keeps_the_date_in_next(self):
        response = self.client.get(HOME, {"as_at": "2019-01-31"})
        self.assertRedirects(
            response, "/sign-in/?next=/%3Fas_at%3D2019-01-31", fetch_redirect_response=False
        )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(HOME).status_code, 405)
        self.assertEqual(self.client.put(HOME).status_code, 405)
        self.assertEqual(self.client.delete(HOME).status_code, 405)

    def test_head_is_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.head(HOME).status_code, 200)


class HomeShowsWhoYouAre(RolesTestCase):
    def test_each_role_sees_their_name_and_role(self):
        for role, user in self.users_by_role.items():
            with self.subTest(role=role):
                self.client.force_login(user)
                response = self.client.get(HOME)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, user.get_full_name())
                self.assertContains(response, f'<span id="your-role">{role.value}</span>')
                self.assertEqual(response.context["role"], role.value)

    def test_no_plan_is_said_plainly(self):
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertContains(response, "There is no improvement plan in the tracker yet.")
        self.assertNotContains(response, 'id="rag-counts"')

    def test_page_has_the_service_chrome(self):
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertContains(response, "<title>Home – Improvement Tracker</title>", html=True)
        self.assertContains(response, '<a href="#main-content" class="govuk-skip-link"')
        self.assertContains(response, '<main class="govuk-main-wrapper" id="main-content">')
        self.assertContains(response, 'action="/sign-out/"')
        self.assertNotContains(response, "GOV.UK")
        self.assertNotContains(response, "<script>")
        self.assertNotContains(response, " style=")


# -- the current plan by RAG ----------------------------------------------------------


class HomeCountsTheCurrentPlan(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20", is_current=True)
        cls.old_plan = make_plan(
            title="Improvement Plan 2015",
            period_start=datetime.date(2015, 4, 1),
            period_end=datetime.date(2016, 3, 31),
        )
        for rag, number in ((RAG.RED, 2), (RAG.AMBER, 1), (RAG.GREEN, 3)):
            for _ in range(number):
                make_action(plan=cls.plan, directorate=cls.finance, rag=rag)
        for rag in (RAG.RED, RAG.BLUE, RAG.BLUE, RAG.NOT_RATED):
            make_action(plan=cls.old_plan, directorate=cls.place, rag=rag)

    def test_counts_are_the_current_plans(self):
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        expected = {"red": 2, "amber": 1, "green": 3, "blue": 0, "not_rated": 0}
        self.assertEqual(
            {item.rag.value: item.count for item in response.context["rag_counts"]}, expected
        )
        self.assertEqual(counts_in_table(response.content.decode()), expected)
        self.assertEqual(response.context["total"], 6)
        self.assertContains(
            response,
            '<dd class="govuk-summary-list__value" id="total-actions"><a class="govuk-link" '
            f'href="/actions/?plan={self.plan.id}">6</a></dd>',
        )
        self.assertContains(response, "Improvement Plan 2019-20")
        self.assertContains(response, "Signed off by the panel")
        self.assertContains(response, "1 April 2019 to 31 March 2020")

    def test_rows_follow_the_rag_order_with_the_word(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertEqual(list(counts_in_table(content)), [rag.value for rag in RAG_ORDER])
        self.assertIn('<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>', content)

    def test_each_claimed_number_links_to_its_list(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertEqual(
            row_links(content, "rag-red"), [(f"/actions/?plan={self.plan.id}&rag=red", 2)]
        )
        self.assertIn(f'href="/actions/?plan={self.plan.id}">6<', content)

    def test_chart_is_labelled_and_matches_the_table(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertIn('role="img" aria-labelledby="rag-bar-title"', content)
        self.assertIn(
            '<title id="rag-bar-title">Actions by RAG: 2 red, 1 amber, 3 green, 0 blue, '
            "0 not yet rated</title>",
            content,
        )

    def test_plan_marked_current_wins_over_a_later_one(self):
        make_plan(
            title="Delivery Plan 2020-22",
            period_start=datetime.date(2020, 4, 1),
            period_end=datetime.date(2022, 3, 31),
        )
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertEqual(response.context["plan"], self.plan)

    def test_without_a_marked_plan_the_latest_to_start_is_current(self):
        ImprovementPlan.objects.filter(pk=self.plan.pk).update(is_current=False)
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertEqual(response.context["plan"].id, self.plan.id)

    def test_an_empty_plan_says_so(self):
        make_plan(title="Delivery Plan 2020-22", is_current=False)
        ImprovementPlan.objects.filter(pk=self.plan.pk).update(is_current=False)
        ImprovementPlan.objects.filter(title="Delivery Plan 2020-22").update(is_current=True)
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertContains(response, "The plan has no actions yet.")
        self.assertContains(response, 'id="total-actions">0</dd>')
        self.assertNotContains(response, 'id="headlines"')


class HomeShowsPlansAndThemes(RolesTestCase):
    """Every plan not closed by RAG, the current first; closed plans folded away; the
    current plan's themes by RAG; every number linking to its list."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.current = make_plan(
            title="Improvement Plan 2019-20",
            period_start=datetime.date(2019, 4, 1),
            is_current=True,
        )
        cls.later = make_plan(
            title="Delivery Plan 2020-22",
            period_start=datetime.date(2020, 4, 1),
            period_end=datetime.date(2022, 3, 31),
        )
        cls.closed = make_plan(
            title="Improvement Plan 2015",
            period_start=datetime.date(2015, 3, 1),
            period_end=datetime.date(2016, 3, 31),
            status=ImprovementPlan.Status.CLOSED,
        )
        cls.culture = make_theme(name="Culture", order=2)
        cls.leadership = make_theme(name="Political leadership", order=1)
        for theme, rag in (
            (cls.culture, RAG.AMBER),
            (cls.culture, RAG.AMBER),
            (cls.culture, RAG.RED),
            (cls.leadership, RAG.GREEN),
            (None, RAG.BLUE),
        ):
            make_action(plan=cls.current, theme=theme, directorate=cls.finance, rag=rag)
        make_action(plan=cls.later, theme=cls.culture, directorate=cls.place, rag=RAG.RED)
        make_action(plan=cls.closed, directorate=cls.place, rag=RAG.BLUE)

    def setUp(self):
        self.client.force_login(self.pat)
        self.content = self.client.get(HOME).content.decode()

    def test_open_plans_current_first_then_the_closed_folded(self):
        open_part, closed_part = self.content.split('id="closed-plans"')
        first = open_part.index('id="plans-table"')
        rows = re.findall(r'<tr class="govuk-table__row" id="plans-(\d+)">', open_part[first:])
        self.assertEqual(rows, [str(self.current.id), str(self.later.id)])
        self.assertIn(f'id="closed-plans-{self.closed.id}"', closed_part)
        self.assertIn('<details class="govuk-details" id="closed-plans">', self.content)

    def test_plan_rows_count_and_link(self):
        plan = self.current.id
        self.assertEqual(
            row_links(self.content, f"plans-{plan}"),
            [
                (f"/actions/?plan={plan}&rag=red", 1),
                (f"/actions/?plan={plan}&rag=amber", 2),
                (f"/actions/?plan={plan}&rag=green", 1),
                (f"/actions/?plan={plan}&rag=blue", 1),
                (f"/actions/?plan={plan}&rag=not_rated", 0),
                (f"/actions/?plan={plan}", 5),
            ],
        )
        self.assertEqual(row_numbers(self.content, f"plans-{self.later.id}"), [1, 0, 0, 0, 0, 1])

    def test_theme_rows_in_theme_order_with_links(self):
        plan, theme = self.current.id, self.culture.id
        rows = re.findall(r'<tr class="govuk-table__row" id="themes-(\w+)">', self.content)
        self.assertEqual(rows, [str(self.leadership.id), str(theme), "none"])
        self.assertEqual(
            row_links(self.content, f"themes-{theme}")[:2],
            [
                (f"/actions/?plan={plan}&theme={theme}&rag=red", 1),
                (f"/actions/?plan={plan}&theme={theme}&rag=amber", 2),
            ],
        )
        self.assertIn(f'href="/actions/?plan={plan}&amp;theme={theme}">3<', self.content)
        # Actions with no theme are counted, unlinked (the list has no filter for them).
        self.assertIn("No theme", self.content)
        self.assertEqual(row_links(self.content, "themes-none"), [])

    def test_each_bar_is_an_image_with_a_name_numbers_and_a_table(self):
        row = f"plans-{self.current.id}"
        self.assertIn(
            f'role="img" aria-labelledby="{row}-label {row}-title" aria-describedby="{row}-desc"',
            self.content,
        )
        self.assertIn(
            f'<title id="{row}-title">Actions by RAG: 1 red, 2 amber, 1 green, 1 blue, '
            "0 not yet rated</title>",
            self.content,
        )
        self.assertIn(
            f'<desc id="{row}-desc">The numbers are also in the table “Actions by plan and RAG”.',
            self.content,
        )
        self.assertIn(
            '<caption class="govuk-table__caption govuk-table__caption--s">'
            "Actions by plan and RAG</caption>",
            self.content,
        )
        self.assertIn('<th scope="row" class="govuk-table__header">Culture</th>', self.content)
        # Numbers in the bars, in text.
        self.assertRegex(self.content, r'dominant-baseline="central" aria-hidden="true">2</text>')

    def test_headings_are_in_order(self):
        levels = [int(level) for level in re.findall(r"<h([1-6])", self.content)]
        self.assertEqual(levels[0], 1)
        self.assertTrue(all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)))


# -- headline counts ----------------------------------------------------------------


class HomeHeadlines(RolesTestCase):
    """Overdue, slipped, stale, open challenges and updates due this cycle, counted against
    today, each linking to its filtered list."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        now = timezone.now()
        day = datetime.timedelta(days=1)
        cls.plan = make_plan(is_current=True)
        other = make_plan(title="Another plan")
        cls.period = today.replace(day=1)
        Cycle.objects.create(
            period=cls.period, opens_on=cls.period, deadline=cls.period.replace(day=22)
        )

        def action(**kwargs):
            fields = {"plan": cls.plan, "directorate": cls.finance, "start_date": None}
            fields.setdefault("last_update_at", now - day)
            return make_action(**{**fields, **kwargs})

        # Overdue: due yesterday and open (one of them slipped as well); not overdue: due
        # tomorrow, or complete.
        overdue = action(original_due_date=today - day)
        slipped_overdue = action(
            original_due_date=today - 10 * day, revised_due_date=today - 2 * day
        )
        action(original_due_date=today + day)
        action(original_due_date=today - day, rag=RAG.BLUE, completed_on=today - day)
        # Slipped but not overdue; a revised date earlier than the original is not slippage.
        action(original_due_date=today + day, revised_due_date=today + 30 * day)
        action(original_due_date=today + 30 * day, revised_due_date=today + 2 * day)
        # Stale: last update 36 days ago, and never updated; complete ones are never stale.
        action(original_due_date=today + day, last_update_at=now - 36 * day)
        action(original_due_date=today + day, last_update_at=None)
        action(original_due_date=today + day, last_update_at=None, rag=RAG.BLUE)
        # Of the nine, seven are open; two have this cycle's update, one last cycle's.
        make_update(overdue, cls.olivia, period=cls.period)
        make_update(slipped_overdue, cls.olivia, period=cls.period)
        first = Action.objects.filter(plan=cls.plan).order_by("pk")[2]
        make_update(first, cls.olivia, period=cls.period.replace(year=cls.period.year - 1))
        # Challenges: two open on the plan, one answered, one open on another plan.
        challenge(overdue, cls.pat)
        challenge(slipped_overdue, cls.pat)
        challenge(overdue, cls.pat, status=Challenge.Status.ANSWERED, response="Because.")
        challenge(make_action(plan=other, directorate=cls.place), cls.pat)

    def setUp(self):
        self.client.force_login(self.pat)
        self.response = self.client.get(HOME)
        self.content = self.response.content.decode()

    def test_counts_and_links(self):
        plan = self.plan.id
        expected = {
            "headline-overdue": (f"/actions/?plan={plan}&overdue=1", 2),
            "headline-slipped": (f"/actions/?plan={plan}&slipped=1", 2),
            "headline-stale": (f"/actions/?plan={plan}&stale=1", 2),
            "headline-open-challenges": (f"/challenges/?status=open&plan={plan}", 2),
            "headline-needs-update": (f"/actions/?plan={plan}&needs_update=1", 5),
        }
        for element_id, (url, count) in expected.items():
            with self.subTest(element_id):
                self.assertEqual(headline(self.content, element_id), (url, count))

    def test_the_cycle_month_and_deadline_are_shown(self):
        deadline = self.period.replace(day=22)
        self.assertIn(
            f"For the {self.period:%B %Y} cycle, deadline 22 {deadline:%B %Y}", self.content
        )

    def test_counts_match_the_shared_status_queries(self):
        # The same definitions the action list filters by.
        actions = Action.objects.filter(plan=self.plan)
        self.assertEqual(actions.overdue().count(), 2)
        self.assertEqual(actions.slipped().count(), 2)
        self.assertEqual(actions.stale().count(), 2)

    def test_without_an_open_cycle_the_calendar_month_is_due(self):
        Cycle.objects.update(closed_at=timezone.now())
        response = self.client.get(HOME)
        self.assertEqual(response.context["cycle"].period, timezone.localdate().replace(day=1))
        self.assertIsNone(response.context["cycle"].deadline)
        self.assertEqual(headline(response.content.decode(), "headline-needs-update")[1], 5)


# -- claimed and assured -------------------------------------------------------------


class HomeShowsClaimedAndAssured(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        for rag, assurance, assured_rag in (
            (RAG.GREEN, AssuranceStatus.ASSURED, RAG.GREEN),
            (RAG.GREEN, AssuranceStatus.ASSURED, RAG.AMBER),
            (RAG.RED, AssuranceStatus.ASSURED, ""),
            (RAG.GREEN, AssuranceStatus.CHALLENGED, ""),
            (RAG.AMBER, AssuranceStatus.NOT_ASSURED, RAG.RED),
            (RAG.AMBER, AssuranceStatus.NOT_REVIEWED, ""),
        ):
            make_action(
                plan=cls.plan,
                directorate=cls.finance,
                rag=rag,
                assurance=assurance,
                assured_rag=assured_rag,
            )

    def test_claimed_beside_assured(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertEqual(
            counts_in_table(content),
            {"red": 1, "amber": 2, "green": 3} | {"blue": 0, "not_rated": 0},
        )
        plan = self.plan.id
        assured = f"/actions/?plan={plan}&assurance=assured&assured_rag="
        self.assertEqual(row_links(content, "assured-red"), [(assured + "red", 1)])
        self.assertEqual(row_links(content, "assured-amber"), [(assured + "amber", 1)])
        self.assertEqual(row_links(content, "assured-green"), [(assured + "green", 1)])
        self.assertIn(f'href="/actions/?plan={plan}&amp;assurance=not_reviewed">1<', content)
        self.assertIn(f'href="/actions/?plan={plan}&amp;assurance=challenged">1<', content)
        self.assertIn(f'href="/actions/?plan={plan}&amp;assurance=not_assured">1<', content)
        self.assertIn(
            '<title id="assured-bar-title">Assured by the panel: 1 red, 1 amber, 1 green, '
            "0 blue, 0 not yet rated, 3 not yet assured</title>",
            content,
        )


# -- an officer's own actions first --------------------------------------------------


class HomeShowsYourActions(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        cls.olivia_person = cls.olivia.person
        for day in range(12, 0, -1):
            make_action(
                plan=cls.plan,
                directorate=cls.finance,
                lead_officer=cls.olivia_person,
                title=f"Olivia's action due on day {day}",
                original_due_date=datetime.date(2020, 1, day),
                rag=RAG.AMBER if day == 1 else RAG.GREEN,
            )
        cls.colleagues = make_action(
            plan=cls.plan, directorate=cls.finance, title="A colleague's action", rag=RAG.RED
        )
        make_action(plan=cls.plan, directorate=cls.place, title="Someone else's action")
        mine = cls.plan.actions.get(title="Olivia's action due on day 3")
        make_update(mine, cls.olivia, period=timezone.localdate().replace(day=1))
        challenge(mine, cls.pat)
        challenge(cls.colleagues, cls.pat)

    def test_leader_sees_first_ten_by_due_date(self):
        self.client.force_login(self.olivia)
        response = self.client.get(HOME)
        self.assertContains(response, "Your actions")
        yours = response.context["yours"]
        self.assertEqual(yours.mine_total.count, 12)
        titles = [action.title for action, _ in yours.soonest]
        self.assertEqual(titles, [f"Olivia's action due on day {day}" for day in range(1, 11)])
        self.assertContains(response, "2 January 2020")
        self.assertContains(response, "The 10 of your actions due soonest")
        self.assertContains(
            response,
            '<p class="govuk-body" id="your-summary">You lead 12 actions in this plan: '
            "1 amber, 11 green.</p>",
        )
        self.assertNotContains(response, "Someone else&#x27;s action")

    def test_your_actions_lead_the_page(self):
        self.client.force_login(self.olivia)
        content = self.client.get(HOME).content.decode()
        self.assertLess(content.index('id="your-actions-heading"'), content.index("plan-heading"))
        self.assertLess(content.index('id="your-actions-heading"'), content.index("plans-heading"))

    def test_counts_by_rag_link_to_your_filtered_list(self):
        self.client.force_login(self.olivia)
        content = self.client.get(HOME).content.decode()
        plan, directorate = self.plan.id, self.finance.id
        self.assertEqual(
            row_links(content, "your-rag-green"),
            [
                (f"/actions/?plan={plan}&mine=1&rag=green", 11),
                (f"/actions/?plan={plan}&directorate={directorate}&rag=green", 11),
            ],
        )
        self.assertEqual(
            row_links(content, "your-rag-red"),
            [
                (f"/actions/?plan={plan}&mine=1&rag=red", 0),
                (f"/actions/?plan={plan}&directorate={directorate}&rag=red", 1),
            ],
        )
        self.assertIn("Your directorate (Finance and Governance)", content)

    def test_what_needs_your_update_and_your_challenges(self):
        self.client.force_login(self.olivia)
        content = self.client.get(HOME).content.decode()
        plan, directorate = self.plan.id, self.finance.id
        self.assertEqual(
            headline(content, "your-needs-update"),
            (f"/actions/?plan={plan}&mine=1&needs_update=1", 11),
        )
        self.assertEqual(
            headline(content, "directorate-needs-update"),
            (f"/actions/?plan={plan}&directorate={directorate}&needs_update=1", 12),
        )
        self.assertEqual(
            headline(content, "your-open-challenges"),
            (f"/challenges/?status=open&plan={plan}&mine=1", 1),
        )
        self.assertEqual(headline(content, "headline-open-challenges")[1], 2)

    def test_action_titles_link_to_the_action(self):
        self.client.force_login(self.olivia)
        content = self.client.get(HOME).content.decode()
        action = self.plan.actions.get(title="Olivia's action due on day 1")
        self.assertIn(f'href="/actions/{action.id}/">Olivia&#x27;s action due on day 1<', content)

    def test_revised_due_date_orders_and_shows_slippage(self):
        action = self.plan.actions.get(title="Olivia's action due on day 1")
        action.revised_due_date = datetime.date(2020, 2, 1)
        action.save()
        self.client.force_login(self.olivia)
        response = self.client.get(HOME)
        titles = [a.title for a, _ in response.context["yours"].soonest]
        self.assertNotIn(action.title, titles)
        self.assertEqual(titles[0], "Olivia's action due on day 2")

    def test_an_officer_whose_directorate_has_actions_sees_them(self):
        self.plan.actions.filter(lead_officer=self.olivia_person).update(
            lead_officer=self.colleagues.lead_officer
        )
        self.client.force_login(self.olivia)
        response = self.client.get(HOME)
        self.assertContains(
            response,
            "You lead no actions in this plan. Your directorate, Finance and Governance, has 13.",
        )
        self.assertNotContains(response, 'id="your-needs-update"')
        self.assertNotContains(response, 'id="your-actions"')

    def test_an_officer_with_nothing_sees_no_section(self):
        self.client.force_login(self.oscar)
        Action.objects.filter(directorate=self.place).delete()
        response = self.client.get(HOME)
        self.assertIsNone(response.context["yours"])
        self.assertNotContains(response, "Your actions")

    def test_other_roles_see_no_section(self):
        # Even one who leads actions: the section is the officers'.
        self.pat.person.directorate = self.finance
        self.pat.person.save()
        self.plan.actions.filter(title__startswith="Olivia").update(lead_officer=self.pat.person)
        for user in (self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(HOME)
                self.assertIsNone(response.context["yours"])
                self.assertNotContains(response, "Your actions")

    def test_an_officer_in_another_role_too_still_sees_theirs(self):
        self.olivia.groups.add(Group.objects.get(name=Role.PANEL.value))
        self.client.force_login(self.olivia)
        self.assertContains(self.client.get(HOME), 'id="your-actions-heading"')


# -- as at a past day -------------------------------------------------------------------


class HomeAsAt(RolesTestCase):
    """A plan written in January 2019; its actions rated and re-rated; a challenge raised
    and answered; an update written: the dashboard as it stood at the end of past days."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        jan, feb, mar = (datetime.date(2019, month, 1) for month in (1, 2, 3))
        cls.plan = backdate(make_plan(is_current=True), at(jan.replace(day=10)))
        cls.a1 = backdate(
            make_action(
                plan=cls.plan,
                directorate=cls.finance,
                lead_officer=cls.olivia.person,
                rag=RAG.GREEN,
                start_date=None,
                last_update_at=at(jan.replace(day=25)),
            ),
            at(jan.replace(day=15)),
        )
        cls.a2 = backdate(
            make_action(
                plan=cls.plan,
                directorate=cls.place,
                rag=RAG.AMBER,
                start_date=None,
                original_due_date=feb.replace(day=15),
                revised_due_date=feb.replace(day=28),
                last_update_at=at(datetime.date(2018, 12, 1)),
            ),
            at(jan.replace(day=15)),
        )
        cls.a3 = backdate(
            make_action(plan=cls.plan, directorate=cls.place, rag=RAG.GREEN, start_date=None),
            at(feb.replace(day=10)),
        )
        change(cls.a1, at(mar.replace(day=5)), rag=RAG.RED)
        update = make_update(cls.a1, cls.olivia, period=jan, created_at=at(jan.replace(day=25)))
        backdate(update, at(jan.replace(day=25)))
        cls.challenge = backdate(
            challenge(cls.a1, cls.pat, raised_at=at(jan.replace(day=20))), at(jan.replace(day=20))
        )
        change(
            cls.challenge,
            at(feb.replace(day=15)),
            status=Challenge.Status.ANSWERED,
            response="Done.",
        )

    def get(self, as_at, user=None):
        self.client.force_login(user or self.pat)
        return self.client.get(HOME, {"as_at": as_at})

    def test_end_of_january(self):
        response = self.get("2019-01-31")
        content = response.content.decode()
        plan = self.plan.id
        self.assertEqual(response.context["moment"].as_at, datetime.date(2019, 1, 31))
        self.assertEqual(response.context["total"], 2)
        self.assertEqual(counts_in_table(content)["green"], 1)
        self.assertEqual(counts_in_table(content)["amber"], 1)
        self.assertEqual(counts_in_table(content)["red"], 0)
        suffix = "&as_at=2019-01-31"
        expected = {
            "headline-overdue": (f"/actions/?plan={plan}&overdue=1{suffix}", 0),
            "headline-slipped": (f"/actions/?plan={plan}&slipped=1{suffix}", 1),
            "headline-stale": (f"/actions/?plan={plan}&stale=1{suffix}", 1),
            # No link: the challenge list shows the challenges as they stand now.
            "headline-open-challenges": ("", 1),
            "headline-needs-update": (f"/actions/?plan={plan}&needs_update=1{suffix}", 1),
        }
        for element_id, value in expected.items():
            with self.subTest(element_id):
                self.assertEqual(headline(content, element_id), value)
        self.assertIn("For the January 2019 cycle", content)

    def test_banner_and_the_way_back(self):
        response = self.get("2019-01-31")
        self.assertContains(
            response,
            "You are looking at the dashboard as it stood at the end of 31 January 2019",
        )
        self.assertContains(response, '<a class="govuk-notification-banner__link" href="/"')
        self.assertContains(response, 'value="2019-01-31"')
        self.assertNotContains(self.client.get(HOME), 'id="as-at-banner"')

    def test_the_form_is_labelled(self):
        content = self.get("2019-01-31").content.decode()
        self.assertIn('<form method="get" action="/"', content)
        self.assertIn(
            '<label class="govuk-label" for="id_as_at">Show the dashboard as at</label>', content
        )
        self.assertIn('id="id_as_at" name="as_at" type="date"', content)

    def test_before_the_update_was_written_it_was_still_due(self):
        content = self.get("2019-01-20").content.decode()
        self.assertEqual(headline(content, "headline-needs-update")[1], 2)

    def test_end_of_march(self):
        response = self.get("2019-03-31")
        content = response.content.decode()
        self.assertEqual(response.context["total"], 3)
        self.assertEqual(
            counts_in_table(content), {"red": 1, "amber": 1, "green": 1, "blue": 0, "not_rated": 0}
        )
        self.assertEqual(headline(content, "headline-overdue")[1], 1)
        self.assertEqual(headline(content, "headline-open-challenges")[1], 0)

    def test_before_the_plan_there_was_none(self):
        response = self.get("2019-01-05")
        self.assertContains(
            response, "There was no improvement plan in the tracker at the end of 5 January 2019."
        )
        self.assertIsNone(response.context["plan"])

    def test_the_officers_own_actions_as_they_stood(self):
        response = self.get("2019-01-31", self.olivia)
        content = response.content.decode()
        self.assertEqual(response.context["yours"].mine_total.count, 1)
        self.assertEqual(
            row_links(content, "your-rag-green")[0],
            (f"/actions/?plan={self.plan.id}&mine=1&rag=green&as_at=2019-01-31", 1),
        )
        self.assertEqual(row_numbers(content, "your-rag-red"), [0, 0])
        march = self.get("2019-03-31", self.olivia).content.decode()
        self.assertEqual(row_numbers(march, "your-rag-red"), [1, 1])

    def test_trend_to_the_as_at_day(self):
        response = self.get("2019-03-31")
        trend = response.context["trend"]
        months = [row.label for row in trend.chart.rows]
        self.assertEqual(months[0], "April 2018")
        self.assertEqual(months[-1], "March 2019")
        by_month = {row.label: [cell.count for cell in row.cells] for row in trend.chart.rows}
        self.assertEqual(by_month["December 2018"], [0, 0, 0, 0, 0])
        self.assertEqual(by_month["January 2019"], [0, 1, 1, 0, 0])
        self.assertEqual(by_month["February 2019"], [0, 1, 2, 0, 0])
        self.assertEqual(by_month["March 2019"], [1, 1, 1, 0, 0])
        content = response.content.decode()
        self.assertEqual(
            row_links(content, "trend-2019-02")[2],
            (f"/actions/?plan={self.plan.id}&rag=green&as_at=2019-02-28", 2),
        )
        self.assertIn(
            'role="img" aria-labelledby="trend-title" aria-describedby="trend-desc"', content
        )
        self.assertIn(
            "at each month end, April 2018 to March 2019. At the end, 31 March 2019: "
            "1 red, 1 amber, 1 green, 0 blue, 0 not yet rated</title>",
            content,
        )

    def test_live_trend_ends_with_the_plans_last_change(self):
        self.client.force_login(self.pat)
        trend = self.client.get(HOME).context["trend"]
        self.assertEqual(trend.chart.rows[-1].label, "March 2019")
        self.assertEqual(len(trend.chart.rows), 12)

    def test_invalid_dates_get_a_message_and_the_live_dashboard(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        cases = {
            "2019-02-30": "“2019-02-30” is not a real date: enter a date such as 31 January 2019",
            "yesterday": "“yesterday” is not a real date: enter a date such as 31 January 2019",
            tomorrow.isoformat(): "The date must be today or in the past",
            "1999-12-31": "The date must be 1 January 2000 or later",
        }
        for value, message in cases.items():
            with self.subTest(value):
                response = self.get(value)
                self.assertEqual(response.status_code, 200)
                content = response.content.decode()
                self.assertIn(
                    '<h2 class="govuk-error-summary__title">There is a problem</h2>', content
                )
                self.assertIn(f'<a href="#id_as_at">{message}</a>', content.replace("&ldquo;", "“"))
                self.assertIn(
                    '<p id="id_as_at-error" class="govuk-error-message"><span '
                    'class="govuk-visually-hidden">Error:</span> ',
                    content,
                )
                self.assertIn(f'value="{value}"', content)
                self.assertIsNone(response.context["moment"].as_at)
                self.assertEqual(response.context["total"], 3)
                self.assertNotIn('id="as-at-banner"', content)

    def test_uk_date_forms_are_read_too(self):
        response = self.get("31/01/2019")
        self.assertEqual(response.context["moment"].as_at, datetime.date(2019, 1, 31))
        self.assertContains(response, 'value="2019-01-31"')

    def test_an_empty_date_is_today(self):
        response = self.get("")
        self.assertIsNone(response.context["moment"].as_at)
        self.assertNotContains(response, "There is a problem")

    def test_as_at_changes_nothing(self):
        before = (Action.history.count(), ProgressUpdate.objects.count())
        self.get("2019-01-31")
        self.assertEqual((Action.history.count(), ProgressUpdate.objects.count()), before)


# -- a fixed number of queries -------------------------------------------------------


class HomeQueryCountIsFixed(RolesTestCase):
    """The dashboard's queries do not grow with actions, plans or themes."""

    PANEL_QUERIES = 12  # session, user, groups (once per request), plans, cycle,
    # counts by plan, status counts, challenge counts, themes, assurance, the trend's
    # latest history row and its history (past month ends: until they are in the cache)
    OFFICER_QUERIES = 16  # the same, and the person, their directorate, their counts by
    # RAG and their actions due soonest

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.current = make_plan(is_current=True)
        cls.other = make_plan()
        cls.themes = [make_theme() for _ in range(3)]
        cls.period = timezone.localdate().replace(day=1)
        cls.made = 0
        cls.add_actions(10)

    @classmethod
    def add_actions(cls, number):
        rags = list(RAG)
        for index in range(cls.made, cls.made + number):
            action = make_action(
                plan=(cls.current, cls.other)[index % 2],
                theme=cls.themes[index % 3],
                directorate=(cls.finance, cls.place)[index % 2],
                lead_officer=cls.olivia.person if index % 4 == 0 else cls.oscar.person,
                rag=rags[index % 5],
                completed_on=datetime.date(2019, 9, 1) if rags[index % 5] == RAG.BLUE else None,
                assurance=AssuranceStatus.ASSURED if index % 3 == 0 else "not_reviewed",
                assured_rag=RAG.AMBER if index % 3 == 0 else "",
            )
            if index % 3 == 1:
                make_update(action, cls.olivia, period=cls.period)
            if index % 5 == 2:
                challenge(action, cls.pat)
        cls.made += number

    def count_for(self, user, number, **params):
        self.client.force_login(user)
        cache.clear()  # the trend's past month ends: counted again
        with self.assertNumQueries(number):
            response = self.client.get(HOME, params)
        self.assertEqual(response.status_code, 200)
        return response

    def test_past_month_ends_come_from_the_cache_the_second_time(self):
        first = self.count_for(self.pat, self.PANEL_QUERIES)
        with self.assertNumQueries(self.PANEL_QUERIES - 1):
            second = self.client.get(HOME)
        self.assertEqual(second.context["trend"].title, first.context["trend"].title)

    def test_the_same_for_10_and_100_actions(self):
        today = {"as_at": timezone.localdate().isoformat()}
        for params in ({}, today):
            with self.subTest(params=params):
                response = self.count_for(self.pat, self.PANEL_QUERIES, **params)
                self.assertEqual(response.context["total"], 5)
                response = self.count_for(self.olivia, self.OFFICER_QUERIES, **params)
                self.assertEqual(response.context["yours"].mine_total.count, 3)
        self.add_actions(90)
        make_plan()  # more plans and themes too
        make_theme()
        for params in ({}, today):
            with self.subTest(params=params, actions=100):
                response = self.count_for(self.pat, self.PANEL_QUERIES, **params)
                self.assertEqual(response.context["total"], 50)
                response = self.count_for(self.olivia, self.OFFICER_QUERIES, **params)
                self.assertEqual(response.context["yours"].mine_total.count, 25)

    def test_an_invalid_date_costs_nothing_more(self):
        self.count_for(self.pat, self.PANEL_QUERIES, as_at="2019-02-30")


# -- the shared partials ---------------------------------------------------------------


class RagTagAndBar(RolesTestCase):
    def test_tag_words_are_the_rag_labels(self):
        for rag in RAG:
            with self.subTest(rag=rag):
                html = render_to_string("includes/rag_tag.html", {"rag": rag.value})
                self.assertIn(f">{rag.label}</strong>", html)
                self.assertIn("govuk-tag", html)

    def test_bar_segments_fill_the_width(self):
        counts = [RagCount(RAG.RED, 1), RagCount(RAG.AMBER, 1), RagCount(RAG.GREEN, 1)]
        bar = stacked_bar(counts)
        self.assertEqual(
            [(s.x_attr, s.width_attr) for s in bar.segments],
            [("0.00%", "33.33%"), ("33.33%", "33.34%"), ("66.67%", "33.33%")],
        )
        self.assertAlmostEqual(sum(s.width for s in bar.segments), 100)

    def test_bar_leaves_out_empty_rags(self):
        bar = stacked_bar([RagCount(RAG.RED, 0), RagCount(RAG.GREEN, 4)])
        self.assertEqual([(s.rag, s.x, s.width) for s in bar.segments], [(RAG.GREEN, 0, 100)])

    def test_numbers_only_where_they_fit(self):
        bar = stacked_bar([RagCount(RAG.RED, 1), RagCount(RAG.GREEN, 99)])
        self.assertEqual([s.show_number for s in bar.segments], [False, True])

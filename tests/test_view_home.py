"""The home page: who you are, where the current plan stands by RAG, your actions."""

import datetime
import re

from django.template.loader import render_to_string
from django.urls import reverse

from biip.dashboard import RagCount, stacked_bar
from biip.models import RAG, RAG_ORDER
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan

HOME = reverse("home")


def counts_in_table(content: str) -> dict[str, int]:
    """The number in each RAG row of the rendered table, by RAG value."""
    rows = re.findall(
        r'<tr class="govuk-table__row" id="rag-(\w+)">.*?govuk-table__cell--numeric">([\d,]+)<',
        content,
        re.S,
    )
    return {rag: int(number.replace(",", "")) for rag, number in rows}


class HomeNeedsSignIn(RolesTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(HOME)
        self.assertRedirects(response, "/sign-in/?next=/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(HOME).status_code, 405)


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
            response, '<dd class="govuk-summary-list__value" id="total-actions">6</dd>'
        )
        self.assertContains(response, "Improvement Plan 2019-20")
        self.assertContains(response, "Signed off by the panel")
        self.assertContains(response, "1 April 2019 to 31 March 2020")

    def test_rows_follow_the_rag_order_with_the_word(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertEqual(list(counts_in_table(content)), [rag.value for rag in RAG_ORDER])
        self.assertIn('<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>', content)

    def test_chart_is_labelled_and_matches_the_table(self):
        self.client.force_login(self.pat)
        content = self.client.get(HOME).content.decode()
        self.assertIn('role="img" aria-labelledby="rag-bar-title"', content)
        self.assertIn(
            '<title id="rag-bar-title">Actions by RAG: 2 red, 1 amber, 3 green, 0 blue, '
            "0 not yet rated</title>",
            content,
        )

    def test_query_count_is_fixed(self):
        # Session, user, the user's groups (role), the current plan, the plan's counts by
        # RAG, the counts of the user's own actions: six, however many actions there are.
        self.client.force_login(self.pat)
        with self.assertNumQueries(6):
            self.client.get(HOME)
        for _ in range(5):
            make_action(plan=self.plan, directorate=self.place, rag=RAG.BLUE)
        with self.assertNumQueries(6):
            response = self.client.get(HOME)
        self.assertEqual(response.context["total"], 11)

    def test_plan_marked_current_wins_over_a_later_one(self):
        make_plan(
            title="Delivery Plan 2020-22",
            period_start=datetime.date(2020, 4, 1),
            period_end=datetime.date(2022, 3, 31),
        )
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertEqual(response.context["plan"], self.plan)


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
        make_action(plan=cls.plan, directorate=cls.place, title="Someone else's action")

    def test_leader_sees_first_ten_by_due_date(self):
        self.client.force_login(self.olivia)
        response = self.client.get(HOME)
        self.assertContains(response, "Your actions")
        self.assertEqual(response.context["my_total"], 12)
        titles = [action.title for action in response.context["my_actions"]]
        self.assertEqual(titles, [f"Olivia's action due on day {day}" for day in range(1, 11)])
        self.assertContains(response, "2 January 2020")
        self.assertContains(
            response,
            '<p class="govuk-body" id="your-summary">You lead 12 actions in this plan: '
            "1 amber, 11 green.</p>",
        )
        self.assertNotContains(response, "Someone else&#x27;s action")

    def test_revised_due_date_orders_and_shows_slippage(self):
        action = self.plan.actions.get(title="Olivia's action due on day 1")
        action.revised_due_date = datetime.date(2020, 2, 1)
        action.save()
        self.client.force_login(self.olivia)
        response = self.client.get(HOME)
        titles = [a.title for a in response.context["my_actions"]]
        self.assertNotIn(action.title, titles)
        self.assertEqual(titles[0], "Olivia's action due on day 2")

    def test_leader_query_count_is_fixed(self):
        self.client.force_login(self.olivia)
        with self.assertNumQueries(7):
            self.client.get(HOME)

    def test_someone_leading_nothing_sees_no_section(self):
        self.client.force_login(self.pat)
        response = self.client.get(HOME)
        self.assertNotContains(response, "Your actions")


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

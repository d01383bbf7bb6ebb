"""The plan list (/plans/), adding a plan (/plans/new/) and the plan page (/plans/<pk>/)."""

import datetime
from unittest import mock

from django.forms import ModelForm
from django.urls import reverse

from biip.models import RAG
from plans.models import ImprovementPlan, SmartAssessment
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_theme

PLANS = reverse("plans")
PLAN_CREATE = reverse("plan-create")


def plan_data(**overrides) -> dict:
    data = {
        "title": "Delivery Plan 2020-22",
        "short_name": "DP20",
        "period_start": "01/04/2020",
        "period_end": "31/03/2022",
        "version": "1.0",
        "status": ImprovementPlan.Status.DRAFT,
        "summary": "The council's plan after the panel stood down.",
    }
    return {**data, **overrides}


class PlanListTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.current = make_plan(title="Improvement Plan 2019-20", is_current=True)
        cls.old = make_plan(
            title="Improvement Plan 2015",
            period_start=datetime.date(2015, 3, 1),
            period_end=datetime.date(2016, 3, 31),
            status=ImprovementPlan.Status.CLOSED,
        )
        for _ in range(3):
            make_action(plan=cls.current, directorate=cls.finance)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(PLANS)
        self.assertRedirects(response, "/sign-in/?next=/plans/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(PLANS).status_code, 405)

    def test_every_role_reads_the_plans_latest_first(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(PLANS)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["plans"]), [self.current, self.old])
        content = response.content.decode()
        self.assertLess(content.index("Improvement Plan 2019-20"), content.index("2015"))

    def test_row_shows_period_version_status_count_and_current(self):
        self.client.force_login(self.pat)
        response = self.client.get(PLANS)
        self.assertContains(response, '1 April 2019</span> to <span class="app-nowrap">31 March')
        self.assertContains(response, "Signed off by the panel")
        self.assertContains(response, "Closed")
        self.assertContains(
            response,
            '<td class="govuk-table__cell govuk-table__cell--numeric">3</td>',
            html=True,
        )
        self.assertContains(response, "Current plan", count=1)
        self.assertContains(response, f'href="/plans/{self.current.pk}/"')

    def test_add_button_only_for_those_who_manage_plans(self):
        for user, shown in ((self.sam, True), (self.alex, True), (self.olivia, False)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(PLANS)
                self.assertEqual("Add a plan" in response.content.decode(), shown)


class PlanCreateTest(RolesTestCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(PLAN_CREATE)
        self.assertRedirects(response, "/sign-in/?next=/plans/new/", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(PLAN_CREATE).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(PLAN_CREATE).status_code, 403)
                self.assertEqual(self.client.post(PLAN_CREATE, plan_data()).status_code, 403)
        self.assertFalse(ImprovementPlan.objects.exists())

    def test_form_is_labelled_with_date_hints(self):
        self.client.force_login(self.sam)
        response = self.client.get(PLAN_CREATE)
        self.assertContains(response, '<label class="govuk-label" for="id_title">Title</label>')
        self.assertContains(response, "For example, 01/04/2019")
        self.assertContains(response, '<legend class="govuk-fieldset__legend')
        self.assertNotContains(response, 'name="seen_version"')

    def test_secretariat_adds_a_plan_with_history(self):
        self.client.force_login(self.sam)
        response = self.client.post(PLAN_CREATE, plan_data())
        plan = ImprovementPlan.objects.get()
        self.assertRedirects(response, f"/plans/{plan.pk}/", fetch_redirect_response=False)
        self.assertEqual(plan.title, "Delivery Plan 2020-22")
        self.assertEqual(plan.period_start, datetime.date(2020, 4, 1))
        self.assertEqual(plan.period_end, datetime.date(2022, 3, 31))
        self.assertEqual(plan.status, ImprovementPlan.Status.DRAFT)
        self.assertFalse(plan.is_current)
        self.assertEqual(plan.history.get().history_user, self.sam)

    def test_administrator_may_add_a_plan_with_dates_in_words(self):
        self.client.force_login(self.alex)
        self.client.post(PLAN_CREATE, plan_data(period_start="1 April 2020"))
        self.assertEqual(ImprovementPlan.objects.get().period_start, datetime.date(2020, 4, 1))

    def test_a_new_current_plan_replaces_the_old_one(self):
        old = make_plan(is_current=True)
        self.client.force_login(self.sam)
        self.client.post(PLAN_CREATE, plan_data(current="on"))
        new = ImprovementPlan.objects.get(title="Delivery Plan 2020-22")
        old.refresh_from_db()
        self.assertTrue(new.is_current)
        self.assertFalse(old.is_current)
        self.assertEqual(old.history.first().history_user, self.sam)

    def test_the_old_current_plan_stays_current_if_saving_fails(self):
        old = make_plan(is_current=True)
        self.client.force_login(self.sam)
        with (
            mock.patch.object(ModelForm, "save", side_effect=RuntimeError("disk full")),
            self.assertRaises(RuntimeError),
        ):
            self.client.post(PLAN_CREATE, plan_data(current="on"))
        old.refresh_from_db()
        self.assertTrue(old.is_current)
        self.assertEqual(ImprovementPlan.objects.count(), 1)

    def test_bad_input_is_reported_beside_fields_and_kept(self):
        make_plan(title="Improvement Plan 2019-20")
        self.client.force_login(self.sam)
        data = plan_data(
            title="Improvement Plan 2019-20",
            short_name="",
            period_start="31/03/2022",
            period_end="01/04/2020",
            version="2.1",
        )
        response = self.client.post(PLAN_CREATE, data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["There is already a plan with this title"])
        self.assertEqual(
            errors["short_name"], ["Enter a short name for the plan, for example IP19"]
        )
        self.assertEqual(errors["period_end"], ["The end of the period must be after its start"])
        self.assertContains(response, "<title>Error: Add a plan – Improvement Tracker</title>")
        self.assertContains(response, '<a href="#id_period_end">The end of the period must')
        self.assertContains(response, 'id="id_period_end-error"')
        self.assertContains(response, 'value="31/03/2022"')
        self.assertContains(response, 'value="2.1"')
        self.assertContains(response, "The council&#x27;s plan after the panel stood down.")
        self.assertEqual(ImprovementPlan.objects.count(), 1)

    def test_an_impossible_date_is_explained(self):
        self.client.force_login(self.sam)
        response = self.client.post(PLAN_CREATE, plan_data(period_start="31/02/2020"))
        self.assertEqual(
            response.context["form"].errors["period_start"],
            ["Enter the start of period as a real date, for example 31/03/2019"],
        )
        self.assertContains(response, 'value="31/02/2020"')

    def test_status_must_be_chosen_and_links_to_the_first_radio(self):
        self.client.force_login(self.sam)
        response = self.client.post(PLAN_CREATE, plan_data(status=""))
        self.assertEqual(response.context["form"].errors["status"], ["Choose the plan's status"])
        self.assertContains(response, '<a href="#id_status_0">Choose the plan&#x27;s status</a>')
        self.assertContains(response, 'id="id_status_0"')


class PlanDetailTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20", summary="Ten priorities.")
        cls.governance = make_theme(name="Governance", order=1)
        cls.finance_theme = make_theme(name="Finance", order=2)
        cls.red = make_action(
            plan=cls.plan,
            theme=cls.finance_theme,
            directorate=cls.finance,
            reference="IP19-02",
            rag=RAG.RED,
        )
        cls.green = make_action(
            plan=cls.plan,
            theme=cls.governance,
            directorate=cls.place,
            reference="IP19-01",
            rag=RAG.GREEN,
        )
        cls.loose = make_action(plan=cls.plan, directorate=cls.place, reference="IP19-03")
        cls.assessment = SmartAssessment.objects.create(
            plan=cls.plan,
            assessor=make_person(name="John Crabtree"),
            assessed_on=datetime.date(2019, 4, 10),
            specific_rating="strong",
            measurable_rating="adequate",
            ambition_rating="adequate",
            resourced_rating="weak",
            timed_rating="strong",
            conclusion="sign_off_conditions",
        )
        cls.url = reverse("plan", args=[cls.plan.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_missing_plan_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("plan", args=[9999])).status_code, 404)

    def test_summary_status_period_and_version(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Signed off by the panel")
        self.assertContains(response, "1 April 2019 to 31 March 2020")
        self.assertContains(response, "Ten priorities.")
        self.assertEqual(response.context["action_count"], 3)

    def test_actions_grouped_by_theme_in_theme_order_with_rag_and_link(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        groups = response.context["groups"]
        self.assertEqual(
            [(theme, [a.reference for a in actions]) for theme, actions in groups],
            [
                (self.governance, ["IP19-01"]),
                (self.finance_theme, ["IP19-02"]),
                (None, ["IP19-03"]),
            ],
        )
        self.assertContains(response, "No theme (1 action)")
        self.assertContains(response, f'href="/actions/{self.red.pk}/"')
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )

    def test_assessments_are_listed_and_linked(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, f'href="/assessments/{self.assessment.pk}/"')
        self.assertContains(response, "Sign off with conditions")
        self.assertContains(response, "John Crabtree")

    def test_buttons_follow_the_users_rights(self):
        expected = {
            self.olivia: (False, False),
            self.pat: (False, True),
            self.sam: (True, True),
            self.alex: (True, True),
        }
        for user, (manage, assess) in expected.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                content = self.client.get(self.url).content.decode()
                self.assertEqual(f"/plans/{self.plan.pk}/edit/" in content, manage)
                self.assertEqual(f"/plans/{self.plan.pk}/actions/new/" in content, manage)
                self.assertEqual(f"/actions/{self.red.pk}/edit/" in content, manage)
                self.assertEqual(f"/plans/{self.plan.pk}/assessments/new/" in content, assess)

    def test_query_count_does_not_grow_with_actions(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)  # warm the session
        self.assertEqual(response.status_code, 200)
        # Session, user, plan, the user's groups (once for both rights), the actions with
        # their theme, directorate and lead officer, the assessments: six.
        with self.assertNumQueries(6):
            self.client.get(self.url)
        for _ in range(10):
            make_action(plan=self.plan, theme=make_theme(), directorate=self.finance)
        with self.assertNumQueries(6):
            self.client.get(self.url)

"""Recommendations: the list (/recommendations/, ?source=<id>), adding
(/recommendations/new/) and editing (/recommendations/<pk>/edit/), with the actions that
address each."""

from django.urls import reverse

from plans.models import Recommendation, Source
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_theme

RECOMMENDATIONS = reverse("recommendations")
RECOMMENDATION_CREATE = reverse("recommendation-create")


def make_source(name: str, kind: str = "review") -> Source:
    return Source.objects.create(name=name, kind=kind)


def make_recommendation(source: Source, reference: str, **fields) -> Recommendation:
    return Recommendation.objects.create(
        source=source, reference=reference, text=f"Recommendation {reference}.", **fields
    )


class RecommendationCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kerslake = make_source("Kerslake review")
        cls.audit = make_source("External auditor's statutory recommendations", "external_audit")
        cls.theme = make_theme(name="Financial resilience")
        cls.plan = make_plan(short_name="IP19")
        cls.first = make_action(plan=cls.plan, reference="IP19-06", directorate=cls.finance)
        cls.second = make_action(plan=cls.plan, reference="IP19-07", directorate=cls.finance)

    def recommendation_data(self, **overrides) -> dict:
        data = {
            "source": self.audit.pk,
            "reference": "EA-1",
            "text": "Deliver the 2018/19 savings plans.",
            "theme": self.theme.pk,
            "council_response": "A Financial Improvement Plan.",
            "assessed_progress": "some",
            "actions": [self.first.pk, self.second.pk],
        }
        return {**data, **overrides}


class RecommendationListTest(RecommendationCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.k1 = make_recommendation(cls.kerslake, "K-01")
        cls.k2 = make_recommendation(cls.kerslake, "K-02")
        cls.ea1 = make_recommendation(cls.audit, "EA-1", verified_on=None)
        cls.first.recommendations.add(cls.k1)
        cls.second.recommendations.add(cls.k1)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(RECOMMENDATIONS)
        self.assertRedirects(
            response, "/sign-in/?next=/recommendations/", fetch_redirect_response=False
        )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(RECOMMENDATIONS).status_code, 405)

    def test_every_role_reads_every_recommendation_with_action_counts(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(RECOMMENDATIONS)
                self.assertEqual(response.status_code, 200)
        rows = list(response.context["recommendations"])
        self.assertEqual([r.reference for r in rows], ["EA-1", "K-01", "K-02"])
        self.assertEqual(
            {r.reference: r.action_count for r in rows}, {"EA-1": 0, "K-01": 2, "K-02": 0}
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red">No action</strong>', count=2
        )

    def test_filter_by_source(self):
        self.client.force_login(self.pat)
        response = self.client.get(RECOMMENDATIONS, {"source": self.kerslake.pk})
        self.assertEqual(
            [r.reference for r in response.context["recommendations"]], ["K-01", "K-02"]
        )
        self.assertContains(response, "Recommendations from Kerslake review (2)")
        self.assertContains(response, f'<option value="{self.kerslake.pk}" selected>')

    def test_an_unknown_source_is_reported_and_shows_all(self):
        self.client.force_login(self.pat)
        response = self.client.get(RECOMMENDATIONS, {"source": "999"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["filters"].errors["source"], ["Choose a source from the list"]
        )
        self.assertEqual(len(response.context["recommendations"]), 3)

    def test_edit_links_only_for_managers(self):
        for user, shown in ((self.pat, False), (self.olivia, False), (self.sam, True)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                content = self.client.get(RECOMMENDATIONS).content.decode()
                self.assertEqual(f"/recommendations/{self.k1.pk}/edit/" in content, shown)
                self.assertEqual("/recommendations/new/" in content, shown)


class RecommendationCreateTest(RecommendationCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(RECOMMENDATION_CREATE)
        self.assertRedirects(
            response, "/sign-in/?next=/recommendations/new/", fetch_redirect_response=False
        )

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(RECOMMENDATION_CREATE).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(RECOMMENDATION_CREATE).status_code, 403)
                response = self.client.post(RECOMMENDATION_CREATE, self.recommendation_data())
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Recommendation.objects.exists())

    def test_form_lists_actions_as_labelled_checkboxes(self):
        self.client.force_login(self.sam)
        response = self.client.get(RECOMMENDATION_CREATE)
        self.assertContains(response, "Actions that address this recommendation</legend>")
        self.assertContains(response, f"IP19 IP19-06: {self.first.title}</label>")

    def test_secretariat_adds_a_recommendation_and_links_actions_with_history(self):
        self.client.force_login(self.sam)
        response = self.client.post(RECOMMENDATION_CREATE, self.recommendation_data())
        self.assertRedirects(response, RECOMMENDATIONS, fetch_redirect_response=False)
        recommendation = Recommendation.objects.get()
        self.assertEqual(recommendation.source, self.audit)
        self.assertEqual(recommendation.theme, self.theme)
        self.assertEqual(recommendation.assessed_progress, "some")
        self.assertEqual(set(recommendation.actions.all()), {self.first, self.second})
        self.assertEqual(recommendation.history.get().history_user, self.sam)
        # The link is recorded in each action's history, by whom.
        latest = self.first.history.latest()
        self.assertEqual(latest.history_user, self.sam)
        self.assertEqual(
            list(latest.recommendations.values_list("recommendation", flat=True)),
            [recommendation.pk],
        )

    def test_addressed_and_verified_are_not_set_here(self):
        """The states have their own pages, with evidence and who verified."""
        self.client.force_login(self.alex)
        data = self.recommendation_data(addressed_on="31/03/2019", verified_on="30/06/2019")
        self.assertEqual(self.client.post(RECOMMENDATION_CREATE, data).status_code, 302)
        recommendation = Recommendation.objects.get()
        self.assertEqual((recommendation.addressed_on, recommendation.verified_on), (None, None))

    def test_duplicate_reference_and_missing_text(self):
        make_recommendation(self.kerslake, "EA-1")
        self.client.force_login(self.sam)
        response = self.client.post(RECOMMENDATION_CREATE, self.recommendation_data(text=""))
        errors = response.context["form"].errors
        self.assertEqual(
            errors["reference"], ["There is already a recommendation with this reference"]
        )
        self.assertEqual(errors["text"], ["Enter the recommendation"])
        self.assertEqual(Recommendation.objects.count(), 1)


class RecommendationEditTest(RecommendationCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.recommendation = make_recommendation(cls.audit, "EA-1")
        cls.first.recommendations.add(cls.recommendation)
        cls.url = reverse("recommendation-edit", args=[cls.recommendation.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                data = self.recommendation_data(actions=[])
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.assertEqual(list(self.recommendation.actions.all()), [self.first])

    def test_missing_recommendation_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("recommendation-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_ticks_the_actions_that_address_it(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, f'value="{self.first.pk}" checked')
        self.assertNotContains(response, f'value="{self.second.pk}" checked')

    def test_moving_the_recommendation_to_another_action(self):
        self.client.force_login(self.sam)
        data = self.recommendation_data(actions=[self.second.pk], assessed_progress="good")
        response = self.client.post(self.url, data)
        self.assertRedirects(response, RECOMMENDATIONS, fetch_redirect_response=False)
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.assessed_progress, "good")
        self.assertEqual(list(self.recommendation.actions.all()), [self.second])
        self.assertEqual(self.recommendation.history.latest().history_user, self.sam)
        for action, linked in ((self.first, []), (self.second, [self.recommendation.pk])):
            latest = action.history.latest()
            self.assertEqual(latest.history_user, self.sam)
            self.assertEqual(
                list(latest.recommendations.values_list("recommendation", flat=True)), linked
            )

    def test_a_bad_edit_changes_nothing(self):
        self.client.force_login(self.sam)
        data = self.recommendation_data(actions=[], text="", reference="EA-9")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Edit recommendation EA-1</h1>")
        self.recommendation.refresh_from_db()
        self.assertEqual(self.recommendation.reference, "EA-1")
        self.assertEqual(list(self.recommendation.actions.all()), [self.first])

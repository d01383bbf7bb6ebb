"""Recommendation coverage (/recommendations/coverage/): every recommendation by source
with the actions addressing it; those with none stand out and are counted."""

from django.urls import reverse

from biip.models import RAG
from plans.models import Recommendation, Source
from plans.views.manage import coverage_summary
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan

COVERAGE = reverse("coverage")


def make_source(name: str, kind: str = "review") -> Source:
    return Source.objects.create(name=name, kind=kind)


def make_recommendations(source: Source, prefix: str, number: int) -> list[Recommendation]:
    return [
        Recommendation.objects.create(
            source=source, reference=f"{prefix}-{n:02}", text=f"Recommendation {prefix}-{n:02}."
        )
        for n in range(1, number + 1)
    ]


class CoverageTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.kerslake = make_source("Kerslake review")
        cls.audit = make_source("External auditor's statutory recommendations", "external_audit")
        cls.empty = make_source("Waste Governance Review")
        cls.k = make_recommendations(cls.kerslake, "K", 4)
        cls.ea = make_recommendations(cls.audit, "EA", 2)
        plan = make_plan(short_name="IP19")
        cls.red = make_action(plan=plan, reference="IP19-03", rag=RAG.RED)
        cls.green = make_action(plan=plan, reference="IP19-05", rag=RAG.GREEN)
        cls.red.recommendations.add(cls.k[0], cls.k[1], *cls.ea)
        cls.green.recommendations.add(cls.k[0])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(COVERAGE)
        self.assertRedirects(
            response, "/sign-in/?next=/recommendations/coverage/", fetch_redirect_response=False
        )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(COVERAGE).status_code, 405)

    def test_every_role_may_read_it(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(COVERAGE).status_code, 200)

    def test_sections_per_source_with_uncovered_recommendations(self):
        self.client.force_login(self.pat)
        sections = self.client.get(COVERAGE).context["sections"]
        by_source = {s["source"]: s for s in sections}
        kerslake = by_source[self.kerslake]
        self.assertEqual(
            [r.reference for r in kerslake["recommendations"]], ["K-01", "K-02", "K-03", "K-04"]
        )
        self.assertEqual([r.reference for r in kerslake["uncovered"]], ["K-03", "K-04"])
        self.assertEqual(kerslake["summary"], "2 of 4 recommendations have no action")
        self.assertEqual(by_source[self.audit]["uncovered"], [])
        self.assertEqual(by_source[self.empty]["recommendations"], [])

    def test_counts_at_the_top_link_to_the_list_of_uncovered(self):
        self.client.force_login(self.olivia)
        response = self.client.get(COVERAGE)
        self.assertContains(response, "In all, 2 of 6 recommendations have no action.")
        self.assertContains(
            response,
            f'<a href="#uncovered-{self.kerslake.pk}" class="govuk-link">'
            "2 of 4 recommendations have no action</a>",
        )
        self.assertContains(response, f'id="uncovered-{self.kerslake.pk}"')
        self.assertContains(
            response, f'<a href="#recommendation-{self.k[2].pk}" class="govuk-link">K-03</a>'
        )
        self.assertContains(response, "all 2 recommendations have an action")
        self.assertNotContains(response, f'id="uncovered-{self.audit.pk}"')

    def test_actions_are_linked_with_their_rag_and_gaps_are_tagged_in_words(self):
        self.client.force_login(self.pat)
        response = self.client.get(COVERAGE)
        self.assertContains(
            response, f'<a href="/actions/{self.red.pk}/" class="govuk-link">IP19-03</a>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green app-rag-tag">Green</strong>'
        )
        # Two uncovered rows, plus the key in the introduction.
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red">No action</strong>', count=3
        )

    def test_query_count_does_not_grow_with_recommendations(self):
        # Session, user, groups, sources, recommendations with their theme, their actions
        # with their plan: six, for 6 recommendations or 56.
        self.client.force_login(self.pat)
        self.client.get(COVERAGE)
        with self.assertNumQueries(6):
            response = self.client.get(COVERAGE)
        self.assertEqual(sum(len(s["recommendations"]) for s in response.context["sections"]), 6)
        more = make_recommendations(make_source("Secretary of State's letter"), "SOS", 50)
        for recommendation in more[:25]:
            make_action(reference=f"A-{recommendation.reference}").recommendations.add(
                recommendation
            )
        with self.assertNumQueries(6):
            response = self.client.get(COVERAGE)
        self.assertEqual(sum(len(s["recommendations"]) for s in response.context["sections"]), 56)
        self.assertContains(response, "25 of 50 recommendations have no action")


class CoverageSummaryTest(RolesTestCase):
    def test_words(self):
        self.assertEqual(coverage_summary(3, 19), "3 of 19 recommendations have no action")
        self.assertEqual(coverage_summary(1, 19), "1 of 19 recommendations has no action")
        self.assertEqual(coverage_summary(1, 1), "1 of 1 recommendation has no action")
        self.assertEqual(coverage_summary(0, 7), "All 7 recommendations have an action")
        self.assertEqual(coverage_summary(0, 1), "Its one recommendation has an action")
        self.assertEqual(coverage_summary(0, 0), "No recommendations recorded")

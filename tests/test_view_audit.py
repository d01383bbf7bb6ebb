"""Progress on recommendations (/audit/): each source with recommendations, the external
auditor's first, its recommendations' progress and states, and a summary counted from the
data."""

import datetime

from django.urls import reverse

from plans.models import Recommendation
from tests.base import RolesTestCase
from tests.factories import make_person, make_recommendation, make_source, make_theme

AUDIT = reverse("audit")
Progress = Recommendation.Progress


class AuditPageTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The review is published first, yet the external auditor's come first.
        cls.kerslake = make_source(
            name="Kerslake review", kind="review", published_on=datetime.date(2014, 12, 1)
        )
        cls.audit = make_source(
            name="External auditor's statutory recommendations, July 2018",
            published_on=datetime.date(2018, 7, 1),
        )
        cls.empty = make_source(name="Waste Governance Review", kind="review")
        cls.auditor = make_person(name="Grant Auditor")
        theme = make_theme(name="Financial planning")
        cls.ea = []
        for n in range(1, 8):
            verified = n <= 2
            cls.ea.append(
                make_recommendation(
                    cls.audit,
                    reference=f"EA-{n}",
                    text=f"Statutory recommendation {n}.",
                    theme=theme,
                    assessed_progress=Progress.LIMITED if n == 7 else Progress.DECISIVE,
                    addressed_on=datetime.date(2019, 1, 20 + n) if n < 7 else None,
                    verified_on=datetime.date(2019, 3, 1) if verified else None,
                    verified_by=cls.auditor if verified else None,
                )
            )
        cls.k1 = make_recommendation(cls.kerslake, reference="K-01", text="Kerslake one.")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(AUDIT)
        self.assertRedirects(response, "/sign-in/?next=/audit/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(AUDIT).status_code, 405)

    def test_every_role_reads_it(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(AUDIT).status_code, 200)

    def test_external_audit_first_and_sources_without_recommendations_left_out(self):
        self.client.force_login(self.olivia)
        sections = self.client.get(AUDIT).context["sections"]
        self.assertEqual([s["source"] for s in sections], [self.audit, self.kerslake])
        self.assertEqual(
            [r.reference for r in sections[0]["recommendations"]],
            [f"EA-{n}" for n in range(1, 8)],
        )

    def test_the_summary_is_counted_from_the_data(self):
        self.client.force_login(self.pat)
        response = self.client.get(AUDIT)
        self.assertContains(
            response, "Decisive progress on 6 of 7 recommendations; limited progress on 1."
        )
        self.assertContains(response, "Addressed: 6 of 7 claimed by the council; verified: 2 of 7.")
        self.assertContains(response, "None of the 1 recommendation has been assessed yet.")
        Recommendation.objects.filter(pk=self.ea[6].pk).update(
            addressed_on=datetime.date(2019, 3, 1), assessed_progress=Progress.DECISIVE
        )
        response = self.client.get(AUDIT)
        self.assertContains(response, "Decisive progress on 7 of 7 recommendations.")
        self.assertContains(response, "Addressed: 7 of 7 claimed by the council; verified: 2 of 7.")

    def test_each_row_shows_progress_in_words_and_both_states(self):
        self.client.force_login(self.sam)
        response = self.client.get(AUDIT)
        first, seventh = self.ea[0], self.ea[6]
        self.assertContains(
            response,
            f'<a href="/recommendations/{first.pk}/" class="govuk-link">EA-1</a>',
            html=False,
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--green">Decisive progress</strong>'
        )
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red">Limited progress</strong>'
        )
        self.assertContains(response, "Financial planning")
        self.assertContains(response, "21 January 2019")  # EA-1 addressed
        self.assertContains(response, '1 March 2019<br><span class="govuk-body-s">by Grant Auditor')
        self.assertContains(response, "Not claimed")  # EA-7 and K-01
        self.assertContains(response, "Not verified", count=6)
        row = response.content.decode().split(f'id="recommendation-{seventh.pk}"')[1]
        row = row.split("</tr>")[0]
        self.assertIn("Not claimed", row)
        self.assertIn("Not verified", row)

    def test_query_count_does_not_grow_with_recommendations(self):
        # Session, user, groups (navigation), the recommendations with their source,
        # theme and verifier, the summaries: five, for 8 recommendations or 58.
        self.client.force_login(self.pat)
        self.client.get(AUDIT)
        with self.assertNumQueries(5):
            response = self.client.get(AUDIT)
        self.assertEqual(sum(len(s["recommendations"]) for s in response.context["sections"]), 8)
        source = make_source(name="Secretary of State's letter", kind="secretary_of_state")
        for n in range(50):
            make_recommendation(
                source,
                reference=f"SOS-{n}",
                addressed_on=datetime.date(2019, 1, 1),
                verified_on=datetime.date(2019, 2, 1),
                verified_by=make_person(),
                theme=make_theme(),
            )
        with self.assertNumQueries(5):
            response = self.client.get(AUDIT)
        self.assertEqual(sum(len(s["recommendations"]) for s in response.context["sections"]), 58)

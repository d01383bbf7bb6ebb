"""SMART assessments: recording one (/plans/<pk>/assessments/new/), for panel members and
the secretariat, and reading one (/assessments/<pk>/), for every signed-in role."""

import datetime

from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from biip.models import Role
from plans.models import SmartAssessment
from tests.base import RolesTestCase
from tests.factories import make_person, make_plan, make_theme

CRITERIA = ["specific", "measurable", "ambition", "resourced", "timed"]


def assessment_data(**overrides) -> dict:
    data = {
        "theme": "",
        "assessed_on": "13/03/2015",
        "specific_rating": "adequate",
        "specific_comment": "Covers the Kerslake recommendations.",
        "measurable_rating": "weak",
        "measurable_comment": "Tests of success are clear for only some actions.",
        "ambition_rating": "adequate",
        "ambition_comment": "Some timescales look too ambitious.",
        "resourced_rating": "weak",
        "resourced_comment": "Senior capacity is stretched.",
        "timed_rating": "strong",
        "timed_comment": "Top-level timings are clear.",
        "conclusion": "sign_off_conditions",
        "summary": "A sound enough basis to go forward.",
    }
    return {**data, **overrides}


class AssessmentCreateTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2015")
        cls.theme = make_theme(name="Support services")
        cls.url = reverse("assessment-create", args=[cls.plan.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_is_refused(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, assessment_data()).status_code, 403)
        self.assertFalse(SmartAssessment.objects.exists())

    def test_missing_plan_is_404(self):
        self.client.force_login(self.pat)
        url = reverse("assessment-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_has_radios_and_a_comment_for_each_criterion(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        for name in ("Specific", "Measurable", "Ambition and achievability", "Resourced", "Timed"):
            self.assertContains(response, f'<h2 class="govuk-heading-m">{name}</h2>')
            self.assertContains(response, f"{name}: rating</legend>")
            self.assertContains(response, f"{name}: comment</label>")
        self.assertContains(response, 'type="radio" value="not_met"', count=5)
        self.assertContains(response, "Sign off with conditions</label>")
        self.assertContains(response, "Pat Example")  # the assessor is the panel member
        self.assertNotContains(response, 'name="assessor"')

    def test_panel_member_records_an_assessment_as_themselves(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, assessment_data(theme=self.theme.pk))
        assessment = SmartAssessment.objects.get()
        self.assertRedirects(
            response, f"/assessments/{assessment.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(assessment.plan, self.plan)
        self.assertEqual(assessment.theme, self.theme)
        self.assertEqual(assessment.assessor, self.pat.person)
        self.assertEqual(assessment.assessed_on, datetime.date(2015, 3, 13))
        self.assertEqual(
            [getattr(assessment, f"{c}_rating") for c in CRITERIA],
            ["adequate", "weak", "adequate", "weak", "strong"],
        )
        self.assertEqual(assessment.resourced_comment, "Senior capacity is stretched.")
        self.assertEqual(assessment.conclusion, "sign_off_conditions")
        self.assertEqual(assessment.history.get().history_user, self.pat)

    def test_secretariat_and_administrator_may_record_one(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url, assessment_data()).status_code, 302)
        self.assertEqual(
            set(SmartAssessment.objects.values_list("assessor", flat=True)),
            {self.sam.person.pk, self.alex.person.pk},
        )

    def test_a_posted_assessor_is_ignored_for_a_user_with_a_person(self):
        other = make_person(organisation=self.panel_org)
        self.client.force_login(self.pat)
        self.client.post(self.url, assessment_data(assessor=other.pk))
        self.assertEqual(SmartAssessment.objects.get().assessor, self.pat.person)

    def test_a_user_without_a_person_picks_a_panel_member(self):
        user = User.objects.create_user("visitor", password="pass-word-123")
        user.groups.add(Group.objects.get(name=Role.PANEL.value))
        chair = make_person(name="John Crabtree", organisation=self.panel_org)
        officer = make_person(name="Council Officer", organisation=self.council)
        self.client.force_login(user)
        response = self.client.get(self.url)
        self.assertContains(response, '<label class="govuk-label" for="id_assessor">Assessor')
        self.assertContains(response, "John Crabtree")
        self.assertNotContains(response, "Council Officer")
        response = self.client.post(self.url, assessment_data())
        self.assertEqual(
            response.context["form"].errors["assessor"],
            ["Choose the panel member who made the assessment"],
        )
        response = self.client.post(self.url, assessment_data(assessor=officer.pk))
        self.assertIn("assessor", response.context["form"].errors)
        self.client.post(self.url, assessment_data(assessor=chair.pk))
        self.assertEqual(SmartAssessment.objects.get().assessor, chair)

    def test_missing_ratings_are_reported_beside_each_criterion_and_input_kept(self):
        self.client.force_login(self.pat)
        data = assessment_data(measurable_rating="", timed_rating="", conclusion="")
        response = self.client.post(self.url, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["measurable_rating"], ["Choose a rating for Measurable"])
        self.assertEqual(errors["timed_rating"], ["Choose a rating for Timed"])
        self.assertEqual(errors["conclusion"], ["Choose the overall conclusion"])
        self.assertContains(response, '<a href="#id_measurable_rating_0">')
        self.assertContains(response, 'id="measurable_rating-error"')
        self.assertContains(response, 'value="adequate" checked', count=2)
        self.assertContains(response, "Senior capacity is stretched.")
        self.assertFalse(SmartAssessment.objects.exists())

    def test_date_cannot_be_in_the_future_or_impossible(self):
        self.client.force_login(self.pat)
        tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
        response = self.client.post(self.url, assessment_data(assessed_on=tomorrow))
        self.assertEqual(
            response.context["form"].errors["assessed_on"],
            ["The date of the assessment cannot be in the future"],
        )
        response = self.client.post(self.url, assessment_data(assessed_on="30/02/2015"))
        self.assertEqual(
            response.context["form"].errors["assessed_on"],
            ["Enter the date of the assessment as a real date, for example 31/03/2019"],
        )
        self.assertFalse(SmartAssessment.objects.exists())


class AssessmentDetailTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2015")
        cls.assessment = SmartAssessment.objects.create(
            plan=cls.plan,
            assessor=make_person(name="John Crabtree", title="Chair of BIIP"),
            assessed_on=datetime.date(2015, 3, 13),
            specific_rating="adequate",
            specific_comment="Broadly clear.",
            measurable_rating="weak",
            ambition_rating="strong",
            resourced_rating="not_met",
            resourced_comment="Senior capacity is stretched.",
            timed_rating="adequate",
            conclusion="not_yet",
            summary="Not yet ready for sign-off.",
        )
        cls.url = reverse("assessment", args=[cls.assessment.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_missing_assessment_is_404(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("assessment", args=[999])).status_code, 404)

    def test_every_role_reads_the_criteria_in_words(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["criteria"],
            [
                ("Specific", "Adequate", "Broadly clear."),
                ("Measurable", "Weak", ""),
                ("Ambition and achievability", "Strong", ""),
                ("Resourced", "Not met", "Senior capacity is stretched."),
                ("Timed", "Adequate", ""),
            ],
        )
        self.assertContains(
            response,
            '<th scope="row" class="govuk-table__header">Resourced</th>'
            '<td class="govuk-table__cell app-nowrap">Not met</td>'
            '<td class="govuk-table__cell">Senior capacity is stretched.</td>',
            html=True,
        )
        self.assertContains(response, "<caption")
        self.assertContains(response, "John Crabtree, Chair of BIIP")
        self.assertContains(response, "13 March 2015")
        self.assertContains(response, "The whole plan")
        self.assertContains(response, "<strong>Not yet</strong>")
        self.assertContains(response, "Not yet ready for sign-off.")
        self.assertContains(response, f'href="/plans/{self.plan.pk}/"')

"""Adding an action to a plan (/plans/<pk>/actions/new/) and editing one
(/actions/<pk>/edit/): validation beside the fields, links to other actions,
recommendations and risks, publication, and edits made by someone else meanwhile."""

import datetime

from django.urls import reverse

from biip.models import RAG
from plans.models import Action, AssuranceStatus, Recommendation, Source
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_risk, make_theme


def make_recommendation(reference: str) -> Recommendation:
    source, _ = Source.objects.get_or_create(name="Kerslake review", kind="review")
    return Recommendation.objects.create(
        source=source, reference=reference, text=f"Recommendation {reference}."
    )


class ActionFormCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.theme = make_theme(name="Financial resilience")
        cls.lead = make_person(name="Clive Heaphy", organisation=cls.council)
        cls.member = make_person(name="Cllr Brigid Jones", organisation=cls.council)
        cls.other = make_action(plan=cls.plan, reference="IP19-01", directorate=cls.finance)
        cls.recommendation = make_recommendation("K-07")
        cls.risk = make_risk(reference="SR-06")

    def action_data(self, **overrides) -> dict:
        data = {
            "reference": "IP19-07",
            "title": "Deliver the Financial Improvement Plan",
            "description": "Following CIPFA's review.",
            "theme": self.theme.pk,
            "directorate": self.finance.pk,
            "lead_officer": self.lead.pk,
            "lead_member": self.member.pk,
            "start_date": "01/04/2019",
            "original_due_date": "31/03/2020",
            "revised_due_date": "",
            "revision_reason": "",
            "success_measure": "Balanced budget.",
            "resources": "Finance team.",
            "dependencies": [self.other.pk],
            "recommendations": [self.recommendation.pk],
            "risks": [self.risk.pk],
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **overrides}


class ActionCreateTest(ActionFormCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("action-create", args=[cls.plan.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.patch(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.action_data()).status_code, 403)
        self.assertEqual(Action.objects.count(), 1)

    def test_missing_plan_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("action-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_is_labelled_and_has_no_rag(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, '<label class="govuk-label" for="id_lead_officer">')
        self.assertContains(response, "Recommendations this action addresses</legend>")
        self.assertContains(response, "Risks this action mitigates</legend>")
        self.assertContains(response, "Actions this action depends on</legend>")
        self.assertContains(response, 'data-aria-controls="conditional-exemption"')
        self.assertNotContains(response, 'name="rag"')
        self.assertNotContains(response, 'name="assurance"')
        self.assertNotContains(response, 'name="plan"')

    def test_secretariat_adds_an_action_to_the_plan(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.action_data(rag="blue", plan=999))
        action = Action.objects.get(reference="IP19-07")
        self.assertRedirects(response, f"/actions/{action.pk}/", fetch_redirect_response=False)
        self.assertEqual(action.plan, self.plan)
        self.assertEqual(action.theme, self.theme)
        self.assertEqual(action.lead_officer, self.lead)
        self.assertEqual(action.lead_member, self.member)
        self.assertEqual(action.start_date, datetime.date(2019, 4, 1))
        self.assertEqual(action.original_due_date, datetime.date(2020, 3, 31))
        self.assertEqual(action.rag, RAG.NOT_RATED)
        self.assertEqual(action.assurance, AssuranceStatus.NOT_REVIEWED)
        self.assertEqual(list(action.dependencies.all()), [self.other])
        self.assertEqual(list(action.recommendations.all()), [self.recommendation])
        self.assertEqual(list(action.risks.all()), [self.risk])
        self.assertEqual(action.history.latest().history_user, self.sam)
        self.assertEqual(
            list(action.history.latest().recommendations.values_list("recommendation", flat=True)),
            [self.recommendation.pk],
        )

    def test_exempt_action_with_paragraph_and_review_date(self):
        self.client.force_login(self.alex)
        data = self.action_data(
            publication_status="exempt",
            exemption_paragraph="3",
            exemption_review_date="31 March 2020",
        )
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        action = Action.objects.get(reference="IP19-07")
        self.assertEqual(action.exemption_paragraph, 3)
        self.assertEqual(action.exemption_review_date, datetime.date(2020, 3, 31))

    def test_a_paragraph_left_behind_on_a_public_action_is_dropped(self):
        self.client.force_login(self.sam)
        data = self.action_data(exemption_paragraph="3", exemption_review_date="31/03/2020")
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        action = Action.objects.get(reference="IP19-07")
        self.assertIsNone(action.exemption_paragraph)
        self.assertIsNone(action.exemption_review_date)

    def test_exempt_needs_paragraph_and_review_date(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.action_data(publication_status="exempt"))
        errors = response.context["form"].errors
        self.assertEqual(
            errors["exemption_paragraph"], ["Choose the Schedule 12A paragraph that applies."]
        )
        self.assertEqual(errors["exemption_review_date"], ["Enter a date to review the exemption."])
        self.assertNotIn("__all__", errors)
        self.assertContains(response, 'id="id_exemption_paragraph-error"')
        self.assertContains(response, 'value="exempt" checked data-aria-controls')
        self.assertFalse(Action.objects.filter(reference="IP19-07").exists())

    def test_due_date_before_start_is_reported_beside_the_due_date(self):
        self.client.force_login(self.sam)
        data = self.action_data(original_due_date="31/03/2019", revised_due_date="01/01/2019")
        response = self.client.post(self.url, data)
        errors = response.context["form"].errors
        self.assertEqual(
            errors["original_due_date"], ["The due date must be on or after the start date"]
        )
        self.assertEqual(
            errors["revised_due_date"],
            ["The revised due date must be on or after the start date"],
        )
        self.assertEqual(errors["revision_reason"], ["Enter why the due date was revised"])
        self.assertNotIn("__all__", errors)
        self.assertContains(response, '<a href="#id_original_due_date">The due date must')
        self.assertContains(response, 'value="31/03/2019"')
        self.assertContains(response, "Following CIPFA&#x27;s review.")
        self.assertFalse(Action.objects.filter(reference="IP19-07").exists())

    def test_duplicate_reference_in_the_plan_is_reported_beside_the_reference(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.action_data(reference="IP19-01"))
        self.assertEqual(
            response.context["form"].errors["reference"],
            ["There is already an action with this reference in the plan"],
        )
        self.assertContains(response, 'id="id_reference-error"')
        self.assertEqual(Action.objects.count(), 1)

    def test_the_same_reference_in_another_plan_is_fine(self):
        url = reverse("action-create", args=[make_plan().pk])
        self.client.force_login(self.sam)
        data = self.action_data(reference="IP19-01", dependencies=[])
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(Action.objects.filter(reference="IP19-01").count(), 2)

    def test_required_fields_and_choices_keep_what_was_ticked(self):
        self.client.force_login(self.sam)
        data = self.action_data(title="", directorate="", lead_officer="")
        response = self.client.post(self.url, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["Enter the action's title"])
        self.assertEqual(errors["directorate"], ["Choose the directorate that leads the action"])
        self.assertEqual(errors["lead_officer"], ["Choose the action's lead officer"])
        self.assertContains(response, f'value="{self.risk.pk}" checked')
        self.assertContains(response, f'value="{self.recommendation.pk}" checked')

    def test_an_action_of_another_plan_cannot_be_a_dependency(self):
        elsewhere = make_action(reference="CGIP-01")
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.action_data(dependencies=[elsewhere.pk]))
        self.assertIn("dependencies", response.context["form"].errors)
        self.assertNotContains(response, "CGIP-01")


class ActionEditTest(ActionFormCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            plan=cls.plan,
            reference="IP19-07",
            title="Deliver the Financial Improvement Plan",
            directorate=cls.finance,
            lead_officer=cls.lead,
            rag=RAG.RED,
            assurance=AssuranceStatus.CHALLENGED,
            assured_rag=RAG.RED,
            revised_due_date=datetime.date(2020, 6, 30),
            revision_reason="Waiting for the audit.",
        )
        cls.url = reverse("action-edit", args=[cls.action.pk])

    def opened_version(self) -> int:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.context["form"].latest_version

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_of_the_directorate_and_panel_are_refused(self):
        version = self.action.history.latest().history_id
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                data = self.action_data(title="Changed", seen_version=version)
                self.assertEqual(self.client.post(self.url, data).status_code, 403)
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Deliver the Financial Improvement Plan")

    def test_missing_action_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("action-edit", args=[999])).status_code, 404)

    def test_form_shows_saved_values_milestones_and_version(self):
        self.action.milestones.create(title="Draft plan", due_date=datetime.date(2019, 9, 30))
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        version = self.action.history.latest().history_id
        self.assertContains(response, f'name="seen_version" value="{version}"')
        self.assertContains(response, 'value="30/06/2020"')
        self.assertContains(response, "Waiting for the audit.")
        self.assertContains(response, "Draft plan")
        self.assertContains(response, f"/actions/{self.action.pk}/milestones/new/")
        own = f'name="dependencies" type="checkbox" value="{self.action.pk}"'
        self.assertNotContains(response, own)  # not its own dependency
        self.assertContains(
            response, f'name="dependencies" type="checkbox" value="{self.other.pk}"'
        )

    def test_edit_saves_with_history_and_leaves_rag_and_assurance(self):
        self.client.force_login(self.sam)
        data = self.action_data(
            title="Deliver the Financial Improvement Plan 2019-20",
            revised_due_date="30/06/2020",
            revision_reason="Waiting for the audit.",
            rag="green",
            assurance="assured",
            seen_version=self.opened_version(),
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(response, f"/actions/{self.action.pk}/", fetch_redirect_response=False)
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Deliver the Financial Improvement Plan 2019-20")
        self.assertEqual(self.action.rag, RAG.RED)
        self.assertEqual(self.action.assurance, AssuranceStatus.CHALLENGED)
        self.assertEqual(self.action.assured_rag, RAG.RED)
        self.assertEqual(self.action.revision_reason, "Waiting for the audit.")
        self.assertEqual(list(self.action.risks.all()), [self.risk])
        self.assertEqual(self.action.history.latest().history_user, self.sam)

    def test_moving_the_revised_due_date_needs_a_reason(self):
        self.client.force_login(self.sam)
        data = self.action_data(revised_due_date="30/09/2020", seen_version=self.opened_version())
        response = self.client.post(self.url, data)
        self.assertEqual(
            response.context["form"].errors["revision_reason"],
            ["Enter why the due date was revised"],
        )
        self.action.refresh_from_db()
        self.assertEqual(self.action.revised_due_date, datetime.date(2020, 6, 30))

    def test_duplicate_reference_on_edit(self):
        self.client.force_login(self.sam)
        data = self.action_data(reference="IP19-01", seen_version=self.opened_version())
        response = self.client.post(self.url, data)
        self.assertIn("reference", response.context["form"].errors)
        self.assertContains(response, '<h1 class="govuk-heading-l">Edit action IP19-07</h1>')
        self.action.refresh_from_db()
        self.assertEqual(self.action.reference, "IP19-07")

    def test_a_change_saved_meanwhile_is_not_overwritten(self):
        self.client.force_login(self.sam)
        seen = self.opened_version()

        self.client.force_login(self.alex)
        alex_data = self.action_data(
            title="Alex's title",
            revised_due_date="30/06/2020",
            revision_reason="Waiting for the audit.",
            seen_version=self.opened_version(),
        )
        self.assertEqual(self.client.post(self.url, alex_data).status_code, 302)

        self.client.force_login(self.sam)
        sams = self.action_data(
            title="Sam's title", revised_due_date="30/06/2020", seen_version=seen
        )
        response = self.client.post(self.url, sams)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertTrue(form.conflict)
        self.assertIn("Alex Example changed this action on", form.non_field_errors()[0])
        self.assertIn(("Title", "Alex's title"), form.conflict_changes)
        self.assertContains(response, "Alex Example changed this action on")
        self.assertContains(response, 'value="Sam&#x27;s title"')
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Alex's title")

        latest = self.action.history.latest().history_id
        self.assertContains(response, f'name="seen_version" value="{latest}"')
        self.client.post(self.url, {**sams, "seen_version": latest})
        self.action.refresh_from_db()
        self.assertEqual(self.action.title, "Sam's title")
        self.assertEqual(self.action.history.latest().history_user, self.sam)

    def test_an_update_saved_meanwhile_also_counts_as_a_change(self):
        self.client.force_login(self.sam)
        seen = self.opened_version()
        self.action.rag = RAG.AMBER  # as an officer's update would
        self.action.save()
        response = self.client.post(self.url, self.action_data(seen_version=seen))
        self.assertEqual(response.status_code, 200)
        self.assertIn(("RAG", "Amber"), response.context["form"].conflict_changes)
        self.assertIn("Someone changed this action", response.context["form"].non_field_errors()[0])

"""Adding a milestone to an action (/actions/<pk>/milestones/new/) and editing one
(/milestones/<pk>/edit/)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Milestone
from tests.base import RolesTestCase
from tests.factories import make_action


class MilestoneCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(reference="IP19-08", directorate=cls.finance)
        cls.milestone = Milestone.objects.create(
            action=cls.action, title="Draft the strategy", due_date=datetime.date(2019, 9, 30)
        )
        cls.create_url = reverse("milestone-create", args=[cls.action.pk])
        cls.edit_url = reverse("milestone-edit", args=[cls.milestone.pk])


class MilestoneCreateTest(MilestoneCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.create_url)
        self.assertRedirects(
            response, f"/sign-in/?next={self.create_url}", fetch_redirect_response=False
        )

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.create_url).status_code, 405)

    def test_officer_of_the_directorate_and_panel_are_refused(self):
        data = {"title": "Consult staff", "due_date": "31/10/2019"}
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.create_url).status_code, 403)
                self.assertEqual(self.client.post(self.create_url, data).status_code, 403)
        self.assertEqual(Milestone.objects.count(), 1)

    def test_missing_action_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("milestone-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_is_labelled(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.create_url)
        self.assertContains(response, '<label class="govuk-label" for="id_due_date">Due date')
        self.assertContains(response, "IP19-08")

    def test_secretariat_adds_a_milestone_with_history(self):
        self.client.force_login(self.sam)
        data = {"title": "Consult staff", "due_date": "31/10/2019", "completed_on": ""}
        response = self.client.post(self.create_url, data)
        self.assertRedirects(response, f"/actions/{self.action.pk}/", fetch_redirect_response=False)
        milestone = Milestone.objects.get(title="Consult staff")
        self.assertEqual(milestone.action, self.action)
        self.assertEqual(milestone.due_date, datetime.date(2019, 10, 31))
        self.assertIsNone(milestone.completed_on)
        self.assertEqual(milestone.history.get().history_user, self.sam)

    def test_bad_input_is_reported_and_kept(self):
        self.client.force_login(self.alex)
        data = {"title": "", "due_date": "31/13/2019"}
        response = self.client.post(self.create_url, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["Enter the milestone's title"])
        self.assertEqual(
            errors["due_date"], ["Enter the due date as a real date, for example 31/03/2019"]
        )
        self.assertContains(response, 'value="31/13/2019"')
        self.assertContains(response, "<title>Error: Add a milestone")
        self.assertEqual(Milestone.objects.count(), 1)


class MilestoneEditTest(MilestoneCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.edit_url)
        self.assertRedirects(
            response, f"/sign-in/?next={self.edit_url}", fetch_redirect_response=False
        )

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.edit_url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        data = {"title": "Changed", "due_date": "30/09/2019"}
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.edit_url).status_code, 403)
                self.assertEqual(self.client.post(self.edit_url, data).status_code, 403)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.title, "Draft the strategy")

    def test_missing_milestone_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("milestone-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_shows_the_saved_values(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.edit_url)
        self.assertContains(response, 'value="Draft the strategy"')
        self.assertContains(response, 'value="30/09/2019"')

    def test_marking_complete_saves_with_history(self):
        self.client.force_login(self.sam)
        data = {
            "title": "Draft the strategy",
            "due_date": "30/09/2019",
            "completed_on": "2 October 2019",
        }
        response = self.client.post(self.edit_url, data)
        self.assertRedirects(response, f"/actions/{self.action.pk}/", fetch_redirect_response=False)
        self.milestone.refresh_from_db()
        self.assertEqual(self.milestone.completed_on, datetime.date(2019, 10, 2))
        self.assertEqual(self.milestone.history.latest().history_user, self.sam)

    def test_a_completion_date_in_the_future_is_refused(self):
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        self.client.force_login(self.sam)
        data = {
            "title": "Draft the strategy",
            "due_date": "30/09/2019",
            "completed_on": tomorrow.strftime("%d/%m/%Y"),
        }
        response = self.client.post(self.edit_url, data)
        self.assertEqual(
            response.context["form"].errors["completed_on"],
            ["The date completed cannot be in the future"],
        )
        self.milestone.refresh_from_db()
        self.assertIsNone(self.milestone.completed_on)

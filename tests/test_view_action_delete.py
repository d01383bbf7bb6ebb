"""Deleting an action (/actions/<pk>/delete/): a confirmation page listing what goes with
it, then a POST that deletes it through plans.restore.delete_action; the secretariat's and
administrators' only."""

import datetime

from django.urls import reverse

from plans.models import Action, Milestone, ProgressUpdate
from tests.base import RolesTestCase
from tests.factories import make_action, make_update


class ActionDeleteTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            reference="IP19-08", directorate=cls.finance, lead_officer=cls.olivia.person
        )
        Milestone.objects.create(
            action=cls.action, title="Draft", due_date=datetime.date(2019, 9, 30)
        )
        cls.update = make_update(cls.action, cls.olivia)
        cls.url = reverse("action-delete", args=[cls.action.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        for method in (self.client.get, self.client.post):
            response = method(self.url)
            self.assertRedirects(
                response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
            )
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())

    def test_missing_action_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("action-delete", args=[self.action.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_confirmation_page_says_what_goes_with_it(self):
        self.client.force_login(self.sam)
        with self.assertNumQueries(9):
            response = self.client.get(self.url)
        self.assertContains(response, "IP19-08")
        self.assertContains(response, "<li>1 milestones</li>", html=True)
        self.assertContains(response, "<li>1 updates</li>", html=True)
        self.assertContains(response, "<li>0 challenges</li>", html=True)
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())

    def test_post_deletes_it_with_the_user_in_the_history(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                action = make_action(directorate=self.finance)
                make_update(action, self.olivia)
                self.client.force_login(user)
                response = self.client.post(reverse("action-delete", args=[action.pk]))
                self.assertRedirects(response, reverse("deleted-actions"))
                self.assertFalse(Action.objects.filter(pk=action.pk).exists())
                self.assertFalse(ProgressUpdate.objects.filter(action_id=action.pk).exists())
                last = Action.history.filter(id=action.pk).latest("history_id")
                self.assertEqual((last.history_type, last.history_user), ("-", user))
                deleted = ProgressUpdate.history.filter(action_id=action.pk, history_type="-")
                self.assertEqual([row.history_user for row in deleted], [user])

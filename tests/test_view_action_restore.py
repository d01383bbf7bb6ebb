"""Deleted actions (/actions/deleted/) and restoring one
(POST /actions/deleted/<pk>/restore/); the secretariat's and administrators' only."""

from django.urls import reverse

from plans.models import Action, ProgressUpdate
from plans.restore import RESTORED, delete_action
from tests.base import RolesTestCase
from tests.factories import make_action, make_update


class DeletedActionsCase(RolesTestCase):
    list_url = reverse("deleted-actions")

    def setUp(self):
        self.action = make_action(reference="IP19-08", directorate=self.finance)
        self.update = make_update(self.action, self.olivia)
        delete_action(user=self.sam, action=self.action)
        self.url = reverse("action-restore", args=[self.action.pk])


class DeletedActionListTest(DeletedActionsCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.list_url)
        self.assertRedirects(
            response, f"/sign-in/?next={self.list_url}", fetch_redirect_response=False
        )

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.list_url).status_code, 405)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.list_url).status_code, 403)

    def test_lists_deleted_actions_with_a_restore_button(self):
        other = make_action(directorate=self.finance)
        delete_action(user=self.alex, action=other)
        self.client.force_login(self.alex)
        with self.assertNumQueries(4):
            response = self.client.get(self.list_url)
        self.assertEqual([row.id for row in response.context["rows"]], [other.pk, self.action.pk])
        self.assertContains(response, f'action="{self.url}"')
        self.assertContains(response, "IP19-08")


class ActionRestoreTest(DeletedActionsCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertFalse(Action.objects.filter(pk=self.action.pk).exists())

    def test_restores_the_action_and_its_updates(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertRedirects(response, self.action.get_absolute_url())
        self.assertTrue(Action.objects.filter(pk=self.action.pk).exists())
        self.assertTrue(ProgressUpdate.objects.filter(pk=self.update.pk).exists())
        last = Action.history.filter(id=self.action.pk).latest("history_id")
        self.assertEqual((last.history_user, last.history_change_reason), (self.sam, RESTORED))
        response = self.client.get(self.list_url)
        self.assertEqual(response.context["rows"], [])

    def test_restoring_twice_is_refused_with_a_message(self):
        self.client.force_login(self.sam)
        self.client.post(self.url)
        response = self.client.post(self.url, follow=True)
        self.assertRedirects(response, self.list_url)
        self.assertContains(response, "not deleted")

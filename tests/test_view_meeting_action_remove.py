"""Removing an action arising recorded in error (/meetings/actions/<pk>/remove/, POST)."""

from django.urls import reverse

from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
)


class MeetingActionRemoveTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        cls.minute = make_minute(make_agenda_item(cls.meeting, number=1), number=1)
        cls.action = make_meeting_action(cls.minute, cls.olivia.person)
        cls.url = reverse("meeting-action-remove", args=[cls.action.pk])

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/actions/{self.action.pk}/remove/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertTrue(MeetingAction.objects.filter(pk=self.action.pk).exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 405)

    def test_the_owner_and_the_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertTrue(MeetingAction.objects.filter(pk=self.action.pk).exists())

    def test_the_secretariat_removes_it_with_history(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        page = reverse("meeting", args=[self.meeting.pk])
        self.assertRedirects(response, f"{page}#actions-arising", fetch_redirect_response=False)
        self.assertFalse(MeetingAction.objects.filter(pk=self.action.pk).exists())
        deleted = MeetingAction.history.filter(id=self.action.pk).latest()
        self.assertEqual((deleted.history_type, deleted.history_user), ("-", self.sam))

    def test_a_promoted_action_stays(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            promoted_to=make_action(directorate=self.finance)
        )
        self.client.force_login(self.alex)
        response = self.client.post(self.url)
        edit = reverse("meeting-action-edit", args=[self.action.pk])
        self.assertRedirects(response, edit, fetch_redirect_response=False)
        self.assertTrue(MeetingAction.objects.filter(pk=self.action.pk).exists())

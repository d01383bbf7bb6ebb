"""Withdrawing publication of the minutes (/meetings/<pk>/withdraw/): a page saying what
will happen, then one button; the message says truthfully what happened."""

import datetime

from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.test_view_minutes_status import messages_of


class MinutesWithdrawTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            date=datetime.date(2019, 1, 29), status=Meeting.Status.MINUTES_AGREED
        )
        make_minute(make_agenda_item(cls.meeting, number=1), number=1, text="Welcome.")
        services.move_minutes(user=cls.sam, meeting=cls.meeting, status="published")
        cls.url = reverse("minutes-withdraw", args=[cls.meeting.pk])
        cls.public_url = reverse("public-meeting", args=[cls.meeting.pk])

    def status(self) -> str:
        self.meeting.refresh_from_db()
        return self.meeting.status

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/withdraw/")

    def test_the_page_says_what_will_happen(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "When you withdraw publication")
        self.assertContains(response, "the public gets “page not found”")
        self.assertEqual(self.status(), "published")

    def test_withdrawing(self):
        self.assertEqual(Client().get(self.public_url).status_code, 200)
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(
            messages_of(response),
            [
                "Publication is withdrawn: the public can no longer see these minutes. "
                "The minutes are still agreed."
            ],
        )
        self.assertEqual(self.status(), "agreed")
        self.assertIsNone(self.meeting.minutes_published_on)
        self.assertEqual(Client().get(self.public_url).status_code, 404)

    def test_the_status_form_sends_withdrawing_here(self):
        self.client.force_login(self.sam)
        response = self.client.post(
            reverse("minutes-status", args=[self.meeting.pk]), {"status": "agreed"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(self.status(), "published")

    def test_minutes_not_published_cannot_be_withdrawn(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(status="drafted")
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertContains(response, "Only published minutes can be withdrawn.", status_code=400)
        self.assertEqual(self.status(), "drafted")

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.status(), "published")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.status(), "published")

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(self.status(), "published")

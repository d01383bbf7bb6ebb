"""A user's calendar feed of upcoming meetings: found by the signed token in its address,
no session needed; 404 for a token that is not genuine or a user no longer active."""

import datetime

from django.urls import reverse
from django.utils import timezone

from meetings.access import calendar_token
from tests.base import RolesTestCase
from tests.factories import make_meeting


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


class MeetingsFeed(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.past = make_meeting(title="Past meeting", date=today - datetime.timedelta(days=1))
        cls.today = make_meeting(title="Meeting today", date=today)
        cls.closed = make_meeting(
            title="Closed meeting, next month", date=today + datetime.timedelta(days=30)
        )
        cls.open = make_meeting(
            title="Public meeting",
            date=today + datetime.timedelta(days=60),
            is_open_to_public=True,
        )

    def feed_url(self, user) -> str:
        return reverse("meetings-feed", args=[calendar_token(user)])

    def test_upcoming_meetings_without_a_session(self):
        response = self.client.get(self.feed_url(self.olivia))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertIn("private", response["Cache-Control"])
        text = response.content.decode("utf-8")
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))
        lines = unfold(text)
        uids = [line for line in lines if line.startswith("UID:")]
        self.assertEqual(
            uids,
            [
                f"UID:meeting-{self.today.pk}@testserver",
                f"UID:meeting-{self.closed.pk}@testserver",
                f"UID:meeting-{self.open.pk}@testserver",
            ],
        )
        self.assertIn("SUMMARY:Closed meeting\\, next month", lines)
        self.assertNotIn("Past meeting", text)
        self.assertIn(f"URL:http://testserver/meetings/{self.closed.pk}/", lines)
        for line in text.split("\r\n"):
            self.assertLessEqual(len(line.encode("utf-8")), 75)

    def test_every_role_has_a_feed(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(self.feed_url(user)).status_code, 200)

    def test_a_bad_token_is_not_found(self):
        good = calendar_token(self.pat)
        for token in ["nonsense", good[:-1] + ("A" if good[-1] != "A" else "B"), "1"]:
            with self.subTest(token=token):
                url = reverse("meetings-feed", args=[token])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_inactive_users_token_is_not_found(self):
        url = self.feed_url(self.oscar)
        self.oscar.is_active = False
        self.oscar.save()
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.feed_url(self.pat)).status_code, 405)

    def test_two_queries(self):
        url = self.feed_url(self.pat)
        with self.assertNumQueries(2):  # the user, the meetings
            self.client.get(url)

"""The public calendar feed: upcoming meetings open to the public, and nothing else."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import PublicationStatus
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.minutes_fixture import SECRETS, make_published_meeting

URL = reverse("public-meetings-feed")


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


class PublicMeetingsFeed(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        make_published_meeting()
        cls.past_open = make_meeting(
            title="Last quarter's public meeting",
            date=today - datetime.timedelta(days=90),
            is_open_to_public=True,
        )
        cls.closed = make_meeting(
            title="Private panel meeting", date=today + datetime.timedelta(days=7)
        )
        cls.open = make_meeting(
            title="Quarterly public meeting",
            date=today + datetime.timedelta(days=14),
            place="Council House, Victoria Square",
            kind="quarterly_public",
            is_open_to_public=True,
        )
        item = make_agenda_item(
            cls.open,
            number=1,
            heading="Bramblecote deficit",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        make_minute(item, number=1, text="Zanzibar dispute")

    def test_upcoming_public_meetings_only(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        text = response.content.decode("utf-8")
        lines = unfold(text)
        self.assertEqual(
            [line for line in lines if line.startswith("UID:")],
            [f"UID:meeting-{self.open.pk}@testserver"],
        )
        self.assertIn("SUMMARY:Quarterly public meeting", lines)
        self.assertIn("LOCATION:Council House\\, Victoria Square", lines)
        self.assertIn("URL:http://testserver/public/meetings/", lines)
        self.assertNotIn("Private panel meeting", text)
        self.assertNotIn("Last quarter", text)
        self.assertNotIn(f"testserver/meetings/{self.open.pk}/", text)

    def test_nothing_withheld_shows(self):
        text = self.client.get(URL).content.decode("utf-8")
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_signed_in_users_get_the_same_public_feed(self):
        self.client.force_login(self.sam)
        text = self.client.get(URL).content.decode("utf-8")
        self.assertNotIn("Private panel meeting", text)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_one_query(self):
        with self.assertNumQueries(1):
            self.client.get(URL)

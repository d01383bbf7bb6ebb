"""The public list of meetings: published meetings only, latest first, without signing
in, and nothing of what they withhold."""

import datetime

from django.urls import reverse

from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_meeting
from tests.minutes_fixture import SECRETS, make_published_meeting, make_unpublished_meetings

URL = reverse("public-meetings")


class PublicMeetingsList(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.january = make_published_meeting()
        cls.march = make_meeting(
            title="March panel meeting",
            date=datetime.date(2019, 3, 26),
            status=Meeting.Status.PUBLISHED,
        )
        cls.drafts = make_unpublished_meetings()

    def test_anyone_may_read_it_without_signing_in(self):
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "meetings/public/meeting_list.html")

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_published_meetings_only_latest_first(self):
        response = self.client.get(URL)
        self.assertEqual(list(response.context["meetings"]), [self.march, self.january])
        text = response.content.decode()
        self.assertLess(text.index("March panel meeting"), text.index("Birmingham Independent"))
        self.assertContains(response, "Tuesday 26 March 2019, 12:15pm to 2:15pm")
        self.assertContains(response, reverse("public-meeting", args=[self.january.pk]))
        self.assertContains(response, reverse("public-minutes-pdf", args=[self.march.pk]))
        for draft in self.drafts:
            self.assertNotContains(response, draft.title)
            self.assertNotContains(response, f'"{reverse("public-meeting", args=[draft.pk])}"')
        self.assertNotContains(response, "Panel and council, February")  # scheduled

    def test_nothing_withheld_shows(self):
        response = self.client.get(URL)
        for secret in SECRETS:
            self.assertNotContains(response, secret)

    def test_links_to_the_public_calendar_feed(self):
        self.assertContains(self.client.get(URL), reverse("public-meetings-feed"))

    def test_one_query(self):
        with self.assertNumQueries(1):
            self.client.get(URL)


class NoPublishedMeetings(RolesTestCase):
    def test_says_so(self):
        make_unpublished_meetings()
        response = self.client.get(URL)
        self.assertContains(response, "No minutes have been published yet.")

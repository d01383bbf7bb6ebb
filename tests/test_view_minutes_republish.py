"""Republishing amended minutes (/meetings/<pk>/republish/): a page listing the changes
the public will see, then one button. Until then the public sees the minutes as
published."""

import datetime

from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.test_view_minutes_status import messages_of

ADDED = "The Plumtree correction was agreed."


class MinutesRepublishTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            date=datetime.date(2019, 1, 29), status=Meeting.Status.MINUTES_AGREED
        )
        cls.item = make_agenda_item(cls.meeting, number=1, heading="Welcome")
        make_minute(cls.item, number=1, text="Welcome.")
        services.move_minutes(user=cls.sam, meeting=cls.meeting, status="published")
        amendment = services.open_amendment(
            user=cls.sam, meeting=cls.meeting, reason="Agreed on 27 February 2019."
        )
        services.add_minute(user=cls.sam, item=cls.item, text=ADDED)
        cls.amendment = services.finish_amendment(user=cls.sam, amendment=amendment)
        cls.url = reverse("minutes-republish", args=[cls.meeting.pk])
        cls.public_url = reverse("public-meeting", args=[cls.meeting.pk])

    def publications(self) -> int:
        return self.meeting.publications.count()

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/republish/")

    def test_the_page_lists_the_changes_the_public_will_see(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "The public will see these changes")
        self.assertContains(response, self.amendment.note)
        self.assertNotContains(Client().get(self.public_url), ADDED)

    def test_republishing(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(
            messages_of(response),
            ["The amended minutes are published: the public now sees the amendments."],
        )
        self.assertEqual(self.publications(), 2)
        public = Client().get(self.public_url)
        self.assertContains(public, ADDED)
        self.assertContains(public, self.amendment.public_note)

    def test_nothing_to_republish(self):
        self.client.force_login(self.sam)
        self.client.post(self.url)
        response = self.client.post(self.url)
        self.assertContains(
            response, "Nothing has been amended since the minutes were published.", status_code=400
        )
        self.assertEqual(self.publications(), 2)

    def test_not_while_an_amendment_is_open(self):
        services.open_amendment(user=self.alex, meeting=self.meeting, reason="Another.")
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertContains(
            response, "The minutes are being amended: finish the amendment first.", status_code=400
        )
        self.assertEqual(self.publications(), 1)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.publications(), 1)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.publications(), 1)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(self.publications(), 1)

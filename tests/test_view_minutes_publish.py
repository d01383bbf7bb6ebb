"""Publishing the minutes (/meetings/<pk>/publish/): a page saying what will happen, then
one button. Publishing freezes the public version."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import PublicationStatus
from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.test_view_minutes_status import messages_of


class MinutesPublishTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            date=datetime.date(2019, 1, 29), status=Meeting.Status.MINUTES_AGREED
        )
        item = make_agenda_item(cls.meeting, number=1, heading="Welcome")
        make_minute(item, number=1, text="The Chair welcomed everyone.")
        make_minute(
            item,
            number=2,
            text="A confidential matter.",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        cls.url = reverse("minutes-publish", args=[cls.meeting.pk])

    def status(self) -> str:
        self.meeting.refresh_from_db()
        return self.meeting.status

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/publish/")

    def test_the_page_says_what_will_happen(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "When you publish the minutes")
        self.assertContains(
            response, "1 withheld item shows only its number and the reason it is withheld"
        )
        self.assertEqual(self.status(), "agreed")

    def test_the_count_is_what_the_public_will_see_once_published(self):
        """Before publishing, the rule withholds everything of the meeting (its minutes are
        not published yet): the page counts what publishing will leave withheld."""
        item = make_agenda_item(self.meeting, number=2, heading="Finance")
        make_minute(item, number=3, text="The forecast improved.")
        make_minute(item, number=4, text="Savings are on track.")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(
            response, "1 withheld item shows only its number and the reason it is withheld"
        )

    def test_publishing(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False
        )
        self.assertEqual(
            messages_of(response),
            ["The minutes are published: the public can now read their public parts."],
        )
        self.assertEqual(self.status(), "published")
        self.assertEqual(self.meeting.minutes_published_on, timezone.localdate())
        publication = self.meeting.publications.get()
        self.assertEqual(publication.published_by, self.sam)
        texts = [m["text"] for item in publication.outline["items"] for m in item["minutes"]]
        self.assertEqual(texts, ["The Chair welcomed everyone.", ""])

    def test_minutes_not_agreed_are_not_published(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(status="drafted")
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertContains(
            response,
            "Minutes that are minutes drafted cannot move to minutes published.",
            status_code=400,
        )
        self.assertEqual(self.status(), "drafted")
        self.assertFalse(self.meeting.publications.exists())

    def test_the_status_form_sends_publishing_here(self):
        self.client.force_login(self.sam)
        response = self.client.post(
            reverse("minutes-status", args=[self.meeting.pk]), {"status": "published"}
        )
        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.assertEqual(self.status(), "agreed")

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.status(), "agreed")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.status(), "agreed")

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.assertEqual(self.status(), "agreed")

"""Finishing an amendment (/meetings/amendments/<pk>/finish/, POST): the minutes are
locked again and the amendment is shown on them; one that changed nothing is removed."""

import datetime

from django.urls import reverse

from meetings import services
from meetings.models import Meeting, MinutesAmendment
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.test_view_minutes_status import messages_of

REASON = "The panel agreed a correction."


class AmendmentFinishTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            date=datetime.date(2019, 1, 29), status=Meeting.Status.MINUTES_AGREED
        )
        cls.item = make_agenda_item(cls.meeting, number=1, heading="Welcome")
        make_minute(cls.item, number=1, text="The Chair welcomed everyone.")

    def setUp(self):
        self.amendment = services.open_amendment(user=self.sam, meeting=self.meeting, reason=REASON)
        self.url = reverse("amendment-finish", args=[self.amendment.pk])

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/amendments/{self.amendment.pk}/finish/")

    def test_finishing_records_the_amendment_and_locks_the_minutes(self):
        services.add_minute(user=self.sam, item=self.item, text="A missing minute.")
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/#amendments", fetch_redirect_response=False
        )
        self.amendment.refresh_from_db()
        self.assertIsNotNone(self.amendment.finished_at)
        self.assertEqual(self.amendment.change_list, ["minute 2 added under item 1"])
        self.assertEqual(messages_of(response), [self.amendment.note])
        self.assertIn(f"Reason: {REASON}", self.amendment.note)
        self.assertTrue(self.meeting.is_locked_for(self.sam))
        page = self.client.get(reverse("meeting", args=[self.meeting.pk]))
        self.assertContains(page, "Amend the agreed minutes")
        self.assertContains(page, self.amendment.note)

    def test_an_amendment_that_changed_nothing_is_not_recorded(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url)
        self.assertEqual(
            messages_of(response), ["You made no change, so no amendment is recorded."]
        )
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_only_its_maker_finishes_it(self):
        self.client.force_login(self.alex)
        self.assertEqual(self.client.post(self.url).status_code, 403)
        self.amendment.refresh_from_db()
        self.assertIsNone(self.amendment.finished_at)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.amendment.refresh_from_db()
        self.assertIsNone(self.amendment.finished_at)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.amendment.refresh_from_db()
        self.assertIsNone(self.amendment.finished_at)

    def test_missing_amendment_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("amendment-finish", args=[999999])
        self.assertEqual(self.client.post(url).status_code, 404)

"""Opening an amendment of agreed minutes (/meetings/<pk>/amend/): the secretariat says
why; until they finish it, their changes are recorded in it."""

import datetime

from django.urls import reverse

from meetings.models import Meeting, MinutesAmendment
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.test_view_minutes_status import messages_of

REASON = "The panel agreed a correction on 27 February 2019."


class MinutesAmendTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            date=datetime.date(2019, 1, 29), status=Meeting.Status.MINUTES_AGREED
        )
        cls.item = make_agenda_item(cls.meeting, number=1, heading="Welcome")
        make_minute(cls.item, number=1, text="The Chair welcomed everyone.")
        cls.url = reverse("minutes-amend", args=[cls.meeting.pk])

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/amend/")

    def test_the_page_says_what_will_happen(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "Each change you make is recorded in the amendment")
        self.assertContains(response, "Why are the minutes being amended?")

    def test_secretariat_opens_an_amendment_then_may_edit(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": f"  {REASON}  "})
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/#amendments", fetch_redirect_response=False
        )
        amendment = MinutesAmendment.objects.get(meeting=self.meeting)
        self.assertEqual(amendment.reason, REASON)
        self.assertEqual(amendment.made_by, self.sam)
        self.assertIsNone(amendment.finished_at)
        self.assertEqual(amendment.history.get().history_user, self.sam)
        self.assertIn("You are amending the agreed minutes.", messages_of(response)[0])
        edit = self.client.get(reverse("minute-create", args=[self.item.pk]))
        self.assertNotContains(edit, "These minutes are agreed")
        page = self.client.get(reverse("meeting", args=[self.meeting.pk]))
        self.assertContains(page, "You are amending these agreed minutes.")
        self.assertContains(page, "Finish the amendment")

    def test_a_reason_is_required(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors, {"reason": ["Say why the minutes are being amended"]}
        )
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_minutes_not_yet_agreed_are_edited_directly(self):
        draft = make_meeting(status=Meeting.Status.MINUTES_DRAFTED)
        self.client.force_login(self.sam)
        response = self.client.post(reverse("minutes-amend", args=[draft.pk]), {"reason": REASON})
        self.assertContains(response, "These minutes are not agreed yet: edit them directly.")
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_one_amendment_at_a_time(self):
        MinutesAmendment.objects.create(meeting=self.meeting, reason="First", made_by=self.alex)
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"reason": REASON})
        self.assertContains(response, "is already amending these minutes")
        self.assertEqual(MinutesAmendment.objects.count(), 1)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url, {"reason": REASON}).status_code, 405)
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"reason": REASON})
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_officers_and_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, {"reason": REASON}).status_code, 403)
        self.assertFalse(MinutesAmendment.objects.exists())

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("minutes-amend", args=[999999])).status_code, 404)

"""The meetings list (/meetings/): upcoming meetings soonest first, then past ones."""

import datetime

from django.urls import reverse
from django.utils import timezone

from meetings.access import user_of_calendar_token
from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_meeting_action, make_minute

MEETINGS = reverse("meetings")


class MeetingListTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        today = timezone.localdate()
        cls.soon = make_meeting(title="Next panel meeting", date=today + datetime.timedelta(7))
        cls.later = make_meeting(title="Public meeting", date=today + datetime.timedelta(40))
        cls.last = make_meeting(title="Last panel meeting", date=today - datetime.timedelta(20))
        cls.older = make_meeting(title="Older meeting", date=today - datetime.timedelta(60))
        item = make_agenda_item(cls.last)
        minute = make_minute(item)
        make_meeting_action(minute, cls.olivia.person)
        make_meeting_action(
            minute,
            cls.olivia.person,
            status=MeetingAction.Status.DONE,
            completed_on=today,
        )

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(MEETINGS)
        self.assertRedirects(response, f"/sign-in/?next={MEETINGS}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(MEETINGS).status_code, 405)

    def test_every_role_sees_upcoming_then_past(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(MEETINGS)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["upcoming"]), [self.soon, self.later])
                self.assertEqual(list(response.context["past"]), [self.last, self.older])
        last = response.context["past"][0]
        self.assertEqual((last.item_count, last.open_action_count), (1, 1))

    def test_only_the_secretariat_and_administrators_are_offered_to_add_a_meeting(self):
        add = reverse("meeting-create")
        for user, offered in [
            (self.olivia, False),
            (self.pat, False),
            (self.sam, True),
            (self.alex, True),
        ]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(
                    f'href="{add}"' in self.client.get(MEETINGS).content.decode(), offered
                )

    def test_the_calendar_feed_address_is_the_users_own(self):
        self.client.force_login(self.pat)
        response = self.client.get(MEETINGS)
        token = response.context["calendar_token"]
        self.assertEqual(user_of_calendar_token(token), self.pat)
        self.assertContains(response, reverse("meetings-feed", args=[token]))

    def test_queries_do_not_grow_with_the_meetings(self):
        self.client.force_login(self.pat)
        with self.assertNumQueries(5):  # session, user, groups, upcoming, past
            self.client.get(MEETINGS)
        for days in range(1, 6):
            make_meeting(date=timezone.localdate() - datetime.timedelta(days=100 + days))
        with self.assertNumQueries(5):
            self.client.get(MEETINGS)

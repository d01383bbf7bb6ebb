"""Editing a meeting's details (/meetings/<pk>/edit/)."""

import datetime

from django.urls import reverse

from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_meeting


class MeetingEditTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(title="Panel and Council", place="Snow Hill")
        cls.following = make_meeting(title="Next panel", date=datetime.date(2019, 2, 27))
        cls.url = reverse("meeting-edit", args=[cls.meeting.pk])

    def data(self, **changes):
        data = {
            "seen_version": self.meeting.history.latest().history_id,
            "title": "Panel and Council",
            "date": "29/01/2019",
            "start_time": "12:15",
            "end_time": "14:15",
            "place": "Snow Hill",
            "kind": "monthly",
            "next_meeting": "",
        }
        return {**data, **changes}

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/edit/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, self.data(title="Changed"))
                self.assertEqual(response.status_code, 403)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.title, "Panel and Council")

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("meeting-edit", args=[999])).status_code, 404)

    def test_form_shows_the_saved_values_and_later_meetings_only(self):
        earlier = make_meeting(title="December panel", date=datetime.date(2018, 12, 18))
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Edit the meeting")
        self.assertContains(response, 'value="29/01/2019"')
        self.assertContains(response, 'value="12:15"')
        self.assertContains(response, 'value="14:15"')
        self.assertContains(
            response, f'href="/meetings/{self.meeting.pk}/" class="govuk-back-link"'
        )
        choices = list(response.context["form"].fields["next_meeting"].queryset)
        self.assertEqual(choices, [self.following])
        self.assertNotIn(earlier, choices)

    def test_secretariat_saves_changes(self):
        self.client.force_login(self.sam)
        data = self.data(
            title="Panel, Council and MHCLG",
            end_time="2:30pm",
            next_meeting=self.following.pk,
            kind="quarterly_public",
            is_open_to_public="on",
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(
            response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False
        )
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.title, "Panel, Council and MHCLG")
        self.assertEqual(self.meeting.end_time, datetime.time(14, 30))
        self.assertEqual(self.meeting.next_meeting, self.following)
        self.assertTrue(self.meeting.is_open_to_public)
        self.assertEqual(self.meeting.kind, Meeting.Kind.QUARTERLY_PUBLIC)
        self.assertEqual(self.meeting.history.latest().history_user, self.sam)

    def test_administrator_may_edit(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.url, self.data(place="Council House"))
        self.assertEqual(response.status_code, 302)
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.place, "Council House")

    def test_the_end_must_be_after_the_start(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(end_time="12:00"))
        self.assertEqual(
            response.context["form"].errors["end_time"], ["The meeting must end after it starts"]
        )
        self.assertContains(response, "<title>Error: Edit the meeting")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.end_time, datetime.time(14, 15))

    def test_a_change_saved_since_the_form_was_opened_is_not_overwritten(self):
        seen = self.meeting.history.latest().history_id
        self.meeting.place = "Council House"
        self.meeting.save()
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(seen_version=seen, place="Elsewhere"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["form"].conflict)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.meeting.refresh_from_db()
        self.assertEqual(self.meeting.place, "Council House")

"""Adding a meeting (/meetings/add/): the secretariat's and administrators' only."""

import datetime

from django.urls import reverse

from meetings.models import Attendance, FormalAdvice, Meeting, MeetingAction
from tests.base import RolesTestCase
from tests.factories import make_meeting

URL = reverse("meeting-create")

GOOD = {
    "title": "Birmingham Independent Improvement Panel and Birmingham City Council",
    "date": "29/01/2019",
    "start_time": "12.15pm",
    "end_time": "14:15",
    "place": "Gowling WLG offices, Snow Hill, Birmingham",
    "kind": "monthly",
    "next_meeting": "",
}


class MeetingCreateTest(RolesTestCase):
    def test_the_url(self):
        self.assertEqual(URL, "/meetings/add/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, f"/sign-in/?next={URL}", fetch_redirect_response=False)
        self.client.post(URL, GOOD)
        self.assertFalse(Meeting.objects.exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(URL).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)
                self.assertEqual(self.client.post(URL, GOOD).status_code, 403)
        self.assertFalse(Meeting.objects.exists())

    def test_form_is_labelled_with_a_way_back(self):
        self.client.force_login(self.sam)
        response = self.client.get(URL)
        self.assertContains(response, "<title>Add a meeting")
        self.assertContains(response, '<label class="govuk-label" for="id_start_time">Start time')
        self.assertContains(response, 'href="/meetings/" class="govuk-back-link"')
        self.assertContains(response, 'type="radio" value="quarterly_public"')

    def test_secretariat_adds_a_meeting(self):
        self.client.force_login(self.sam)
        response = self.client.post(URL, GOOD, follow=False)
        meeting = Meeting.objects.get()
        self.assertRedirects(response, f"/meetings/{meeting.pk}/", fetch_redirect_response=False)
        self.assertEqual(meeting.date, datetime.date(2019, 1, 29))
        self.assertEqual(meeting.start_time, datetime.time(12, 15))
        self.assertEqual(meeting.end_time, datetime.time(14, 15))
        self.assertEqual(meeting.kind, Meeting.Kind.MONTHLY)
        self.assertFalse(meeting.is_open_to_public)
        self.assertEqual(meeting.status, Meeting.Status.SCHEDULED)
        self.assertEqual(meeting.history.get().history_user, self.sam)
        messages = [str(m) for m in response.wsgi_request._messages]
        self.assertEqual(messages, [f"{meeting} has been added."])

    def test_administrator_adds_an_open_meeting_with_its_next_meeting(self):
        following = make_meeting(date=datetime.date(2019, 2, 27))
        self.client.force_login(self.alex)
        data = {**GOOD, "is_open_to_public": "on", "next_meeting": following.pk}
        self.client.post(URL, data)
        meeting = Meeting.objects.exclude(pk=following.pk).get()
        self.assertTrue(meeting.is_open_to_public)
        self.assertEqual(meeting.next_meeting, following)

    def test_the_end_must_be_after_the_start(self):
        self.client.force_login(self.sam)
        for end in ("12:15", "11am"):
            with self.subTest(end=end):
                response = self.client.post(URL, {**GOOD, "end_time": end})
                self.assertEqual(
                    response.context["form"].errors,
                    {"end_time": ["The meeting must end after it starts"]},
                )
                self.assertContains(response, "<title>Error: Add a meeting")
                self.assertContains(response, '<a href="#id_end_time">')
                self.assertContains(response, f'value="{end}"')
        self.assertFalse(Meeting.objects.exists())

    def test_missing_and_bad_input_is_reported_beside_each_field(self):
        self.client.force_login(self.sam)
        data = {"title": "", "date": "31/02/2019", "start_time": "noon", "end_time": ""}
        response = self.client.post(URL, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["title"], ["Enter the meeting's title"])
        self.assertEqual(
            errors["date"],
            ["Enter the date of the meeting as a real date, for example 31/03/2019"],
        )
        self.assertEqual(
            errors["start_time"], ["Enter the start time as a time, for example 14:15 or 2:15pm"]
        )
        self.assertEqual(errors["end_time"], ["Enter the time the meeting ends"])
        self.assertEqual(errors["kind"], ["Choose the kind of meeting"])
        self.assertContains(response, 'value="noon"')
        self.assertFalse(Meeting.objects.exists())

    def test_the_next_meeting_must_come_after(self):
        earlier = make_meeting(date=datetime.date(2018, 12, 18))
        self.client.force_login(self.sam)
        response = self.client.post(URL, {**GOOD, "next_meeting": earlier.pk})
        self.assertEqual(
            response.context["form"].errors,
            {"next_meeting": ["The next meeting must be after this one"]},
        )
        self.assertEqual(Meeting.objects.count(), 1)


class MinuteAMeetingEndToEndTest(RolesTestCase):
    """The secretariat minutes a meeting from nothing to published, through the pages."""

    def test_from_a_new_meeting_to_published_minutes(self):
        self.client.force_login(self.sam)
        self.client.post(URL, GOOD)
        meeting = Meeting.objects.get()
        following = make_meeting(title="Next panel", date=datetime.date(2019, 2, 27))
        pk = meeting.pk
        self.client.post(
            reverse("attendance", args=[pk]),
            {
                "who": "new",
                "new_name": "John Crabtree",
                "new_organisation": self.panel_org.pk,
                "new_title": "Chair of BIIP",
                "group": "panel",
                "role": "chair",
                "title_at_meeting": "Chair of BIIP and the meeting",
                "presence": "present",
            },
        )
        publication = {"publication_status": "public"}
        for heading in ("Welcome and apologies", "Industrial relations"):
            self.client.post(
                reverse("agenda-item-create", args=[pk]), {"heading": heading, **publication}
            )
        welcome, relations = meeting.agenda_items.order_by("number")
        self.client.post(
            reverse("agenda-item-edit", args=[relations.pk]),
            {
                "seen_version": relations.history.latest().history_id,
                "heading": "Industrial relations",
                "publication_status": "exempt",
                "exemption_paragraph": "4",
                "exemption_review_date": "31/03/2020",
            },
        )
        for item, text in ((relations, "The waste dispute."), (welcome, "John welcomed all.")):
            self.client.post(
                reverse("minute-create", args=[item.pk]), {"text": text, **publication}
            )
        minutes = list(meeting.minutes.order_by("number").values_list("number", "text"))
        self.assertEqual(minutes, [(1, "John welcomed all."), (2, "The waste dispute.")])
        self.client.post(
            reverse("meeting-action-create", args=[meeting.minutes.get(number=1).pk]),
            {"description": "Circulate the papers", "owner": self.sam.person.pk, **publication},
        )
        self.client.post(reverse("formal-advice", args=[pk]), {"given": "none"})
        status_url = reverse("minutes-status", args=[pk])
        for data in (
            {"status": "held"},
            {"status": "drafted"},
            {"status": "agreed", "agreed_at": following.pk},
        ):
            response = self.client.post(status_url, data)
            self.assertEqual(response.status_code, 302, data)
        response = self.client.post(status_url, {"status": "published"})
        self.assertRedirects(response, reverse("minutes-publish", args=[pk]))
        self.assertEqual(self.client.post(reverse("minutes-publish", args=[pk])).status_code, 302)
        meeting.refresh_from_db()
        self.assertEqual(meeting.status, Meeting.Status.PUBLISHED)
        self.assertEqual(meeting.minutes_agreed_at, following)
        self.assertEqual(Attendance.objects.get(meeting=meeting).person.name, "John Crabtree")
        self.assertEqual(MeetingAction.objects.get().minute.number, 1)
        self.assertTrue(FormalAdvice.objects.get(meeting=meeting).none_given)
        self.assertEqual(meeting.agenda_items.get(number=2).exemption_paragraph, 4)

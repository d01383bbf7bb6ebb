"""The meeting page (/meetings/<pk>/): heading, attendance by group, the agenda with its
numbered minutes, actions arising, formal advice, matters arising, the next meeting."""

import datetime

from django.urls import reverse

from biip.models import PublicationStatus
from meetings.models import Attendance, FormalAdvice, Meeting, MeetingAction
from tests.base import RolesTestCase
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_person,
)


class MeetingPageTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.earlier = make_meeting(title="December meeting", date=datetime.date(2018, 12, 18))
        cls.next = make_meeting(title="February meeting", date=datetime.date(2019, 2, 27))
        cls.meeting = make_meeting(
            title="Panel and council",
            date=datetime.date(2019, 1, 29),
            place="Snow Hill, Birmingham",
            next_meeting=cls.next,
            status=Meeting.Status.PUBLISHED,
        )
        chair = make_person(name="John Crabtree", organisation=cls.panel_org)
        make_attendance(
            cls.meeting, chair, role=Attendance.MeetingRole.CHAIR, title_at_meeting="Chair"
        )
        make_attendance(
            cls.meeting,
            make_person(name="Dawn Baxendale", organisation=cls.council),
            group=Attendance.Group.COUNCIL,
            title_at_meeting="Chief Executive",
        )
        make_attendance(
            cls.meeting,
            make_person(name="Kate Charlton", organisation=cls.council),
            group=Attendance.Group.COUNCIL,
            presence=Attendance.Presence.APOLOGIES,
        )
        welcome = make_agenda_item(cls.meeting, number=1, heading="Welcome and apologies")
        cls.first = make_minute(welcome, number=1, text="The chair welcomed everyone.")
        relations = make_agenda_item(
            cls.meeting,
            number=2,
            heading="Industrial relations",
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2020, 1, 29),
        )
        make_minute(relations, number=2, text="The disputes were discussed.")
        make_minute(relations, number=3, text="Options were weighed.")
        cls.arising = make_meeting_action(
            cls.first, cls.olivia.person, description="Share the guidance pack"
        )
        FormalAdvice.objects.create(meeting=cls.meeting, none_given=True)
        old_item = make_agenda_item(cls.earlier, number=1, heading="Finance")
        old_minute = make_minute(old_item, number=1)
        cls.still_open = make_meeting_action(
            old_minute, cls.olivia.person, description="Report the M8 position"
        )
        make_meeting_action(
            old_minute,
            cls.olivia.person,
            description="Circulate the timetable",
            status=MeetingAction.Status.DONE,
            completed_on=datetime.date(2019, 1, 10),
        )
        cls.url = reverse("meeting", args=[cls.meeting.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_an_unknown_meeting_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("meeting", args=[999999])).status_code, 404)

    def test_every_role_reads_the_whole_meeting(self):
        for user in self.users_by_role.values():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Tuesday 29 January 2019, 12:15pm to 2:15pm")
        self.assertContains(response, "Snow Hill, Birmingham")
        outline = response.context["outline"]
        self.assertEqual([group for group, _ in outline.present], ["Panel", "Council"])
        self.assertEqual([row.person.name for row in outline.apologies], ["Kate Charlton"])
        # Internal readers see exempt content, marked as exempt.
        self.assertContains(response, "The disputes were discussed.")
        self.assertContains(response, "Exempt, paragraph 4")
        self.assertContains(
            response,
            '<span class="app-minute-number">1.</span> <strong>Welcome and apologies:</strong>',
            html=False,
        )
        self.assertContains(response, "Share the guidance pack")
        self.assertContains(response, "None was given at this meeting.")
        self.assertContains(response, "Wednesday 27 February 2019, 12:15pm to 2:15pm")

    def test_matters_arising_are_the_open_actions_of_earlier_meetings(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertEqual(response.context["matters_arising"], [self.still_open])
        later = self.client.get(reverse("meeting", args=[self.next.pk]))
        self.assertEqual(later.context["matters_arising"], [self.still_open, self.arising])
        self.assertContains(later, "Overdue")

    def test_editing_links_are_the_secretariats(self):
        edit = reverse("meeting-edit", args=[self.meeting.pk])
        for user, offered in [(self.olivia, False), (self.pat, False), (self.sam, True)]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                content = self.client.get(self.url).content.decode()
                self.assertEqual(f'href="{edit}"' in content, offered)
                self.assertEqual('id="minutes-status"' in content, offered)

    def test_queries_do_not_grow_with_the_minutes(self):
        self.client.force_login(self.sam)
        with self.assertNumQueries(14):  # with the amendments and the publication
            self.client.get(self.url)
        item = make_agenda_item(self.meeting, number=3, heading="Finance")
        for number in range(4, 10):
            minute = make_minute(item, number=number)
            make_meeting_action(minute, self.olivia.person)
        make_attendance(self.meeting, make_person(name="Clive Heaphy"))
        with self.assertNumQueries(14):  # with the amendments and the publication
            self.client.get(self.url)

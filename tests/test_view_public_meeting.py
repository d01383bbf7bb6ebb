"""The public page of a published meeting: no sign-in, the public outline only. Withheld
items show their number, their minute numbers, "Withheld" and the reason, never their
text; an unpublished meeting is not found."""

import datetime

from django.urls import reverse

from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute
from tests.minutes_fixture import (
    EXEMPT_REASON,
    SECRETS,
    make_published_meeting,
    make_unpublished_meetings,
)


class PublicMeetingPage(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("public-meeting", args=[cls.meeting.pk])

    def test_anyone_may_read_it_without_signing_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "meetings/public/meeting_detail.html")
        self.assertTrue(response.context["outline"].public)

    def test_signed_in_users_see_the_public_version_too(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["outline"].public)
        for secret in SECRETS:
            self.assertNotContains(response, secret)

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_heading_attendance_and_apologies(self):
        response = self.client.get(self.url)
        self.assertContains(
            response,
            '<h1 class="govuk-heading-l"><span class="govuk-caption-l">Minutes</span> '
            "Birmingham Independent Improvement Panel and Birmingham City Council</h1>",
            html=True,
        )
        self.assertContains(response, "Tuesday 29 January 2019, 12:15pm to 2:15pm")
        self.assertContains(response, "Gowling WLG offices, Snow Hill, Birmingham")
        self.assertContains(response, "<li>John Crabtree, Chair of BIIP</li>", html=True)
        self.assertContains(response, "<li>Dawn Baxendale, Chief Executive</li>", html=True)
        self.assertContains(response, "<li>Kate Charlton, City Solicitor</li>", html=True)
        text = response.content.decode()
        self.assertLess(text.index(">Panel<"), text.index(">Council<"))
        self.assertLess(text.index(">Council<"), text.index(">Government<"))
        self.assertLess(text.index("Alex Powell"), text.index("Kate Charlton"))

    def test_public_minutes_in_order(self):
        text = self.client.get(self.url).content.decode()
        order = [
            "1. Welcome and apologies",
            "The Chair welcomed everyone",
            "2. Budget update",
            "The overspend was down to £2.8m",
            "4. Close",
            "John Crabtree closed the meeting.",
        ]
        positions = [text.index(phrase) for phrase in order]
        self.assertEqual(positions, sorted(positions))

    def test_withheld_item_shows_its_numbers_and_reason_not_its_text(self):
        response = self.client.get(self.url)
        self.assertContains(
            response,
            '<h3 class="govuk-heading-s" id="item-3-heading">3. Withheld</h3>',
            html=True,
        )
        self.assertContains(response, f"Minutes 5 to 6: withheld. {EXEMPT_REASON}")
        self.assertContains(response, "Confidential")
        self.assertContains(
            response,
            '<p class="govuk-body" id="minute-4"><strong>4.</strong> Withheld. Confidential.</p>',
            html=True,
        )
        for secret in SECRETS:
            self.assertNotContains(response, secret)

    def test_actions_arising_withheld_ones_as_withheld(self):
        response = self.client.get(self.url)
        self.assertContains(response, "Report the month 10 position to the Panel.")
        self.assertContains(response, "Clive Heaphy")
        self.assertContains(response, "27 February 2019")
        self.assertContains(response, "Withheld. Confidential.")
        self.assertContains(response, "Withheld with its minute.")

    def test_formal_advice_and_next_meeting_date_and_time_only(self):
        response = self.client.get(self.url)
        self.assertContains(response, "No formal advice was given at this meeting.")
        self.assertContains(response, "Wednesday 27 February 2019, 12:15pm to 2:15pm")
        self.assertNotContains(response, "Panel and council, February")
        self.assertNotContains(response, "Victoria Square")

    def test_links_to_the_public_documents_only(self):
        response = self.client.get(self.url)
        pk = self.meeting.pk
        self.assertContains(response, reverse("public-minutes-document", args=[pk]))
        self.assertContains(response, reverse("public-minutes-pdf", args=[pk]))
        self.assertNotContains(response, f'href="{reverse("minutes-pdf", args=[pk])}"')
        self.assertNotContains(response, f'href="{reverse("minutes-document", args=[pk])}"')
        self.assertNotContains(response, f'href="{reverse("meeting", args=[pk])}"')

    def test_a_fixed_number_of_queries(self):
        with self.assertNumQueries(8):  # with the publication and amendments
            self.client.get(self.url)
        item = make_agenda_item(self.meeting, number=9, heading="Any other business")
        make_minute(item, number=9, text="None.")
        with self.assertNumQueries(8):  # with the publication and amendments
            self.client.get(self.url)


class UnpublishedMeetingsAreNotFound(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meetings = make_unpublished_meetings()

    def test_every_stage_before_publication_is_not_found(self):
        for meeting in self.meetings:
            with self.subTest(status=meeting.status):
                url = reverse("public-meeting", args=[meeting.pk])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_not_found_even_for_the_secretariat(self):
        self.client.force_login(self.sam)
        url = reverse("public-meeting", args=[self.meetings[-1].pk])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_unknown_meeting_is_not_found(self):
        self.assertEqual(self.client.get(reverse("public-meeting", args=[999999])).status_code, 404)


class MeetingWithoutNextMeetingOrAdvice(RolesTestCase):
    def test_says_so(self):
        meeting = make_meeting(status="published", date=datetime.date(2019, 3, 26))
        response = self.client.get(reverse("public-meeting", args=[meeting.pk]))
        self.assertContains(response, "The date of the next meeting has not been set.")
        self.assertContains(response, "No formal advice has been recorded for this meeting.")
        self.assertContains(response, "No actions arose at this meeting.")
        self.assertNotContains(response, "Some items are withheld")

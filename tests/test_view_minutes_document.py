"""The minutes as a print-ready document: the internal version (signed in, everything,
with what will be withheld marked) and the public version (published meetings only, the
public outline only)."""

from django.urls import reverse

from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_minute
from tests.minutes_fixture import (
    EXEMPT_REASON,
    SECRETS,
    make_published_meeting,
    make_unpublished_meetings,
)


def positions(text: str, phrases: list[str]) -> list[int]:
    return [text.index(phrase) for phrase in phrases]


class InternalMinutesDocumentAccess(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("minutes-document", args=[cls.meeting.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_every_role_may_read_it(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.context["outline"].public)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).status, "published")

    def test_unknown_meeting_is_not_found(self):
        self.client.force_login(self.pat)
        url = reverse("minutes-document", args=[999999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_unpublished_meetings_too(self):
        self.client.force_login(self.pat)
        for meeting in make_unpublished_meetings():
            url = reverse("minutes-document", args=[meeting.pk])
            self.assertContains(self.client.get(url), "Draft minute text.")


class InternalMinutesDocument(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("minutes-document", args=[cls.meeting.pk])

    def setUp(self):
        self.client.force_login(self.pat)

    def test_its_own_print_template_not_the_app_chrome(self):
        response = self.client.get(self.url)
        self.assertTemplateUsed(response, "meetings/documents/minutes.html")
        self.assertTemplateNotUsed(response, "base.html")
        self.assertContains(response, '<html lang="en-GB">')
        self.assertContains(response, "documents/minutes.css")
        self.assertNotContains(response, "govuk-template")
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "<script")
        self.assertContains(
            response,
            "<title>Minutes: Birmingham Independent Improvement Panel and Birmingham City "
            "Council, 29 January 2019</title>",
        )
        self.assertContains(response, '<p class="marking">OFFICIAL-SENSITIVE</p>')
        self.assertContains(response, reverse("minutes-pdf", args=[self.meeting.pk]))

    def test_heading_block_and_attendees_by_group(self):
        response = self.client.get(self.url)
        self.assertContains(
            response,
            "Meeting</span> Birmingham Independent Improvement Panel and Birmingham City "
            "Council</h1>",
        )
        self.assertContains(response, "Tuesday 29 January 2019, 12:15pm to 2:15pm")
        self.assertContains(response, "Gowling WLG offices, Snow Hill, Birmingham")
        self.assertContains(
            response,
            '<p class="attendees"><strong>Panel:</strong> John Crabtree, Chair of BIIP; '
            "Frances Done, BIIP Vice-chair</p>",
            html=True,
        )
        self.assertContains(
            response,
            '<p class="attendees"><strong>Council:</strong> Dawn Baxendale, Chief Executive</p>',
            html=True,
        )
        self.assertContains(
            response, '<p class="attendees">Kate Charlton, City Solicitor</p>', html=True
        )

    def test_everything_with_what_will_be_withheld_marked(self):
        response = self.client.get(self.url)
        # every secret but the exempt item's presenter and papers, which minutes do not give
        for secret in set(SECRETS) - {"Marrowbone papers", "Ulrika Undisclosed"}:
            self.assertContains(response, secret)
        self.assertContains(
            response,
            '<p class="minute__text"><span class="status">Confidential</span> '
            "The Bramblecote deficit was discussed.</p>",
            html=True,
        )
        self.assertContains(
            response,
            '<p class="minute__text"><span class="status">Exempt (paragraph 4)</span> '
            "<strong>Quillfeather industrial relations:</strong> "
            "The Zanzibar dispute was reported.</p>",
            html=True,
        )
        # a public minute under an exempt item is withheld with it: marked with its status
        self.assertContains(
            response,
            '<p class="minute__text"><span class="status">Exempt (paragraph 4)</span> '
            "The Kettlewell settlement was noted.</p>",
            html=True,
        )
        self.assertContains(
            response,
            '<td><span class="status">Confidential</span> Commission the Periwinkle audit.</td>',
            html=True,
        )
        self.assertContains(
            response,
            '<td><span class="status">Confidential</span> Circulate the Larkspur memo.</td>',
            html=True,
        )
        self.assertNotContains(response, "withheld.</strong>")

    def test_agenda_heading_in_bold_at_the_start_of_its_first_minute_in_order(self):
        response = self.client.get(self.url)
        self.assertContains(
            response,
            '<p class="minute__text"><strong>Welcome and apologies:</strong> '
            "The Chair welcomed everyone to the meeting.</p>",
            html=True,
        )
        self.assertContains(
            response,
            '<p class="minute__text">Apologies were received from Kate Charlton.</p>',
            html=True,
        )
        text = response.content.decode()
        numbers = [f'<span class="minute__number">{n}.</span>' for n in range(1, 8)]
        self.assertEqual(positions(text, numbers), sorted(positions(text, numbers)))

    def test_actions_table_advice_and_next_meeting(self):
        response = self.client.get(self.url)
        self.assertContains(response, '<th scope="col"', count=4)
        for header in ["Minute", "Action", "Owner", "Due"]:
            self.assertContains(response, f">{header}</th>")
        self.assertContains(
            response,
            "<tr><td>3</td><td>Report the month 10 position to the Panel.</td>"
            "<td>Clive Heaphy</td><td>27 February 2019</td></tr>",
            html=True,
        )
        self.assertContains(response, "No formal advice was given at this meeting.")
        self.assertContains(response, "Wednesday 27 February 2019, 12:15pm to 2:15pm")

    def test_a_fixed_number_of_queries(self):
        self.client.get(self.url)  # the session and the user's groups, once loaded
        with self.assertNumQueries(10):  # with the amendments
            self.client.get(self.url)
        item = make_agenda_item(self.meeting, number=9, heading="Any other business")
        make_minute(item, number=9, text="None.")
        with self.assertNumQueries(10):  # with the amendments
            self.client.get(self.url)


class PublicMinutesDocument(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("public-minutes-document", args=[cls.meeting.pk])

    def test_anyone_may_read_it(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["outline"].public)
        self.assertContains(response, '<p class="marking">OFFICIAL</p>')
        self.assertNotContains(response, "OFFICIAL-SENSITIVE")
        self.assertContains(response, "(public version)</title>")
        self.assertContains(response, reverse("public-minutes-pdf", args=[self.meeting.pk]))
        self.assertNotContains(response, f'"{reverse("minutes-pdf", args=[self.meeting.pk])}"')

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_nothing_withheld_shows_for_anyone(self):
        for user in [None, self.sam]:
            with self.subTest(user=user):
                if user:
                    self.client.force_login(user)
                response = self.client.get(self.url)
                for secret in SECRETS:
                    self.assertNotContains(response, secret)
                self.assertNotContains(response, 'class="status"')

    def test_withheld_numbers_and_reasons_show(self):
        response = self.client.get(self.url)
        self.assertContains(
            response,
            '<li class="minute minute--withheld" id="item-3">'
            '<span class="minute__number">5.</span><p class="minute__text">'
            "<strong>Agenda item 3, minutes 5 to 6: withheld.</strong> "
            f"{EXEMPT_REASON} (consultations or negotiations on labour relations).</p></li>",
            html=True,
        )
        self.assertContains(
            response,
            '<p class="minute__text"><strong>Withheld.</strong> Confidential.</p>',
            html=True,
        )
        self.assertContains(
            response, '<td colspan="3"><strong>Withheld.</strong> Confidential.</td>', html=True
        )
        self.assertContains(
            response, '<td colspan="3"><strong>Withheld</strong> with its minute.</td>', html=True
        )
        self.assertContains(response, "Report the month 10 position to the Panel.")

    def test_public_minutes_in_order(self):
        text = self.client.get(self.url).content.decode()
        order = [
            "Welcome and apologies:</strong> The Chair welcomed",
            "Apologies were received",
            "Budget update:</strong> The overspend",
            "Agenda item 3, minutes 5 to 6: withheld.",
            "Close:</strong> John Crabtree closed the meeting.",
            "Actions arising",
            "Formal advice",
            "Next meeting",
        ]
        self.assertEqual(positions(text, order), sorted(positions(text, order)))

    def test_unpublished_meetings_are_not_found(self):
        self.client.force_login(self.sam)
        for meeting in make_unpublished_meetings():
            with self.subTest(status=meeting.status):
                url = reverse("public-minutes-document", args=[meeting.pk])
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_fixed_number_of_queries(self):
        with self.assertNumQueries(8):  # with the publication and amendments
            self.client.get(self.url)

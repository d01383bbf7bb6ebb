"""Minuting a meeting in the browser, then reading the published minutes as the public.

The secretariat signs in, adds a public and a confidential agenda item, minutes both (an
empty minute form first, to see its errors), records an action arising from each minute,
and moves the minutes on until they are published. A visitor who has not signed in then
opens the public meetings page, the meeting and its minutes ready to print: the public
item, its minute and its action are there; the confidential item's heading, minute and
action are not, only its number and that it is withheld.
"""

import datetime

from django.utils import timezone
from playwright.sync_api import Page, expect

from biip.models import PublicationStatus
from meetings.models import AgendaItem, Meeting, MeetingAction, Minute
from tests.browser.base import BrowserTestCase
from tests.factories import make_meeting

PUBLIC_HEADING = "Budget monitoring, month 9"
SECRET_HEADING = "Senior staffing restructure"
PUBLIC_MINUTE = "The panel noted the forecast overspend of 12 million pounds."
SECRET_MINUTE = "The panel discussed the dismissal of the interim director."
PUBLIC_ACTION = "Share the month 10 forecast with the panel"
SECRET_ACTION = "Brief the panel on the settlement with the interim director"


class MinutingAMeetingTest(BrowserTestCase):
    def setUp(self):
        super().setUp()
        self.meeting = make_meeting(
            title="Panel meeting",
            date=datetime.date(2019, 1, 29),
            status=Meeting.Status.HELD,
        )
        self.meeting_path = f"/meetings/{self.meeting.pk}/"

    def add_agenda_item(self, heading: str, publication: str) -> None:
        page = self.page
        page.get_by_role("button", name="Add an agenda item").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add an agenda item")
        page.get_by_label("Heading").fill(heading)
        page.get_by_label(publication, exact=True).check()
        page.get_by_role("button", name="Add item").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"“{heading}”, has been added."
        )

    def add_minute(self, item: int, text: str) -> None:
        page = self.page
        page.get_by_role("link", name=f"Add a minute to item {item}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a minute")
        page.get_by_label("Minute", exact=True).fill(text)
        page.get_by_role("button", name="Add minute").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("has been added.")

    def add_action(self, minute: int, description: str, owner: str) -> None:
        page = self.page
        page.get_by_role("link", name=f"Add an action arising from minute {minute}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Record an action arising")
        page.get_by_label("What is to be done").fill(description)
        page.get_by_label("Owner").select_option(label=owner)
        page.get_by_label("Due date").fill("27/02/2019")
        page.get_by_role("button", name="Record action").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            f"The action arising from minute {minute} is recorded."
        )

    def test_the_secretariat_minutes_a_meeting_and_the_public_reads_only_its_public_parts(self):
        page = self.page
        self.sign_in(self.sam)
        page.goto(self.url(self.meeting_path))
        expect(page.get_by_role("heading", level=1)).to_have_text("Panel meeting")

        # The agenda: a public item, then a confidential one.
        self.add_agenda_item(PUBLIC_HEADING, "Public")
        self.add_agenda_item(SECRET_HEADING, "Confidential")
        agenda = page.locator("section.app-agenda-item")
        expect(agenda).to_have_count(2)
        expect(page.locator("#item-2-heading")).to_contain_text(SECRET_HEADING)
        expect(page.locator("#item-2-heading")).to_contain_text("Confidential")

        # The confidential item's minute first: the empty form is refused, beside the field.
        page.get_by_role("link", name="Add a minute to item 2").click()
        self.assert_accessible(label="the form to add a minute")
        page.get_by_role("button", name="Add minute").click()
        expect(page).to_have_title(
            f"Error: Add a minute to item 2 – {self.meeting} – Improvement Tracker"
        )
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_contain_text("There is a problem")
        expect(summary.get_by_role("link", name="Enter the minute")).to_be_visible()
        expect(page.locator("#id_text-error")).to_contain_text("Enter the minute")
        self.assertFalse(Minute.objects.exists())
        self.assert_accessible(label="the minute form with errors")
        summary.get_by_role("link", name="Enter the minute").click()
        expect(page.get_by_label("Minute", exact=True)).to_be_focused()
        page.get_by_label("Minute", exact=True).fill(SECRET_MINUTE)
        page.get_by_role("button", name="Add minute").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "Minute 1 has been added."
        )

        # The public item's minute goes before it: the confidential one becomes minute 2.
        self.add_minute(1, PUBLIC_MINUTE)
        expect(page.locator("#minute-1")).to_contain_text(PUBLIC_MINUTE)
        expect(page.locator("#minute-2")).to_contain_text(SECRET_MINUTE)

        # An action arising from each, owned by Olivia.
        self.add_action(1, PUBLIC_ACTION, "Olivia Example, Officer (BCC)")
        self.add_action(2, SECRET_ACTION, "Olivia Example, Officer (BCC)")
        actions = page.locator("#actions-arising-table")
        expect(actions).to_contain_text(PUBLIC_ACTION)
        expect(actions).to_contain_text(SECRET_ACTION)

        # Drafted, agreed outside a meeting, then published through the confirmation page,
        # which says what will happen.
        page.get_by_role("button", name="Mark minutes drafted").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "The minutes are marked as drafted."
        )
        page.get_by_role("button", name="Mark minutes agreed").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "The minutes are marked as agreed."
        )
        page.get_by_role("button", name="Publish the minutes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Publish the minutes")
        expect(page.locator("#what-will-happen")).to_contain_text(
            "1 withheld item shows only its number and the reason it is withheld"
        )
        page.get_by_role("button", name="Publish the minutes").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(
            "The minutes are published: the public can now read their public parts."
        )
        expect(page.locator("#meeting-summary")).to_contain_text("Minutes published")

        # What was saved.
        today = timezone.localdate()
        meeting = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual(meeting.status, Meeting.Status.PUBLISHED)
        self.assertEqual(meeting.minutes_agreed_on, today)
        self.assertIsNone(meeting.minutes_agreed_at)
        self.assertEqual(meeting.minutes_published_on, today)
        items = list(meeting.agenda_items.order_by("number"))
        self.assertEqual(
            [(i.number, i.heading, i.publication_status) for i in items],
            [
                (1, PUBLIC_HEADING, PublicationStatus.PUBLIC),
                (2, SECRET_HEADING, PublicationStatus.CONFIDENTIAL),
            ],
        )
        self.assertEqual(
            [
                (m.number, m.agenda_item.heading, m.text, m.publication_status)
                for m in meeting.minutes.select_related("agenda_item").order_by("number")
            ],
            [
                (1, PUBLIC_HEADING, PUBLIC_MINUTE, PublicationStatus.PUBLIC),
                (2, SECRET_HEADING, SECRET_MINUTE, PublicationStatus.PUBLIC),
            ],
        )
        self.assertEqual(
            [
                (a.minute.number, a.description, a.owner, a.due_date, a.status)
                for a in MeetingAction.objects.select_related("minute").order_by("minute__number")
            ],
            [
                (1, PUBLIC_ACTION, self.olivia.person, datetime.date(2019, 2, 27), "open"),
                (2, SECRET_ACTION, self.olivia.person, datetime.date(2019, 2, 27), "open"),
            ],
        )
        self.assertEqual(AgendaItem.objects.count(), 2)

        # The public: the list of published minutes, the meeting, its minutes.
        public = self.new_page(self.new_context())
        public.goto(self.url("/public/meetings/"))
        expect(public.get_by_role("heading", level=1)).to_have_text("Published minutes of meetings")
        public.locator("#public-meetings").get_by_role("link", name="Panel meeting").click()
        expect(public).to_have_url(self.url(f"/public/meetings/{self.meeting.pk}/"))
        expect(public.locator("#when")).to_have_text("Tuesday 29 January 2019, 12:15pm to 2:15pm")
        self.check_public_minutes(public)
        expect(public.locator("#item-1-heading")).to_have_text(f"1. {PUBLIC_HEADING}")
        expect(public.locator("#item-2-heading")).to_have_text("2. Withheld")
        expect(public.locator("#item-2")).to_contain_text("Minute 2: withheld. Confidential.")
        expect(public.locator("#actions")).to_be_visible()
        rows = public.get_by_role("table").get_by_role("row")
        expect(rows).to_have_count(3)
        expect(rows.nth(1).get_by_role("cell")).to_have_text(
            ["1", PUBLIC_ACTION, "Olivia Example", "27 February 2019"]
        )
        expect(rows.nth(2).get_by_role("cell")).to_have_text(["2", "Withheld with its minute."])

        public.get_by_role("link", name="Minutes ready to print").click()
        expect(public).to_have_url(self.url(f"/public/meetings/{self.meeting.pk}/minutes/"))
        expect(public.locator(".minutes-heading__kind")).to_have_text("Minutes (public version)")
        self.check_public_minutes(public)
        expect(public.locator("#minute-1")).to_contain_text(PUBLIC_MINUTE)
        expect(public.locator("#item-2")).to_contain_text(
            "Agenda item 2, minute 2: withheld. Confidential."
        )
        document_rows = public.locator("table.actions tbody tr")
        expect(document_rows.nth(0).get_by_role("cell")).to_have_text(
            ["1", PUBLIC_ACTION, "Olivia Example", "27 February 2019"]
        )
        expect(document_rows.nth(1).get_by_role("cell")).to_have_text(
            ["2", "Withheld with its minute."]
        )
        self.assert_accessible(public, label="the public minutes, ready to print")

    def check_public_minutes(self, public: Page) -> None:
        """The public parts are on the page; nothing of the confidential item is."""
        body = public.locator("body")
        expect(body).to_contain_text(PUBLIC_HEADING)
        expect(body).to_contain_text(PUBLIC_MINUTE)
        expect(body).to_contain_text(PUBLIC_ACTION)
        expect(body).to_contain_text("Some items are withheld from these published minutes")
        html = public.content()
        for secret in (SECRET_HEADING, SECRET_MINUTE, SECRET_ACTION, "interim director"):
            self.assertNotIn(secret, html)

"""The agenda: adding an item (/meetings/<pk>/items/add/), editing one
(/meetings/items/<pk>/edit/), moving it up or down (/meetings/items/<pk>/move/, POST
`direction`) and removing it (/meetings/items/<pk>/remove/, POST)."""

import datetime

from django.urls import reverse

from meetings import services
from meetings.models import AgendaItem
from tests.base import RolesTestCase
from tests.factories import make_meeting, make_person


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


class AgendaCase(RolesTestCase):
    """The meeting's agenda: 1 Welcome (no minutes), 2 Budget (minutes 1 and 2), 3 Close
    (minute 3)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        cls.clive = make_person(name="Clive Heaphy", organisation=cls.council)
        add = services.add_agenda_item
        cls.welcome = add(user=cls.sam, meeting=cls.meeting, heading="Welcome")
        cls.budget = add(user=cls.sam, meeting=cls.meeting, heading="Budget", presenter=cls.clive)
        cls.close = add(user=cls.sam, meeting=cls.meeting, heading="Close")
        for item, text in ((cls.budget, "B1"), (cls.budget, "B2"), (cls.close, "C1")):
            services.add_minute(user=cls.sam, item=item, text=text)
        cls.page = f"/meetings/{cls.meeting.pk}/"

    def headings(self) -> list[str]:
        return list(self.meeting.agenda_items.order_by("number").values_list("heading", flat=True))

    def minute_texts(self) -> list[str]:
        return list(self.meeting.minutes.order_by("number").values_list("text", flat=True))


class AgendaItemCreateTest(AgendaCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("agenda-item-create", args=[cls.meeting.pk])

    def data(self, **changes):
        data = {
            "heading": "Industrial relations",
            "presenter": "",
            "papers": "",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **changes}

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/items/add/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(len(self.headings()), 3)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(len(self.headings()), 3)

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("agenda-item-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_has_conditional_publication_fields_and_a_way_back(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Add an agenda item")
        self.assertContains(response, 'value="exempt" data-aria-controls="conditional-exemption"')
        self.assertContains(
            response,
            'class="govuk-radios__conditional govuk-radios__conditional--hidden" '
            'id="conditional-exemption"',
        )
        self.assertContains(response, 'for="id_exemption_paragraph">Schedule 12A paragraph')
        self.assertContains(response, f'href="{self.page}" class="govuk-back-link"')
        self.assertContains(response, "Clive Heaphy, Officer (BCC)")

    def test_secretariat_adds_an_item_at_the_end(self):
        self.client.force_login(self.sam)
        data = self.data(presenter=self.clive.pk, papers="Report of the Chief Executive")
        response = self.client.post(self.url, data)
        self.assertRedirects(response, f"{self.page}#item-4", fetch_redirect_response=False)
        item = self.meeting.agenda_items.get(number=4)
        self.assertEqual(item.heading, "Industrial relations")
        self.assertEqual(item.presenter, self.clive)
        self.assertEqual(item.papers, "Report of the Chief Executive")
        self.assertTrue(item.is_public)
        self.assertEqual(item.history.get().history_user, self.sam)
        self.assertEqual(messages_of(response), ["Item 4, “Industrial relations”, has been added."])

    def test_administrator_adds_an_exempt_item(self):
        self.client.force_login(self.alex)
        data = self.data(
            publication_status="exempt",
            exemption_paragraph="4",
            exemption_review_date="31/03/2020",
        )
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        item = self.meeting.agenda_items.get(number=4)
        self.assertEqual(item.publication_status, "exempt")
        self.assertEqual(item.exemption_paragraph, 4)
        self.assertEqual(item.exemption_review_date, datetime.date(2020, 3, 31))

    def test_exempt_needs_a_paragraph_and_review_date_beside_them(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(publication_status="exempt"))
        self.assertEqual(
            response.context["form"].errors,
            {
                "exemption_paragraph": ["Choose the Schedule 12A paragraph that applies."],
                "exemption_review_date": ["Enter a date to review the exemption."],
            },
        )
        self.assertContains(response, "<title>Error: Add an agenda item")
        self.assertContains(response, '<a href="#id_exemption_paragraph">')
        # The exemption fields are shown, not hidden, when exempt was chosen.
        self.assertContains(
            response, 'class="govuk-radios__conditional" id="conditional-exemption"'
        )
        self.assertEqual(len(self.headings()), 3)

    def test_a_paragraph_is_dropped_unless_exempt(self):
        self.client.force_login(self.sam)
        data = self.data(
            publication_status="confidential",
            exemption_paragraph="3",
            exemption_review_date="not a date",
        )
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        item = self.meeting.agenda_items.get(number=4)
        self.assertEqual(item.publication_status, "confidential")
        self.assertIsNone(item.exemption_paragraph)
        self.assertIsNone(item.exemption_review_date)

    def test_a_heading_and_publication_are_needed(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(heading="", publication_status=""))
        self.assertEqual(
            response.context["form"].errors,
            {
                "heading": ["Enter the item's heading"],
                "publication_status": ["Choose whether it is public, exempt or confidential"],
            },
        )


class AgendaItemEditTest(AgendaCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("agenda-item-edit", args=[cls.budget.pk])

    def data(self, **changes):
        data = {
            "seen_version": self.budget.history.latest().history_id,
            "heading": "M9 budget update",
            "presenter": self.clive.pk,
            "papers": "",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **changes}

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/items/{self.budget.pk}/edit/")

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
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])

    def test_missing_item_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("agenda-item-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_shows_the_saved_values(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Edit item 2")
        self.assertContains(response, 'value="Budget"')
        self.assertContains(response, f'<option value="{self.clive.pk}" selected>')
        self.assertContains(response, "Item 2 has 2 minutes. Remove them first")
        self.assertNotContains(response, reverse("agenda-item-remove", args=[self.budget.pk]))

    def test_an_item_without_minutes_offers_removal(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("agenda-item-edit", args=[self.welcome.pk]))
        self.assertContains(response, reverse("agenda-item-remove", args=[self.welcome.pk]))

    def test_secretariat_makes_an_item_exempt(self):
        self.client.force_login(self.sam)
        data = self.data(
            publication_status="exempt",
            exemption_paragraph="3",
            exemption_review_date="31/03/2020",
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(response, f"{self.page}#item-2", fetch_redirect_response=False)
        self.budget.refresh_from_db()
        self.assertEqual(self.budget.heading, "M9 budget update")
        self.assertEqual(self.budget.exemption_paragraph, 3)
        self.assertEqual(self.budget.number, 2)
        self.assertEqual(self.budget.history.latest().history_user, self.sam)
        self.assertEqual(messages_of(response), ["Item 2, “M9 budget update”, has been saved."])

    def test_bad_input_is_reported_and_kept(self):
        self.client.force_login(self.alex)
        data = self.data(heading="", publication_status="exempt", exemption_review_date="32/1")
        response = self.client.post(self.url, data)
        errors = response.context["form"].errors
        self.assertEqual(errors["heading"], ["Enter the item's heading"])
        self.assertEqual(
            errors["exemption_review_date"],
            ["Enter the date to review the exemption as a real date, for example 31/03/2019"],
        )
        self.assertContains(response, 'value="32/1"')
        self.assertContains(response, "<title>Error: Edit item 2")
        self.budget.refresh_from_db()
        self.assertEqual(self.budget.heading, "Budget")

    def test_a_change_saved_since_the_form_was_opened_is_not_overwritten(self):
        seen = self.budget.history.latest().history_id
        services.move_agenda_item(user=self.sam, item=self.budget, up=True)
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(seen_version=seen))
        self.assertTrue(response.context["form"].conflict)
        self.budget.refresh_from_db()
        self.assertEqual(self.budget.heading, "Budget")


class AgendaItemMoveTest(AgendaCase):
    def url(self, item):
        return reverse("agenda-item-move", args=[item.pk])

    def test_the_url(self):
        self.assertEqual(self.url(self.budget), f"/meetings/items/{self.budget.pk}/move/")

    def test_anonymous_is_sent_to_sign_in(self):
        url = self.url(self.budget)
        response = self.client.post(url, {"direction": "up"})
        self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url(self.budget)).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.post(self.url(self.budget), {"direction": "up"})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])

    def test_missing_item_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("agenda-item-move", args=[999])
        self.assertEqual(self.client.post(url, {"direction": "up"}).status_code, 404)

    def test_moving_up_renumbers_the_items_and_their_minutes(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url(self.close), {"direction": "up"})
        self.assertRedirects(response, f"{self.page}#item-2", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Welcome", "Close", "Budget"])
        self.assertEqual(self.minute_texts(), ["C1", "B1", "B2"])
        self.assertEqual(messages_of(response), ["“Close” is now item 2."])

    def test_administrator_moves_an_item_down(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.url(self.welcome), {"direction": "down"})
        self.assertRedirects(response, f"{self.page}#item-2", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Budget", "Welcome", "Close"])
        self.assertEqual(self.minute_texts(), ["B1", "B2", "C1"])

    def test_the_first_item_stays_first(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url(self.welcome), {"direction": "up"})
        self.assertRedirects(response, f"{self.page}#item-1", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])
        self.assertEqual(messages_of(response), ["“Welcome” is already the first item."])

    def test_a_direction_is_needed(self):
        self.client.force_login(self.sam)
        for data in ({}, {"direction": "sideways"}):
            with self.subTest(data=data):
                self.assertEqual(self.client.post(self.url(self.budget), data).status_code, 400)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])


class AgendaItemRemoveTest(AgendaCase):
    def url(self, item):
        return reverse("agenda-item-remove", args=[item.pk])

    def test_the_url(self):
        self.assertEqual(self.url(self.welcome), f"/meetings/items/{self.welcome.pk}/remove/")

    def test_anonymous_is_sent_to_sign_in(self):
        url = self.url(self.welcome)
        response = self.client.post(url)
        self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)
        self.assertEqual(len(self.headings()), 3)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url(self.welcome)).status_code, 405)
        self.assertEqual(len(self.headings()), 3)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url(self.welcome)).status_code, 403)
        self.assertEqual(len(self.headings()), 3)

    def test_secretariat_removes_an_item_without_minutes(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url(self.welcome))
        self.assertRedirects(response, f"{self.page}#agenda", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Budget", "Close"])
        self.assertEqual(AgendaItem.objects.get(pk=self.close.pk).number, 2)
        self.assertEqual(messages_of(response), ["Item 1, “Welcome”, has been removed."])
        self.assertEqual(self.welcome.history.latest().history_user, self.sam)

    def test_an_item_with_minutes_stays(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.url(self.budget))
        self.assertRedirects(response, f"{self.page}#item-2", fetch_redirect_response=False)
        self.assertEqual(self.headings(), ["Welcome", "Budget", "Close"])
        self.assertEqual(
            messages_of(response),
            [
                "Item 2 has not been removed. Remove the item's minutes first: an item with "
                "minutes stays."
            ],
        )

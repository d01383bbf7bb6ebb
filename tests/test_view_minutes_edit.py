"""Writing the minutes: adding a minute under an item (/meetings/items/<pk>/minutes/add/),
editing one (/meetings/minutes/<pk>/edit/) and removing one
(/meetings/minutes/<pk>/remove/, POST). Numbering runs through the whole meeting."""

from django.urls import reverse

from meetings import services
from meetings.models import Minute
from tests.base import RolesTestCase
from tests.factories import make_meeting, make_meeting_action, make_person


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


class MinutesCase(RolesTestCase):
    """1 Welcome: minute 1 (W1); 2 Budget: minutes 2 and 3 (B1, B2); 3 Close: none."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        add = services.add_agenda_item
        cls.welcome = add(user=cls.sam, meeting=cls.meeting, heading="Welcome")
        cls.budget = add(user=cls.sam, meeting=cls.meeting, heading="Budget")
        cls.close = add(user=cls.sam, meeting=cls.meeting, heading="Close")
        cls.w1 = services.add_minute(user=cls.sam, item=cls.welcome, text="W1")
        cls.b1 = services.add_minute(user=cls.sam, item=cls.budget, text="B1")
        cls.b2 = services.add_minute(user=cls.sam, item=cls.budget, text="B2")
        cls.page = f"/meetings/{cls.meeting.pk}/"

    def texts(self) -> list[str]:
        return list(self.meeting.minutes.order_by("number").values_list("text", flat=True))


class MinuteCreateTest(MinutesCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("minute-create", args=[cls.welcome.pk])

    def data(self, **changes):
        data = {
            "text": "W2",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **changes}

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/items/{self.welcome.pk}/minutes/add/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])

    def test_missing_item_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("minute-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_names_the_item(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Add a minute to item 1")
        self.assertContains(response, "Item 1: Welcome")
        self.assertContains(response, '<label class="govuk-label govuk-label--s" for="id_text">')
        self.assertContains(response, f'href="{self.page}" class="govuk-back-link"')

    def test_a_minute_under_an_earlier_item_moves_the_later_minutes_down(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, f"{self.page}#minute-2", fetch_redirect_response=False)
        self.assertEqual(self.texts(), ["W1", "W2", "B1", "B2"])
        minute = Minute.objects.get(text="W2")
        self.assertEqual((minute.number, minute.agenda_item), (2, self.welcome))
        self.assertEqual(minute.history.earliest().history_user, self.sam)
        self.assertEqual(messages_of(response), ["Minute 2 has been added."])

    def test_administrator_adds_a_confidential_minute_to_the_last_item(self):
        self.client.force_login(self.alex)
        url = reverse("minute-create", args=[self.close.pk])
        response = self.client.post(url, self.data(text="C1", publication_status="confidential"))
        self.assertRedirects(response, f"{self.page}#minute-4", fetch_redirect_response=False)
        minute = Minute.objects.get(text="C1")
        self.assertEqual(minute.publication_status, "confidential")

    def test_an_empty_minute_is_refused(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(text="  ", publication_status="exempt"))
        self.assertEqual(
            response.context["form"].errors,
            {
                "text": ["Enter the minute"],
                "exemption_paragraph": ["Choose the Schedule 12A paragraph that applies."],
                "exemption_review_date": ["Enter a date to review the exemption."],
            },
        )
        self.assertContains(response, "<title>Error: Add a minute")
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])


class MinuteEditTest(MinutesCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("minute-edit", args=[cls.b1.pk])

    def data(self, **changes):
        data = {
            "seen_version": self.b1.history.latest().history_id,
            "text": "B1, corrected",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **changes}

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/minutes/{self.b1.pk}/edit/")

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
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])

    def test_missing_minute_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("minute-edit", args=[999])).status_code, 404)

    def test_form_shows_the_minute_and_offers_removal(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Edit minute 2")
        self.assertContains(response, "Item 2: Budget")
        self.assertContains(response, "\nB1</textarea>")
        self.assertContains(response, reverse("minute-remove", args=[self.b1.pk]))

    def test_a_minute_with_actions_arising_is_not_offered_for_removal(self):
        make_meeting_action(self.b1, make_person())
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "Minute 2 has 1 action arising, so it stays.")
        self.assertNotContains(response, reverse("minute-remove", args=[self.b1.pk]))

    def test_secretariat_corrects_a_minute_and_makes_it_exempt(self):
        self.client.force_login(self.sam)
        data = self.data(
            publication_status="exempt", exemption_paragraph="1", exemption_review_date="1/4/2020"
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(response, f"{self.page}#minute-2", fetch_redirect_response=False)
        self.b1.refresh_from_db()
        self.assertEqual(self.b1.text, "B1, corrected")
        self.assertEqual(self.b1.number, 2)
        self.assertEqual(self.b1.exemption_paragraph, 1)
        self.assertEqual(self.b1.history.latest().history_user, self.sam)
        self.assertEqual(messages_of(response), ["Minute 2 has been saved."])

    def test_bad_input_is_reported(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.url, self.data(text=""))
        self.assertEqual(response.context["form"].errors, {"text": ["Enter the minute"]})
        self.assertContains(response, "<title>Error: Edit minute 2")
        self.b1.refresh_from_db()
        self.assertEqual(self.b1.text, "B1")

    def test_a_change_saved_since_the_form_was_opened_is_not_overwritten(self):
        seen = self.b1.history.latest().history_id
        minute = Minute.objects.get(pk=self.b1.pk)
        minute.text = "Someone else's words"
        minute.save()
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(seen_version=seen))
        self.assertTrue(response.context["form"].conflict)
        self.assertContains(response, "Someone else&#x27;s words")
        self.b1.refresh_from_db()
        self.assertEqual(self.b1.text, "Someone else's words")


class MinuteRemoveTest(MinutesCase):
    def url(self, minute):
        return reverse("minute-remove", args=[minute.pk])

    def test_the_url(self):
        self.assertEqual(self.url(self.w1), f"/meetings/minutes/{self.w1.pk}/remove/")

    def test_anonymous_is_sent_to_sign_in(self):
        url = self.url(self.w1)
        response = self.client.post(url)
        self.assertRedirects(response, f"/sign-in/?next={url}", fetch_redirect_response=False)
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(self.url(self.w1)).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url(self.w1)).status_code, 403)
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])

    def test_missing_minute_is_404(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(reverse("minute-remove", args=[999])).status_code, 404)

    def test_secretariat_removes_a_minute_and_the_rest_close_up(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url(self.w1))
        self.assertRedirects(response, f"{self.page}#item-1", fetch_redirect_response=False)
        self.assertEqual(self.texts(), ["B1", "B2"])
        self.assertEqual(
            list(self.meeting.minutes.order_by("number").values_list("number", flat=True)),
            [1, 2],
        )
        self.assertEqual(messages_of(response), ["Minute 1 has been removed."])
        self.assertEqual(self.w1.history.latest().history_user, self.sam)

    def test_a_minute_with_an_action_arising_stays(self):
        make_meeting_action(self.b2, make_person())
        self.client.force_login(self.alex)
        response = self.client.post(self.url(self.b2))
        self.assertRedirects(response, f"{self.page}#minute-3", fetch_redirect_response=False)
        self.assertEqual(self.texts(), ["W1", "B1", "B2"])
        self.assertEqual(
            messages_of(response),
            ["Minute 3 has not been removed. Remove the minute's actions arising first."],
        )

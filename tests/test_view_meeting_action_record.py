"""Actions arising: recording one against a minute
(/meetings/minutes/<pk>/actions/add/) and editing one (/meetings/actions/<pk>/edit/):
what, the owner (required), the due date and publication."""

import datetime

from django.urls import reverse

from meetings import services
from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import make_meeting, make_meeting_action, make_person

QUERIES = 5  # session, user, groups, the minute with its item and meeting, the people


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


class ActionCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        cls.jonathan = make_person(
            name="Jonathan Tew", title="Assistant Chief Executive", organisation=cls.council
        )
        item = services.add_agenda_item(
            user=cls.sam, meeting=cls.meeting, heading="Confidentiality consultation paper"
        )
        services.add_minute(user=cls.sam, item=item, text="Sally explained the item.")
        cls.minute = services.add_minute(
            user=cls.sam, item=item, text="Jonathan Tew undertook to share the guidance pack."
        )
        cls.page = f"/meetings/{cls.meeting.pk}/"

    def data(self, **changes):
        data = {
            "description": "Share the guidance pack with Sally Hammond for feedback",
            "owner": self.jonathan.pk,
            "due_date": "27/02/2019",
            "publication_status": "public",
            "exemption_paragraph": "",
            "exemption_review_date": "",
        }
        return {**data, **changes}


class MeetingActionCreateTest(ActionCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("meeting-action-create", args=[cls.minute.pk])

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/minutes/{self.minute.pk}/actions/add/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, self.data())
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertFalse(MeetingAction.objects.exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.assertFalse(MeetingAction.objects.exists())

    def test_missing_minute_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("meeting-action-create", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_quotes_the_minute(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Record an action arising from minute 2")
        self.assertContains(response, "<strong>Minute 2:</strong> Jonathan Tew undertook")
        self.assertContains(
            response, '<option value="" selected>Choose who owns the action</option>'
        )
        self.assertContains(response, f'href="{self.page}" class="govuk-back-link"')

    def test_query_count_does_not_grow_with_the_people_to_choose_from(self):
        self.client.force_login(self.sam)
        self.client.get(self.url)  # the session is warm
        with self.assertNumQueries(QUERIES):
            self.client.get(self.url)
        for n in range(5):
            make_person(name=f"Owner {n}")
        with self.assertNumQueries(QUERIES):
            self.client.get(self.url)

    def test_secretariat_records_an_action(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data())
        self.assertRedirects(
            response, f"{self.page}#actions-arising", fetch_redirect_response=False
        )
        action = MeetingAction.objects.get()
        self.assertEqual(action.meeting, self.meeting)
        self.assertEqual(action.minute, self.minute)
        self.assertEqual(action.owner, self.jonathan)
        self.assertEqual(action.due_date, datetime.date(2019, 2, 27))
        self.assertEqual(action.status, MeetingAction.Status.OPEN)
        self.assertTrue(action.is_public)
        self.assertEqual(action.history.get().history_user, self.sam)
        self.assertEqual(messages_of(response), ["The action arising from minute 2 is recorded."])

    def test_administrator_records_a_confidential_action_with_no_due_date(self):
        self.client.force_login(self.alex)
        response = self.client.post(
            self.url, self.data(due_date="", publication_status="confidential")
        )
        self.assertEqual(response.status_code, 302)
        action = MeetingAction.objects.get()
        self.assertIsNone(action.due_date)
        self.assertEqual(action.publication_status, "confidential")

    def test_every_action_has_an_owner(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(owner="", description=""))
        self.assertEqual(
            response.context["form"].errors,
            {
                "description": ["Enter what is to be done"],
                "owner": ["Choose who owns the action"],
            },
        )
        self.assertContains(response, '<a href="#id_owner">Choose who owns the action</a>')
        self.assertContains(response, "<title>Error: Record an action arising")
        self.assertFalse(MeetingAction.objects.exists())

    def test_an_owner_not_recorded_and_a_bad_date_are_reported(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, self.data(owner="999", due_date="27/02"))
        errors = response.context["form"].errors
        self.assertEqual(errors["owner"], ["Choose the owner from the list"])
        self.assertEqual(
            errors["due_date"], ["Enter the due date as a real date, for example 31/03/2019"]
        )
        self.assertContains(response, 'value="27/02"')
        self.assertFalse(MeetingAction.objects.exists())


class MeetingActionEditTest(ActionCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_meeting_action(cls.minute, cls.jonathan, description="Share the pack")
        cls.url = reverse("meeting-action-edit", args=[cls.action.pk])

    def data(self, **changes):
        seen = self.action.history.latest().history_id
        return super().data(seen_version=seen, **changes)

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/actions/{self.action.pk}/edit/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.delete(self.url).status_code, 405)

    def test_the_owner_officer_and_panel_are_refused(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(owner=self.oscar.person)
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.client.post(self.url, self.data()).status_code, 403)
        self.action.refresh_from_db()
        self.assertEqual(self.action.description, "Share the pack")

    def test_missing_action_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("meeting-action-edit", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_shows_the_saved_values(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Edit an action arising")
        self.assertContains(response, "\nShare the pack</textarea>")
        self.assertContains(response, f'<option value="{self.jonathan.pk}" selected>')
        self.assertContains(response, 'value="27/02/2019"')

    def test_secretariat_changes_the_owner_due_date_and_publication(self):
        clare = make_person(name="Clare Clark")
        self.client.force_login(self.sam)
        data = self.data(
            owner=clare.pk,
            due_date="31/03/2019",
            publication_status="exempt",
            exemption_paragraph="5",
            exemption_review_date="31/03/2020",
        )
        response = self.client.post(self.url, data)
        self.assertRedirects(
            response, f"{self.page}#actions-arising", fetch_redirect_response=False
        )
        self.action.refresh_from_db()
        self.assertEqual(self.action.owner, clare)
        self.assertEqual(self.action.due_date, datetime.date(2019, 3, 31))
        self.assertEqual(self.action.exemption_paragraph, 5)
        self.assertEqual(self.action.minute, self.minute)
        self.assertEqual(self.action.status, MeetingAction.Status.OPEN)
        self.assertEqual(self.action.history.latest().history_user, self.sam)
        self.assertEqual(messages_of(response), ["The action arising has been saved."])

    def test_the_owner_cannot_be_removed(self):
        self.client.force_login(self.alex)
        response = self.client.post(self.url, self.data(owner=""))
        self.assertEqual(response.context["form"].errors, {"owner": ["Choose who owns the action"]})
        self.action.refresh_from_db()
        self.assertEqual(self.action.owner, self.jonathan)

    def test_a_change_saved_since_the_form_was_opened_is_not_overwritten(self):
        seen = self.action.history.latest().history_id
        services.update_meeting_action(
            user=self.sam, action=self.action, status="done", note="Shared."
        )
        self.client.force_login(self.sam)
        response = self.client.post(
            self.url, {**self.data(description="Changed"), "seen_version": seen}
        )
        self.assertTrue(response.context["form"].conflict)
        self.action.refresh_from_db()
        self.assertEqual(self.action.description, "Share the pack")

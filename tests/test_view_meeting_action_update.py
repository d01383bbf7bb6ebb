"""The owner's update on an action arising (open or done, and a note): who may give it,
what it saves (and the date it was done), errors beside the fields with nothing lost, and
changes someone else saved after the page was opened detected, not overwritten."""

import datetime

from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_meeting_action, make_minute


class UpdateFixture(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        minute = make_minute(make_agenda_item(make_meeting(), number=1), number=3)
        cls.action = make_meeting_action(
            minute, cls.olivia.person, description="Share the guidance pack", note="Started."
        )
        cls.url = reverse("meeting-action-update", args=[cls.action.pk])
        cls.page = reverse("meeting-action", args=[cls.action.pk])

    def version(self) -> int:
        return MeetingAction.history.filter(id=self.action.pk).latest().history_id

    def post(self, user, **data):
        self.client.force_login(user)
        fields = {"status": "done", "note": "Sent to the panel.", "seen_version": self.version()}
        return self.client.post(self.url, {**fields, **data})

    def saved(self) -> MeetingAction:
        return MeetingAction.objects.get(pk=self.action.pk)

    def assert_unchanged(self):
        action = self.saved()
        self.assertEqual(
            (action.status, action.note, action.completed_on), ("open", "Started.", None)
        )


class UpdateAccess(UpdateFixture):
    def test_anonymous_is_sent_to_sign_in_and_nothing_changes(self):
        response = self.client.post(self.url, {"status": "done", "note": "x"})
        self.assertRedirects(
            response,
            f"/sign-in/?next=/meetings/actions/{self.action.pk}/update/",
            fetch_redirect_response=False,
        )
        self.assert_unchanged()

    def test_get_and_other_methods_are_not_allowed(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assert_unchanged()

    def test_another_officer_is_refused(self):
        self.assertEqual(self.post(self.oscar).status_code, 403)
        self.assert_unchanged()

    def test_the_panel_is_refused(self):
        self.assertEqual(self.post(self.pat).status_code, 403)
        self.assert_unchanged()

    def test_unknown_action_is_not_found(self):
        self.client.force_login(self.sam)
        url = reverse("meeting-action-update", args=[999999])
        self.assertEqual(self.client.post(url, {"status": "done"}).status_code, 404)


class UpdateSaves(UpdateFixture):
    def test_the_owner_marks_it_done(self):
        response = self.post(self.olivia)
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        action = self.saved()
        self.assertEqual(action.status, "done")
        self.assertEqual(action.note, "Sent to the panel.")
        self.assertEqual(action.completed_on, timezone.localdate())
        self.assertEqual(action.history.latest().history_user, self.olivia)
        page = self.client.get(self.page)
        self.assertContains(page, "Your update on the action arising is saved.")
        self.assertContains(page, '<strong class="govuk-tag govuk-tag--green">Done</strong>')

    def test_the_secretariat_and_administrator_may_update_it(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                response = self.post(user, status="open", note=f"Chased by {user.username}.")
                self.assertEqual(response.status_code, 302)
                action = self.saved()
                self.assertEqual(action.note, f"Chased by {user.username}.")
                self.assertEqual(action.history.latest().history_user, user)

    def test_reopening_clears_the_date_it_was_done(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            status="done", completed_on=datetime.date(2019, 2, 20)
        )
        self.post(self.sam, status="open", note="Not finished after all.")
        action = self.saved()
        self.assertEqual((action.status, action.completed_on), ("open", None))

    def test_a_done_action_keeps_the_date_it_was_done(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            status="done", completed_on=datetime.date(2019, 2, 20)
        )
        self.post(self.olivia, status="done", note="Also filed.")
        action = self.saved()
        self.assertEqual(
            (action.completed_on, action.note), (datetime.date(2019, 2, 20), "Also filed.")
        )

    def test_the_note_may_be_emptied(self):
        self.post(self.olivia, status="open", note="")
        self.assertEqual(self.saved().note, "")


class UpdateRefusesBadInput(UpdateFixture):
    def test_a_status_not_in_the_list(self):
        response = self.post(self.olivia, status="finished", note="Keep this text.")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<a href="#id_status_0">Choose whether the action is open or done</a>'
        )
        self.assertContains(response, '<p id="status-error" class="govuk-error-message">')
        self.assertContains(response, "Keep this text.</textarea>")
        self.assertContains(response, "<title>Error: ")
        self.assert_unchanged()

    def test_no_status(self):
        response = self.post(self.olivia, status="", note="Keep this text.")
        self.assertContains(
            response, '<a href="#id_status_0">Choose whether the action is open or done</a>'
        )
        self.assertContains(response, "Keep this text.</textarea>")
        self.assert_unchanged()

    def test_a_change_saved_since_the_page_was_opened_is_not_overwritten(self):
        seen = self.version()
        self.post(self.sam, status="open", note="Chased by the secretariat.")
        response = self.post(self.olivia, seen_version=seen, note="My note.")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else saved changes while you were editing")
        self.assertContains(response, "Chased by the secretariat.")
        self.assertContains(response, "My note.</textarea>")
        self.assertContains(
            response, f'<input type="hidden" name="seen_version" value="{self.version()}">'
        )
        action = self.saved()
        self.assertEqual((action.status, action.note), ("open", "Chased by the secretariat."))
        # Saving again, knowingly, keeps the owner's update.
        self.post(self.olivia, note="My note.")
        self.assertEqual(self.saved().note, "My note.")

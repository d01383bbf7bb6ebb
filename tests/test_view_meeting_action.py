"""The page of an action arising: who may see it, its fields, its links to its meeting,
minute and plan action, the update form for those who may update it, the promote button
for the secretariat, and a fixed number of queries."""

import datetime

from django.urls import reverse

from biip.models import PublicationStatus
from meetings.models import MeetingAction
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
)


class ActionFixture(RolesTestCase):
    """Olivia's action arising from minute 3 of the January meeting, due in February 2019
    and still open, so overdue."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(title="Panel meeting", date=datetime.date(2019, 1, 29))
        cls.minute = make_minute(make_agenda_item(cls.meeting, number=1), number=3)
        cls.action = make_meeting_action(
            cls.minute,
            cls.olivia.person,
            description="Share the guidance pack with the panel",
            due_date=datetime.date(2019, 2, 27),
            note="Draft circulated.",
        )
        cls.url = reverse("meeting-action", args=[cls.action.pk])

    def get(self, user):
        self.client.force_login(user)
        return self.client.get(self.url)


class ActionPageAccess(ActionFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(
            response,
            f"/sign-in/?next=/meetings/actions/{self.action.pk}/",
            fetch_redirect_response=False,
        )

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url, {"status": "done"}).status_code, 405)
        self.assertEqual(MeetingAction.objects.get(pk=self.action.pk).status, "open")

    def test_unknown_action_is_not_found(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(reverse("meeting-action", args=[999999])).status_code, 404)

    def test_every_role_may_read_it(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["action"], self.action)


class ActionPageShowsEveryField(ActionFixture):
    def test_fields_and_links(self):
        response = self.get(self.pat)
        meeting = f"/meetings/{self.meeting.pk}/"
        self.assertContains(
            response, '<h1 class="govuk-heading-l">Share the guidance pack with the panel</h1>'
        )
        self.assertContains(
            response, "Action arising from Panel meeting, 29 January 2019, minute 3</span>"
        )
        self.assertContains(
            response,
            f'<dd class="govuk-summary-list__value" id="meeting"><a class="govuk-link" '
            f'href="{meeting}">Panel meeting, 29 January 2019</a></dd>',
            html=True,
        )
        self.assertContains(response, f'href="{meeting}#minute-3">Minute 3')
        self.assertContains(response, self.olivia.person.name)
        self.assertContains(response, '<dd class="govuk-summary-list__value" id="due">27 February')
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--red">Overdue</strong>')
        self.assertContains(response, "Not done yet")
        self.assertContains(response, "Draft circulated.")
        self.assertContains(
            response, '<dd class="govuk-summary-list__value" id="publication">Public'
        )
        self.assertContains(response, "Not in the improvement plan")
        self.assertContains(response, '<a href="/meetings/actions/" class="govuk-back-link">')

    def test_a_done_action(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            status="done", completed_on=datetime.date(2019, 2, 20)
        )
        response = self.get(self.pat)
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--green">Done</strong>')
        self.assertContains(response, "20 February 2019")
        self.assertNotContains(response, "Overdue")

    def test_an_open_action_not_yet_due(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(due_date=datetime.date(2099, 1, 1))
        response = self.get(self.pat)
        self.assertContains(response, '<strong class="govuk-tag govuk-tag--blue">Open</strong>')
        self.assertNotContains(response, "Overdue")

    def test_the_plan_action_it_was_promoted_to(self):
        plan_action = make_action(plan=make_plan(), reference="IP19-07", title="Reset budget")
        MeetingAction.objects.filter(pk=self.action.pk).update(promoted_to=plan_action)
        response = self.get(self.sam)
        self.assertContains(
            response,
            f'Promoted to action <a class="govuk-link" href="/actions/{plan_action.pk}/">'
            "IP19-07: Reset budget</a>",
        )
        self.assertNotContains(response, "/promote/")

    def test_an_exempt_action_says_under_which_paragraph(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2019, 12, 31),
        )
        response = self.get(self.pat)
        self.assertContains(response, "Exempt")
        self.assertContains(response, "Schedule 12A paragraph 4: consultations or negotiations")
        self.assertContains(response, "Review the exemption by 31 December 2019")

    def test_an_action_without_a_minute(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(minute=None, due_date=None)
        response = self.get(self.pat)
        self.assertContains(response, "Not recorded against a minute")
        self.assertContains(response, "No due date")
        self.assertNotContains(response, "#minute-")

    def test_text_is_escaped(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            description="<script>x()</script>", note="<i>n</i>"
        )
        response = self.get(self.pat)
        self.assertNotContains(response, "<script>x()</script>")
        self.assertNotContains(response, "<i>n</i>")


class ActionPageOffersWhatYouMayDo(ActionFixture):
    def offers(self, user) -> dict[str, bool]:
        content = self.get(user).content.decode()
        return {
            "update": f'action="/meetings/actions/{self.action.pk}/update/"' in content,
            "promote": f'href="/meetings/actions/{self.action.pk}/promote/"' in content,
        }

    def test_the_owner_may_update(self):
        self.assertEqual(self.offers(self.olivia), {"update": True, "promote": False})

    def test_another_officer_and_the_panel_may_only_read(self):
        for user in (self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.assertEqual(self.offers(user), {"update": False, "promote": False})

    def test_secretariat_and_administrator_may_update_and_promote(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.assertEqual(self.offers(user), {"update": True, "promote": True})

    def test_the_form_holds_the_saved_status_and_note(self):
        response = self.get(self.olivia)
        self.assertContains(response, "Is the action open or done?</legend>")
        self.assertContains(
            response,
            '<input class="govuk-radios__input" id="id_status_0" name="status" type="radio" '
            'value="open" checked>',
        )
        self.assertContains(response, 'value="done">')
        self.assertContains(response, ">\nDraft circulated.</textarea>")
        version = self.action.history.latest().history_id
        self.assertContains(
            response, f'<input type="hidden" name="seen_version" value="{version}">'
        )


class ActionPageQueryCountIsFixed(ActionFixture):
    def test_queries(self):
        plan_action = make_action(plan=make_plan())
        MeetingAction.objects.filter(pk=self.action.pk).update(promoted_to=plan_action)
        # Session, user, the user's groups, the action (with its meeting, minute, owner and
        # plan action), and: for an officer or panel member, their person record (are they
        # the owner?); for those who may update, the action's latest history row (the
        # update form's version).
        for user, queries in ((self.pat, 5), (self.oscar, 5), (self.olivia, 6), (self.sam, 5)):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                with self.assertNumQueries(queries):
                    response = self.client.get(self.url)
                self.assertEqual(response.status_code, 200)

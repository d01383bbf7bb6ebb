"""My actions: /my-actions/, what the signed-in officer has to do this cycle."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import RAG, Role
from meetings.models import MeetingAction
from plans.models import Challenge, Cycle
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_update,
    make_user,
)

URL = reverse("my-actions")
NOVEMBER = datetime.date(2019, 11, 1)


class MyActionsCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        olivia = cls.olivia.person

        def action(reference, **fields):
            fields.setdefault("directorate", cls.finance)
            fields.setdefault("lead_officer", olivia)
            return make_action(
                plan=cls.plan, reference=reference, title=f"{reference} title", **fields
            )

        cls.needing = action("IP19-01", original_due_date=datetime.date(2020, 3, 31))
        cls.needing_sooner = action("IP19-02", rag=RAG.RED)
        cls.updated = action("IP19-03")
        make_update(cls.updated, cls.olivia, period=NOVEMBER)
        cls.complete = action("IP19-04", rag=RAG.BLUE, completed_on=datetime.date(2019, 9, 1))
        colleague = make_user("colin", Role.OFFICER, directorate=cls.finance).person
        cls.colleagues = action("IP19-05", lead_officer=colleague)
        cls.elsewhere = action("IP19-06", directorate=cls.place, lead_officer=cls.oscar.person)
        cls.old_plan = make_action(
            reference="IP15-01", directorate=cls.finance, lead_officer=olivia
        )
        cls.question = Challenge.objects.create(
            action=cls.needing, question="What is the recovery plan?", raised_by=cls.pat
        )
        Challenge.objects.create(
            action=cls.updated,
            question="Answered already?",
            raised_by=cls.pat,
            status="answered",
            response="Yes.",
            responded_by=cls.olivia,
            responded_at=timezone.now(),
        )
        Challenge.objects.create(
            action=cls.elsewhere, question="Someone else's question", raised_by=cls.pat
        )


class MyActionsAccess(MyActionsCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, "/sign-in/?next=/my-actions/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.olivia)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_roles_that_lead_nothing_are_told_so(self):
        for user in (self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "You do not lead any actions in ")
                self.assertNotContains(response, "IP19-")


class MyActionsShows(MyActionsCase):
    def references(self, response, key: str) -> list[str]:
        return [action.reference for action in response.context[key]]

    def test_what_needs_an_update_this_cycle(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertContains(
            response,
            "Updates for <strong>November 2019</strong> are due by <strong>22 November 2019"
            "</strong>",
        )
        self.assertEqual(self.references(response, "needing"), ["IP19-02", "IP19-05", "IP19-01"])
        self.assertContains(response, "3 open actions have no update for November 2019 yet.")
        self.assertContains(response, f'href="{reverse("action-update", args=[self.needing.pk])}"')
        self.assertContains(response, "31 March 2020")
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--red app-rag-tag">Red</strong>'
        )

    def test_the_actions_led_and_the_directorates(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertEqual(
            self.references(response, "led"), ["IP19-02", "IP19-03", "IP19-04", "IP19-01"]
        )
        self.assertEqual(self.references(response, "directorates"), ["IP19-05"])
        self.assertNotContains(response, "IP19-06")
        self.assertNotContains(response, "IP15-01")
        self.assertContains(response, "Other actions in your directorate")

    def test_open_challenges_to_answer(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertEqual([row.challenge for row in response.context["challenges"]], [self.question])
        self.assertContains(response, "What is the recovery plan?")
        self.assertContains(
            response, f'href="{reverse("challenge-reply", args=[self.question.pk])}"'
        )
        self.assertNotContains(response, "Answered already?")
        self.assertNotContains(response, "Someone else")

    def test_all_updated(self):
        for action in (self.needing, self.needing_sooner, self.colleagues):
            make_update(action, self.olivia, period=NOVEMBER)
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertContains(response, "Every open action you update has its November 2019 update.")

    def test_open_actions_arising_the_officer_owns_are_listed(self):
        minute = make_minute(make_agenda_item(make_meeting(), number=1), number=1)
        mine = make_meeting_action(minute, self.olivia.person, description="Send the pack")
        make_meeting_action(minute, self.oscar.person, description="Not mine")
        make_meeting_action(
            minute,
            self.olivia.person,
            description="Done already",
            status=MeetingAction.Status.DONE,
            completed_on=datetime.date(2019, 2, 1),
        )
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertEqual(response.context["meeting_actions"], [mine])
        self.assertContains(response, f'href="{reverse("meeting-action", args=[mine.pk])}"')
        self.assertNotContains(response, "Not mine")

    def test_query_count_does_not_grow_with_the_actions(self):
        # Session, user, the user's groups, person, cycle, plan, the actions, those needing
        # an update, the open challenges on them, the open actions arising.
        self.client.force_login(self.olivia)
        with self.assertNumQueries(10):
            self.client.get(URL)
        for _ in range(10):
            make_action(plan=self.plan, directorate=self.finance, lead_officer=self.olivia.person)
        with self.assertNumQueries(10):
            response = self.client.get(URL)
        self.assertEqual(len(response.context["led"]), 14)

"""Promoting an action arising into an improvement-plan action: only the secretariat and
administrators; the form's defaults from the action arising; the plan action made and
linked both ways (its page says what it arose from); errors beside the fields with
nothing made; and an action arising promoted once only."""

import datetime

from django.urls import reverse

from biip.models import PublicationStatus
from meetings.models import MeetingAction
from plans.models import Action
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_theme,
)


class PromoteFixture(RolesTestCase):
    """Olivia's action arising from minute 3 of the January meeting; an old plan and the
    current plan, which already has action IP19-01."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(title="Panel meeting", date=datetime.date(2019, 1, 29))
        cls.minute = make_minute(make_agenda_item(cls.meeting, number=1), number=3)
        cls.action = make_meeting_action(
            cls.minute,
            cls.olivia.person,
            description="Agree a recovery plan for the waste service",
            due_date=datetime.date(2019, 6, 30),
        )
        cls.old_plan = make_plan(
            title="Improvement Plan 2015",
            period_start=datetime.date(2015, 4, 1),
            period_end=datetime.date(2016, 3, 31),
        )
        cls.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19", is_current=True)
        make_action(plan=cls.plan, reference="IP19-01")
        cls.theme = make_theme(name="Financial management")
        cls.url = reverse("meeting-action-promote", args=[cls.action.pk])

    def data(self, **changes) -> dict:
        fields = {
            "plan": self.plan.pk,
            "theme": self.theme.pk,
            "reference": "IP19-09",
            "title": "Agree a recovery plan for the waste service",
            "directorate": self.finance.pk,
            "lead_officer": self.olivia.person.pk,
            "original_due_date": "30/06/2019",
        }
        return {**fields, **changes}

    def post(self, user, **changes):
        self.client.force_login(user)
        return self.client.post(self.url, self.data(**changes))

    def assert_nothing_made(self):
        self.assertFalse(Action.objects.filter(reference="IP19-09").exists())
        self.assertEqual(Action.objects.count(), 1)
        self.assertIsNone(MeetingAction.objects.get(pk=self.action.pk).promoted_to_id)


class PromoteAccess(PromoteFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        for method in ("get", "post"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url)
                self.assertRedirects(
                    response,
                    f"/sign-in/?next=/meetings/actions/{self.action.pk}/promote/",
                    fetch_redirect_response=False,
                )
        self.assert_nothing_made()

    def test_officers_even_the_owner_and_the_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                self.assertEqual(self.post(user).status_code, 403)
        self.assert_nothing_made()

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)
        self.assert_nothing_made()

    def test_unknown_action_is_not_found(self):
        self.client.force_login(self.sam)
        url = reverse("meeting-action-promote", args=[999999])
        self.assertEqual(self.client.get(url).status_code, 404)


class PromoteFormDefaults(PromoteFixture):
    def test_defaults_come_from_the_action_arising(self):
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(form["plan"].value(), self.plan.pk)
        self.assertEqual(form["title"].value(), "Agree a recovery plan for the waste service")
        self.assertEqual(form["directorate"].value(), self.finance.pk)
        self.assertEqual(form["lead_officer"].value(), self.olivia.person.pk)
        self.assertContains(response, f'<option value="{self.plan.pk}" selected>')
        self.assertContains(response, f'<option value="{self.olivia.person.pk}" selected>')
        self.assertContains(response, 'value="30/06/2019"')
        self.assertContains(response, "Agree a recovery plan for the waste service</textarea>")
        self.assertContains(
            response, "Action arising from Panel meeting, 29 January 2019, minute 3"
        )

    def test_a_long_description_is_cut_to_the_titles_length(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(description="x" * 400)
        self.client.force_login(self.alex)
        form = self.client.get(self.url).context["form"]
        self.assertEqual(len(form["title"].value()), 300)

    def test_an_owner_with_no_directorate_leaves_it_to_choose(self):
        person = self.olivia.person
        person.directorate = None
        person.save()
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertIsNone(response.context["form"]["directorate"].value())


class PromoteMakesThePlanAction(PromoteFixture):
    def test_the_secretariat_promotes_it(self):
        response = self.post(self.sam)
        plan_action = Action.objects.get(reference="IP19-09")
        self.assertRedirects(
            response, reverse("action", args=[plan_action.pk]), fetch_redirect_response=False
        )
        self.assertEqual(plan_action.plan, self.plan)
        self.assertEqual(plan_action.theme, self.theme)
        self.assertEqual(plan_action.title, "Agree a recovery plan for the waste service")
        self.assertEqual(plan_action.description, "")
        self.assertEqual(plan_action.directorate, self.finance)
        self.assertEqual(plan_action.lead_officer, self.olivia.person)
        self.assertEqual(plan_action.original_due_date, datetime.date(2019, 6, 30))
        self.assertEqual(plan_action.publication_status, PublicationStatus.PUBLIC)
        self.assertEqual(plan_action.history.latest().history_user, self.sam)
        action = MeetingAction.objects.get(pk=self.action.pk)
        self.assertEqual(action.promoted_to, plan_action)
        self.assertEqual(plan_action.arising_from, action)
        self.assertEqual(action.history.latest().history_user, self.sam)

    def test_the_plan_action_page_says_what_it_arose_from(self):
        self.post(self.alex, theme="")
        plan_action = Action.objects.get(reference="IP19-09")
        self.assertIsNone(plan_action.theme)
        page = self.client.get(reverse("action", args=[plan_action.pk]))
        self.assertContains(page, "The action arising is now action IP19-09 of Improvement Plan")
        self.assertContains(page, '<dt class="govuk-summary-list__key">Arising from</dt>')
        self.assertContains(
            page,
            f'<a class="govuk-link" href="/meetings/{self.meeting.pk}/#minute-3">'
            "Panel meeting, 29 January 2019, minute 3</a>",
        )
        self.assertContains(page, f'href="/meetings/actions/{self.action.pk}/">The action arising')
        # And the action arising links to the plan action.
        response = self.client.get(reverse("meeting-action", args=[self.action.pk]))
        self.assertContains(response, f'href="/actions/{plan_action.pk}/">IP19-09: Agree')

    def test_a_plan_action_not_promoted_says_nothing(self):
        plan_action = Action.objects.get(reference="IP19-01")
        self.client.force_login(self.pat)
        page = self.client.get(reverse("action", args=[plan_action.pk]))
        self.assertNotContains(page, "Arising from")

    def test_a_changed_title_keeps_the_whole_text_as_the_description(self):
        self.post(self.sam, title="Waste recovery plan")
        plan_action = Action.objects.get(reference="IP19-09")
        self.assertEqual(plan_action.title, "Waste recovery plan")
        self.assertEqual(plan_action.description, "Agree a recovery plan for the waste service")

    def test_an_exempt_action_stays_exempt_in_the_plan(self):
        MeetingAction.objects.filter(pk=self.action.pk).update(
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=3,
            exemption_review_date=datetime.date(2019, 12, 31),
        )
        self.post(self.sam)
        plan_action = Action.objects.get(reference="IP19-09")
        self.assertEqual(
            (
                plan_action.publication_status,
                plan_action.exemption_paragraph,
                plan_action.exemption_review_date,
            ),
            (PublicationStatus.EXEMPT, 3, datetime.date(2019, 12, 31)),
        )

    def test_an_action_is_promoted_once_only(self):
        self.post(self.sam)
        response = self.post(self.sam, reference="IP19-10")
        self.assertRedirects(
            response,
            reverse("meeting-action", args=[self.action.pk]),
            fetch_redirect_response=False,
        )
        self.assertFalse(Action.objects.filter(reference="IP19-10").exists())
        page = self.client.get(reverse("meeting-action", args=[self.action.pk]))
        self.assertContains(page, "already in the improvement plan as IP19-09")
        self.assertNotContains(page, "/promote/")


class PromoteRefusesBadInput(PromoteFixture):
    def test_a_reference_already_in_the_plan(self):
        response = self.post(self.sam, reference="IP19-01", title="My edited title")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            '<a href="#id_reference">There is already an action with this reference in the '
            "plan</a>",
        )
        self.assertContains(response, '<p id="id_reference-error" class="govuk-error-message">')
        self.assertContains(response, 'value="IP19-01"')
        self.assertNotContains(response, "already exists")
        self.assertContains(response, "My edited title</textarea>")
        self.assertContains(response, "<title>Error: ")
        self.assertEqual(Action.objects.count(), 1)
        self.assertIsNone(MeetingAction.objects.get(pk=self.action.pk).promoted_to_id)

    def test_the_same_reference_in_another_plan_is_fine(self):
        self.post(self.sam, plan=self.old_plan.pk, reference="IP19-01")
        action = MeetingAction.objects.get(pk=self.action.pk)
        self.assertEqual(action.promoted_to.plan, self.old_plan)

    def test_required_fields(self):
        response = self.post(
            self.sam, plan="", reference="", title="", directorate="", lead_officer="",
            original_due_date="",
        )  # fmt: skip
        for field, message in (
            ("plan", "Choose the plan the action goes into"),
            ("reference", "Enter the action&#x27;s reference, for example IP19-01"),
            ("title", "Enter the action&#x27;s title"),
            ("directorate", "Choose the directorate that leads the action"),
            ("lead_officer", "Choose the action&#x27;s lead officer"),
            ("original_due_date", "Enter the due date"),
        ):
            with self.subTest(field=field):
                self.assertContains(response, f'<a href="#id_{field}">{message}</a>')
        self.assert_nothing_made()

    def test_a_title_too_long_and_a_date_not_a_date(self):
        response = self.post(self.sam, title="t" * 301, original_due_date="31/31/2019")
        self.assertContains(response, "The title must be 300 characters or fewer")
        self.assertContains(response, "Enter the due date as a real date, for example 31/03/2019")
        self.assertContains(response, 'value="31/31/2019"')
        self.assert_nothing_made()

    def test_a_choice_not_in_the_list(self):
        response = self.post(self.sam, plan=999999, lead_officer=999999)
        self.assertContains(response, "Choose the plan from the list")
        self.assertContains(response, "Choose the lead officer from the list")
        self.assert_nothing_made()

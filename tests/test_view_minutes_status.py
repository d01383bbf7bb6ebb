"""Moving the minutes on (/meetings/<pk>/status/): held, drafted, agreed (at a later
meeting, or outside one). The meeting page's buttons POST `status` (and `agreed_at`); GET
shows the same choices as a form. Publishing and withdrawing are sent to their
confirmation pages."""

import datetime

from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_meeting


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


class MinutesStatusTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(date=datetime.date(2019, 1, 29))
        cls.february = make_meeting(title="February panel", date=datetime.date(2019, 2, 27))
        cls.december = make_meeting(title="December panel", date=datetime.date(2018, 12, 18))
        cls.url = reverse("minutes-status", args=[cls.meeting.pk])
        cls.page = f"/meetings/{cls.meeting.pk}/"

    def set_status(self, status):
        Meeting.objects.filter(pk=self.meeting.pk).update(status=status)

    def status(self):
        self.meeting.refresh_from_db()
        return self.meeting.status

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/status/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"status": "held"})
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(self.status(), "scheduled")

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url, {"status": "held"}).status_code, 405)
        self.assertEqual(self.status(), "scheduled")

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"status": "held"})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.status(), "scheduled")

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("minutes-status", args=[999])
        self.assertEqual(self.client.post(url, {"status": "held"}).status_code, 404)

    def test_form_offers_only_the_moves_open_now(self):
        self.set_status("agreed")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Move the minutes on")
        # Agreed minutes are published through a confirmation page, amended, never
        # taken back to draft.
        self.assertContains(
            response, f'href="{reverse("minutes-publish", args=[self.meeting.pk])}"'
        )
        self.assertContains(response, f'href="{reverse("minutes-amend", args=[self.meeting.pk])}"')
        self.assertNotContains(response, 'value="drafted"')
        self.assertNotContains(response, 'value="held"')
        self.assertContains(response, f'href="{self.page}" class="govuk-back-link"')

    def test_agreeing_offers_later_meetings_only(self):
        self.set_status("drafted")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, 'data-aria-controls="conditional-agreed"')
        choices = list(response.context["form"].fields["agreed_at"].queryset)
        self.assertEqual(choices, [self.february])

    def test_secretariat_marks_the_meeting_held(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"status": "held"})
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.assertEqual(self.status(), "held")
        self.assertEqual(self.meeting.history.latest().history_user, self.sam)
        self.assertEqual(messages_of(response), ["The meeting is marked as held."])

    def test_minutes_agreed_at_the_next_meeting(self):
        self.set_status("drafted")
        self.client.force_login(self.alex)
        response = self.client.post(self.url, {"status": "agreed", "agreed_at": self.february.pk})
        self.assertRedirects(response, self.page, fetch_redirect_response=False)
        self.assertEqual(self.status(), "agreed")
        self.assertEqual(self.meeting.minutes_agreed_at, self.february)
        self.assertEqual(self.meeting.minutes_agreed_on, datetime.date(2019, 2, 27))

    def test_minutes_agreed_outside_a_meeting_on_a_date(self):
        self.set_status("drafted")
        self.client.force_login(self.sam)
        data = {"status": "agreed", "agreed_at": "", "agreed_on": "04/02/2019"}
        self.client.post(self.url, data)
        self.assertEqual(self.status(), "agreed")
        self.assertIsNone(self.meeting.minutes_agreed_at)
        self.assertEqual(self.meeting.minutes_agreed_on, datetime.date(2019, 2, 4))

    def test_minutes_agreed_outside_a_meeting_today_when_no_date_is_given(self):
        self.set_status("drafted")
        self.client.force_login(self.sam)
        self.client.post(self.url, {"status": "agreed"})
        self.assertEqual(self.status(), "agreed")
        self.assertEqual(self.meeting.minutes_agreed_on, timezone.localdate())

    def test_publishing_and_withdrawing_go_through_their_confirmation_pages(self):
        self.set_status("agreed")
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"status": "published"})
        publish = reverse("minutes-publish", args=[self.meeting.pk])
        self.assertRedirects(response, publish, fetch_redirect_response=False)
        self.assertEqual(self.status(), "agreed")
        self.set_status("published")
        response = self.client.post(self.url, {"status": "agreed"})
        withdraw = reverse("minutes-withdraw", args=[self.meeting.pk])
        self.assertRedirects(response, withdraw, fetch_redirect_response=False)
        self.assertEqual(self.status(), "published")

    def test_a_move_not_open_now_is_refused_beside_the_status(self):
        self.set_status("held")
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"status": "published"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors,
            {"status": ["Minutes that are held cannot move to minutes published."]},
        )
        self.assertContains(response, "<title>Error: Move the minutes on")
        self.assertContains(response, '<a href="#id_status_0">')
        self.assertEqual(self.status(), "held")

    def test_agreed_at_an_earlier_meeting_is_refused_beside_the_meeting(self):
        self.set_status("drafted")
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"status": "agreed", "agreed_at": self.december.pk})
        # The December meeting is not among the choices at all.
        self.assertEqual(
            response.context["form"].errors,
            {"agreed_at": ["Choose a meeting after this one, or outside a meeting"]},
        )
        self.assertEqual(self.status(), "drafted")

    def test_a_future_or_early_agreement_date_is_refused(self):
        self.set_status("drafted")
        self.client.force_login(self.sam)
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        for typed, message in (
            (tomorrow.strftime("%d/%m/%Y"), "The date agreed cannot be in the future"),
            ("28/01/2019", "The minutes cannot be agreed before the meeting was held"),
            (
                "31/02/2019",
                "Enter the date agreed outside a meeting as a real date, for example 31/03/2019",
            ),
        ):
            with self.subTest(typed=typed):
                response = self.client.post(self.url, {"status": "agreed", "agreed_on": typed})
                self.assertEqual(response.context["form"].errors, {"agreed_on": [message]})
                self.assertContains(response, f'value="{typed}"')
        self.assertEqual(self.status(), "drafted")

    def test_a_meeting_is_not_held_before_its_date(self):
        future = make_meeting(date=timezone.localdate() + datetime.timedelta(days=7))
        self.client.force_login(self.sam)
        url = reverse("minutes-status", args=[future.pk])
        response = self.client.post(url, {"status": "held"})
        self.assertEqual(
            response.context["form"].errors,
            {"status": ["A meeting cannot be held before its date."]},
        )
        future.refresh_from_db()
        self.assertEqual(future.status, "scheduled")

    def test_a_status_is_needed(self):
        self.client.force_login(self.sam)
        for data in ({}, {"status": "finished"}):
            with self.subTest(data=data):
                response = self.client.post(self.url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("status", response.context["form"].errors)
        self.assertEqual(self.status(), "scheduled")

"""Replying to a challenge: /challenges/<pk>/reply/."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import Role
from plans.models import Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_update, make_user


class ReplyCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            directorate=cls.finance, lead_officer=cls.olivia.person, reference="IP19-07"
        )
        update = make_update(cls.action, cls.olivia, period=datetime.date(2019, 11, 1))
        cls.challenge = Challenge.objects.create(
            action=cls.action,
            update=update,
            question="When will the consultation close?",
            raised_by=cls.pat,
        )
        cls.url = reverse("challenge-reply", args=[cls.challenge.pk])
        cls.action_page = f"/actions/{cls.action.pk}/"


class ReplyAccess(ReplyCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"response": "Soon."})
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertEqual(Challenge.objects.get().status, "open")

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.olivia)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_panel_and_another_directorates_officer_are_refused(self):
        for user in (self.pat, self.oscar):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"response": "Soon."})
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Challenge.objects.get().status, "open")

    def test_the_actions_officers_and_the_secretariat_may(self):
        colleague = make_user("colin", Role.OFFICER, directorate=self.finance)
        for user in (self.olivia, colleague, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_unknown_challenge_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("challenge-reply", args=[self.challenge.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)


class ReplyForm(ReplyCase):
    def test_shows_the_challenge_and_the_form(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertContains(response, "When will the consultation close?")
        self.assertContains(response, "The November 2019 update (Green)")
        self.assertContains(response, "By Pat Example on ")
        self.assertContains(
            response, '<label class="govuk-label govuk-label--s" for="id_response">'
        )
        self.assertContains(response, "Send response")

    def test_the_answer_is_saved(self):
        self.client.force_login(self.olivia)
        before = timezone.now()
        response = self.client.post(self.url, {"response": "On 6 December."})
        self.assertRedirects(response, self.action_page, fetch_redirect_response=False)
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.status, challenge.response, challenge.responded_by),
            ("answered", "On 6 December.", self.olivia),
        )
        self.assertGreaterEqual(challenge.responded_at, before)
        self.assertEqual(challenge.history.latest("history_id").history_user, self.olivia)
        self.assertEqual(
            [str(m) for m in response.wsgi_request._messages],
            ["Your response on IP19-07 is sent."],
        )

    def test_an_empty_answer_is_refused(self):
        self.client.force_login(self.olivia)
        response = self.client.post(self.url, {"response": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<a href="#id_response">Enter your response to the challenge.</a>'
        )
        self.assertEqual(Challenge.objects.get().status, "open")

    def test_an_answered_challenge_is_not_answered_again(self):
        Challenge.objects.filter(pk=self.challenge.pk).update(
            status="answered",
            response="On 6 December.",
            responded_by=self.olivia,
            responded_at=timezone.now(),
        )
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "On 6 December.")
        self.assertContains(response, "cannot be answered again")
        self.assertNotContains(response, "Send response")
        response = self.client.post(self.url, {"response": "Actually, January."})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "This challenge was answered already by Olivia Example: it cannot be answered again.",
        )
        self.assertContains(response, ">\nActually, January.</textarea>")  # not lost
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.response, challenge.responded_by), ("On 6 December.", self.olivia)
        )

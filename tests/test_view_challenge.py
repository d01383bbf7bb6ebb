"""Raising a challenge on an action: /actions/<pk>/challenge/."""

import datetime

from django.urls import reverse

from biip.models import RAG
from plans.models import Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_update


class ChallengeCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            directorate=cls.finance, lead_officer=cls.olivia.person, reference="IP19-07"
        )
        cls.october = make_update(
            cls.action, cls.olivia, period=datetime.date(2019, 10, 1), rag=RAG.GREEN
        )
        cls.november = make_update(
            cls.action, cls.olivia, period=datetime.date(2019, 11, 1), rag=RAG.AMBER
        )
        cls.url = reverse("action-challenge", args=[cls.action.pk])
        cls.action_page = f"/actions/{cls.action.pk}/"


class ChallengeAccess(ChallengeCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.pat)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_officers_are_refused(self):
        for user in (self.olivia, self.oscar):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"question": "Why?"})
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Challenge.objects.exists())

    def test_panel_secretariat_and_administrator_may(self):
        for user in (self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_unknown_action_is_404(self):
        self.client.force_login(self.pat)
        url = reverse("action-challenge", args=[self.action.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)


class ChallengeForm(ChallengeCase):
    def test_form_offers_the_action_or_each_update(self):
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, '<h1 class="govuk-heading-l">Raise a challenge</h1>')
        self.assertContains(response, 'id="id_update" name="update" type="radio" value="" checked')
        self.assertContains(response, ">The action as a whole</label>")
        self.assertContains(response, ">The November 2019 update (Amber)</label>")
        self.assertContains(response, ">The October 2019 update (Green)</label>")
        self.assertContains(
            response, '<label class="govuk-label govuk-label--s" for="id_question">'
        )

    def test_an_update_can_be_chosen_by_link(self):
        self.client.force_login(self.pat)
        response = self.client.get(f"{self.url}?update={self.october.pk}")
        self.assertContains(response, f'value="{self.october.pk}" checked')
        self.assertNotContains(response, 'value="" checked')

    def test_a_challenge_on_the_action(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"update": "", "question": "Who owns this?"})
        self.assertRedirects(response, self.action_page, fetch_redirect_response=False)
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.action, challenge.update, challenge.question, challenge.raised_by),
            (self.action, None, "Who owns this?", self.pat),
        )
        self.assertEqual(challenge.status, "open")
        self.assertEqual(challenge.history.get().history_user, self.pat)
        self.assertEqual(
            [str(m) for m in response.wsgi_request._messages],
            ["Your challenge on IP19-07 is raised."],
        )

    def test_a_challenge_on_an_update(self):
        self.client.force_login(self.sam)
        self.client.post(self.url, {"update": self.november.pk, "question": "Evidence?"})
        self.assertEqual(Challenge.objects.get().update, self.november)

    def test_another_actions_update_is_refused(self):
        other = make_update(make_action(), self.sam)
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"update": other.pk, "question": "Why?"})
        self.assertContains(
            response,
            '<a href="#id_update">Choose one of this action&#x27;s updates, or the action.</a>',
        )
        self.assertContains(response, ">\nWhy?</textarea>")
        self.assertFalse(Challenge.objects.exists())

    def test_a_question_is_needed(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"update": self.october.pk, "question": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, '<a href="#id_question">Enter the question the officer must answer.</a>'
        )
        self.assertContains(response, f'value="{self.october.pk}" checked')
        self.assertFalse(Challenge.objects.exists())

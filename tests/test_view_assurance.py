"""The panel's assurance decision on an update: /updates/<pk>/assurance/."""

import datetime

from django.urls import reverse

from biip.models import RAG
from plans.models import Action, Assurance, Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_update

NOVEMBER = datetime.date(2019, 11, 1)


class AssuranceCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            reference="IP19-07",
            rag=RAG.AMBER,
        )
        make_update(cls.action, cls.olivia, period=datetime.date(2019, 10, 1), rag=RAG.GREEN)
        cls.update = make_update(
            cls.action,
            cls.olivia,
            period=NOVEMBER,
            rag=RAG.AMBER,
            narrative="Consultation running late.",
            evidence="https://example.org/consultation",
        )
        cls.url = reverse("update-assurance", args=[cls.update.pk])
        cls.action_page = f"/actions/{cls.action.pk}/"


class AssuranceAccess(AssuranceCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"decision": "assured"})
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertFalse(Assurance.objects.exists())

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.pat)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(self.url).status_code, 405)

    def test_officers_are_refused_even_their_own_action(self):
        for user in (self.olivia, self.oscar):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"decision": "assured"})
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Assurance.objects.exists())

    def test_panel_secretariat_and_administrator_may(self):
        for user in (self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_unknown_update_is_404(self):
        self.client.force_login(self.pat)
        url = reverse("update-assurance", args=[self.update.pk + 1000])
        self.assertEqual(self.client.get(url).status_code, 404)


class AssuranceForm(AssuranceCase):
    def test_shows_the_update_and_the_choices(self):
        Assurance.objects.create(
            update=self.update, decision="challenged", decided_by=self.sam, comment="Dates?"
        )
        self.client.force_login(self.pat)
        response = self.client.get(self.url)
        self.assertContains(response, "Assurance on the November 2019 update")
        self.assertContains(response, "Consultation running late.")
        self.assertContains(response, '<a href="https://example.org/consultation" rel="nofollow">')
        self.assertContains(
            response, '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Amber</strong>'
        )
        self.assertContains(response, "<strong>Challenged</strong>, by Sam Example")
        for value, label in (
            ("assured", "Assured"),
            ("challenged", "Challenged"),
            ("not_assured", "Not assured"),
        ):
            self.assertContains(response, f'type="radio" value="{value}"')
            self.assertContains(response, f">{label}</label>")
        self.assertContains(
            response, 'id="id_assured_rag" name="assured_rag" type="radio" value=""'
        )
        self.assertNotContains(response, " style=")

    def test_assured_is_recorded_and_the_action_carries_it(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"decision": "assured", "assured_rag": ""})
        self.assertRedirects(response, self.action_page, fetch_redirect_response=False)
        assurance = Assurance.objects.get()
        self.assertEqual(
            (assurance.update, assurance.decision, assurance.assured_rag, assurance.decided_by),
            (self.update, "assured", RAG.AMBER, self.pat),
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual((action.assurance, action.assured_rag), ("assured", RAG.AMBER))
        self.assertEqual(assurance.history.get().history_user, self.pat)
        self.assertEqual(
            [str(m) for m in response.wsgi_request._messages],
            ["Assured: your decision on the November 2019 update on IP19-07 is recorded."],
        )

    def test_challenged_raises_a_challenge(self):
        self.client.force_login(self.sam)
        response = self.client.post(
            self.url,
            {"decision": "challenged", "question": "When will the consultation close?"},
        )
        self.assertEqual(response.status_code, 302)
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.action, challenge.update, challenge.raised_by),
            (self.action, self.update, self.sam),
        )
        self.assertEqual(Action.objects.get(pk=self.action.pk).assurance, "challenged")

    def test_challenged_without_a_question_keeps_what_was_typed(self):
        self.client.force_login(self.pat)
        response = self.client.post(
            self.url,
            {"decision": "challenged", "assured_rag": "red", "comment": "Doubtful dates."},
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<title>Error: ")
        self.assertContains(
            response,
            '<a href="#id_question">Enter the question the officer must answer: a challenge '
            "needs one.</a>",
        )
        self.assertContains(response, 'id="id_question-error" class="govuk-error-message"')
        self.assertContains(response, 'value="challenged" checked')
        self.assertContains(response, 'value="red" checked')
        self.assertContains(response, ">\nDoubtful dates.</textarea>")
        self.assertFalse(Assurance.objects.exists())
        self.assertFalse(Challenge.objects.exists())

    def test_no_decision_links_to_the_first_radio(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"comment": "Thinking."})
        self.assertContains(
            response,
            '<a href="#id_decision">Choose whether the update is assured, challenged or not '
            "assured.</a>",
        )
        self.assertContains(response, 'id="id_decision" name="decision" type="radio"')
        self.assertFalse(Assurance.objects.exists())

    def test_not_assured_needs_a_comment(self):
        self.client.force_login(self.pat)
        response = self.client.post(self.url, {"decision": "not_assured"})
        self.assertContains(
            response, '<a href="#id_comment">Say why the update is not assured.</a>'
        )
        self.assertFalse(Assurance.objects.exists())
        self.assertEqual(Action.objects.get(pk=self.action.pk).assurance, "not_reviewed")

"""Recording formal advice (/meetings/<pk>/advice/): the advice the panel gave, or that
it gave none."""

from django.urls import reverse

from meetings.models import FormalAdvice
from tests.base import RolesTestCase
from tests.factories import make_meeting


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


class FormalAdviceTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting()
        cls.url = reverse("formal-advice", args=[cls.meeting.pk])
        cls.page = f"/meetings/{cls.meeting.pk}/"

    def recorded(self):
        return [(a.none_given, a.advice) for a in self.meeting.formal_advice.order_by("pk")]

    def test_the_url(self):
        self.assertEqual(self.url, f"/meetings/{self.meeting.pk}/advice/")

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.post(self.url, {"given": "none"})
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)
        self.assertFalse(FormalAdvice.objects.exists())

    def test_wrong_method(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)

    def test_officer_and_panel_are_refused(self):
        for user in (self.olivia, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 403)
                response = self.client.post(self.url, {"given": "none"})
                self.assertEqual(response.status_code, 403)
        self.assertFalse(FormalAdvice.objects.exists())

    def test_missing_meeting_is_404(self):
        self.client.force_login(self.sam)
        url = reverse("formal-advice", args=[999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_form_shows_what_is_recorded_and_a_conditional_textarea(self):
        FormalAdvice.objects.create(meeting=self.meeting, advice="Be transparent.")
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "<title>Formal advice")
        self.assertContains(response, "<p>Be transparent.</p>")
        self.assertContains(response, 'value="advice" data-aria-controls="conditional-advice"')
        self.assertContains(response, f'href="{self.page}" class="govuk-back-link"')

    def test_secretariat_records_that_none_was_given(self):
        FormalAdvice.objects.create(meeting=self.meeting, advice="Recorded by mistake.")
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"given": "none", "advice": "ignored"})
        self.assertRedirects(response, f"{self.page}#formal-advice", fetch_redirect_response=False)
        self.assertEqual(self.recorded(), [(True, "")])
        self.assertEqual(self.meeting.formal_advice.get().history.get().history_user, self.sam)
        self.assertEqual(
            messages_of(response), ["That no formal advice was given has been recorded."]
        )

    def test_administrator_records_advice_which_replaces_none_given(self):
        FormalAdvice.objects.create(meeting=self.meeting, none_given=True)
        self.client.force_login(self.alex)
        data = {
            "given": "advice",
            "advice": "Publish decisions on exit packages.",
            "publication_status": "public",
        }
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.recorded(), [(False, "Publish decisions on exit packages.")])
        self.assertEqual(messages_of(response), ["The formal advice has been recorded."])

    def test_the_advice_is_needed_when_advice_was_given(self):
        self.client.force_login(self.sam)
        data = {"given": "advice", "advice": "  ", "publication_status": "public"}
        response = self.client.post(self.url, data)
        self.assertEqual(
            response.context["form"].errors, {"advice": ["Enter the advice the panel gave"]}
        )
        self.assertContains(response, "<title>Error: Formal advice")
        self.assertContains(response, '<a href="#id_advice">')
        self.assertContains(response, 'class="govuk-radios__conditional" id="conditional-advice"')
        self.assertFalse(FormalAdvice.objects.exists())

    def test_a_choice_is_needed(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {})
        self.assertEqual(
            response.context["form"].errors,
            {"given": ["Choose whether the panel gave formal advice"]},
        )
        self.assertContains(response, '<a href="#id_given_0">')
        self.assertFalse(FormalAdvice.objects.exists())

    def test_advice_needs_a_publication_status(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, {"given": "advice", "advice": "Cut the posts."})
        self.assertEqual(
            response.context["form"].errors,
            {"publication_status": ["Choose whether it is public, exempt or confidential"]},
        )
        self.assertContains(response, "Cut the posts.")
        self.assertFalse(FormalAdvice.objects.exists())

    def test_exempt_advice_is_recorded_with_its_paragraph(self):
        self.client.force_login(self.sam)
        data = {
            "given": "advice",
            "advice": "Settle the dispute.",
            "publication_status": "exempt",
            "exemption_paragraph": "4",
            "exemption_review_date": "31/03/2020",
        }
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 302)
        advice = FormalAdvice.objects.get()
        self.assertEqual((advice.publication_status, advice.exemption_paragraph), ("exempt", 4))
        self.assertEqual(advice.history.latest().history_user, self.sam)

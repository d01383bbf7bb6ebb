"""Signing in: GOV.UK form, clear errors that change nothing, a safe `next`."""

from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.base import RolesTestCase

SIGN_IN = reverse("sign-in")
PASSWORD = "pass-word-123"


class SignInForm(RolesTestCase):
    def test_get_shows_labelled_fields(self):
        response = self.client.get(SIGN_IN)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<h1 class="govuk-heading-l">Sign in</h1>', html=True)
        self.assertContains(
            response, '<label class="govuk-label" for="id_username">Username</label>'
        )
        self.assertContains(
            response, '<label class="govuk-label" for="id_password">Password</label>'
        )
        self.assertContains(response, 'autocomplete="username"')
        self.assertContains(response, 'autocomplete="current-password"')
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertNotContains(response, "govuk-error-summary")
        self.assertIn("no-cache", response["Cache-Control"])

    def test_it_links_to_the_published_minutes_for_anyone(self):
        response = self.client.get("/sign-in/")
        self.assertContains(response, f'href="{reverse("public-meetings")}"')

    def test_put_is_not_allowed(self):
        self.assertEqual(self.client.put(SIGN_IN).status_code, 405)


class SigningIn(RolesTestCase):
    def test_good_credentials_sign_in_and_go_home(self):
        response = self.client.post(SIGN_IN, {"username": "olivia", "password": PASSWORD})
        self.assertRedirects(response, reverse("home"))
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.olivia.pk)

    def test_wrong_password_is_a_clear_error_and_changes_nothing(self):
        last_login = self.olivia.last_login
        response = self.client.post(SIGN_IN, {"username": "olivia", "password": "wrong-guess"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.assertContains(
            response, "<title>Error: Sign in – Improvement Tracker</title>", html=True
        )
        self.assertContains(
            response, '<h2 class="govuk-error-summary__title">There is a problem</h2>'
        )
        message = "Enter a correct username and password."
        self.assertContains(response, f'<a href="#id_password">{message}', count=1)
        self.assertContains(response, '<p id="id_password-error" class="govuk-error-message">')
        self.assertContains(response, 'aria-describedby="id_password-error"')
        self.assertContains(response, 'value="olivia"')
        self.assertNotContains(response, "wrong-guess")
        self.olivia.refresh_from_db()
        self.assertEqual(self.olivia.last_login, last_login)

    def test_empty_form_asks_for_each_field(self):
        response = self.client.post(SIGN_IN, {"username": "", "password": ""})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<a href="#id_username">Enter your username</a>')
        self.assertContains(response, '<a href="#id_password">Enter your password</a>')
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_local_next_is_honoured(self):
        response = self.client.post(
            SIGN_IN, {"username": "pat", "password": PASSWORD, "next": "/admin/?x=1"}
        )
        self.assertRedirects(response, "/admin/?x=1", fetch_redirect_response=False)

    def test_next_from_the_query_string_is_kept_in_the_form(self):
        response = self.client.get(SIGN_IN, {"next": "/sign-out/"})
        self.assertContains(response, '<input type="hidden" name="next" value="/sign-out/">')

    def test_external_next_is_ignored(self):
        for next_url in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            with self.subTest(next_url=next_url):
                self.client.logout()
                response = self.client.post(
                    f"{SIGN_IN}?next={next_url}", {"username": "pat", "password": PASSWORD}
                )
                self.assertRedirects(response, reverse("home"))

    def test_signed_in_user_is_sent_home(self):
        self.client.force_login(self.sam)
        response = self.client.get(SIGN_IN)
        self.assertRedirects(response, reverse("home"))

"""Signing out: POST only, then back to the sign-in page with a message."""

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from tests.base import RolesTestCase

SIGN_OUT = reverse("sign-out")


class SigningOut(RolesTestCase):
    def test_post_signs_out_and_goes_to_sign_in(self):
        self.client.force_login(self.pat)
        response = self.client.post(SIGN_OUT)
        self.assertRedirects(response, reverse("sign-in"), fetch_redirect_response=False)
        self.assertNotIn(SESSION_KEY, self.client.session)
        page = self.client.get(response.url)
        self.assertContains(page, "You have signed out.")
        self.assertContains(page, "govuk-notification-banner--success")

    def test_get_is_not_allowed_and_changes_nothing(self):
        self.client.force_login(self.pat)
        response = self.client.get(SIGN_OUT)
        self.assertEqual(response.status_code, 405)
        self.assertEqual(int(self.client.session[SESSION_KEY]), self.pat.pk)

    def test_post_needs_the_csrf_token(self):
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.pat)
        self.assertEqual(client.post(SIGN_OUT).status_code, 403)
        self.assertEqual(int(client.session[SESSION_KEY]), self.pat.pk)

    def test_every_signed_in_page_has_the_sign_out_button(self):
        self.client.force_login(self.pat)
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'<form method="post" action="{SIGN_OUT}"')
        self.assertContains(
            response, '<button type="submit" class="app-link-button">Sign out</button>'
        )

"""Sign-in lockout (django-axes): five failures lock one username from one address for the
cool-off period; other staff behind the same council address, and the same person from
elsewhere, can still sign in; X-Forwarded-For counts only behind configured proxies."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from tests.base import RolesTestCase

SIGN_IN = reverse("sign-in")
PASSWORD = "pass-word-123"
COUNCIL_NAT = "203.0.113.10"
ELSEWHERE = "198.51.100.7"
LOCKED = "There have been too many failed attempts to sign in with this username."


class Lockout(RolesTestCase):
    def sign_in(self, username, password, address=COUNCIL_NAT, **headers):
        return self.client.post(
            SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
        )

    def fail(self, username, times, address=COUNCIL_NAT, **headers):
        for attempt in range(times):
            response = self.sign_in(username, f"wrong-{attempt}", address, **headers)
        return response

    def assertSignedIn(self, user):
        self.assertEqual(int(self.client.session[SESSION_KEY]), user.pk)
        self.client.logout()

    def test_the_settings_lock_the_username_and_address_pair(self):
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, [["username", "ip_address"]])
        self.assertEqual(settings.AXES_FAILURE_LIMIT, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME, timedelta(minutes=15))
        self.assertTrue(settings.AXES_RESET_ON_SUCCESS)

    def test_four_failures_are_ordinary_errors(self):
        response = self.fail("olivia", 4)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a correct username and password.")
        self.assertNotContains(response, LOCKED)

    def test_the_fifth_failure_locks_with_a_clear_message(self):
        response = self.fail("olivia", 5)
        self.assertEqual(response.status_code, 429)
        self.assertContains(
            response, "<title>Error: Sign in – Improvement Tracker</title>", status_code=429
        )
        self.assertContains(
            response,
            '<h2 class="govuk-error-summary__title">There is a problem</h2>',
            status_code=429,
        )
        self.assertContains(
            response,
            f'<a href="#id_username">{LOCKED} Wait 15 minutes and try again, or ask the '
            "panel&#x27;s secretariat to unlock your account.</a>",
            status_code=429,
        )
        self.assertContains(response, 'value="olivia"', status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)
        attempt = AccessAttempt.objects.get()
        self.assertEqual(
            (attempt.username, attempt.ip_address, attempt.failures_since_start),
            ("olivia", COUNCIL_NAT, 5),
        )

    def test_once_locked_the_right_password_is_refused_too(self):
        self.fail("olivia", 5)
        response = self.sign_in("olivia", PASSWORD)
        self.assertContains(response, LOCKED, status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)
        self.olivia.refresh_from_db()
        self.assertIsNone(self.olivia.last_login)

    def test_others_behind_the_same_council_address_can_still_sign_in(self):
        self.fail("olivia", 5)
        response = self.sign_in("oscar", PASSWORD)
        self.assertRedirects(response, reverse("home"))
        self.assertSignedIn(self.oscar)

    def test_the_same_person_from_another_address_can_still_sign_in(self):
        self.fail("olivia", 5)
        self.sign_in("olivia", PASSWORD, address=ELSEWHERE)
        self.assertSignedIn(self.olivia)

    def test_after_the_cool_off_the_right_password_works_again(self):
        self.fail("olivia", 5)
        AccessAttempt.objects.update(
            attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
        )
        response = self.sign_in("olivia", PASSWORD)
        self.assertRedirects(response, reverse("home"))
        self.assertSignedIn(self.olivia)

    def test_a_success_clears_earlier_failures(self):
        self.fail("olivia", 4)
        self.sign_in("olivia", PASSWORD)
        self.assertSignedIn(self.olivia)
        self.assertFalse(AccessAttempt.objects.exists())
        response = self.fail("olivia", 4)
        self.assertEqual(response.status_code, 200)

    @override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=timedelta(minutes=1))
    def test_the_limit_and_cool_off_follow_the_settings(self):
        self.assertEqual(self.fail("olivia", 1).status_code, 200)
        response = self.fail("olivia", 1)
        self.assertContains(response, "Wait 1 minute and try again", status_code=429)

    def test_a_forged_x_forwarded_for_is_ignored_without_a_proxy(self):
        for attempt in range(5):
            response = self.sign_in("olivia", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(AccessAttempt.objects.get().ip_address, COUNCIL_NAT)

    @override_settings(TRUSTED_PROXY_COUNT=1)
    def test_behind_one_proxy_the_address_it_saw_is_the_client(self):
        proxy = "10.0.0.2"
        # The client forged the left-hand entry; the proxy appended the real address.
        self.fail("olivia", 5, address=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {COUNCIL_NAT}")
        self.assertEqual(AccessAttempt.objects.get().ip_address, COUNCIL_NAT)
        locked = self.sign_in("olivia", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=COUNCIL_NAT)
        self.assertEqual(locked.status_code, 429)
        self.sign_in("olivia", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
        self.assertSignedIn(self.olivia)

    def test_the_admin_sign_in_is_locked_the_same_way(self):
        self.fail("alex", 5)
        response = self.client.post(
            reverse("admin:login"),
            {"username": "alex", "password": PASSWORD},
            REMOTE_ADDR=COUNCIL_NAT,
        )
        self.assertContains(response, LOCKED, status_code=429)
        self.assertNotIn(SESSION_KEY, self.client.session)

    def test_get_of_the_sign_in_page_is_never_locked(self):
        self.fail("olivia", 5)
        response = self.client.get(SIGN_IN, REMOTE_ADDR=COUNCIL_NAT)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, LOCKED)

    def test_sign_in_outside_a_request_still_checks_the_password(self):
        """`client.login` and management commands call authenticate without a request;
        the lockout backend lets them through to the password check."""
        self.assertTrue(self.client.login(username="pat", password=PASSWORD))
        self.assertSignedIn(self.pat)
        self.assertFalse(self.client.login(username="pat", password="wrong"))

"""Sessions end after an hour without a request; working keeps them alive, writing the
session at most once every five minutes; the cookie is HTTP-only."""

import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from biip.signin import LAST_SEEN, SESSION_REFRESH_AFTER
from tests.base import RolesTestCase

HOME = reverse("home")


class InactivityTimeout(RolesTestCase):
    def setUp(self):
        self.client.force_login(self.olivia)
        self.key = self.client.session.session_key

    def row(self) -> Session:
        return Session.objects.get(pk=self.key)

    def as_if(self, *, last_seen_ago: int, expires_in: timedelta):
        """Make the session look as it would after the user last worked `last_seen_ago`
        seconds ago and the expiry was last moved on then."""
        session = self.client.session
        session[LAST_SEEN] = int(time.time()) - last_seen_ago
        session.save()
        Session.objects.filter(pk=self.key).update(expire_date=timezone.now() + expires_in)

    def test_the_timeout_is_an_hour_by_default(self):
        self.assertEqual(settings.SESSION_COOKIE_AGE, 3600)
        self.assertTrue(settings.SESSION_COOKIE_HTTPONLY)
        self.assertFalse(settings.SESSION_EXPIRE_AT_BROWSER_CLOSE)

    def test_a_session_idle_for_longer_than_the_timeout_is_signed_out(self):
        self.as_if(last_seen_ago=3601, expires_in=timedelta(seconds=-1))
        response = self.client.get(HOME)
        self.assertRedirects(response, f"{reverse('sign-in')}?next=/")

    def test_working_moves_the_expiry_on(self):
        self.as_if(last_seen_ago=50 * 60, expires_in=timedelta(minutes=10))
        self.assertEqual(self.client.get(HOME).status_code, 200)
        left = self.row().expire_date - timezone.now()
        self.assertGreater(left, timedelta(minutes=59))
        self.assertLessEqual(left, timedelta(hours=1))
        self.assertAlmostEqual(self.client.session[LAST_SEEN], time.time(), delta=5)

    def test_within_five_minutes_of_the_last_move_nothing_is_written(self):
        self.as_if(last_seen_ago=SESSION_REFRESH_AFTER - 30, expires_in=timedelta(minutes=56))
        before = self.row().expire_date
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(HOME).status_code, 200)
        self.assertFalse([q for q in queries if "UPDATE" in q["sql"] and "session" in q["sql"]])
        self.assertEqual(self.row().expire_date, before)

    def test_the_first_page_after_signing_in_writes_no_session(self):
        with CaptureQueriesContext(connection) as queries:
            self.client.get(HOME)
        self.assertFalse(
            [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
        )


class SigningInStartsTheClock(RolesTestCase):
    def test_signing_in_sets_an_hour_long_http_only_cookie(self):
        response = self.client.post(
            reverse("sign-in"), {"username": "pat", "password": "pass-word-123"}
        )
        self.assertEqual(response.status_code, 302)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        self.assertEqual(cookie["max-age"], 3600)
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertAlmostEqual(self.client.session[LAST_SEEN], time.time(), delta=5)

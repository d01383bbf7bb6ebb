"""With the database down, pages answer 503 with a plain message and a Retry-After header,
never a traceback or the error's text; /health/ tells the load balancer.

The app runs for real in a subprocess, as in production (DEBUG off, a real secret key),
against a PostgreSQL port where nothing listens and against an SQLite file that cannot be
opened; Django's test client sends it requests over "HTTPS". The only change from
production is the static files' storage (no collectstatic manifest in a test run)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import TestCase
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json
import django
django.setup()
from django.test import Client
from django.test.utils import override_settings

STATIC = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
DEFAULT = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
REQUESTS = [
    ("get", "/public/reports/", False),  # the view's own query fails
    ("get", "/", True),  # the signed-in user's session, loaded in a middleware, fails
    ("get", "/actions/", True),
    ("get", "/reports/1/", True),
    ("post", "/sign-in/", False),  # the sign-in records the attempt
    ("get", "/health/", False),
]
answers = []
with override_settings(STORAGES={"default": DEFAULT, "staticfiles": STATIC}):
    for method, url, signed_in in REQUESTS:
        client = Client(raise_request_exception=False)
        if signed_in:
            client.cookies["sessionid"] = "a" * 32
        data = {"username": "sam", "password": "a password"} if method == "post" else None
        response = getattr(client, method)(url, data, secure=True)
        answers.append({
            "request": f"{method.upper()} {url}",
            "status": response.status_code,
            "retry_after": response.get("Retry-After"),
            "cache_control": response.get("Cache-Control", ""),
            "body": response.content.decode(),
        })
print(json.dumps(answers))
"""

UNAVAILABLE = "Sorry, the service is unavailable"
LEAKS = ("Traceback", "OperationalError", "psycopg", "sqlite", "Connection refused", "127.0.0.1")


def run_without_database(database_url: str) -> tuple[list[dict], str]:
    keep = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "biip.settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "false",
        "SECRET_KEY": "a-real-secret-for-this-test-only-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/nothing_listens_here",
        "sqlite:////nonexistent-directory/for-this-test/db.sqlite3",
    ],
    ids=["postgresql", "sqlite"],
)
def test_every_page_answers_503_with_a_plain_message(database_url):
    answers, log = run_without_database(database_url)
    assert [a["request"] for a in answers][-1] == "GET /health/"
    for answer in answers[:-1]:
        request, body = answer["request"], answer["body"]
        assert answer["status"] == 503, request
        assert answer["retry_after"] == "120", request
        assert "no-store" in answer["cache_control"], request
        assert UNAVAILABLE in body, request
        assert "Try again in a few minutes" in body, request
        for leak in LEAKS:
            assert leak not in body, (request, leak)
    health = answers[-1]
    assert (health["status"], health["body"], health["retry_after"]) == (
        503,
        "unavailable\n",
        "120",
    )
    # The cause is in the server's log, for the people who run it.
    assert "Service Unavailable: /public/reports/" in log
    assert "django.db.utils.OperationalError" in log
    assert "Health check: the database did not answer" in log


class HealthTest(TestCase):
    url = reverse("health")

    def test_ok_when_the_database_answers_without_signing_in(self):
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok\n")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        self.assertIn("no-store", response["Cache-Control"])

    def test_head_is_allowed_and_post_is_not(self):
        self.assertEqual(self.client.head(self.url).status_code, 200)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_one_query(self):
        with self.assertNumQueries(1):
            self.client.get(self.url)

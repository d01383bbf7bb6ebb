"""Settings come from the environment; production refuses to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from biip.settings import database_from_url

ROOT = Path(__file__).resolve().parent.parent


def run_settings(script: str, env: dict, *, drop) -> subprocess.CompletedProcess:
    """Import biip.settings in a fresh process with `env` set and `drop` unset, and run
    `script` (which prints what the test reads)."""
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def load_settings(**env) -> subprocess.CompletedProcess:
    script = (
        "import biip.settings as s; print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.ALLOWED_HOSTS)"
    )
    return run_settings(script, env, drop=("DEBUG", "SECRET_KEY"))


SECURITY_KNOBS = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "SESSION_COOKIE_AGE",
    "TRUSTED_PROXY_COUNT",
)
ENVIRONMENT_KNOBS = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_SECURE",
    "SIGN_IN_FAILURE_LIMIT",
    "SIGN_IN_COOLOFF_MINUTES",
    "SESSION_COOKIE_AGE",
    "TRUSTED_PROXY_COUNT",
}
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "tracker.example.org"}


def setting_values(**env) -> subprocess.CompletedProcess:
    """The security settings biip/settings.py gives with only `env` set."""
    script = f"import biip.settings as s; print([getattr(s, n) for n in {SECURITY_KNOBS!r}])"
    return run_settings(script, env, drop=ENVIRONMENT_KNOBS)


def test_development_has_no_https_requirements_and_standard_sign_in_limits():
    result = setting_values()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[True, False, 0, False, 5, datetime.timedelta(seconds=900), 3600, 0]"
    )


def test_production_defaults_to_https_only():
    result = setting_values(**PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[False, True, 31536000, True, 5, datetime.timedelta(seconds=900), 3600, 0]"
    )


def test_sign_in_limits_sessions_and_proxies_come_from_the_environment():
    result = setting_values(
        **PRODUCTION,
        SIGN_IN_FAILURE_LIMIT="3",
        SIGN_IN_COOLOFF_MINUTES="60",
        SESSION_COOKIE_AGE="1800",
        TRUSTED_PROXY_COUNT="1",
        SECURE_HSTS_SECONDS="600",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "[False, True, 600, True, 3, datetime.timedelta(seconds=3600), 1800, 1]"
    )


def test_a_number_that_is_not_a_number_stops_the_app():
    result = setting_values(SIGN_IN_FAILURE_LIMIT="five")
    assert result.returncode != 0
    assert "SIGN_IN_FAILURE_LIMIT must be a whole number, not 'five'" in result.stderr


def test_development_defaults_need_no_environment():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("True Europe/London en-gb")


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = load_settings(DEBUG="false", SECRET_KEY="development-only-not-secret")
    assert result.returncode != 0
    assert "real secret" in result.stderr


def test_production_starts_with_a_real_key_and_its_hosts():
    result = load_settings(
        DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="tracker.example.org, localhost"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False Europe/London en-gb ['tracker.example.org', 'localhost']"


def test_database_url_for_postgresql():
    db = database_from_url("postgres://biip:s%40cret@db.example.org:5433/tracker")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "tracker",
        "biip",
        "s@cret",
        "db.example.org",
        "5433",
    )


def test_database_url_for_sqlite_and_unknown_schemes():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(Exception, match="not supported"):
        database_from_url("mysql://root@localhost/x")


def test_sqlite_writers_take_the_lock_when_the_transaction_begins_and_wait_for_it(monkeypatch):
    """A second writer waits for the first (tests/test_concurrency.py races them)."""
    monkeypatch.delenv("SQLITE_LOCK_TIMEOUT", raising=False)
    options = database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert options == {"transaction_mode": "IMMEDIATE", "timeout": 20}
    monkeypatch.setenv("SQLITE_LOCK_TIMEOUT", "5")
    assert database_from_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]["timeout"] == 5


def test_the_fast_test_hasher_stays_in_the_tests():
    """tests/conftest.py hashes passwords with MD5 for speed; the app, in a fresh process,
    still hashes with Django's PBKDF2 (biip/settings.py leaves PASSWORD_HASHERS alone)."""
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'biip.settings'; "
        "django.setup(); from django.contrib.auth.hashers import make_password; "
        "print(make_password('improve-2019').split('$')[0])"
    )
    done = run_settings(script, {}, drop=())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "pbkdf2_sha256"


def test_the_tests_hash_with_the_fast_hasher():
    from django.contrib.auth.hashers import make_password

    assert make_password("improve-2019").startswith("md5$")

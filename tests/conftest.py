"""Every test starts with an empty cache: the dashboard keeps each past month end's counts
there (biip.dashboard.trend_counts), and a test's database rows, and their ids, are gone
after it.

Passwords are hashed with MD5 in tests, for speed only (as healthchecks does): each test
class makes a user per role, and the production hasher (PBKDF2, a million iterations)
takes about half a second a password on a CI core, which was most of the suite's time.
Production's hashers are untouched (`PASSWORD_HASHERS` is not set in biip/settings.py)."""

import pytest
from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
from django.core.cache import cache

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_HASHERS
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield

"""Every test starts with an empty cache: the dashboard keeps each past month end's counts
there (biip.dashboard.trend_counts), and a test's database rows, and their ids, are gone
after it."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield

"""The project's URLs plus two views that fail, for tests/test_error_pages.py only (the
project itself has no such view)."""

from django.db import OperationalError
from django.urls import include, path

from biip.urls import handler500  # noqa: F401  (Django reads it from the ROOT_URLCONF)


def broken(request):
    raise RuntimeError("secret detail: the token is 0123456789abcdef")


def database_gone(request):
    raise OperationalError('connection to server at "10.0.0.5", port 5432 failed')


urlpatterns = [
    path("test-broken/", broken),
    path("test-database-gone/", database_gone),
    path("", include("biip.urls")),
]

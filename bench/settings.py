"""Settings for measuring: the app's own settings, with DEBUG off (so no query log grows
and templates are cached as in production), the bench's baseline page added to the URLs
and a fixed key for the bench's throwaway databases unless SECRET_KEY is set."""

import os
import warnings

BENCH_SECRET_KEY = "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)

from biip.settings import *  # noqa: E402, F403
from biip.settings import INSTALLED_APPS, STORAGES  # noqa: E402

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False  # measured over plain HTTP on this machine
ROOT_URLCONF = "bench.urls"
# The baseline's template lives in bench/templates (an app without models).
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Static files from the source folders as in development: the bench does not need
# `collectstatic` (pages only link to the stylesheet; PDFs read it through the fetcher).
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# WhiteNoise warns, in every measuring process, that `collectstatic` has not been run.
warnings.filterwarnings("ignore", message="No directory at")

"""Settings for the Improvement Tracker.

Everything that differs between a developer's machine and production comes from the
environment, read through the small helpers below. With no environment at all the app
runs for development on SQLite; with DEBUG off it refuses to start without a real
SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) into a
    Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:]) or ":memory:",
            # SQLite has one write lock for the whole file. A transaction that starts by
            # reading and only later writes ("DEFERRED", the default) cannot wait for it:
            # if another writer holds it, SQLite refuses at once ("database is locked").
            # "IMMEDIATE" takes the lock when the transaction begins, so a second writer
            # waits (up to SQLITE_LOCK_TIMEOUT seconds) and then reads what the first
            # saved: a stale form is then a conflict shown with the user's text kept.
            # tests/test_concurrency.py races writers on a file database.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("SQLITE_LOCK_TIMEOUT", 20),
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


DEBUG = envbool("DEBUG", "true")

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"
SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
elif not DEBUG and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a real secret (32 characters or more) when DEBUG is off"
    )

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "django_tables2",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "biip",
    "plans",
    "meetings",
    "reports",
    "csp",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "biip.middleware.user_groups",
    "biip.signin.session_activity",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "biip.urls"
WSGI_APPLICATION = "biip.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "biip.context_processors.service",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(envstr("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failed attempts for one username
# from one address, that pair is refused for the cool-off period. Locking on the pair, not on
# the address alone, keeps one council's shared address (many staff behind one NAT) from
# locking everyone out; locking on the pair, not the username alone, keeps an attacker
# elsewhere from locking a member of staff out.
AUTHENTICATION_BACKENDS = [
    "biip.signin.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("SIGN_IN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "biip.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "biip.signin.client_ip"
AXES_ENABLE_ADMIN = True
# How many reverse proxies the app sits behind. 0 (the default): the client's address is
# the connection's own (REMOTE_ADDR) and X-Forwarded-For, which anyone can send, is
# ignored. N: each proxy appends the address it was reached from to X-Forwarded-For, so
# the client's address is the N-th entry from the right (biip.signin.client_ip; the
# python-ipware package that AXES_IPWARE_* settings configure is not installed).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)

# Sessions end after SESSION_COOKIE_AGE seconds without a request (default one hour):
# biip.signin.session_activity moves the expiry on as the user works, writing the session at
# most once every five minutes rather than at every request (SESSION_SAVE_EVERY_REQUEST).
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["biip.formats"]  # UK dates: 29 January 2019

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploaded evidence: stored privately, never served as static or public media, only through
# a permission-checked view.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(BASE_DIR / "media")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

DJANGO_TABLES2_TEMPLATE = "tables/govuk.html"

SERVICE_NAME = "Improvement Tracker"

# Background work (report PDFs): django-tasks with its database backend. A worker,
# `manage.py db_worker`, runs the tasks; `make run` starts one beside the web server.
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The address users reach the app at, for links in emails (sent outside any request).
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Email: printed to the console in development; SMTP, configured from the environment, in
# production. Reminders are sent by `manage.py send_update_reminders` (see README).
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = int(envstr("EMAIL_PORT", "587"))
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Improvement Tracker <tracker@localhost>")

# HTTPS and browser protections. In production (DEBUG off) every one is on by default;
# `manage.py check --deploy` reports nothing (tests/test_security_headers.py).
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "false" if DEBUG else "true")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # no script reads the token: forms carry it in a hidden field
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
# The load balancer probes /health/ over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
# The preload flag only matters if the domain is submitted to the browsers' preload list,
# which only a registrable domain (not the app's own subdomain) can be.
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false" if DEBUG else "true")
# Behind a proxy that ends TLS and sets X-Forwarded-Proto (and strips any the client sent),
# TRUSTED_PROXY_SSL_HEADER=on lets Django know the request came in over HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("TRUSTED_PROXY_SSL_HEADER", "false") else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): everything from the app's own origin, no inline
# script or style anywhere (tests/test_security_headers.py checks the pages).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

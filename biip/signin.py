"""Signing in: the lockout with django-axes (the backend, the client's address and the page
a locked-out username and address pair sees) and sessions that end after inactivity.

Settings (biip/settings.py): AXES_LOCKOUT_PARAMETERS locks the username and address pair,
AXES_FAILURE_LIMIT and AXES_COOLOFF_TIME come from the environment, TRUSTED_PROXY_COUNT
says how many proxies' X-Forwarded-For entries to trust.
"""

import time

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address pair before any password is checked.

    Every sign-in over HTTP (this app's sign-in page and the admin's) passes the request.
    Code outside a request (management commands, a test's `client.login`) has no address
    to lock and no attacker behind it, so it is let through to the password check rather
    than failing as django-axes' own backend does."""

    def authenticate(self, request: HttpRequest | None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies, each of which appends the
    address it was reached from to X-Forwarded-For, the client is the entry that many
    places from the right; anything further left was written by the client and is not
    trusted. With no proxies configured, X-Forwarded-For is ignored entirely."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    plural = "" if minutes == 1 else "s"
    then = f"Wait {minutes} minute{plural} and try again, or ask" if minutes else "Ask"
    return (
        "There have been too many failed attempts to sign in with this username. "
        f"{then} the panel's secretariat to unlock your account."
    )


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The sign-in page with the lockout explained in the error summary (429 Too Many
    Requests), for this app's sign-in page and the admin's alike. Nothing was signed in."""
    from biip.forms import SignInForm  # forms import the auth machinery this module serves

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = SignInForm(request, initial={"username": username})
    form.cleaned_data = {}  # an unbound form has none; add_error expects it
    form.add_error(None, lockout_message(request))
    return render(
        request,
        "sign_in.html",
        {"form": form, "next": "", "locked_out": True},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# Sessions end after SESSION_COOKIE_AGE seconds without a request. Saving the session at
# every request (SESSION_SAVE_EVERY_REQUEST) would write to the database on every page;
# instead the session's expiry is moved on when it was last moved more than
# SESSION_REFRESH_AFTER seconds ago, so it ends between AGE - REFRESH_AFTER and AGE seconds
# after the last request.
LAST_SEEN = "biip_last_seen"
SESSION_REFRESH_AFTER = 5 * 60


@receiver(user_logged_in, dispatch_uid="biip.signin.seen_at_sign_in")
def seen_at_sign_in(sender, request, user, **kwargs):
    """Signing in saves the session anyway: record the moment with it. (This module is
    loaded, as the first authentication backend, before anyone can sign in.)"""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = int(time.time())


def session_activity(get_response):
    """Move a signed-in session's expiry on, at most once every SESSION_REFRESH_AFTER
    seconds (setting the timestamp marks the session modified, so SessionMiddleware saves it
    with a new expiry and sends the cookie again)."""

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(LAST_SEEN, 0) >= SESSION_REFRESH_AFTER:
                request.session[LAST_SEEN] = now
        return get_response(request)

    return middleware

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from biip.dashboard import AsAtForm, Moment, dashboard
from biip.forms import SignInForm
from biip.models import role_of


@require_safe
@login_required
def home(request):
    """The dashboard: where the programme stands, today or (?as_at=YYYY-MM-DD) as it stood
    at the end of a past day. An officer's own actions come first. A date that is not real,
    or is in the future, gets a message beside the field, and today's dashboard."""
    form = AsAtForm(request.GET)
    day = form.cleaned_data["as_at"] if form.is_valid() else None
    moment = Moment.at(day) if day else Moment.live()
    if day:
        form = AsAtForm(initial={"as_at": day.isoformat()})
    context = {"role": role_of(request.user), "form": form, "moment": moment}
    return render(request, "home.html", context | dashboard(request.user, moment))


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    """Sign in with a username and password, then go to a safe `next` or home. The form
    passes the request to authenticate(), so django-axes counts failures for the username
    and address pair; a locked-out pair gets the sign-in page with the lockout explained
    (429, biip.signin.locked_out) instead."""
    next_url = request.POST.get("next", request.GET.get("next", ""))
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        login(request, form.get_user())
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "sign_in.html", {"form": form, "next": next_url})


@require_POST
def sign_out(request):
    """Sign out (POST only, so a link or an image elsewhere cannot sign anyone out)."""
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)

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

from biip.dashboard import by_due_date, rag_counts, stacked_bar, summary
from biip.forms import SignInForm
from biip.models import role_of
from plans.models import ImprovementPlan

YOUR_ACTIONS_SHOWN = 10


@require_safe
@login_required
def home(request):
    """Who you are, where the current plan stands by RAG, and the actions you lead."""
    plan = ImprovementPlan.objects.current()
    context = {"role": role_of(request.user), "plan": plan}
    if plan is not None:
        counts = rag_counts(plan.actions.all())
        mine = plan.actions.filter(lead_officer__user=request.user)
        my_counts = rag_counts(mine)
        my_total = sum(item.count for item in my_counts)
        context |= {
            "rag_counts": counts,
            "total": sum(item.count for item in counts),
            "bar": stacked_bar(counts),
            "my_summary": summary(my_counts),
            "my_total": my_total,
            "my_actions": list(by_due_date(mine)[:YOUR_ACTIONS_SHOWN]) if my_total else [],
        }
    return render(request, "home.html", context)


@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request):
    """Sign in with a username and password, then go to a safe `next` or home."""
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

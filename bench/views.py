"""The baseline: the cheapest signed-in page the app could serve. It goes through the same
middleware (sessions, authentication, the user's groups, CSRF, history) and the same
template engine with the same context processors, but renders one trivial template that
does not extend the site layout and reads nothing else from the database."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def baseline(request):
    return render(request, "bench/baseline.html", {"name": request.user.get_username()})

"""Agreed minutes as a record: amending them, and publishing, withdrawing and
republishing them, each through a page that says what will happen, then one button.

- Amend (`minutes-amend`): the secretariat says why; until they finish the amendment
  (`amendment-finish`), the ordinary editing pages work for them again and every change
  is written into the amendment (meetings.services).
- Publish (`minutes-publish`): the public parts become public, frozen as they are now.
- Withdraw (`minutes-withdraw`): the public pages and PDF are taken down.
- Republish (`minutes-republish`): the public sees the amendments made since publication.

All the secretariat's and administrators' (meetings.access): others get 403.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from meetings import services
from meetings.access import get_amendment_for_update, get_meeting_for_update
from meetings.forms.editing import AmendmentForm, add_service_errors
from meetings.models import Meeting
from meetings.published import unpublished_amendments, withheld_once_published
from meetings.views.editing import GET_POST, data_or_none, meeting_page


@require_http_methods(GET_POST)
@login_required
def minutes_amend(request, pk: int):
    """Open an amendment of the agreed minutes, with its reason."""
    meeting = get_meeting_for_update(request.user, pk)
    form = AmendmentForm(data_or_none(request))
    if form.is_valid():
        try:
            services.open_amendment(
                user=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "You are amending the agreed minutes. Each change you make now is recorded "
                "in the amendment; choose “Finish the amendment” when you are done.",
            )
            return redirect(meeting_page(meeting.pk, "amendments"))
    return render(request, "meetings/edit/amend.html", {"form": form, "meeting": meeting})


@require_POST
@login_required
def amendment_finish(request, pk: int):
    """Finish the user's amendment: the minutes are locked again."""
    amendment = get_amendment_for_update(request.user, pk)
    meeting = amendment.meeting
    try:
        finished = services.finish_amendment(user=request.user, amendment=amendment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(meeting_page(meeting.pk, "amendments"))
    if finished is None:
        messages.success(request, "You made no change, so no amendment is recorded.")
    elif meeting.is_published:
        messages.success(
            request,
            f"{finished.note} The public still sees the minutes as they were published: "
            "republish them to show the amendment.",
        )
    else:
        messages.success(request, finished.note)
    return redirect(meeting_page(meeting.pk, "amendments"))


def _confirm(request, meeting: Meeting, template: str, act, done: str, context=None):
    """A confirmation page: GET shows it; POST does `act()` and says `done`, or shows
    the page again with the reason it was refused."""
    form = forms.Form(data_or_none(request))
    if form.is_valid():
        try:
            act()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(meeting_page(meeting.pk))
    context = {"form": form, "meeting": meeting, **(context or {})}
    return render(request, template, context, status=400 if form.errors else 200)


@require_http_methods(GET_POST)
@login_required
def minutes_publish(request, pk: int):
    meeting = get_meeting_for_update(request.user, pk)
    return _confirm(
        request,
        meeting,
        "meetings/edit/confirm_publish.html",
        lambda: services.move_minutes(
            user=request.user, meeting=meeting, status=Meeting.Status.PUBLISHED
        ),
        "The minutes are published: the public can now read their public parts.",
        {"withheld_count": withheld_once_published(meeting)},
    )


@require_http_methods(GET_POST)
@login_required
def minutes_withdraw(request, pk: int):
    meeting = get_meeting_for_update(request.user, pk)
    return _confirm(
        request,
        meeting,
        "meetings/edit/confirm_withdraw.html",
        lambda: services.withdraw_publication(user=request.user, meeting=meeting),
        "Publication is withdrawn: the public can no longer see these minutes. The "
        "minutes are still agreed.",
    )


@require_http_methods(GET_POST)
@login_required
def minutes_republish(request, pk: int):
    meeting = get_meeting_for_update(request.user, pk)
    return _confirm(
        request,
        meeting,
        "meetings/edit/confirm_republish.html",
        lambda: services.republish_minutes(user=request.user, meeting=meeting),
        "The amended minutes are published: the public now sees the amendments.",
        {"amendments": unpublished_amendments(meeting)},
    )

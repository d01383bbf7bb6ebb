"""The minutes as documents (a print-ready page and its PDF, internal and public), the
public pages of published meetings, and meetings as calendar files and feeds.

Everything the public sees (the public pages, the public minutes and PDF, the public
feed) is rendered from the public outline, `minutes_outline(meeting, public=True)`, which
holds no text of anything withheld; the public minutes as they were published
(meetings.published), so that an amendment reaches the public only when republished.
"""

from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from meetings import documents
from meetings.access import get_meeting_for_view, get_public_meeting, user_of_calendar_token
from meetings.calendar import Event, calendar
from meetings.models import Meeting
from meetings.published import public_minutes


def _pdf_response(request, meeting: Meeting, *, public: bool) -> HttpResponse:
    pdf = documents.minutes_pdf(meeting, public=public, base_url=request.build_absolute_uri())
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = documents.minutes_filename(meeting, public=public)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@login_required
def minutes_document(request, pk: int):
    """The whole minutes, print-ready, with what the public version withholds marked."""
    meeting = get_meeting_for_view(request.user, pk)
    outline_and_notes = documents.minutes_outline_and_notes(meeting, public=False)
    context = documents.minutes_context(*outline_and_notes)
    return render(request, "meetings/documents/minutes.html", context)


@require_safe
@login_required
def minutes_pdf(request, pk: int):
    meeting = get_meeting_for_view(request.user, pk)
    return _pdf_response(request, meeting, public=False)


@require_safe
def public_minutes_document(request, pk: int):
    """The published minutes, public items only, print-ready."""
    meeting = get_public_meeting(pk)
    context = documents.minutes_context(*public_minutes(meeting))
    return render(request, "meetings/documents/minutes.html", context)


@require_safe
def public_minutes_pdf(request, pk: int):
    meeting = get_public_meeting(pk)
    return _pdf_response(request, meeting, public=True)


@require_safe
def public_meeting_list(request):
    """Every meeting whose minutes are published, latest first."""
    meetings = Meeting.objects.published().order_by("-date", "-start_time")
    return render(request, "meetings/public/meeting_list.html", {"meetings": meetings})


@require_safe
def public_meeting_detail(request, pk: int):
    """A published meeting as the public sees it: public items only, the rest withheld
    by number and reason."""
    outline, amendment_notes = public_minutes(get_public_meeting(pk))
    context = {
        "outline": outline,
        "amendment_notes": amendment_notes,
        "when": outline.meeting.when,
        "next_when": outline.meeting.next_meeting.when if outline.meeting.next_meeting else "",
        "advice_given": [advice for advice in outline.advice if not advice.none_given],
    }
    return render(request, "meetings/public/meeting_detail.html", context)


def _calendar_response(text: str, *, filename: str, private: bool) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    return response


def _event(request, meeting: Meeting, *, url: str, description: str) -> Event:
    host = urlsplit(f"//{request.get_host()}").hostname
    return Event(meeting, host=host, url=url, description=f"{description}\n{url}")


@require_safe
@login_required
def meeting_ics(request, pk: int):
    """One meeting, to add to the user's calendar."""
    meeting = get_meeting_for_view(request.user, pk)
    url = request.build_absolute_uri(reverse("meeting", args=[meeting.pk]))
    event = _event(request, meeting, url=url, description=meeting.get_kind_display())
    return _calendar_response(
        calendar([event]), filename=f"meeting-{meeting.date:%Y-%m-%d}.ics", private=True
    )


@require_safe
def meetings_feed(request, token: str):
    """Upcoming meetings, for the calendar app of the user the token was made for: it
    subscribes without signing in."""
    user_of_calendar_token(token)
    events = [
        _event(
            request,
            meeting,
            url=request.build_absolute_uri(reverse("meeting", args=[meeting.pk])),
            description=meeting.get_kind_display(),
        )
        for meeting in Meeting.objects.upcoming()
    ]
    text = calendar(events, name="Improvement panel meetings")
    return _calendar_response(text, filename="meetings.ics", private=True)


@require_safe
def public_meetings_feed(request):
    """Upcoming meetings that are open to the public."""
    url = request.build_absolute_uri(reverse("public-meetings"))
    events = [
        _event(request, meeting, url=url, description="This meeting is open to the public.")
        for meeting in Meeting.objects.upcoming().filter(is_open_to_public=True)
    ]
    text = calendar(events, name="Improvement panel public meetings")
    return _calendar_response(text, filename="public-meetings.ics", private=False)

"""The meetings list (upcoming and past) and the meeting page: everything about one
meeting, as the minutes will record it, with the secretariat's editing links."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from meetings.access import calendar_token, can_manage_meetings, get_meeting_for_view
from meetings.models import Meeting
from meetings.outline import minutes_outline
from meetings.published import finished_amendments, since_publication
from meetings.services import TRANSITIONS


@require_safe
@login_required
def meeting_list(request):
    """Upcoming meetings, soonest first, then past meetings, latest first."""
    today = timezone.localdate()
    meetings = Meeting.objects.annotate(
        item_count=Count("agenda_items", distinct=True),
        open_action_count=Count("actions", filter=Q(actions__status="open"), distinct=True),
    )
    context = {
        "upcoming": meetings.upcoming(today),
        "past": meetings.past(today),
        "can_manage": can_manage_meetings(request.user),
        "calendar_token": calendar_token(request.user),
    }
    return render(request, "meetings/meeting_list.html", context)


@require_safe
@login_required
def meeting_detail(request, pk: int):
    """The meeting: heading, attendance by group, the agenda with its numbered minutes,
    actions arising, formal advice, matters arising from earlier meetings, amendments of
    the agreed minutes, next meeting. Editing links only where the user may edit now
    (agreed minutes: while they have an amendment open)."""
    meeting = get_meeting_for_view(request.user, pk)
    can_manage = can_manage_meetings(request.user)
    outline = minutes_outline(meeting, public=False)
    amending = meeting.amendments.filter(finished_at=None).select_related("made_by").first()
    mine = amending is not None and amending.made_by_id == request.user.pk
    amendments = list(finished_amendments(meeting))
    publication = meeting.current_publication()
    context = {
        "meeting": meeting,
        "outline": outline,
        "actions_arising": [entry.action for entry in outline.actions],
        "matters_arising": list(meeting.matters_arising()),
        "can_manage": can_manage,
        "editable": can_manage and not meeting.is_locked_for(request.user),
        "my_amendment": amending if mine else None,
        "other_amendment": None if mine else amending,
        "amendments": amendments,
        "unpublished_amendments": since_publication(amendments, publication),
        "publication": publication,
        "next_statuses": [Meeting.Status(status) for status in TRANSITIONS.get(meeting.status, ())],
        "later_meetings": Meeting.objects.filter(date__gt=meeting.date).order_by("date")[:12]
        if can_manage and meeting.status == Meeting.Status.MINUTES_DRAFTED
        else [],
    }
    return render(request, "meetings/meeting_detail.html", context)

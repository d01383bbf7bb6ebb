"""Who may do what with meetings: the access helpers every meetings view fetches through.

Every signed-in role reads every meeting. The secretariat and administrators create and
edit meetings, attendance, agendas, minutes, actions arising and formal advice, and move
the minutes through drafted, agreed and published. The owner of an action arising updates
its status and note. The public (not signed in) reads published meetings only, and of them
only public content (meetings.publication).
"""

from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from biip.models import Role
from meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingAction,
    Minute,
    MinutesAmendment,
)
from plans.access import has_role, person_of

CALENDAR_SALT = "meetings.calendar"


def can_manage_meetings(user) -> bool:
    return has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR)


def require_meeting_manager(user) -> None:
    if not can_manage_meetings(user):
        raise PermissionDenied("Only the secretariat and administrators edit meetings.")


def can_update_meeting_action(user, action: MeetingAction) -> bool:
    """The action's owner, the secretariat and administrators."""
    if can_manage_meetings(user):
        return True
    person = person_of(user) if user.is_authenticated else None
    return person is not None and action.owner_id == person.pk


def get_meeting_for_view(user, pk: int) -> Meeting:
    """Any signed-in role may read any meeting; 404 if there is none."""
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(
        Meeting.objects.select_related("next_meeting", "minutes_agreed_at"), pk=pk
    )


def get_meeting_for_update(user, pk: int, *, lock: bool = False) -> Meeting:
    """The meeting, if the user may edit it: 403 if not, 404 if there is none. With
    `lock`, the row is locked for the rest of the transaction (numbering minutes)."""
    require_meeting_manager(user)
    meetings = Meeting.objects.select_for_update() if lock else Meeting.objects
    return get_object_or_404(meetings, pk=pk)


def get_public_meeting(pk: int) -> Meeting:
    """A meeting whose minutes are published; 404 for any other, so the public cannot
    tell a draft from a meeting that does not exist."""
    return get_object_or_404(Meeting.objects.published().select_related("next_meeting"), pk=pk)


def get_amendment_for_update(user, pk: int) -> MinutesAmendment:
    """An amendment of agreed minutes, to finish: the secretariat's and administrators'
    (403 otherwise), 404 if there is none. Only its maker finishes it (the service)."""
    require_meeting_manager(user)
    rows = MinutesAmendment.objects.select_related("meeting", "made_by")
    return get_object_or_404(rows, pk=pk)


def get_attendance_for_update(user, pk: int) -> Attendance:
    require_meeting_manager(user)
    rows = Attendance.objects.select_related("meeting", "person", "person__organisation")
    return get_object_or_404(rows, pk=pk)


def lock_meeting_of(rows, pk: int) -> None:
    """Lock the meeting of the record `pk` of `rows`, before the record itself: the order
    in which meetings.services lock (meeting, then its rows), so that an edit and a
    renumbering waiting for each other cannot deadlock."""
    meeting_id = get_object_or_404(rows.values_list("meeting_id", flat=True), pk=pk)
    list(Meeting.objects.select_for_update().filter(pk=meeting_id).values_list("pk"))


def get_item_for_update(user, pk: int, *, lock: bool = False) -> AgendaItem:
    """With `lock`, the item's meeting and then the item are locked."""
    require_meeting_manager(user)
    items = AgendaItem.objects.select_related("meeting", "presenter")
    if lock:
        lock_meeting_of(AgendaItem.objects, pk)
    return get_object_or_404(items.select_for_update(of=("self",)) if lock else items, pk=pk)


def get_minute_for_update(user, pk: int, *, lock: bool = False) -> Minute:
    """With `lock`, the minute's meeting and then the minute are locked."""
    require_meeting_manager(user)
    minutes = Minute.objects.select_related("meeting", "agenda_item", "agenda_item__meeting")
    if lock:
        lock_meeting_of(Minute.objects, pk)
    return get_object_or_404(minutes.select_for_update(of=("self",)) if lock else minutes, pk=pk)


def get_meeting_action_for_view(user, pk: int) -> MeetingAction:
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(
        MeetingAction.objects.select_related("meeting", "minute", "owner", "promoted_to"),
        pk=pk,
    )


def get_meeting_action_for_update(user, pk: int) -> MeetingAction:
    """The action arising, if the user owns it or runs meetings: 403 if not, 404 if none."""
    action = get_meeting_action_for_view(user, pk)
    if not can_update_meeting_action(user, action):
        raise PermissionDenied("Only the action's owner and the secretariat may update it.")
    return action


def calendar_token(user) -> str:
    """The secret part of a user's calendar feed address, for Outlook to subscribe to
    without signing in. It names the user, signed with the app's secret key."""
    return signing.dumps(user.pk, salt=CALENDAR_SALT)


def user_of_calendar_token(token: str):
    """The active user a calendar token was made for; 404 if the token is not genuine."""
    from django.contrib.auth import get_user_model

    try:
        pk = signing.loads(token, salt=CALENDAR_SALT)
    except signing.BadSignature:
        pk = None
    return get_object_or_404(get_user_model(), pk=pk, is_active=True)

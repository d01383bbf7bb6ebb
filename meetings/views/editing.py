"""The secretariat's editing of meetings: the meeting's details, its attendance, its
agenda (added, edited, moved up and down, removed), the numbered minutes under each item,
actions arising against a minute, formal advice, and the minutes' status.

Every view is the secretariat's and administrators' (meetings.access): others get 403,
the public is sent to sign in. Writes that touch the numbering or several rows go through
meetings.services, which lock the meeting and renumber; a service's refusal is shown
beside the field it names. Each successful change returns to the meeting page, at the
part that changed, with a message saying what was done.

Edit forms work on a copy of the record, so a page showing bad input still names the
record as it is saved.

Agreed minutes are a record: the views that change the agenda, minutes, numbering,
actions arising or formal advice refuse (`refuse_if_a_record`: an explanation, 200 to a
GET and 409 to a POST, nothing changed) unless the user has an amendment open
(meetings.views.amending); the services refuse too, and record each change in the
amendment.
"""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from meetings import services
from meetings.access import (
    get_attendance_for_update,
    get_item_for_update,
    get_meeting_action_for_view,
    get_meeting_for_update,
    get_minute_for_update,
    lock_meeting_of,
    require_meeting_manager,
)
from meetings.forms.editing import (
    AgendaItemForm,
    AttendanceForm,
    FormalAdviceForm,
    MeetingActionForm,
    MeetingForm,
    MinuteForm,
    MinutesStatusForm,
    add_service_errors,
)
from meetings.models import Attendance, Meeting, MeetingAction
from meetings.services import TRANSITIONS
from reports.exposure import warn_if_published

GET_POST = ["GET", "POST"]


def data_or_none(request):
    return request.POST if request.method == "POST" else None


def refuse_if_a_record(request, meeting: Meeting) -> HttpResponse | None:
    """The page saying that agreed minutes change only through an amendment (200 to a
    GET, 409 to a POST), or None if the user may change these minutes now."""
    if not meeting.is_locked_for(request.user):
        return None
    context = {"meeting": meeting, "amending": meeting.amendments.filter(finished_at=None).first()}
    status = 409 if request.method == "POST" else 200
    return render(request, "meetings/edit/minutes_are_a_record.html", context, status=status)


def changed_labels(form) -> list[str]:
    """The fields the user changed, in words, for the amendment's record."""
    names = [name for name in form.changed_data if name != "seen_version"]
    labels = [str(form.fields[name].label) for name in names]
    return [label[:1].lower() + label[1:] for label in labels]


def meeting_page(meeting_id: int, fragment: str = "") -> str:
    """The meeting page, at `fragment` (an id on the page) if given."""
    url = reverse("meeting", args=[meeting_id])
    return f"{url}#{fragment}" if fragment else url


# The meeting


@require_http_methods(GET_POST)
@login_required
def meeting_create(request):
    require_meeting_manager(request.user)
    form = MeetingForm(data_or_none(request))
    if form.is_valid():
        meeting = form.save()
        messages.success(request, f"{meeting} has been added.")
        return redirect(meeting_page(meeting.pk))
    return render(request, "meetings/edit/meeting_form.html", {"form": form})


@require_http_methods(GET_POST)
@login_required
def meeting_edit(request, pk: int):
    with transaction.atomic():
        meeting = get_meeting_for_update(request.user, pk, lock=request.method == "POST")
        form = MeetingForm(data_or_none(request), instance=copy(meeting))
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"{saved} has been saved.")
            return redirect(meeting_page(meeting.pk))
    return render(request, "meetings/edit/meeting_form.html", {"form": form, "meeting": meeting})


# Attendance


def attendance_rows(meeting: Meeting) -> list[Attendance]:
    """The meeting's attendance in the order the minutes give it: by group (Panel,
    Council, Government, Other), then in the order recorded."""
    order = {value: i for i, value in enumerate(Attendance.Group.values)}
    rows = meeting.attendances.select_related("person", "person__organisation").order_by()
    return sorted(rows, key=lambda row: (order[row.group], row.order, row.pk))


@require_http_methods(GET_POST)
@login_required
def attendance(request, pk: int):
    """Who attends: the attendance so far, and the form to add someone (chosen from the
    people recorded, or new)."""
    with transaction.atomic():
        meeting = get_meeting_for_update(request.user, pk, lock=request.method == "POST")
        form = AttendanceForm(data_or_none(request), meeting=meeting)
        if form.is_valid():
            row = form.save()
            messages.success(request, f"{row.person.name} has been added to the attendance.")
            if request.POST.get("then") == "another":
                return redirect("attendance", pk=meeting.pk)
            return redirect(meeting_page(meeting.pk, "attendance"))
    context = {"meeting": meeting, "form": form, "rows": attendance_rows(meeting)}
    return render(request, "meetings/edit/attendance.html", context)


@require_http_methods(GET_POST)
@login_required
def attendance_edit(request, pk: int):
    row = get_attendance_for_update(request.user, pk)
    form = AttendanceForm(data_or_none(request), instance=copy(row), meeting=row.meeting)
    if form.is_valid():
        form.save()
        messages.success(request, f"{row.person.name}'s attendance has been saved.")
        return redirect(meeting_page(row.meeting_id, "attendance"))
    context = {"meeting": row.meeting, "form": form, "row": row}
    return render(request, "meetings/edit/attendance_form.html", context)


@require_POST
@login_required
def attendance_remove(request, pk: int):
    row = get_attendance_for_update(request.user, pk)
    row.delete()
    messages.success(request, f"{row.person.name} has been removed from the attendance.")
    return redirect(meeting_page(row.meeting_id, "attendance"))


# The agenda


@require_http_methods(GET_POST)
@login_required
def agenda_item_create(request, pk: int):
    """A new item at the end of the agenda."""
    meeting = get_meeting_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, meeting):
        return refused
    form = AgendaItemForm(data_or_none(request), meeting=meeting)
    if form.is_valid():
        try:
            item = services.add_agenda_item(user=request.user, meeting=meeting, **form.item_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Item {item.number}, “{item.heading}”, has been added.")
            return redirect(meeting_page(meeting.pk, f"item-{item.number}"))
    return render(
        request, "meetings/edit/agenda_item_form.html", {"form": form, "meeting": meeting}
    )


@require_http_methods(GET_POST)
@login_required
def agenda_item_edit(request, pk: int):
    with transaction.atomic():
        item = get_item_for_update(request.user, pk, lock=request.method == "POST")
        if refused := refuse_if_a_record(request, item.meeting):
            return refused
        form = AgendaItemForm(data_or_none(request), instance=copy(item), meeting=item.meeting)
        if form.is_valid():
            saved = form.instance
            services.save_edit(user=request.user, record=saved, changed=changed_labels(form))
            messages.success(request, f"Item {saved.number}, “{saved.heading}”, has been saved.")
            warn_if_published(request, saved)
            return redirect(meeting_page(item.meeting_id, f"item-{item.number}"))
    context = {
        "form": form,
        "meeting": item.meeting,
        "item": item,
        "minute_count": item.minutes.count(),
    }
    return render(request, "meetings/edit/agenda_item_form.html", context)


@require_POST
@login_required
def agenda_item_move(request, pk: int):
    """Swap the item with the one before it (`direction` up) or after it (down); the
    minutes are renumbered to follow."""
    item = get_item_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, item.meeting):
        return refused
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Say which way to move the item: up or down.")
    moved = services.move_agenda_item(user=request.user, item=item, up=direction == "up")
    if moved.number == item.number:
        where = "first" if direction == "up" else "last"
        messages.success(request, f"“{item.heading}” is already the {where} item.")
    else:
        messages.success(request, f"“{item.heading}” is now item {moved.number}.")
    return redirect(meeting_page(item.meeting_id, f"item-{moved.number}"))


@require_POST
@login_required
def agenda_item_remove(request, pk: int):
    """Remove an item with no minutes; the items after it move up a number."""
    item = get_item_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, item.meeting):
        return refused
    try:
        services.remove_agenda_item(user=request.user, item=item)
    except ValidationError as error:
        messages.error(
            request, f"Item {item.number} has not been removed. {' '.join(error.messages)}"
        )
        return redirect(meeting_page(item.meeting_id, f"item-{item.number}"))
    messages.success(request, f"Item {item.number}, “{item.heading}”, has been removed.")
    return redirect(meeting_page(item.meeting_id, "agenda"))


# Minutes


@require_http_methods(GET_POST)
@login_required
def minute_create(request, pk: int):
    """A new minute at the end of the item's minutes, numbered in the meeting's run."""
    item = get_item_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, item.meeting):
        return refused
    form = MinuteForm(data_or_none(request), item=item)
    if form.is_valid():
        try:
            minute = services.add_minute(
                user=request.user,
                item=item,
                text=form.cleaned_data["text"],
                **form.publication_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Minute {minute.number} has been added.")
            return redirect(meeting_page(item.meeting_id, f"minute-{minute.number}"))
    context = {"form": form, "meeting": item.meeting, "item": item}
    return render(request, "meetings/edit/minute_form.html", context)


@require_http_methods(GET_POST)
@login_required
def minute_edit(request, pk: int):
    with transaction.atomic():
        minute = get_minute_for_update(request.user, pk, lock=request.method == "POST")
        if refused := refuse_if_a_record(request, minute.meeting):
            return refused
        form = MinuteForm(data_or_none(request), instance=copy(minute), item=minute.agenda_item)
        if form.is_valid():
            saved = form.instance
            services.save_edit(user=request.user, record=saved, changed=changed_labels(form))
            messages.success(request, f"Minute {minute.number} has been saved.")
            warn_if_published(request, saved)
            return redirect(meeting_page(minute.meeting_id, f"minute-{minute.number}"))
    context = {
        "form": form,
        "meeting": minute.meeting,
        "item": minute.agenda_item,
        "minute": minute,
        "action_count": minute.actions.count(),
    }
    return render(request, "meetings/edit/minute_form.html", context)


@require_POST
@login_required
def minute_remove(request, pk: int):
    """Remove a minute with no actions arising; the minutes after it move up a number."""
    minute = get_minute_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, minute.meeting):
        return refused
    try:
        services.remove_minute(user=request.user, minute=minute)
    except ValidationError as error:
        messages.error(
            request, f"Minute {minute.number} has not been removed. {' '.join(error.messages)}"
        )
        return redirect(meeting_page(minute.meeting_id, f"minute-{minute.number}"))
    messages.success(request, f"Minute {minute.number} has been removed.")
    return redirect(meeting_page(minute.meeting_id, f"item-{minute.agenda_item.number}"))


# Actions arising


@require_http_methods(GET_POST)
@login_required
def meeting_action_create(request, pk: int):
    """An action arising against a minute, with its owner and due date."""
    minute = get_minute_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, minute.meeting):
        return refused
    form = MeetingActionForm(data_or_none(request), minute=minute)
    if form.is_valid():
        try:
            services.record_meeting_action(user=request.user, minute=minute, **form.action_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The action arising from minute {minute.number} is recorded."
            )
            return redirect(meeting_page(minute.meeting_id, "actions-arising"))
    context = {"form": form, "meeting": minute.meeting, "minute": minute}
    return render(request, "meetings/edit/meeting_action_form.html", context)


@require_http_methods(GET_POST)
@login_required
def meeting_action_edit(request, pk: int):
    """Edit what an action arising is, its owner, due date and publication. Its status and
    note are updated on meeting-action-update."""
    require_meeting_manager(request.user)
    with transaction.atomic():
        action = get_meeting_action_for_view(request.user, pk)
        if refused := refuse_if_a_record(request, action.meeting):
            return refused
        if request.method == "POST":  # lock the row while checking for others' changes
            lock_meeting_of(MeetingAction.objects, action.pk)  # first, as the services do
            action.refresh_from_db(from_queryset=MeetingAction.objects.select_for_update())
        form = MeetingActionForm(data_or_none(request), instance=copy(action))
        if form.is_valid():
            saved = form.instance
            services.save_edit(user=request.user, record=saved, changed=changed_labels(form))
            messages.success(request, "The action arising has been saved.")
            warn_if_published(request, saved)
            return redirect(meeting_page(action.meeting_id, "actions-arising"))
    context = {"form": form, "meeting": action.meeting, "minute": action.minute, "action": action}
    return render(request, "meetings/edit/meeting_action_form.html", context)


@require_POST
@login_required
def meeting_action_remove(request, pk: int):
    """Remove an action arising recorded in error (not one promoted into the plan)."""
    require_meeting_manager(request.user)
    action = get_meeting_action_for_view(request.user, pk)
    if refused := refuse_if_a_record(request, action.meeting):
        return refused
    try:
        services.remove_meeting_action(user=request.user, action=action)
    except ValidationError as error:
        messages.error(
            request, f"The action arising has not been removed. {' '.join(error.messages)}"
        )
        return redirect("meeting-action-edit", pk=action.pk)
    messages.success(request, "The action arising has been removed.")
    return redirect(meeting_page(action.meeting_id, "actions-arising"))


# Formal advice


@require_http_methods(GET_POST)
@login_required
def formal_advice(request, pk: int):
    """Record the formal advice the panel gave, or that it gave none."""
    meeting = get_meeting_for_update(request.user, pk)
    if refused := refuse_if_a_record(request, meeting):
        return refused
    form = FormalAdviceForm(data_or_none(request))
    if form.is_valid():
        none_given = form.cleaned_data["given"] == FormalAdviceForm.NONE
        try:
            services.record_formal_advice(
                user=request.user,
                meeting=meeting,
                none_given=none_given,
                advice=form.cleaned_data["advice"],
                **form.publication_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            said = "That no formal advice was given" if none_given else "The formal advice"
            messages.success(request, f"{said} has been recorded.")
            return redirect(meeting_page(meeting.pk, "formal-advice"))
    context = {"form": form, "meeting": meeting, "advice": meeting.formal_advice.order_by("pk")}
    return render(request, "meetings/edit/formal_advice.html", context)


# The minutes' status


def status_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """The moves open to the minutes on the status form, each (status, what it means in
    words). Publishing and withdrawing publication have confirmation pages of their own
    (meetings.views.amending) and are not among them."""
    words = {
        Meeting.Status.HELD: "Held: the meeting has taken place",
        Meeting.Status.MINUTES_DRAFTED: "Minutes drafted",
        Meeting.Status.MINUTES_AGREED: "Minutes agreed",
    }
    return [
        (status, words[status])
        for status in TRANSITIONS.get(meeting.status, ())
        if status in words and meeting.status != Meeting.Status.PUBLISHED
    ]


STATUS_MESSAGES = {
    Meeting.Status.HELD: "The meeting is marked as held.",
    Meeting.Status.MINUTES_DRAFTED: "The minutes are marked as drafted.",
    Meeting.Status.MINUTES_AGREED: "The minutes are marked as agreed. From now on they "
    "change only through an amendment.",
}


def confirmation_page(meeting: Meeting, status: str) -> str | None:
    """The confirmation page a move to `status` goes through, if it has one: publishing,
    and withdrawing publication. A move not open now has none: the service refuses it."""
    if status not in TRANSITIONS.get(meeting.status, ()):
        return None
    if status == Meeting.Status.PUBLISHED:
        return reverse("minutes-publish", args=[meeting.pk])
    if meeting.status == Meeting.Status.PUBLISHED:
        return reverse("minutes-withdraw", args=[meeting.pk])
    return None


@require_http_methods(GET_POST)
@login_required
def minutes_status(request, pk: int):
    """Move the minutes on (POST `status`, with `agreed_at` a later meeting's id, or
    `agreed_on` a date, when they are agreed). GET shows the choices; a refused move is
    shown again with the reason beside the field. A move to publish, or back from
    published, is sent to its confirmation page, changing nothing."""
    meeting = get_meeting_for_update(request.user, pk)
    form = MinutesStatusForm(data_or_none(request), meeting=meeting)
    if form.is_valid():
        if confirm := confirmation_page(meeting, form.cleaned_data["status"]):
            return redirect(confirm)
        try:
            services.move_minutes(
                user=request.user,
                meeting=meeting,
                status=form.cleaned_data["status"],
                agreed_at=form.cleaned_data["agreed_at"],
                on=form.date_agreed(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, STATUS_MESSAGES[form.cleaned_data["status"]])
            return redirect(meeting_page(meeting.pk))
    context = {"form": form, "meeting": meeting, "choices": status_choices(meeting)}
    return render(request, "meetings/edit/minutes_status.html", context)

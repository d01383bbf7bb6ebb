"""Writes to meetings that touch several rows, each one function: keyword-only and typed,
taking the acting user, checking their permission, running in one transaction and
full_clean()ing every row it saves, with the acting user in every history row.

Numbering: agenda items are numbered 1, 2, 3 in order; minutes are numbered continuously
through the whole meeting in agenda order (the minutes of item 1 first). Every change
that can disturb the order (a new minute, a moved or removed item, a removed minute)
renumbers the meeting's minutes, with the meeting row locked so that two secretaries
writing at once cannot give two minutes the same number.

Agreed minutes are a record: once the minutes are agreed (or published), every change to
their agenda, minutes, numbering, actions arising or formal advice goes through
`_changing`, which refuses it (MinutesAreARecord) unless the user has an amendment open
(`open_amendment`, with its reason), and writes what changed into that amendment in the
same transaction. Published minutes stay as published (meetings.published) until the
secretariat republishes them.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from biip.models import PublicationStatus
from meetings.access import (
    can_manage_meetings,
    can_update_meeting_action,
    require_meeting_manager,
)
from meetings.models import (
    AgendaItem,
    FormalAdvice,
    Meeting,
    MeetingAction,
    Minute,
    MinutesAmendment,
)
from meetings.published import publish, shown_once_published, unpublished_amendments
from plans.access import can_manage_plans
from plans.models import Action

# Numbers are moved out of the way (by this much) before being set, so that the unique
# (meeting, number) constraints hold at every step of a renumbering.
PARKING = 10000

# The minutes' life: from each status, the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Meeting.Status.SCHEDULED: (Meeting.Status.HELD,),
    Meeting.Status.HELD: (Meeting.Status.MINUTES_DRAFTED,),
    Meeting.Status.MINUTES_DRAFTED: (Meeting.Status.MINUTES_AGREED,),
    Meeting.Status.MINUTES_AGREED: (Meeting.Status.PUBLISHED,),
    Meeting.Status.PUBLISHED: (Meeting.Status.MINUTES_AGREED,),
}


def _save(obj: models.Model, user: AbstractBaseUser) -> None:
    """Validate (fields, clean() and constraints), then save with history by `user`."""
    obj.full_clean()
    obj._history_user = user
    obj.save()


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


class MinutesAreARecord(PermissionDenied):
    """A change to agreed minutes without an amendment open."""

    def __init__(self):
        super().__init__(
            "These minutes are agreed: they change only through an amendment. Amend the "
            "agreed minutes first, saying why."
        )


Key = tuple[str, int]


class Change:
    """What a service changed, for the amendment: a line in words, and the records it
    touched (("minute", pk), ...) as they were before and are after."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.before: list[Key] = []
        self.after: list[Key] = []
        self.meeting: Meeting | None = None

    def record(self, line: str, *, before: list[Key] = (), after: list[Key] = ()) -> None:
        self.lines.append(line)
        self.before.extend(before)
        self.after.extend(after)


@contextmanager
def _changing(meeting: Meeting, user: AbstractBaseUser) -> Iterator[Change]:
    """Lock the meeting for a change to its minutes. Once they are agreed, the change is
    refused unless `user` has an amendment open; it is then written into the amendment,
    marked as touching withheld content if a record it touched was withheld from the
    public before or after (as the public outline decides). Use inside a transaction."""
    meeting = _lock(meeting)
    change = Change()
    change.meeting = meeting
    if not meeting.minutes_are_a_record:
        yield change
        return
    if meeting.is_locked_for(user):
        raise MinutesAreARecord
    amendment = meeting.open_amendment(user)
    shown_before = shown_once_published(meeting)
    yield change
    shown_after = shown_once_published(meeting)
    withheld = any(key not in shown_before for key in change.before) or any(
        key not in shown_after for key in change.after
    )
    amendment.changes = "\n".join([*amendment.change_list, *change.lines])
    amendment.touches_withheld = amendment.touches_withheld or withheld
    _save(amendment, user)


def _set_numbers(rows: list, numbers: list[int], user: AbstractBaseUser) -> None:
    """Give rows[i] the number numbers[i], parking the changed ones first."""
    changed = [(row, n) for row, n in zip(rows, numbers, strict=True) if row.number != n]
    for row, _ in changed:
        row.number += PARKING
        row._history_user = user
        row.save(update_fields=["number"])
    for row, number in changed:
        row.number = number
        row._history_user = user
        row.save(update_fields=["number"])


def renumber(meeting: Meeting, *, user: AbstractBaseUser) -> None:
    """Number the agenda items 1.. in their order, and the minutes 1.. continuously in
    agenda order, keeping each item's minutes in their order. Call inside a transaction
    with the meeting locked."""
    items = list(meeting.agenda_items.order_by("number"))
    _set_numbers(items, list(range(1, len(items) + 1)), user)
    position = {item.pk: i for i, item in enumerate(items)}
    minutes = sorted(meeting.minutes.all(), key=lambda m: (position[m.agenda_item_id], m.number))
    _set_numbers(minutes, list(range(1, len(minutes) + 1)), user)


def _next_number(rows: models.QuerySet) -> int:
    return (rows.aggregate(models.Max("number"))["number__max"] or 0) + 1


def _action_name(action: MeetingAction) -> str:
    if action.minute is None:
        return "an action arising"
    return f"action arising from minute {action.minute.number}"


def _name(record: AgendaItem | Minute | MeetingAction) -> str:
    if isinstance(record, AgendaItem):
        return f"item {record.number}"
    if isinstance(record, Minute):
        return f"minute {record.number}"
    return _action_name(record)


KEY_KINDS = {AgendaItem: "item", Minute: "minute", MeetingAction: "action"}


@transaction.atomic
def save_edit(
    *, user: AbstractBaseUser, record: AgendaItem | Minute | MeetingAction, changed: list[str]
) -> None:
    """Save an agenda item, minute or action arising edited through its form (not its
    number); `changed` names the fields changed, in words, for an amendment."""
    require_meeting_manager(user)
    with _changing(record.meeting, user) as change:
        _save(record, user)
        if changed:  # saved unchanged: nothing to record
            key = [(KEY_KINDS[type(record)], record.pk)]
            change.record(f"{_name(record)} edited ({', '.join(changed)})", before=key, after=key)


# Amendments of agreed minutes, and their publication


@transaction.atomic
def open_amendment(*, user: AbstractBaseUser, meeting: Meeting, reason: str) -> MinutesAmendment:
    """Open an amendment of agreed minutes, saying why: until `user` finishes it, the
    changes they make are recorded in it. One amendment at a time per meeting. Published
    minutes with no frozen public copy (published before copies were kept) are frozen
    first, so that the public keeps seeing them as they were."""
    require_meeting_manager(user)
    meeting = _lock(meeting)
    if not meeting.minutes_are_a_record:
        raise ValidationError("These minutes are not agreed yet: edit them directly.")
    other = meeting.amendments.filter(finished_at__isnull=True).select_related("made_by").first()
    if other is not None:
        who = other.made_by.get_full_name() or other.made_by.get_username()
        raise ValidationError(
            f"{who} is already amending these minutes. Amend them once they have finished."
        )
    if meeting.is_published and meeting.current_publication() is None:
        publish(meeting, user=user)
    amendment = MinutesAmendment(meeting=meeting, reason=reason.strip(), made_by=user)
    _save(amendment, user)
    return amendment


@transaction.atomic
def finish_amendment(
    *, user: AbstractBaseUser, amendment: MinutesAmendment
) -> MinutesAmendment | None:
    """Finish the user's open amendment: the minutes are locked again and the amendment is
    shown on them. An amendment that changed nothing is removed (None is returned)."""
    require_meeting_manager(user)
    amendment = MinutesAmendment.objects.select_for_update().get(pk=amendment.pk)
    if amendment.made_by_id != user.pk:
        raise PermissionDenied("Only the person amending the minutes finishes the amendment.")
    if amendment.finished_at is not None:
        raise ValidationError("This amendment is already finished.")
    amendment._history_user = user
    if not amendment.changes:
        amendment.delete()
        return None
    amendment.finished_at = timezone.now()
    _save(amendment, user)
    return amendment


def _refuse_while_amending(meeting: Meeting) -> None:
    if meeting.amendments.filter(finished_at__isnull=True).exists():
        raise ValidationError(
            {"status": "The minutes are being amended: finish the amendment first."}
        )


@transaction.atomic
def withdraw_publication(*, user: AbstractBaseUser, meeting: Meeting) -> Meeting:
    """Take published minutes down from the public: back to agreed."""
    require_meeting_manager(user)
    if not _lock(meeting).is_published:
        raise ValidationError("Only published minutes can be withdrawn.")
    return move_minutes(user=user, meeting=meeting, status=Meeting.Status.MINUTES_AGREED)


@transaction.atomic
def republish_minutes(*, user: AbstractBaseUser, meeting: Meeting):
    """Publish the amended minutes in place of the version the public sees."""
    require_meeting_manager(user)
    meeting = _lock(meeting)
    if not meeting.is_published:
        raise ValidationError("Only published minutes are republished.")
    _refuse_while_amending(meeting)
    if not unpublished_amendments(meeting):
        raise ValidationError("Nothing has been amended since the minutes were published.")
    return publish(meeting, user=user)


@transaction.atomic
def add_agenda_item(*, user: AbstractBaseUser, meeting: Meeting, **fields) -> AgendaItem:
    """A new item at the end of the agenda."""
    require_meeting_manager(user)
    with _changing(meeting, user) as change:
        meeting = change.meeting
        item = AgendaItem(meeting=meeting, number=_next_number(meeting.agenda_items), **fields)
        _save(item, user)
        change.record(f"item {item.number} added", after=[("item", item.pk)])
    return item


@transaction.atomic
def move_agenda_item(*, user: AbstractBaseUser, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with the one before it (up) or after it, and renumber the minutes.
    Moving the first item up, or the last down, changes nothing."""
    require_meeting_manager(user)
    with _changing(item.meeting, user) as change:
        meeting = change.meeting
        items = list(meeting.agenda_items.order_by("number"))
        index = next(i for i, row in enumerate(items) if row.pk == item.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(items):
            was = items[index].number
            items[index], items[other] = items[other], items[index]
            _set_numbers(items, list(range(1, len(items) + 1)), user)
            renumber(meeting, user=user)
            key = [("item", item.pk)]
            change.record(
                f"item {was} moved {'up' if up else 'down'} to {other + 1}; minutes renumbered",
                before=key,
                after=key,
            )
    return AgendaItem.objects.get(pk=item.pk)


@transaction.atomic
def remove_agenda_item(*, user: AbstractBaseUser, item: AgendaItem) -> None:
    """Remove an item with no minutes, and close the gap in the numbering."""
    require_meeting_manager(user)
    with _changing(item.meeting, user) as change:
        if item.minutes.exists():
            raise ValidationError("Remove the item's minutes first: an item with minutes stays.")
        number, key = item.number, ("item", item.pk)
        item._history_user = user
        item.delete()
        renumber(change.meeting, user=user)
        change.record(f"item {number} removed; items renumbered", before=[key])


@transaction.atomic
def add_minute(*, user: AbstractBaseUser, item: AgendaItem, text: str, **fields) -> Minute:
    """A new minute at the end of the item's minutes; the minutes after it move down."""
    require_meeting_manager(user)
    with _changing(item.meeting, user) as change:
        meeting = change.meeting
        minute = Minute(
            meeting=meeting,
            agenda_item=item,
            number=_next_number(meeting.minutes) + PARKING,
            text=text,
            **fields,
        )
        _save(minute, user)
        renumber(meeting, user=user)
        minute.refresh_from_db()
        later = meeting.minutes.filter(number__gt=minute.number).exists()
        change.record(
            f"minute {minute.number} added under item {item.number}"
            + ("; the minutes after it renumbered" if later else ""),
            after=[("minute", minute.pk)],
        )
    return minute


@transaction.atomic
def remove_minute(*, user: AbstractBaseUser, minute: Minute) -> None:
    """Remove a minute with no actions arising, and close the gap in the numbering."""
    require_meeting_manager(user)
    with _changing(minute.meeting, user) as change:
        if minute.actions.exists():
            raise ValidationError("Remove the minute's actions arising first.")
        number, key = minute.number, ("minute", minute.pk)
        minute._history_user = user
        minute.delete()
        renumber(change.meeting, user=user)
        change.record(f"minute {number} removed; minutes renumbered", before=[key])


@transaction.atomic
def record_meeting_action(
    *,
    user: AbstractBaseUser,
    minute: Minute,
    description: str,
    owner,
    due_date: datetime.date | None,
    **fields,
) -> MeetingAction:
    """An action arising against a minute, with its owner and due date, open."""
    require_meeting_manager(user)
    with _changing(minute.meeting, user) as change:
        action = MeetingAction(
            meeting=change.meeting,
            minute=minute,
            description=description,
            owner=owner,
            due_date=due_date,
            **fields,
        )
        _save(action, user)
        change.record(
            f"action arising from minute {minute.number} added", after=[("action", action.pk)]
        )
    return action


@transaction.atomic
def remove_meeting_action(*, user: AbstractBaseUser, action: MeetingAction) -> None:
    """Remove an action arising recorded in error. One promoted into the plan stays: the
    plan action would lose where it came from."""
    require_meeting_manager(user)
    with _changing(action.meeting, user) as change:
        action = (
            MeetingAction.objects.select_related("minute")
            .select_for_update(of=("self",))  # the minute is the nullable side of a join
            .get(pk=action.pk)
        )
        if action.promoted_to_id is not None:
            raise ValidationError("It has been promoted into the improvement plan, so it stays.")
        key = ("action", action.pk)
        action._history_user = user
        action.delete()
        change.record(f"{_action_name(action)} removed", before=[key])


@transaction.atomic
def update_meeting_action(
    *, user: AbstractBaseUser, action: MeetingAction, status: str, note: str
) -> MeetingAction:
    """The owner's (or the secretariat's) update: open or done, and a note. Done today
    when it becomes done; no completion date when it is reopened."""
    if not can_update_meeting_action(user, action):
        raise PermissionDenied("Only the action's owner and the secretariat may update it.")
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if status == MeetingAction.Status.DONE and action.status != status:
        action.completed_on = timezone.localdate()
    elif status == MeetingAction.Status.OPEN:
        action.completed_on = None
    action.status = status
    action.note = note.strip()
    _save(action, user)
    return action


@transaction.atomic
def record_formal_advice(
    *,
    user: AbstractBaseUser,
    meeting: Meeting,
    none_given: bool,
    advice: str = "",
    publication_status: str = PublicationStatus.PUBLIC,
    exemption_paragraph: int | None = None,
    exemption_review_date: datetime.date | None = None,
) -> FormalAdvice:
    """Record advice the panel gave (public, exempt or confidential, as a minute), or that
    it gave none. Recording "none given" replaces any advice recorded; recording advice
    replaces a "none given"."""
    require_meeting_manager(user)
    with _changing(meeting, user) as change:
        meeting = change.meeting
        advice = "" if none_given else advice.strip()
        record = FormalAdvice(
            meeting=meeting,
            none_given=none_given,
            advice=advice,
            publication_status=publication_status,
            exemption_paragraph=exemption_paragraph,
            exemption_review_date=exemption_review_date,
        )
        record.full_clean()
        stale = (
            meeting.formal_advice.all()
            if none_given
            else meeting.formal_advice.filter(none_given=True)
        )
        removed = []
        for old in stale:
            removed.append(("advice", old.pk))
            old._history_user = user
            old.delete()
        _save(record, user)
        change.record(
            "recorded that no formal advice was given" if none_given else "formal advice added",
            before=removed,
            after=[("advice", record.pk)],
        )
    return record


@transaction.atomic
def move_minutes(
    *,
    user: AbstractBaseUser,
    meeting: Meeting,
    status: str,
    agreed_at: Meeting | None = None,
    on: datetime.date | None = None,
) -> Meeting:
    """Move the meeting (and its minutes) to `status`: scheduled, held, drafted, agreed (at
    a later meeting, or outside one), published. Only the next step is allowed, or back
    from published to agreed (withdrawing publication); agreed minutes are corrected by an
    amendment, never by going back to draft. ValidationError otherwise. Publishing freezes
    the public version (meetings.published)."""
    require_meeting_manager(user)
    meeting = _lock(meeting)
    if status not in TRANSITIONS.get(meeting.status, ()):
        raise ValidationError(
            {
                "status": f"Minutes that are {meeting.get_status_display().lower()} cannot "
                f"move to {Meeting.Status(status).label.lower()}."
            }
        )
    on = on or timezone.localdate()
    if status == Meeting.Status.HELD and meeting.date > timezone.localdate():
        raise ValidationError({"status": "A meeting cannot be held before its date."})
    if status == Meeting.Status.MINUTES_AGREED and meeting.status == Meeting.Status.MINUTES_DRAFTED:
        if agreed_at is not None and agreed_at.date <= meeting.date:
            raise ValidationError(
                {"agreed_at": "Minutes are agreed at a later meeting than the one they record."}
            )
        meeting.minutes_agreed_at = agreed_at
        meeting.minutes_agreed_on = agreed_at.date if agreed_at else on
    if status == Meeting.Status.PUBLISHED:
        _refuse_while_amending(meeting)
        meeting.minutes_published_on = on
    if status == Meeting.Status.MINUTES_DRAFTED:
        meeting.minutes_agreed_at = None
        meeting.minutes_agreed_on = None
    if status != Meeting.Status.PUBLISHED:
        meeting.minutes_published_on = None
    meeting.status = status
    _save(meeting, user)
    if status == Meeting.Status.PUBLISHED:
        publish(meeting, user=user)
    return meeting


@transaction.atomic
def promote_meeting_action(
    *, user: AbstractBaseUser, action: MeetingAction, **action_fields
) -> Action:
    """Make the action arising an improvement-plan action (plan, theme, reference, title,
    directorate, lead officer, due date...) and link the two both ways: the plan action's
    `arising_from` is the meeting action, whose `promoted_to` is the plan action."""
    if not (can_manage_meetings(user) and can_manage_plans(user)):
        raise PermissionDenied("Only the secretariat promotes actions arising into the plan.")
    action = MeetingAction.objects.select_for_update().get(pk=action.pk)
    if action.promoted_to_id is not None:
        raise ValidationError("This action arising is already in the improvement plan.")
    plan_action = Action(**action_fields)
    _save(plan_action, user)
    action.promoted_to = plan_action
    _save(action, user)
    return plan_action

"""The minutes as published: what the public pages, the public minutes document and its
PDF show.

When the secretariat publishes (or republishes) the minutes, the public outline of that
moment (`minutes_outline(meeting, public=True)`, the one place that decides what the
public may see) is frozen into a MinutesPublication, with the public notes of the
amendments made so far. The public outputs read that frozen copy, so an amendment made
afterwards reaches the public only when the secretariat republishes. This is a frozen
copy rather than the history's `as_at` because the withholding decision must be the one
made at publication, not one re-derived from old rows.

Withholding never relaxes by accident: a record shown in the frozen copy that the live
public outline now withholds (made exempt or confidential since) is withheld in the
public outputs at once, without waiting for a republication. A record removed since (by
an amendment) stays as published until the secretariat republishes.

A meeting published before this existed (no MinutesPublication) is shown from the live
public outline.
"""

import datetime
from types import SimpleNamespace

from biip.publication import verdict
from meetings.models import UNPUBLISHED_MEETING, Meeting, MinutesPublication
from meetings.outline import ActionEntry, ItemEntry, MinuteEntry, Outline, minutes_outline

WITHHELD_SINCE = "Withheld since these minutes were published"


def public_keys(outline: Outline) -> set[tuple[str, int]]:
    """("item" | "minute" | "action" | "advice", pk) of every record the outline shows."""
    keys: set[tuple[str, int]] = set()
    for item in outline.items:
        if item.item is not None and not item.withheld:
            keys.add(("item", item.item.pk))
        keys.update(
            ("minute", entry.minute.pk)
            for entry in item.minutes
            if entry.minute is not None and not entry.withheld
        )
    keys.update(
        ("action", entry.action.pk)
        for entry in outline.actions
        if entry.action is not None and not entry.withheld
    )
    keys.update(("advice", advice.pk) for advice in outline.advice)
    return keys


def _shown_once_published(outline: Outline) -> set[tuple[str, int]]:
    """Of an internal outline, the keys (as `public_keys`) of every record the public sees
    once the minutes are published. A record withheld only because its meeting's minutes
    are not published yet counts as shown."""

    def shown(record) -> bool:
        answer = verdict(record)
        return answer.public or answer.reason == UNPUBLISHED_MEETING

    keys: set[tuple[str, int]] = set()
    for item in outline.items:
        if shown(item.item):
            keys.add(("item", item.item.pk))
        keys.update(("minute", entry.minute.pk) for entry in item.minutes if shown(entry.minute))
    keys.update(("action", entry.action.pk) for entry in outline.actions if shown(entry.action))
    keys.update(("advice", advice.pk) for advice in outline.advice if shown(advice))
    return keys


def shown_once_published(meeting: Meeting) -> set[tuple[str, int]]:
    """What an amendment made before the first publication is judged by."""
    return _shown_once_published(minutes_outline(meeting, public=False))


def withheld_once_published(meeting: Meeting) -> int:
    """How many agenda items and minutes the public will see only as withheld once the
    minutes are published (a minute under a withheld item goes with its item), as the
    publishing page says before the button."""
    outline = minutes_outline(meeting, public=False)
    shown = _shown_once_published(outline)
    count = 0
    for item in outline.items:
        if ("item", item.item.pk) not in shown:
            count += 1
        else:
            count += sum(("minute", entry.minute.pk) not in shown for entry in item.minutes)
    return count


def _person(row) -> dict:
    return {"name": row.person.name, "title_at_meeting": row.title_at_meeting}


def freeze(outline: Outline, amendments) -> dict:
    """The public outline as plain data (JSON), with the public notes of `amendments`."""
    assert outline.public
    return {
        "present": [[label, [_person(row) for row in rows]] for label, rows in outline.present],
        "apologies": [_person(row) for row in outline.apologies],
        "items": [
            {
                "key": item.item.pk if item.item else None,
                "number": item.number,
                "heading": item.heading,
                "presenter": item.presenter,
                "papers": item.papers,
                "withheld": item.withheld,
                "reason": item.reason,
                "minutes": [
                    {
                        "key": minute.minute.pk if minute.minute else None,
                        "number": minute.number,
                        "text": minute.text,
                        "withheld": minute.withheld,
                        "reason": minute.reason,
                    }
                    for minute in item.minutes
                ],
            }
            for item in outline.items
        ],
        "actions": [
            {
                "key": action.action.pk if action.action else None,
                "minute_number": action.minute_number,
                "description": action.description,
                "owner": action.owner,
                "due_date": action.due_date.isoformat() if action.due_date else None,
                "status": action.status,
                "withheld": action.withheld,
                "reason": action.reason,
            }
            for action in outline.actions
        ],
        "advice": [
            {"key": advice.pk, "none_given": advice.none_given, "advice": advice.advice}
            for advice in outline.advice
        ],
        "advice_withheld": list(outline.advice_withheld),
        "amendments": [amendment.public_note for amendment in amendments],
    }


def _attendee(row: dict) -> SimpleNamespace:
    return SimpleNamespace(
        person=SimpleNamespace(name=row["name"]), title_at_meeting=row["title_at_meeting"]
    )


def _minute(row: dict, withheld_now: set) -> MinuteEntry:
    if not row["withheld"] and ("minute", row["key"]) in withheld_now:
        return MinuteEntry(number=row["number"], withheld=True, reason=WITHHELD_SINCE)
    return MinuteEntry(
        number=row["number"], text=row["text"], withheld=row["withheld"], reason=row["reason"]
    )


def _item(row: dict, withheld_now: set) -> ItemEntry:
    minutes = [_minute(minute, withheld_now) for minute in row["minutes"]]
    if not row["withheld"] and ("item", row["key"]) in withheld_now:
        return ItemEntry(
            number=row["number"],
            withheld=True,
            reason=WITHHELD_SINCE,
            minutes=[MinuteEntry(number=minute.number, withheld=True) for minute in minutes],
        )
    return ItemEntry(
        number=row["number"],
        heading=row["heading"],
        presenter=row["presenter"],
        papers=row["papers"],
        withheld=row["withheld"],
        reason=row["reason"],
        minutes=minutes,
    )


def _action(row: dict, withheld_now: set) -> ActionEntry:
    if not row["withheld"] and ("action", row["key"]) in withheld_now:
        return ActionEntry(minute_number=row["minute_number"], withheld=True, reason=WITHHELD_SINCE)
    due = row["due_date"]
    return ActionEntry(
        minute_number=row["minute_number"],
        description=row["description"],
        owner=row["owner"],
        due_date=datetime.date.fromisoformat(due) if due else None,
        status=row["status"],
        withheld=row["withheld"],
        reason=row["reason"],
    )


def _existing_keys(meeting: Meeting) -> set[tuple[str, int]]:
    """Every record of the meeting that exists now, shown to the public or not."""
    return {
        *(("item", pk) for pk in meeting.agenda_items.values_list("pk", flat=True)),
        *(("minute", pk) for pk in meeting.minutes.values_list("pk", flat=True)),
        *(("action", pk) for pk in meeting.actions.values_list("pk", flat=True)),
        *(("advice", pk) for pk in meeting.formal_advice.values_list("pk", flat=True)),
    }


def thaw(publication: MinutesPublication, live: Outline) -> tuple[Outline, list[str]]:
    """The frozen public outline and amendment notes, withholding also whatever the live
    public outline (`live`) now withholds: the stricter of the two."""
    data = publication.outline
    withheld_now = _existing_keys(live.meeting) - public_keys(live)
    outline = Outline(
        meeting=live.meeting,
        public=True,
        present=[(label, [_attendee(row) for row in rows]) for label, rows in data["present"]],
        apologies=[_attendee(row) for row in data["apologies"]],
        items=[_item(row, withheld_now) for row in data["items"]],
        actions=[_action(row, withheld_now) for row in data["actions"]],
        advice=[
            SimpleNamespace(pk=row["key"], none_given=row["none_given"], advice=row["advice"])
            for row in data["advice"]
            if ("advice", row["key"]) not in withheld_now
        ],
        advice_withheld=[
            *data.get("advice_withheld", []),
            *(WITHHELD_SINCE for row in data["advice"] if ("advice", row["key"]) in withheld_now),
        ],
    )
    return outline, data["amendments"]


def finished_amendments(meeting: Meeting):
    return meeting.amendments.filter(finished_at__isnull=False).select_related("made_by")


def public_minutes(meeting: Meeting) -> tuple[Outline, list[str]]:
    """What the public sees of a published meeting, and the amendment notes it sees: the
    frozen copy of its last publication (withholding since applied), or the live public
    outline if it has none."""
    live = minutes_outline(meeting, public=True)
    publication = meeting.current_publication()
    if publication is None:
        return live, [amendment.public_note for amendment in finished_amendments(meeting)]
    return thaw(publication, live)


def publish(meeting: Meeting, *, user) -> MinutesPublication:
    """Freeze the public outline of now. Call in the publishing transaction, once the
    meeting's status is published."""
    amendments = finished_amendments(meeting)
    return MinutesPublication.objects.create(
        meeting=meeting,
        published_by=user,
        outline=freeze(minutes_outline(meeting, public=True), amendments),
    )


def since_publication(amendments, publication: MinutesPublication | None) -> list:
    """Of the finished `amendments`, those the public does not see yet: made since the
    minutes were last published."""
    if publication is None:
        return []
    return [
        amendment for amendment in amendments if amendment.finished_at > publication.published_at
    ]


def unpublished_amendments(meeting: Meeting) -> list:
    return since_publication(finished_amendments(meeting), meeting.current_publication())

"""The content of a meeting's minutes, for every page and document that shows them: the
meeting page, the public meeting page, the minutes document and its PDF.

`minutes_outline(meeting, public=...)` builds them; what a public reader may see is
decided by the one rule, `biip.publication.verdict` (a record is public only if it and
everything it belongs to is public). In the public outline, an agenda item, minute or
action arising that is not public keeps its number and says that it was withheld and why
(the Schedule 12A paragraph, or that it is confidential); its heading, text, presenter,
papers and owner are not in the outline at all, so no template can show them by mistake.
A minute under a withheld item is withheld with it; formal advice that is not public is
left out, counted with its reason.
"""

from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Prefetch

from biip.publication import verdict, withheld_reason
from meetings.models import AgendaItem, Attendance, FormalAdvice, Meeting, MeetingAction, Minute

__all__ = ["minutes_outline", "withheld_reason"]


@dataclass
class MinuteEntry:
    number: int
    text: str = ""
    withheld: bool = False
    reason: str = ""
    minute: Minute | None = None  # None in the public outline when withheld


@dataclass
class ItemEntry:
    number: int
    heading: str = ""
    presenter: str = ""
    papers: str = ""
    withheld: bool = False
    reason: str = ""
    minutes: list[MinuteEntry] = field(default_factory=list)
    item: AgendaItem | None = None  # None in the public outline when withheld

    @property
    def minute_numbers(self) -> str:
        """ "38" or "38 to 41": the minutes under the item."""
        if not self.minutes:
            return ""
        first, last = self.minutes[0].number, self.minutes[-1].number
        return str(first) if first == last else f"{first} to {last}"


@dataclass
class ActionEntry:
    minute_number: int | None
    description: str = ""
    owner: str = ""
    due_date: object = None
    status: str = ""
    withheld: bool = False
    reason: str = ""
    action: MeetingAction | None = None  # None in the public outline when withheld


@dataclass
class Outline:
    meeting: Meeting
    public: bool
    present: list[tuple[str, list[Attendance]]]
    apologies: list[Attendance]
    items: list[ItemEntry]
    actions: list[ActionEntry]
    advice: list[FormalAdvice]  # in the public outline, only the public advice
    advice_withheld: list[str] = field(default_factory=list)  # why each other one is withheld

    @property
    def withheld_count(self) -> int:
        return sum(
            item.withheld + sum(minute.withheld for minute in item.minutes if not item.withheld)
            for item in self.items
        )


def _attendance(meeting: Meeting):
    rows = list(
        meeting.attendances.select_related("person", "person__organisation").order_by(
            "group", "order", "pk"
        )
    )
    order = {value: i for i, value in enumerate(Attendance.Group.values)}
    present = sorted(
        (row for row in rows if row.presence == Attendance.Presence.PRESENT),
        key=lambda row: (order[row.group], row.order, row.pk),
    )
    groups = [
        (Attendance.Group(group).label, list(members))
        for group, members in groupby(present, key=lambda row: row.group)
    ]
    apologies = [row for row in rows if row.presence == Attendance.Presence.APOLOGIES]
    return groups, apologies


def _minute_entry(minute: Minute, *, public: bool, item_withheld: bool) -> MinuteEntry:
    answer = verdict(minute)
    if public and not answer.public:
        reason = "" if item_withheld else answer.reason
        return MinuteEntry(number=minute.number, withheld=True, reason=reason)
    return MinuteEntry(number=minute.number, text=minute.text, minute=minute)


def _item_entry(item: AgendaItem, *, public: bool) -> ItemEntry:
    answer = verdict(item)
    withheld = public and not answer.public
    minutes = [
        _minute_entry(minute, public=public, item_withheld=withheld)
        for minute in item.minutes.all()
    ]
    if withheld:
        return ItemEntry(number=item.number, withheld=True, reason=answer.reason, minutes=minutes)
    return ItemEntry(
        number=item.number,
        heading=item.heading,
        presenter=item.presenter.name if item.presenter else "",
        papers=item.papers,
        minutes=minutes,
        item=item,
    )


def _action_entry(action: MeetingAction, *, public: bool) -> ActionEntry:
    minute = action.minute
    number = minute.number if minute else None
    answer = verdict(action)
    if public and not answer.public:
        return ActionEntry(minute_number=number, withheld=True, reason=answer.reason)
    return ActionEntry(
        minute_number=number,
        description=action.description,
        owner=action.owner.name,
        due_date=action.due_date,
        status=action.get_status_display(),
        action=action,
    )


def minutes_outline(meeting: Meeting, *, public: bool) -> Outline:
    """The meeting's minutes as the internal (public=False) or public reader sees them.
    A fixed number of queries, whatever the size of the meeting."""
    present, apologies = _attendance(meeting)
    items = list(
        meeting.agenda_items.select_related("presenter", "meeting")
        .prefetch_related(Prefetch("minutes", Minute.objects.select_related("meeting")))
        .order_by("number")
    )
    actions = meeting.actions.select_related(
        "owner", "meeting", "minute__meeting", "minute__agenda_item__meeting", "promoted_to"
    ).order_by("minute__number", "pk")
    advice = list(meeting.formal_advice.select_related("meeting").order_by("pk"))
    shown = [row for row in advice if not public or verdict(row).public]
    return Outline(
        meeting=meeting,
        public=public,
        present=present,
        apologies=apologies,
        items=[_item_entry(item, public=public) for item in items],
        actions=[_action_entry(action, public=public) for action in actions],
        advice=shown,
        advice_withheld=[verdict(row).reason for row in advice if row not in shown],
    )

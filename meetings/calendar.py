"""Meetings as iCalendar (RFC 5545), for Outlook and other calendar apps: one meeting to
add to a calendar, or a feed of upcoming meetings to subscribe to.

Written by hand, it is small: lines end in CRLF, long lines are folded at 75 octets (never
inside a UTF-8 character), text values escape backslash, semicolon, comma and newlines,
and times are given in UTC ("Z"), so no VTIMEZONE block is needed and every calendar app
shows them in its own time zone.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from meetings.models import Meeting

PRODID = "-//Improvement Tracker//Meetings//EN"
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every newline as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """The content line folded into lines of at most 75 octets, joined by CRLF and a space,
    never splitting a UTF-8 character."""
    parts, current, size, limit = [], [], 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1  # the space counts
        current.append(char)
        size += octets
    parts.append("".join(current))
    return "\r\n ".join(parts)


def utc(moment: datetime.datetime) -> str:
    """A DATE-TIME in UTC: 20190129T121500Z."""
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Event:
    """One meeting as a VEVENT."""

    meeting: Meeting
    host: str
    url: str
    description: str

    def lines(self, stamp: datetime.datetime) -> list[str]:
        meeting = self.meeting
        lines = [
            "BEGIN:VEVENT",
            f"UID:meeting-{meeting.pk}@{self.host}",
            f"DTSTAMP:{utc(stamp)}",
            f"DTSTART:{utc(meeting.starts_at)}",
            f"DTEND:{utc(meeting.ends_at)}",
            f"SUMMARY:{escape_text(meeting.title)}",
        ]
        if meeting.place:
            lines.append(f"LOCATION:{escape_text(meeting.place)}")
        lines += [
            f"DESCRIPTION:{escape_text(self.description)}",
            f"URL:{self.url}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
        return lines


def calendar(events: Iterable[Event], *, name: str = "") -> str:
    """A VCALENDAR holding the events, as the text of an .ics file."""
    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += event.lines(stamp)
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)

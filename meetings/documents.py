"""The minutes as a document: the context of the print-ready minutes and their PDF,
internal (everything, withheld items marked, and every amendment in full) or public (the
minutes as published: meetings.published)."""

from django.template.loader import render_to_string

from biip.pdf import render_pdf
from meetings.models import Meeting
from meetings.outline import Outline, minutes_outline
from meetings.published import finished_amendments, public_minutes

INTERNAL_MARKING = "OFFICIAL-SENSITIVE"
PUBLIC_MARKING = "OFFICIAL"


def minutes_outline_and_notes(meeting: Meeting, *, public: bool) -> tuple[Outline, list[str]]:
    """The minutes to show and their "Amended on ..." notes: as published for the public,
    as they are now, with every amendment in full, internally."""
    if public:
        return public_minutes(meeting)
    notes = [amendment.note for amendment in finished_amendments(meeting)]
    return minutes_outline(meeting, public=False), notes


def minutes_context(outline: Outline, amendment_notes: list[str]) -> dict:
    meeting = outline.meeting
    version = " (public version)" if outline.public else ""
    return {
        "outline": outline,
        "when": meeting.when,
        "next_when": meeting.next_meeting.when if meeting.next_meeting else "",
        "marking": PUBLIC_MARKING if outline.public else INTERNAL_MARKING,
        "document_title": f"Minutes: {meeting.title}, {meeting.date.day} "
        f"{meeting.date:%B %Y}{version}",
        "advice_given": [advice for advice in outline.advice if not advice.none_given],
        "amendment_notes": amendment_notes,
    }


def minutes_filename(meeting: Meeting, *, public: bool) -> str:
    return f"minutes-{meeting.date:%Y-%m-%d}{'-public' if public else ''}.pdf"


def minutes_pdf(meeting: Meeting, *, public: bool, base_url: str) -> bytes:
    """The minutes as a tagged A4 PDF. `base_url` is the address of the app, against
    which the print stylesheet's static link resolves."""
    context = minutes_context(*minutes_outline_and_notes(meeting, public=public))
    html = render_to_string("meetings/documents/minutes.html", {**context, "for_pdf": True})
    return render_pdf(html, base_url=base_url)

"""The minutes as a document: the context of the print-ready minutes and their PDF,
internal (everything, withheld items marked) or public (from the public outline only)."""

from django.template.loader import render_to_string

from biip.pdf import render_pdf
from meetings.models import Meeting
from meetings.outline import Outline, minutes_outline

INTERNAL_MARKING = "OFFICIAL-SENSITIVE"
PUBLIC_MARKING = "OFFICIAL"


def minutes_context(outline: Outline) -> dict:
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
    }


def minutes_filename(meeting: Meeting, *, public: bool) -> str:
    return f"minutes-{meeting.date:%Y-%m-%d}{'-public' if public else ''}.pdf"


def minutes_pdf(meeting: Meeting, *, public: bool, base_url: str) -> bytes:
    """The minutes as a tagged A4 PDF. `base_url` is the address of the app, against
    which the print stylesheet's static link resolves."""
    context = minutes_context(minutes_outline(meeting, public=public))
    html = render_to_string("meetings/documents/minutes.html", {**context, "for_pdf": True})
    return render_pdf(html, base_url=base_url)

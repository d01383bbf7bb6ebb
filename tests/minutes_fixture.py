"""A published meeting with something to withhold, for the tests of every page, document,
PDF and feed the public sees: each secret is a distinctive phrase that must appear in none
of them, while the numbers and reasons of what is withheld must.

Agenda (minute numbers run through the meeting):
1. Welcome and apologies (public): minutes 1, 2
2. Budget update (public): minute 3 public, minute 4 confidential
3. Industrial relations (exempt, paragraph 4): minutes 5 (exempt), 6 (public, withheld
   with its item)
4. Close (public): minute 7
Actions arising: on minute 3 one public and one confidential; on minute 4 (confidential)
one public action, withheld with its minute.
"""

import datetime

from biip.models import PublicationStatus
from meetings.models import Attendance, FormalAdvice, Meeting
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_organisation,
    make_person,
)

SECRETS = [
    "Quillfeather",  # heading of the exempt item
    "Marrowbone papers",  # papers of the exempt item
    "Ulrika Undisclosed",  # presenter of the exempt item
    "Zanzibar dispute",  # exempt minute 5
    "Kettlewell settlement",  # public minute under the exempt item (6)
    "Bramblecote deficit",  # confidential minute 4 in a public item
    "Periwinkle audit",  # confidential action arising
    "Yardley Secretowner",  # owner of the confidential action
    "Larkspur memo",  # public action on the confidential minute
]

EXEMPT_REASON = "Exempt under paragraph 4 of Schedule 12A to the Local Government Act 1972"
REVIEW = datetime.date(2020, 1, 31)


def exempt(paragraph: int = 4) -> dict:
    return {
        "publication_status": PublicationStatus.EXEMPT,
        "exemption_paragraph": paragraph,
        "exemption_review_date": REVIEW,
    }


CONFIDENTIAL = {"publication_status": PublicationStatus.CONFIDENTIAL}


def make_published_meeting() -> Meeting:
    """The published meeting of Tuesday 29 January 2019, with its next meeting."""
    next_meeting = make_meeting(
        title="Panel and council, February",
        date=datetime.date(2019, 2, 27),
        place="Council House, Victoria Square",
    )
    meeting = make_meeting(
        title="Birmingham Independent Improvement Panel and Birmingham City Council",
        place="Gowling WLG offices, Snow Hill, Birmingham",
        status=Meeting.Status.PUBLISHED,
        minutes_published_on=datetime.date(2019, 3, 5),
        next_meeting=next_meeting,
    )
    panel = make_organisation(name="Panel org", short_name="PNL", kind="panel")
    council = make_organisation(name="Council org", short_name="CNL")
    government = make_organisation(name="Ministry org", short_name="MIN", kind="government")
    for order, (name, title) in enumerate(
        [("John Crabtree", "Chair of BIIP"), ("Frances Done", "BIIP Vice-chair")]
    ):
        make_attendance(
            meeting,
            make_person(name=name, organisation=panel),
            title_at_meeting=title,
            order=order,
        )
    make_attendance(
        meeting,
        make_person(name="Dawn Baxendale", organisation=council),
        group=Attendance.Group.COUNCIL,
        title_at_meeting="Chief Executive",
    )
    make_attendance(
        meeting,
        make_person(name="Alex Powell", organisation=government),
        group=Attendance.Group.GOVERNMENT,
        title_at_meeting="Deputy Director",
    )
    make_attendance(
        meeting,
        make_person(name="Kate Charlton", organisation=council),
        group=Attendance.Group.COUNCIL,
        title_at_meeting="City Solicitor",
        presence=Attendance.Presence.APOLOGIES,
    )
    owner = make_person(name="Clive Heaphy", organisation=council)
    secret_owner = make_person(name="Yardley Secretowner", organisation=council)

    welcome = make_agenda_item(meeting, number=1, heading="Welcome and apologies")
    make_minute(welcome, number=1, text="The Chair welcomed everyone to the meeting.")
    make_minute(welcome, number=2, text="Apologies were received from Kate Charlton.")
    budget = make_agenda_item(meeting, number=2, heading="Budget update")
    minute_3 = make_minute(budget, number=3, text="The overspend was down to £2.8m at month 9.")
    minute_4 = make_minute(
        budget, number=4, text="The Bramblecote deficit was discussed.", **CONFIDENTIAL
    )
    relations = make_agenda_item(
        meeting,
        number=3,
        heading="Quillfeather industrial relations",
        papers="Marrowbone papers",
        presenter=make_person(name="Ulrika Undisclosed", organisation=council),
        **exempt(4),
    )
    make_minute(relations, number=5, text="The Zanzibar dispute was reported.", **exempt(4))
    make_minute(relations, number=6, text="The Kettlewell settlement was noted.")
    close = make_agenda_item(meeting, number=4, heading="Close")
    make_minute(close, number=7, text="John Crabtree closed the meeting.")

    make_meeting_action(
        minute_3,
        owner,
        description="Report the month 10 position to the Panel.",
        due_date=datetime.date(2019, 2, 27),
    )
    make_meeting_action(
        minute_3, secret_owner, description="Commission the Periwinkle audit.", **CONFIDENTIAL
    )
    make_meeting_action(minute_4, owner, description="Circulate the Larkspur memo.")
    FormalAdvice.objects.create(meeting=meeting, none_given=True)
    return meeting


def make_unpublished_meetings() -> list[Meeting]:
    """A meeting at each stage before publication, each with a public item."""
    meetings = []
    for status in [
        Meeting.Status.SCHEDULED,
        Meeting.Status.HELD,
        Meeting.Status.MINUTES_DRAFTED,
        Meeting.Status.MINUTES_AGREED,
    ]:
        meeting = make_meeting(title=f"Draft meeting {status}", status=status)
        item = make_agenda_item(meeting, number=1, heading="Draft item")
        make_minute(item, number=1, text="Draft minute text.")
        meetings.append(meeting)
    return meetings

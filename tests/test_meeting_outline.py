"""meetings.outline.minutes_outline: the one place that decides what the public sees."""

import dataclasses
import datetime

from biip.models import PublicationStatus
from meetings.models import Attendance, Meeting
from meetings.outline import minutes_outline, withheld_reason
from tests.base import RolesTestCase
from tests.factories import (
    make_agenda_item,
    make_attendance,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_person,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2020, 1, 1),
}
CONFIDENTIAL = {"publication_status": PublicationStatus.CONFIDENTIAL}


def texts(value) -> list[str]:
    """Every string anywhere in an outline entry (recursively through dataclasses)."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [text for f in dataclasses.fields(value) for text in texts(getattr(value, f.name))]
    if isinstance(value, list):
        return [text for row in value for text in texts(row)]
    return []


class OutlineTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        cls.public_item = make_agenda_item(cls.meeting, number=1, heading="Budget update")
        cls.open_minute = make_minute(cls.public_item, number=1, text="Overspend down to 2.8m.")
        cls.secret_minute = make_minute(
            cls.public_item, number=2, text="SECRET-MINUTE pay talks", **CONFIDENTIAL
        )
        cls.exempt_item = make_agenda_item(
            cls.meeting,
            number=2,
            heading="SECRET-HEADING disputes",
            papers="SECRET-PAPERS",
            **EXEMPT,
        )
        make_minute(cls.exempt_item, number=3, text="SECRET-UNDER-ITEM options")
        make_minute(cls.exempt_item, number=4, text="SECRET-UNDER-ITEM more")
        make_meeting_action(cls.open_minute, cls.olivia.person, description="Publish M10")
        make_meeting_action(
            cls.secret_minute, cls.olivia.person, description="SECRET-ACTION of a minute"
        )
        make_meeting_action(
            cls.open_minute, cls.olivia.person, description="SECRET-OWN-ACTION", **CONFIDENTIAL
        )
        make_attendance(cls.meeting, make_person(name="John Crabtree"))
        make_attendance(
            cls.meeting,
            make_person(name="Alex Powell"),
            group=Attendance.Group.GOVERNMENT,
        )

    def test_the_internal_outline_holds_everything(self):
        outline = minutes_outline(self.meeting, public=False)
        everything = " ".join(texts(outline.items) + texts(outline.actions))
        for secret in ["SECRET-MINUTE", "SECRET-HEADING", "SECRET-UNDER-ITEM", "SECRET-ACTION"]:
            self.assertIn(secret, everything)
        self.assertFalse(any(item.withheld for item in outline.items))

    def test_the_public_outline_holds_no_withheld_text(self):
        outline = minutes_outline(self.meeting, public=True)
        everything = " ".join(texts(outline.items) + texts(outline.actions))
        self.assertNotIn("SECRET", everything)
        # Withheld records are not even reachable through the entries.
        self.assertIsNone(outline.items[1].item)
        self.assertIsNone(outline.items[0].minutes[1].minute)

    def test_withheld_entries_keep_their_numbers_and_reasons(self):
        outline = minutes_outline(self.meeting, public=True)
        first, second = outline.items
        self.assertEqual([m.number for m in first.minutes], [1, 2])
        self.assertEqual(first.minutes[1].reason, "Confidential")
        self.assertTrue(second.withheld)
        self.assertEqual(second.minute_numbers, "3 to 4")
        self.assertIn("paragraph 4 of Schedule 12A", second.reason)
        self.assertIn("labour relations", second.reason)
        self.assertEqual(
            [(a.minute_number, a.withheld) for a in outline.actions],
            [(1, False), (1, True), (2, True)],
        )
        self.assertEqual(outline.withheld_count, 2)

    def test_attendance_is_grouped_panel_council_government(self):
        outline = minutes_outline(self.meeting, public=True)
        self.assertEqual([group for group, _ in outline.present], ["Panel", "Government"])

    def test_reason_in_words(self):
        self.assertEqual(
            withheld_reason(self.exempt_item),
            "Exempt under paragraph 4 of Schedule 12A to the Local Government Act 1972 "
            "(consultations or negotiations on labour relations)",
        )
        self.assertEqual(withheld_reason(self.secret_minute), "Confidential")

    def test_a_fixed_number_of_queries(self):
        with self.assertNumQueries(5):
            minutes_outline(self.meeting, public=True)


class UnpublishedOutlineTest(RolesTestCase):
    """A meeting's content is public only once its minutes are published: the public
    outline of any other meeting withholds every item, minute, action and advice."""

    def test_everything_is_withheld_until_the_minutes_are_published(self):
        meeting = make_meeting(status=Meeting.Status.MINUTES_AGREED)
        item = make_agenda_item(meeting, number=1, heading="AGREED-HEADING")
        minute = make_minute(item, number=1, text="AGREED-MINUTE")
        make_meeting_action(minute, self.olivia.person, description="AGREED-ACTION")
        outline = minutes_outline(meeting, public=True)
        self.assertTrue(outline.items[0].withheld)
        self.assertTrue(outline.actions[0].withheld)
        self.assertIn("minutes of its meeting are published", outline.items[0].reason)
        everything = " ".join(texts(outline.items) + texts(outline.actions))
        self.assertNotIn("AGREED-", everything)
        meeting.status = Meeting.Status.PUBLISHED
        meeting.save()
        outline = minutes_outline(Meeting.objects.get(pk=meeting.pk), public=True)
        self.assertEqual(outline.items[0].heading, "AGREED-HEADING")
        self.assertEqual(outline.actions[0].description, "AGREED-ACTION")

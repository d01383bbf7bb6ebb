"""meetings.calendar: iCalendar written by hand, to RFC 5545: CRLF line endings, lines
folded at 75 octets, text escaped, times in UTC."""

import datetime

from django.test import SimpleTestCase

from meetings.calendar import Event, calendar, escape_text, fold, utc
from meetings.models import Meeting


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


class EscapeText(SimpleTestCase):
    def test_escapes_backslash_semicolon_comma_and_newlines(self):
        self.assertEqual(
            escape_text("Snow Hill, Birmingham; room 2\\3\nfloor 4\r\nend\rx"),
            "Snow Hill\\, Birmingham\\; room 2\\\\3\\nfloor 4\\nend\\nx",
        )

    def test_plain_text_is_unchanged(self):
        self.assertEqual(escape_text("Panel meeting"), "Panel meeting")


class Fold(SimpleTestCase):
    def test_a_short_line_is_not_folded(self):
        self.assertEqual(fold("SUMMARY:Panel meeting"), "SUMMARY:Panel meeting")

    def test_a_line_of_exactly_75_octets_is_not_folded(self):
        line = "X" * 75
        self.assertEqual(fold(line), line)

    def test_long_lines_fold_at_75_octets(self):
        line = "DESCRIPTION:" + "a" * 200
        folded = fold(line)
        parts = folded.split("\r\n")
        self.assertEqual(len(parts[0].encode()), 75)
        for part in parts[1:]:
            self.assertTrue(part.startswith(" "))
            self.assertLessEqual(len(part.encode()), 75)
        self.assertEqual(folded.replace("\r\n ", ""), line)

    def test_never_splits_a_utf8_character(self):
        line = "SUMMARY:" + "£é—" * 40  # 2, 2 and 3 octets
        folded = fold(line)
        for part in folded.split("\r\n"):
            self.assertLessEqual(len(part.encode("utf-8")), 75)
            part.encode("utf-8").decode("utf-8")  # each is whole UTF-8
        self.assertEqual(folded.replace("\r\n ", ""), line)
        self.assertGreater(len(folded.split("\r\n")), 3)


class Utc(SimpleTestCase):
    def test_winter_and_summer_time(self):
        meeting = Meeting(
            date=datetime.date(2019, 1, 29),
            start_time=datetime.time(12, 15),
            end_time=datetime.time(14, 15),
        )
        self.assertEqual(utc(meeting.starts_at), "20190129T121500Z")
        meeting.date = datetime.date(2019, 6, 25)  # British Summer Time
        self.assertEqual(utc(meeting.starts_at), "20190625T111500Z")
        self.assertEqual(utc(meeting.ends_at), "20190625T131500Z")


class Calendar(SimpleTestCase):
    def setUp(self):
        self.meeting = Meeting(
            pk=7,
            title="Panel, council; and MHCLG",
            date=datetime.date(2019, 1, 29),
            start_time=datetime.time(12, 15),
            end_time=datetime.time(14, 15),
            place="Gowling WLG offices, Snow Hill, Birmingham",
        )
        self.event = Event(
            self.meeting,
            host="tracker.example.org",
            url="https://tracker.example.org/meetings/7/",
            description="Monthly panel meeting\nhttps://tracker.example.org/meetings/7/",
        )

    def test_a_calendar_with_one_event(self):
        text = calendar([self.event], name="Meetings, upcoming")
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))
        self.assertNotIn("\n", text.replace("\r\n", ""))
        for line in text.split("\r\n"):
            self.assertLessEqual(len(line.encode()), 75)
        lines = unfold(text)
        self.assertEqual(
            lines[:5],
            [
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Improvement Tracker//Meetings//EN",
                "CALSCALE:GREGORIAN",
                "METHOD:PUBLISH",
            ],
        )
        self.assertIn("X-WR-CALNAME:Meetings\\, upcoming", lines)
        self.assertEqual(lines.count("BEGIN:VEVENT"), 1)
        self.assertEqual(lines.count("END:VEVENT"), 1)
        self.assertIn("UID:meeting-7@tracker.example.org", lines)
        self.assertIn("DTSTART:20190129T121500Z", lines)
        self.assertIn("DTEND:20190129T141500Z", lines)
        self.assertIn("SUMMARY:Panel\\, council\\; and MHCLG", lines)
        self.assertIn("LOCATION:Gowling WLG offices\\, Snow Hill\\, Birmingham", lines)
        self.assertIn(
            "DESCRIPTION:Monthly panel meeting\\nhttps://tracker.example.org/meetings/7/", lines
        )
        self.assertIn("URL:https://tracker.example.org/meetings/7/", lines)
        self.assertEqual(len([line for line in lines if line.startswith("DTSTAMP:")]), 1)
        self.assertRegex(text, r"DTSTAMP:\d{8}T\d{6}Z\r\n")

    def test_no_location_when_there_is_no_place(self):
        self.meeting.place = ""
        self.assertNotIn("LOCATION", calendar([self.event]))

    def test_an_empty_calendar(self):
        lines = unfold(calendar([]))
        self.assertEqual(lines[-2:], ["END:VCALENDAR", ""])
        self.assertNotIn("BEGIN:VEVENT", lines)

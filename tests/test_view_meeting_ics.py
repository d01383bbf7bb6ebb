"""One meeting as an .ics file, for a signed-in user to add to their calendar."""

import datetime

from django.urls import reverse

from tests.base import RolesTestCase
from tests.factories import make_meeting


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


class MeetingIcs(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(
            title="Birmingham Independent Improvement Panel and Birmingham City Council",
            date=datetime.date(2019, 6, 25),
            place="Council House, Victoria Square; Committee Room 1",
        )
        cls.url = reverse("meeting-ics", args=[cls.meeting.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_unknown_meeting_is_not_found(self):
        self.client.force_login(self.sam)
        url = reverse("meeting-ics", args=[999999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_every_role_gets_the_event(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.url).status_code, 200)

    def test_one_vevent(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertEqual(
            response["Content-Disposition"], 'inline; filename="meeting-2019-06-25.ics"'
        )
        text = response.content.decode("utf-8")
        self.assertTrue(text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"))
        self.assertTrue(text.endswith("END:VCALENDAR\r\n"))
        for line in text.split("\r\n"):
            self.assertLessEqual(len(line.encode("utf-8")), 75)
        lines = unfold(text)
        self.assertEqual(lines.count("BEGIN:VEVENT"), 1)
        self.assertIn(f"UID:meeting-{self.meeting.pk}@testserver", lines)
        self.assertIn("DTSTART:20190625T111500Z", lines)  # 12:15pm British Summer Time
        self.assertIn("DTEND:20190625T131500Z", lines)
        self.assertIn(
            "SUMMARY:Birmingham Independent Improvement Panel and Birmingham City Council",
            lines,
        )
        self.assertIn("LOCATION:Council House\\, Victoria Square\\; Committee Room 1", lines)
        meeting_url = f"http://testserver/meetings/{self.meeting.pk}/"
        self.assertIn(f"DESCRIPTION:Monthly panel meeting\\n{meeting_url}", lines)
        self.assertIn(f"URL:{meeting_url}", lines)

    def test_not_cached_by_shared_caches(self):
        self.client.force_login(self.pat)
        self.assertIn("private", self.client.get(self.url)["Cache-Control"])

    def test_a_fixed_number_of_queries(self):
        self.client.force_login(self.pat)
        self.client.get(self.url)
        with self.assertNumQueries(4):  # session, user, groups, meeting
            self.client.get(self.url)

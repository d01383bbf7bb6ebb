"""The minutes as PDF: the internal one (signed in, OFFICIAL-SENSITIVE) and the public one
(published meetings only, OFFICIAL, nothing withheld), A4, tagged, titled, in English, with
"Page N of M" in the footer and the text in reading order."""

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from tests.base import RolesTestCase
from tests.minutes_fixture import SECRETS, make_published_meeting, make_unpublished_meetings

A4 = (595.28, 841.89)  # points


def read_pdf(response) -> tuple[PdfReader, str]:
    """The PDF and its text, with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def assert_in_order(test, text: str, phrases: list[str]) -> None:
    positions = []
    for phrase in phrases:
        test.assertIn(phrase, text)
        positions.append(text.index(phrase))
    test.assertEqual(positions, sorted(positions), phrases)


class PdfChecks:
    def assert_tagged_a4_pdf(self, response, *, title: str, filename: str):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], f'inline; filename="{filename}"')
        self.assertTrue(response.content.startswith(b"%PDF-"))
        reader, text = read_pdf(response)
        catalog = reader.trailer["/Root"]
        self.assertEqual(reader.metadata.title, title)
        self.assertEqual(catalog["/Lang"], "en-GB")
        self.assertTrue(catalog["/MarkInfo"]["/Marked"])
        self.assertIn("/StructTreeRoot", catalog)
        self.assertTrue(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
        for page in reader.pages:
            box = page.mediabox
            self.assertAlmostEqual(float(box.width), A4[0], places=0)
            self.assertAlmostEqual(float(box.height), A4[1], places=0)
        pages = len(reader.pages)
        for number in range(1, pages + 1):
            self.assertIn(f"Page {number} of {pages}", text)
        return reader, text


class InternalMinutesPdf(PdfChecks, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("minutes-pdf", args=[cls.meeting.pk])

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"/sign-in/?next={self.url}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_unknown_meeting_is_not_found(self):
        self.client.force_login(self.sam)
        url = reverse("minutes-pdf", args=[999999])
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_an_officer_gets_the_whole_minutes_marked_official_sensitive(self):
        self.client.force_login(self.olivia)
        response = self.client.get(self.url)
        _, text = self.assert_tagged_a4_pdf(
            response,
            title="Minutes: Birmingham Independent Improvement Panel and Birmingham City "
            "Council, 29 January 2019",
            filename="minutes-2019-01-29.pdf",
        )
        self.assertIn("OFFICIAL-SENSITIVE", text)
        # the page furniture comes from documents/page.css, imported by minutes.css
        pages = len(PdfReader(io.BytesIO(response.content)).pages)
        self.assertIn(f"Page 1 of {pages}", text)
        # once in the running header of each page, and once in the heading's text
        self.assertEqual(text.count("OFFICIAL-SENSITIVE"), pages + 1)
        for secret in set(SECRETS) - {"Marrowbone papers", "Ulrika Undisclosed"}:
            self.assertIn(secret, text)
        self.assertIn("Exempt (paragraph 4) Quillfeather industrial relations:", text)
        self.assertIn("Confidential The Bramblecote deficit was discussed.", text)
        assert_in_order(
            self,
            text,
            [
                "Minutes",
                "Meeting Birmingham Independent Improvement Panel",
                "Tuesday 29 January 2019, 12:15pm to 2:15pm",
                "Gowling WLG offices",
                "Attendees",
                "Panel: John Crabtree, Chair of BIIP; Frances Done, BIIP Vice-chair",
                "Council: Dawn Baxendale, Chief Executive",
                "Government: Alex Powell, Deputy Director",
                "Apologies",
                "Kate Charlton, City Solicitor",
                "1. Welcome and apologies: The Chair welcomed everyone to the meeting.",
                "2. Apologies were received from Kate Charlton.",
                "3. Budget update: The overspend was down to £2.8m at month 9.",
                "4. Confidential The Bramblecote deficit",
                "5. Exempt (paragraph 4) Quillfeather",
                "6. Exempt (paragraph 4) The Kettlewell settlement",
                "7. Close: John Crabtree closed the meeting.",
                "Actions arising",
                "Minute Action Owner Due",
                "3 Report the month 10 position to the Panel. Clive Heaphy 27 February 2019",
                "Formal advice",
                "No formal advice was given at this meeting.",
                "Next meeting",
                "Wednesday 27 February 2019, 12:15pm to 2:15pm",
            ],
        )


class PublicMinutesPdf(PdfChecks, RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()
        cls.url = reverse("public-minutes-pdf", args=[cls.meeting.pk])

    def test_post_is_not_allowed(self):
        self.assertEqual(self.client.post(self.url).status_code, 405)

    def test_anyone_gets_the_public_minutes_marked_official(self):
        response = self.client.get(self.url)
        _, text = self.assert_tagged_a4_pdf(
            response,
            title="Minutes: Birmingham Independent Improvement Panel and Birmingham City "
            "Council, 29 January 2019 (public version)",
            filename="minutes-2019-01-29-public.pdf",
        )
        self.assertIn("OFFICIAL", text)
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        assert_in_order(
            self,
            text,
            [
                "Minutes (public version)",
                "Meeting Birmingham Independent Improvement Panel",
                "Tuesday 29 January 2019, 12:15pm to 2:15pm",
                "Attendees",
                "Panel: John Crabtree, Chair of BIIP; Frances Done, BIIP Vice-chair",
                "Apologies",
                "1. Welcome and apologies: The Chair welcomed everyone to the meeting.",
                "3. Budget update: The overspend was down to £2.8m at month 9.",
                "4. Withheld. Confidential.",
                "5. Agenda item 3, minutes 5 to 6: withheld. Exempt under paragraph 4 of "
                "Schedule 12A to the Local Government Act 1972",
                "7. Close: John Crabtree closed the meeting.",
                "Actions arising",
                "3 Report the month 10 position to the Panel. Clive Heaphy 27 February 2019",
                "3 Withheld. Confidential.",
                "4 Withheld with its minute.",
                "No formal advice was given at this meeting.",
                "Wednesday 27 February 2019, 12:15pm to 2:15pm",
            ],
        )

    def test_signed_in_users_get_the_public_version_too(self):
        self.client.force_login(self.sam)
        _, text = read_pdf(self.client.get(self.url))
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        for secret in SECRETS:
            self.assertNotIn(secret, text)

    def test_unpublished_meetings_are_not_found(self):
        for meeting in make_unpublished_meetings():
            with self.subTest(status=meeting.status):
                url = reverse("public-minutes-pdf", args=[meeting.pk])
                self.assertEqual(self.client.get(url).status_code, 404)

"""manage.py minutes_pdf: the minutes as the PDF the app serves, written to a file."""

import datetime
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from pypdf import PdfReader

from biip.models import PublicationStatus
from meetings.models import Meeting
from tests.base import RolesTestCase
from tests.factories import make_agenda_item, make_meeting, make_minute


class MinutesPdfCommandTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        item = make_agenda_item(cls.meeting, number=1, heading="Budget update")
        make_minute(item, number=1, text="The overspend fell to 2.8m.")
        make_minute(
            item,
            number=2,
            text="CONFIDENTIAL-PAY-TALKS were discussed.",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )

    def run_command(self, *args) -> tuple[str, str]:
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "minutes.pdf"
            call_command("minutes_pdf", *args, "-o", str(path), stdout=out)
            text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        return out.getvalue(), text

    def test_internal_version_by_date(self):
        out, text = self.run_command("2019-01-29")
        self.assertIn("minutes.pdf", out)
        self.assertIn("OFFICIAL-SENSITIVE", text)
        self.assertIn("CONFIDENTIAL-PAY-TALKS", text)

    def test_public_version_by_id_withholds(self):
        _, text = self.run_command(str(self.meeting.pk), "--public")
        self.assertIn("The overspend fell to 2.8m.", text)
        self.assertNotIn("CONFIDENTIAL-PAY-TALKS", text)
        self.assertIn("withheld", text)

    def test_no_public_version_of_unpublished_minutes(self):
        draft = make_meeting(date=datetime.date(2019, 2, 27))
        with self.assertRaisesMessage(CommandError, "not published"):
            call_command("minutes_pdf", str(draft.pk), "--public", stdout=io.StringIO())

    def test_unknown_meeting(self):
        with self.assertRaisesMessage(CommandError, "No meeting 2020-01-01"):
            call_command("minutes_pdf", "2020-01-01", stdout=io.StringIO())

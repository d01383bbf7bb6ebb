from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meetings.documents import minutes_filename, minutes_pdf
from meetings.models import Meeting


class Command(BaseCommand):
    help = (
        "Write a meeting's minutes as a PDF, the same file the app serves: the internal "
        "version (everything, OFFICIAL-SENSITIVE), or with --public the public version "
        "(withheld items by number and reason only, OFFICIAL). The meeting is given by its "
        "id or its date (2019-01-29)."
    )

    def add_arguments(self, parser):
        parser.add_argument("meeting", help="The meeting's id, or its date as 2019-01-29")
        parser.add_argument("--public", action="store_true", help="The public version")
        parser.add_argument(
            "--output", "-o", help="Where to write it (default: minutes-<date>[-public].pdf)"
        )

    def handle(self, *args, meeting: str, public: bool, output: str | None, **options):
        meeting = self.find(meeting)
        if public and not meeting.is_published:
            raise CommandError("These minutes are not published: there is no public version.")
        path = Path(output or minutes_filename(meeting, public=public))
        pdf = minutes_pdf(meeting, public=public, base_url="http://localhost/")
        path.write_bytes(pdf)
        self.stdout.write(f"Wrote {path} ({len(pdf):,} bytes): the minutes of {meeting}.")

    def find(self, key: str) -> Meeting:
        meetings = Meeting.objects.filter(pk=key) if key.isdigit() else None
        if meetings is None:
            try:
                meetings = Meeting.objects.filter(date=key)
            except Exception as error:
                raise CommandError(f"{key!r} is neither a meeting id nor a date") from error
        found = list(meetings[:2])
        if len(found) != 1:
            raise CommandError(
                f"No meeting {key}."
                if not found
                else f"More than one meeting on {key}: use its id."
            )
        return found[0]

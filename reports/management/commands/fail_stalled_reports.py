"""`manage.py fail_stalled_reports`: mark the report versions whose generation stopped
(waiting or generating, not heard from for ReportVersion's STALLED_AFTER, 30 minutes) as
failed, with the reason, and remove any half-written PDF, so they can be tried again and
no list shows them "Generating" for ever. Safe to run from cron every few minutes."""

from django.core.management.base import BaseCommand

from reports.tasks import fail_stalled


class Command(BaseCommand):
    help = "Mark report versions whose generation stopped as failed, so they can be retried."

    def handle(self, *args, **options):
        count = fail_stalled()
        self.stdout.write(
            f"{count} stalled report version{'s' if count != 1 else ''} marked failed."
        )

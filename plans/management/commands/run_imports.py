import datetime

from django.core.management.base import BaseCommand, CommandError

from plans.imports import jobs
from plans.models import ImportJob


class Command(BaseCommand):
    help = (
        "Run the spreadsheet imports left waiting to be checked or imported: those whose "
        "progress has not moved for --stale-after minutes (their background thread stopped, "
        "for instance when the server restarted). For a worker or cron; safe to run again "
        "and at any time: a step run twice starts over, and importing is all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--stale-after",
            type=int,
            default=int(jobs.STALE_AFTER.total_seconds() // 60),
            help="Minutes without progress after which a waiting job is run (0: every one).",
        )
        parser.add_argument("--job", type=int, help="Run this import (by number) only.")

    def handle(self, *args, stale_after: int, job: int | None, **options):
        if job is not None:
            try:
                waiting = [ImportJob.objects.get(pk=job, status__in=jobs.RUNNING)]
            except ImportJob.DoesNotExist:
                raise CommandError(
                    f"Import {job} is not waiting to be checked or imported."
                ) from None
        else:
            waiting = jobs.waiting_jobs(stale_after=datetime.timedelta(minutes=stale_after))
        if not waiting:
            self.stdout.write("No imports are waiting.")
            return
        for waiting_job in waiting:
            self.stdout.write(f"Import {waiting_job.pk}: {waiting_job.get_status_display()}…")
            done = jobs.run(waiting_job.pk)
            self.stdout.write(f"Import {done.pk} ({done}): {describe(done)}")


def describe(job: ImportJob) -> str:
    if job.status == ImportJob.Status.DONE:
        unchanged = job.total_rows - job.created_count - job.updated_count - job.skipped_count
        skipped = ""
        if job.skipped_count:
            skipped = f", skipped {job.skipped_count} (changed in the app since the file)"
        return (
            f"imported: created {job.created_count}, updated {job.updated_count}, "
            f"unchanged {unchanged}{skipped}."
        )
    if job.status == ImportJob.Status.CHECKED:
        return f"checked: {len(job.errors)} problem(s) listed."
    if job.status == ImportJob.Status.FAILED:
        return f"failed: {job.message}"
    return job.get_status_display()

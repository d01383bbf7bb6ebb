"""Running an import's slow steps in the background: checking every row, and applying.

A view sets the job's status (checking or importing) and calls `start(job)`: once the
request's transaction commits, a daemon thread runs the step and closes its database
connection at the end, so the web request returns at once. `manage.py run_imports` runs
any job left waiting (for a worker or cron: after a restart, or where threads are not
wanted), and running a step again is safe: checking starts over, and applying is one
transaction that either happened (the job is then done) or did not.

Progress (rows done of the total) is saved every few hundred rows; each save is also a
history row of the job, so a job whose last save is older than STALE_AFTER is taken to
have stopped (its thread died with its process) and is run again by the command.
"""

import datetime
import logging
import threading

from django.db import connections, transaction
from django.utils import timezone

from plans.imports import applying, checking, reading
from plans.imports.checking import Outcome, columns_of
from plans.models import ImportJob
from plans.services import Conflict

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)
RUNNING = (ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING)
CHANGED_MEANWHILE = (
    "Nothing was imported: an action changed while the file was being imported. Check "
    "the file again to see it as it is now."
)
WENT_WRONG = (
    "Something went wrong while {step} the file, and nothing was imported. Try again; if "
    "it happens again, tell an administrator (import {pk})."
)


def start(job: ImportJob) -> None:
    """Run the job's step in a background thread once the current transaction commits."""
    pk = job.pk
    transaction.on_commit(lambda: spawn(pk))


def spawn(pk: int) -> threading.Thread:
    thread = threading.Thread(target=_run_in_thread, args=(pk,), name=f"import-{pk}", daemon=True)
    thread.start()
    return thread


def _run_in_thread(pk: int) -> None:
    try:
        run(pk)
    finally:
        connections.close_all()


def run(pk: int) -> ImportJob:
    """Run the step the job is waiting for (check or apply); anything else is left."""
    job = ImportJob.objects.select_related("plan", "created_by").get(pk=pk)
    step = "checking" if job.status == ImportJob.Status.CHECKING else "importing"
    try:
        if job.status == ImportJob.Status.CHECKING:
            check_job(job)
        elif job.status == ImportJob.Status.IMPORTING:
            import_job(job)
    except reading.BadFile as error:
        fail(job, error.message)
    except Conflict:
        fail(job, CHANGED_MEANWHILE)
    except Exception:
        logger.exception("Import %s failed while %s", pk, step)
        fail(job, WENT_WRONG.format(step=step, pk=pk))
    return job


def _save(job: ImportJob, *fields: str) -> None:
    job._history_user = job.created_by
    job.save(update_fields=fields or None)


def fail(job: ImportJob, message: str) -> None:
    job.status = ImportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    _save(job, "status", "message", "finished_at", "errors")


def _checked_rows(job: ImportJob) -> Outcome:
    """Read the file's rows and check them, saving progress as it goes."""
    with job.file.open("rb") as file:
        data = file.read()
    kind = reading.kind_of(data, job.original_name)
    rows = list(reading.read_rows(data, kind, columns_of(job.mapping)))
    job.total_rows = len(rows)
    job.rows_done = 0
    _save(job, "total_rows", "rows_done")

    def progress(done: int) -> None:
        job.rows_done = done
        _save(job, "rows_done")

    outcome = checking.check(
        plan=job.plan,
        headers=job.headers,
        mapping=job.mapping,
        rows=rows,
        user=job.created_by,
        progress=progress,
    )
    job.rows_done = job.total_rows
    return outcome


def check_job(job: ImportJob) -> Outcome:
    """Check every row: the job is then checked, with its problems and what importing
    would do (created_count new actions, updated_count changed, the conflicts, which are
    applied only if chosen, and the rows whose monthly update is held back, of which
    skipped_count change nothing else)."""
    outcome = _checked_rows(job)
    job.errors = outcome.errors
    job.message = outcome.errors_note
    job.created_count = len(outcome.new)
    job.updated_count = len(outcome.changed)
    job.conflicts = [row.as_conflict() for row in outcome.conflicts]
    job.chosen = []
    job.held = [row.as_held() for row in outcome.held]
    job.skipped_count = outcome.held_only
    job.status = ImportJob.Status.CHECKED
    _save(job)
    return outcome


def import_job(job: ImportJob) -> applying.Result | None:
    """Check the rows again (the plan may have changed since), then write them all in one
    transaction with the job's new status, or fail and write nothing."""
    outcome = _checked_rows(job)
    if outcome.error_count:
        job.errors = outcome.errors
        fail(
            job,
            "Nothing was imported: the rows no longer check (the plan or the app's lists "
            "changed after the file was checked). Correct the problems below and try again.",
        )
        return None
    with transaction.atomic():
        if ImportJob.objects.select_for_update().get(pk=job.pk).status != job.status:
            return None  # another worker finished it
        shown = {conflict["reference"]: conflict["version"] for conflict in job.conflicts}
        result = applying.apply(
            plan=job.plan,
            user=job.created_by,
            outcome=outcome,
            file_name=job.original_name,
            chosen={reference: shown[reference] for reference in job.chosen if reference in shown},
        )
        job.created_count = result.created
        job.updated_count = result.updated
        job.skipped_count = result.skipped
        job.held = [row.as_held() for row in outcome.held]
        job.status = ImportJob.Status.DONE
        job.message = ""
        job.finished_at = timezone.now()
        _save(job)
    return result


def last_progress(job: ImportJob) -> datetime.datetime:
    latest = job.history.order_by("-history_date").first()
    return latest.history_date if latest else job.created_at


def waiting_jobs(*, stale_after: datetime.timedelta = STALE_AFTER, now=None) -> list[ImportJob]:
    """Jobs waiting to be checked or imported whose progress has not moved for
    `stale_after` (every waiting job for a zero interval), oldest first."""
    now = now or timezone.now()
    jobs = ImportJob.objects.filter(status__in=RUNNING).order_by("created_at", "pk")
    return [job for job in jobs if now - last_progress(job) >= stale_after]

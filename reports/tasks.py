"""Background generation of report PDFs (django-tasks; the database backend's worker,
`manage.py db_worker`, runs them; `make run` starts it beside the server).

`generate_version(version_id)` renders one ReportVersion: it marks it running and moves
its progress on (10 building the data, 40 rendering the HTML, 60 laying out the PDF, 90
writing the file), stores the PDF, and records its size and pages. The version points at
the file only once the file is complete; if anything fails, the version is marked failed
with the reason in words, no file is left behind, and it can be tried again.

A worker killed mid-task can do neither: its version stays "Generating" and may leave a
half-written file. After ReportVersion.STALLED_AFTER without news the version counts as
stalled (`is_stalled`); `fail_stalled` marks such versions failed with the reason and
removes the half file, so they can be tried again (Try again on the version's page does
this first; `manage.py fail_stalled_reports` does it for all, from cron). Each version's
file name is its own (report, number, public or not, draft or not), so a file at that name
that no version points at is what an earlier attempt left, and a new attempt replaces it.
"""

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from reports.models import STALLED_AFTER, STALLED_REASON, ReportVersion, report_path
from reports.rendering import DocumentUnavailable, render_version

logger = logging.getLogger(__name__)


def version_filename(version: ReportVersion) -> str:
    suffix = "-public" if version.public else ""
    draft = "-draft" if version.draft else ""
    return f"{slugify(version.report.title)[:80]}-v{version.number}{suffix}{draft}.pdf"


def _progress(version_id: int, percent: int) -> None:
    ReportVersion.objects.filter(pk=version_id).update(progress=percent, updated_at=timezone.now())


def _remove_leftover(version: ReportVersion) -> str:
    """The version's file name, free: a file already there that no version points at is a
    half-written (or finished but unrecorded) PDF from an attempt that died; it goes."""
    name = report_path(version, version_filename(version))
    if default_storage.exists(name) and not ReportVersion.objects.filter(file=name).exists():
        default_storage.delete(name)
    return default_storage.get_available_name(name)


def fail_stalled(versions=None) -> int:
    """Mark stalled versions (all, or those of the `versions` queryset) failed with the
    reason, and remove what their attempts left; return how many."""
    cutoff = timezone.now() - STALLED_AFTER
    stalled = (versions if versions is not None else ReportVersion.objects.all()).filter(
        status__in=[ReportVersion.Status.QUEUED, ReportVersion.Status.RUNNING],
        updated_at__lt=cutoff,
    )
    count = 0
    for version in stalled.select_related("report"):
        # Only if it is still stalled now: its worker may have woken since.
        marked = ReportVersion.objects.filter(
            pk=version.pk, status=version.status, updated_at__lt=cutoff
        ).update(
            status=ReportVersion.Status.FAILED,
            message=STALLED_REASON,
            file="",
            size=0,
            pages=0,
            finished_at=max(timezone.now(), version.created_at),
            updated_at=timezone.now(),
        )
        if marked:
            _remove_leftover(version)
            count += 1
    return count


def failure_reason(error: Exception) -> str:
    if isinstance(error, DocumentUnavailable):
        return str(error)
    detail = str(error).strip() or type(error).__name__
    return (
        f"The PDF could not be generated: {detail[:500]}. Try again; if it fails again, "
        "tell an administrator."
    )


@task()
def generate_version(version_id: int) -> str:
    version = ReportVersion.objects.select_related("report", "snapshot__cycle").get(pk=version_id)
    if version.status == ReportVersion.Status.DONE:
        return "done already"
    ReportVersion.objects.filter(pk=version_id).update(
        status=ReportVersion.Status.RUNNING, progress=5, message="", updated_at=timezone.now()
    )
    name = _remove_leftover(version)
    try:
        rendered = render_version(version, progress=lambda percent: _progress(version_id, percent))
        _progress(version_id, 90)
        stored = default_storage.save(name, ContentFile(rendered.content))
        name = stored
        version.refresh_from_db()
        version.file.name = stored
        version.size = len(rendered.content)
        version.pages = rendered.pages
        version.status = ReportVersion.Status.DONE
        version.progress = 100
        version.message = ""
        version.finished_at = max(timezone.now(), version.created_at)
        version.full_clean()
        version._history_user = version.created_by  # the worker acts for whoever asked
        version.save()
    except Exception as error:
        logger.exception("Report version %s failed", version_id)
        if default_storage.exists(name):  # written in part, or saved before a later error
            default_storage.delete(name)
        ReportVersion.objects.filter(pk=version_id).update(
            status=ReportVersion.Status.FAILED,
            message=failure_reason(error),
            file="",
            size=0,
            pages=0,
            finished_at=max(timezone.now(), version.created_at),
            updated_at=timezone.now(),
        )
        return "failed"
    return "done"

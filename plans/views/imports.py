"""Importing a plan's actions from a spreadsheet: choose the file, match its columns to
fields, see every row's problems (checked in the background), confirm, and see the
result (written in the background, all rows or none). The secretariat's and
administrators' (plans.access.can_manage_plans); the template is for any signed-in user.

Nothing is written to the plan until the user confirms a check with no problems."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plans.access import can_manage_plans
from plans.forms.imports import MappingForm, UploadForm
from plans.imports import jobs, template
from plans.imports.fields import FIELDS, REQUIRED, guess_mapping
from plans.imports.reading import MAX_COLUMNS, MAX_ROWS
from plans.models import ImportJob, ImprovementPlan

GET_POST = ["GET", "POST"]
REMAPPABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED, ImportJob.Status.FAILED)
TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def require_manager(user) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat and administrators import plans.")


def get_job(user, pk: int, *, lock: bool = False) -> ImportJob:
    require_manager(user)
    queryset = ImportJob.objects.select_related("plan", "created_by")
    return get_object_or_404(queryset.select_for_update() if lock else queryset, pk=pk)


@require_http_methods(GET_POST)
@login_required
def import_create(request, pk: int):
    """Choose a file for the plan; it is kept (privately) only if it can be imported."""
    require_manager(request.user)
    plan = get_object_or_404(ImprovementPlan, pk=pk)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if form.is_valid():
        uploaded = form.cleaned_data["file"]
        job = ImportJob(
            plan=plan,
            original_name=uploaded.name[:255],
            headers=form.headers,
            mapping=guess_mapping(form.headers),
            created_by=request.user,
        )
        job.file.save(uploaded.name, uploaded, save=False)
        job._history_user = request.user
        job.save()
        return redirect("import-mapping", pk=job.pk)
    context = {
        "plan": plan,
        "form": form,
        "imports": plan.imports.select_related("created_by")[:10],
        "max_rows": MAX_ROWS,
        "max_columns": MAX_COLUMNS,
    }
    return render(request, "plans/imports/import_create.html", context)


@require_http_methods(GET_POST)
@login_required
def import_mapping(request, pk: int):
    """Match the file's columns to fields (pre-filled from the headings), then check."""
    job = get_job(request.user, pk)
    if job.status not in REMAPPABLE:
        return redirect("import", pk=job.pk)
    posted = request.method == "POST"
    form = MappingForm(request.POST if posted else None, headers=job.headers, mapping=job.mapping)
    if form.is_valid():
        with transaction.atomic():
            job = get_job(request.user, pk, lock=True)
            if job.status in REMAPPABLE:
                job.mapping = form.mapping()
                job.status = ImportJob.Status.CHECKING
                job.total_rows = job.rows_done = job.created_count = job.updated_count = 0
                job.errors, job.message, job.finished_at = [], "", None
                job.conflicts, job.chosen, job.skipped_count = [], [], 0
                job.held = []
                job._history_user = request.user
                job.save()
                jobs.start(job)
        return redirect("import", pk=job.pk)
    context = {
        "job": job,
        "form": form,
        "guessed": bool(job.mapping),
        "required": [form[name] for name in REQUIRED],
        "optional": [form[field.name] for field in FIELDS if field.name not in REQUIRED],
    }
    return render(request, "plans/imports/import_mapping.html", context)


@require_safe
@login_required
def import_detail(request, pk: int):
    """Where the import stands: progress while it runs, then the problems found or what
    importing will do, then the result."""
    job = get_job(request.user, pk)
    error_rows = {error["row"] for error in job.errors if error.get("row")}
    conflicts = len(job.conflicts) if job.status == ImportJob.Status.CHECKED else 0
    changed = job.updated_count + conflicts + job.skipped_count
    held_only = sum(1 for held in job.held if held["only"])
    context = {
        "job": job,
        "plan": job.plan,
        "error_rows": len(error_rows),
        "existing": job.total_rows - job.created_count - len(error_rows),
        "unchanged": job.total_rows - job.created_count - changed - len(error_rows),
        "held_only": held_only,
        "conflicts_skipped": job.skipped_count - held_only,
        "Status": ImportJob.Status,
    }
    return render(request, "plans/imports/import_detail.html", context)


@require_POST
@login_required
def import_confirm(request, pk: int):
    """Import a checked file with no problems (in the background: all rows or none), with
    the conflicts ticked (`apply`: their references); the others are left as they are."""
    with transaction.atomic():
        job = get_job(request.user, pk, lock=True)
        if job.status != ImportJob.Status.CHECKED or job.errors:
            messages.error(
                request,
                "This file cannot be imported: "
                + ("correct its problems first." if job.errors else "it is not ready."),
            )
            return redirect("import", pk=job.pk)
        conflicts = {conflict["reference"] for conflict in job.conflicts}
        job.chosen = [ref for ref in request.POST.getlist("apply")[:MAX_ROWS] if ref in conflicts]
        job.status = ImportJob.Status.IMPORTING
        job.rows_done = 0
        job._history_user = request.user
        job.save()
        jobs.start(job)
    return redirect("import", pk=job.pk)


@require_safe
@login_required
def import_template(request, file_format: str):
    """The template as CSV or XLSX: the headings the import matches, and an example row."""
    if file_format not in TEMPLATE_TYPES:
        raise Http404("The template is a CSV or an XLSX file.")
    content = template.as_csv() if file_format == "csv" else template.as_xlsx()
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="actions-template.{file_format}"'
    return response

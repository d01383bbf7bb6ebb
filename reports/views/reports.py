"""The reports' pages: the list, a new report, a report (particulars, narrative sections,
versions), editing particulars and sections, the HTML preview (internal and public),
generating PDFs in the background and following their progress, downloading them,
finalising (after a confirmation page) and withdrawing a published public version (after
another); and the public list of final reports' public versions and withdrawals.

Generation never runs in the request: `request_versions` queues two versions and the
worker (`manage.py db_worker`) renders them; the version page refreshes itself while
they are running.
"""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from meetings.forms.editing import add_service_errors
from reports import services
from reports.access import (
    can_manage_reports,
    get_public_version,
    get_report_for_update,
    get_report_for_view,
    get_section_for_update,
    get_version_for_update,
    get_version_for_view,
    get_version_for_withdrawal,
    public_versions,
    reports_for_list,
    require_report_manager,
    withdrawn_versions,
)
from reports.exposure import warn_if_published
from reports.forms import ReportCreateForm, ReportForm, SectionForm, WithdrawalForm
from reports.models import Report, ReportVersion
from reports.rendering import (
    DocumentUnavailable,
    document_input,
    empty_sections,
    render_document_html,
)
from reports.tasks import fail_stalled

GET_POST = ["GET", "POST"]


def data_or_none(request):
    return request.POST if request.method == "POST" else None


def latest_versions(report: Report) -> list[ReportVersion]:
    """The latest internal and public versions that are ready, for download links."""
    ready = report.versions.filter(status=ReportVersion.Status.DONE).exclude(file="")
    return [
        v for v in (ready.filter(public=p).order_by("-number").first() for p in (False, True)) if v
    ]


@require_safe
@login_required
def report_list(request):
    """Every report: kind, plan, data, status and its latest version."""
    latest = ReportVersion.objects.filter(report=OuterRef("pk"), public=False).order_by("-number")
    reports = (
        reports_for_list()
        .annotate(latest_number=Subquery(latest.values("number")[:1]))
        .annotate(latest_status=Subquery(latest.values("status")[:1]))
        .order_by("-created_at", "-pk")
    )
    statuses = dict(ReportVersion.Status.choices)
    reports = list(reports)
    for report in reports:
        report.latest_label = statuses.get(report.latest_status, "")
    context = {"reports": reports, "can_manage": can_manage_reports(request.user)}
    return render(request, "reports/report_list.html", context)


@require_http_methods(GET_POST)
@login_required
def report_create(request):
    require_report_manager(request.user)
    initial = {"snapshot": request.GET.get("snapshot")} if request.GET.get("snapshot") else {}
    form = ReportCreateForm(data_or_none(request), initial=initial)
    if form.is_valid():
        try:
            report = services.create_report(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{report.title} has been created.")
            return redirect("report", pk=report.pk)
    return render(request, "reports/report_create.html", {"form": form})


@require_safe
@login_required
def report_detail(request, pk: int):
    """The report's particulars, its sections, its versions, and what can be done next."""
    report = get_report_for_view(request.user, pk)
    context = {
        "report": report,
        "sections": report.sections.select_related("theme").order_by("order", "id"),
        "versions": report.versions.select_related("created_by", "snapshot__cycle").order_by(
            "-number", "public"
        ),
        "can_manage": can_manage_reports(request.user),
        "is_letter": report.kind == Report.Kind.LETTER,
    }
    return render(request, "reports/report_detail.html", context)


@require_http_methods(GET_POST)
@login_required
def report_edit(request, pk: int):
    report = get_report_for_update(request.user, pk)
    form = ReportForm(data_or_none(request), instance=copy(report))
    if form.is_valid():
        try:
            services.update_report(
                user=request.user,
                report=report,
                seen_version=form.cleaned_data["seen_version"],
                **form.particulars(),
            )
        except services.Conflict:
            form = ReportForm(request.POST, instance=copy(report))
            form.is_valid()  # shows who changed what
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The report's particulars have been saved.")
            return redirect("report", pk=report.pk)
    return render(request, "reports/report_edit.html", {"form": form, "report": report})


@require_http_methods(GET_POST)
@login_required
def section_edit(request, pk: int, section_pk: int):
    section = get_section_for_update(request.user, pk, section_pk)
    form = SectionForm(data_or_none(request), instance=copy(section))
    if form.is_valid():
        try:
            saved = services.update_section(
                user=request.user,
                section=section,
                seen_version=form.cleaned_data["seen_version"],
                **form.section_data(),
            )
        except services.Conflict:
            form = SectionForm(request.POST, instance=copy(section))
            form.is_valid()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{form.cleaned_data['heading']}” has been saved.")
            warn_if_published(request, saved)
            return redirect(f"{section.report.get_absolute_url()}#section-{section.pk}")
    context = {"form": form, "section": section, "report": section.report}
    return render(request, "reports/section_edit.html", context)


@require_safe
@login_required
def report_preview(request, pk: int):
    """The document in the browser, from the report's data and narrative as they are now:
    internal, or with ?version=public the public version."""
    report = get_report_for_view(request.user, pk)
    public = request.GET.get("version") == "public"
    doc = document_input(report, public=public, draft=not report.is_final, snapshot=report.snapshot)
    extra = {"pdf_versions": [v for v in latest_versions(report) if v.public == public]}
    try:
        html = render_document_html(doc, for_pdf=False, extra_context=extra)
    except DocumentUnavailable as error:
        raise Http404(str(error)) from error
    return HttpResponse(html)


@require_POST
@login_required
def report_generate(request, pk: int):
    """Queue the next internal and public PDFs; the worker generates them."""
    report = get_report_for_update(request.user, pk)
    internal, _ = services.request_versions(user=request.user, report=report)
    messages.success(request, f"Version {internal.number} is being generated, internal and public.")
    return redirect("report-version", pk=report.pk, version_pk=internal.pk)


@require_http_methods(GET_POST)
@login_required
def report_finalise(request, pk: int):
    """GET: what finalising does, the sections still empty, and whether the report reads
    live data (then it cannot be finalised). POST: finalise it and queue its final PDFs."""
    report = get_report_for_update(request.user, pk)
    if report.is_final:
        messages.info(request, f"{report.title} is already final: nothing was changed.")
        return redirect("report", pk=report.pk)
    if request.method == "POST":
        try:
            with transaction.atomic():
                services.finalise_report(user=request.user, report=report)
                internal, _ = services.request_versions(user=request.user, report=report)
        except ValidationError as error:
            text = " ".join(error.messages)
            messages.error(request, f"The report has not been finalised. {text}")
            return redirect("report", pk=report.pk)
        messages.success(
            request,
            f"{report.title} is final. Version {internal.number}, internal and public, is "
            "being generated; the public PDF is published on the public reports page once "
            "it is ready.",
        )
        return redirect("report-version", pk=report.pk, version_pk=internal.pk)
    context = {"report": report, "empty_sections": empty_sections(report)}
    return render(request, "reports/report_finalise.html", context)


@require_safe
@login_required
def version_detail(request, pk: int, version_pk: int):
    """One version: its progress while it runs (the page refreshes itself), then the
    download; beside it the other version of the same number (internal or public)."""
    version = get_version_for_view(request.user, pk, version_pk)
    siblings = version.report.versions.filter(number=version.number).select_related("created_by")
    context = {
        "version": version,
        "report": version.report,
        "pair": siblings.order_by("public"),
        "running": any(v.is_running for v in siblings),
        "can_manage": can_manage_reports(request.user),
    }
    return render(request, "reports/version_detail.html", context)


def _pdf_download(version: ReportVersion) -> FileResponse:
    if version.status != ReportVersion.Status.DONE or not version.file:
        raise Http404("This version has no PDF yet.")
    name = version.file.name.rsplit("/", 1)[-1]
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf"
    )


@require_safe
@login_required
def version_download(request, pk: int, version_pk: int):
    return _pdf_download(get_version_for_view(request.user, pk, version_pk))


@require_POST
@login_required
def version_retry(request, pk: int, version_pk: int):
    """Queue a failed version again; a stalled one (its worker stopped) is marked failed
    first, and what its attempt left is removed."""
    version = get_version_for_update(request.user, pk, version_pk)
    if version.is_stalled:
        fail_stalled(ReportVersion.objects.filter(pk=version.pk))
    try:
        services.retry_version(user=request.user, version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The version is being generated again.")
    return redirect("report-version", pk=pk, version_pk=version_pk)


@require_http_methods(GET_POST)
@login_required
def version_withdraw(request, pk: int, version_pk: int):
    """GET: what withdrawing a published public version does, and why (asked). POST:
    withdraw it; the version page then says so."""
    version = get_version_for_withdrawal(request.user, pk, version_pk)
    form = WithdrawalForm(data_or_none(request))
    if form.is_valid():
        try:
            saved = services.withdraw_version(
                user=request.user, version=version, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, withdrawn_message(saved))
            return redirect("report-version", pk=pk, version_pk=version_pk)
    others = public_versions().filter(report=version.report).exclude(pk=version.pk)
    context = {"form": form, "version": version, "report": version.report, "others": others}
    return render(request, "reports/version_withdraw.html", context)


def withdrawn_message(version: ReportVersion) -> str:
    day = f"{timezone.localtime(version.withdrawn_at):%-d %B %Y}"
    return (
        f"Public version {version.number} has been withdrawn: the public can no longer "
        f"download it, and the public reports page says it was withdrawn on {day}."
    )


@require_safe
def public_report_list(request):
    """Final reports' latest public versions, for anyone, and the versions withdrawn (when,
    not why): one row per report."""
    latest = public_versions().filter(report=OuterRef("report")).order_by("-number")
    current = public_versions().filter(pk=Subquery(latest.values("pk")[:1]))
    rows: dict[int, dict] = {}
    for version in current.select_related("report__plan"):
        rows[version.report_id] = {"report": version.report, "version": version, "withdrawn": []}
    for version in withdrawn_versions().select_related("report__plan").order_by("-number"):
        row = rows.setdefault(
            version.report_id, {"report": version.report, "version": None, "withdrawn": []}
        )
        row["withdrawn"].append(version)
    ordered = sorted(
        rows.values(), key=lambda row: (row["report"].finalised_at, row["report"].pk), reverse=True
    )
    return render(request, "reports/public_report_list.html", {"rows": ordered})


@require_safe
def public_report_download(request, version_pk: int):
    return _pdf_download(get_public_version(version_pk))

"""Who may do what with reports: the access helpers every reports view fetches through.

Every signed-in role reads every report, its previews and its PDFs. The secretariat and
administrators create reports, edit their particulars and narrative, generate versions and
finalise them, and withdraw a published public version. The public (not signed in) sees
only the public versions of final reports that have not been withdrawn.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from biip.models import Role
from plans.access import has_role
from reports.models import Report, ReportSection, ReportVersion


def can_manage_reports(user) -> bool:
    return has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR)


def require_report_manager(user) -> None:
    if not can_manage_reports(user):
        raise PermissionDenied("Only the secretariat and administrators prepare reports.")


def require_reader(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def reports_for_list():
    return Report.objects.select_related("plan", "snapshot__cycle", "created_by")


def get_report_for_view(user, pk: int) -> Report:
    """Any signed-in role may read any report; 404 if there is none."""
    require_reader(user)
    return get_object_or_404(
        Report.objects.select_related("plan", "snapshot__cycle", "signatory", "finalised_by"),
        pk=pk,
    )


def get_report_for_update(user, pk: int, *, lock: bool = False) -> Report:
    """The report, if the user may edit it: 403 if not, 404 if there is none."""
    require_report_manager(user)
    reports = Report.objects.select_for_update() if lock else Report.objects
    return get_object_or_404(reports.select_related("plan", "snapshot__cycle"), pk=pk)


def get_section_for_update(user, report_pk: int, pk: int, *, lock: bool = False) -> ReportSection:
    require_report_manager(user)
    sections = ReportSection.objects.select_for_update() if lock else ReportSection.objects
    return get_object_or_404(sections.select_related("report", "theme"), pk=pk, report_id=report_pk)


def get_version_for_view(user, report_pk: int, pk: int) -> ReportVersion:
    require_reader(user)
    return get_object_or_404(
        ReportVersion.objects.select_related("report", "snapshot__cycle", "created_by"),
        pk=pk,
        report_id=report_pk,
    )


def get_version_for_update(user, report_pk: int, pk: int) -> ReportVersion:
    require_report_manager(user)
    return get_object_or_404(
        ReportVersion.objects.select_related("report"), pk=pk, report_id=report_pk
    )


def published_versions():
    """Every public version that has been published: public versions of final reports,
    ready, withdrawn or not."""
    return ReportVersion.objects.filter(
        public=True,
        draft=False,
        status=ReportVersion.Status.DONE,
        report__status=Report.Status.FINAL,
    ).exclude(file="")


def public_versions():
    """The PDFs the public may download: published, and not withdrawn."""
    return published_versions().filter(withdrawn_at__isnull=True)


def withdrawn_versions():
    """Published versions taken back: the public page says when, in their place."""
    return published_versions().filter(withdrawn_at__isnull=False)


def get_version_for_withdrawal(user, report_pk: int, pk: int) -> ReportVersion:
    """A public version the public can download now, if the user may withdraw it: 403 if
    not, 404 for any other version (internal, draft, not ready, already withdrawn)."""
    require_report_manager(user)
    return get_object_or_404(
        public_versions().select_related("report", "snapshot__cycle", "created_by"),
        pk=pk,
        report_id=report_pk,
    )


def get_public_version(pk: int) -> ReportVersion:
    """404 for anything but a ready public version of a final report."""
    return get_object_or_404(public_versions().select_related("report"), pk=pk)

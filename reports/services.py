"""Writes to reports, each one function: keyword-only and typed, taking the acting user,
checking their permission, running in one transaction and full_clean()ing every row it
saves, with the acting user in every history row.

A report starts with its document's default narrative sections (`create_report`); the
secretariat edits its particulars and sections (refused with `Conflict` if someone saved
the record after the form was opened); `request_versions` queues an internal and a public
PDF, generated in the background by `reports.tasks.generate_version`; `finalise_report`
fixes a report generated from a closed cycle's snapshot, after which it is no longer
edited and its versions are no longer marked DRAFT. `withdraw_version` takes a published
public version back from the public, with its reason; a corrected one is generated with
`request_versions` and takes its place.
"""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from biip.models import Person, PublicationStatus
from plans.models import ImprovementPlan
from plans.services import version_of
from reports.access import public_versions, require_report_manager
from reports.models import Report, ReportSection, ReportVersion, Snapshot
from reports.rendering import DocumentUnavailable, document_module

PARTICULARS = [
    "title",
    "snapshot",
    "reference",
    "dated",
    "addressee",
    "salutation",
    "subject",
    "signatory",
]


class Conflict(Exception):
    """The report or section changed after the form was opened: nothing was written."""

    def __init__(self, record: models.Model, *, seen_version: int | None, version: int):
        super().__init__(
            f"{record} changed since the form was opened (version {seen_version}, now {version})"
        )
        self.record = record
        self.seen_version = seen_version
        self.version = version


def _save(obj: models.Model, user: AbstractBaseUser) -> None:
    """Validate (fields, clean() and constraints), then save with history by `user`."""
    obj.full_clean()
    obj._history_user = user
    obj.save()


def _check_version(record: models.Model, seen_version: int | None) -> None:
    if seen_version is None:
        return
    version = version_of(record)
    if version != seen_version:
        raise Conflict(record, seen_version=seen_version, version=version)


def _refuse_final(report: Report) -> None:
    if report.is_final:
        raise ValidationError("The report is final: it can no longer be changed.")


@transaction.atomic
def create_report(
    *,
    user: AbstractBaseUser,
    kind: str,
    plan: ImprovementPlan,
    snapshot: Snapshot | None,
    title: str,
    reference: str = "",
    dated: datetime.date | None = None,
    addressee: str = "",
    salutation: str = "Dear Secretary of State",
    subject: str = "",
    signatory: Person | None = None,
) -> Report:
    """A new draft report with its document's narrative sections (empty, or with the
    document's starting text), in the document's order."""
    require_report_manager(user)
    try:
        module = document_module(kind)
    except (DocumentUnavailable, ValueError) as error:
        raise ValidationError({"kind": str(error)}) from error
    report = Report(
        kind=kind,
        plan=plan,
        snapshot=snapshot,
        title=title,
        reference=reference,
        dated=dated,
        addressee=addressee,
        salutation=salutation,
        subject=subject,
        signatory=signatory,
        created_by=user,
    )
    _save(report, user)
    for order, spec in enumerate(module.default_sections(report), start=1):
        section = ReportSection(
            report=report,
            key=spec.key,
            heading=spec.heading,
            order=order,
            theme_id=spec.theme_id,
            body=spec.body,
        )
        _save(section, user)
    return report


@transaction.atomic
def update_report(
    *, user: AbstractBaseUser, report: Report, seen_version: int | None = None, **particulars
) -> Report:
    """Change a draft report's title, data (snapshot or live) or letter particulars."""
    require_report_manager(user)
    unknown = set(particulars) - set(PARTICULARS)
    if unknown:
        raise TypeError(f"Not a report's particulars: {', '.join(sorted(unknown))}")
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_final(report)
    _check_version(report, seen_version)
    for name, value in particulars.items():
        setattr(report, name, value)
    _save(report, user)
    return report


@transaction.atomic
def update_section(
    *,
    user: AbstractBaseUser,
    section: ReportSection,
    body: str,
    heading: str,
    publication_status: str = PublicationStatus.PUBLIC,
    exemption_paragraph: int | None = None,
    exemption_review_date: datetime.date | None = None,
    heading_public: bool = False,
    seen_version: int | None = None,
) -> ReportSection:
    """Save a narrative section of a draft report (Markdown; kept with its history)."""
    require_report_manager(user)
    section = ReportSection.objects.select_for_update().select_related("report").get(pk=section.pk)
    _refuse_final(section.report)
    _check_version(section, seen_version)
    section.body = body
    section.heading = heading
    section.publication_status = publication_status
    section.exemption_paragraph = exemption_paragraph
    section.exemption_review_date = exemption_review_date
    section.heading_public = heading_public
    _save(section, user)
    return section


@transaction.atomic
def finalise_report(*, user: AbstractBaseUser, report: Report) -> Report:
    """Make the report final: it must be generated from a closed cycle's snapshot.
    Its later versions are not marked DRAFT, and it can no longer be edited."""
    require_report_manager(user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    _refuse_final(report)
    if report.snapshot_id is None:
        raise ValidationError(
            {
                "snapshot": "Choose the closed cycle the report's figures come from before "
                "finalising it: a final report is not generated from live data."
            }
        )
    report.status = Report.Status.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = user
    _save(report, user)
    return report


def _enqueue_on_commit(version: ReportVersion) -> None:
    def enqueue() -> None:
        from reports.tasks import generate_version

        result = generate_version.enqueue(version.pk)
        ReportVersion.objects.filter(pk=version.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)


@transaction.atomic
def request_versions(
    *, user: AbstractBaseUser, report: Report
) -> tuple[ReportVersion, ReportVersion]:
    """Queue the next version of the report, internal and public, from its snapshot (or
    live data) and its narrative as it stands now; each is generated in the background
    once the transaction commits."""
    require_report_manager(user)
    report = Report.objects.select_for_update().get(pk=report.pk)
    number = (report.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1
    content_at = timezone.now()
    versions = []
    for public in (False, True):
        version = ReportVersion(
            report=report,
            number=number,
            public=public,
            draft=not report.is_final,
            snapshot_id=report.snapshot_id,
            content_at=content_at,
            created_by=user,
            created_at=content_at,
        )
        _save(version, user)
        _enqueue_on_commit(version)
        versions.append(version)
    return versions[0], versions[1]


@transaction.atomic
def retry_version(*, user: AbstractBaseUser, version: ReportVersion) -> ReportVersion:
    """Queue a failed version again (same data, same narrative moment)."""
    require_report_manager(user)
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ReportVersion.Status.FAILED:
        raise ValidationError("Only a version that failed can be tried again.")
    version.status = ReportVersion.Status.QUEUED
    version.progress = 0
    version.message = ""
    version.finished_at = None
    _save(version, user)
    _enqueue_on_commit(version)
    return version


@transaction.atomic
def withdraw_version(
    *, user: AbstractBaseUser, version: ReportVersion, reason: str
) -> ReportVersion:
    """Take a published public version back from the public: it is no longer downloaded,
    and the public page says, in its place, that it was withdrawn and when. Who, when and
    why are kept on the version and in its history."""
    require_report_manager(user)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the version is being withdrawn."})
    version = ReportVersion.objects.select_for_update().get(pk=version.pk)
    if not public_versions().filter(pk=version.pk).exists():
        raise ValidationError(
            "Only a public version the public can download now can be withdrawn: "
            "this one is internal, not published or already withdrawn."
        )
    version.withdrawn_at = timezone.now()
    version.withdrawn_by = user
    version.withdrawal_reason = reason
    _save(version, user)
    return version

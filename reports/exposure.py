"""Which published public versions show a record: the question asked after a record is
saved as exempt or confidential, so that the secretariat is told the public can still
download it and is offered the withdrawal.

A published public version is always generated from a closed cycle's snapshot (a final
report needs one), so what it showed is read from that snapshot's frozen rows: an action,
a risk or an action arising appears in it if its frozen row was public (a row frozen as
withheld was left out already). A minute, an agenda item or a meeting appears through its
actions arising. A report section appears in every published version of its report.

A version withholds by the stricter of the frozen status and the status when it was
generated (the withholding rule of issue 18), so a version generated while the record was
already withheld (a corrected version) did not show it: it counts only if the record was
public when the version was asked for or at any save until its PDF was finished (read from
the record's history; a record with no history counts, to be safe).
"""

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from biip.models import PublicationStatus
from meetings.models import AgendaItem, Meeting, MeetingAction, Minute
from plans.models import Action, Risk
from reports.access import public_versions
from reports.models import ReportSection, ReportVersion

PUBLIC = PublicationStatus.PUBLIC


def _showing(record: Model) -> QuerySet | None:
    """The filter of public versions showing `record`, or None for a kind of record no
    report version shows."""
    versions = public_versions()
    if isinstance(record, ReportSection):
        return versions.filter(report_id=record.report_id)
    if isinstance(record, Action):
        return versions.filter(
            report__plan_id=record.plan_id,
            snapshot__actions__action=record,
            snapshot__actions__publication_status=PUBLIC,
        )
    if isinstance(record, Risk):
        return versions.filter(
            snapshot__risks__risk=record, snapshot__risks__publication_status=PUBLIC
        )
    rows = {
        MeetingAction: "snapshot__meeting_actions__meeting_action",
        Minute: "snapshot__meeting_actions__meeting_action__minute",
        AgendaItem: "snapshot__meeting_actions__meeting_action__minute__agenda_item",
        Meeting: "snapshot__meeting_actions__meeting_action__meeting",
    }
    for kind, path in rows.items():
        if isinstance(record, kind):
            return versions.filter(
                **{path: record, "snapshot__meeting_actions__publication_status": PUBLIC}
            )
    return None


def _public_while_generated(record: Model, version: ReportVersion) -> bool:
    """Whether `record` was public when `version` was asked for, or at any save of it
    until the version's PDF was finished."""
    if not hasattr(record, "publication_status"):  # a meeting: through its actions
        return True
    history = record.history.filter(history_date__lte=version.finished_at or timezone.now())
    then = (
        history.filter(history_date__lte=version.content_at)
        .order_by("-history_date", "-history_id")
        .values_list("publication_status", flat=True)
        .first()
    )
    if then is None or then == PUBLIC:
        return True
    return history.filter(history_date__gt=version.content_at, publication_status=PUBLIC).exists()


def published_versions_showing(record: Model) -> list[ReportVersion]:
    """The public versions the public can download now that show `record` (see the
    module's docstring), by report and number."""
    versions = _showing(record)
    if versions is None:
        return []
    candidates = (
        versions.distinct()
        .select_related("report")
        .order_by("report__title", "report_id", "-number")
    )
    return [version for version in candidates if _public_while_generated(record, version)]


def warn_if_published(request, record: Model) -> list[ReportVersion]:
    """After saving `record` (anything with a publication status, or a meeting whose
    minutes were withdrawn): if it is not public but published public versions show it,
    a warning on the next page naming them, each linked to its withdrawal confirmation.
    Returns the versions (none if public)."""
    status = getattr(record, "publication_status", None)
    if status == PUBLIC:
        return []
    versions = published_versions_showing(record)
    if versions:
        links = format_html_join(
            ", ",
            '<a class="govuk-notification-banner__link" href="{}">{} (public version {})</a>',
            (
                (reverse("report-version-withdraw", args=[v.report_id, v.pk]), v.report, v.number)
                for v in versions
            ),
        )
        words = PublicationStatus(status).label.lower() if status else "withheld"
        messages.warning(
            request,
            format_html(
                "It is now {}, but the public can still download it in: {}. "
                "Withdraw each version that must no longer be public.",
                words,
                links,
            ),
        )
    return versions

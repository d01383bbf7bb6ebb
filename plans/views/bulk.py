"""The bulk update grid: the signed-in officer's actions needing this cycle's update, on
one page, each with a RAG and a narrative, saved together.

The scope is My actions' (the actions the user leads and, for an officer, their
directorate's): the secretariat and administrators see here only the actions they lead
themselves, and reach every other action through its own update form. Each filled row goes
through plans.services.record_updates (the single update's rules and conflict detection for
each, all rows in one transaction): if any row is refused, nothing is saved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from biip.models import Role
from plans import services
from plans.access import has_role, person_of
from plans.forms.bulk import BulkRowForm, BulkUpdateGrid, filled_ids, submitted_ids
from plans.forms.updates import add_service_errors, with_values
from plans.models import Action, Cycle, ImprovementPlan, ProgressUpdate
from plans.queries import needing_update, with_due
from plans.views.updates import describe_conflict, my_scope, plural, roles_read_once


def get_scope_for_bulk_update(user, plan: ImprovementPlan | None) -> QuerySet:
    """The plan's actions the user updates from My actions; 403 for the panel."""
    if not has_role(user, Role.OFFICER, Role.SECRETARIAT, Role.ADMINISTRATOR):
        raise PermissionDenied("Updating actions is for officers and the secretariat.")
    person = person_of(user)
    if plan is None or person is None:
        return Action.objects.none()
    return plan.actions.filter(my_scope(user, person))


def with_version(actions: QuerySet) -> QuerySet:
    """Annotate `version`: plans.services.action_version of each action, in the same query."""
    latest = (
        Action.history.filter(id=OuterRef("pk")).order_by("-history_id").values("history_id")[:1]
    )
    return actions.annotate(version=Coalesce(Subquery(latest), 0))


def grid_rows(actions: QuerySet) -> list[Action]:
    return list(with_version(with_due(actions)).order_by("due", "reference"))


def mark_conflict(row: BulkRowForm, conflict: services.Conflict) -> None:
    """Say who changed the action, show its RAG now, and let the row be saved again."""
    row.conflict = describe_conflict(conflict)
    row.action.rag = conflict.action.rag
    row.action.completed_on = conflict.action.completed_on
    row.data = with_values(row.data, **{row.add_prefix("seen_version"): conflict.version})


def save_rows(*, user, grid: BulkUpdateGrid) -> list[ProgressUpdate]:
    """Every filled, valid row through plans.services.record_updates: all saved, or, if
    any row has a problem (its own errors, or a refusal put beside it), none."""
    valid = [row for row in grid.filled_rows if row.is_valid()]
    try:
        return services.record_updates(
            user=user,
            updates=[(row.action, row.service_kwargs(grid.period)) for row in valid],
            check_only=grid.has_problems,
        )
    except services.UpdatesRefused as refused:
        for row in valid:
            error = refused.problems.get(row.action.pk)
            if isinstance(error, services.Conflict):
                mark_conflict(row, error)
            elif error is not None:
                add_service_errors(row, error)
        return []


def check_page(grid: BulkUpdateGrid, data) -> None:
    """Errors about the page as a whole: the cycle moved on since it was opened, or a
    filled row's action is no longer the user's to update."""
    if data.get("period") != grid.period.isoformat():
        grid.page_errors.append(
            f"Updates are now for {grid.period:%B %Y}: the update cycle moved on since you "
            "opened this page. Check your updates, then save again."
        )
    listed = {row.action.pk for row in grid.rows}
    gone = [pk for pk in filled_ids(data, submitted_ids(data)) if pk not in listed]
    if gone:
        references = Action.objects.filter(pk__in=gone).order_by("reference")
        names = ", ".join(references.values_list("reference", flat=True)) or "unknown"
        grid.page_errors.append(
            f"You can no longer update {names}, so nothing was saved: your other updates "
            "are below. Save them again."
        )


@require_http_methods(["GET", "POST"])
@login_required
def bulk_update(request):
    """RAG and narrative for several actions at once, all saved or none."""
    roles_read_once(request.user)
    cycle = Cycle.objects.current()
    period = cycle.period if cycle else timezone.localdate().replace(day=1)
    plan = ImprovementPlan.objects.current()
    scope = get_scope_for_bulk_update(request.user, plan)
    if request.method == "GET":
        grid = BulkUpdateGrid(grid_rows(needing_update(scope, period)), period=period)
        return render_grid(request, grid, cycle)
    ids = submitted_ids(request.POST)
    grid = BulkUpdateGrid(grid_rows(scope.filter(pk__in=ids)), request.POST, period=period)
    check_page(grid, request.POST)
    grid.is_valid()
    if not grid.page_errors:  # the rows' own errors and conflicts are all found at once
        updates = save_rows(user=request.user, grid=grid)
        if updates:
            messages.success(request, f"{plural(len(updates), 'update')} saved for {period:%B %Y}.")
            return redirect("my-actions")
    return render_grid(request, grid, cycle)


def render_grid(request, grid: BulkUpdateGrid, cycle: Cycle | None):
    context = {
        "grid": grid,
        "problems": grid.problems() if grid.has_problems else [],
        "cycle": cycle,
        "period": grid.period,
    }
    return render(request, "plans/bulk_update.html", context)

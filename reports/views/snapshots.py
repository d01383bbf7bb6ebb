"""Closing a monthly cycle (the secretariat's), and the snapshots it freezes.

The secretariat and administrators close cycles: a confirmation page says what will be
frozen, and the POST closes the cycle and shows its snapshot. Every signed-in role reads
the snapshots: their counts and what changed since the month before; those who prepare
reports also see a link to create one from a snapshot, and those who see the update cycle
page a link to it. Writes go through reports.snapshots.close_cycle.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from biip.models import RAG
from plans.access import can_see_cycle_status
from plans.models import RiskBand
from reports.access import can_manage_reports
from reports.changes import compare
from reports.data import snapshot_dataset
from reports.models import Report, Snapshot
from reports.snapshots import (
    actions_in,
    as_at_in_words,
    close_cycle,
    closed_in_words,
    closing_preview,
    get_cycle_for_close,
    get_snapshot_for_view,
    latest_indicator_values,
    past_tolerance,
    rag_by_plan,
    risks_by_band,
    risks_in,
)


@require_http_methods(["GET", "POST"])
@login_required
def cycle_close(request, pk: int):
    """GET: what closing the cycle will freeze. POST: close it, then show its snapshot."""
    cycle = get_cycle_for_close(request.user, pk)
    if not cycle.is_open:
        status = closed_in_words(cycle)
        messages.info(request, f"The {cycle} is already closed ({status[:1].lower()}{status[1:]}).")
        return redirect(reverse("cycle-status"))
    if request.method == "POST":
        try:
            snapshot = close_cycle(cycle=cycle, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(reverse("cycle-status"))
        messages.success(request, f"The {cycle} is closed and its snapshot taken.")
        return redirect(snapshot.get_absolute_url())
    context = {"cycle": cycle, "preview": closing_preview(cycle)}
    return render(request, "reports/snapshots/cycle_close.html", context)


@require_safe
@login_required
def snapshot_list(request):
    """Every closed cycle's snapshot, latest first."""
    snapshots = (
        Snapshot.objects.select_related("cycle", "taken_by__person")
        .annotate(action_count=Count("actions"))
        .order_by("-cycle__period")
    )
    rows = [(snapshot, as_at_in_words(snapshot.as_at)) for snapshot in snapshots]
    context = {"rows": rows, "can_see_cycle": can_see_cycle_status(request.user)}
    return render(request, "reports/snapshots/snapshot_list.html", context)


@require_safe
@login_required
def snapshot_detail(request, pk: int):
    """A snapshot's counts (actions by RAG, risks by band, indicator values), what changed
    since the cycle before, the reports made from it and links to make one."""
    snapshot = get_snapshot_for_view(request.user, pk)
    data = snapshot_dataset(snapshot)
    previous = snapshot.previous()
    context = {
        "snapshot": snapshot,
        "closed": closed_in_words(snapshot.cycle),
        "as_at": as_at_in_words(snapshot.as_at),
        "previous": previous,
        "changes": compare(snapshot_dataset(previous), data) if previous else None,
        "plans": rag_by_plan(snapshot, data.actions),
        "bands": risks_by_band(snapshot, data.risks),
        "past_tolerance": past_tolerance(snapshot, data.risks),
        "indicators": latest_indicator_values(data.indicators),
        "reports": Report.objects.filter(snapshot=snapshot).order_by("-created_at"),
        "create_url": f"{reverse('report-create')}?snapshot={snapshot.pk}"
        if can_manage_reports(request.user)
        else "",
    }
    return render(request, "reports/snapshots/snapshot_detail.html", context)


def _plan_id(request) -> int | None:
    value = request.GET.get("plan", "")
    return int(value) if value.isdigit() and len(value) <= 9 else None


@require_safe
@login_required
def snapshot_actions(request, pk: int):
    """The snapshot's action rows behind a figure of its page: one plan's (?plan=<id>),
    of one RAG (?rag=<rag>), or all."""
    snapshot = get_snapshot_for_view(request.user, pk)
    rag = request.GET.get("rag", "")
    rag = rag if rag in RAG.values else ""
    plan_id = _plan_id(request)
    rows = actions_in(snapshot_dataset(snapshot).actions, plan_id=plan_id, rag=rag)
    plan = rows[0].plan.title if rows and plan_id is not None else ""
    context = {
        "snapshot": snapshot,
        "rows": rows,
        "rag": RAG(rag).label if rag else "",
        "plan": plan,
    }
    return render(request, "reports/snapshots/snapshot_actions.html", context)


@require_safe
@login_required
def snapshot_risks(request, pk: int):
    """The snapshot's open risks behind a figure of its page: of one residual band
    (?band=<band>), past tolerance (?past_tolerance=1), or all."""
    snapshot = get_snapshot_for_view(request.user, pk)
    band = request.GET.get("band", "")
    band = band if band in RiskBand.values else ""
    above = request.GET.get("past_tolerance") == "1"
    rows = risks_in(snapshot_dataset(snapshot).risks, band=band, past_tolerance=above)
    context = {
        "snapshot": snapshot,
        "rows": rows,
        "band": RiskBand(band).label if band else "",
        "past_tolerance": above,
    }
    return render(request, "reports/snapshots/snapshot_risks.html", context)

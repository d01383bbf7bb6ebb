"""The risk register (filtered, sorted, paginated, exported), the page of one risk (its
scores and bands, score history chart, movement since the last closed cycle and
escalation), the heat map of open risks and the movement list. Every signed-in role
reads them; the links to update or escalate a risk show only to those who may."""

from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from biip.charts import Series, line_chart
from biip.listing import EXPORT_FORMATS, export_response, paginate, query_string
from plans.access import can_manage_plans, can_update_risk, get_risk_for_view
from plans.models import Cycle, Risk
from plans.risk_filters import RiskFilter
from plans.risk_tables import PER_PAGE, RiskTable
from plans.risks import (
    INHERENT,
    KINDS,
    RESIDUAL,
    TARGET,
    Score,
    band_key,
    by_direction,
    heat_map,
    money,
    movements,
    score_history,
    score_of,
    scores_then,
    summarise,
)

REGISTER_ORDER = ("-residual_product", "-residual_impact", "reference", "id")


@require_safe
@login_required
def risk_list(request):
    """Every risk, highest residual score first, filtered and sorted as asked."""
    filterset = RiskFilter(request.GET, request=request)
    table = RiskTable(filterset.qs.order_by(*REGISTER_ORDER), today=timezone.localdate())
    table.order_by = request.GET.get("sort")
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return export_response(
            table, export_format, filename=f"risks-{table.today:%Y-%m-%d}", title="Risks"
        )
    paginate(table, request, per_page=PER_PAGE, noun="Risks")
    form = filterset.form
    base = reverse("risks")
    context = {
        "filterset": filterset,
        "form": form,
        "table": table,
        "count": table.paginator.count,
        "selects": [form[name] for name in RiskFilter.SELECTS],
        "scales": [form[name] for name in RiskFilter.SCALES],
        "band_key": band_key(),
        "exports": [
            (label, base + query_string(request, page=None, _export=key))
            for key, label in EXPORT_FORMATS.items()
        ],
    }
    return render(request, "plans/risks/risk_list.html", context)


def history_chart(risk: Risk, history_rows):
    points = score_history(history_rows)
    return line_chart(
        chart_id="score-history",
        title=f"{risk.reference}: inherent, residual and target scores at each change",
        caption=f"Scores of {risk.reference} on each date they changed",
        labels=[point.label for point in points],
        series=[
            Series("Inherent", [point.inherent for point in points], style="previous"),
            Series("Residual", [point.residual for point in points], style="main"),
            Series("Target", [point.target for point in points], style="target"),
        ],
        y_min=0,
        y_max=25,
        step=5,
    )


@require_safe
@login_required
def risk_detail(request, pk: int):
    """Everything about one risk."""
    risk = get_risk_for_view(request.user, pk)
    prefetch_related_objects([request.user], "groups")
    decisions = list(risk.escalation_decisions.select_related("decided_by"))
    cycle = Cycle.objects.latest_closed()
    move = movements([risk], scores_then(cycle, RESIDUAL, risk=risk), RESIDUAL)[0]
    context = {
        "risk": risk,
        "scores": [(KINDS[kind], score_of(risk, kind)) for kind in (INHERENT, RESIDUAL, TARGET)],
        "exposure": money(risk.financial_exposure),
        "mitigations": [line.strip() for line in risk.mitigations.splitlines() if line.strip()],
        "actions": risk.actions.select_related("plan").order_by("plan__period_start", "reference"),
        "chart": history_chart(risk, risk.history.all()),
        "cycle": cycle,
        "move": move,
        "heat_map": heat_map(
            [move], chart_id="risk-heat-map", cell_width=52, cell_height=40, left=44, mark=True
        ),
        "map_title": f"Where {risk.reference} sits on the 5 × 5 heat map of residual scores, "
        "likelihood across and impact up",
        "map_desc": "A filled circle marks the residual score now"
        + (", an open circle the score when the last cycle closed." if move.moved else "."),
        "decisions": decisions,
        "needs_escalation": risk.needs_escalation(decisions[0] if decisions else None),
        "review_overdue": risk.is_review_overdue(),
        "can_update": can_update_risk(request.user, risk),
        "can_manage": can_manage_plans(request.user),
        "band_key": band_key(),
    }
    return render(request, "plans/risks/risk_detail.html", context)


def open_risks():
    return Risk.objects.filter(status=Risk.Status.OPEN).select_related("owner")


@require_safe
@login_required
def risk_heat_map(request):
    """The open risks on a 5 x 5 matrix of residual (or, switched, inherent) scores, with
    the arrows of their movement since the last closed cycle."""
    kind = INHERENT if request.GET.get("scores") == INHERENT else RESIDUAL
    cycle = Cycle.objects.latest_closed()
    moves = movements(open_risks(), scores_then(cycle, kind), kind)
    register = reverse("risks")

    def url_of(score: Score) -> str:
        return (
            f"{register}?status={Risk.Status.OPEN}"
            f"&{kind}_likelihood={score.likelihood}&{kind}_impact={score.impact}"
        )

    base = reverse("risk-heat-map")
    context = {
        "kind": kind,
        "kind_word": KINDS[kind].lower(),
        "other_word": KINDS[INHERENT if kind == RESIDUAL else RESIDUAL].lower(),
        "other_url": base + ("" if kind == INHERENT else f"?scores={INHERENT}"),
        "heat_map": heat_map(moves, kind=kind, url_of=url_of),
        "moves": moves,
        "moved": [move for move in moves if move.moved],
        "summary": summarise(moves),
        "cycle": cycle,
        "band_key": band_key(),
    }
    return render(request, "plans/risks/heat_map.html", context)


@require_safe
@login_required
def risk_movement(request):
    """Every open risk's residual score at the end of the last closed cycle and now."""
    cycle = Cycle.objects.latest_closed()
    moves = by_direction(movements(open_risks(), scores_then(cycle), RESIDUAL))
    context = {"cycle": cycle, "moves": moves, "summary": summarise(moves)}
    return render(request, "plans/risks/movement.html", context)

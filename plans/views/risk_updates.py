"""Owners' updates of their risks, and the secretariat's decisions on escalating a risk
past its tolerance to the strategic register. Both write through plans.services."""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import services
from plans.access import can_manage_plans, get_risk_for_update, get_risk_for_view
from plans.forms.risks import EscalationForm, RiskUpdateForm
from plans.forms.updates import add_service_errors
from plans.models import EscalationDecision, Risk, band_of
from plans.risks import INHERENT, KINDS, RESIDUAL, TARGET, Score, band_key, score_of

GET_POST = ["GET", "POST"]


def scores_of(risk: Risk) -> list[tuple[str, Score]]:
    """(name, score) of the risk's inherent, residual and target scores."""
    return [(KINDS[kind], score_of(risk, kind)) for kind in (INHERENT, RESIDUAL, TARGET)]


def data_or_none(request):
    return request.POST if request.method == "POST" else None


def get_risk_for_escalation(user, pk: int) -> Risk:
    """The risk, if the user decides on escalation (the secretariat): 404, or 403."""
    risk = get_risk_for_view(user, pk)
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat and administrators decide on escalation.")
    return risk


def updated_message(risk: Risk) -> str:
    """The new residual score and band, and whether escalation now needs a decision."""
    text = (
        f"{risk.reference} has been updated: its residual score is now "
        f"{risk.residual_score} ({band_of(risk.residual_score).label})."
    )
    if risk.needs_escalation(risk.escalation_decisions.first()):
        text += (
            f" That is past its tolerance of {risk.tolerance}: the secretariat will decide "
            "whether to escalate it to the strategic register."
        )
    return text


@require_http_methods(GET_POST)
@login_required
def risk_update(request, pk: int):
    """The owner's update of a risk: residual (and target) scores, trend, mitigations and
    the next review date. A change someone saved since the form was opened is not
    overwritten: the form comes back with the user's answers and what changed."""
    risk = get_risk_for_update(request.user, pk)
    form = RiskUpdateForm(data_or_none(request), instance=copy(risk))
    if form.is_valid():
        try:
            saved = services.record_risk_update(
                user=request.user,
                risk=risk,
                seen_version=form.cleaned_data["seen_version"],
                **form.changes(),
            )
        except services.Conflict as conflict:  # saved between the check and the lock
            risk = conflict.risk
            form = RiskUpdateForm(request.POST, instance=copy(risk))
            form.is_valid()  # finds the conflict: who changed what, and when
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, updated_message(saved))
            return redirect(saved.get_absolute_url())
    context = {
        "risk": risk,
        "form": form,
        "scores": scores_of(risk),
        "band_key": band_key(),
    }
    return render(request, "plans/risks/update_form.html", context)


@require_http_methods(GET_POST)
@login_required
def risk_escalate(request, pk: int):
    """The secretariat's decision on a risk: escalate it to the strategic register, or
    not, and why. The page shows its scores against its tolerance and earlier decisions."""
    risk = get_risk_for_escalation(request.user, pk)
    form = EscalationForm(data_or_none(request))
    if form.is_valid():
        try:
            record = services.decide_escalation(user=request.user, risk=risk, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if record.decision == EscalationDecision.Decision.ESCALATED:
                text = f"{risk.reference} has been escalated to the strategic register."
            else:
                text = f"Your decision not to escalate {risk.reference} has been recorded."
            messages.success(request, text)
            return redirect(risk.get_absolute_url() + "#escalation")
    decisions = list(risk.escalation_decisions.select_related("decided_by"))
    context = {
        "risk": risk,
        "form": form,
        "scores": scores_of(risk),
        "residual": score_of(risk, RESIDUAL),
        "over_by": risk.residual_score - risk.tolerance,
        "band_key": band_key(),
        "decisions": decisions,
        "needs_escalation": risk.needs_escalation(decisions[0] if decisions else None),
    }
    return render(request, "plans/risks/escalation_form.html", context)

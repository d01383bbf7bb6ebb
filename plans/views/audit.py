"""Progress on recommendations, the external auditor's statutory recommendations first:
the audit page (each source's recommendations with a summary counted from the data), a
recommendation's page with its two separate states (addressed, as the council claims;
verified, by the auditor or panel), the forms that record or withdraw each state, and the
non-executive advisers.

Every signed-in role reads these pages. Officers, the secretariat and administrators
record the council's claim (plans.access.can_claim_addressed); the panel, the secretariat
and administrators record verification (plans.access.can_verify).
"""

from copy import copy
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from plans.access import can_claim_addressed, can_verify, person_of
from plans.audit import recorded_states, summaries_by_source
from plans.forms.audit import AddressedForm, VerifiedForm
from plans.models import AdviserEngagement, Recommendation, Risk, Source

GET_POST = ["GET", "POST"]


def recommendations() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related(
        "source", "source__author", "theme", "verified_by", "verified_by__organisation"
    )


def get_recommendation_for_view(user, pk: int, *, lock: bool = False) -> Recommendation:
    """Any signed-in role may read a recommendation; 404 if there is none. `lock` locks
    the row until the end of the transaction (for a save)."""
    if not user.is_authenticated:
        raise PermissionDenied
    queryset = recommendations().select_for_update(of=("self",)) if lock else recommendations()
    return get_object_or_404(queryset, pk=pk)


def get_recommendation_for_claim(user, pk: int, *, lock: bool = False) -> Recommendation:
    """The recommendation, if the user may record the council's claim: 403 if not, 404 if
    there is none."""
    if not can_claim_addressed(user):
        raise PermissionDenied("Only council officers and the secretariat record this.")
    return get_recommendation_for_view(user, pk, lock=lock)


def get_recommendation_for_verification(user, pk: int, *, lock: bool = False):
    """The recommendation, if the user may verify it: 403 if not, 404 if there is none."""
    if not can_verify(user):
        raise PermissionDenied("Only the panel and the secretariat record verification.")
    return get_recommendation_for_view(user, pk, lock=lock)


def external_audit_first(queryset: QuerySet) -> QuerySet:
    """Recommendations ordered by source, the external auditor's sources first, then by
    date of publication and name, and by reference within a source."""
    audit_first = Case(
        When(source__kind=Source.Kind.EXTERNAL_AUDIT, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return queryset.order_by(
        audit_first,
        F("source__published_on").asc(nulls_last=True),
        "source__name",
        "source_id",
        "reference",
    )


@require_safe
@login_required
def audit(request):
    """Each source that has recommendations, external audit first, with its
    recommendations' progress and states and a summary counted from the data. Two queries
    for the data, however many sources and recommendations."""
    rows = external_audit_first(recommendations())
    summaries = summaries_by_source()
    sections = [
        {"source": source, "recommendations": list(group), "summary": summaries[source.pk]}
        for source, group in groupby(rows, key=lambda r: r.source)
    ]
    return render(request, "plans/audit/audit.html", {"sections": sections})


@require_safe
@login_required
def recommendation(request, pk: int):
    """A recommendation, the actions that address it with their RAG, and its two states
    side by side: addressed (the council's claim) and verified (by the auditor or panel)."""
    prefetch_related_objects([request.user], "groups")  # one query for every right
    item = get_recommendation_for_view(request.user, pk)
    actions = item.actions.select_related("plan").order_by("-plan__period_start", "reference")
    context = {
        "recommendation": item,
        "actions": actions,
        "recorded": recorded_states(item),
        "can_claim": can_claim_addressed(request.user),
        "can_verify": can_verify(request.user),
    }
    return render(request, "plans/audit/recommendation.html", context)


def save_state(request, form, message: str) -> None:
    form.instance._history_user = request.user
    form.save()
    messages.success(request, message)


@require_http_methods(GET_POST)
@login_required
def recommendation_addressed(request, pk: int):
    """Record, change or withdraw the council's claim that a recommendation is addressed."""
    with transaction.atomic():
        item = get_recommendation_for_claim(request.user, pk, lock=request.method == "POST")
        data = request.POST if request.method == "POST" else None
        form = AddressedForm(data, instance=copy(item))
        if form.is_valid():
            withdrawn = form.withdrawing
            save_state(
                request,
                form,
                f"The council's claim that {item.reference} is addressed has been withdrawn."
                if withdrawn
                else f"{item.reference} is recorded as addressed, as the council claims.",
            )
            return redirect("recommendation", pk=item.pk)
    context = {"form": form, "recommendation": item}
    return render(request, "plans/audit/addressed_form.html", context)


@require_http_methods(GET_POST)
@login_required
def recommendation_verified(request, pk: int):
    """Record, change or withdraw the verification of a recommendation, and its assessed
    progress. Refused, saying why, while the council has not claimed it addressed."""
    with transaction.atomic():
        item = get_recommendation_for_verification(request.user, pk, lock=request.method == "POST")
        data = request.POST if request.method == "POST" else None
        form = VerifiedForm(data, instance=copy(item), verifier=person_of(request.user))
        if form.is_valid():
            withdrawn = form.withdrawing
            save_state(
                request,
                form,
                f"The verification of {item.reference} has been withdrawn."
                if withdrawn
                else f"{item.reference} is recorded as verified.",
            )
            return redirect("recommendation", pk=item.pk)
    context = {"form": form, "recommendation": item}
    return render(request, "plans/audit/verified_form.html", context)


@require_safe
@login_required
def advisers(request):
    """The non-executive advisers' engagements, current ones first, each with its focus
    area, theme, dates and the risks it covers. Two queries however many there are."""
    today = timezone.localdate()
    engagements = AdviserEngagement.objects.select_related(
        "adviser", "adviser__organisation", "theme"
    ).prefetch_related(Prefetch("risks", queryset=Risk.objects.order_by("reference")))
    engagements = engagements.order_by("adviser__name", "focus_area", "pk")
    current, past = [], []
    for engagement in engagements:
        ended = engagement.ended_on is not None and engagement.ended_on < today
        (past if ended else current).append(engagement)
    context = {"current": current, "past": past}
    return render(request, "plans/audit/advisers.html", context)

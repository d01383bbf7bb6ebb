"""Managing the programme in the app: plans, their actions and milestones, themes,
recommendations and their coverage by actions, and the panel's SMART assessments.

Reading pages are open to every signed-in role; every write is the secretariat's and
administrators' (plans.access.can_manage_plans), except SMART assessments, which panel
members record too (plans.access.can_assure). Edits of plans and actions lock the row
while they check for, and refuse to overwrite, changes saved after the form was opened.

Edit forms work on a copy of the record, so a page showing bad input still names the
record as it is saved.
"""

from copy import copy
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F, Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from plans.access import can_assure, can_manage_plans, get_action_for_view, person_of
from plans.forms.manage import (
    SMART_CRITERIA,
    ActionForm,
    AssessmentForm,
    MilestoneForm,
    PlanForm,
    RecommendationFilterForm,
    RecommendationForm,
    ThemeForm,
)
from plans.models import (
    Action,
    ImprovementPlan,
    Milestone,
    Recommendation,
    SmartAssessment,
    Source,
    Theme,
)
from reports.exposure import warn_if_published

GET_POST = ["GET", "POST"]


def action_path(action_id: int) -> str:
    """The action page (the "list" area's `action` route), by its contract path."""
    return reverse("action", args=[action_id])


def require_manager(user) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat and administrators manage plans.")


def get_plan(pk: int, *, lock: bool = False) -> ImprovementPlan:
    plans = ImprovementPlan.objects.select_for_update() if lock else ImprovementPlan.objects
    return get_object_or_404(plans, pk=pk)


def data_or_none(request):
    return request.POST if request.method == "POST" else None


# Plans


@require_safe
@login_required
def plan_list(request):
    """Every plan, latest first, with its number of actions and which one is current."""
    plans = ImprovementPlan.objects.annotate(action_count=Count("actions")).order_by(
        "-period_start"
    )
    context = {"plans": plans, "can_manage": can_manage_plans(request.user)}
    return render(request, "plans/manage/plan_list.html", context)


@require_http_methods(GET_POST)
@login_required
def plan_create(request):
    require_manager(request.user)
    form = PlanForm(data_or_none(request))
    if form.is_valid():
        plan = form.save()
        messages.success(request, f"{plan.title} has been added.")
        return redirect("plan", pk=plan.pk)
    return render(request, "plans/manage/plan_form.html", {"form": form})


@require_safe
@login_required
def plan_detail(request, pk: int):
    """A plan's summary, its actions grouped by theme with their RAG, its assessments."""
    plan = get_plan(pk)
    prefetch_related_objects([request.user], "groups")  # one query for both rights
    actions = plan.actions.select_related("theme", "directorate", "lead_officer").order_by(
        F("theme__framework").asc(nulls_last=True), "theme__order", "theme__code", "reference"
    )
    groups = [(theme, list(rows)) for theme, rows in groupby(actions, key=lambda a: a.theme)]
    context = {
        "plan": plan,
        "groups": groups,
        "action_count": sum(len(rows) for _, rows in groups),
        "assessments": plan.assessments.select_related("theme", "assessor").order_by(
            "-assessed_on", "-pk"
        ),
        "can_manage": can_manage_plans(request.user),
        "can_assess": can_assure(request.user),
    }
    return render(request, "plans/manage/plan_detail.html", context)


@require_http_methods(GET_POST)
@login_required
def plan_edit(request, pk: int):
    require_manager(request.user)
    with transaction.atomic():
        plan = get_plan(pk, lock=request.method == "POST")
        form = PlanForm(data_or_none(request), instance=copy(plan))
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"{saved.title} has been saved.")
            return redirect("plan", pk=plan.pk)
    return render(request, "plans/manage/plan_form.html", {"form": form, "plan": plan})


# Actions and milestones


@require_http_methods(GET_POST)
@login_required
def action_create(request, pk: int):
    require_manager(request.user)
    plan = get_plan(pk)
    form = ActionForm(data_or_none(request), plan=plan)
    if form.is_valid():
        action = form.save()
        messages.success(request, f"Action {action.reference} has been added to {plan.title}.")
        return redirect(action_path(action.pk))
    return render(request, "plans/manage/action_form.html", {"form": form, "plan": plan})


@require_http_methods(GET_POST)
@login_required
def action_edit(request, pk: int):
    """Edit an action's plan details; its RAG and assurance move only through updates."""
    action = get_action_for_view(request.user, pk)
    require_manager(request.user)
    with transaction.atomic():
        if request.method == "POST":  # lock the row while checking for others' changes
            action.refresh_from_db(from_queryset=Action.objects.select_for_update())
        form = ActionForm(data_or_none(request), instance=copy(action), plan=action.plan)
        if form.is_valid():
            saved = form.save()
            messages.success(request, f"Action {saved.reference} has been saved.")
            warn_if_published(request, saved)
            return redirect(action_path(action.pk))
    context = {
        "form": form,
        "action": action,
        "plan": action.plan,
        "milestones": action.milestones.all(),
    }
    return render(request, "plans/manage/action_form.html", context)


@require_http_methods(GET_POST)
@login_required
def milestone_create(request, pk: int):
    action = get_action_for_view(request.user, pk)
    require_manager(request.user)
    form = MilestoneForm(data_or_none(request), action=action)
    if form.is_valid():
        milestone = form.save()
        messages.success(request, f"Milestone “{milestone.title}” has been added.")
        return redirect(action_path(action.pk))
    return render(request, "plans/manage/milestone_form.html", {"form": form, "action": action})


@require_http_methods(GET_POST)
@login_required
def milestone_edit(request, pk: int):
    require_manager(request.user)
    milestone = get_object_or_404(Milestone, pk=pk)
    action = get_action_for_view(request.user, milestone.action_id)
    form = MilestoneForm(data_or_none(request), instance=copy(milestone), action=action)
    if form.is_valid():
        saved = form.save()
        messages.success(request, f"Milestone “{saved.title}” has been saved.")
        return redirect(action_path(action.pk))
    context = {"form": form, "action": action, "milestone": milestone}
    return render(request, "plans/manage/milestone_form.html", context)


# Themes


@require_safe
@login_required
def theme_list(request):
    themes = Theme.objects.annotate(action_count=Count("actions")).order_by(
        "framework", "order", "code"
    )
    labels = dict(Theme.Framework.choices)
    context = {
        "groups": [
            (labels[framework], list(rows))
            for framework, rows in groupby(themes, key=lambda t: t.framework)
        ],
        "can_manage": can_manage_plans(request.user),
    }
    return render(request, "plans/manage/theme_list.html", context)


@require_http_methods(GET_POST)
@login_required
def theme_create(request):
    require_manager(request.user)
    form = ThemeForm(data_or_none(request))
    if form.is_valid():
        theme = form.save()
        messages.success(request, f"Theme “{theme.name}” has been added.")
        return redirect("themes")
    return render(request, "plans/manage/theme_form.html", {"form": form})


@require_http_methods(GET_POST)
@login_required
def theme_edit(request, pk: int):
    require_manager(request.user)
    theme = get_object_or_404(Theme, pk=pk)
    form = ThemeForm(data_or_none(request), instance=copy(theme))
    if form.is_valid():
        saved = form.save()
        messages.success(request, f"Theme “{saved.name}” has been saved.")
        return redirect("themes")
    return render(request, "plans/manage/theme_form.html", {"form": form, "theme": theme})


# Recommendations and their coverage


@require_safe
@login_required
def recommendation_list(request):
    """Every recommendation (or one source's), with how many actions address it."""
    filters = RecommendationFilterForm(request.GET or None)
    recommendations = (
        Recommendation.objects.select_related("source", "theme")
        .annotate(action_count=Count("actions"))
        .order_by("reference")
    )
    source = filters.cleaned_data["source"] if filters.is_valid() else None
    if source is not None:
        recommendations = recommendations.filter(source=source)
    context = {
        "filters": filters,
        "source": source,
        "recommendations": recommendations,
        "can_manage": can_manage_plans(request.user),
    }
    return render(request, "plans/manage/recommendation_list.html", context)


@require_http_methods(GET_POST)
@login_required
def recommendation_create(request):
    require_manager(request.user)
    form = RecommendationForm(data_or_none(request))
    if form.is_valid():
        recommendation = form.save()
        messages.success(request, f"Recommendation {recommendation.reference} has been added.")
        return redirect("recommendations")
    return render(request, "plans/manage/recommendation_form.html", {"form": form})


@require_http_methods(GET_POST)
@login_required
def recommendation_edit(request, pk: int):
    require_manager(request.user)
    recommendation = get_object_or_404(Recommendation, pk=pk)
    form = RecommendationForm(data_or_none(request), instance=copy(recommendation))
    if form.is_valid():
        saved = form.save()
        messages.success(request, f"Recommendation {saved.reference} has been saved.")
        return redirect("recommendations")
    context = {"form": form, "recommendation": recommendation}
    return render(request, "plans/manage/recommendation_form.html", context)


def coverage_summary(uncovered: int, total: int) -> str:
    """ "3 of 19 recommendations have no action", or "All 7 recommendations have an
    action"."""
    if total == 0:
        return "No recommendations recorded"
    if uncovered == 0:
        return (
            "Its one recommendation has an action"
            if total == 1
            else (f"All {total} recommendations have an action")
        )
    noun = "recommendation" if total == 1 else "recommendations"
    verb = "has" if uncovered == 1 else "have"
    return f"{uncovered} of {total} {noun} {verb} no action"


@require_safe
@login_required
def coverage(request):
    """Per source, every recommendation with the actions addressing it; those with none
    stand out. Three queries, however many recommendations and actions there are."""
    actions = Action.objects.select_related("plan").order_by("-plan__period_start", "reference")
    recommendations = Recommendation.objects.select_related("theme").prefetch_related(
        Prefetch("actions", queryset=actions)
    )
    by_source = {
        source_id: list(rows)
        for source_id, rows in groupby(
            recommendations.order_by("source_id", "reference"), key=lambda r: r.source_id
        )
    }
    sections = []
    for source in Source.objects.all():
        rows = by_source.get(source.pk, [])
        uncovered = [row for row in rows if not row.actions.all()]
        sections.append(
            {
                "source": source,
                "recommendations": rows,
                "uncovered": uncovered,
                "summary": coverage_summary(len(uncovered), len(rows)),
            }
        )
    total = sum(len(section["recommendations"]) for section in sections)
    uncovered = sum(len(section["uncovered"]) for section in sections)
    context = {"sections": sections, "summary": coverage_summary(uncovered, total)}
    return render(request, "plans/manage/coverage.html", context)


# SMART assessments


@require_http_methods(GET_POST)
@login_required
def assessment_create(request, pk: int):
    if not can_assure(request.user):
        raise PermissionDenied("Only the panel and the secretariat record SMART assessments.")
    plan = get_plan(pk)
    assessor = person_of(request.user)
    form = AssessmentForm(data_or_none(request), plan=plan, assessor=assessor)
    if form.is_valid():
        assessment = form.save()
        messages.success(request, "The SMART assessment has been recorded.")
        return redirect("assessment", pk=assessment.pk)
    context = {"form": form, "plan": plan, "assessor": assessor}
    return render(request, "plans/manage/assessment_form.html", context)


@require_safe
@login_required
def assessment_detail(request, pk: int):
    assessment = get_object_or_404(
        SmartAssessment.objects.select_related("plan", "theme", "assessor"), pk=pk
    )
    criteria = [
        (
            name,
            getattr(assessment, f"get_{prefix}_rating_display")(),
            getattr(assessment, f"{prefix}_comment"),
        )
        for prefix, name in SMART_CRITERIA
    ]
    context = {"assessment": assessment, "criteria": criteria}
    return render(request, "plans/manage/assessment_detail.html", context)

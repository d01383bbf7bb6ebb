"""The monthly cycle's pages: the officer's update on an action, evidence downloads, the
panel's assurance and challenge, replies to challenges, the officer's own actions and the
secretariat's view of who has updated.

Links to other engineers' pages use the paths of the URL contract (action_path), links to
this module's pages use reverse()."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.views.decorators.http import require_http_methods, require_safe

from biip.listing import page_number
from biip.models import Role
from meetings.models import MeetingAction
from plans import services
from plans.access import (
    can_assure,
    can_see_cycle_status,
    can_update_action,
    get_action_for_update,
    get_action_for_view,
    has_role,
    person_of,
)
from plans.forms.updates import (
    AssuranceForm,
    ChallengeForm,
    ReplyForm,
    UpdateForm,
    add_service_errors,
    with_values,
)
from plans.models import (
    Action,
    Challenge,
    Cycle,
    Evidence,
    ImprovementPlan,
    ProgressUpdate,
    current_period,
)
from plans.queries import challenges_on, led_by, needing_update, open_actions, with_due
from reports.snapshots import can_close_cycles, cycle_rows

CHALLENGES_PER_PAGE = 25
CHALLENGE_STATUSES = {
    "open": ("Open", Q(status=Challenge.Status.OPEN)),
    "answered": ("Answered", Q(status=Challenge.Status.ANSWERED)),
    "all": ("All", Q()),
}


def action_path(action_id: int) -> str:
    """The action page (engineer "list"'s `action`), by its contract path."""
    return reverse("action", args=[action_id])


def action_list_path(**filters) -> str:
    """The action list (engineer "list"'s `actions`) filtered, by its contract path."""
    return reverse("actions") + "?" + urlencode(filters)


def signed_in_only(user) -> None:
    if not user.is_authenticated:
        raise PermissionDenied


def get_evidence_for_view(user, pk: int) -> Evidence:
    """Evidence, like everything in the programme, is for every signed-in role."""
    signed_in_only(user)
    return get_object_or_404(Evidence, pk=pk)


def get_update_for_assurance(user, pk: int) -> ProgressUpdate:
    if not can_assure(user):
        raise PermissionDenied("Only the panel and the secretariat record assurance.")
    return get_object_or_404(
        ProgressUpdate.objects.select_related("action", "author", "action__lead_officer"), pk=pk
    )


def get_challenge_for_reply(user, pk: int) -> Challenge:
    signed_in_only(user)
    challenge = get_object_or_404(
        Challenge.objects.select_related("action", "update", "raised_by", "responded_by"), pk=pk
    )
    if not can_update_action(user, challenge.action):
        raise PermissionDenied("Only the action's officers and the secretariat may reply.")
    return challenge


def roles_read_once(user) -> None:
    """Load the user's groups once, so access checks in a loop make no more queries."""
    prefetch_related_objects([user], "groups")


# -- the monthly update ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ConflictReport:
    """What changed on the action since the form was opened, who changed it and when."""

    changes: list[Change]
    who: str
    when: datetime.datetime


def shown(row, model_field) -> str:
    value = getattr(row, model_field.attname)
    if value in (None, ""):
        return "none"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if model_field.is_relation:
        return str(getattr(row, model_field.name))
    return Truncator(str(value)).chars(120)


def describe_conflict(conflict: services.Conflict) -> ConflictReport:
    rows = list(
        conflict.action.history.filter(history_id__gte=conflict.seen_version)
        .select_related("history_user")
        .order_by("history_id")
    )
    seen = rows[0] if rows and rows[0].history_id == conflict.seen_version else None
    newer = [row for row in rows if row.history_id != conflict.seen_version]
    changes = []
    if seen is not None and newer:
        for model_field in Action._meta.concrete_fields:
            before, after = shown(seen, model_field), shown(newer[-1], model_field)
            if model_field.name != "id" and before != after:
                changes.append(Change(capfirst(model_field.verbose_name), before, after))
    names = []
    for row in newer:
        user = row.history_user
        name = (user.get_full_name() or user.get_username()) if user else "someone"
        if name not in names:
            names.append(name)
    when = newer[-1].history_date if newer else timezone.now()
    return ConflictReport(changes, " and ".join(names) or "someone", when)


def render_update_form(request, action, period, form, conflict=None, status=200):
    existing = (
        action.updates.filter(period=period)
        .select_related("author")
        .prefetch_related("files")
        .first()
    )
    context = {
        "action": action,
        "period": period,
        "cycle": Cycle.objects.current(),
        "existing": existing,
        "form": form,
        "conflict": conflict,
        "chosen_files": [upload.name for upload in request.FILES.getlist("files")],
        "action_url": action_path(action.pk),
    }
    return render(request, "plans/update_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def action_update(request, pk):
    """The monthly update on an action: RAG, narrative, evidence, milestones, dates."""
    action = get_action_for_update(request.user, pk)
    period = current_period()
    if request.method == "GET":
        existing = action.updates.filter(period=period).first()
        version = services.action_version(action)
        initial = UpdateForm.initial_from(existing, period=period, version=version)
        return render_update_form(
            request, action, period, UpdateForm(initial=initial, action=action)
        )
    form = UpdateForm(request.POST, request.FILES, action=action)
    if not form.is_valid():
        return render_update_form(request, action, period, form)
    try:
        update = services.record_update(user=request.user, action=action, **form.service_kwargs())
    except services.Conflict as conflict:
        data = with_values(request.POST, seen_version=conflict.version)
        form = UpdateForm(data, action=conflict.action)
        report = describe_conflict(conflict)
        return render_update_form(request, conflict.action, period, form, conflict=report)
    except ValidationError as error:
        return render_refused_update(request, action, form, error, period)
    messages.success(request, f"Your {update.period:%B %Y} update on {action.reference} is saved.")
    return redirect(action_path(action.pk))


def render_refused_update(request, action, form, error, period):
    """The form again with the service's errors beside the fields. If the cycle moved on
    since the form was opened, it is now for the current month (the error says so)."""
    if "period" in getattr(error, "error_dict", {}):
        form = UpdateForm(with_values(request.POST, period=period.isoformat()), action=action)
        form.is_valid()
    else:
        period = form.cleaned_data["period"]
    add_service_errors(form, error)
    return render_update_form(request, action, period, form)


@require_safe
@login_required
def evidence(request, pk):
    """An evidence file, always as a download under its original name and stored type."""
    item = get_evidence_for_view(request.user, pk)
    try:
        handle = item.file.storage.open(item.file.name, "rb")
    except FileNotFoundError as error:
        raise Http404("The evidence file is missing.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=item.original_name, content_type=item.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# -- assurance and challenge ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def update_assurance(request, pk):
    """The panel's (or the secretariat's) decision on an update's RAG."""
    update = get_update_for_assurance(request.user, pk)
    form = AssuranceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            assurance = services.record_assurance(
                user=request.user, update=update, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{assurance.get_decision_display()}: your decision on the {update.period:%B %Y} "
                f"update on {update.action.reference} is recorded.",
            )
            return redirect(action_path(update.action_id))
    context = {
        "form": form,
        "update": update,
        "action": update.action,
        "files": update.files.all(),
        "assurances": update.assurances.select_related("decided_by"),
        "action_url": action_path(update.action_id),
    }
    return render(request, "plans/assurance_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def action_challenge(request, pk):
    """A question from the panel (or the secretariat) on an action or one of its updates."""
    action = get_action_for_view(request.user, pk)
    if not can_assure(request.user):
        raise PermissionDenied("Only the panel and the secretariat raise challenges.")
    data = request.POST if request.method == "POST" else None
    form = ChallengeForm(data, action=action, initial={"update": request.GET.get("update")})
    if form.is_valid():
        try:
            services.raise_challenge(user=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your challenge on {action.reference} is raised.")
            return redirect(action_path(action.pk))
    context = {"form": form, "action": action, "action_url": action_path(action.pk)}
    return render(request, "plans/challenge_form.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def challenge_reply(request, pk):
    """The action's officers' answer to a challenge (once: an answer is never replaced)."""
    challenge = get_challenge_for_reply(request.user, pk)
    form = ReplyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.answer_challenge(
                user=request.user, challenge=challenge, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Your response on {challenge.action.reference} is sent.")
            return redirect(action_path(challenge.action_id))
    context = {
        "form": form,
        "challenge": challenge,
        "action": challenge.action,
        "action_url": action_path(challenge.action_id),
    }
    return render(request, "plans/challenge_reply.html", context)


@dataclass(frozen=True)
class ChallengeRow:
    challenge: Challenge
    action_url: str
    can_reply: bool


def challenge_rows(user, challenges) -> list[ChallengeRow]:
    roles_read_once(user)
    return [
        ChallengeRow(
            challenge,
            action_path(challenge.action_id),
            challenge.status == Challenge.Status.OPEN and can_update_action(user, challenge.action),
        )
        for challenge in challenges
    ]


CHALLENGE_RELATED = ("action", "action__lead_officer", "update", "raised_by", "responded_by")


@dataclass(frozen=True)
class ChallengeScope:
    """Which actions' challenges a list shows: a plan's (?plan=<id>) and those the user
    leads (?mine=1), as the dashboard's figures count them (plans.queries)."""

    plan: ImprovementPlan | None
    mine: bool
    query: str  # the scope's parameters, for the tabs' and pages' links ("" for none)

    def challenges(self, user):
        if self.plan is None and not self.mine:
            return Challenge.objects.all()
        actions = Action.objects.all()
        if self.plan is not None:
            actions = actions.filter(plan=self.plan)
        if self.mine:
            actions = led_by(actions, user)
        return challenges_on(Challenge.objects.all(), actions)

    @property
    def words(self) -> str:
        parts = [" on actions you lead"] if self.mine else []
        if self.plan is not None:
            parts.append(f" in {self.plan.title}")
        return "".join(parts)


def challenge_scope(request) -> ChallengeScope:
    """The scope asked for; an unknown or unreadable plan is none (never a 500)."""
    plan_id = request.GET.get("plan", "")
    plan = None
    if plan_id.isdigit() and len(plan_id) <= 9:
        plan = ImprovementPlan.objects.filter(pk=int(plan_id)).first()
    mine = request.GET.get("mine") == "1"
    params = {"plan": plan.pk if plan else None, "mine": 1 if mine else None}
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return ChallengeScope(plan, mine, f"&{query}" if query else "")


@require_safe
@login_required
def challenge_list(request):
    """Challenges, open ones by default (?status=open|answered|all), oldest open first;
    only a plan's (?plan=<id>) or the user's own actions' (?mine=1), if asked."""
    status = request.GET.get("status", "open")
    if status not in CHALLENGE_STATUSES:
        status = "open"
    scope = challenge_scope(request)
    scoped = scope.challenges(request.user)
    counts = scoped.aggregate(
        **{key: Count("pk", filter=condition) for key, (_, condition) in CHALLENGE_STATUSES.items()}
    )
    challenges = (
        scoped.filter(CHALLENGE_STATUSES[status][1])
        .select_related(*CHALLENGE_RELATED)
        .order_by("raised_at" if status == "open" else "-raised_at", "pk")
    )
    paginator = Paginator(challenges, CHALLENGES_PER_PAGE)
    page = paginator.page(page_number(request, last=paginator.num_pages))
    tabs = [
        {"key": key, "label": label, "count": counts[key], "current": key == status}
        for key, (label, _) in CHALLENGE_STATUSES.items()
    ]
    context = {
        "status": status,
        "status_label": CHALLENGE_STATUSES[status][0],
        "scope": scope,
        "tabs": tabs,
        "page": page,
        "rows": challenge_rows(request.user, page.object_list),
    }
    return render(request, "plans/challenge_list.html", context)


# -- the officer's actions and the cycle ----------------------------------------------


def updated_in(period: datetime.date) -> Exists:
    return Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period))


def my_scope(user, person, prefix: str = "") -> Q:
    """The actions the person leads, and (for an officer) their directorate's."""
    scope = Q(**{f"{prefix}lead_officer": person})
    if has_role(user, Role.OFFICER) and person.directorate_id:
        scope |= Q(**{f"{prefix}directorate_id": person.directorate_id})
    return scope


def my_actions_context(user, person, plan, period) -> dict:
    actions = plan.actions.filter(my_scope(user, person)) if plan else Action.objects.none()
    rows = list(
        with_due(actions)
        .annotate(updated=updated_in(period))
        .select_related("lead_officer")
        .order_by("due", "reference")
    )
    challenges = (
        Challenge.objects.filter(my_scope(user, person, "action__"), status=Challenge.Status.OPEN)
        .select_related(*CHALLENGE_RELATED)
        .order_by("raised_at", "pk")
    )
    led = [action for action in rows if action.lead_officer_id == person.pk]
    others = [action for action in rows if action.lead_officer_id != person.pk]
    month = date_format(period, "F Y")
    return {
        "needing": list(with_due(needing_update(actions, period)).order_by("due", "reference")),
        "challenges": challenge_rows(user, challenges),
        "led": led,
        "led_caption": (
            f"The {plural(len(led), 'action')} you lead, soonest due first, "
            f"and whether each has its {month} update"
        ),
        "directorates": others,
        "meeting_actions": list(
            MeetingAction.objects.filter(owner=person, status=MeetingAction.Status.OPEN)
            .select_related("meeting", "minute", "owner", "promoted_to")
            .order_by(F("due_date").asc(nulls_last=True), "pk")
        ),
        "directorates_caption": (
            f"Your directorate's other {plural(len(others), 'action')}, which you may also update"
        ),
    }


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@require_safe
@login_required
def my_actions(request):
    """What the signed-in officer has to do this cycle: updates and challenges."""
    roles_read_once(request.user)
    person = person_of(request.user)
    cycle = Cycle.objects.current()
    period = cycle.period if cycle else current_period()
    plan = ImprovementPlan.objects.current()
    context = {"period": period, "cycle": cycle, "plan": plan}
    if person is not None:
        context |= my_actions_context(request.user, person, plan, period)
        context["has_actions"] = bool(
            context["led"]
            or context["directorates"]
            or context["challenges"]
            or context["meeting_actions"]
        )
    return render(request, "plans/my_actions.html", context)


def cycle_urls(plan_id: int, **scope) -> dict[str, str]:
    """The action lists behind a row of the cycle page's figures (plans.queries: open,
    updated_for, needing_update), each as the action list filters it."""
    return {
        "open": action_list_path(plan=plan_id, **scope, open=1),
        "updated": action_list_path(plan=plan_id, **scope, updated=1),
        "to_update": action_list_path(plan=plan_id, **scope, needs_update=1),
    }


@dataclass
class OfficerRow:
    """One lead officer's open actions in a directorate, and which lack this month's update."""

    person_id: int
    name: str
    open: int = 0
    updated: int = 0
    missing: list[Action] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def to_update(self) -> int:
        return self.open - self.updated

    @property
    def complete(self) -> bool:
        return self.to_update == 0


@dataclass
class DirectorateGroup:
    name: str
    officers: list[OfficerRow] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def open(self) -> int:
        return sum(row.open for row in self.officers)

    @property
    def updated(self) -> int:
        return sum(row.updated for row in self.officers)

    @property
    def to_update(self) -> int:
        return self.open - self.updated

    @property
    def complete(self) -> bool:
        return self.to_update == 0


def cycle_groups(plan: ImprovementPlan, period: datetime.date) -> list[DirectorateGroup]:
    """The plan's open actions by directorate and lead officer: one query."""
    actions = (
        open_actions(plan.actions.all())
        .annotate(updated=updated_in(period))
        .select_related("directorate", "lead_officer")
        .order_by("directorate__name", "lead_officer__name", "reference")
    )
    groups: dict[int, DirectorateGroup] = {}
    officers: dict[tuple[int, int], OfficerRow] = {}
    for action in actions:
        if action.directorate_id not in groups:
            urls = cycle_urls(plan.pk, directorate=action.directorate_id)
            groups[action.directorate_id] = DirectorateGroup(action.directorate.name, urls=urls)
        group = groups[action.directorate_id]
        key = (action.directorate_id, action.lead_officer_id)
        if key not in officers:
            urls = cycle_urls(
                plan.pk, directorate=action.directorate_id, lead_officer=action.lead_officer_id
            )
            officers[key] = OfficerRow(action.lead_officer_id, action.lead_officer.name, urls=urls)
            group.officers.append(officers[key])
        row = officers[key]
        row.open += 1
        if action.updated:
            row.updated += 1
        else:
            row.missing.append(action)
    return list(groups.values())


@require_safe
@login_required
def cycle_status(request):
    """Who has updated for the cycle's month, by directorate and lead officer."""
    if not can_see_cycle_status(request.user):
        raise PermissionDenied("The cycle's status is for the secretariat and the panel.")
    cycle = Cycle.objects.current()
    period = cycle.period if cycle else timezone.localdate().replace(day=1)
    plan = ImprovementPlan.objects.current()
    groups = cycle_groups(plan, period) if plan else []
    officers = [row for group in groups for row in group.officers]
    total_open = sum(group.open for group in groups)
    total_updated = sum(group.updated for group in groups)
    context = {
        "cycle": cycle,
        "period": period,
        "plan": plan,
        "groups": groups,
        "total_open": total_open,
        "total_updated": total_updated,
        "total_to_update": total_open - total_updated,
        "not_updated": list(dict.fromkeys(row.name for row in officers if not row.complete)),
        "urls": cycle_urls(plan.pk) if plan else {},
        "cycles": cycle_rows() if can_close_cycles(request.user) else None,
    }
    return render(request, "plans/cycle_status.html", context)

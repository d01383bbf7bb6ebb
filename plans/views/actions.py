"""The action list (filtered, sorted, paginated, exported, live or as at a past date) and
the action page (everything about one action, its timeline and its change history)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.db.models import F, Model, Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_safe

from biip.listing import EXPORT_FORMATS, export_response, paginate, query_string
from biip.models import RAG
from meetings.models import MeetingAction
from plans.access import can_assure, can_manage_plans, can_update_action, get_action_for_view
from plans.filters import ActionFilter
from plans.models import Action, Assurance
from plans.services import latest_version
from plans.tables import PER_PAGE, ActionTable

HISTORY_RELATIONS = ("history_user", "plan", "theme", "directorate", "lead_officer", "lead_member")
HISTORY_M2M = {
    "recommendations": ("historicalaction_recommendations_set", "recommendation"),
    "risks": ("historicalaction_risks_set", "risk"),
}
NOT_SET = "Not set"
# What the export's columns read (plans.tables.ActionTable): nothing else is loaded.
EXPORT_FIELDS = (
    "id",
    "reference",
    "title",
    "plan__short_name",
    "theme__framework",
    "theme__code",
    "theme__name",
    "directorate__name",
    "lead_officer__name",
    "rag",
    "assurance",
    "assured_rag",
    "original_due_date",
    "revised_due_date",
    "last_update_at",
)


def export_filename(day: datetime.date | None) -> str:
    return f"actions-as-at-{day:%Y-%m-%d}" if day else f"actions-{timezone.localdate():%Y-%m-%d}"


@require_safe
@login_required
def action_list(request):
    """Every action, filtered by the URL contract's filters, live or as at a past date."""
    filterset = ActionFilter(request.GET, request=request)
    rows = filterset.qs.order_by("-plan__period_start", "reference", "id")
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        rows = rows.only(*EXPORT_FIELDS).annotate(
            export_version=F("history_id") if filterset.day else latest_version(Action)
        )
    table = ActionTable(rows)
    table.order_by = request.GET.get("sort")
    if export_format in EXPORT_FORMATS:
        return export_response(
            table, export_format, filename=export_filename(filterset.day), title="Actions"
        )
    paginate(table, request, per_page=PER_PAGE, noun="Actions")
    form = filterset.form
    base = reverse("actions")
    context = {
        "filterset": filterset,
        "form": form,
        "table": table,
        "count": table.paginator.count,
        "day": filterset.day,
        "selects": [form[name] for name in ActionFilter.SELECTS],
        "flags": [form[name] for name in ActionFilter.FLAGS],
        "live_url": base + query_string(request, as_at=None, page=None),
        "exports": [
            (label, base + query_string(request, page=None, _export=key))
            for key, label in EXPORT_FORMATS.items()
        ],
    }
    return render(request, "plans/action_list.html", context)


@dataclass
class Link:
    text: str
    url: str | None


@dataclass
class Entry:
    """One event in an action's timeline: an update, an assurance decision or a challenge."""

    kind: str
    when: datetime.datetime
    item: Any


@dataclass
class Change:
    """One row of an action's change history: a field's old and new value, in words."""

    when: datetime.datetime
    who: str
    field: str
    old: str = ""
    new: str = ""


def evidence_links(text: str) -> list[Link]:
    """The update's evidence lines; only web addresses become links."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [
        Link(line, line if line.startswith(("https://", "http://")) else None) for line in lines
    ]


def timeline(updates, challenges) -> list[Entry]:
    entries = [Entry("challenge", challenge.raised_at, challenge) for challenge in challenges]
    for update in updates:
        update.evidence_links = evidence_links(update.evidence)
        entries.append(Entry("update", update.created_at, update))
        entries += [Entry("assurance", a.decided_at, a) for a in update.assurances.all()]
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def name_of(user) -> str:
    if user is None:
        return "System"
    return user.get_full_name() or user.get_username()


def in_words(field, value) -> str:
    """A history value as people read it: labels for choices, UK dates, names."""
    if value is None or value == "":
        return NOT_SET
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Model) and hasattr(value, "name"):
        return value.name
    return str(value)


def linked(row, name: str) -> str:
    related_set, attribute = HISTORY_M2M[name]
    references = sorted(
        getattr(link, attribute).reference for link in getattr(row, related_set).all()
    )
    return ", ".join(references) or NOT_SET


def row_changes(row, previous) -> list[Change]:
    """What `row` changed from `previous` (simple_history's diff), each field in words."""
    who, when = name_of(row.history_user), row.history_date
    if previous is None:
        return [Change(when, who, "Created" if row.history_type == "+" else "First recorded")]
    delta = row.diff_against(
        previous, excluded_fields=list(HISTORY_M2M), foreign_keys_are_objs=True
    )
    changes = []
    for change in delta.changes:
        field = Action._meta.get_field(change.field)
        label = field.verbose_name[:1].upper() + field.verbose_name[1:]
        changes.append(
            Change(when, who, label, in_words(field, change.old), in_words(field, change.new))
        )
    for name in HISTORY_M2M:
        old, new = linked(previous, name), linked(row, name)
        if old != new:
            changes.append(Change(when, who, f"Linked {name}", old, new))
    return changes


def change_history(action: Action) -> list[Change]:
    """Every change to the action, newest first, from its history rows (fixed queries)."""
    links = [
        Prefetch(
            related_set,
            queryset=apps.get_model("plans", f"HistoricalAction_{name}").objects.select_related(
                attribute
            ),
        )
        for name, (related_set, attribute) in HISTORY_M2M.items()
    ]
    rows = action.history.select_related(*HISTORY_RELATIONS).prefetch_related(*links)
    by_row, previous = [], None
    for row in rows.order_by("history_date", "history_id"):
        by_row.append(row_changes(row, previous))
        previous = row
    return [change for changes in reversed(by_row) for change in changes]


@require_safe
@login_required
def action_detail(request, pk: int):
    """Everything about one action; links to what the user may do with it."""
    action = get_action_for_view(request.user, pk)
    prefetch_related_objects([request.user], "groups")
    updates = list(
        action.updates.select_related("author").prefetch_related(
            "files",
            Prefetch("assurances", queryset=Assurance.objects.select_related("decided_by")),
        )
    )
    challenges = action.challenges.select_related("raised_by", "responded_by", "update")
    context = {
        "action": action,
        "rag_meaning": RAG(action.rag).meaning,
        "milestones": action.milestones.all(),
        "recommendations": action.recommendations.select_related("source"),
        "risks": action.risks.all(),
        "depends_on": action.dependencies.select_related("plan"),
        "needed_by": action.dependents.select_related("plan"),
        "timeline": timeline(updates, challenges),
        "changes": change_history(action),
        "latest_update": updates[0] if updates else None,
        "arising_from": MeetingAction.objects.select_related("meeting", "minute")
        .filter(promoted_to=action)
        .first(),
        "can_update": can_update_action(request.user, action),
        "can_assure": can_assure(request.user),
        "can_manage": can_manage_plans(request.user),
    }
    return render(request, "plans/action_detail.html", context)

"""The change log (every create, change and delete in the history, newest first, with who
made it and which fields changed), and deleting and restoring an action. These pages are
the secretariat's and administrators' (plans.access.can_manage_plans); others get 403.

The change log does not load the whole history: for a page it asks each history table for
its newest `offset + PAGE_SIZE + 1` rows matching the filters and merges them in Python, then
fetches the previous versions of the rows shown, one query per table. The number of queries
grows with the number of tracked models, not with the number of changes; the page number
is bounded (MAX_PAGES), so the rows read are too.
"""

import heapq
from itertools import islice

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from simple_history.manager import HistoryManager

from biip.listing import page_number
from plans.access import can_manage_plans
from plans.models import Action
from plans.restore import delete_action, deleted_actions, deletion_summary, restore_action

PAGE_SIZE = 50
# Each page reads the newest `offset + PAGE_SIZE + 1` rows of every history table, so the
# pages go back this far (the newest 5,000 changes that match); older ones are reached by
# choosing dates. A larger page number asked for shows this page.
MAX_PAGES = 100
KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def require_manager(user) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat and administrators see this.")


def tracked_models() -> list[type[Model]]:
    """Every model whose changes django-simple-history records, by verbose name."""
    found = [
        model
        for model in apps.get_models()
        if isinstance(getattr(model, "history", None), HistoryManager)
    ]
    return sorted(found, key=lambda model: str(model._meta.verbose_name).lower())


class ChangesFilter(forms.Form):
    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.order_by("username"), required=False, empty_label="All"
    )
    model = forms.ChoiceField(required=False)
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [("", "All")] + [
            (model._meta.label_lower, str(model._meta.verbose_name).capitalize())
            for model in tracked_models()
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data


def _rows(model: type[Model], data: dict, limit: int) -> list:
    history = model.history.model
    relations = []
    for field in history._meta.concrete_fields:
        if field.is_relation and field.name != "history_user":
            # Two levels: a record's name often uses its parent's parent (an assurance's
            # update's action).
            relations.append(field.name)
            relations.extend(
                f"{field.name}__{parent.name}"
                for parent in field.related_model._meta.concrete_fields
                if parent.is_relation and not parent.null
            )
    previous = (
        history.objects.filter(
            **{model._meta.pk.attname: OuterRef(model._meta.pk.attname)},
            history_id__lt=OuterRef("history_id"),
        )
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    rows = history.objects.select_related("history_user", *relations).annotate(
        previous_id=Subquery(previous)
    )
    if data.get("user"):
        rows = rows.filter(history_user=data["user"])
    if data.get("start"):
        rows = rows.filter(history_date__date__gte=data["start"])
    if data.get("end"):
        rows = rows.filter(history_date__date__lte=data["end"])
    rows = rows.order_by("-history_date", "-history_id")[:limit]
    for row in rows:
        row.tracked = model
    return list(rows)


def _live(row):
    """The record as the history row has it, with the related rows the query fetched."""
    obj = row.instance
    for field in row.tracked._meta.concrete_fields:
        if field.is_relation:
            hist_field = row._meta.get_field(field.name)
            if hist_field.is_cached(row):
                field.set_cached_value(obj, hist_field.get_cached_value(row))
    return obj


def _describe(row) -> tuple[str, str]:
    obj = _live(row)
    try:
        label = str(obj)
    except Exception:  # a related row the record names has gone
        label = f"{row.tracked._meta.verbose_name} {obj.pk}"
    url = ""
    if row.history_type != "-" and hasattr(obj, "get_absolute_url"):
        try:
            url = obj.get_absolute_url()
        except Exception:  # pragma: no cover - an address that needs a gone row
            url = ""
    return label, url


def _diff(row, before) -> list[dict]:
    if before is None:
        return []
    changes = []
    for field in row.tracked._meta.concrete_fields:
        if field.primary_key:
            continue
        old, new = getattr(before, field.attname), getattr(row, field.attname)
        if old != new:
            changes.append(
                {
                    "field": str(field.verbose_name).capitalize(),
                    "old": Truncator("" if old is None else str(old)).chars(80),
                    "new": Truncator("" if new is None else str(new)).chars(80),
                }
            )
    return changes


def change_page(data: dict, page: int) -> tuple[list[dict], bool]:
    """The entries of page `page` (from 1) and whether there is a next page."""
    models = tracked_models()
    if data.get("model"):
        models = [model for model in models if model._meta.label_lower == data["model"]]
    offset = (page - 1) * PAGE_SIZE
    limit = offset + PAGE_SIZE + 1
    merged = heapq.merge(
        *(_rows(model, data, limit) for model in models),
        key=lambda row: (row.history_date, row.history_id),
        reverse=True,
    )
    shown = list(islice(merged, offset, limit))
    has_next = len(shown) > PAGE_SIZE
    shown = shown[:PAGE_SIZE]
    wanted: dict[type[Model], list[int]] = {}
    for row in shown:
        if row.history_type == "~" and row.previous_id:
            wanted.setdefault(row.tracked, []).append(row.previous_id)
    before = {
        (model, pk): version
        for model, ids in wanted.items()
        for pk, version in model.history.model.objects.in_bulk(ids).items()
    }
    entries = []
    for row in shown:
        label, url = _describe(row)
        entries.append(
            {
                "row": row,
                "user": row.history_user,
                "model": str(row.tracked._meta.verbose_name).capitalize(),
                "label": label,
                "url": url,
                "kind": KINDS.get(row.history_type, row.history_type),
                "changes": _diff(row, before.get((row.tracked, row.previous_id))),
            }
        )
    return entries, has_next


@require_safe
@login_required
def changes(request):
    require_manager(request.user)
    form = ChangesFilter(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = page_number(request, last=MAX_PAGES)
    entries, has_next = change_page(data, page) if not form.errors else ([], False)
    older_by_date = has_next and page == MAX_PAGES
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "entries": entries,
        "page": page,
        "has_next": has_next and not older_by_date,
        "older_by_date": older_by_date,
        "listed": f"{MAX_PAGES * PAGE_SIZE:,}",
        "query": query.urlencode(),
    }
    return render(request, "plans/changes/changes.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def action_delete(request, pk: int):
    require_manager(request.user)
    action = get_object_or_404(Action.objects.select_related("plan", "lead_officer"), pk=pk)
    if request.method == "POST":
        name = str(action)
        delete_action(user=request.user, action=action)
        messages.success(request, f"Deleted {name}. You can restore it from deleted actions.")
        return redirect("deleted-actions")
    context = {"action": action, "summary": deletion_summary(action)}
    return render(request, "plans/changes/action_delete.html", context)


@require_safe
@login_required
def deleted_action_list(request):
    require_manager(request.user)
    rows = deleted_actions()
    return render(request, "plans/changes/deleted_actions.html", {"rows": rows})


@require_POST
@login_required
def action_restore(request, pk: int):
    require_manager(request.user)
    try:
        action = restore_action(user=request.user, action_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("deleted-actions")
    messages.success(request, f"Restored {action}.")
    return redirect(action.get_absolute_url())

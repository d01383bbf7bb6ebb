"""The action log (every action arising, from every meeting: filtered, sorted, paginated,
exported), the page of one action arising, its owner's update, and its promotion into an
improvement-plan action by the secretariat.

Every signed-in role reads the log and the actions. The owner of an action arising, the
secretariat and administrators update it (meetings.access.can_update_meeting_action);
only the secretariat and administrators promote it. Writes go through meetings.services.
"""

from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from biip.listing import EXPORT_FORMATS, export_response, paginate, query_string
from meetings.access import (
    can_manage_meetings,
    can_update_meeting_action,
    get_meeting_action_for_update,
    get_meeting_action_for_view,
    require_meeting_manager,
)
from meetings.filters import MeetingActionFilter
from meetings.forms.actions import MeetingActionUpdateForm, PromoteForm
from meetings.models import MeetingAction
from meetings.services import promote_meeting_action, update_meeting_action
from meetings.tables import PER_PAGE, MeetingActionTable, status_of
from plans.forms.updates import add_service_errors

LOG_ORDER = ("-meeting__date", "-meeting__start_time", "minute__number", "pk")


@require_safe
@login_required
def action_log(request):
    """Every action arising, latest meeting first, filtered by status, owner and meeting."""
    today = timezone.localdate()
    filterset = MeetingActionFilter(request.GET, request=request, today=today)
    table = MeetingActionTable(filterset.qs.order_by(*LOG_ORDER), today=today)
    table.order_by = request.GET.get("sort")
    export_format = request.GET.get("_export")
    if export_format in EXPORT_FORMATS:
        return export_response(
            table, export_format, filename=f"action-log-{table.today:%Y-%m-%d}", title="Action log"
        )
    paginate(table, request, per_page=PER_PAGE, noun="Actions arising")
    form = filterset.form
    base = reverse("action-log")
    context = {
        "filterset": filterset,
        "form": form,
        "table": table,
        "count": table.paginator.count,
        "selects": [form[name] for name in MeetingActionFilter.SELECTS],
        "exports": [
            (label, base + query_string(request, page=None, _export=key))
            for key, label in EXPORT_FORMATS.items()
        ],
    }
    return render(request, "meetings/actions/action_log.html", context)


def lock(action: MeetingAction) -> None:
    """Lock the action's row for the rest of the transaction, so that the check for
    changes saved since the page was opened and the write cannot be split by another."""
    list(MeetingAction.objects.select_for_update().filter(pk=action.pk).values_list("pk"))


def render_action(request, action: MeetingAction, form=None):
    """The page of an action arising, with the update form when the user may update it
    (bound, with its errors, after a refused update)."""
    can_update = can_update_meeting_action(request.user, action)
    if can_update and form is None:
        form = MeetingActionUpdateForm(instance=action)
    today = timezone.localdate()
    context = {
        "action": action,
        "status": status_of(action, today),
        "form": form if can_update else None,
        "can_promote": can_manage_meetings(request.user) and action.promoted_to_id is None,
    }
    return render(request, "meetings/actions/meeting_action_detail.html", context)


@require_safe
@login_required
def meeting_action_detail(request, pk: int):
    """The action arising: what, from which meeting and minute, who owns it, when it is
    due, where it stands, and the plan action it became; the owner's update form."""
    return render_action(request, get_meeting_action_for_view(request.user, pk))


@require_POST
@login_required
def meeting_action_update(request, pk: int):
    """The owner's (or the secretariat's) update: open or done, and a note. Refused if
    someone saved the action after the page was opened, keeping what the user typed."""
    with transaction.atomic():
        action = get_meeting_action_for_update(request.user, pk)
        lock(action)
        form = MeetingActionUpdateForm(request.POST, instance=copy(action))
        if form.is_valid():
            try:
                update_meeting_action(
                    user=request.user,
                    action=action,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Your update on the action arising is saved.")
                return redirect(reverse("meeting-action", args=[action.pk]))
    return render_action(request, action, form)


@require_http_methods(["GET", "POST"])
@login_required
def meeting_action_promote(request, pk: int):
    """Make the action arising an improvement-plan action (the secretariat's), keeping
    the link both ways; then show the new plan action."""
    require_meeting_manager(request.user)
    action = get_meeting_action_for_view(request.user, pk)
    if action.promoted_to_id is not None:
        messages.info(
            request,
            f"This action arising is already in the improvement plan as "
            f"{action.promoted_to.reference}.",
        )
        return redirect(reverse("meeting-action", args=[action.pk]))
    form = PromoteForm(request.POST if request.method == "POST" else None, action=action)
    if form.is_valid():
        try:
            plan_action = promote_meeting_action(
                user=request.user,
                action=action,
                **form.cleaned_data,
                **carried_over(action, form.cleaned_data["title"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The action arising is now action {plan_action.reference} of "
                f"{plan_action.plan.title}.",
            )
            return redirect(reverse("action", args=[plan_action.pk]))
    context = {"action": action, "form": form}
    return render(request, "meetings/actions/meeting_action_promote.html", context)


def carried_over(action: MeetingAction, title: str) -> dict:
    """What the plan action keeps of the action arising besides the form's fields: its
    publication status (so that nothing withheld becomes public by being promoted), and
    its whole description where the title could not hold it."""
    fields = {
        "publication_status": action.publication_status,
        "exemption_paragraph": action.exemption_paragraph,
        "exemption_review_date": action.exemption_review_date,
    }
    if action.description.strip() != title:
        fields["description"] = action.description
    return fields

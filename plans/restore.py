"""Deleting an action, and restoring a deleted one from the change history.

`delete_action` deletes an action with everything that hangs from it (its milestones, its
updates with their assurances and evidence, its challenges), each row one at a time from
the leaves up so that every delete is in the history with the acting user and the reason
"Deleted with action N", whether the call comes from a request or not. Meeting actions
promoted into it are unlinked (a change in their history); report snapshots keep their
frozen copy (their link to the live action becomes empty, as the database's SET NULL does).
Evidence files stay on disk: nothing deletes them, so a restored action has its files.

`restore_action` puts the action and those rows back as they were when deleted, with the
same primary keys, recorded as created by the restoring user with the reason "Restored":
its recommendation and risk links from the action's last version before the delete, its
meeting actions and snapshot rows re-linked. It refuses (ValidationError) an action that is
not deleted, or whose plan, lead officer or another row it needs no longer exists. The
links between actions (dependencies) have no history and are not restored.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction

from biip.models import Person
from meetings.models import MeetingAction
from plans.access import can_manage_plans
from plans.models import (
    Action,
    Assurance,
    Challenge,
    Evidence,
    ImprovementPlan,
    Milestone,
    ProgressUpdate,
)

RESTORED = "Restored"
# The rows deleted with an action, in the order they are restored (parents first).
CHILDREN: tuple[type[models.Model], ...] = (
    Milestone,
    ProgressUpdate,
    Assurance,
    Evidence,
    Challenge,
)


def deleted_reason(action_id: int) -> str:
    """The change reason on every history row an action's delete writes."""
    return f"Deleted with action {action_id}"


def _require_manager(user: AbstractBaseUser) -> None:
    if not can_manage_plans(user):
        raise PermissionDenied("Only the secretariat deletes and restores actions.")


def _delete(obj: models.Model, user: AbstractBaseUser, reason: str) -> None:
    obj._history_user = user
    obj._change_reason = reason
    obj.delete()


def deletion_summary(action: Action) -> dict[str, int]:
    """How many rows of each kind deleting `action` deletes with it (for the confirmation
    page)."""
    return {
        "milestones": Milestone.objects.filter(action=action).count(),
        "updates": ProgressUpdate.objects.filter(action=action).count(),
        "assurances": Assurance.objects.filter(update__action=action).count(),
        "evidence files": Evidence.objects.filter(update__action=action).count(),
        "challenges": Challenge.objects.filter(action=action).count(),
    }


@transaction.atomic
def delete_action(*, user: AbstractBaseUser, action: Action) -> None:
    """Delete `action` and the rows that depend on it, every delete in the history with
    `user` (see the module's docstring)."""
    _require_manager(user)
    action = Action.objects.select_for_update().get(pk=action.pk)
    reason = deleted_reason(action.pk)
    for meeting_action in MeetingAction.objects.filter(promoted_to=action):
        meeting_action.promoted_to = None
        meeting_action._history_user = user
        meeting_action._change_reason = reason
        meeting_action.save()
    leaves = (
        *Evidence.objects.filter(update__action=action),
        *Assurance.objects.filter(update__action=action),
        *Challenge.objects.filter(action=action),
        *ProgressUpdate.objects.filter(action=action),
        *Milestone.objects.filter(action=action),
    )
    for row in leaves:
        _delete(row, user, reason)
    _delete(action, user, reason)


def _last_version(action_id: int):
    return Action.history.filter(id=action_id).order_by("-history_date", "-history_id").first()


def deleted_actions() -> list:
    """The delete rows (history) of actions that are deleted now, newest first: each
    action's latest version is a delete."""
    latest = (
        Action.history.filter(id=models.OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return list(
        Action.history.filter(history_type="-", history_id=models.Subquery(latest))
        .select_related("history_user", "plan", "lead_officer")
        .order_by("-history_date", "-history_id")
    )


def _put_back(row, user: AbstractBaseUser) -> models.Model:
    """The live row for history row `row`, validated and inserted with its primary key."""
    obj = row.instance
    obj.full_clean(validate_unique=True)
    obj._history_user = user
    obj._change_reason = RESTORED
    obj.save(force_insert=True)
    return obj


@transaction.atomic
def restore_action(*, user: AbstractBaseUser, action_id: int) -> Action:
    """Restore the deleted action `action_id` and the rows deleted with it (see the
    module's docstring)."""
    _require_manager(user)
    deleted = _last_version(action_id)
    if deleted is None or deleted.history_type != "-":
        raise ValidationError("This action is not deleted, so there is nothing to restore.")
    if not ImprovementPlan.objects.filter(pk=deleted.plan_id).exists():
        raise ValidationError("The action's plan no longer exists, so it cannot be restored.")
    if not Person.objects.filter(pk=deleted.lead_officer_id).exists():
        raise ValidationError(
            "The action's lead officer no longer exists, so it cannot be restored."
        )
    try:
        action = _put_back(deleted, user)
    except ValidationError as error:
        raise ValidationError(
            f"The action cannot be restored: {'; '.join(error.messages)}"
        ) from error
    before = (
        Action.history.filter(id=action_id, history_date__lte=deleted.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if before is not None:
        action.recommendations.set(
            [link.recommendation_id for link in before.recommendations.all()]
        )
        action.risks.set([link.risk_id for link in before.risks.all()])
    reason = deleted_reason(action_id)
    for model in CHILDREN:
        rows = model.history.filter(history_type="-", history_change_reason=reason).order_by(
            "history_id"
        )
        for row in rows:
            pk = getattr(row, model._meta.pk.attname)
            if model.objects.filter(pk=pk).exists():
                continue
            try:
                _put_back(row, user)
            except ValidationError as error:
                raise ValidationError(
                    f"The {model._meta.verbose_name} {pk} cannot be restored: "
                    f"{'; '.join(error.messages)}"
                ) from error
    unlinked = MeetingAction.history.filter(
        history_change_reason=reason, history_type="~"
    ).values_list("id", flat=True)
    for meeting_action in MeetingAction.objects.filter(pk__in=unlinked, promoted_to=None):
        meeting_action.promoted_to = action
        meeting_action.full_clean()
        meeting_action._history_user = user
        meeting_action._change_reason = RESTORED
        meeting_action.save()
    _relink_snapshots(action)
    return action


def _relink_snapshots(action: Action) -> None:
    from reports.models import ActionSnapshot

    ActionSnapshot.objects.filter(
        action=None, plan_id=action.plan_id, reference=action.reference
    ).update(action=action)

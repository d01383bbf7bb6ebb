"""Writing a checked spreadsheet into its plan: all rows or none, in one transaction.

New actions are created in bulk, each with its history row naming the importing user.
Actions already in the plan (matched by reference) are saved one by one, and only those
the file changes, so an unchanged action gets no empty history row; its history row names
the importing user and holds its recommendations as they now are.

A conflict (a row for an action changed since the version the file was made from, see
plans.imports.checking) is applied only if the person importing chose it, and only if the
action is still as the check page showed it; any other is skipped, and counted as such.

RAG and progress: on an action already in the plan, a RAG or progress text that differs
is recorded as this month's update by the person importing, "from the file ...", through
plans.services.record_update (the one way an action's RAG moves, with its history and
assurance reset). If this month already has the importer's own update, record_update
revises it (its history keeps the earlier version). If this month's update is someone
else's, the checking step has held the row's RAG and progress back (an officer's update is
never rewritten by a file): a row of which nothing else changes is skipped, and counted so.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from biip.models import RAG
from plans.imports.checking import Outcome, Row, with_import_note
from plans.models import Action, ImprovementPlan, current_period
from plans.services import record_update

BATCH_SIZE = 500
# Checked by the database (and by the checking step), not by full_clean: validating a
# foreign key costs a query for each row.
NOT_CLEANED = ["plan", "theme", "directorate", "lead_officer", "lead_member"]


@dataclass(frozen=True)
class Result:
    created: int
    updated: int
    skipped: int = 0


def apply(
    *,
    plan: ImprovementPlan,
    user: AbstractBaseUser,
    outcome: Outcome,
    file_name: str = "",
    chosen: dict[str, int] | None = None,
) -> Result:
    """Create the outcome's new actions and save its changed ones, as `user`, in one
    transaction. The outcome must have no errors. Of its conflicts, only those `chosen`
    ({reference: the action's version the check page showed}) whose action is still at
    that version are applied; the others are skipped, as are the rows whose monthly update
    is held back and which change nothing else."""
    if outcome.error_count:
        raise ValueError("An import with errors cannot be applied.")
    with transaction.atomic():
        new_actions = []
        for row in outcome.new:
            action = Action(plan=plan, reference=row.reference, **row.values)
            _clean(action)
            new_actions.append(action)
        created = bulk_create_with_history(
            new_actions, Action, batch_size=BATCH_SIZE, default_user=user
        )
        for action, row in zip(created, outcome.new, strict=True):
            if row.recommendation_ids:
                action._history_user = user
                action.recommendations.set(row.recommendation_ids)
        chosen = {reference.lower(): version for reference, version in (chosen or {}).items()}
        applied = [
            row for row in outcome.conflicts if chosen.get(row.reference.lower()) == row.version
        ]
        for row in [*outcome.changed, *applied]:
            _save_row(row, user, file_name)
    return Result(
        created=len(outcome.new),
        updated=len(outcome.changed) + len(applied),
        skipped=len(outcome.conflicts) - len(applied) + outcome.held_only,
    )


def _save_row(row: Row, user: AbstractBaseUser, file_name: str) -> None:
    """The row's monthly update (if it has one), then its other fields."""
    action = row.action
    if row.update is not None:
        record_update(
            user=user,
            action=action,
            period=current_period(),
            rag=row.update["rag"],
            narrative=_narrative(row.update, file_name),
            completed_on=(action.completed_on or timezone.localdate())
            if row.update["rag"] == RAG.BLUE
            else None,
            seen_version=row.version,
        )
        action = Action.objects.get(pk=action.pk)
    if set(row.changed) - {"rag", "progress"}:
        _save_changes(action, row, user)


def _narrative(update: dict[str, str], file_name: str) -> str:
    return with_import_note(
        update["narrative"] or f"RAG {RAG(update['rag']).label}.", file_name or "(unnamed)"
    )


def _save_changes(action: Action, row, user: AbstractBaseUser) -> None:
    """Save one changed action with a single history row: its recommendations are set
    first without one, then the save records the fields and recommendations together."""
    if "recommendations" in row.changed:
        action.skip_history_when_saving = True
        try:
            action.recommendations.set(row.recommendation_ids)
        finally:
            del action.skip_history_when_saving
    for name, value in row.values.items():
        setattr(action, name, value)
    _clean(action)
    action._history_user = user
    action.save()


def _clean(action: Action) -> None:
    """Lengths, choices and the exemption rule (a ValidationError fails the import)."""
    action.full_clean(exclude=NOT_CLEANED, validate_unique=False, validate_constraints=False)

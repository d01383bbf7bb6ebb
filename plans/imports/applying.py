"""Writing a checked spreadsheet into its plan: all rows or none, in one transaction.

New actions are created in bulk, each with its history row naming the importing user.
Actions already in the plan (matched by reference) are saved one by one, and only those
the file changes, so an unchanged action gets no empty history row; its history row names
the importing user and holds its recommendations as they now are.

RAG: a file's RAG column sets the action's RAG where it differs, and nothing else (no
monthly update is created). The monthly update, with its narrative and the panel's
assurance, remains the way an action's RAG is meant to move.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from plans.imports.checking import Outcome
from plans.models import Action, ImprovementPlan

BATCH_SIZE = 500
# Checked by the database (and by the checking step), not by full_clean: validating a
# foreign key costs a query for each row.
NOT_CLEANED = ["plan", "theme", "directorate", "lead_officer", "lead_member"]


@dataclass(frozen=True)
class Result:
    created: int
    updated: int


def apply(*, plan: ImprovementPlan, user: AbstractBaseUser, outcome: Outcome) -> Result:
    """Create the outcome's new actions and save its changed ones, as `user`, in one
    transaction. The outcome must have no errors."""
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
        for row in outcome.changed:
            _save_changes(row.action, row, user)
    return Result(created=len(outcome.new), updated=len(outcome.changed))


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

"""What changed between two datasets (two closed cycles' snapshots, or the last snapshot
and live data): "what changed since last month".

Actions are matched by (plan, reference), risks by reference. Pure functions of the rows:
no queries. Each change keeps the earlier and the later row, so that a public version can
leave it out when either is not public (`split_public` works on changes as on rows).
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format

from biip.models import RAG
from biip.publication import verdict
from reports.data import Dataset
from reports.models import ActionSnapshot, RiskSnapshot

# Better to worse; "not yet rated" is off the scale.
RAG_RANK = {RAG.BLUE: 4, RAG.GREEN: 3, RAG.AMBER: 2, RAG.RED: 1}

BETTER, WORSE, FIRST_RATED, NO_LONGER_RATED = "better", "worse", "first rated", "no longer rated"
UP, DOWN, NEW, CLOSED = "up", "down", "new", "closed"
COMPLETED, GONE = "completed", "gone"


def uk_date(day: datetime.date | None) -> str:
    return date_format(day, "j F Y") if day else "no date"


def label(rag: str) -> str:
    return RAG(rag).label


class Change:
    """What every change offers a public version: its reference and whether both its
    rows (earlier and later, where they exist) are public; if not, the verdict of the one
    withheld, for the reason in words."""

    before: object
    after: object

    @property
    def rows(self) -> list:
        return [row for row in (self.after, self.before) if row is not None]

    @property
    def row(self):
        """The row that decides: the later one that is not public, else the latest."""
        rows = self.rows
        return next((row for row in rows if not row.is_public), rows[0])

    @property
    def reference(self) -> str:
        """Both rows have it (changes pair rows by reference): no verdict is needed."""
        return self.rows[0].reference

    @property
    def is_public(self) -> bool:
        return all(row.is_public for row in self.rows)

    @property
    def publication_verdict(self):
        """For biip.publication: the verdict of the row that decides."""
        return verdict(self.row)


@dataclass(frozen=True)
class RagMove(Change):
    before: ActionSnapshot
    after: ActionSnapshot

    @property
    def direction(self) -> str:
        """ "better", "worse", "first rated" or "no longer rated"."""
        earlier, later = RAG_RANK.get(self.before.rag), RAG_RANK.get(self.after.rag)
        if earlier is None:
            return FIRST_RATED
        if later is None:
            return NO_LONGER_RATED
        return BETTER if later > earlier else WORSE

    def in_words(self) -> str:
        """ "Amber to Green (better)"."""
        return f"{label(self.before.rag)} to {label(self.after.rag)} ({self.direction})"


@dataclass(frozen=True)
class Slippage(Change):
    """The action's due date moved later: revised again, or revised for the first time."""

    before: ActionSnapshot
    after: ActionSnapshot

    @property
    def newly_revised(self) -> bool:
        return self.before.revised_due_date is None

    @property
    def days(self) -> int:
        return (self.after.due_date - self.before.due_date).days

    def in_words(self) -> str:
        """ "Due 31 March 2019, now 30 June 2019 (91 days later)"."""
        days = f"{self.days} day{'' if self.days == 1 else 's'} later"
        return f"Due {uk_date(self.before.due_date)}, now {uk_date(self.after.due_date)} ({days})"


@dataclass(frozen=True)
class NewAction(Change):
    after: ActionSnapshot
    before: None = None


@dataclass(frozen=True)
class ClosedAction(Change):
    """Completed since (after is its later row), or gone from the data (after is None)."""

    before: ActionSnapshot
    after: ActionSnapshot | None = None

    @property
    def how(self) -> str:
        return GONE if self.after is None else COMPLETED

    def in_words(self) -> str:
        if self.after is None:
            return "No longer in the plan"
        if self.after.completed_on:
            return f"Completed on {uk_date(self.after.completed_on)}"
        return "Completed"


@dataclass(frozen=True)
class RiskMove(Change):
    """A risk's residual score up or down, a new risk, or one closed (or gone)."""

    kind: str
    before: RiskSnapshot | None = None
    after: RiskSnapshot | None = None

    @property
    def score_before(self) -> int | None:
        return self.before.residual_score if self.before else None

    @property
    def score_after(self) -> int | None:
        if self.after is None or self.kind == CLOSED:
            return None
        return self.after.residual_score

    def in_words(self) -> str:
        """ "Up from 9 (Medium) to 12 (High)", "New: 16 (High)", "Closed (was 8, Medium)"."""

        def score(row: RiskSnapshot) -> str:
            return f"{row.residual_score} ({row.residual_band.label})"

        if self.kind == NEW:
            return f"New: {score(self.after)}"
        if self.kind == CLOSED:
            gone = "Closed" if self.after is not None else "No longer on the register"
            return f"{gone} (was {score(self.before)})"
        word = "Up" if self.kind == UP else "Down"
        return f"{word} from {score(self.before)} to {score(self.after)}"


@dataclass
class Changes:
    """What changed from `earlier` to `later`, each list sorted by reference."""

    earlier: Dataset
    later: Dataset
    rag_moves: list[RagMove] = field(default_factory=list)
    new_slippage: list[Slippage] = field(default_factory=list)
    new_actions: list[NewAction] = field(default_factory=list)
    closed_actions: list[ClosedAction] = field(default_factory=list)
    risk_moves: list[RiskMove] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.rag_moves
            or self.new_slippage
            or self.new_actions
            or self.closed_actions
            or self.risk_moves
        )

    def moves(self, direction: str) -> list[RagMove]:
        return [move for move in self.rag_moves if move.direction == direction]

    def risks(self, kind: str) -> list[RiskMove]:
        return [move for move in self.risk_moves if move.kind == kind]


def action_key(row: ActionSnapshot) -> tuple:
    return (row.plan_id, row.reference)


def by_reference(change: Change) -> tuple:
    row = change.after or change.before
    return (row.reference, getattr(row, "plan_id", 0))


def compare_actions(earlier: list[ActionSnapshot], later: list[ActionSnapshot]) -> dict:
    before = {action_key(row): row for row in earlier}
    after = {action_key(row): row for row in later}
    moves, slips, new, closed = [], [], [], []
    for key, now in after.items():
        then = before.get(key)
        if then is None:
            new.append(NewAction(after=now))
            continue
        if then.rag != now.rag:
            moves.append(RagMove(then, now))
        if now.revised_due_date is not None and now.due_date > then.due_date:
            slips.append(Slippage(then, now))
        if now.is_complete and not then.is_complete:
            closed.append(ClosedAction(then, now))
    closed += [ClosedAction(then) for key, then in before.items() if key not in after]
    return {
        "rag_moves": sorted(moves, key=by_reference),
        "new_slippage": sorted(slips, key=by_reference),
        "new_actions": sorted(new, key=by_reference),
        "closed_actions": sorted(closed, key=by_reference),
    }


def compare_risks(earlier: list[RiskSnapshot], later: list[RiskSnapshot]) -> list[RiskMove]:
    def is_open(row: RiskSnapshot) -> bool:
        return row.status != "closed"

    before = {row.reference: row for row in earlier}
    after = {row.reference: row for row in later}
    moves = []
    for reference, now in after.items():
        then = before.get(reference)
        if then is None or not is_open(then):
            if is_open(now):
                moves.append(RiskMove(NEW, then, now))
        elif not is_open(now):
            moves.append(RiskMove(CLOSED, then, now))
        elif now.residual_score != then.residual_score:
            kind = UP if now.residual_score > then.residual_score else DOWN
            moves.append(RiskMove(kind, then, now))
    moves += [
        RiskMove(CLOSED, then, None)
        for reference, then in before.items()
        if reference not in after and is_open(then)
    ]
    return sorted(moves, key=by_reference)


def compare(earlier: Dataset, later: Dataset) -> Changes:
    """What changed from the earlier dataset to the later one: RAG moves, new slippage,
    new and closed actions, and risks' residual scores moving, new and closed."""
    return Changes(
        earlier,
        later,
        **compare_actions(earlier.actions, later.actions),
        risk_moves=compare_risks(earlier.risks, later.risks),
    )

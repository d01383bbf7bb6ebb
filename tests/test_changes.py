"""reports.changes.compare: what changed between two datasets, from the rows alone (no
database): RAG moves with their direction, new slippage, new and closed actions, risks'
residual scores moving, new and closed; each list sorted by reference."""

import datetime

from django.test import SimpleTestCase
from django.utils import timezone

from biip.models import RAG, PublicationStatus, Schedule12AParagraph
from reports.changes import (
    BETTER,
    CLOSED,
    DOWN,
    FIRST_RATED,
    NEW,
    NO_LONGER_RATED,
    UP,
    WORSE,
    compare,
)
from reports.data import Dataset
from reports.models import ActionSnapshot, RiskSnapshot
from reports.publication import split_public

MARCH = datetime.date(2019, 3, 31)
JUNE = datetime.date(2019, 6, 30)
SEPTEMBER = datetime.date(2019, 9, 30)


def action(reference, rag=RAG.GREEN, plan_id=1, **fields) -> ActionSnapshot:
    fields = {"original_due_date": MARCH, "title": f"Action {reference}", **fields}
    return ActionSnapshot(plan_id=plan_id, reference=reference, rag=rag, **fields)


def risk(reference, likelihood=3, impact=3, status="open", **fields) -> RiskSnapshot:
    return RiskSnapshot(
        reference=reference,
        title=f"Risk {reference}",
        residual_likelihood=likelihood,
        residual_impact=impact,
        status=status,
        **fields,
    )


def dataset(actions=(), risks=()) -> Dataset:
    return Dataset(as_at=timezone.now(), actions=list(actions), risks=list(risks))


class RagMoves(SimpleTestCase):
    def test_moves_and_their_direction_in_words(self):
        earlier = dataset(
            [
                action("A-3", RAG.AMBER),
                action("A-1", RAG.GREEN),
                action("A-2", RAG.RED),
                action("A-4", RAG.GREEN),
                action("A-5", RAG.NOT_RATED),
                action("A-6", RAG.AMBER),
            ]
        )
        later = dataset(
            [
                action("A-1", RAG.AMBER),
                action("A-2", RAG.GREEN),
                action("A-3", RAG.BLUE, completed_on=JUNE),
                action("A-4", RAG.GREEN),
                action("A-5", RAG.RED),
                action("A-6", RAG.NOT_RATED),
            ]
        )
        moves = compare(earlier, later).rag_moves
        self.assertEqual(
            [(m.reference, m.direction) for m in moves],
            [
                ("A-1", WORSE),
                ("A-2", BETTER),
                ("A-3", BETTER),
                ("A-5", FIRST_RATED),
                ("A-6", NO_LONGER_RATED),
            ],
        )
        self.assertEqual(moves[0].in_words(), "Green to Amber (worse)")
        self.assertEqual(moves[2].in_words(), "Amber to Blue (better)")
        self.assertEqual(moves[3].in_words(), "Not yet rated to Red (first rated)")
        self.assertEqual((moves[1].before.rag, moves[1].after.rag), (RAG.RED, RAG.GREEN))

    def test_the_scale_runs_blue_green_amber_red(self):
        order = [RAG.BLUE, RAG.GREEN, RAG.AMBER, RAG.RED]
        for better, worse in zip(order, order[1:], strict=False):
            with self.subTest(better=better, worse=worse):
                changes = compare(dataset([action("A", worse)]), dataset([action("A", better)]))
                self.assertEqual(changes.rag_moves[0].direction, BETTER)
                changes = compare(dataset([action("A", better)]), dataset([action("A", worse)]))
                self.assertEqual(changes.rag_moves[0].direction, WORSE)

    def test_actions_match_by_plan_and_reference(self):
        earlier = dataset([action("A-1", RAG.GREEN, plan_id=1), action("A-1", RAG.RED, plan_id=2)])
        later = dataset([action("A-1", RAG.GREEN, plan_id=1), action("A-1", RAG.RED, plan_id=2)])
        changes = compare(earlier, later)
        self.assertTrue(changes.is_empty)
        swapped = dataset([action("A-1", RAG.RED, plan_id=1), action("A-1", RAG.GREEN, plan_id=2)])
        moves = compare(earlier, swapped).rag_moves
        self.assertEqual([(m.after.plan_id, m.direction) for m in moves], [(1, WORSE), (2, BETTER)])
        self.assertEqual(compare(earlier, swapped).moves(WORSE), moves[:1])


class NewSlippage(SimpleTestCase):
    def test_newly_revised_or_revised_later(self):
        earlier = dataset(
            [
                action("A-1"),
                action("A-2", revised_due_date=JUNE),
                action("A-3", revised_due_date=JUNE),
                action("A-4", revised_due_date=JUNE),
                action("A-5"),
            ]
        )
        later = dataset(
            [
                action("A-1", revised_due_date=JUNE),  # newly revised, later
                action("A-2", revised_due_date=SEPTEMBER),  # revised again, later
                action("A-3", revised_due_date=JUNE),  # unchanged
                action("A-4", revised_due_date=MARCH - datetime.timedelta(days=30)),  # earlier
                action("A-5", revised_due_date=MARCH - datetime.timedelta(days=1)),  # earlier
            ]
        )
        slips = compare(earlier, later).new_slippage
        self.assertEqual(
            [(s.reference, s.newly_revised, s.days) for s in slips],
            [
                ("A-1", True, 91),
                ("A-2", False, 92),
            ],
        )
        self.assertEqual(slips[0].in_words(), "Due 31 March 2019, now 30 June 2019 (91 days later)")


class NewAndClosedActions(SimpleTestCase):
    def test_new_completed_and_gone(self):
        earlier = dataset(
            [
                action("A-2", RAG.GREEN),
                action("A-1", RAG.AMBER),
                action("A-3", RAG.BLUE, completed_on=MARCH),
                action("A-4", RAG.GREEN),
            ]
        )
        later = dataset(
            [
                action("A-1", RAG.BLUE, completed_on=JUNE),
                action("A-3", RAG.BLUE, completed_on=MARCH),  # complete already
                action("A-4", RAG.GREEN, completed_on=JUNE),  # completed, not yet blue
                action("A-6", RAG.NOT_RATED),
                action("A-5", RAG.GREEN),
            ]
        )
        changes = compare(earlier, later)
        self.assertEqual([n.reference for n in changes.new_actions], ["A-5", "A-6"])
        self.assertEqual(
            [(c.reference, c.how, c.in_words()) for c in changes.closed_actions],
            [
                ("A-1", "completed", "Completed on 30 June 2019"),
                ("A-2", "gone", "No longer in the plan"),
                ("A-4", "completed", "Completed on 30 June 2019"),
            ],
        )
        self.assertIsNone(changes.closed_actions[1].after)


class RiskMoves(SimpleTestCase):
    def test_scores_up_and_down_new_and_closed(self):
        earlier = dataset(
            risks=[
                risk("SR-01", 3, 3),
                risk("SR-02", 4, 4),
                risk("SR-03", 2, 2),
                risk("SR-04", 3, 4),
                risk("SR-05", 2, 3),
                risk("SR-07", 2, 2, status="closed"),
            ]
        )
        later = dataset(
            risks=[
                risk("SR-01", 3, 4),  # up
                risk("SR-02", 3, 4),  # down
                risk("SR-03", 2, 2),  # unchanged
                risk("SR-04", 3, 4, status="closed"),  # closed
                risk("SR-06", 4, 4),  # new
                risk("SR-07", 2, 2, status="closed"),  # closed already
            ]
        )  # SR-05 gone from the register
        moves = compare(earlier, later).risk_moves
        self.assertEqual(
            [(m.reference, m.kind, m.score_before, m.score_after) for m in moves],
            [
                ("SR-01", UP, 9, 12),
                ("SR-02", DOWN, 16, 12),
                ("SR-04", CLOSED, 12, None),
                ("SR-05", CLOSED, 6, None),
                ("SR-06", NEW, None, 16),
            ],
        )
        self.assertEqual(
            [m.in_words() for m in moves],
            [
                "Up from 9 (Medium) to 12 (High)",
                "Down from 16 (High) to 12 (High)",
                "Closed (was 12 (High))",
                "No longer on the register (was 6 (Medium))",
                "New: 16 (High)",
            ],
        )

    def test_a_reopened_risk_is_new_again(self):
        earlier = dataset(risks=[risk("SR-01", status="closed")])
        later = dataset(risks=[risk("SR-01")])
        self.assertEqual([m.kind for m in compare(earlier, later).risk_moves], [NEW])


class PublicVersions(SimpleTestCase):
    def test_a_change_is_public_only_if_both_its_rows_are(self):
        exempt = {
            "publication_status": PublicationStatus.EXEMPT,
            "exemption_paragraph": Schedule12AParagraph.LABOUR_RELATIONS,
        }
        earlier = dataset([action("A-1", RAG.GREEN, **exempt), action("A-2", RAG.GREEN)])
        later = dataset(
            [
                action("A-1", RAG.AMBER),
                action("A-2", RAG.RED, publication_status=PublicationStatus.CONFIDENTIAL),
                action("A-3", RAG.RED),
            ]
        )
        changes = compare(earlier, later)
        shown, withheld = split_public(changes.rag_moves, public=True)
        self.assertEqual(shown, [])
        self.assertEqual([w.reference for w in withheld], ["A-1", "A-2"])
        self.assertIn("paragraph 4 of Schedule 12A", withheld[0].reason)
        self.assertEqual(withheld[1].reason, "Confidential")
        shown, withheld = split_public(changes.new_actions, public=True)
        self.assertEqual(([n.reference for n in shown], withheld), (["A-3"], []))
        shown, _ = split_public(changes.rag_moves, public=False)
        self.assertEqual(len(shown), 2)


class NothingChanged(SimpleTestCase):
    def test_the_same_rows_give_no_changes(self):
        rows = [action("A-1", RAG.AMBER, revised_due_date=JUNE)]
        risks = [risk("SR-01")]
        changes = compare(dataset(rows, risks), dataset(rows, risks))
        self.assertTrue(changes.is_empty)

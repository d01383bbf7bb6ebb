"""plans.risks: scores with their bands' words, the key of the bands (from the one
definition in plans.models), money, the score history from history rows, movement since
the last closed cycle and the heat map's geometry."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.test import SimpleTestCase
from django.utils import timezone

from plans.models import BAND_FLOORS, Cycle, Risk, RiskBand, band_of, band_range
from plans.risks import (
    BAND_STYLES,
    POSSIBLE_SCORES,
    Direction,
    Movement,
    Score,
    band_key,
    by_direction,
    heat_map,
    money,
    movements,
    score_history,
    score_of,
    scores_then,
    summarise,
)
from tests.base import RolesTestCase
from tests.factories import make_risk


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def fake_risk(reference: str, pk: int) -> SimpleNamespace:
    return SimpleNamespace(reference=reference, pk=pk)


def history_row(when, history_id, inherent=(4, 5), residual=(3, 4), target=(2, 3)):
    return SimpleNamespace(
        history_date=when,
        history_id=history_id,
        inherent_likelihood=inherent[0],
        inherent_impact=inherent[1],
        residual_likelihood=residual[0],
        residual_impact=residual[1],
        target_likelihood=target[0],
        target_impact=target[1],
    )


class Scores(SimpleTestCase):
    def test_a_score_is_likelihood_times_impact_with_its_band(self):
        score = Score(4, 3)
        self.assertEqual(score.value, 12)
        self.assertEqual(score.band, RiskBand.HIGH)
        self.assertEqual(score.word, "High")
        self.assertEqual(score.short, "High 12")
        self.assertEqual(str(score), "High 12 (4 × 3)")

    def test_the_band_is_the_models_band_for_every_cell(self):
        for likelihood in range(1, 6):
            for impact in range(1, 6):
                score = Score(likelihood, impact)
                self.assertEqual(score.band, band_of(likelihood * impact))

    def test_each_band_has_its_own_tag_and_fill(self):
        self.assertEqual(set(BAND_STYLES), set(RiskBand))
        self.assertEqual(len({style.tag_class for style in BAND_STYLES.values()}), 4)
        self.assertEqual(len({style.fill for style in BAND_STYLES.values()}), 4)
        self.assertEqual(Score(5, 5).tag_class, "govuk-tag--red")
        self.assertEqual(Score(1, 1).tag_class, "govuk-tag--green")

    def test_score_of_reads_the_kind_asked_for(self):
        record = history_row(None, 1)
        self.assertEqual(score_of(record), Score(3, 4))
        self.assertEqual(score_of(record, "inherent"), Score(4, 5))
        self.assertEqual(score_of(record, "target"), Score(2, 3))


class Key(SimpleTestCase):
    def test_the_key_runs_low_to_very_high_with_the_possible_scores(self):
        key = band_key()
        self.assertEqual([entry.band for entry in key], [band for _, band in BAND_FLOORS][::-1])
        self.assertEqual(
            [(entry.word, entry.range_text) for entry in key],
            [
                ("Low", "1 to 4"),
                ("Medium", "5 to 9"),
                ("High", "10 to 16"),
                ("Very high", "20 to 25"),
            ],
        )

    def test_the_key_follows_the_one_definition(self):
        for entry in band_key():
            low, high = band_range(entry.band)
            self.assertLessEqual(low, entry.low)
            self.assertGreaterEqual(high, entry.high)
            self.assertEqual(band_of(entry.low), entry.band)
            self.assertEqual(band_of(entry.high), entry.band)
            self.assertIn(entry.low, POSSIBLE_SCORES)
            self.assertIn(entry.high, POSSIBLE_SCORES)

    def test_every_possible_score_is_in_one_entry(self):
        for score in POSSIBLE_SCORES:
            entries = [entry for entry in band_key() if entry.low <= score <= entry.high]
            self.assertEqual(len(entries), 1, score)


class Money(SimpleTestCase):
    def test_pounds_with_thousands_separators(self):
        self.assertEqual(money(Decimal("30000000.00")), "£30,000,000")
        self.assertEqual(money(Decimal("750000.50")), "£750,000.50")
        self.assertEqual(money(Decimal("0")), "£0")
        self.assertEqual(money(None), "Not assessed")


class History(SimpleTestCase):
    def test_one_point_for_the_first_version_and_each_day_a_score_changed(self):
        rows = [
            history_row(aware(2019, 3, 1, 9), 3, residual=(2, 4)),
            history_row(aware(2018, 9, 3, 9), 1),
            history_row(aware(2018, 12, 1, 9), 2),  # no score changed: no point
        ]
        points = score_history(rows)
        self.assertEqual(
            [(p.day, p.inherent, p.residual, p.target) for p in points],
            [
                (datetime.date(2018, 9, 3), 20, 12, 6),
                (datetime.date(2019, 3, 1), 20, 8, 6),
            ],
        )
        self.assertEqual(points[0].label, "3 Sep 2018")

    def test_a_day_with_several_changes_shows_its_last(self):
        rows = [
            history_row(aware(2019, 3, 1, 9), 1),
            history_row(aware(2019, 3, 1, 10), 2, residual=(5, 5)),
            history_row(aware(2019, 3, 1, 11), 3, residual=(1, 1)),
        ]
        points = score_history(rows)
        self.assertEqual([p.residual for p in points], [1])

    def test_days_are_london_days(self):
        # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
        moment = datetime.datetime(2019, 6, 30, 23, 30, tzinfo=datetime.UTC)
        points = score_history([history_row(moment, 1)])
        self.assertEqual(points[0].day, datetime.date(2019, 7, 1))

    def test_no_rows_no_points(self):
        self.assertEqual(score_history([]), [])


class Directions(SimpleTestCase):
    def move(self, before, after) -> Movement:
        return Movement(fake_risk("R", 1), before, after)

    def test_up_down_no_change_new(self):
        self.assertEqual(self.move(Score(2, 2), Score(3, 3)).direction, Direction.UP)
        self.assertEqual(self.move(Score(3, 3), Score(2, 2)).direction, Direction.DOWN)
        self.assertEqual(self.move(Score(3, 3), Score(3, 3)).direction, Direction.SAME)
        self.assertEqual(self.move(None, Score(3, 3)).direction, Direction.NEW)
        self.assertEqual(
            [Direction.UP, Direction.DOWN, Direction.SAME, Direction.NEW],
            ["Up", "Down", "No change", "New"],
        )

    def test_the_same_score_in_another_cell_moved_with_no_change(self):
        move = self.move(Score(4, 3), Score(3, 4))
        self.assertEqual(move.direction, Direction.SAME)
        self.assertTrue(move.moved)
        self.assertFalse(self.move(Score(3, 4), Score(3, 4)).moved)
        self.assertFalse(self.move(None, Score(3, 4)).moved)

    def test_words(self):
        self.assertEqual(
            self.move(Score(4, 5), Score(3, 5)).words,
            "Down: from Very high 20 (4 × 5) to High 15 (3 × 5)",
        )
        self.assertEqual(self.move(Score(3, 5), Score(3, 5)).words, "No movement: High 15 (3 × 5)")
        self.assertEqual(self.move(None, Score(1, 2)).words, "New since then: now Low 2 (1 × 2)")

    def test_movements_match_risks_to_their_earlier_scores(self):
        risks = [
            SimpleNamespace(pk=1, residual_likelihood=2, residual_impact=2),
            SimpleNamespace(pk=2, residual_likelihood=5, residual_impact=5),
        ]
        moves = movements(risks, {1: Score(4, 4)})
        self.assertEqual([m.direction for m in moves], [Direction.DOWN, Direction.NEW])

    def test_summary_and_order(self):
        moves = [
            Movement(fake_risk("A", 1), Score(3, 3), Score(3, 3)),
            Movement(fake_risk("B", 2), None, Score(2, 2)),
            Movement(fake_risk("C", 3), Score(3, 3), Score(2, 2)),
            Movement(fake_risk("D", 4), Score(2, 2), Score(3, 3)),
            Movement(fake_risk("E", 5), Score(2, 2), Score(5, 5)),
        ]
        summary = summarise(moves)
        self.assertEqual((summary.up, summary.down, summary.same, summary.new), (2, 1, 1, 1))
        self.assertEqual(
            [move.risk.reference for move in by_direction(moves)], ["E", "D", "C", "B", "A"]
        )


class HeatMapGeometry(SimpleTestCase):
    def moves(self):
        return [
            Movement(fake_risk("A", 1), Score(4, 5), Score(3, 5)),  # left one cell
            Movement(fake_risk("B", 2), Score(3, 5), Score(3, 5)),
            Movement(fake_risk("C", 3), Score(2, 2), Score(3, 5)),  # up and right
            Movement(fake_risk("D", 4), None, Score(1, 1)),
        ]

    def test_twenty_five_cells_impact_up_likelihood_across(self):
        chart = heat_map([])
        self.assertEqual(len(chart.cells), 25)
        rows = chart.rows
        self.assertEqual([cell.score.cell for cell in rows[0]], [(n, 5) for n in range(1, 6)])
        self.assertEqual([cell.score.cell for cell in rows[-1]], [(n, 1) for n in range(1, 6)])
        top_left, bottom_right = rows[0][0], rows[-1][-1]
        self.assertLess(top_left.x, bottom_right.x)
        self.assertLess(top_left.y, bottom_right.y)  # impact 5 at the top of the page
        self.assertEqual([tick.text for tick in chart.x_ticks], ["1", "2", "3", "4", "5"])
        self.assertGreater(chart.y_ticks[0].y, chart.y_ticks[-1].y)  # 1 at the bottom

    def test_risks_sit_in_their_cell_now_with_a_link_and_a_named_band(self):
        chart = heat_map(self.moves(), url_of=lambda score: f"/risks/?l={score.likelihood}")
        cells = {cell.score.cell: cell for cell in chart.cells}
        self.assertEqual([r.reference for r in cells[3, 5].risks], ["A", "B", "C"])
        self.assertEqual(cells[3, 5].url, "/risks/?l=3")
        self.assertEqual(cells[4, 5].url, "")  # no risks, no link
        self.assertEqual(
            cells[3, 5].label, "3 High 15: 3 risks at likelihood 3, impact 5: High (score 15)"
        )
        self.assertEqual(
            cells[5, 5].label, "Likelihood 5, impact 5: Very high (score 25), no risks"
        )
        self.assertEqual(
            cells[1, 1].label, "1 Low 1: 1 risk at likelihood 1, impact 1: Low (score 1)"
        )
        self.assertEqual([cell.score.cell for cell in chart.occupied], [(3, 5), (1, 1)])

    def test_an_arrow_from_the_previous_cell_to_the_current_one(self):
        chart = heat_map(self.moves())
        cells = {cell.score.cell: cell for cell in chart.cells}
        self.assertEqual([arrow.movement.risk.reference for arrow in chart.arrows], ["A", "C"])
        left = chart.arrows[0]
        self.assertGreater(left.x1, left.x2)  # moved left: lower likelihood
        self.assertLess(abs(left.y1 - cells[4, 5].centre_y), 10)
        self.assertGreater(left.x1, cells[4, 5].x)  # starts in the old cell
        self.assertLess(left.x2, cells[3, 5].x + cells[3, 5].width)  # ends in the new one
        up = chart.arrows[1]
        self.assertLess(up.x1, up.x2)  # right
        self.assertGreater(up.y1, up.y2)  # and up the page
        self.assertIn("C Up: from Low 4 (2 × 2) to High 15 (3 × 5)", up.title)

    def test_arrows_along_one_path_or_back_along_it_are_apart(self):
        moves = [
            Movement(fake_risk("A", 1), Score(4, 5), Score(3, 5)),
            Movement(fake_risk("B", 2), Score(4, 5), Score(3, 5)),
            Movement(fake_risk("C", 3), Score(3, 5), Score(4, 5)),
        ]
        ys = [arrow.y1 for arrow in heat_map(moves).arrows]
        self.assertEqual(len(set(ys)), 3)

    def test_the_map_of_one_risk_marks_then_and_now(self):
        move = Movement(fake_risk("A", 1), Score(4, 5), Score(3, 5))
        chart = heat_map([move], mark=True, cell_width=52, cell_height=40)
        cells = {cell.score.cell: cell for cell in chart.cells}
        marks = [(mark.x, mark.y, mark.now) for mark in chart.marks]
        self.assertEqual(
            marks,
            [
                (cells[3, 5].centre_x, cells[3, 5].centre_y, True),
                (cells[4, 5].centre_x, cells[4, 5].centre_y, False),
            ],
        )
        arrow = chart.arrows[0]
        self.assertEqual(arrow.y1, arrow.y2)  # centre to centre, no offset
        unmoved = heat_map([Movement(fake_risk("A", 1), Score(3, 5), Score(3, 5))], mark=True)
        self.assertEqual([mark.now for mark in unmoved.marks], [True])
        self.assertEqual(unmoved.arrows, [])


class SinceTheLastCycle(RolesTestCase):
    """SR-1 3 x 4 at the October cycle's close, 2 x 4 since November. SR-2 created after
    the close. SR-3 unchanged."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.closed = aware(2019, 10, 25, 17)
        Cycle.objects.create(
            period=datetime.date(2019, 9, 1),
            opens_on=datetime.date(2019, 9, 11),
            deadline=datetime.date(2019, 9, 22),
            closed_at=aware(2019, 9, 25, 17),
        )
        cls.cycle = Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=cls.closed,
        )
        Cycle.objects.create(
            period=datetime.date(2019, 11, 1),
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.changed = make_risk(reference="SR-1", residual_likelihood=3, residual_impact=4)
        cls.changed.history.update(history_date=aware(2019, 1, 1, 9))
        cls.changed.residual_likelihood = 2
        cls.changed._history_date = aware(2019, 11, 5, 9)
        cls.changed.save()
        cls.new = make_risk(reference="SR-2")
        cls.new.history.update(history_date=aware(2019, 11, 6, 9))
        cls.same = make_risk(reference="SR-3", inherent_likelihood=5, inherent_impact=5)
        cls.same.history.update(history_date=aware(2019, 1, 1, 9))

    def test_the_last_closed_cycle_is_the_latest_closed(self):
        self.assertEqual(Cycle.objects.latest_closed(), self.cycle)

    def test_no_closed_cycle_no_earlier_scores(self):
        Cycle.objects.update(closed_at=None)
        self.assertIsNone(Cycle.objects.latest_closed())
        self.assertEqual(scores_then(None), {})

    def test_scores_when_the_cycle_closed(self):
        then = scores_then(self.cycle)
        self.assertEqual(then, {self.changed.pk: Score(3, 4), self.same.pk: Score(3, 4)})
        self.assertEqual(scores_then(self.cycle, "inherent")[self.same.pk], Score(5, 5))
        self.assertEqual(scores_then(self.cycle, risk=self.same), {self.same.pk: Score(3, 4)})

    def test_movements_since_then(self):
        moves = movements(Risk.objects.order_by("reference"), scores_then(self.cycle))
        self.assertEqual(
            [(m.risk.reference, m.direction) for m in moves],
            [("SR-1", Direction.DOWN), ("SR-2", Direction.NEW), ("SR-3", Direction.SAME)],
        )

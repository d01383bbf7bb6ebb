"""reports.snapshots: closing a cycle freezes its snapshot (live data for the current
cycle, the end of its month's data for a straggler), snapshot_cycle for cycles closed in
the past, who may close, and which cycle is current (stragglers left out)."""

import datetime
import io

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from biip.dashboard import Moment, cycle_at
from biip.models import RAG
from meetings.models import MeetingAction
from plans.models import Cycle, IndicatorValue, Recommendation, Source
from reports.data import freeze
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    RecommendationSnapshot,
    RiskSnapshot,
    Snapshot,
)
from reports.snapshots import (
    as_at_in_words,
    close_cycle,
    closed_in_words,
    closing_preview,
    cycle_rows,
    end_of_month,
    freeze_moment,
    snapshot_cycle,
)
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_cycle,
    make_indicator,
    make_indicator_value,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_recommendation,
    make_risk,
    make_source,
    make_update,
)

JANUARY = datetime.date(2019, 1, 1)
FEBRUARY = datetime.date(2019, 2, 1)
MARCH = datetime.date(2019, 3, 1)


def moment(year, month, day, hour=12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def backdate(obj, when: datetime.datetime) -> None:
    """Date every history row of `obj` so far at `when`."""
    obj.history.update(history_date=when)


def change(obj, when: datetime.datetime, **fields) -> None:
    """Save a change to `obj` with its history row dated `when`."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_date = when
    obj.save()
    del obj._history_date


class SnapshotCase(RolesTestCase):
    """One of each: an action (amber in January, red since 10 February 2019), a risk
    (3 x 4, then 4 x 4), an indicator with two values, an action arising and an
    external-audit recommendation, all recorded in January 2019."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        january = moment(2019, 1, 10)
        february = moment(2019, 2, 10)
        cls.plan = make_plan(is_current=True)
        cls.action = make_action(plan=cls.plan, reference="IP-01", rag=RAG.AMBER)
        update = make_update(cls.action, cls.olivia, period=JANUARY, narrative="Slow start.")
        cls.risk = make_risk(reference="SR-01")
        cls.indicator = make_indicator(code="FIN-01", name="Forecast overspend")
        make_indicator_value(cls.indicator, period=JANUARY, value="28.0", label="M9")
        meeting = make_meeting()
        minute = make_minute(make_agenda_item(meeting))
        cls.arising = make_meeting_action(minute, cls.olivia.person)
        make_recommendation(make_source(), reference="EA-1")
        for obj in (cls.plan, cls.action, update, cls.risk, cls.indicator):
            backdate(obj, january)
        for model in (IndicatorValue, MeetingAction, Recommendation, Source):
            model.history.update(history_date=january)
        change(cls.action, february, rag=RAG.RED)
        change(cls.risk, february, residual_likelihood=4)
        later = make_indicator_value(cls.indicator, period=FEBRUARY, value="20.5", label="M10")
        backdate(later, february)
        cls.january = make_cycle(JANUARY)
        cls.february = make_cycle(FEBRUARY)


class ClosingTheCurrentCycle(SnapshotCase):
    def test_the_live_data_is_frozen(self):
        before = timezone.now()
        snapshot = close_cycle(cycle=self.january, user=self.sam)
        self.january.refresh_from_db()
        self.assertEqual(self.january.closed_by, self.sam)
        self.assertGreaterEqual(self.january.closed_at, before)
        self.assertEqual(snapshot.cycle, self.january)
        self.assertEqual(snapshot.taken_by, self.sam)
        self.assertEqual(snapshot.taken_at, self.january.closed_at)
        self.assertEqual(snapshot.as_at, self.january.closed_at)
        row = snapshot.actions.get()
        self.assertEqual(
            (row.reference, row.rag, row.plan, row.narrative, row.lead_officer),
            ("IP-01", RAG.RED, self.plan, "Slow start.", self.action.lead_officer.name),
        )
        self.assertEqual(snapshot.risks.get().residual_score, 16)
        self.assertEqual(
            [(str(r.value), r.label) for r in snapshot.indicators.all()],
            [("28.00", "M9"), ("20.50", "M10")],
        )
        self.assertEqual(snapshot.meeting_actions.get().meeting_action, self.arising)
        self.assertEqual(snapshot.recommendations.get().reference, "EA-1")

    def test_the_cycle_change_is_recorded_as_by_the_user(self):
        close_cycle(cycle=self.january, user=self.sam)
        record = self.january.history.latest()
        self.assertEqual((record.history_user, record.closed_by), (self.sam, self.sam))
        self.assertEqual(Snapshot.history.get().history_user, self.sam)

    def test_a_later_cycle_is_frozen_live_too(self):
        self.assertIsNone(freeze_moment(self.february, timezone.now()))
        snapshot = close_cycle(cycle=self.february, user=self.alex)
        self.assertEqual(snapshot.actions.get().rag, RAG.RED)
        # January, left open before a closed cycle, is a straggler, not current.
        self.assertIsNone(Cycle.objects.current())

    def test_a_closed_cycle_is_refused_and_nothing_changes(self):
        close_cycle(cycle=self.january, user=self.sam)
        closed_at = Cycle.objects.get(pk=self.january.pk).closed_at
        with self.assertRaisesMessage(ValidationError, "The January 2019 cycle is already closed"):
            close_cycle(cycle=self.january, user=self.alex)
        self.january.refresh_from_db()
        self.assertEqual((self.january.closed_at, self.january.closed_by), (closed_at, self.sam))
        self.assertEqual(Snapshot.objects.count(), 1)
        self.assertEqual(ActionSnapshot.objects.count(), 1)

    def test_officers_and_the_panel_may_not_close(self):
        for user in (self.olivia, self.oscar, self.pat):
            with self.subTest(user=user.username), self.assertRaises(PermissionDenied):
                close_cycle(cycle=self.january, user=user)
        self.assertTrue(Cycle.objects.get(pk=self.january.pk).is_open)
        self.assertFalse(Snapshot.objects.exists())

    def test_the_queries_do_not_grow_with_the_rows(self):
        def queries_to_close(cycle) -> int:
            with CaptureQueriesContext(connection) as captured:
                close_cycle(cycle=cycle, user=self.sam)
            return len(captured)

        for n in range(5):
            make_action(plan=self.plan, reference=f"IP-1{n}")
            make_risk(reference=f"SR-1{n}")
        few = queries_to_close(self.january)
        for n in range(30):
            make_action(plan=self.plan, reference=f"IP-2{n}")
            make_risk(reference=f"SR-2{n}")
            make_indicator_value(
                self.indicator, period=datetime.date(2016 + n // 12, n % 12 + 1, 1)
            )
        self.assertEqual(queries_to_close(self.february), few)
        self.assertEqual(Snapshot.objects.get(cycle=self.february).actions.count(), 36)


class ClosingAStraggler(SnapshotCase):
    """January left open while February is closed: closing January takes the data as it
    stood at the end of January, from the history."""

    def setUp(self):
        self.february.closed_at = moment(2019, 2, 25, 17)
        self.february.save()

    def test_the_data_as_at_the_end_of_its_month(self):
        snapshot = close_cycle(cycle=self.january, user=self.sam)
        end = timezone.make_aware(datetime.datetime(2019, 2, 1))
        self.assertEqual(snapshot.as_at, end)
        self.assertGreater(snapshot.taken_at, end)
        self.assertEqual(snapshot.actions.get().rag, RAG.AMBER)
        self.assertEqual(snapshot.risks.get().residual_score, 12)
        self.assertEqual([r.label for r in snapshot.indicators.all()], ["M9"])
        self.assertEqual(as_at_in_words(snapshot.as_at), "the end of 31 January 2019")

    def test_the_preview_counts_what_will_be_frozen(self):
        preview = closing_preview(self.january)
        self.assertFalse(preview.is_live)
        self.assertEqual(
            preview.moment_in_words(), "the data as it stood at the end of 31 January 2019"
        )
        self.assertEqual(
            (preview.actions, preview.risks, preview.indicators, preview.meeting_actions),
            (1, 1, 1, 1),
        )
        self.assertEqual(preview.recommendations, 1)

    def test_a_month_not_yet_ended_is_read_as_it_stands(self):
        this_month = timezone.localdate().replace(day=1)
        next_month = end_of_month(this_month).date()
        straggler = make_cycle(this_month)
        make_cycle(next_month, closed_at=timezone.now())
        before = timezone.now()
        snapshot = close_cycle(cycle=straggler, user=self.sam)
        self.assertLessEqual(before, snapshot.as_at)
        self.assertLessEqual(snapshot.as_at, timezone.now())
        self.assertEqual(snapshot.actions.get().rag, RAG.RED)


class SnapshotOfAPastClose(SnapshotCase):
    def test_the_data_as_it_stood_when_the_cycle_closed(self):
        closed = moment(2019, 1, 25, 17)
        self.january.closed_at, self.january.closed_by = closed, self.sam
        self.january.save()
        snapshot = snapshot_cycle(cycle=self.january, user=self.sam, as_at=closed, taken_at=closed)
        self.assertEqual((snapshot.as_at, snapshot.taken_at), (closed, closed))
        self.assertEqual(snapshot.history.get().history_date, closed)
        self.assertEqual(snapshot.actions.get().rag, RAG.AMBER)
        self.assertEqual(RiskSnapshot.objects.get().residual_score, 12)
        self.assertEqual(IndicatorSnapshot.objects.count(), 1)
        self.assertEqual(MeetingActionSnapshot.objects.count(), 1)
        self.assertEqual(RecommendationSnapshot.objects.count(), 1)

    def test_an_open_cycle_or_a_second_snapshot_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "still open"):
            snapshot_cycle(cycle=self.january, user=self.sam, as_at=timezone.now())
        snapshot = close_cycle(cycle=self.january, user=self.sam)
        with self.assertRaisesMessage(ValidationError, "already has a snapshot"):
            snapshot_cycle(cycle=self.january, user=self.sam, as_at=timezone.now())
        self.assertEqual(list(Snapshot.objects.all()), [snapshot])

    def test_the_rows_are_what_freeze_reads(self):
        snapshot = close_cycle(cycle=self.january, user=self.sam)
        live = freeze()
        self.assertEqual(
            [(r.reference, r.rag, r.due_date) for r in live.actions],
            [(r.reference, r.rag, r.due_date) for r in snapshot.actions.all()],
        )


class TheCurrentCycle(RolesTestCase):
    """The earliest open cycle after the latest closed one: a straggler is not current."""

    def test_the_earliest_open_cycle(self):
        make_cycle(JANUARY, closed_at=moment(2019, 1, 25))
        february = make_cycle(FEBRUARY)
        make_cycle(MARCH)
        with self.assertNumQueries(1):
            self.assertEqual(Cycle.objects.current(), february)

    def test_an_open_cycle_older_than_a_closed_one_is_left_out(self):
        make_cycle(JANUARY)
        make_cycle(FEBRUARY, closed_at=moment(2019, 2, 25))
        march = make_cycle(MARCH)
        with self.assertNumQueries(1):
            self.assertEqual(Cycle.objects.current(), march)
        self.assertEqual(cycle_at(Moment.live()).period, MARCH)
        Cycle.objects.filter(pk=march.pk).update(closed_at=moment(2019, 3, 25))
        self.assertIsNone(Cycle.objects.current())
        self.assertEqual(cycle_at(Moment.live()).period, timezone.localdate().replace(day=1))

    def test_with_no_cycle_closed_the_earliest_open(self):
        make_cycle(FEBRUARY)
        january = make_cycle(JANUARY)
        self.assertEqual(Cycle.objects.current(), january)

    def test_the_dashboard_as_at_a_past_day_leaves_stragglers_out(self):
        january = make_cycle(JANUARY)
        february = make_cycle(FEBRUARY)
        backdate(january, moment(2019, 1, 11))
        backdate(february, moment(2019, 2, 11))
        change(february, moment(2019, 2, 25), closed_at=moment(2019, 2, 25))
        march = make_cycle(MARCH)
        backdate(march, moment(2019, 3, 11))
        self.assertEqual(cycle_at(Moment.at(datetime.date(2019, 1, 31))).period, JANUARY)
        self.assertEqual(cycle_at(Moment.at(datetime.date(2019, 2, 20))).period, JANUARY)
        with self.assertNumQueries(1):
            self.assertEqual(cycle_at(Moment.at(datetime.date(2019, 3, 20))).period, MARCH)
        # On 26 February, February was closed and March not yet made: the calendar month.
        info = cycle_at(Moment.at(datetime.date(2019, 2, 26)))
        self.assertEqual((info.period, info.deadline), (FEBRUARY, None))


class InWords(RolesTestCase):
    def test_the_cycle_status_and_the_table_of_cycles(self):
        make_cycle(JANUARY)
        make_cycle(FEBRUARY, closed_at=moment(2019, 2, 25, 17), closed_by=self.sam)
        make_cycle(MARCH, closed_at=moment(2019, 3, 25, 17))
        with self.assertNumQueries(1):
            rows = cycle_rows()
            statuses = [(row.cycle.period, row.status, row.snapshot) for row in rows]
        self.assertEqual(
            statuses,
            [
                (MARCH, "Closed on 25 March 2019", None),
                (FEBRUARY, "Closed on 25 February 2019 by Sam Example", None),
                (JANUARY, "Open", None),
            ],
        )
        self.assertEqual(closed_in_words(rows[0].cycle), "Closed on 25 March 2019")

    def test_a_moment_in_words(self):
        self.assertEqual(as_at_in_words(moment(2019, 10, 25, 17)), "25 October 2019 at 17:00")


class TheDemoCycles(TestCase):
    """seed_demo: cycles from June 2018 to November 2019, all closed with a snapshot as
    at their close except January 2019 (for the demo secretariat) and November 2019."""

    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def test_the_cycles_and_their_snapshots(self):
        cycles = list(Cycle.objects.order_by("period"))
        self.assertEqual(
            (len(cycles), cycles[0].period, cycles[-1].period),
            (18, datetime.date(2018, 6, 1), datetime.date(2019, 11, 1)),
        )
        self.assertEqual(
            [cycle.period for cycle in cycles if cycle.is_open],
            [JANUARY, datetime.date(2019, 11, 1)],
        )
        self.assertEqual(Cycle.objects.current().period, datetime.date(2019, 11, 1))
        for cycle in cycles:
            with self.subTest(cycle=str(cycle)):
                if cycle.is_open:
                    self.assertFalse(Snapshot.objects.filter(cycle=cycle).exists())
                    continue
                snapshot = cycle.snapshot
                self.assertEqual(snapshot.as_at, cycle.closed_at)
                self.assertEqual(snapshot.taken_at, cycle.closed_at)
                self.assertEqual(snapshot.taken_by.username, "secretariat")
                self.assertEqual(
                    closed_in_words(cycle),
                    f"Closed on 25 {cycle.period:%B %Y} by Mary Stallebrass",
                )
        october = Snapshot.objects.get(cycle__period=datetime.date(2019, 10, 1))
        self.assertEqual(october.actions.count(), 64)
        self.assertEqual(
            closed_in_words(october.cycle), "Closed on 25 October 2019 by Mary Stallebrass"
        )

    def test_the_secretariat_closes_january_as_it_stood(self):
        january = Cycle.objects.get(period=JANUARY)
        snapshot = close_cycle(cycle=january, user=User.objects.get(username="secretariat"))
        self.assertEqual(as_at_in_words(snapshot.as_at), "the end of 31 January 2019")
        self.assertEqual(snapshot.previous().period, datetime.date(2018, 12, 1))
        february = Snapshot.objects.get(cycle__period=FEBRUARY)
        self.assertEqual(february.previous(), snapshot)
        self.assertGreater(snapshot.actions.count(), 0)

"""plans.history.as_at rebuilds the actions as they stood at a moment, and the status
queries of plans.queries count and filter those history rows as they do live actions."""

import datetime

from django.utils import timezone

from biip.models import RAG
from plans import queries
from plans.history import as_at, end_of_day
from plans.models import Action
from tests.base import RolesTestCase
from tests.factories import make_action


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def make_action_at(when: datetime.datetime, **fields) -> Action:
    action = make_action(**{"start_date": None, **fields})
    action.history.update(history_date=when)
    return action


def change_at(action: Action, when: datetime.datetime, **fields) -> None:
    for name, value in fields.items():
        setattr(action, name, value)
    action._history_date = when
    action.save()


def references(rows) -> list[str]:
    return sorted(row.reference for row in rows)


class EndOfDay(RolesTestCase):
    def test_is_the_first_instant_of_the_next_day_in_london(self):
        self.assertEqual(end_of_day(datetime.date(2019, 1, 31)), aware(2019, 2, 1))
        # In summer time London is an hour ahead of UTC.
        moment = end_of_day(datetime.date(2019, 6, 30))
        self.assertEqual(moment, datetime.datetime(2019, 6, 30, 23, tzinfo=datetime.UTC))


class AsAtRebuildsThePast(RolesTestCase):
    """IP-1: amber from 1 January 2019, red from 1 February, Blue (complete) from 1 April.
    IP-2: created 1 March 2019, deleted 1 May."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.first = make_action_at(
            aware(2019, 1, 1, 9),
            reference="IP-1",
            rag=RAG.AMBER,
            original_due_date=datetime.date(2019, 3, 31),
        )
        change_at(cls.first, aware(2019, 2, 1, 9), rag=RAG.RED)
        change_at(
            cls.first, aware(2019, 4, 1, 9), rag=RAG.BLUE, completed_on=datetime.date(2019, 4, 1)
        )
        cls.second = make_action_at(aware(2019, 3, 1, 9), reference="IP-2", rag=RAG.GREEN)
        cls.second._history_date = aware(2019, 5, 1, 9)
        cls.second.delete()

    def rows(self, day: datetime.date):
        return as_at(Action, end_of_day(day))

    def test_each_record_once_at_its_latest_version(self):
        rows = self.rows(datetime.date(2019, 1, 15))
        self.assertEqual([(row.reference, row.rag) for row in rows], [("IP-1", RAG.AMBER)])
        rows = self.rows(datetime.date(2019, 2, 15))
        self.assertEqual([(row.reference, row.rag) for row in rows], [("IP-1", RAG.RED)])

    def test_records_not_yet_created_are_left_out(self):
        self.assertEqual(references(self.rows(datetime.date(2018, 12, 31))), [])
        self.assertEqual(references(self.rows(datetime.date(2019, 2, 28))), ["IP-1"])
        self.assertEqual(references(self.rows(datetime.date(2019, 3, 1))), ["IP-1", "IP-2"])

    def test_deleted_records_are_left_out_from_their_deletion(self):
        self.assertEqual(references(self.rows(datetime.date(2019, 4, 30))), ["IP-1", "IP-2"])
        self.assertEqual(references(self.rows(datetime.date(2019, 5, 1))), ["IP-1"])
        self.assertFalse(Action.objects.filter(reference="IP-2").exists())

    def test_a_change_at_the_moment_itself_is_not_yet_current(self):
        rows = as_at(Action, aware(2019, 2, 1, 9))
        self.assertEqual([row.rag for row in rows], [RAG.AMBER])

    def test_rows_have_the_live_fields_and_an_instance(self):
        row = self.rows(datetime.date(2019, 2, 15)).get()
        self.assertEqual(row.id, self.first.pk)
        self.assertEqual(row.plan_id, self.first.plan_id)
        self.assertEqual(row.lead_officer.name, self.first.lead_officer.name)
        self.assertEqual(row.instance.rag, RAG.RED)
        self.assertEqual(row.instance.slippage_days, 0)


class QueriesWorkOnHistoryRows(RolesTestCase):
    """Four actions as at 31 January 2019 (and how they have changed since)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.late = make_action_at(
            aware(2018, 10, 1, 9), reference="LATE", original_due_date=datetime.date(2019, 1, 15)
        )
        # Later it was given more time: live it is slipped and not overdue.
        change_at(
            cls.late,
            aware(2019, 2, 10, 9),
            revised_due_date=datetime.date(2019, 12, 31),
            revision_reason="More time.",
        )
        cls.slipped = make_action_at(
            aware(2018, 10, 1, 9),
            reference="SLIPPED",
            original_due_date=datetime.date(2019, 3, 31),
            revised_due_date=datetime.date(2019, 6, 30),
            revision_reason="Consultation extended.",
            last_update_at=aware(2019, 1, 20, 9),
        )
        cls.done = make_action_at(
            aware(2018, 10, 1, 9),
            reference="DONE",
            rag=RAG.BLUE,
            completed_on=datetime.date(2018, 12, 20),
            original_due_date=datetime.date(2018, 12, 31),
        )
        cls.fresh = make_action_at(
            aware(2018, 10, 1, 9),
            reference="FRESH",
            original_due_date=datetime.date(2019, 12, 31),
            last_update_at=aware(2019, 1, 28, 9),
        )
        # After the day: FRESH goes stale and is completed later.
        change_at(
            cls.fresh, aware(2019, 6, 1, 9), rag=RAG.BLUE, completed_on=datetime.date(2019, 6, 1)
        )
        cls.day = datetime.date(2019, 1, 31)
        cls.rows = as_at(Action, end_of_day(cls.day))

    def test_open_actions(self):
        self.assertEqual(references(queries.open_actions(self.rows)), ["FRESH", "LATE", "SLIPPED"])
        self.assertEqual(
            references(queries.open_actions(Action.objects.all())), ["LATE", "SLIPPED"]
        )

    def test_overdue_on_the_day(self):
        self.assertEqual(references(queries.overdue(self.rows, self.day)), ["LATE"])
        self.assertEqual(references(queries.overdue(Action.objects.all(), self.day)), [])

    def test_slipped(self):
        self.assertEqual(references(queries.slipped(self.rows)), ["SLIPPED"])
        self.assertEqual(references(queries.slipped(Action.objects.all())), ["LATE", "SLIPPED"])

    def test_stale_at_the_end_of_the_day(self):
        # Never updated, or not for more than 35 days; complete actions are never stale.
        self.assertEqual(references(queries.stale(self.rows, end_of_day(self.day))), ["LATE"])
        later = end_of_day(datetime.date(2019, 3, 31))
        rows = as_at(Action, later)
        self.assertEqual(references(queries.stale(rows, later)), ["FRESH", "LATE", "SLIPPED"])

    def test_with_due_uses_the_revised_date_where_there_is_one(self):
        due = {row.reference: row.due for row in queries.with_due(self.rows)}
        self.assertEqual(due["SLIPPED"], datetime.date(2019, 6, 30))
        self.assertEqual(due["LATE"], datetime.date(2019, 1, 15))

    def test_counts_match_the_model_methods_of_the_instances(self):
        overdue = {row.reference for row in self.rows if row.instance.is_overdue(self.day)}
        self.assertEqual(overdue, set(references(queries.overdue(self.rows, self.day))))
        stale = {row.reference for row in self.rows if row.instance.is_stale(end_of_day(self.day))}
        self.assertEqual(stale, set(references(queries.stale(self.rows, end_of_day(self.day)))))

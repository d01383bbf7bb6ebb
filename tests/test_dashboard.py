"""The dashboard's counting (biip.dashboard): links, the as-at form, bars, the status
counts live and as at a past day, the 12-month trend from the history, in bounded
queries."""

import datetime

from django.test import SimpleTestCase
from django.utils import timezone

from biip.dashboard import (
    AsAtForm,
    Links,
    Moment,
    RagCount,
    add_months,
    current_of,
    month_end,
    needing_update,
    nice_step,
    rag_trend,
    stacked_bar,
    status_counts,
    trend_points,
)
from biip.models import RAG
from plans.history import end_of_day
from plans.models import Action, ImprovementPlan
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_update


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def change(obj, when: datetime.datetime, **fields):
    """Save new field values with a history row dated `when`."""
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._history_date = when
    obj.save()
    del obj._history_date
    return obj


class LinksToTheLists(SimpleTestCase):
    def test_live_links_keep_their_order_and_drop_nones(self):
        links = Links()
        self.assertEqual(links.actions(plan=3, overdue=1), "/actions/?plan=3&overdue=1")
        self.assertEqual(links.actions(plan=3, rag=None), "/actions/?plan=3")
        self.assertEqual(links.actions(plan=3, rag=RAG.NOT_RATED), "/actions/?plan=3&rag=not_rated")
        self.assertEqual(links.challenges(status="open"), "/challenges/?status=open")
        self.assertEqual(links.action(7), "/actions/7/")

    def test_as_at_links_carry_the_date(self):
        links = Links(datetime.date(2019, 1, 31))
        self.assertEqual(
            links.actions(plan=3, theme=4, rag=RAG.AMBER),
            "/actions/?plan=3&theme=4&rag=amber&as_at=2019-01-31",
        )
        # The challenge list has no "as at": a past day's challenge figures have no link.
        self.assertEqual(links.challenges(status="open"), "")


class TheAsAtForm(SimpleTestCase):
    def clean(self, value):
        form = AsAtForm({"as_at": value})
        return form.is_valid(), form.cleaned_data.get("as_at"), form.errors.get("as_at")

    def test_dates_in_iso_and_uk_forms(self):
        for value in ("2019-01-31", "31/01/2019", "31/1/2019", "31 January 2019", "31 Jan 2019"):
            with self.subTest(value):
                self.assertEqual(self.clean(value), (True, datetime.date(2019, 1, 31), None))

    def test_empty_is_today(self):
        self.assertEqual(self.clean(""), (True, None, None))
        self.assertTrue(AsAtForm({}).is_valid())

    def test_today_is_allowed_tomorrow_is_not(self):
        today = timezone.localdate()
        self.assertEqual(self.clean(today.isoformat())[:2], (True, today))
        valid, _, errors = self.clean((today + datetime.timedelta(days=1)).isoformat())
        self.assertFalse(valid)
        self.assertEqual(errors, ["The date must be today or in the past"])

    def test_not_a_date_is_quoted_back(self):
        valid, _, errors = self.clean("2019-13-01")
        self.assertFalse(valid)
        self.assertEqual(
            errors, ["“2019-13-01” is not a real date: enter a date such as 31 January 2019"]
        )

    def test_long_rubbish_is_cut_short_in_the_message(self):
        _, _, errors = self.clean("x" * 500)
        self.assertIn("“" + "x" * 40 + "”", errors[0])
        self.assertNotIn("x" * 41, errors[0])

    def test_too_early(self):
        self.assertEqual(self.clean("1999-12-31")[2], ["The date must be 1 January 2000 or later"])
        self.assertTrue(self.clean("2000-01-01")[0])


class Bars(SimpleTestCase):
    def test_a_bar_takes_its_share_of_the_largest(self):
        bar = stacked_bar([RagCount(RAG.RED, 1), RagCount(RAG.GREEN, 1)], of=4)
        self.assertEqual([(s.x, s.width) for s in bar.segments], [(0, 25), (25, 25)])
        self.assertEqual([s.label for s in bar.segments], ["Red", "Green"])

    def test_an_empty_bar_has_no_segments(self):
        bar = stacked_bar([RagCount(RAG.RED, 0)], of=0)
        self.assertEqual(bar.segments, [])
        self.assertEqual(bar.description, "Actions by RAG: 0 red")

    def test_height(self):
        self.assertEqual(stacked_bar([], height=32).height, 32)
        self.assertEqual(stacked_bar([]).height, 40)


class Months(SimpleTestCase):
    def test_add_months_across_years(self):
        self.assertEqual(add_months(datetime.date(2019, 1, 31), -1), datetime.date(2018, 12, 1))
        self.assertEqual(add_months(datetime.date(2019, 11, 5), 2), datetime.date(2020, 1, 1))
        self.assertEqual(add_months(datetime.date(2019, 3, 1), -12), datetime.date(2018, 3, 1))

    def test_month_end(self):
        self.assertEqual(month_end(datetime.date(2020, 2, 1)), datetime.date(2020, 2, 29))
        self.assertEqual(month_end(datetime.date(2019, 2, 10)), datetime.date(2019, 2, 28))

    def test_nice_steps(self):
        self.assertEqual(
            [nice_step(n) for n in (0, 5, 6, 10, 23, 26, 60, 100, 240)],
            [1, 1, 2, 2, 5, 10, 20, 20, 50],
        )


class TrendPoints(SimpleTestCase):
    """Counting the history rows (id, date, type, plan, RAG) at each month end."""

    def moment(self, day):
        return Moment.at(day)

    def test_counts_each_month_end_from_the_rows(self):
        rows = [
            (1, at(datetime.date(2019, 1, 10)), "+", 9, "green"),
            (2, at(datetime.date(2019, 1, 12)), "+", 9, "amber"),
            (1, at(datetime.date(2019, 2, 28), 23), "~", 9, "red"),  # before the month's end
            (2, at(datetime.date(2019, 3, 1)), "~", 8, "amber"),  # moved to another plan
            (3, at(datetime.date(2019, 3, 2)), "+", 9, "blue"),
            (3, at(datetime.date(2019, 3, 3)), "-", 9, "blue"),  # deleted
        ]
        points = trend_points(rows, 9, self.moment(datetime.date(2019, 6, 30)))
        self.assertEqual(len(points), 12)
        # The plan's latest row is in March: the 12 months end there.
        self.assertEqual(points[0][0], datetime.date(2018, 4, 30))
        self.assertEqual(points[-1][0], datetime.date(2019, 3, 31))
        by_day = {day: dict(counts) for day, counts in points}
        self.assertEqual(by_day[datetime.date(2018, 12, 31)], {})
        self.assertEqual(by_day[datetime.date(2019, 1, 31)], {"green": 1, "amber": 1})
        self.assertEqual(by_day[datetime.date(2019, 2, 28)], {"red": 1, "amber": 1})
        self.assertEqual(by_day[datetime.date(2019, 3, 31)], {"red": 1})

    def test_the_last_point_is_the_as_at_day(self):
        rows = [(1, at(datetime.date(2019, 1, 10)), "+", 9, "green")]
        points = trend_points(rows, 9, self.moment(datetime.date(2019, 1, 20)))
        self.assertEqual(points[-1][0], datetime.date(2019, 1, 20))
        self.assertEqual(points[-2][0], datetime.date(2018, 12, 31))
        self.assertEqual(dict(points[-1][1]), {"green": 1})

    def test_rows_after_a_point_do_not_count_at_it(self):
        rows = [
            (1, at(datetime.date(2019, 1, 31), 23), "+", 9, "green"),
            (1, end_of_day(datetime.date(2019, 1, 31)), "~", 9, "red"),
        ]
        points = trend_points(rows, 9, self.moment(datetime.date(2019, 2, 28)))
        self.assertEqual(dict(points[-2][1]), {"green": 1})
        self.assertEqual(dict(points[-1][1]), {"red": 1})


class CurrentPlan(SimpleTestCase):
    def test_marked_then_latest_to_start(self):
        old = ImprovementPlan(id=1, period_start=datetime.date(2015, 3, 1))
        new = ImprovementPlan(id=2, period_start=datetime.date(2020, 4, 1))
        marked = ImprovementPlan(id=3, period_start=datetime.date(2019, 4, 1), is_current=True)
        self.assertEqual(current_of([old, new, marked]), marked)
        self.assertEqual(current_of([old, new]), new)
        self.assertIsNone(current_of([]))


class CountingFromTheDatabase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        cls.january = datetime.date(2019, 1, 1)
        cls.written = make_action(plan=cls.plan, directorate=cls.finance, start_date=None)
        cls.not_written = make_action(plan=cls.plan, directorate=cls.finance, start_date=None)
        make_action(plan=cls.plan, directorate=cls.finance, rag=RAG.BLUE, start_date=None)
        update = make_update(
            cls.written, cls.olivia, period=cls.january, created_at=at(datetime.date(2019, 1, 25))
        )
        update.history.update(history_date=at(datetime.date(2019, 1, 25)))

    def test_needing_update_live_and_as_at(self):
        actions = Action.objects.filter(plan=self.plan)
        live = needing_update(actions, self.january, Moment.live())
        self.assertEqual(list(live), [self.not_written])
        before = Moment.at(datetime.date(2019, 1, 24))
        after = Moment.at(datetime.date(2019, 1, 25))
        self.assertEqual(
            set(needing_update(actions, self.january, before)), {self.written, self.not_written}
        )
        self.assertEqual(list(needing_update(actions, self.january, after)), [self.not_written])

    def test_status_counts_in_one_query(self):
        actions = Action.objects.filter(plan=self.plan).order_by()
        with self.assertNumQueries(1):
            counts = status_counts(actions, Moment.live(), self.january, self.olivia.person)
        self.assertEqual(
            counts,
            {
                "overdue": 2,
                "slipped": 0,
                "stale": 2,
                "needs_update": 1,
                "mine_needs_update": 0,
                "ours_needs_update": 1,
            },
        )

    def test_trend_in_two_queries_even_with_many_changes_then_one_from_the_cache(self):
        for month in range(2, 13):
            change(self.written, at(datetime.date(2019, month, 20)), rag=RAG.AMBER)
        # The latest history row, then the history for the month ends and now.
        with self.assertNumQueries(2):
            trend = rag_trend(self.plan, Moment.live())
        with self.assertNumQueries(1):  # past month ends from the cache, now as given
            now = {cell.rag: cell.count for cell in trend.chart.rows[-1].cells}
            again = rag_trend(self.plan, Moment.live(), now)
        self.assertEqual(again.title, trend.title)
        self.assertEqual(
            [[cell.count for cell in row.cells] for row in again.chart.rows],
            [[cell.count for cell in row.cells] for row in trend.chart.rows],
        )
        self.assertEqual(len(trend.columns), 12)
        self.assertEqual(len(trend.chart.rows), 12)
        # The live plan was created now, so its latest row is this month.
        self.assertEqual(trend.chart.rows[-1].label, f"{timezone.localdate():%B %Y}")

    def test_no_history_no_trend(self):
        plan = make_plan()
        self.assertIsNone(rag_trend(plan, Moment.live()))

    def test_trend_geometry_stacks_worst_at_the_base(self):
        when = at(datetime.date(2019, 5, 10))
        Action.history.filter(id__in=[a.id for a in self.plan.actions.all()]).update(
            history_date=when
        )
        change(self.not_written, at(datetime.date(2019, 6, 3)), rag=RAG.RED)
        trend = rag_trend(self.plan, Moment.live())
        june = trend.columns[-1]
        self.assertEqual(june.month, "Jun")
        self.assertEqual([rect.count for rect in june.rects], [1, 1, 1])  # red, green, blue
        self.assertEqual([rect.fill for rect in june.rects], ["#ca3535", "#0f7a52", "#1d70b8"])
        # Each rectangle sits on the one below it.
        for lower, upper in zip(june.rects, june.rects[1:], strict=False):
            self.assertAlmostEqual(upper.y + upper.height, lower.y, places=1)
        self.assertEqual(june.rects[0].y + june.rects[0].height, trend.plot_bottom)
        self.assertEqual([tick.value for tick in trend.ticks], [0, 1, 2, 3])
        self.assertEqual(trend.columns[0].year, "2018")
        self.assertEqual(trend.columns[0].month, "Jul")
        self.assertEqual(trend.columns[6].year, "2019")  # January
        self.assertEqual(trend.columns[5].year, "")

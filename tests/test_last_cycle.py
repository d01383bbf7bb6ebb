"""'The last cycle' means the latest closed cycle by month, whatever order the cycles were
closed in: risk movement, the heat map's arrows, the risk page, a snapshot's "since the
month before" and the monthly pack all compare with the same cycle.

The demo's case (issue 18, found 9): January 2019 is left open while February to October
close on time; the secretariat then closes January. Before the fix, everything measured
movement from January (closed last) and said "no change"."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Cycle
from reports.data import dataset_for, previous_dataset
from reports.snapshots import close_cycle, snapshot_cycle
from tests.base import RolesTestCase
from tests.factories import make_cycle, make_risk


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


class DemoOrder(RolesTestCase):
    """December 2018 closed; January 2019 left open; February 2019 closed on time, when
    SR-06 stood at 4 x 4; since then SR-06 went down to 2 x 4. Then (in each test) the
    secretariat closes January, now."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.risk = make_risk(reference="SR-06", residual_likelihood=4, residual_impact=4)
        cls.risk.history.update(history_date=aware(2018, 12, 1, 9))
        cls.december = make_cycle(datetime.date(2018, 12, 1), closed_at=aware(2018, 12, 25, 17))
        snapshot_cycle(cycle=cls.december, user=cls.sam, as_at=cls.december.closed_at)
        cls.january = make_cycle(datetime.date(2019, 1, 1))
        cls.february = make_cycle(datetime.date(2019, 2, 1), closed_at=aware(2019, 2, 25, 17))
        snapshot_cycle(cycle=cls.february, user=cls.sam, as_at=cls.february.closed_at)
        cls.march = make_cycle(datetime.date(2019, 3, 1))
        cls.risk.residual_likelihood = 2
        cls.risk._history_date = aware(2019, 3, 5, 9)
        cls.risk.save()

    def close_january(self):
        return close_cycle(cycle=self.january, user=self.sam)

    def test_the_last_cycle_is_the_latest_by_month(self):
        self.close_january()
        self.assertEqual(Cycle.objects.latest_closed(), self.february)

    def test_the_cycle_before_a_month_is_by_month(self):
        self.close_january()
        self.assertEqual(Cycle.objects.latest_closed(before=self.february.period), self.january)
        self.assertEqual(Cycle.objects.latest_closed(before=self.january.period), self.december)
        self.assertIsNone(Cycle.objects.latest_closed(before=self.december.period))

    def test_risk_movement_measures_from_the_latest_cycle_by_month(self):
        self.close_january()
        self.client.force_login(self.pat)
        response = self.client.get(reverse("risk-movement"))
        self.assertEqual(response.context["cycle"], self.february)
        [move] = response.context["moves"]
        self.assertEqual(move.direction, "Down")
        self.assertContains(response, "February 2019 cycle closed on 25 February 2019")

    def test_the_heat_map_arrows_start_at_the_latest_cycle_by_month(self):
        self.close_january()
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("risk-heat-map"))
        self.assertEqual(response.context["cycle"], self.february)
        self.assertEqual([move.risk.reference for move in response.context["moved"]], ["SR-06"])

    def test_the_risk_page_shows_the_movement_since_the_latest_cycle_by_month(self):
        self.close_january()
        self.client.force_login(self.sam)
        response = self.client.get(reverse("risk", args=[self.risk.pk]))
        self.assertEqual(response.context["cycle"], self.february)
        self.assertEqual(response.context["move"].direction, "Down")

    def test_a_snapshots_month_before_is_by_month(self):
        january = self.close_january()
        self.assertEqual(january.previous(), self.december.snapshot)
        self.assertEqual(self.february.snapshot.previous(), january)
        self.client.force_login(self.pat)
        response = self.client.get(january.get_absolute_url())
        self.assertEqual(response.context["previous"], self.december.snapshot)
        self.assertContains(response, "What changed since December 2018")

    def test_the_pack_on_live_data_compares_with_the_latest_snapshot_by_month(self):
        self.close_january()
        previous = previous_dataset(dataset_for(None))
        self.assertEqual(previous.snapshot, self.february.snapshot)

    def test_a_pack_from_a_snapshot_compares_with_the_month_before(self):
        january = self.close_january()
        previous = previous_dataset(dataset_for(self.february.snapshot))
        self.assertEqual(previous.snapshot, january)


class ClosedOutOfOrder(RolesTestCase):
    """Both open; the secretariat closes February first, then January."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.risk = make_risk(reference="SR-01", residual_likelihood=3, residual_impact=3)
        cls.january = make_cycle(datetime.date(2019, 1, 1))
        cls.february = make_cycle(datetime.date(2019, 2, 1))

    def test_closing_february_then_january_leaves_february_the_last(self):
        close_cycle(cycle=self.february, user=self.sam)
        self.assertEqual(Cycle.objects.latest_closed(), self.february)
        close_cycle(cycle=self.january, user=self.sam)
        self.january.refresh_from_db()
        self.february.refresh_from_db()
        self.assertGreater(self.january.closed_at, self.february.closed_at)
        self.assertEqual(Cycle.objects.latest_closed(), self.february)
        self.client.force_login(self.pat)
        response = self.client.get(reverse("risk-movement"))
        self.assertEqual(response.context["cycle"], self.february)

"""Risk movement: every open risk's residual score when the last cycle closed and now,
with the direction in words (Up, Down, No change, New), who may see it, and a fixed number
of queries."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Cycle, Risk
from tests.base import RolesTestCase
from tests.factories import make_person, make_risk

MOVEMENT = reverse("risk-movement")


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def rows(response) -> list[tuple[str, str]]:
    return [(move.risk.reference, move.direction) for move in response.context["moves"]]


class MovementFixture(RolesTestCase):
    """When October closed: UP-1 2 x 2, DOWN-1 4 x 4, SAME-1 3 x 3, CELL-1 4 x 3; since
    then UP-1 went to 3 x 3, DOWN-1 to 2 x 4, CELL-1 to 3 x 4 (same score), NEW-1 was
    added at 5 x 5, and CLOSED-1 (which went up) was closed."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.cycle = Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=aware(2019, 10, 25, 17),
        )

        def risk(reference, before, after=None, **fields):
            made = make_risk(
                reference=reference,
                title=f"Risk {reference}",
                residual_likelihood=before[0],
                residual_impact=before[1],
            )
            made.history.update(history_date=aware(2019, 1, 1, 9))
            if after or fields:
                if after:
                    made.residual_likelihood, made.residual_impact = after
                for name, value in fields.items():
                    setattr(made, name, value)
                made._history_date = aware(2019, 11, 5, 9)
                made.save()
            return made

        risk("UP-1", (2, 2), (3, 3))
        risk("DOWN-1", (4, 4), (2, 4))
        risk("SAME-1", (3, 3))
        risk("CELL-1", (4, 3), (3, 4))
        risk("CLOSED-1", (1, 1), (5, 5), status=Risk.Status.CLOSED)
        new = make_risk(reference="NEW-1", residual_likelihood=5, residual_impact=5)
        new.history.update(history_date=aware(2019, 11, 6, 9))

    def get(self, user=None):
        self.client.force_login(user or self.pat)
        return self.client.get(MOVEMENT)


class MovementAccess(MovementFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(MOVEMENT)
        self.assertRedirects(response, f"/sign-in/?next={MOVEMENT}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(MOVEMENT).status_code, 405)

    def test_every_role_reads_it(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                response = self.get(user)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Risk movement since the last cycle</h1>")


class MovementList(MovementFixture):
    def test_every_open_risk_with_its_direction_in_words(self):
        self.assertEqual(
            rows(self.get()),
            [
                ("UP-1", "Up"),
                ("DOWN-1", "Down"),
                ("NEW-1", "New"),
                ("CELL-1", "No change"),
                ("SAME-1", "No change"),
            ],
        )

    def test_then_and_now_with_bands(self):
        content = self.get().content.decode()
        found = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", content, re.S)
        by_reference = {re.search(r">([A-Z]+-1)</a>", row).group(1): row for row in found[1:]}
        up = by_reference["UP-1"]
        self.assertIn("Low 4</strong>", up)
        self.assertIn("Medium 9</strong>", up)
        self.assertLess(up.index("Low 4"), up.index("Medium 9"))
        self.assertIn("Up</strong>", up)
        self.assertIn("Not on the register then", by_reference["NEW-1"])
        self.assertIn("Very high 25</strong>", by_reference["NEW-1"])
        self.assertIn("in score (moved cell)", by_reference["CELL-1"])
        self.assertNotIn("moved cell", by_reference["SAME-1"])
        self.assertNotIn("CLOSED-1", content)

    def test_the_summary_and_the_cycle(self):
        response = self.get()
        self.assertContains(response, "when the October 2019 cycle closed on 25 October 2019")
        self.assertContains(response, "1 up, 1 down, 1 new, 2 with no change.")

    def test_the_last_closed_cycle_is_the_one_compared_with(self):
        Cycle.objects.create(
            period=datetime.date(2019, 11, 1),
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
            closed_at=aware(2019, 11, 25, 17),
        )
        response = self.get()
        self.assertEqual({direction for _, direction in rows(response)}, {"No change"})
        self.assertContains(response, "November 2019 cycle closed on 25 November 2019")

    def test_no_closed_cycle(self):
        Cycle.objects.update(closed_at=None)
        response = self.get()
        self.assertContains(response, "No cycle has been closed yet")
        self.assertNotContains(response, "Direction</th>")


class MovementQueries(RolesTestCase):
    def test_the_same_number_of_queries_with_more_risks(self):
        Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=aware(2019, 10, 25, 17),
        )
        owners = [make_person(), make_person()]
        self.client.force_login(self.pat)
        counts = []
        for total in (2, 20):
            while Risk.objects.count() < total:
                n = Risk.objects.count()
                made = make_risk(owner=owners[n % 2])
                made.history.update(history_date=aware(2019, 1, 1, 9))
                made.residual_impact = 1 + n % 5
                made.save()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(MOVEMENT)
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])

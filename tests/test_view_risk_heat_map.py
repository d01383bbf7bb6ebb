"""The risk heat map: who may see it, open risks counted in the cells of their residual
(or, switched, inherent) score, each cell named with its band in words and linking to the
register filtered to it, the table alternative, the key, the arrows of movement since the
last closed cycle, and a fixed number of queries."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Cycle, Risk
from tests.base import RolesTestCase
from tests.factories import make_person, make_risk

HEAT_MAP = reverse("risk-heat-map")


def aware(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def cells(response) -> dict[tuple[int, int], list[str]]:
    return {
        cell.score.cell: [risk.reference for risk in cell.risks]
        for cell in response.context["heat_map"].cells
        if cell.count
    }


class HeatMapFixture(RolesTestCase):
    """Open: SR-01 4 x 5 (was 5 x 5 when October closed), SR-02 3 x 5, SR-03 and SR-04
    3 x 4, SR-05 new since then at 2 x 2. Closed: SR-06 at 5 x 5."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=aware(2019, 10, 25, 17),
        )
        before = aware(2019, 1, 1, 9)

        def risk(reference, likelihood, impact, *, recorded=before, **fields):
            made = make_risk(
                reference=reference,
                title=f"Risk {reference}",
                residual_likelihood=likelihood,
                residual_impact=impact,
                **fields,
            )
            made.history.update(history_date=recorded)
            return made

        cls.sr01 = risk("SR-01", 5, 5, inherent_likelihood=5, inherent_impact=5)
        cls.sr01.residual_likelihood = 4
        cls.sr01._history_date = aware(2019, 11, 5, 9)
        cls.sr01.save()
        risk("SR-02", 3, 5)
        risk("SR-03", 3, 4)
        risk("SR-04", 3, 4)
        risk("SR-05", 2, 2, recorded=aware(2019, 11, 6, 9))
        risk("SR-06", 5, 5, status=Risk.Status.CLOSED)

    def get(self, query: str = "", user=None):
        self.client.force_login(user or self.pat)
        return self.client.get(HEAT_MAP + query)


class HeatMapAccess(HeatMapFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(HEAT_MAP)
        self.assertRedirects(response, f"/sign-in/?next={HEAT_MAP}", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(HEAT_MAP).status_code, 405)

    def test_every_role_reads_it(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                response = self.get(user=user)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Risk heat map: residual scores")


class HeatMapCells(HeatMapFixture):
    def test_open_risks_by_residual_score(self):
        self.assertEqual(
            cells(self.get()),
            {
                (4, 5): ["SR-01"],
                (3, 5): ["SR-02"],
                (3, 4): ["SR-03", "SR-04"],
                (2, 2): ["SR-05"],
            },
        )

    def test_switched_to_inherent_scores(self):
        response = self.get("?scores=inherent")
        self.assertEqual(
            cells(response), {(5, 5): ["SR-01"], (4, 5): ["SR-02", "SR-03", "SR-04", "SR-05"]}
        )
        self.assertContains(response, "Risk heat map: inherent scores")
        self.assertContains(response, f'href="{HEAT_MAP}" id="switch-link">Show residual scores')
        self.assertContains(
            self.get(), f'href="{HEAT_MAP}?scores=inherent" id="switch-link">Show inherent scores'
        )

    def test_an_unknown_switch_shows_residual_scores(self):
        self.assertContains(self.get("?scores=target"), "Risk heat map: residual scores")

    def test_each_cell_has_its_colour_band_word_and_count(self):
        content = self.get().content.decode()
        self.assertIn(
            'aria-label="2 High 12: 2 risks at likelihood 3, impact 4: High (score 12)"', content
        )
        self.assertIn(
            'aria-label="Likelihood 5, impact 5: Very high (score 25), no risks"', content
        )
        self.assertIn('fill="#ca3535"', content)  # very high
        self.assertIn(">Very high 20</text>", content)
        cell = re.search(
            r'<a href="[^"]*residual_likelihood=3&amp;residual_impact=4".*?</a>', content, re.S
        )
        self.assertIsNotNone(cell)
        self.assertIn('fill="#f47738"', cell.group())  # high
        self.assertIn(">2</text>", cell.group())
        self.assertIn(">High 12</text>", cell.group())

    def test_a_cell_links_to_the_register_filtered_to_its_risks(self):
        response = self.get()
        for cell in response.context["heat_map"].cells:
            if not cell.count:
                self.assertEqual(cell.url, "")
                continue
            with self.subTest(cell=cell.score.cell):
                listed = self.client.get(cell.url)
                self.assertEqual(
                    [row.record.reference for row in listed.context["table"].page.object_list],
                    sorted(risk.reference for risk in cell.risks),
                )

    def test_an_inherent_cell_links_to_the_inherent_filter(self):
        response = self.get("?scores=inherent")
        urls = [cell.url for cell in response.context["heat_map"].cells if cell.count]
        self.assertIn(
            reverse("risks") + "?status=open&inherent_likelihood=5&inherent_impact=5", urls
        )

    def test_the_table_alternative_lists_each_cells_risks(self):
        content = self.get().content.decode()
        table = content[content.index('<table class="govuk-table" id="cells">') :]
        table = table[: table.index("</table>")]
        rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]
        self.assertEqual(len(rows), 4)
        self.assertIn("4 × 5", rows[0])
        self.assertIn("Very high 20", rows[0])
        self.assertIn("SR-01</a> Risk SR-01", rows[0])
        self.assertIn("SR-03", rows[2])
        self.assertIn("SR-04", rows[2])
        self.assertIn("Low 4", rows[3])

    def test_the_key(self):
        response = self.get()
        self.assertContains(response, "Low</strong>&nbsp;1 to 4")
        self.assertContains(response, "Very high</strong>&nbsp;20 to 25")

    def test_no_open_risks(self):
        Risk.objects.update(status=Risk.Status.CLOSED)
        self.assertContains(self.get(), "There are no open risks.")


class HeatMapMovement(HeatMapFixture):
    def test_an_arrow_from_the_previous_cell_to_the_current_one(self):
        response = self.get()
        arrows = response.context["heat_map"].arrows
        self.assertEqual([arrow.movement.risk.reference for arrow in arrows], ["SR-01"])
        cells_by_score = {cell.score.cell: cell for cell in response.context["heat_map"].cells}
        old, new = cells_by_score[5, 5], cells_by_score[4, 5]
        self.assertTrue(old.x < arrows[0].x1 < old.x + old.width)
        self.assertTrue(new.x < arrows[0].x2 < new.x + new.width)
        self.assertContains(response, 'marker-end="url(#heat-map-arrowhead)"', count=1)
        self.assertContains(
            response, "<title>SR-01 Down: from Very high 25 (5 × 5) to Very high 20 (4 × 5)</title>"
        )
        self.assertContains(response, "Since the October 2019 cycle closed on 25 October 2019")
        self.assertContains(response, "0 up, 1 down, 1 new, 3 with no change in score.")

    def test_the_moved_risks_in_a_table(self):
        content = self.get().content.decode()
        table = content[content.index('id="arrows"') :]
        table = table[: table.index("</table>")]
        self.assertIn("SR-01", table)
        self.assertIn("Down", table)
        self.assertNotIn("SR-02", table)

    def test_no_movement_in_words(self):
        response = self.get("?scores=inherent")
        self.assertEqual(response.context["heat_map"].arrows, [])
        self.assertContains(response, "No risk has moved between cells: no movement.")
        self.assertNotContains(response, 'id="arrows"')

    def test_no_closed_cycle(self):
        Cycle.objects.update(closed_at=None)
        response = self.get()
        self.assertEqual(response.context["heat_map"].arrows, [])
        self.assertContains(response, "No cycle has been closed yet")


class HeatMapQueries(RolesTestCase):
    def test_the_same_number_of_queries_with_more_risks(self):
        Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
            closed_at=aware(2019, 10, 25, 17),
        )
        owner = make_person()
        self.client.force_login(self.sam)
        counts = []
        for total in (2, 25):
            while Risk.objects.count() < total:
                n = Risk.objects.count()
                made = make_risk(
                    owner=owner, residual_likelihood=1 + n % 5, residual_impact=1 + n // 5 % 5
                )
                made.history.update(history_date=aware(2019, 1, 1, 9))
                made.residual_likelihood = 1 + (n + 1) % 5
                made.save()
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(HEAT_MAP)
            self.assertEqual(response.status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[0], counts[1])
        self.assertGreater(len(response.context["heat_map"].arrows), 10)

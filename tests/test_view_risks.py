"""The risk register: who may see it, its columns (every score with its band's word, an
overdue review standing out in words), the key of the bands, filters (the residual band
on the product of likelihood and impact, likelihood and impact for the heat map's links),
sorting, CSV and XLSX exports (formulas neutralised) and a fixed number of queries."""

import csv
import datetime
import io
import re

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from biip.models import PublicationStatus, Schedule12AParagraph
from plans.models import Risk, RiskBand
from tests.base import RolesTestCase
from tests.factories import make_person, make_risk

RISKS = reverse("risks")
COLUMNS = [
    "Reference",
    "Risk",
    "Category",
    "Level",
    "Owner",
    "Inherent score",
    "Residual score",
    "Target score",
    "Tolerance",
    "Trend",
    "Next review",
    "Escalated",
    "Status",
    "Publication",
]


def references(response) -> list[str]:
    return [row.record.reference for row in response.context["table"].page.object_list]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def row_of(content: str, text: str) -> str:
    rows = re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", content, flags=re.S)
    matching = [row for row in rows if text in row]
    assert len(matching) == 1, f"{len(matching)} rows contain {text!r}"
    return matching[0]


class RegisterFixture(RolesTestCase):
    """SR-01 very high (4 x 5 = 20), past its tolerance, review overdue; SR-02 high
    (3 x 4 = 12), Olivia's; OR-01 medium (3 x 3 = 9), operational, escalated, exempt;
    SR-03 low (2 x 2 = 4), closed, its title a formula."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.today = timezone.localdate()
        cls.dawn = make_person(name="Dawn Baxendale")
        cls.very_high = make_risk(
            reference="SR-01",
            title="Industrial relations",
            category=Risk.Category.POLITICAL,
            owner=cls.dawn,
            inherent_likelihood=5,
            inherent_impact=5,
            residual_likelihood=4,
            residual_impact=5,
            target_likelihood=2,
            target_impact=4,
            tolerance=12,
            trend=Risk.Trend.WORSENING,
            review_date=cls.today - datetime.timedelta(days=1),
        )
        cls.high = make_risk(
            reference="SR-02",
            title="Equal pay",
            category=Risk.Category.LEGAL,
            owner=cls.olivia.person,
            directorate=cls.finance,
            residual_likelihood=3,
            residual_impact=4,
            tolerance=15,
            review_date=cls.today + datetime.timedelta(days=30),
        )
        cls.medium = make_risk(
            reference="OR-01",
            title="Early years service",
            level=Risk.Level.OPERATIONAL,
            owner=cls.dawn,
            residual_likelihood=3,
            residual_impact=3,
            tolerance=8,
            escalated=True,
            escalated_on=datetime.date(2019, 1, 29),
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=Schedule12AParagraph.LABOUR_RELATIONS,
            exemption_review_date=datetime.date(2019, 7, 31),
        )
        cls.low = make_risk(
            reference="SR-03",
            title='=HYPERLINK("http://example.com")',
            category=Risk.Category.ENVIRONMENTAL,
            residual_likelihood=2,
            residual_impact=2,
            status=Risk.Status.CLOSED,
            review_date=cls.today - datetime.timedelta(days=10),
        )


class RegisterAccess(RegisterFixture):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(RISKS)
        self.assertRedirects(response, "/sign-in/?next=/risks/", fetch_redirect_response=False)

    def test_anonymous_cannot_export(self):
        response = self.client.get(RISKS + "?_export=csv")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/sign-in/"))

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(RISKS).status_code, 405)

    def test_every_role_reads_every_risk(self):
        for user in [*self.users_by_role.values(), self.oscar]:
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(RISKS)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(references(response)), 4)
                self.assertContains(response, '<h1 class="govuk-heading-l">Risk register</h1>')
        for name in ("risk-heat-map", "risk-movement", "advisers"):
            self.assertContains(response, f'href="{reverse(name)}"')


class RegisterColumns(RegisterFixture):
    def get(self, query: str = ""):
        self.client.force_login(self.pat)
        return self.client.get(RISKS + query)

    def test_highest_residual_score_first(self):
        self.assertEqual(references(self.get()), ["SR-01", "SR-02", "OR-01", "SR-03"])

    def test_headers(self):
        table = self.get().context["table"]
        self.assertEqual([column.header for column in table.columns], COLUMNS)

    def test_each_score_shows_its_band_word_and_score_with_its_colour(self):
        content = self.get().content.decode()
        row = row_of(content, "SR-01")
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--red app-rag-tag">Very high 20</strong>', row
        )
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--red app-rag-tag">Very high 25</strong>', row
        )
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Medium 8</strong>', row
        )
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--orange app-rag-tag">High 12</strong>',
            row_of(content, "SR-02"),
        )
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--green app-rag-tag">Low 4</strong>',
            row_of(content, "SR-03"),
        )

    def test_an_overdue_review_stands_out_in_words(self):
        content = self.get().content.decode()
        overdue = row_of(content, "SR-01")
        self.assertIn("Review overdue", overdue)
        self.assertIn("app-row--overdue", overdue)
        self.assertNotIn("Review overdue", row_of(content, "SR-02"))
        self.assertNotIn("app-row--overdue", row_of(content, "SR-02"))
        # A closed risk's review is not overdue.
        self.assertNotIn("Review overdue", row_of(content, "SR-03"))

    def test_past_tolerance_and_escalation_in_words(self):
        content = self.get().content.decode()
        self.assertIn("Past tolerance", row_of(content, "SR-01"))
        self.assertNotIn("Past tolerance", row_of(content, "SR-02"))
        self.assertIn(
            'Yes <span class="app-nowrap">29 January 2019</span>', row_of(content, "OR-01")
        )

    def test_reference_links_to_the_risk(self):
        self.assertContains(
            self.get(),
            f'<a class="govuk-link" href="{reverse("risk", args=[self.high.pk])}">SR-02</a>',
        )

    def test_the_key_of_the_bands(self):
        content = self.get().content.decode()
        key = content[content.index('id="band-key"') :]
        key = key[: key.index("</div>")]
        for words in ("Low</strong>&nbsp;1 to 4", "Medium</strong>&nbsp;5 to 9"):
            self.assertIn(words, key)
        self.assertIn("High</strong>&nbsp;10 to 16", key)
        self.assertIn("Very high</strong>&nbsp;20 to 25", key)

    def test_links_to_the_heat_map_and_movement(self):
        response = self.get()
        self.assertContains(response, f'href="{reverse("risk-heat-map")}"')
        self.assertContains(response, f'href="{reverse("risk-movement")}"')


class RegisterFilters(RegisterFixture):
    def get(self, query: str):
        self.client.force_login(self.olivia)
        return self.client.get(RISKS + query)

    def test_band_filters_on_the_residual_score(self):
        expected = {
            RiskBand.VERY_HIGH: ["SR-01"],
            RiskBand.HIGH: ["SR-02"],
            RiskBand.MEDIUM: ["OR-01"],
            RiskBand.LOW: ["SR-03"],
        }
        for band, refs in expected.items():
            with self.subTest(band=band):
                self.assertEqual(references(self.get(f"?band={band.value}")), refs)

    def test_band_follows_the_product_not_the_factors(self):
        make_risk(reference="SR-09", residual_likelihood=5, residual_impact=2)  # 10: high
        make_risk(reference="SR-10", residual_likelihood=1, residual_impact=5)  # 5: medium
        self.assertEqual(references(self.get("?band=high")), ["SR-02", "SR-09"])
        self.assertEqual(references(self.get("?band=medium")), ["OR-01", "SR-10"])

    def test_the_other_filters(self):
        cases = {
            "?category=legal": ["SR-02"],
            "?level=operational": ["OR-01"],
            "?level=strategic": ["SR-01", "SR-02", "SR-03"],
            f"?owner={self.dawn.pk}": ["SR-01", "OR-01"],
            "?escalated=yes": ["OR-01"],
            "?escalated=no": ["SR-01", "SR-02", "SR-03"],
            "?status=closed": ["SR-03"],
            "?status=open": ["SR-01", "SR-02", "OR-01"],
            "?publication_status=exempt": ["OR-01"],
            "?q=equal": ["SR-02"],
            "?q=baxendale": ["SR-01", "OR-01"],
            "?residual_likelihood=3": ["SR-02", "OR-01"],
            "?residual_likelihood=3&residual_impact=3": ["OR-01"],
            "?inherent_likelihood=5&inherent_impact=5": ["SR-01"],
            "?inherent_likelihood=4&inherent_impact=5": ["SR-02", "OR-01", "SR-03"],
            "?status=open&band=high": ["SR-02"],
        }
        for query, refs in cases.items():
            with self.subTest(query=query):
                response = self.get(query)
                self.assertEqual(references(response), refs)
                self.assertContains(response, "match")

    def test_a_value_not_in_the_list_is_refused_beside_the_filter(self):
        response = self.get("?band=extreme&residual_impact=9")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose a band from the list")
        self.assertContains(response, "Choose a residual impact from 1 to 5<")
        self.assertContains(response, "There is a problem")
        # The likelihood and impact section is open, so the error is seen.
        self.assertContains(response, 'id="scale-filters" open')

    def test_owner_choices_are_owners_of_risks(self):
        make_person(name="Nobody Owns")
        response = self.get("")
        self.assertContains(response, ">Dawn Baxendale</option>")
        self.assertNotContains(response, "Nobody Owns")


class RegisterSorting(RegisterFixture):
    def get(self, query: str):
        self.client.force_login(self.sam)
        return self.client.get(RISKS + query)

    def test_by_residual_score_both_ways(self):
        make_risk(reference="SR-04", residual_likelihood=4, residual_impact=3)  # 12, impact 3
        self.assertEqual(
            references(self.get("?sort=residual")), ["SR-03", "OR-01", "SR-04", "SR-02", "SR-01"]
        )
        self.assertEqual(
            references(self.get("?sort=-residual")), ["SR-01", "SR-02", "SR-04", "OR-01", "SR-03"]
        )

    def test_by_other_columns(self):
        cases = {
            "?sort=reference": ["OR-01", "SR-01", "SR-02", "SR-03"],
            "?sort=inherent": ["OR-01", "SR-02", "SR-03", "SR-01"],
            "?sort=review_date": ["SR-03", "SR-01", "SR-02", "OR-01"],
            "?sort=owner": ["OR-01", "SR-01", "SR-02", "SR-03"],
            "?sort=-escalated": ["OR-01", "SR-01", "SR-02", "SR-03"],
        }
        for query, refs in cases.items():
            with self.subTest(query=query):
                self.assertEqual(references(self.get(query))[: len(refs)], refs)

    def test_sorted_column_is_marked(self):
        self.assertContains(self.get("?sort=-residual"), 'aria-sort="descending"')


class RegisterExports(RegisterFixture):
    def get(self, query: str):
        self.client.force_login(self.pat)
        return self.client.get(RISKS + query)

    def test_csv_has_the_columns_and_the_filtered_rows(self):
        response = self.get("?status=open&_export=csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(f"risks-{self.today:%Y-%m-%d}.csv", response["Content-Disposition"])
        rows = csv_rows(response)
        self.assertEqual(rows[0], COLUMNS)
        self.assertEqual([row[0] for row in rows[1:]], ["SR-01", "SR-02", "OR-01"])
        first = dict(zip(COLUMNS, rows[1], strict=True))
        self.assertEqual(first["Risk"], "Industrial relations")
        self.assertEqual(first["Category"], "Political")
        self.assertEqual(first["Level"], "Strategic")
        self.assertEqual(first["Owner"], "Dawn Baxendale")
        self.assertEqual(first["Inherent score"], "Very high 25 (5 × 5)")
        self.assertEqual(first["Residual score"], "Very high 20 (4 × 5)")
        self.assertEqual(first["Target score"], "Medium 8 (2 × 4)")
        self.assertEqual(first["Tolerance"], "12 (past tolerance)")
        self.assertEqual(first["Trend"], "Worsening")
        overdue = (self.today - datetime.timedelta(days=1)).isoformat()
        self.assertEqual(first["Next review"], f"{overdue} (review overdue)")
        self.assertEqual(first["Escalated"], "No")
        self.assertEqual(first["Status"], "Open")
        self.assertEqual(first["Publication"], "Public")
        escalated = dict(zip(COLUMNS, rows[3], strict=True))
        self.assertEqual(escalated["Escalated"], "Yes 2019-01-29")
        self.assertEqual(escalated["Publication"], "Exempt")

    def test_xlsx_holds_the_same_rows_sorted_as_asked(self):
        rows = xlsx_rows(self.get("?sort=residual&_export=xlsx"))
        self.assertEqual(rows[0], COLUMNS)
        self.assertEqual([row[0] for row in rows[1:]], ["SR-03", "OR-01", "SR-02", "SR-01"])

    def test_a_formula_is_neutralised(self):
        rows = csv_rows(self.get("?band=low&_export=csv"))
        self.assertEqual(rows[1][1], '\'=HYPERLINK("http://example.com")')
        rows = xlsx_rows(self.get("?band=low&_export=xlsx"))
        self.assertEqual(rows[1][1], '\'=HYPERLINK("http://example.com")')

    def test_the_page_offers_the_exports_of_the_filtered_rows(self):
        response = self.get("?band=high")
        self.assertContains(response, "Download this risk as CSV")
        self.assertContains(response, 'href="/risks/?band=high&amp;_export=csv"')


class RegisterQueries(RolesTestCase):
    def test_the_same_number_of_queries_with_more_risks(self):
        self.client.force_login(self.pat)
        owners = [make_person() for _ in range(3)]
        counts: dict[str, list[int]] = {}
        for total in (2, 30):
            while Risk.objects.count() < total:
                n = Risk.objects.count()
                make_risk(owner=owners[n % 3], directorate=self.place if n % 2 else None)
            for query in ("", "?band=high&sort=-residual", "?_export=xlsx", "?page=2"):
                with CaptureQueriesContext(connection) as queries:
                    response = self.client.get(RISKS + query)
                self.assertEqual(response.status_code, 200)
                counts.setdefault(query, []).append(len(queries))
        for query, numbers in counts.items():
            with self.subTest(query=query):
                self.assertEqual(numbers[0], numbers[1], numbers)
        self.assertLessEqual(max(counts[""]), 10)

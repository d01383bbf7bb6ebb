"""Checking rows against a plan (plans.imports.checking, plans.imports.values): every
problem in words with its row and column, what importing would do, how names, dates and
ratings are understood, and a number of queries that does not grow with the rows."""

import datetime
from unittest import mock

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from biip.models import RAG, PublicationStatus
from plans.imports import checking, values
from plans.imports.checking import check, columns_of
from plans.imports.fields import guess_mapping
from plans.imports.reading import FORMULA, CellError
from plans.imports.values import Invalid
from plans.models import current_period
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_directorate,
    make_organisation,
    make_person,
    make_recommendation,
    make_source,
    make_update,
)
from tests.import_helpers import HEADINGS, reference_data, row


def run_check(plan, rows: list[list], headers: list[str] = HEADINGS, **kwargs):
    """Check `rows` (from row 2, as under a heading row) with the guessed mapping, for
    `user` to import (None unless given: no one's own update is revised)."""
    kwargs.setdefault("user", None)
    mapping = guess_mapping(headers)
    columns = columns_of(mapping)
    numbered = [
        (number, [cells[i] if i < len(cells) else None for i in columns])
        for number, cells in enumerate(rows, start=2)
    ]
    return check(plan=plan, headers=headers, mapping=mapping, rows=numbered, **kwargs)


class CheckTestCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)

    def messages(self, outcome) -> list[tuple]:
        return [(e["row"], e["column"], e["message"]) for e in outcome.errors]


class Outcomes(CheckTestCase):
    def test_clean_rows_are_new_actions(self):
        outcome = run_check(self.plan, [row(ref="IP19-01"), row(ref="IP19-02", rag="A")])
        self.assertEqual(outcome.errors, [])
        self.assertEqual((outcome.rows, len(outcome.new), len(outcome.changed)), (2, 2, 0))
        new = outcome.new[1]
        self.assertEqual((new.number, new.reference, new.action), (3, "IP19-02", None))
        self.assertEqual(
            new.values,
            {
                "title": "Set a balanced budget",
                "original_due_date": datetime.date(2020, 3, 31),
                "directorate_id": self.finance.pk,
                "lead_officer_id": self.kate.pk,
                "rag": RAG.AMBER,
            },
        )

    def test_actions_already_in_the_plan_are_matched_by_reference_any_case(self):
        same = make_action(
            plan=self.plan,
            reference="IP19-01",
            title="Set a balanced budget",
            directorate=self.finance,
            lead_officer=self.kate,
            original_due_date=datetime.date(2020, 3, 31),
            rag=RAG.GREEN,
        )
        moved = make_action(
            plan=self.plan,
            reference="IP19-02",
            title="Old title",
            directorate=self.finance,
            lead_officer=self.kate,
            original_due_date=datetime.date(2020, 3, 31),
            rag=RAG.GREEN,
        )
        make_action(reference="IP19-03")  # another plan's: a new action here
        outcome = run_check(
            self.plan,
            [row(ref="ip19-01"), row(ref="IP19-02", title="New title", rag="R"), row("IP19-03")],
        )
        self.assertEqual(outcome.errors, [])
        self.assertEqual(outcome.unchanged, 1)
        # Without a Version column nothing says the file is newer: a change is a conflict.
        self.assertEqual(outcome.changed, [])
        [changed] = outcome.conflicts
        self.assertEqual(changed.action, moved)
        self.assertEqual(changed.changed, ["title", "rag"])
        self.assertEqual(changed.update, {"rag": RAG.RED, "narrative": ""})
        self.assertEqual(
            changed.differences,
            [
                {"field": "Title", "file": "New title", "current": "Old title"},
                {"field": "RAG", "file": "Red", "current": "Green"},
            ],
        )
        self.assertEqual([r.reference for r in outcome.new], ["IP19-03"])
        self.assertNotEqual(same.pk, None)

    def test_no_rows(self):
        outcome = run_check(self.plan, [])
        self.assertEqual(
            self.messages(outcome),
            [(None, "", "The file has no rows of actions below its headings")],
        )

    def test_progress_is_reported_every_few_rows(self):
        seen = []
        with mock.patch.object(checking, "PROGRESS_EVERY", 2):
            run_check(self.plan, [row(ref=f"A-{n}") for n in range(5)], progress=seen.append)
        self.assertEqual(seen, [2, 4])

    def test_queries_do_not_grow_with_the_rows(self):
        for n in range(3):
            make_action(plan=self.plan, reference=f"A-{n}", directorate=self.finance)
        headers = [*HEADINGS, "Kerslake ref", "Theme", "Lead member"]
        make_recommendation(make_source(), reference="K-01")

        def queries(count: int) -> int:
            rows = [row(ref=f"A-{n}") + ["K-01", "c", "Kate Charlton"] for n in range(count)]
            with CaptureQueriesContext(connection) as captured:
                outcome = run_check(self.plan, rows, headers)
            self.assertEqual(outcome.errors, [])
            return len(captured)

        self.assertEqual(queries(3), queries(60))


class Problems(CheckTestCase):
    def test_each_problem_in_words_with_row_and_column(self):
        rows = [
            row(ref="IP19-01", directorate="Plaice"),
            row(ref="IP19-02", lead="Kate Charlon", due="31/02/2020", rag="Purple"),
            row(ref="IP19-01", due="March 2020"),
            row(ref="IP19-04", title=""),
            row(ref="IP19-05", title="x" * 301),
            row(ref="R" * 21),
            row(ref="IP19-07", due="03/31/2020"),
            row(ref="IP19-08", due="tomorrow"),
            row(ref="IP19-09", rag=FORMULA),
            row(ref="IP19-10", due=CellError("#REF!")),
        ]
        outcome = run_check(self.plan, rows)
        self.assertEqual(
            self.messages(outcome),
            [
                (
                    2,
                    "Directorate",
                    "Unknown directorate “Plaice”: use a directorate's name or short name as "
                    "the app has it, such as “Place” or “PL”",
                ),
                (
                    3,
                    "Lead Officer",
                    "Unknown lead officer “Kate Charlon”: no one of that name is in the app. "
                    "Check the spelling, or ask an administrator to add them",
                ),
                (
                    3,
                    "Target date",
                    "“31/02/2020” is not a real date: write it the UK way, for example 31/03/2019",
                ),
                (
                    3,
                    "Status (RAG)",
                    "“Purple” is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated "
                    "(or R, A, G, B)",
                ),
                (
                    4,
                    "Ref",
                    "Reference “IP19-01” is also in row 2: each action can be in the file once",
                ),
                (
                    4,
                    "Target date",
                    "“March 2020” is a month, not a date: give the day too, for example 31/03/2019",
                ),
                (5, "Action", "The title is blank: every action needs one"),
                (
                    6,
                    "Action",
                    "“" + "x" * 40 + "…” is 301 characters long: the title can be at most 300",
                ),
                (
                    7,
                    "Ref",
                    "“" + "R" * 21 + "” is 21 characters long: the reference can be at most 20",
                ),
                (
                    8,
                    "Target date",
                    "“03/31/2020” has the month first: write the day first, for example 31/03/2020",
                ),
                (
                    9,
                    "Target date",
                    "“tomorrow” is not a date the importer understands: write it the UK way, for "
                    "example 31/03/2019 or 31 March 2019",
                ),
                (10, "Status (RAG)", "contains a formula; paste the value instead"),
                (
                    11,
                    "Target date",
                    "contains the spreadsheet error #REF!; correct it or clear the cell",
                ),
            ],
        )
        self.assertEqual(outcome.error_rows, set(range(2, 12)))
        self.assertEqual((outcome.new, outcome.changed), ([], []))

    def test_a_required_column_left_blank(self):
        outcome = run_check(self.plan, [row(directorate="", lead="  ", due=None)])
        self.assertEqual(
            [message for _, _, message in self.messages(outcome)],
            [
                "The directorate is blank: every action needs one",
                "The lead officer is blank: every action needs one",
                "The original due date is blank: every action needs one",
            ],
        )

    def test_the_column_is_named_by_letter_when_it_has_no_heading(self):
        headers = ["Ref", "Action", "Directorate", "Lead officer", "Target date", ""]
        mapping = {**guess_mapping(headers), "rag": 5}
        outcome = check(
            plan=self.plan,
            headers=headers,
            mapping=mapping,
            rows=[(2, ["A-1", "T", "FG", "Kate Charlton", "31/03/2020", "Pink"])],
            user=None,
        )
        self.assertEqual(outcome.errors[0]["column"], "Column F")

    def test_due_dates_before_the_start_date(self):
        headers = [*HEADINGS, "Start date", "Revised date"]
        outcome = run_check(
            self.plan, [row(due="31/03/2019") + ["01/04/2019", "30/03/2019"]], headers
        )
        self.assertEqual(
            [(column, message) for _, column, message in self.messages(outcome)],
            [
                (
                    "Target date",
                    "The original due date (31/03/2019) is before the start date (01/04/2019)",
                ),
                (
                    "Revised date",
                    "The revised due date (30/03/2019) is before the start date (01/04/2019)",
                ),
            ],
        )

    def test_the_start_date_of_an_action_already_in_the_plan_counts(self):
        make_action(plan=self.plan, reference="A-1", start_date=datetime.date(2019, 4, 1))
        outcome = run_check(self.plan, [row(ref="A-1", due="31/03/2019")])
        self.assertIn("is before the start date (01/04/2019)", outcome.errors[0]["message"])

    def test_a_row_for_another_plan(self):
        headers = [*HEADINGS, "Plan"]
        outcome = run_check(
            self.plan, [row(ref="A-1") + ["IP19"], row(ref="A-2") + ["CGIP"]], headers
        )
        self.assertEqual(
            self.messages(outcome),
            [
                (
                    3,
                    "Plan",
                    "This row is for the plan “CGIP”, not IP19: import it into its own plan, or "
                    "remove the row",
                )
            ],
        )

    def test_exempt_only_where_the_action_already_is(self):
        headers = [*HEADINGS, "Publication status"]
        make_action(
            plan=self.plan,
            reference="A-1",
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=3,
            exemption_review_date=datetime.date(2020, 1, 1),
        )
        outcome = run_check(
            self.plan, [row(ref="A-1") + ["Exempt"], row(ref="A-2") + ["exempt"]], headers
        )
        self.assertEqual([e["row"] for e in outcome.errors], [3])
        self.assertIn("import it as Confidential", outcome.errors[0]["message"])

    def test_unknown_recommendations_are_named(self):
        make_recommendation(make_source(), reference="K-06")
        headers = [*HEADINGS, "Kerslake ref"]
        outcome = run_check(self.plan, [row() + ["K-06, K-99; 7"]], headers)
        self.assertEqual(
            outcome.errors[0]["message"],
            "No recommendations with the references “K-99”, “7”: give references as the app "
            "has them, such as K-07",
        )

    def test_errors_are_capped_with_a_note(self):
        with mock.patch.object(checking, "MAX_ERRORS", 3):
            outcome = run_check(self.plan, [row(ref=f"A-{n}", rag="Pink") for n in range(5)])
        self.assertEqual((len(outcome.errors), outcome.error_count), (3, 5))
        self.assertEqual(
            outcome.errors_note,
            "The first 3 of 5 problems are listed: correct them and check the file again to "
            "see the rest.",
        )


class Lookups(CheckTestCase):
    def only_row(self, cells, headers=HEADINGS):
        outcome = run_check(self.plan, [cells], headers)
        self.assertEqual(outcome.errors, [])
        return outcome.new[0]

    def test_directorates_by_name_or_short_name_in_any_case(self):
        for written in ("Finance and Governance", "FG", "fg", "finance & governance "):
            with self.subTest(written=written):
                new = self.only_row(row(directorate=written))
                self.assertEqual(new.values["directorate_id"], self.finance.pk)

    def test_people_with_or_without_an_honorific(self):
        leader = make_person(name="Cllr Ian Ward", organisation=self.council)
        headers = [*HEADINGS, "Cabinet member"]
        for written in ("Cllr Ian Ward", "Councillor Ian Ward", "ian ward"):
            with self.subTest(written=written):
                new = self.only_row(row() + [written], headers)
                self.assertEqual(new.values["lead_member_id"], leader.pk)

    def test_a_name_two_people_share_means_the_one_in_the_rows_directorate(self):
        make_person(name="Kate Charlton", directorate=self.place)
        new = self.only_row(row())
        self.assertEqual(new.values["lead_officer_id"], self.kate.pk)

    def test_a_version_must_be_a_whole_number(self):
        outcome = run_check(self.plan, [row(ref="A-1") + ["v3"]], [*HEADINGS, "Version"])
        self.assertEqual(
            [error["message"] for error in outcome.errors],
            ["“v3” is not a version: leave the Version column as the export wrote it"],
        )

    def test_a_name_two_people_share_keeps_the_actions_lead_officer(self):
        other = make_person(name="Kate Charlton")
        make_action(plan=self.plan, reference="A-1", directorate=self.place, lead_officer=other)
        outcome = run_check(self.plan, [row(ref="A-1", directorate="Place")])
        self.assertEqual(outcome.errors, [])
        self.assertNotIn("lead_officer_id", outcome.conflicts[0].changed)

    def test_a_name_that_cannot_be_told_apart(self):
        elsewhere = make_directorate(name="Elsewhere", organisation=make_organisation())
        make_person(name="Sam Jones", organisation=elsewhere.organisation)
        make_person(name="Sam Jones", organisation=make_organisation())
        outcome = run_check(self.plan, [row(lead="Sam Jones")])
        self.assertIn("More than one person is called “Sam Jones”", outcome.errors[0]["message"])

    def test_themes_by_code_name_or_as_the_app_writes_them(self):
        headers = [*HEADINGS, "Theme"]
        cases = {
            "c": self.theme_c,
            "(c) Organisational culture": self.theme_c,
            "LGA-2": self.theme_lga,
            "lga 2": self.theme_lga,
        }
        for written, theme in cases.items():
            with self.subTest(written=written):
                self.assertEqual(
                    self.only_row(row() + [written], headers).values["theme_id"], theme.pk
                )

    def test_a_theme_name_two_frameworks_share(self):
        headers = [*HEADINGS, "Theme"]
        outcome = run_check(self.plan, [row() + ["Organisational culture"]], headers)
        self.assertEqual(
            outcome.errors[0]["message"],
            "“Organisational culture” could be more than one theme: use the theme's code "
            "(c, LGA-2)",
        )
        make_action(plan=self.plan, theme=self.theme_c)
        new = self.only_row(row(ref="A-9") + ["Organisational culture"], headers)
        self.assertEqual(new.values["theme_id"], self.theme_c.pk)
        make_action(plan=self.plan, theme=self.theme_lga)
        new = self.only_row(row(ref="A-9") + ["Organisational culture"], headers)
        self.assertEqual(new.values["theme_id"], self.theme_lga.pk, "as the export writes it")

    def test_recommendations_separated_any_way(self):
        source = make_source()
        k06 = make_recommendation(source, reference="K-06")
        k07 = make_recommendation(source, reference="K-07")
        headers = [*HEADINGS, "Kerslake ref"]
        for written in ("K-06, K-07", "K-06;K-07", "k06 / K-07", "K-06\nK-07"):
            with self.subTest(written=written):
                new = self.only_row(row() + [written], headers)
                self.assertEqual(new.recommendation_ids, {k06.pk, k07.pk})


class BlankCells(CheckTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            plan=cls.plan,
            reference="A-1",
            title="Set a balanced budget",
            description="Old description",
            directorate=cls.finance,
            lead_officer=cls.kate,
            original_due_date=datetime.date(2020, 3, 31),
            revised_due_date=datetime.date(2020, 6, 30),
            revision_reason="Delayed",
            rag=RAG.AMBER,
        )

    def test_a_blank_cell_clears_its_field_but_not_the_rag(self):
        headers = [*HEADINGS, "Revised date", "Revision reason"]
        outcome = run_check(self.plan, [row(ref="A-1", rag="") + ["", ""]], headers)
        [changed] = outcome.conflicts
        self.assertEqual(changed.changed, ["revision_reason", "revised_due_date"])
        self.assertNotIn("rag", changed.values)

    def test_fields_not_in_the_file_are_left_as_they_are(self):
        outcome = run_check(self.plan, [row(ref="A-1", rag="Amber")])
        self.assertEqual(outcome.unchanged, 1)

    def test_the_progress_update_is_the_description_only_without_a_description_column(self):
        headers = [*HEADINGS, "Progress update"]
        outcome = run_check(self.plan, [row(ref="A-9", rag="A") + ["£2.5m saved"]], headers)
        self.assertEqual(outcome.new[0].values["description"], "£2.5m saved")
        # On an action already in the plan it is a monthly update, not its description.
        outcome = run_check(self.plan, [row(ref="A-1", rag="A") + ["£2.5m saved"]], headers)
        self.assertEqual(
            outcome.conflicts[0].update, {"rag": RAG.AMBER, "narrative": "£2.5m saved"}
        )
        self.assertNotIn("description", outcome.conflicts[0].values)
        outcome = run_check(self.plan, [row(ref="A-1", rag="A") + [""]], headers)
        self.assertEqual(outcome.unchanged, 1, "a blank progress update changes nothing")
        headers = [*HEADINGS, "Progress update", "Description"]
        outcome = run_check(
            self.plan, [row(ref="A-1", rag="A") + ["£2.5m saved", "Old description"]], headers
        )
        self.assertEqual(outcome.conflicts[0].changed, ["progress"])


class MonthsUpdate(CheckTestCase):
    """A RAG or progress from the file lands on this month's update: held back (said in
    words) when that update is someone else's, recorded when it is the importer's own."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            plan=cls.plan,
            reference="A-1",
            title="Set a balanced budget",
            directorate=cls.finance,
            lead_officer=cls.kate,
            original_due_date=datetime.date(2020, 3, 31),
            rag=RAG.GREEN,
        )

    def test_held_back_when_this_months_update_is_someone_elses(self):
        update = make_update(self.action, self.olivia, period=current_period(), rag="green")
        headers = [*HEADINGS, "Progress update"]
        outcome = run_check(
            self.plan, [row(ref="A-1", rag="Red") + ["Late"]], headers, user=self.sam
        )
        [held] = outcome.held
        self.assertEqual((held.update, held.changed, outcome.held_only), (None, [], 1))
        self.assertEqual((outcome.changed, outcome.conflicts, outcome.unchanged), ([], [], 0))
        author = self.olivia.get_full_name() or self.olivia.get_username()
        self.assertIn(f"This month already has {author}’s update of ", held.held)
        self.assertIn("are not imported. Give a new update on the action’s page", held.held)
        self.assertEqual(
            held.as_held(),
            {
                "row": 2,
                "reference": "A-1",
                "action": self.action.pk,
                "message": held.held,
                "only": True,
            },
        )
        # The importer's own update of the month is revised; an earlier month's is no bar.
        outcome = run_check(self.plan, [row(ref="A-1", rag="Red")], user=self.olivia)
        self.assertEqual((outcome.held, outcome.conflicts[0].update["rag"]), ([], RAG.RED))
        update.period = current_period() - datetime.timedelta(days=40)
        update.period = update.period.replace(day=1)
        update.save()
        outcome = run_check(self.plan, [row(ref="A-1", rag="Red")], user=self.sam)
        self.assertEqual(outcome.held, [])

    def test_a_held_row_keeps_its_other_changes(self):
        make_update(self.action, self.olivia, period=current_period())
        outcome = run_check(self.plan, [row(ref="A-1", title="Renamed", rag="Red")], user=self.sam)
        self.assertEqual(outcome.held_only, 0)
        self.assertEqual([r.changed for r in outcome.conflicts], [["title"]])
        self.assertFalse(outcome.held[0].as_held()["only"])


class Values(SimpleTestCase):
    def test_dates(self):
        day = datetime.date(2019, 3, 31)
        for written in (
            "31/03/2019",
            "31/3/19",
            "31/3/2019",
            "31.03.2019",
            "31-03-2019",
            "31 March 2019",
            "31 march 2019",
            "31st March 2019",
            "31 Mar 2019",
            "31-Mar-2019",
            "31-Mar-19",
            "2019-03-31",
            "2019-03-31 00:00:00",
            "31/03/2019 00:00",
            "43555",
            43555,
            43555.0,
            datetime.datetime(2019, 3, 31),
            day,
        ):
            with self.subTest(written=written):
                self.assertEqual(values.date(written), day)
        self.assertIsNone(values.date(None))
        self.assertIsNone(values.date("  "))

    def test_numbers_that_are_not_dates(self):
        for written in (7, "12", 1.5, 999999):
            with self.subTest(written=written), self.assertRaises(Invalid) as caught:
                values.date(written)
            self.assertIn("is a number, not a date", caught.exception.message)

    def test_rag(self):
        cases = {
            "Red": RAG.RED,
            "r": RAG.RED,
            " AMBER ": RAG.AMBER,
            "a": RAG.AMBER,
            "Green": RAG.GREEN,
            "G": RAG.GREEN,
            "blue": RAG.BLUE,
            "B": RAG.BLUE,
            "Not yet rated": RAG.NOT_RATED,
            "not  rated": RAG.NOT_RATED,
        }
        for written, rating in cases.items():
            with self.subTest(written=written):
                self.assertEqual(values.rag(written), rating)
        self.assertIsNone(values.rag(""))
        for written in ("Purple", "Green/Amber", "1"):
            with self.subTest(written=written), self.assertRaises(Invalid):
                values.rag(written)

    def test_text(self):
        self.assertEqual(values.text("  Set a budget \r\n"), "Set a budget")
        self.assertEqual(values.text(12.0), "12")
        self.assertEqual(values.text(1.5), "1.5")
        self.assertEqual(values.text(None), "")
        self.assertEqual(values.text(datetime.datetime(2019, 3, 31)), "31/03/2019")

    def test_the_exports_formula_quote_is_taken_off(self):
        for neutralised, original in (
            ("'=SUM(A1)", "=SUM(A1)"),
            ("'+44 121", "+44 121"),
            ("'-5% spend", "-5% spend"),
            ("'@home", "@home"),
        ):
            with self.subTest(neutralised=neutralised):
                self.assertEqual(values.text(neutralised), original)
        self.assertEqual(values.text("'quoted'"), "'quoted'")

    def test_publication_status(self):
        self.assertEqual(values.publication_status("Confidential"), "confidential")
        self.assertEqual(values.publication_status("PUBLIC"), "public")
        self.assertIsNone(values.publication_status(""))
        with self.assertRaises(Invalid):
            values.publication_status("Secret")

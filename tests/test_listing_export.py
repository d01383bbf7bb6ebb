"""biip.listing's exports: the rows are the ones django-tables2 itself would give (worked
out column by column instead of cell by cell), made safe from formulas, and written as
CSV or XLSX."""

import csv
import datetime
import io

import django_tables2 as tables
import openpyxl
from django.test import TestCase

from biip.listing import export_response, neutralise
from biip.models import RAG
from meetings.models import MeetingAction
from meetings.tables import MeetingActionTable
from plans.models import Action, AssuranceStatus, Risk
from plans.risk_tables import RiskTable
from plans.tables import ActionTable
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_person,
    make_risk,
    make_theme,
)

TODAY = datetime.date(2019, 11, 20)


def library_values(table) -> list[list]:
    """What django-tables2's own Table.as_values gives, each cell neutralised."""
    rows = tables.Table.as_values(table)
    return [next(rows)] + [[neutralise(value) for value in row] for row in rows]


class ExportValuesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        theme = make_theme(name="Political leadership")
        make_action(
            reference="A-1",
            title='=HYPERLINK("http://example.com")',
            theme=theme,
            rag=RAG.RED,
            assurance=AssuranceStatus.NOT_ASSURED,
            assured_rag=RAG.AMBER,
            start_date=datetime.date(2019, 1, 1),
            original_due_date=datetime.date(2019, 3, 31),
            revised_due_date=datetime.date(2019, 9, 30),
        )
        make_action(reference="A-2", title="No theme, never updated", theme=None)
        make_risk(reference="R-1", title="@SUM(1)", trend=Risk.Trend.WORSENING)
        make_risk(reference="R-2", title="A risk with no review date", review_date=None)
        meeting = make_meeting()
        minute = make_minute(make_agenda_item(meeting))
        make_meeting_action(minute, make_person(name="Ann Owner"), description="-1+1")
        make_meeting_action(
            minute,
            make_person(),
            status=MeetingAction.Status.DONE,
            completed_on=datetime.date(2019, 3, 1),
            due_date=None,
        )

    def assert_same_as_the_library(self, table):
        ours = list(table.as_values())
        self.assertEqual(ours, library_values(table))
        return ours

    def test_action_rows_are_django_tables2s_with_formulas_made_safe(self):
        rows = self.assert_same_as_the_library(ActionTable(Action.objects.order_by("reference")))
        self.assertEqual(rows[0][:3], ["Reference", "Title", "Plan"])
        self.assertEqual(rows[1][1], '\'=HYPERLINK("http://example.com")')
        self.assertIn("Not assured: Amber", rows[1])
        self.assertIn(183, rows[1])  # slippage in days
        self.assertIsNone(rows[2][3])  # no theme: an empty cell

    def test_risk_rows_choice_labels_and_empty_cells_are_the_librarys(self):
        rows = self.assert_same_as_the_library(
            RiskTable(Risk.objects.order_by("reference"), today=TODAY)
        )
        self.assertEqual(rows[1][1], "'@SUM(1)")
        self.assertIn("Worsening", rows[1])  # a choices field gives its label

    def test_meeting_action_rows_are_the_librarys(self):
        rows = self.assert_same_as_the_library(
            MeetingActionTable(MeetingAction.objects.order_by("pk"), today=TODAY)
        )
        self.assertIn("'-1+1", rows[1])

    def test_xlsx_has_one_sheet_with_a_bold_frozen_header_and_every_row(self):
        table = ActionTable(Action.objects.order_by("reference"))
        response = export_response(table, "xlsx", filename="actions-2019-11-20", title="Actions")
        self.assertEqual(
            response["Content-Disposition"], 'attachment; filename="actions-2019-11-20.xlsx"'
        )
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertEqual(workbook.sheetnames, ["Actions"])
        sheet = workbook["Actions"]
        self.assertEqual(sheet.freeze_panes, "A2")
        self.assertTrue(sheet["A1"].font.bold)
        cells = [[cell if cell is not None else "" for cell in row] for row in sheet.values]
        expected = [
            [cell if cell is not None else "" for cell in row] for row in library_values(table)
        ]
        self.assertEqual(cells, expected)

    def test_csv_holds_the_same_rows(self):
        table = RiskTable(Risk.objects.order_by("reference"), today=TODAY)
        response = export_response(table, "csv", filename="risks", title="Risks")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        expected = [
            ["" if cell is None else str(cell) for cell in row] for row in library_values(table)
        ]
        self.assertEqual(rows, expected)

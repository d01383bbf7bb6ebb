"""`manage.py measure_reports` generates each report in the database and prints its time
and peak memory, saving nothing."""

import io

from django.core.management import CommandError, call_command

from reports.models import ReportVersion
from tests.base import RolesTestCase
from tests.factories import make_report, make_report_snapshot


class MeasureReportsCommand(RolesTestCase):
    def test_it_measures_each_report_internal_and_public_and_saves_nothing(self):
        snapshot = make_report_snapshot()
        make_report(self.sam, snapshot=snapshot)
        out = io.StringIO()
        call_command("measure_reports", "--repeat", "1", stdout=out)
        lines = out.getvalue().splitlines()
        letter = [line for line in lines if line.startswith("Letter to the Secretary of State")]
        self.assertEqual(len(letter), 2)
        self.assertIn("internal", letter[0])
        self.assertIn("public", letter[1])
        self.assertRegex(letter[0], r"\d+\.\d\ds +\d+ MB")
        self.assertIn("Stock-take report                  no report of this kind", out.getvalue())
        self.assertIn("Data: the January 2019 snapshot", out.getvalue())
        self.assertEqual(ReportVersion.objects.count(), 0)

    def test_a_month_without_a_snapshot_is_refused(self):
        make_report(self.sam)
        with self.assertRaisesMessage(CommandError, "No closed cycle for 2018-05."):
            call_command("measure_reports", "--period", "2018-05", stdout=io.StringIO())

"""reports.rendering.document_input: a document reads its snapshot's rows for its own plan
only, the snapshot's and the one before's (the rest of the snapshot is as it was)."""

import datetime

from reports.rendering import document_input
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_report, make_report_snapshot, make_risk


class DocumentInputTests(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.other = make_plan(title="Corporate Governance Improvement Plan")
        make_action(plan=cls.plan, reference="IP-1")
        make_action(plan=cls.other, reference="CG-1")
        make_risk(reference="SR-01")
        make_report_snapshot(datetime.date(2019, 1, 1), user=cls.sam)
        cls.snapshot = make_report_snapshot(datetime.date(2019, 2, 1), user=cls.sam)
        cls.report = make_report(cls.sam, kind="pack", plan=cls.plan, snapshot=cls.snapshot)

    def test_only_the_reports_plans_actions_are_read_from_both_snapshots(self):
        doc = document_input(self.report, public=False, draft=True, snapshot=self.snapshot)
        self.assertEqual([row.reference for row in doc.dataset.actions], ["IP-1"])
        self.assertEqual([row.reference for row in doc.previous.actions], ["IP-1"])
        self.assertEqual([row.reference for row in doc.dataset.risks], ["SR-01"])
        self.assertEqual(self.snapshot.actions.count(), 2)  # the snapshot holds both plans'

"""biip.publication: the one withholding rule, asked directly and through a report's public
version (reports.rendering.document_input), without the worker (the acceptance test,
tests/test_public_withholding.py, runs it through the whole life of a programme)."""

import datetime

from biip.models import PublicationStatus
from biip.publication import verdict, withheld_heading
from meetings.models import FormalAdvice, Meeting, MeetingAction
from plans.models import Action
from reports.models import ReportSection
from reports.rendering import document_input, render_document_html
from reports.services import update_section
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_report,
    make_report_snapshot,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2020, 3, 31),
}
CONFIDENTIAL = {"publication_status": PublicationStatus.CONFIDENTIAL}


class VerdictTest(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        cls.item = make_agenda_item(cls.meeting, number=1)
        cls.exempt_item = make_agenda_item(cls.meeting, number=2, **EXEMPT)
        cls.minute = make_minute(cls.item, number=1)
        cls.secret_minute = make_minute(cls.item, number=2, **CONFIDENTIAL)
        cls.under_exempt = make_minute(cls.exempt_item, number=3)
        owner = cls.olivia.person
        cls.action = make_meeting_action(cls.minute, owner)
        cls.of_secret_minute = make_meeting_action(cls.secret_minute, owner)
        cls.of_exempt_item = make_meeting_action(cls.under_exempt, owner)

    def fresh(self, action):
        return MeetingAction.objects.get(pk=action.pk)

    def test_a_public_action_of_public_records_is_public(self):
        self.assertTrue(verdict(self.fresh(self.action)).public)

    def test_an_action_is_withheld_with_its_minute(self):
        answer = verdict(self.fresh(self.of_secret_minute))
        self.assertFalse(answer.public)
        self.assertEqual(answer.reason, "Withheld with its minute")

    def test_an_action_is_withheld_with_its_minutes_agenda_item(self):
        answer = verdict(self.fresh(self.of_exempt_item))
        self.assertFalse(answer.public)
        self.assertEqual(answer.reason, "Withheld with its minute")
        self.assertEqual(verdict(self.under_exempt).reason, "Withheld with its agenda item")

    def test_nothing_of_a_meeting_is_public_until_its_minutes_are_published(self):
        for status in ("scheduled", "held", "drafted", "agreed"):
            Meeting.objects.filter(pk=self.meeting.pk).update(status=status)
            answer = verdict(self.fresh(self.action))
            self.assertFalse(answer.public, status)
            self.assertIn("minutes of its meeting are published", answer.reason)

    def test_formal_advice_has_a_status_and_its_meeting(self):
        advice = FormalAdvice.objects.create(meeting=self.meeting, advice="Cut.", **EXEMPT)
        self.assertIn("paragraph 4 of Schedule 12A", verdict(advice).reason)
        advice.publication_status, advice.exemption_paragraph = "public", None
        advice.exemption_review_date = None
        advice.save()
        self.assertTrue(verdict(FormalAdvice.objects.get(pk=advice.pk)).public)

    def test_the_neutral_heading(self):
        answer = verdict(self.exempt_item)
        self.assertEqual(
            withheld_heading(3, answer),
            "Section 3: withheld, exempt under paragraph 4 of Schedule 12A",
        )
        self.assertEqual(
            withheld_heading(2, verdict(self.secret_minute)), "Section 2: withheld, confidential"
        )


class PublicReportTest(RolesTestCase):
    """The report half: the pack's public version, from a closed cycle's snapshot."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan()
        cls.late = make_action(plan=cls.plan, title="LATE-ACTION")
        published = make_meeting(status=Meeting.Status.PUBLISHED)
        item = make_agenda_item(published, number=1)
        secret = make_minute(item, number=1, **CONFIDENTIAL)
        owner = cls.olivia.person
        make_meeting_action(secret, owner, description="UNDER-SECRET-MINUTE")
        agreed = make_meeting(date=datetime.date(2019, 1, 15), status="agreed")
        make_meeting_action(
            make_minute(make_agenda_item(agreed, number=1), number=1),
            owner,
            description="OF-UNPUBLISHED-MEETING",
        )
        cls.snapshot = make_report_snapshot(datetime.date(2019, 1, 1))
        cls.report = make_report(cls.sam, kind="pack", plan=cls.plan, snapshot=cls.snapshot)
        summary = cls.report.sections.get(key="summary")
        update_section(
            user=cls.sam,
            section=summary,
            heading="SECRET-HEADING",
            body="SECRET-BODY",
            **EXEMPT,
        )

    def html(self, *, public: bool) -> str:
        doc = document_input(self.report, public=public, draft=True, snapshot=self.snapshot)
        return render_document_html(doc, for_pdf=True)

    def test_actions_arising_withheld_with_their_minute_or_meeting(self):
        public, internal = self.html(public=True), self.html(public=False)
        for text in ("UNDER-SECRET-MINUTE", "OF-UNPUBLISHED-MEETING"):
            self.assertIn(text, internal)
            self.assertNotIn(text, public)
        self.assertIn("Withheld until the minutes of its meeting are published", public)

    def test_the_frozen_status_holds_the_minutes_withholding(self):
        frozen = {row.description: row for row in self.snapshot.meeting_actions.all()}
        self.assertEqual(frozen["UNDER-SECRET-MINUTE"].publication_status, "confidential")

    def test_a_record_made_confidential_after_close_is_withheld(self):
        self.assertIn("LATE-ACTION", self.html(public=True))
        Action.objects.filter(pk=self.late.pk).update(**CONFIDENTIAL)
        self.assertEqual(self.snapshot.actions.get(action=self.late).publication_status, "public")
        self.assertNotIn("LATE-ACTION", self.html(public=True))

    def test_a_withheld_sections_heading_is_neutral_unless_publishable(self):
        public = self.html(public=True)
        self.assertNotIn("SECRET-HEADING", public)
        self.assertNotIn("SECRET-BODY", public)
        doc = document_input(self.report, public=True, draft=True, snapshot=self.snapshot)
        self.assertEqual(
            doc.section("summary").heading,
            "Section 1: withheld, exempt under paragraph 4 of Schedule 12A",
        )
        ReportSection.objects.filter(report=self.report, key="summary").update(heading_public=True)
        doc = document_input(self.report, public=True, draft=True, snapshot=self.snapshot)
        self.assertEqual(doc.section("summary").heading, "SECRET-HEADING")

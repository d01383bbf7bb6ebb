"""Attack inputs: script and HTML typed into any text field are shown as text, on the
pages, in the CSV and XLSX exports and in the PDFs; a cell a spreadsheet would read as a
formula is neutralised in every export.

Every text field (CharField and TextField without choices) of every model users fill in
is found from the models themselves and given its own payload, so a field added later
is covered without changing this test; a model with text fields that this test does not
fill fails `test_every_model_with_text_is_filled` until it is added (or listed below
with the reason it is not)."""

import csv
import datetime
import io
import itertools
import re
from decimal import Decimal

import openpyxl
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from biip.models import RAG
from meetings.models import Attendance, FormalAdvice, Meeting, MinutesAmendment
from plans.models import (
    Assurance,
    Challenge,
    EscalationDecision,
    Evidence,
    Milestone,
    SmartAssessment,
)
from reports import rendering, services
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_attendance,
    make_engagement,
    make_indicator,
    make_indicator_value,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_plan,
    make_recommendation,
    make_report,
    make_risk,
    make_source,
    make_theme,
    make_update,
)

# Text fields no user types: the stored type of an upload (chosen from an allow-list),
# a section's internal key, the background task's id and its messages.
NOT_TYPED = {
    ("plans", "Evidence", "content_type"),
    ("reports", "ReportSection", "key"),
    ("reports", "ReportVersion", "task_id"),
    ("reports", "ReportVersion", "message"),
}
# Models with text this test does not fill, and why.
NOT_FILLED = {
    # copies of live fields, made by snapshot_cycle from the fields filled here
    ("reports", "ActionSnapshot"),
    ("reports", "RiskSnapshot"),
    ("reports", "IndicatorSnapshot"),
    ("reports", "MeetingActionSnapshot"),
    ("reports", "RecommendationSnapshot"),
    # an import's file name and the app's own message (tests/test_import_*.py)
    ("plans", "ImportJob"),
    # system records
    ("reports", "ReportVersion"),
    # the public outline frozen at publication, made from the fields filled here
    ("meetings", "MinutesPublication"),
}
APPS = ("biip", "plans", "meetings", "reports")


def text_fields(model) -> list[models.Field]:
    label = (model._meta.app_label, model.__name__)
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not field.choices
        and (*label, field.name) not in NOT_TYPED
    ]


def app_models():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            if not model.__name__.startswith("Historical") and text_fields(model):
                yield model


class Payload:
    """A distinct payload for each field: `<script>alert(N)</script><b>x</b><img src=x
    onerror=alert(N)>`, or `<i>N</i>` where the field is too short for it."""

    def __init__(self, number: int, max_length: int | None):
        self.number = number
        long = f"<script>alert({number})</script><b>x</b><img src=x onerror=alert({number})>"
        self.short = max_length is not None and max_length < len(long)
        self.text = f"<i>{number}</i>" if self.short else long

    @property
    def raw(self) -> list[str]:
        """What must never appear in a page: the payload as markup."""
        if self.short:
            return [self.text]
        return [f"<script>alert({self.number})", f"<img src=x onerror=alert({self.number})>"]

    @property
    def escaped(self) -> str:
        """How it appears when shown as text."""
        if self.short:
            return f"&lt;i&gt;{self.number}&lt;/i&gt;"
        return f"&lt;script&gt;alert({self.number})&lt;/script&gt;"


NUMBERS = itertools.count(100)


def fill(obj: models.Model, payloads: dict) -> None:
    """Every typed text field of obj gets its own payload (saved with history)."""
    model = type(obj)
    for field in text_fields(model):
        payload = Payload(next(NUMBERS), field.max_length)
        # the first record of a model names its fields' payloads; all are checked
        payloads.setdefault((model.__name__, field.name), payload)
        payloads[(model.__name__, field.name, obj.pk)] = payload
        setattr(obj, field.attname, payload.text)
    obj.save()


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(content: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


class AttackInputsCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        payloads: dict = {}
        cls.payloads = payloads
        for obj in (cls.council, cls.finance, cls.olivia.person, cls.pat.person, cls.sam.person):
            fill(obj, payloads)
        plan = make_plan(is_current=True)
        theme = make_theme()
        source = make_source()
        recommendation = make_recommendation(source, theme=theme)
        action = make_action(
            plan=plan,
            theme=theme,
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
            rag=RAG.AMBER,
            revised_due_date=datetime.date(2020, 3, 31),
        )
        action.recommendations.add(recommendation)
        milestone = Milestone.objects.create(
            action=action, title="M", due_date=datetime.date(2019, 10, 1)
        )
        update = make_update(action, cls.olivia, period=datetime.date(2019, 11, 1))
        assurance = Assurance.objects.create(
            update=update, decision=Assurance.Decision.CHALLENGED, decided_by=cls.pat
        )
        challenge = Challenge.objects.create(
            action=action,
            update=update,
            question="Q",
            response="R",
            raised_by=cls.pat,
            responded_by=cls.olivia,
            status=Challenge.Status.ANSWERED,
        )
        evidence = Evidence(
            update=update,
            original_name="x.pdf",
            content_type="application/pdf",
            size=5,
            uploaded_by=cls.olivia,
            file="evidence/2019-11/0123456789abcdef0123456789abcdef",
        )
        risk = make_risk(owner=cls.olivia.person, residual_likelihood=5, residual_impact=5)
        risk.actions.add(action)
        decision = EscalationDecision.objects.create(
            risk=risk,
            decision=EscalationDecision.Decision.ESCALATED,
            reason="R",
            residual_score=25,
            decided_by=cls.sam,
        )
        indicator = make_indicator(directorate=cls.finance)
        value = make_indicator_value(indicator, value=Decimal("2.8"))
        engagement = make_engagement(cls.pat.person)
        assessment = SmartAssessment.objects.create(
            plan=plan,
            assessor=cls.pat.person,
            assessed_on=datetime.date(2019, 11, 5),
            specific_rating="weak",
            measurable_rating="weak",
            ambition_rating="weak",
            resourced_rating="weak",
            timed_rating="weak",
            conclusion=SmartAssessment.Conclusion.NOT_YET,
        )
        meeting = make_meeting(status=Meeting.Status.PUBLISHED)
        attendance = make_attendance(meeting, cls.pat.person, group=Attendance.Group.PANEL)
        item = make_agenda_item(meeting)
        minute = make_minute(item)
        meeting_action = make_meeting_action(minute, cls.olivia.person)
        advice = FormalAdvice.objects.create(meeting=meeting, advice="A")
        amendment = MinutesAmendment.objects.create(
            meeting=meeting, reason="R", made_by=cls.sam, finished_at=timezone.now()
        )
        report = make_report(cls.sam, plan=plan, title="Letter")
        cls.sections = list(report.sections.order_by("order", "pk"))
        records = [
            *(cls.council, cls.finance, cls.olivia.person, cls.pat.person, cls.sam.person),
            *(plan, theme, source, recommendation, action, milestone, update, assurance),
            *(challenge, evidence, risk, decision, indicator, value, engagement, assessment),
            *(meeting, attendance, item, minute, meeting_action, advice, amendment, report),
            *cls.sections,
        ]
        for obj in records[5:]:
            fill(obj, payloads)
        cls.filled = {(obj._meta.app_label, type(obj).__name__) for obj in records}
        cls.action, cls.risk, cls.meeting, cls.report = action, risk, meeting, report
        cls.update, cls.challenge, cls.indicator, cls.recommendation = (
            update,
            challenge,
            indicator,
            recommendation,
        )
        cls.meeting_action, cls.assessment, cls.plan = meeting_action, assessment, plan

    def payload(self, model: str, field: str) -> Payload:
        return self.payloads[(model, field)]

    def assert_shown_as_text(self, content: str, *fields: tuple[str, str]) -> None:
        for payload in set(self.payloads.values()):
            for raw in payload.raw:
                self.assertNotIn(raw, content)
        for model, field in fields:
            with self.subTest(field=f"{model}.{field}"):
                self.assertIn(self.payload(model, field).escaped, content)


class EveryTextField(AttackInputsCase):
    def test_every_model_with_text_is_filled(self):
        expected = {(model._meta.app_label, model.__name__) for model in app_models()} - NOT_FILLED
        self.assertEqual(expected - self.filled, set())

    def test_every_text_field_of_the_filled_models_holds_its_payload(self):
        for model in app_models():
            if model.__name__ in {name for _, name in self.filled}:
                for field in text_fields(model):
                    self.assertIn((model.__name__, field.name), self.payloads)
        self.assertGreater(len({id(payload) for payload in self.payloads.values()}), 80)


class PagesShowTextAsText(AttackInputsCase):
    """Every page that shows the filled records, as a user who may see them: no payload
    is markup, and the main fields are shown, escaped."""

    def page(self, user, url: str) -> str:
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return response.content.decode()

    def test_action_page(self):
        content = self.page(self.sam, reverse("action", args=[self.action.pk]))
        self.assert_shown_as_text(
            content,
            ("Action", "title"),
            ("Action", "description"),
            ("Action", "success_measure"),
            ("ProgressUpdate", "narrative"),
            ("Challenge", "question"),
            ("Challenge", "response"),
            ("Milestone", "title"),
            ("Directorate", "name"),
            ("Person", "name"),
        )

    def test_action_list_and_my_actions(self):
        content = self.page(self.sam, reverse("actions"))
        self.assert_shown_as_text(content, ("Action", "title"), ("Directorate", "name"))
        content = self.page(self.olivia, reverse("my-actions"))
        self.assert_shown_as_text(content, ("Action", "title"), ("MeetingAction", "description"))

    def test_dashboard(self):
        content = self.page(self.sam, reverse("home"))
        self.assert_shown_as_text(content, ("Theme", "name"), ("ImprovementPlan", "title"))

    def test_risk_page_and_list(self):
        content = self.page(self.sam, reverse("risk", args=[self.risk.pk]))
        self.assert_shown_as_text(
            content,
            ("Risk", "title"),
            ("Risk", "description"),
            ("Risk", "mitigations"),
            ("EscalationDecision", "reason"),
        )
        content = self.page(self.sam, reverse("risks"))
        self.assert_shown_as_text(content, ("Risk", "title"))

    def test_meeting_page_and_minutes(self):
        fields = [
            ("Meeting", "title"),
            ("AgendaItem", "heading"),
            ("Minute", "text"),
            ("MeetingAction", "description"),
            ("FormalAdvice", "advice"),
            ("MinutesAmendment", "reason"),
        ]
        content = self.page(self.sam, reverse("meeting", args=[self.meeting.pk]))
        self.assert_shown_as_text(content, *fields)
        content = self.page(self.sam, reverse("minutes-document", args=[self.meeting.pk]))
        self.assert_shown_as_text(content, *fields)

    def test_public_meeting_page(self):
        content = self.page(None, reverse("public-meeting", args=[self.meeting.pk]))
        self.assert_shown_as_text(
            content,
            ("Meeting", "title"),
            ("AgendaItem", "heading"),
            ("Minute", "text"),
            ("MinutesAmendment", "reason"),
        )
        content = self.page(None, reverse("public-minutes-document", args=[self.meeting.pk]))
        self.assert_shown_as_text(content, ("Minute", "text"), ("MinutesAmendment", "reason"))

    def test_report_preview(self):
        content = self.page(self.sam, reverse("report-preview", args=[self.report.pk]))
        self.assert_shown_as_text(content, ("Report", "title"), ("ReportSection", "body"))
        content = self.page(self.sam, reverse("report", args=[self.report.pk]))
        self.assert_shown_as_text(content, ("Report", "title"))

    def test_recommendations_indicators_and_the_rest(self):
        pages = {
            reverse("recommendations"): [("Recommendation", "text")],
            reverse("recommendation", args=[self.recommendation.pk]): [
                ("Recommendation", "council_response"),
            ],
            reverse("indicators"): [("Indicator", "name")],
            reverse("indicator", args=[self.indicator.pk]): [
                ("Indicator", "description"),
                ("IndicatorValue", "note"),
            ],
            reverse("plan", args=[self.plan.pk]): [("ImprovementPlan", "summary")],
            reverse("assessment", args=[self.assessment.pk]): [
                ("SmartAssessment", "summary"),
                ("SmartAssessment", "specific_comment"),
            ],
            reverse("advisers"): [("AdviserEngagement", "focus_area")],
            reverse("themes"): [("Theme", "name")],
            reverse("challenges") + "?status=all": [("Challenge", "question")],
            reverse("action-log"): [("MeetingAction", "description")],
            reverse("meeting-action", args=[self.meeting_action.pk]): [("MeetingAction", "note")],
            reverse("update-assurance", args=[self.update.pk]): [
                ("Assurance", "comment"),
                ("Evidence", "original_name"),
            ],
            reverse("cycle-status"): [("Person", "name")],
            reverse("meetings"): [("Meeting", "title")],
            reverse("coverage"): [],
        }
        for url, fields in pages.items():
            with self.subTest(url=url):
                self.assert_shown_as_text(self.page(self.sam, url), *fields)


class ExportsHoldPlainText(AttackInputsCase):
    def export(self, url: str, export_format: str) -> list[list[str]]:
        self.client.force_login(self.sam)
        response = self.client.get(f"{url}?_export={export_format}")
        self.assertEqual(response.status_code, 200)
        if export_format == "csv":
            return list(csv.reader(io.StringIO(response.content.decode())))
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        for row in sheet.iter_rows():
            for cell in row:
                self.assertNotEqual(cell.data_type, "f", cell.value)
        return [["" if v is None else str(v) for v in row] for row in sheet.values]

    def test_the_payload_is_a_plain_cell_in_every_export(self):
        cases = {
            reverse("actions"): ("Action", "title"),
            reverse("risks"): ("Risk", "title"),
            reverse("action-log"): ("MeetingAction", "description"),
        }
        for url, (model, field) in cases.items():
            for export_format in ("csv", "xlsx"):
                with self.subTest(url=url, format=export_format):
                    cells = [cell for row in self.export(url, export_format) for cell in row]
                    self.assertIn(self.payload(model, field).text, cells)


FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']


class ExportsNeutraliseFormulas(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan(is_current=True)
        meeting = make_meeting()
        minute = make_minute(make_agenda_item(meeting))
        for n, formula in enumerate(FORMULAS):
            make_action(plan=plan, reference=f"F-{n}", title=formula)
            make_risk(reference=f"FR-{n}", title=formula)
            make_meeting_action(minute, cls.olivia.person, description=formula)

    def test_a_cell_starting_like_a_formula_is_text_in_csv_and_xlsx(self):
        self.client.force_login(self.sam)
        for url in (reverse("actions"), reverse("risks"), reverse("action-log")):
            response = self.client.get(url + "?_export=csv")
            cells = [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]
            response = self.client.get(url + "?_export=xlsx")
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
            xlsx = [cell for row in sheet.iter_rows() for cell in row]
            for formula in FORMULAS:
                with self.subTest(url=url, formula=formula):
                    self.assertIn("'" + formula, cells)
                    self.assertNotIn(formula, cells)
                    # XML reads a carriage return back as a line feed
                    typed = {"'" + formula, "'" + formula.replace("\r", "\n")}
                    matching = [cell for cell in xlsx if cell.value in typed]
                    self.assertTrue(matching)
                    self.assertEqual({cell.data_type for cell in matching}, {"s"})
            self.assertFalse([cell for cell in xlsx if cell.data_type == "f"])


class PdfsShowTextAsText(AttackInputsCase):
    def test_minutes_pdf(self):
        self.client.force_login(self.sam)
        response = self.client.get(reverse("minutes-pdf", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        text = pdf_text(response.content)
        number = self.payload("Minute", "text").number
        self.assertIn(f"<script>alert({number})</script><b>x</b>", text)
        self.assertIn(f"onerror=alert({number})>", text)

    def test_public_minutes_pdf(self):
        response = Client().get(reverse("public-minutes-pdf", args=[self.meeting.pk]))
        text = pdf_text(response.content)
        number = self.payload("AgendaItem", "heading").number
        self.assertIn(f"<script>alert({number})</script>", text)

    def test_report_pdf(self):
        internal, _ = services.request_versions(user=self.sam, report=self.report)
        text = pdf_text(rendering.render_version(internal).content)
        body = self.payload("ReportSection", "body").number
        self.assertIn(f"<script>alert({body})</script><b>x</b>", text)
        title = self.payload("Report", "title").number
        self.assertIn(f"<script>alert({title})</script>", text)

"""The monthly report pack: its context from a dataset (snapshot rows built in the test,
or frozen from live data), its public version, and its HTML and PDF."""

import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from biip.models import RAG, PublicationStatus
from plans.models import Action, Cycle, Indicator, Milestone
from reports.data import Dataset, freeze
from reports.documents import DocumentInput, SectionView, pack
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    Report,
    RiskSnapshot,
    Snapshot,
)
from reports.publication import Withheld
from reports.rendering import document_input, render_document_html, render_html_pdf
from reports.services import create_report
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_agenda_item,
    make_indicator,
    make_indicator_value,
    make_meeting,
    make_meeting_action,
    make_minute,
    make_person,
    make_plan,
    make_risk,
    make_theme,
    make_update,
    make_user,
)

AS_AT = timezone.make_aware(datetime.datetime(2019, 11, 20, 18, 0))
ON = datetime.date(2019, 11, 20)
EXEMPT = {"publication_status": PublicationStatus.EXEMPT, "exemption_paragraph": 4}
REASON = (
    "Exempt under paragraph 4 of Schedule 12A to the Local Government Act 1972 "
    "(consultations or negotiations on labour relations)"
)


def action_row(plan, **kwargs) -> ActionSnapshot:
    fields = {
        "plan": plan,
        "reference": "A-1",
        "title": "An action",
        "directorate": "Finance and Governance",
        "lead_officer": "Clive Heaphy",
        "original_due_date": datetime.date(2020, 3, 31),
        "rag": RAG.GREEN,
        "last_update_period": datetime.date(2019, 11, 1),
    }
    return ActionSnapshot(**{**fields, **kwargs})


def risk_row(**kwargs) -> RiskSnapshot:
    fields = {
        "reference": "R-1",
        "title": "A risk",
        "category": "economic",
        "level": "strategic",
        "owner": "Dawn Baxendale",
        "inherent_likelihood": 5,
        "inherent_impact": 5,
        "residual_likelihood": 3,
        "residual_impact": 4,
        "target_likelihood": 2,
        "target_impact": 2,
        "tolerance": 9,
        "status": "open",
    }
    return RiskSnapshot(**{**fields, **kwargs})


def meeting_action_row(**kwargs) -> MeetingActionSnapshot:
    fields = {
        "meeting_title": "Panel meeting",
        "meeting_date": datetime.date(2019, 10, 29),
        "minute_number": 12,
        "description": "Send the workforce data",
        "owner": "Clive Heaphy",
        "due_date": datetime.date(2019, 11, 30),
        "status": "open",
    }
    return MeetingActionSnapshot(**{**fields, **kwargs})


def indicator_rows(values, **kwargs) -> list[IndicatorSnapshot]:
    fields = {
        "code": "FIN-01",
        "name": "Forecast in-year overspend",
        "unit": Indicator.Unit.GBP_MILLIONS,
        "polarity": Indicator.Polarity.LOWER_IS_BETTER,
        "target": Decimal("0"),
    }
    fields.update(kwargs)
    return [
        IndicatorSnapshot(
            period=datetime.date(2018 + (3 + i) // 12, (3 + i) % 12 + 1, 1),
            label=f"M{i + 1} 2018-19",
            value=value,
            **fields,
        )
        for i, value in enumerate(values)
    ]


def document(plan, dataset, *, public=False, previous=None, sections=None) -> DocumentInput:
    report = Report(kind=Report.Kind.PACK, title="Monthly report pack", plan=plan)
    views = sections or [
        SectionView("summary", "Summary", 0, None, html="<p>A good month.</p>"),
        SectionView("panel-comments", "The panel's comments", 1, None, html="<p>Noted.</p>"),
    ]
    return DocumentInput(
        report=report,
        dataset=dataset,
        sections=views,
        public=public,
        draft=True,
        previous=previous,
    )


class DefaultSectionsTests(TestCase):
    def test_a_summary_and_the_panels_comments(self):
        report = Report(kind=Report.Kind.PACK, title="Pack")
        sections = pack.default_sections(report)
        self.assertEqual([s.key for s in sections], ["summary", "panel-comments"])
        self.assertEqual(sections[1].heading, "The panel's comments")


class PackContextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        cls.other_plan = make_plan()

    def dataset(self, **rows) -> Dataset:
        return Dataset(as_at=AS_AT, period=datetime.date(2019, 11, 1), **rows)

    def theme(self, order, code, name):
        return {"theme_order": order, "theme_code": code, "theme_name": name}

    def test_rag_by_theme_counts_the_plans_actions_in_theme_order(self):
        culture = self.theme(3, "LGA-3", "Culture")
        leadership = self.theme(1, "LGA-1", "Political leadership")
        actions = [
            action_row(self.plan, reference="A-1", rag=RAG.RED, **culture),
            action_row(self.plan, reference="A-2", rag=RAG.GREEN, **culture),
            action_row(self.plan, reference="A-3", rag=RAG.GREEN, **leadership),
            action_row(self.plan, reference="A-4", rag=RAG.AMBER),
            action_row(self.other_plan, reference="B-1", rag=RAG.RED, **culture),
        ]
        context = pack.build_context(document(self.plan, self.dataset(actions=actions)))
        chart = context["rag_chart"]
        self.assertEqual(
            [row.label for row in chart.rows], ["Political leadership", "Culture", "No theme"]
        )
        culture_row = chart.rows[1]
        self.assertEqual(
            [(cell.rag.label, cell.count) for cell in culture_row.cells],
            [("Red", 1), ("Amber", 0), ("Green", 1), ("Blue", 0), ("Not yet rated", 0)],
        )
        self.assertEqual(culture_row.total.count, 2)
        self.assertIn("1 red", culture_row.bar.description)
        self.assertEqual(context["action_count"], 4)
        self.assertEqual(
            [(total.rag.label, total.count) for total in context["rag_totals"]][:3],
            [("Red", 1), ("Amber", 1), ("Green", 2)],
        )

    def test_overdue_and_slipped_actions_and_milestones(self):
        actions = [
            action_row(
                self.plan,
                reference="A-1",
                original_due_date=datetime.date(2019, 9, 30),
                revised_due_date=datetime.date(2019, 10, 31),
                milestones=[
                    {"title": "Draft", "due_date": "2019-09-01", "completed_on": "2019-09-02"},
                    {"title": "Consult", "due_date": "2019-11-01", "completed_on": None},
                    {"title": "Adopt", "due_date": "2019-12-10", "completed_on": None},
                    {"title": "Review", "due_date": "2020-06-01", "completed_on": None},
                ],
            ),
            action_row(
                self.plan,
                reference="A-2",
                original_due_date=datetime.date(2019, 12, 31),
                revised_due_date=datetime.date(2020, 6, 30),
            ),
            action_row(
                self.plan,
                reference="A-3",
                original_due_date=datetime.date(2019, 6, 30),
                revised_due_date=datetime.date(2019, 8, 31),
                rag=RAG.BLUE,
                completed_on=datetime.date(2019, 8, 1),
            ),
        ]
        context = pack.build_context(document(self.plan, self.dataset(actions=actions)))
        self.assertEqual([row.reference for row in context["overdue"]], ["A-1"])
        self.assertEqual([row.reference for row in context["slipped"]], ["A-2", "A-1"])
        self.assertEqual(context["slipped"][0].slippage_days, 182)
        self.assertEqual(
            [(row.reference, row.title, row.days) for row in context["overdue_milestones"]],
            [("A-1", "Consult", 19)],
        )
        self.assertEqual(
            [(row.title, row.days) for row in context["upcoming_milestones"]], [("Adopt", 20)]
        )

    def test_long_lists_show_their_first_rows_and_say_how_many_more(self):
        count = pack.LIST_LIMIT + 5
        actions = [
            action_row(
                self.plan,
                reference=f"A-{number:03}",
                original_due_date=datetime.date(2019, 1, 1) + datetime.timedelta(days=number),
                last_update_period=None,
            )
            for number in range(count)
        ]
        context = pack.build_context(document(self.plan, self.dataset(actions=actions)))
        overdue = context["overdue"]
        self.assertEqual(len(overdue), pack.LIST_LIMIT)
        self.assertEqual((overdue.total, overdue.more), (count, 5))
        self.assertEqual(overdue[0].reference, "A-000")  # longest overdue first
        self.assertEqual(
            sum(len(group.actions) for group in context["not_updated"]), pack.LIST_LIMIT
        )
        self.assertEqual(context["not_updated_count"], count)
        self.assertEqual(context["not_updated_more"], 5)
        html = render_to_string(
            "reports/documents/includes/pack_action_table.html",
            {"rows": overdue, "caption": "Overdue", "on": ON},
        )
        self.assertEqual(html.count('<th scope="row">'), pack.LIST_LIMIT)
        self.assertIn(f"The first 25 of {count} are listed here; the other 5 are in", html)

    def test_the_first_indicators_are_charted_and_the_table_lists_them_all(self):
        count = pack.CHART_LIMIT + 1
        rows = [
            row
            for number in range(count)
            for row in indicator_rows(
                [Decimal("1.0"), Decimal("2.0")], code=f"KPI-{number:02}", name=f"KPI {number}"
            )
        ]
        context = pack.build_context(document(self.plan, self.dataset(indicators=rows)))
        self.assertEqual(len(context["indicators"]), count)
        charted = context["charted"]
        self.assertEqual([trend.code for trend in charted][-1], f"KPI-{count - 2:02}")
        self.assertEqual((len(charted), charted.total, charted.more), (count - 1, count, 1))

    def test_a_short_list_is_whole_and_says_nothing_more(self):
        actions = [action_row(self.plan, original_due_date=datetime.date(2019, 1, 1))]
        overdue = pack.build_context(document(self.plan, self.dataset(actions=actions)))["overdue"]
        self.assertEqual((len(overdue), overdue.total, overdue.more), (1, 1, 0))
        html = render_to_string(
            "reports/documents/includes/pack_action_table.html",
            {"rows": overdue, "caption": "Overdue", "on": ON},
        )
        self.assertNotIn("are listed here", html)

    def test_the_meeting_action_log(self):
        rows = [
            meeting_action_row(description="Open, due later"),
            meeting_action_row(description="Overdue", due_date=datetime.date(2019, 11, 1)),
            meeting_action_row(
                description="Done this month",
                status="done",
                completed_on=datetime.date(2019, 11, 5),
            ),
            meeting_action_row(
                description="Done long ago", status="done", completed_on=datetime.date(2019, 9, 5)
            ),
        ]
        previous = self.dataset()
        previous.as_at = timezone.make_aware(datetime.datetime(2019, 10, 25, 17, 0))
        doc = document(self.plan, self.dataset(meeting_actions=rows), previous=previous)
        log = pack.build_context(doc)["meeting_log"]
        self.assertEqual([row.description for row in log.open], ["Open, due later", "Overdue"])
        self.assertEqual(log.overdue_count, 1)
        self.assertEqual([row.description for row in log.done], ["Done this month"])
        self.assertEqual(log.done_since, datetime.date(2019, 10, 25))

    def test_risks_top_risks_highest_first_and_the_heat_map(self):
        risks = [
            risk_row(reference="R-1", residual_likelihood=2, residual_impact=2),
            risk_row(reference="R-2", residual_likelihood=4, residual_impact=5),
            risk_row(reference="R-3", residual_likelihood=4, residual_impact=5, status="closed"),
            risk_row(reference="R-4", residual_likelihood=3, residual_impact=4),
        ]
        previous = self.dataset(risks=[risk_row(reference="R-2", residual_likelihood=3)])
        doc = document(self.plan, self.dataset(risks=risks), previous=previous)
        context = pack.build_context(doc)
        top = context["top_risks"]
        self.assertEqual([risk.reference for risk in top], ["R-2", "R-4", "R-1"])
        self.assertEqual(str(top[0].movement.after), "Very high 20 (4 × 5)")
        self.assertEqual(top[0].movement.direction, "Up")
        self.assertEqual(top[1].movement.direction, "New")
        occupied = context["heat_map"].occupied
        self.assertEqual(
            [(cell.score.value, cell.count) for cell in occupied], [(20, 1), (12, 1), (4, 1)]
        )
        self.assertEqual(len(context["heat_map"].arrows), 1)
        self.assertEqual(context["risk_count"], 3)

    def test_an_indicator_trend_with_its_chart_and_table(self):
        rows = indicator_rows([Decimal("28.0"), Decimal("19.5"), Decimal("2.8")])
        trend = pack.build_context(document(self.plan, self.dataset(indicators=rows)))[
            "indicators"
        ][0]
        self.assertEqual(trend.latest, "£2.8m")
        self.assertEqual(trend.latest_label, "M3 2018-19")
        self.assertEqual(trend.change, "Better")
        self.assertEqual(trend.against_target, "Worse than target")
        self.assertEqual(trend.chart.columns, ["Value", "Target"])
        self.assertEqual(trend.chart.rows[0], ("M1 2018-19", ["£28.0m", "£0.0m"]))
        self.assertEqual(trend.chart.chart_id, "indicator-1")

    def test_the_chart_shows_the_last_twelve_months(self):
        rows = indicator_rows([Decimal(n) for n in range(1, 16)], target=None)
        trend = pack.build_context(document(self.plan, self.dataset(indicators=rows)))[
            "indicators"
        ][0]
        self.assertEqual(len(trend.chart.rows), 12)
        self.assertEqual(trend.target, "No target")

    def test_who_has_not_updated_by_directorate_and_lead_officer(self):
        actions = [
            action_row(self.plan, reference="A-1", last_update_period=datetime.date(2019, 10, 1)),
            action_row(self.plan, reference="A-2", last_update_period=None, lead_officer="Ann"),
            action_row(self.plan, reference="A-3"),  # updated for November
            action_row(
                self.plan,
                reference="A-4",
                directorate="Place",
                lead_officer="Ann",
                last_update_period=None,
            ),
            action_row(self.plan, reference="A-5", last_update_period=None, rag=RAG.BLUE),
        ]
        context = pack.build_context(document(self.plan, self.dataset(actions=actions)))
        groups = [
            (group.directorate, group.lead_officer, [row.reference for row in group.actions])
            for group in context["not_updated"]
        ]
        self.assertEqual(
            groups,
            [
                ("Finance and Governance", "Ann", ["A-2"]),
                ("Finance and Governance", "Clive Heaphy", ["A-1"]),
                ("Place", "Ann", ["A-4"]),
            ],
        )
        self.assertEqual(context["not_updated_count"], 3)
        self.assertEqual(
            [(c.directorate, c.count) for c in context["not_updated_by_directorate"]],
            [("Finance and Governance", 2), ("Place", 1)],
        )

    def test_the_public_version_withholds_rows_that_are_not_public(self):
        actions = [
            action_row(self.plan, reference="A-1", title="Public action", rag=RAG.RED),
            action_row(
                self.plan,
                reference="A-2",
                title="Secret pay talks",
                rag=RAG.RED,
                original_due_date=datetime.date(2019, 1, 31),
                revised_due_date=datetime.date(2019, 3, 31),
                last_update_period=None,
                milestones=[
                    {"title": "Secret step", "due_date": "2019-02-01", "completed_on": None}
                ],
                **EXEMPT,
            ),
        ]
        risks = [
            risk_row(reference="R-1", title="Public risk"),
            risk_row(reference="R-2", title="Secret equal pay risk", **EXEMPT),
        ]
        meeting_actions = [
            meeting_action_row(
                description="Secret meeting action", publication_status="confidential"
            )
        ]
        dataset = self.dataset(actions=actions, risks=risks, meeting_actions=meeting_actions)
        context = pack.build_context(document(self.plan, dataset, public=True))
        reason = (
            "Exempt under paragraph 4 of Schedule 12A to the Local Government Act 1972 "
            "(consultations or negotiations on labour relations)"
        )
        self.assertEqual(context["overdue"], [Withheld("A-2", reason)])
        self.assertEqual(context["slipped"], [Withheld("A-2", reason)])
        self.assertEqual(context["overdue_milestones"], [Withheld("A-2", reason)])
        self.assertEqual(context["action_count"], 1)
        self.assertEqual(context["withheld_action_count"], 1)
        self.assertEqual(context["rag_totals"][0].count, 1)
        self.assertEqual([risk.reference for risk in context["top_risks"]], ["R-1"])
        self.assertEqual(context["withheld_risks"], [Withheld("R-2", reason)])
        self.assertEqual(sum(cell.count for cell in context["heat_map"].cells), 1)
        self.assertEqual(
            context["meeting_log"].open,
            [Withheld("Panel meeting (29 October 2019), minute 12", "Confidential")],
        )
        self.assertEqual(context["not_updated"][-1].actions, [Withheld("A-2", reason)])
        text = str(context)
        for secret in ("Secret pay talks", "Secret step", "Secret equal pay", "Secret meeting"):
            self.assertNotIn(secret, text)

    def test_what_changed_for_the_plan_with_changes_to_rows_not_public_withheld(self):
        before = [
            action_row(self.plan, reference="A-1", rag=RAG.AMBER),
            action_row(self.plan, reference="A-2", rag=RAG.AMBER, title="Secret talks", **EXEMPT),
            action_row(self.other_plan, reference="B-1", rag=RAG.AMBER),
        ]
        after = [
            action_row(self.plan, reference="A-1", rag=RAG.GREEN),
            action_row(self.plan, reference="A-2", rag=RAG.RED, title="Secret talks", **EXEMPT),
            action_row(self.other_plan, reference="B-1", rag=RAG.RED),
        ]
        previous = Dataset(as_at=AS_AT, period=datetime.date(2019, 10, 1), actions=before)
        dataset = self.dataset(actions=after)
        internal = pack.build_context(document(self.plan, dataset, previous=previous))
        self.assertEqual(internal["previous_period"], datetime.date(2019, 10, 1))
        self.assertEqual(
            [(move.reference, move.direction) for move in internal["changes"].rag_moves],
            [("A-1", "better"), ("A-2", "worse")],
        )
        public = pack.build_context(document(self.plan, dataset, previous=previous, public=True))
        moves = public["changes"].rag_moves
        self.assertEqual(moves[0].reference, "A-1")
        self.assertEqual(moves[1], Withheld("A-2", REASON))

    def test_the_context_needs_no_queries_however_many_rows(self):
        actions = [
            action_row(self.plan, reference=f"A-{n}", last_update_period=None) for n in range(30)
        ]
        risks = [risk_row(reference=f"R-{n}") for n in range(20)]
        doc = document(self.plan, self.dataset(actions=actions, risks=risks))
        with self.assertNumQueries(0):
            pack.build_context(doc)

    def test_the_internal_version_shows_everything(self):
        actions = [action_row(self.plan, reference="A-2", title="Secret pay talks", **EXEMPT)]
        context = pack.build_context(document(self.plan, self.dataset(actions=actions)))
        self.assertEqual(context["action_count"], 1)
        self.assertEqual(context["withheld_action_count"], 0)

    def test_without_an_earlier_cycle_there_are_no_changes(self):
        context = pack.build_context(document(self.plan, self.dataset()))
        self.assertIsNone(context["changes"])
        self.assertIsNone(context["previous_period"])


class PackFromLiveDataTests(TestCase):
    """The pack from frozen live data (reports.data.freeze): milestones and updates as
    the snapshot rows carry them."""

    def test_milestones_and_last_updates_come_through_freeze(self):
        user = make_user("sam")
        plan = make_plan()
        theme = make_theme(name="Culture", order=2)
        action = make_action(
            plan=plan,
            theme=theme,
            reference="C-1",
            original_due_date=datetime.date(2019, 10, 31),
            revised_due_date=datetime.date(2019, 12, 31),
            rag=RAG.AMBER,
        )
        make_update(action, user, period=datetime.date(2019, 10, 1), rag=RAG.AMBER)
        Milestone.objects.create(
            action=action, title="Staff survey", due_date=datetime.date(2019, 11, 1)
        )
        owner = make_person(name="Janie Berry")
        minute = make_minute(make_agenda_item(make_meeting(date=datetime.date(2019, 10, 29))))
        make_meeting_action(minute, owner, description="Circulate the survey")
        indicator = make_indicator(code="FIN-01", name="Forecast overspend")
        make_indicator_value(indicator, period=datetime.date(2019, 9, 1), value=Decimal("5.5"))
        dataset = freeze()
        dataset.as_at, dataset.period = AS_AT, datetime.date(2019, 11, 1)
        context = pack.build_context(document(plan, dataset))
        self.assertEqual(context["rag_chart"].rows[0].label, "Culture")
        self.assertEqual([row.title for row in context["overdue_milestones"]], ["Staff survey"])
        self.assertEqual(context["slipped"][0].reference, "C-1")
        self.assertEqual(context["not_updated"][0].actions[0].reference, "C-1")
        self.assertEqual(
            [row.description for row in context["meeting_log"].open], ["Circulate the survey"]
        )
        self.assertEqual(context["indicators"][0].latest, "£5.5m")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def take_snapshot(period: datetime.date, as_at: datetime.datetime) -> Snapshot:
    """A closed cycle's snapshot of the live data as it is now, saved as at `as_at`."""
    cycle = Cycle.objects.create(
        period=period,
        opens_on=period,
        deadline=period + datetime.timedelta(days=20),
        closed_at=as_at,
    )
    snapshot = Snapshot.objects.create(cycle=cycle, as_at=as_at)
    data = freeze()
    for model, rows in (
        (ActionSnapshot, data.actions),
        (RiskSnapshot, data.risks),
        (IndicatorSnapshot, data.indicators),
        (MeetingActionSnapshot, data.meeting_actions),
    ):
        for row in rows:
            row.snapshot = snapshot
        model.objects.bulk_create(rows)
    return snapshot


class PackDocumentTests(RolesTestCase):
    """The pack rendered by the report framework: HTML and PDF, internal and public,
    from two closed cycles so that "what changed" has something to say."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2019-20")
        theme = make_theme(name="Political leadership", order=1)
        cls.action = make_action(
            plan=cls.plan,
            theme=theme,
            reference="IP19-01",
            title="Close the budget gap",
            rag=RAG.AMBER,
            original_due_date=datetime.date(2019, 9, 30),
        )
        make_action(
            plan=cls.plan,
            theme=theme,
            reference="IP19-02",
            title="Secret pay negotiations",
            rag=RAG.RED,
            original_due_date=datetime.date(2019, 9, 30),
            **EXEMPT,
            exemption_review_date=datetime.date(2020, 3, 31),
        )
        make_risk(reference="SR-01", title="Industrial relations in waste")
        make_risk(
            reference="SR-02",
            title="Secret equal pay risk",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        indicator = make_indicator(code="FIN-01", name="Forecast in-year overspend")
        for month, value in ((4, "28.0"), (5, "19.5"), (6, "2.8")):
            make_indicator_value(
                indicator, period=datetime.date(2019, month, 1), value=Decimal(value)
            )
        take_snapshot(datetime.date(2019, 10, 1), AS_AT - datetime.timedelta(days=30))
        Action.objects.filter(pk=cls.action.pk).update(
            rag=RAG.RED, revised_due_date=datetime.date(2020, 1, 31)
        )
        cls.snapshot = take_snapshot(datetime.date(2019, 11, 1), AS_AT)
        cls.report = create_report(
            user=cls.sam,
            kind=Report.Kind.PACK,
            plan=cls.plan,
            snapshot=cls.snapshot,
            title="Monthly report pack, November 2019",
        )
        sections = cls.report.sections.all()
        sections.filter(key="summary").update(
            body="The **budget** gap widened. <script>alert('x')</script>"
        )
        sections.filter(key="panel-comments").update(
            body="Secret comment on pay talks.",
            **EXEMPT,
            exemption_review_date=datetime.date(2020, 3, 31),
        )

    def render(self, *, public: bool, for_pdf: bool = True) -> str:
        doc = document_input(self.report, public=public, draft=True, snapshot=self.snapshot)
        return render_document_html(doc, for_pdf=for_pdf)

    def test_the_internal_pdf_holds_the_figures_and_headings(self):
        html = self.render(public=False)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn("<script>", html)
        pdf = render_html_pdf(html).content
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        for expected in (
            "OFFICIAL-SENSITIVE",
            "Monthly report pack for November 2019",
            "RAG by theme",
            "What changed since October 2019",
            "IP19-01 Close the budget gap Amber Red Worse",
            "Due 30 September 2019, now 31 January 2020",
            "Overdue and slipped actions and milestones",
            "The meeting action log",
            "Heat map of residual scores",
            "Top risks",
            "Forecast in-year overspend",
            "£2.8m",
            "Who has not updated",
            "Close the budget gap",
            "Secret pay negotiations",
            "Secret equal pay risk",
            "Secret comment on pay talks",
            "<script>alert('x')</script>",
        ):
            self.assertIn(expected, text)

    def test_the_public_pdf_holds_no_withheld_text(self):
        text = pdf_text(render_html_pdf(self.render(public=True)).content)
        self.assertIn("OFFICIAL", text)
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        self.assertIn("Close the budget gap", text)
        self.assertIn("IP19-02", text)
        self.assertIn("Exempt under paragraph 4 of Schedule 12A", text)
        self.assertIn("SR-02 Withheld. Confidential", text)
        for secret in ("Secret pay negotiations", "Secret equal pay", "Secret comment"):
            self.assertNotIn(secret, text)

    def test_the_preview_links_back_to_the_report(self):
        html = self.render(public=False, for_pdf=False)
        self.assertIn(f'href="/reports/{self.report.pk}/"', html)
        self.assertIn('<th scope="col"', html)

    def test_regenerating_from_the_snapshot_gives_the_same_text(self):
        first = pdf_text(render_html_pdf(self.render(public=False)).content)
        Action.objects.filter(pk=self.action.pk).update(title="Renamed since", rag=RAG.GREEN)
        second = pdf_text(render_html_pdf(self.render(public=False)).content)
        self.assertEqual(first, second)

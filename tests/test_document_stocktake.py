"""The stock-take report: its default sections, its context from live data frozen into a
dataset (themes, RAG tables, risks, the external auditor's recommendations, the appendix),
its public version, and its HTML and PDF."""

import datetime
import io
import re

from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from biip.models import RAG, PublicationStatus
from plans.models import Action, AssuranceStatus, Recommendation, Risk, Source
from reports.data import freeze
from reports.documents import DocumentInput, SectionView, stocktake
from reports.markdown import render_markdown
from reports.models import Report, ReportSection
from reports.rendering import document_input, render_document_html, render_html_pdf
from tests.factories import (
    make_action,
    make_directorate,
    make_person,
    make_plan,
    make_recommendation,
    make_report_snapshot,
    make_risk,
    make_source,
    make_theme,
    make_user,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2019, 9, 30),
}
LABOUR_RELATIONS = (
    "Exempt under paragraph 4 of Schedule 12A to the Local Government Act 1972 "
    "(consultations or negotiations on labour relations)"
)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


class StocktakeData(TestCase):
    """A plan under two LGA themes (a third theme belongs to another plan), four actions
    (one exempt), four risks (one exempt, one closed), and the external auditor's three
    recommendations beside a review's one."""

    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("sam")
        cls.plan = make_plan(title="Corporate Governance Improvement Plan 2018-19")
        cls.leadership = make_theme(code="LGA-1", name="Political leadership", order=1)
        cls.culture = make_theme(code="LGA-2", name="Organisational culture", order=2)
        cls.elsewhere = make_theme(code="LGA-9", name="Elsewhere", order=3)
        finance = make_directorate(name="Finance and Governance")
        clive = make_person(name="Clive Heaphy", organisation=finance.organisation)
        common = {"plan": cls.plan, "directorate": finance, "lead_officer": clive}
        start = datetime.date(2018, 6, 1)
        make_action(
            reference="CGIP-02",
            title="Member development programme",
            theme=cls.leadership,
            rag=RAG.AMBER,
            start_date=start,
            original_due_date=datetime.date(2019, 3, 31),
            revised_due_date=datetime.date(2019, 9, 30),
            assurance=AssuranceStatus.CHALLENGED,
            assured_rag=RAG.RED,
            **common,
        )
        make_action(
            reference="CGIP-01",
            title="Refresh the member and officer protocol",
            theme=cls.leadership,
            rag=RAG.GREEN,
            start_date=start,
            original_due_date=datetime.date(2030, 4, 30),
            assurance=AssuranceStatus.ASSURED,
            assured_rag=RAG.GREEN,
            **common,
        )
        make_action(
            reference="CGIP-07",
            title="Agree a new workforce strategy",
            theme=cls.culture,
            rag=RAG.BLUE,
            start_date=start,
            original_due_date=datetime.date(2018, 10, 31),
            completed_on=datetime.date(2018, 10, 15),
            **common,
        )
        make_action(
            reference="CGIP-09",
            title="Secret pay negotiation with the unions",
            theme=cls.culture,
            rag=RAG.RED,
            start_date=start,
            original_due_date=datetime.date(2019, 3, 31),
            **common,
            **EXEMPT,
        )
        make_action(reference="X-1", title="Another plan's action", theme=cls.elsewhere)

        make_risk(
            reference="SR-01",
            title="Industrial relations in the waste service",
            residual_likelihood=4,
            residual_impact=5,
            tolerance=12,
            trend=Risk.Trend.WORSENING,
            mitigations="Contingency plans for waste collection.",
        )
        make_risk(
            reference="SR-02",
            title="Equal pay liabilities",
            residual_likelihood=3,
            residual_impact=3,
            tolerance=12,
        )
        make_risk(
            reference="SR-03",
            title="Confidential settlement talks",
            residual_likelihood=5,
            residual_impact=5,
            **EXEMPT,
        )
        make_risk(reference="SR-04", title="A closed risk", status=Risk.Status.CLOSED)

        audit = make_source(name="External auditor's statutory recommendations, July 2018")
        make_recommendation(
            audit,
            reference="EA-1",
            text="Deliver the 2018/19 savings plans.",
            council_response="Star chambers and monthly budget boards.",
            assessed_progress=Recommendation.Progress.DECISIVE,
            addressed_on=datetime.date(2019, 1, 29),
            verified_on=datetime.date(2019, 3, 20),
        )
        make_recommendation(
            audit,
            reference="EA-2",
            text="Keep reserves at a prudent level.",
            assessed_progress=Recommendation.Progress.DECISIVE,
            addressed_on=datetime.date(2019, 1, 21),
        )
        make_recommendation(
            audit,
            reference="EA-7",
            text="Put robust governance in place in the Place Directorate.",
            assessed_progress=Recommendation.Progress.LIMITED,
        )
        review = make_source(name="The Kerslake review", kind=Source.Kind.REVIEW)
        make_recommendation(review, reference="K-01", text="A review recommendation.")

    def setUp(self):
        self.report = Report(
            kind=Report.Kind.STOCKTAKE,
            title="Improvement Stock-take Report, March 2019",
            plan=self.plan,
            dated=datetime.date(2019, 3, 15),
            created_by=self.user,
        )

    def sections(self, **bodies) -> list[SectionView]:
        views = []
        for order, spec in enumerate(stocktake.default_sections(self.report)):
            body = bodies.get(spec.key.replace("-", "_"), f"Narrative on {spec.heading}.")
            views.append(
                SectionView(spec.key, spec.heading, order, spec.theme_id, render_markdown(body))
            )
        return views

    def doc(self, *, public=False, sections=None, dataset=None) -> DocumentInput:
        return DocumentInput(
            report=self.report,
            dataset=dataset or freeze(timezone.now()),
            sections=self.sections() if sections is None else sections,
            public=public,
            draft=True,
        )

    def context(self, **kwargs) -> dict:
        return stocktake.build_context(self.doc(**kwargs))


class DefaultSectionsTests(StocktakeData):
    def test_summary_then_one_per_theme_of_the_plan_in_theme_order_then_the_rest(self):
        specs = stocktake.default_sections(self.report)
        self.assertEqual(
            [(spec.key, spec.heading, spec.theme_id) for spec in specs],
            [
                ("summary", "Executive summary", None),
                (f"theme-{self.leadership.pk}", "Political leadership", self.leadership.pk),
                (f"theme-{self.culture.pk}", "Organisational culture", self.culture.pk),
                ("risks", "Critical issues and risks", None),
                ("audit", "Progress on the external audit recommendations", None),
                ("priorities", "Future priorities", None),
            ],
        )


class ContextTests(StocktakeData):
    def test_title_page_particulars(self):
        context = self.context()
        self.assertEqual(context["council"], "Birmingham City Council")
        self.assertEqual(context["month"], "March 2019")
        self.assertEqual(context["plan"], self.plan)

    def test_contents_list_every_part_in_order(self):
        headings = [heading for _, heading in self.context()["contents"]]
        self.assertEqual(
            headings,
            [
                "Executive summary",
                "Political leadership",
                "Organisational culture",
                "Critical issues and risks",
                "Progress on the external audit recommendations",
                "Future priorities",
                "Appendix: the plan with RAG ratings",
            ],
        )

    def test_rag_counts_of_the_plan_only(self):
        rag = self.context()["rag"]
        self.assertEqual(rag.total, 4)
        self.assertEqual(
            [(row.label, row.count) for row in rag.counts],
            [("Blue", 1), ("Green", 1), ("Amber", 1), ("Red", 1), ("Not yet rated", 0)],
        )
        self.assertEqual(rag.words, "4 actions: 1 Blue, 1 Green, 1 Amber, 1 Red")
        self.assertEqual(rag.withheld, 0)

    def test_each_theme_has_its_narrative_and_rag_table_by_reference(self):
        leadership, culture = self.context()["themes"]
        self.assertEqual(leadership.heading, "Political leadership")
        self.assertIn("Narrative on Political leadership.", str(leadership.section.html))
        self.assertEqual([row.reference for row in leadership.rows], ["CGIP-01", "CGIP-02"])
        self.assertEqual([row.reference for row in culture.rows], ["CGIP-07", "CGIP-09"])
        slipped = leadership.rows[1]
        self.assertEqual(slipped.title, "Member development programme")
        self.assertEqual(slipped.lead, "Clive Heaphy")
        self.assertEqual(slipped.due, "30 September 2019")
        self.assertEqual(slipped.slippage, "Slipped 183 days from 31 March 2019")
        self.assertEqual(slipped.rag, RAG.AMBER)
        self.assertEqual(slipped.assurance, "Challenged: panel rates it Red")
        self.assertEqual(leadership.rows[0].slippage, "")
        self.assertEqual(leadership.rows[0].assurance, "Assured")

    def test_a_theme_without_a_section_still_gets_its_table(self):
        sections = [s for s in self.sections() if s.theme_id != self.culture.pk]
        themes = self.context(sections=sections)["themes"]
        self.assertEqual([block.heading for block in themes][-1], "Organisational culture")
        self.assertIsNone(themes[-1].section)

    def test_headings_come_from_the_sections(self):
        sections = self.sections()
        sections[1].heading = "Political leadership and member development"
        context = self.context(sections=sections)
        self.assertEqual(
            context["themes"][0].heading, "Political leadership and member development"
        )
        self.assertIn(
            "Political leadership and member development", dict(context["contents"]).values()
        )

    def test_overdue_and_slipped(self):
        context = self.context()
        # CGIP-02 (due 30 September 2019) and CGIP-09 (31 March 2019) are past due today.
        self.assertEqual(context["overdue"], 2)
        self.assertEqual(context["slipped"], 1)

    def test_risks_open_only_highest_residual_first(self):
        picture = self.context()["risk_picture"]
        self.assertEqual([row.reference for row in picture.top], ["SR-03", "SR-01", "SR-02"])
        self.assertEqual(picture.top[1].residual, "Very high 20 (4 × 5)")
        self.assertEqual(picture.top[1].tolerance, "12 (above tolerance)")
        self.assertEqual(picture.top[1].trend, "Worsening")
        self.assertEqual(picture.top[2].tolerance, "12 (within tolerance)")
        self.assertEqual(picture.mapped, 3)
        self.assertEqual(picture.above_tolerance, 2)
        self.assertEqual(
            picture.by_band, [("Very high", 2), ("High", 0), ("Medium", 1), ("Low", 0)]
        )
        occupied = {str(cell.score): cell.count for cell in picture.heat_map.occupied}
        self.assertEqual(
            occupied,
            {"Very high 25 (5 × 5)": 1, "Very high 20 (4 × 5)": 1, "Medium 9 (3 × 3)": 1},
        )

    def test_external_audit_recommendations_only_with_counts(self):
        audit = self.context()["audit_progress"]
        self.assertEqual([row.reference for row in audit.rows], ["EA-1", "EA-2", "EA-7"])
        self.assertEqual(audit.by_progress, [("Decisive progress", 2), ("Limited progress", 1)])
        self.assertEqual((audit.total, audit.addressed, audit.verified), (3, 2, 1))
        first, _, last = audit.rows
        self.assertEqual(first.addressed, "29 January 2019")
        self.assertEqual(first.verified, "20 March 2019")
        self.assertEqual(first.response, "Star chambers and monthly budget boards.")
        self.assertEqual((last.addressed, last.verified), ("Not yet", "Not yet"))

    def test_appendix_is_the_whole_plan_by_theme(self):
        appendix = self.context()["appendix"]
        self.assertEqual(
            [(row.reference, row.theme) for row in appendix],
            [
                ("CGIP-01", "Political leadership"),
                ("CGIP-02", "Political leadership"),
                ("CGIP-07", "Organisational culture"),
                ("CGIP-09", "Organisational culture"),
            ],
        )

    def test_an_unknown_section_is_kept_after_the_priorities(self):
        sections = [*self.sections(), SectionView("closing", "Closing reflections", 99, None)]
        context = self.context(sections=sections)
        self.assertEqual([s.key for s in context["other_sections"]], ["closing"])
        self.assertEqual(context["contents"][-2], ("section-closing", "Closing reflections"))


class PublicVersionTests(StocktakeData):
    def test_withheld_action_shows_only_its_reference_and_reason(self):
        context = self.context(public=True)
        row = context["themes"][1].rows[1]
        self.assertEqual(row.reference, "CGIP-09")
        self.assertTrue(row.withheld)
        self.assertEqual(row.reason, LABOUR_RELATIONS)
        self.assertEqual((row.title, row.lead, row.due, row.rag), ("", "", "", ""))
        appendix_row = context["appendix"][3]
        self.assertTrue(appendix_row.withheld)
        self.assertEqual(appendix_row.title, "")

    def test_counts_are_of_public_actions_and_say_how_many_are_left_out(self):
        context = self.context(public=True)
        self.assertEqual(context["rag"].total, 3)
        self.assertEqual(context["rag"].count(RAG.RED), 0)
        self.assertEqual(context["rag"].withheld, 1)
        self.assertEqual(context["themes"][1].summary.withheld, 1)

    def test_withheld_risks_are_not_mapped_or_ranked(self):
        picture = self.context(public=True)["risk_picture"]
        self.assertEqual([row.reference for row in picture.top], ["SR-01", "SR-02"])
        self.assertEqual(
            [(w.reference, w.reason) for w in picture.withheld], [("SR-03", LABOUR_RELATIONS)]
        )
        self.assertEqual(picture.mapped, 2)
        self.assertEqual(sum(cell.count for cell in picture.heat_map.cells), 2)

    def test_the_internal_version_shows_everything(self):
        context = self.context(public=False)
        self.assertEqual(
            context["themes"][1].rows[1].title, "Secret pay negotiation with the unions"
        )
        self.assertEqual(context["risk_picture"].withheld, [])


class DocumentTests(StocktakeData):
    def make_report(self) -> Report:
        self.report.save()
        bodies = {
            "summary": "The council has **regained grip** of its finances.",
            "priorities": "Deepen member development. <script>alert('x')</script>",
        }
        for order, spec in enumerate(stocktake.default_sections(self.report)):
            ReportSection.objects.create(
                report=self.report,
                key=spec.key,
                heading=spec.heading,
                order=order,
                theme_id=spec.theme_id,
                body=bodies.get(spec.key, f"Narrative on {spec.heading}."),
                **(EXEMPT if spec.theme_id == self.culture.pk else {}),
            )
        return self.report

    def render(self, *, public: bool, for_pdf: bool = True, snapshot=None) -> str:
        if self.report.pk is None:
            self.make_report()
        doc = document_input(self.report, public=public, draft=True, snapshot=snapshot)
        return render_document_html(doc, for_pdf=for_pdf)

    def test_regenerated_from_a_snapshot_it_gives_the_same_text(self):
        snapshot = make_report_snapshot(datetime.date(2019, 2, 1))
        first = pdf_text(render_html_pdf(self.render(public=False, snapshot=snapshot)).content)
        Action.objects.filter(reference="CGIP-02").update(title="Renamed since", rag=RAG.RED)
        again = pdf_text(render_html_pdf(self.render(public=False, snapshot=snapshot)).content)
        self.assertEqual(first, again)
        self.assertIn("The February 2019 cycle: data as at", first)
        self.assertIn("Member development programme", first)
        self.assertNotIn("Renamed since", first)

    def test_html_has_the_parts_with_headers_marked_and_user_html_as_text(self):
        html = self.render(public=False)
        heading = '<h1 id="document-heading" class="title-page__title">'
        self.assertIn(f"{heading}Improvement Stock-take Report</h1>", html)
        self.assertIn('<a href="#summary">Executive summary</a>', html)
        self.assertIn("<strong>regained grip</strong>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertNotIn("<script>", html)
        self.assertIn('<th scope="row">CGIP-02</th>', html)
        self.assertIn(
            '<strong class="govuk-tag govuk-tag--yellow app-rag-tag">Amber</strong>', html
        )
        self.assertIn("Heat map of the residual scores of the open critical risks", html)

    def test_internal_pdf_holds_the_headings_and_figures(self):
        pdf = render_html_pdf(self.render(public=False))
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        text = pdf_text(pdf.content)
        for phrase in [
            "OFFICIAL-SENSITIVE",
            "Birmingham City Council",
            "Improvement Stock-take Report",
            "March 2019",
            "Contents",
            "Executive summary",
            "4 actions: 1 Blue, 1 Green, 1 Amber, 1 Red",
            "Political leadership",
            "Slipped 183 days from 31 March 2019",
            "Critical issues and risks",
            "Very high 20 (4 × 5)",
            "Progress on the external audit recommendations",
            "3 recommendations: 2 decisive progress, 1 limited progress",
            "Future priorities",
            "<script>alert('x')</script>",
            "Appendix: the plan with RAG ratings",
            "Secret pay negotiation with the unions",
            "Confidential settlement talks",
        ]:
            self.assertIn(phrase, text)
        self.assertRegex(text, r"Executive summary +3 ")  # the contents entry's page

    def test_public_pdf_holds_no_withheld_text(self):
        pdf = render_html_pdf(self.render(public=True))
        text = pdf_text(pdf.content)
        self.assertIn("OFFICIAL", text)
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        self.assertIn("Withheld from the public version", text)
        self.assertIn("labour relations", text)
        for secret in [
            "Secret pay negotiation",
            "Confidential settlement talks",
            "Narrative on Organisational culture",
        ]:
            self.assertNotIn(secret, text)
        self.assertIn("CGIP-09", text)
        self.assertIn("SR-03", text)
        self.assertIn("3 actions: 1 Blue, 1 Green, 1 Amber", text)

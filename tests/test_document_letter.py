"""The letter to the Secretary of State: its default sections, its context (particulars,
the figures from the data, the sign-off), its public version, and its HTML and PDF."""

import datetime
import io
import re
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from biip.models import RAG, PublicationStatus
from plans.models import Indicator
from reports.data import freeze
from reports.documents import DocumentInput, SectionView, letter
from reports.markdown import render_markdown
from reports.models import Report, ReportSection
from reports.rendering import document_input, render_document_html, render_html_pdf
from tests.factories import (
    make_action,
    make_indicator,
    make_indicator_value,
    make_person,
    make_plan,
    make_risk,
    make_user,
)

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2019, 9, 30),
}
ADDRESSEE = """The Rt Hon James Brokenshire MP
Secretary of State for Housing, Communities and Local Government

2 Marsham Street
London SW1P 4DF"""


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


class LetterData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("sam")
        cls.chair = make_person(name="John Crabtree", title="Chair of BIIP")
        cls.plan = make_plan(title="Corporate Governance Improvement Plan 2018-19")
        future = datetime.date(2030, 3, 31)
        for reference, rag in [("A-1", RAG.GREEN), ("A-2", RAG.GREEN), ("A-3", RAG.AMBER)]:
            make_action(plan=cls.plan, reference=reference, rag=rag, original_due_date=future)
        make_action(
            plan=cls.plan,
            reference="A-4",
            title="Pay talks",
            rag=RAG.RED,
            original_due_date=datetime.date(2019, 1, 31),
            start_date=datetime.date(2018, 6, 1),
            **EXEMPT,
        )
        make_action(reference="B-1", rag=RAG.RED)  # another plan's
        overspend = make_indicator(code="FIN-01", name="Forecast in-year overspend 2018-19")
        for period, label, value in [
            (datetime.date(2018, 4, 1), "M1 2018-19", "28.0"),
            (datetime.date(2018, 12, 1), "M9 2018-19", "2.8"),
            (datetime.date(2018, 8, 1), "M5 2018-19", "12.5"),
        ]:
            make_indicator_value(overspend, period=period, label=label, value=Decimal(value))
        make_risk(reference="SR-01", residual_likelihood=4, residual_impact=5, tolerance=12)
        make_risk(reference="SR-02", residual_likelihood=3, residual_impact=4, tolerance=12)
        make_risk(reference="SR-03", residual_likelihood=2, residual_impact=2, tolerance=4)
        make_risk(reference="SR-04", residual_likelihood=5, residual_impact=4, **EXEMPT)
        make_risk(reference="SR-05", status="closed", residual_likelihood=5, residual_impact=5)

    def setUp(self):
        self.report = Report(
            kind=Report.Kind.LETTER,
            title="Letter to the Secretary of State, February 2019",
            plan=self.plan,
            reference="BIIP/2019/02",
            dated=datetime.date(2019, 2, 5),
            addressee=ADDRESSEE,
            salutation="Dear Secretary of State",
            subject="Birmingham City Council's improvement progress",
            signatory=self.chair,
            created_by=self.user,
        )

    def sections(self) -> list[SectionView]:
        return [
            SectionView(spec.key, spec.heading, order, None, render_markdown(f"On {spec.key}."))
            for order, spec in enumerate(letter.default_sections(self.report))
        ]

    def context(self, *, public=False, sections=None) -> dict:
        doc = DocumentInput(
            report=self.report,
            dataset=freeze(timezone.now()),
            sections=self.sections() if sections is None else sections,
            public=public,
            draft=True,
        )
        return letter.build_context(doc)


class DefaultSectionsTests(LetterData):
    def test_the_body_in_sections_with_the_figures_before_next_steps(self):
        self.assertEqual(
            [(spec.key, spec.heading) for spec in letter.default_sections(self.report)],
            [
                ("introduction", "Introduction"),
                ("progress", "Progress since our last letter"),
                ("finance", "Finance"),
                ("risks", "Risks"),
                ("figures", "The figures"),
                ("next-steps", "Next steps"),
            ],
        )


class ContextTests(LetterData):
    def test_particulars(self):
        context = self.context()
        self.assertEqual(context["panel"], "Birmingham Independent Improvement Panel")
        self.assertEqual(context["sender_address"][-1], "SW1P 4DF")
        self.assertEqual(
            context["addressee_lines"],
            [
                "The Rt Hon James Brokenshire MP",
                "Secretary of State for Housing, Communities and Local Government",
                "2 Marsham Street",
                "London SW1P 4DF",
            ],
        )
        self.assertEqual(context["date"], "5 February 2019")
        self.assertEqual(context["reference"], "BIIP/2019/02")
        self.assertEqual(context["salutation"], "Dear Secretary of State")
        self.assertEqual(context["subject"], "Birmingham City Council's improvement progress")
        self.assertEqual(context["signatory_name"], "John Crabtree")
        self.assertEqual(context["signatory_title"], "Chair of BIIP")

    def test_without_a_signatory_it_is_signed_by_the_chair(self):
        self.report.signatory = None
        self.assertEqual(self.context()["signatory_title"], "Chair")

    def test_figures_from_the_data(self):
        figures = self.context()["figures"]
        self.assertEqual(figures.rag.words, "4 actions: 2 Green, 1 Amber, 1 Red")
        self.assertEqual(figures.overdue, 1)
        self.assertEqual(figures.overspend.name, "Forecast in-year overspend 2018-19")
        self.assertEqual(figures.overspend.value, "£2.8m")
        self.assertEqual(figures.overspend.label, "M9 2018-19")
        self.assertEqual(
            figures.overspend.words, "£2.8m (M9 2018-19), compared with £28.0m (M1 2018-19)"
        )
        self.assertEqual(figures.open_risks, 4)
        self.assertEqual(figures.above_tolerance, 2)  # SR-01 20 > 12, SR-04 20 > 9
        self.assertEqual(
            figures.by_band, [("Very high", 2), ("High", 1), ("Medium", 0), ("Low", 1)]
        )

    def test_overspend_found_by_name_without_the_code(self):
        indicator = make_indicator(code="OVR", name="Projected overspend")
        make_indicator_value(indicator, value=Decimal("4.25"), label="Q1")
        Indicator.objects.filter(code="FIN-01").delete()
        self.assertEqual(self.context()["figures"].overspend.words, "£4.25m (Q1)")

    def test_no_overspend_indicator(self):
        Indicator.objects.all().delete()
        self.assertIsNone(self.context()["figures"].overspend)

    def test_figures_are_placed_in_their_section_or_at_the_end(self):
        self.assertTrue(self.context()["figures_placed"])
        sections = [s for s in self.sections() if s.key != "figures"]
        self.assertFalse(self.context(sections=sections)["figures_placed"])

    def test_public_figures_count_public_rows_only(self):
        figures = self.context(public=True)["figures"]
        self.assertEqual(figures.rag.words, "3 actions: 2 Green, 1 Amber")
        self.assertEqual(figures.rag.withheld, 1)
        self.assertEqual(figures.overdue, 0)
        self.assertEqual((figures.open_risks, figures.risks_withheld), (3, 1))
        self.assertEqual(figures.above_tolerance, 1)


class DocumentTests(LetterData):
    def render(self, *, public: bool) -> str:
        self.report.save()
        bodies = {
            "introduction": "We write with the panel's **final** report. <b>bold?</b>",
            "risks": "Industrial relations remain the chief risk.",
        }
        for order, spec in enumerate(letter.default_sections(self.report)):
            ReportSection.objects.create(
                report=self.report,
                key=spec.key,
                heading=spec.heading,
                order=order,
                body=bodies.get(spec.key, f"On {spec.heading.lower()}."),
                **(EXEMPT if spec.key == "risks" else {}),
            )
        doc = document_input(self.report, public=public, draft=True, snapshot=None)
        return render_document_html(doc, for_pdf=True)

    def test_html_letter_layout(self):
        html = self.render(public=False)
        self.assertIn('<p class="letter__date">5 February 2019</p>', html)
        self.assertIn('<p class="letter__salutation">Dear Secretary of State,</p>', html)
        self.assertIn(
            '<h1 id="letter-subject" class="letter__subject">'
            "Birmingham City Council&#x27;s improvement progress</h1>",
            html,
        )
        self.assertIn("&lt;b&gt;bold?&lt;/b&gt;", html)
        self.assertIn('<th scope="row">Open critical risks</th>', html)

    def test_internal_pdf(self):
        pdf = render_html_pdf(self.render(public=False))
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        text = pdf_text(pdf.content)
        for phrase in [
            "OFFICIAL-SENSITIVE",
            "Birmingham Independent Improvement Panel",
            "The Rt Hon James Brokenshire MP",
            "5 February 2019",
            "Our reference: BIIP/2019/02",
            "Dear Secretary of State,",
            "Birmingham City Council's improvement progress",
            "Introduction",
            "<b>bold?</b>",
            "The figures",
            "4 actions: 2 Green, 1 Amber, 1 Red",
            "£2.8m (M9 2018-19)",
            "Industrial relations remain the chief risk.",
            "Next steps",
            "Yours sincerely",
            "John Crabtree",
            "Chair of BIIP",
        ]:
            self.assertIn(phrase, text)
        self.assertLess(text.index("The figures"), text.index("Next steps"))
        self.assertLess(text.index("Next steps"), text.index("Yours sincerely"))

    def test_public_pdf_withholds_the_exempt_section_and_rows(self):
        text = pdf_text(render_html_pdf(self.render(public=True)).content)
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        self.assertNotIn("Industrial relations remain the chief risk.", text)
        self.assertIn("Withheld from the public version", text)
        self.assertIn("3 actions: 2 Green, 1 Amber (1 not public, not counted)", text)

"""The SMART assessment report: its context from the plan's assessments (live, or as they
stood at a snapshot), and its HTML and PDF."""

import datetime
import io

from django.test import TestCase
from django.utils import timezone
from pypdf import PdfReader

from biip.models import PublicationStatus
from plans.models import SmartAssessment
from reports.data import Dataset
from reports.documents import DocumentInput, SectionView, smart
from reports.models import Report, Snapshot
from reports.rendering import document_input, render_document_html, render_html_pdf
from reports.services import create_report
from tests.base import RolesTestCase
from tests.factories import make_person, make_plan, make_theme


def make_assessment(plan, assessor, **kwargs) -> SmartAssessment:
    fields = {
        "assessed_on": datetime.date(2015, 3, 13),
        "specific_rating": "adequate",
        "specific_comment": "Covers the recommendations.",
        "measurable_rating": "weak",
        "measurable_comment": "Few tests of success.",
        "ambition_rating": "strong",
        "ambition_comment": "Ambitious and sequenced.",
        "resourced_rating": "weak",
        "resourced_comment": "Senior capacity is stretched.",
        "timed_rating": "not_met",
        "timed_comment": "",
        "conclusion": SmartAssessment.Conclusion.SIGN_OFF_WITH_CONDITIONS,
        "summary": "A sound enough basis.",
    }
    return SmartAssessment.objects.create(plan=plan, assessor=assessor, **{**fields, **kwargs})


def document(plan, dataset, *, public=False, sections=None) -> DocumentInput:
    report = Report(kind=Report.Kind.SMART, title="SMART assessment", plan=plan)
    return DocumentInput(
        report=report, dataset=dataset, sections=sections or [], public=public, draft=True
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


class DefaultSectionsTests(TestCase):
    def test_background_conclusions_and_next_steps(self):
        sections = smart.default_sections(Report(kind=Report.Kind.SMART))
        self.assertEqual([s.key for s in sections], ["background", "conclusions", "next-steps"])


class SmartContextTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.plan = make_plan(title="Improvement Plan 2015")
        cls.chair = make_person(name="John Crabtree", title="Chair of BIIP")
        cls.vice = make_person(name="Frances Done", title="Vice Chair")
        cls.culture = make_theme(name="Culture", order=2)
        cls.leadership = make_theme(name="Leadership", order=1)

    def live(self) -> Dataset:
        return Dataset(as_at=timezone.now())

    def test_the_whole_plan_first_then_themes_in_order_each_latest_first(self):
        make_assessment(self.plan, self.vice, theme=self.culture)
        make_assessment(self.plan, self.chair, assessed_on=datetime.date(2015, 1, 5))
        make_assessment(self.plan, self.chair, conclusion="not_yet")
        make_assessment(self.plan, self.vice, theme=self.leadership)
        make_assessment(make_plan(), self.chair)  # another plan's
        context = smart.build_context(document(self.plan, self.live()))
        self.assertEqual(
            [(view.scope, view.assessed_on.day) for view in context["assessments"]],
            [
                ("The whole plan", 13),
                ("The whole plan", 5),
                ("Leadership", 13),
                ("Culture", 13),
            ],
        )
        latest = context["latest"]
        self.assertEqual(latest.conclusion, "Not yet")
        self.assertEqual(latest.assessor, "John Crabtree")
        self.assertEqual(latest.assessor_title, "Chair of BIIP")

    def test_each_criterion_with_its_rating_in_words_and_comment(self):
        make_assessment(self.plan, self.chair)
        view = smart.build_context(document(self.plan, self.live()))["assessments"][0]
        self.assertEqual(
            [(c.name, c.rating, c.comment) for c in view.criteria],
            [
                ("Specific", "Adequate", "Covers the recommendations."),
                ("Measurable", "Weak", "Few tests of success."),
                ("Ambition and achievability", "Strong", "Ambitious and sequenced."),
                ("Resourced", "Weak", "Senior capacity is stretched."),
                ("Timed", "Not met", ""),
            ],
        )
        self.assertEqual(view.conclusion, "Sign off with conditions")
        self.assertEqual(view.anchor, "assessment-2015-03-13-the-whole-plan")

    def test_rating_counts_by_criterion(self):
        make_assessment(self.plan, self.chair)
        make_assessment(self.plan, self.vice, theme=self.culture, measurable_rating="strong")
        counts = smart.build_context(document(self.plan, self.live()))["rating_counts"]
        self.assertEqual(counts[1].name, "Measurable")
        self.assertEqual(
            counts[1].counts, [("Strong", 1), ("Adequate", 0), ("Weak", 1), ("Not met", 0)]
        )

    def test_three_queries_however_many_assessments(self):
        for theme in (self.culture, self.leadership, None):
            make_assessment(self.plan, self.vice, theme=theme)
        with self.assertNumQueries(3):
            smart.build_context(document(self.plan, self.live()))

    def test_no_assessments(self):
        context = smart.build_context(document(self.plan, self.live()))
        self.assertEqual(context["assessments"], [])
        self.assertIsNone(context["latest"])

    def test_from_a_snapshot_the_assessments_as_they_stood(self):
        assessment = make_assessment(self.plan, self.chair)
        moment = timezone.now()
        SmartAssessment.objects.filter(pk=assessment.pk).update(conclusion="sign_off")
        changed = SmartAssessment.objects.get(pk=assessment.pk)
        changed.specific_comment = "Rewritten later."
        changed.save()
        make_assessment(self.plan, self.vice, theme=self.culture)  # after the snapshot
        dataset = Dataset(as_at=moment, snapshot=Snapshot())
        views = smart.build_context(document(self.plan, dataset))["assessments"]
        self.assertEqual(len(views), 1)
        self.assertEqual(views[0].criteria[0].comment, "Covers the recommendations.")
        self.assertEqual(views[0].conclusion, "Sign off with conditions")

    def test_the_narrative_sections(self):
        sections = [
            SectionView("background", "Background and context", 1, None, html="<p>Bg</p>"),
            SectionView(
                "conclusions", "Conclusions", 2, None, withheld=True, reason="Confidential"
            ),
        ]
        context = smart.build_context(document(self.plan, self.live(), sections=sections))
        self.assertEqual(context["background"].html, "<p>Bg</p>")
        self.assertTrue(context["conclusions"].withheld)
        self.assertIsNone(context["next_steps"])


class SmartDocumentTests(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(title="Improvement Plan 2015")
        chair = make_person(name="John Crabtree", title="Chair of BIIP")
        make_assessment(cls.plan, chair, timed_comment="Dates <b>to come</b>.")
        cls.report = create_report(
            user=cls.sam,
            kind=Report.Kind.SMART,
            plan=cls.plan,
            snapshot=None,
            title="Assessment of the Improvement Plan 2015",
        )
        sections = cls.report.sections.all()
        sections.filter(key="background").update(body="Kerslake reported in **December 2014**.")
        sections.filter(key="next-steps").update(
            body="Talks with the unions on pay.",
            publication_status=PublicationStatus.EXEMPT,
            exemption_paragraph=4,
            exemption_review_date=datetime.date(2015, 9, 30),
        )

    def render(self, *, public: bool) -> str:
        doc = document_input(self.report, public=public, draft=True, snapshot=None)
        return render_document_html(doc, for_pdf=True)

    def test_the_pdf_holds_the_assessment(self):
        html = self.render(public=False)
        self.assertIn("Dates &lt;b&gt;to come&lt;/b&gt;.", html)
        pdf = render_html_pdf(html).content
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        for expected in (
            "OFFICIAL-SENSITIVE",
            "Assessment of the Improvement Plan 2015",
            "Contents",
            "The assessment at a glance",
            "Specific Adequate Covers the recommendations.",
            "Timed Not met Dates <b>to come</b>.",
            "Sign off with conditions",
            "Assessed by John Crabtree, Chair of BIIP, on 13 March 2015",
            "Kerslake reported in December 2014",
            "Talks with the unions on pay",
            "Appendix: the SMART criteria",
        ):
            self.assertIn(expected, text)

    def test_the_public_pdf_withholds_the_exempt_section(self):
        text = pdf_text(render_html_pdf(self.render(public=True)).content)
        self.assertNotIn("OFFICIAL-SENSITIVE", text)
        self.assertIn("Covers the recommendations.", text)
        self.assertIn("Exempt under paragraph 4 of Schedule 12A", text)
        self.assertNotIn("Talks with the unions", text)

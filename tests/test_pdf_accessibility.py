"""Every PDF the app makes is accessible: the four report documents (internal and public,
as the background task renders them) and the minutes (internal and public, as the views
serve them) are tagged PDF/UA-1 (/MarkInfo Marked, a structure tree with content, the
pdfuaid part in the XMP), titled with the document's title (shown in the title bar), in
British English, and read in order: headings, paragraphs and table headers come in the
document's order, once each, both in the text of the first pages and in the structure
tree that assistive technology follows. WeasyPrint reports nothing missing (an image's
alt text, the language). A control: the same HTML rendered by WeasyPrint without the
options has none of it."""

import datetime
import io
import logging
import re
from decimal import Decimal

from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from weasyprint import HTML

from biip.models import RAG, PublicationStatus
from biip.pdf import StaticFilesFetcher, render_pdf
from plans.models import SmartAssessment
from reports import services
from reports.models import Report, ReportVersion
from reports.rendering import base_url, document_input, render_document_html, render_version
from tests.base import RolesTestCase
from tests.factories import (
    make_action,
    make_indicator,
    make_indicator_value,
    make_person,
    make_plan,
    make_recommendation,
    make_report_snapshot,
    make_risk,
    make_source,
    make_theme,
)
from tests.minutes_fixture import make_published_meeting

EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 4,
    "exemption_review_date": datetime.date(2020, 3, 31),
}
MINUTES_TITLE = (
    "Minutes: Birmingham Independent Improvement Panel and Birmingham City Council, 29 January 2019"
)


def normalise(text: str) -> str:
    """Runs of white space as one space."""
    return re.sub(r"\s+", " ", text).strip()


def page_text(reader: PdfReader, pages: int) -> str:
    """The text of the first pages, as a PDF reader extracts it from the page content."""
    return normalise(" ".join(page.extract_text() for page in reader.pages[:pages]))


def marked_content(page) -> dict[int, str]:
    """The page's text by marked-content id (MCID)."""
    texts: dict[int, list[str]] = {}
    open_ids: list[int | None] = []

    def before(operator, operands, cm, tm):
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" else None
            is_dict = isinstance(properties, DictionaryObject)
            open_ids.append(properties.get("/MCID") if is_dict else None)
        elif operator == b"EMC" and open_ids:
            open_ids.pop()

    def text(string, *args):
        ids = [mcid for mcid in open_ids if mcid is not None]
        if ids:
            texts.setdefault(ids[-1], []).append(string)

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return {mcid: "".join(parts) for mcid, parts in texts.items()}


class StructureTree:
    """The PDF's structure tree in order: each element's role (/H1, /P, /TH...) and the
    text of its marked content, as assistive technology reads it."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.page_numbers = {
            page.indirect_reference.idnum: number for number, page in enumerate(reader.pages)
        }
        self.content: dict[int, dict[int, str]] = {}
        self.elements: list[tuple[str, str]] = []  # (role, text), in document order
        root = reader.trailer["/Root"]["/StructTreeRoot"]
        self.text = normalise(" ".join(self.walk(root["/K"], None)))

    def page_content(self, page_ref) -> dict[int, str]:
        number = self.page_numbers[page_ref.idnum]
        if number not in self.content:
            self.content[number] = marked_content(self.reader.pages[number])
        return self.content[number]

    def walk(self, node, page_ref) -> list[str]:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            return [text for kid in node for text in self.walk(kid, page_ref)]
        if isinstance(node, int):
            return [self.page_content(page_ref).get(node, "")]
        if not isinstance(node, DictionaryObject):
            return []
        page_ref = node.raw_get("/Pg") if "/Pg" in node else page_ref
        if node.get("/Type") == "/MCR":
            return [self.page_content(page_ref).get(node["/MCID"], "")]
        if "/K" not in node:  # an object reference (a link's annotation)
            return []
        index = len(self.elements)
        if "/S" in node:
            self.elements.append((str(node["/S"]), ""))
        texts = self.walk(node["/K"], page_ref)
        if "/S" in node:
            self.elements[index] = (str(node["/S"]), normalise(" ".join(texts)))
        return texts

    def headings(self) -> list[tuple[str, str]]:
        return [(role[1:], text) for role, text in self.elements if re.fullmatch(r"/H\d", role)]

    def count(self, role: str) -> int:
        return sum(1 for element_role, _ in self.elements if element_role == role)


class WeasyPrintProblems(logging.Handler):
    """WeasyPrint's warnings and errors while a PDF is made (e.g. an image without alt
    text, a document without a language, a resource refused)."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())

    def __enter__(self):
        logging.getLogger("weasyprint").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("weasyprint").removeHandler(self)


class AccessiblePdfChecks:
    def read(self, pdf: bytes) -> PdfReader:
        self.assertTrue(pdf.startswith(b"%PDF-1.7"))
        return PdfReader(io.BytesIO(pdf))

    def assert_accessible(self, pdf: bytes, *, title: str) -> tuple[PdfReader, StructureTree]:
        """Tagged PDF/UA-1, titled `title` (shown in the title bar), in en-GB."""
        reader = self.read(pdf)
        catalog = reader.trailer["/Root"]
        self.assertIs(bool(catalog["/MarkInfo"]["/Marked"]), True)
        self.assertEqual(catalog["/Lang"], "en-GB")
        self.assertIs(bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]), True)
        self.assertTrue(title)
        self.assertNotIn("untitled", title.lower())
        self.assertEqual(reader.metadata.title, title)
        xmp = reader.xmp_metadata
        self.assertEqual(xmp.dc_title, {"x-default": title})
        self.assertIn(b'pdfuaid:part="1"', xmp.stream.get_data())
        root = catalog["/StructTreeRoot"]
        self.assertEqual(root["/Type"], "/StructTreeRoot")
        (document,) = [kid.get_object() for kid in root["/K"]]
        self.assertEqual(document["/S"], "/Document")
        self.assertGreater(len(document["/K"]), 0)
        tree = StructureTree(reader)
        self.assertGreater(len(tree.elements), 50)
        return reader, tree

    def assert_in_order(self, text: str, phrases: list[str]) -> None:
        """Each phrase is in the text exactly once, after the phrase before it."""
        positions = []
        for phrase in phrases:
            self.assertEqual(text.count(phrase), 1, f"{phrase!r} once in {text[:3000]!r}")
            positions.append(text.index(phrase))
        self.assertEqual(positions, sorted(positions), phrases)

    def assert_table_headers_first(self, tree: StructureTree) -> None:
        """Each table's first cell is a header cell (TH): header cells before the rows."""
        tables = 0
        for index, (role, _) in enumerate(tree.elements):
            if role == "/Table":
                tables += 1
                first_cell = next(r for r, _ in tree.elements[index + 1 :] if r in ("/TH", "/TD"))
                self.assertEqual(first_cell, "/TH")
        self.assertGreater(tables, 0)
        self.assertGreater(tree.count("/TH"), tree.count("/Table"))


class ReportPdfs(AccessiblePdfChecks, RolesTestCase):
    """A plan under two themes (one action exempt, one risk confidential), an indicator,
    an external auditor's recommendation and a SMART assessment, frozen into a closed
    cycle's snapshot; each kind of report on it, its sections written, rendered as the
    background task renders a version, internal and public."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
        leadership = make_theme(code="LGA-1", name="Political leadership", order=1)
        culture = make_theme(code="LGA-2", name="Organisational culture", order=2)
        make_action(
            plan=plan,
            theme=leadership,
            reference="IP19-01",
            title="Close the budget gap",
            rag=RAG.AMBER,
            original_due_date=datetime.date(2019, 9, 30),
            directorate=cls.finance,
        )
        make_action(
            plan=plan,
            theme=culture,
            reference="IP19-02",
            title="Secret pay negotiations",
            rag=RAG.RED,
            start_date=datetime.date(2018, 6, 1),
            original_due_date=datetime.date(2019, 1, 31),
            directorate=cls.finance,
            **EXEMPT,
        )
        make_risk(reference="SR-01", title="Industrial relations in waste")
        make_risk(
            reference="SR-02",
            title="Secret equal pay risk",
            publication_status=PublicationStatus.CONFIDENTIAL,
        )
        make_recommendation(make_source(name="Grant Thornton"), reference="EA-1")
        overspend = make_indicator(code="FIN-01", name="Forecast in-year overspend")
        for month, value in ((4, "28.0"), (5, "19.5"), (6, "2.8")):
            make_indicator_value(
                overspend, period=datetime.date(2019, month, 1), value=Decimal(value)
            )
        chair = make_person(name="John Crabtree", title="Chair of BIIP")
        SmartAssessment.objects.create(
            plan=plan,
            assessor=chair,
            assessed_on=datetime.date(2019, 3, 13),
            specific_rating="adequate",
            measurable_rating="weak",
            ambition_rating="strong",
            resourced_rating="weak",
            timed_rating="not_met",
            conclusion=SmartAssessment.Conclusion.SIGN_OFF_WITH_CONDITIONS,
            summary="A sound enough basis.",
        )
        cls.snapshot = make_report_snapshot(datetime.date(2019, 10, 1), user=cls.sam)
        titles = {
            Report.Kind.STOCKTAKE: "Stock-take report, October 2019",
            Report.Kind.LETTER: "Letter to the Secretary of State, October 2019",
            Report.Kind.PACK: "Monthly report pack, October 2019",
            Report.Kind.SMART: "SMART assessment report, October 2019",
        }
        cls.pdfs = {}
        cls.problems = {}
        for kind, title in titles.items():
            report = services.create_report(
                user=cls.sam,
                kind=kind,
                plan=plan,
                snapshot=cls.snapshot,
                title=title,
                reference="BIIP/2019/10",
                dated=datetime.date(2019, 10, 5),
                subject="The council's improvement progress",
                signatory=chair,
            )
            for section in report.sections.all():
                services.update_section(
                    user=cls.sam,
                    section=section,
                    heading=section.heading,
                    body=f"The panel's view on {section.heading.lower()}.",
                )
            for public in (False, True):
                version = ReportVersion(
                    report=report,
                    number=1,
                    public=public,
                    snapshot=cls.snapshot,
                    created_by=cls.sam,
                )
                with WeasyPrintProblems() as problems:
                    cls.pdfs[kind, public] = render_version(version).content
                cls.problems[kind, public] = problems.messages

    def check(self, kind: str, *, public: bool, title: str) -> tuple[str, StructureTree]:
        """The PDF's accessibility checks; its first pages' text and its structure tree."""
        self.assertEqual(self.problems[kind, public], [])
        suffix = " (public version)" if public else ""
        reader, tree = self.assert_accessible(self.pdfs[kind, public], title=title + suffix)
        self.assert_table_headers_first(tree)
        # No run of full stops (a contents list's leader dots) for a screen reader to read.
        self.assertNotRegex(tree.text, r"(\.\s*){4,}")
        return page_text(reader, 4), tree

    def test_stocktake(self):
        for public in (False, True):
            with self.subTest(public=public):
                text, tree = self.check(
                    "stocktake", public=public, title="Stock-take report, October 2019"
                )
                marking = "OFFICIAL (public version)" if public else "OFFICIAL-SENSITIVE"
                in_order = [
                    "Birmingham City Council Improvement Stock-take Report October 2019",
                    "Plan: Improvement Plan 2019-20",
                    f"Protective marking: {marking} Status: Draft, not yet final",
                    "Contents Executive summary 3 Political leadership 4",
                    "Appendix: the plan with RAG ratings 7",
                    "Executive summary The panel's view on executive summary. The plan in figures",
                    "Political leadership The panel's view on political leadership.",
                    "Actions under Political leadership "
                    "Ref. Action Lead Due RAG Assurance IP19-01 Close the budget gap",
                    "Organisational culture The panel's view on organisational culture.",
                    "Actions under Organisational culture Ref. Action Lead Due RAG Assurance "
                    + (
                        "IP19-02 Withheld. Exempt under paragraph 4"
                        if public
                        else "IP19-02 Secret pay negotiations"
                    ),
                ]
                self.assert_in_order(text, in_order)
                self.assert_in_order(
                    tree.text,
                    [
                        *in_order,
                        "Critical issues and risks The panel's view on critical issues",
                        "Top risks, highest residual score first Ref. Risk Owner",
                        "Progress on the external audit recommendations The panel's view",
                        "Future priorities The panel's view on future priorities.",
                        "Appendix: the plan with RAG ratings Every action of the Improvement",
                    ],
                )
                self.assertEqual(
                    tree.headings()[:5],
                    [
                        ("H1", "Improvement Stock-take Report"),
                        ("H2", "Contents"),
                        ("H2", "Executive summary"),
                        ("H3", "The plan in figures"),
                        ("H2", "Political leadership"),
                    ],
                )

    def test_letter(self):
        for public in (False, True):
            with self.subTest(public=public):
                text, tree = self.check(
                    "letter",
                    public=public,
                    title="Letter to the Secretary of State, October 2019",
                )
                in_order = [
                    "Birmingham Independent Improvement Panel c/o Ministry of Housing",
                    "Our reference: BIIP/2019/10 5 October 2019",
                    "Dear Secretary of State, The council's improvement progress "
                    "Introduction The panel's view on introduction.",
                    "Progress since our last letter The panel's view on progress",
                    "The figures The panel's view on the figures.",
                    "Measure Figure Actions in the Improvement Plan 2019-20",
                    "Next steps The panel's view on next steps.",
                    "Yours sincerely John Crabtree Chair of BIIP",
                ]
                self.assert_in_order(text, in_order)
                self.assert_in_order(tree.text, in_order)
                # The marking and the draft status run in the page margins, which are not
                # tagged: the letter says them in its text too, after the date.
                marking = "OFFICIAL" if public else "OFFICIAL-SENSITIVE"
                self.assert_in_order(
                    tree.text,
                    ["5 October 2019", f"Protective marking: {marking}. Draft, not yet final."],
                )
                self.assertEqual(
                    tree.headings()[:3],
                    [
                        ("H1", "The council's improvement progress"),
                        ("H2", "Introduction"),
                        ("H2", "Progress since our last letter"),
                    ],
                )

    def test_pack(self):
        for public in (False, True):
            with self.subTest(public=public):
                text, tree = self.check(
                    "pack", public=public, title="Monthly report pack, October 2019"
                )
                in_order = [
                    "Birmingham Independent Improvement Panel Monthly report pack, October "
                    "2019 Monthly report pack for October 2019 Improvement Plan 2019-20",
                    "OFFICIAL" if public else "OFFICIAL-SENSITIVE",
                    "Contents Summary 3 RAG by theme 3",
                    "The panel's comments 7",
                    "The panel's view on summary. RAG by theme",
                    "Actions in Improvement Plan 2019-20 by theme and RAG "
                    "Theme Red Amber Green Blue Not yet rated Total Political leadership",
                    "What changed since last month There is no earlier closed cycle",
                    "Overdue and slipped actions and milestones Actions past their due date",
                ]
                # the marking repeats in every page's running header: the tree has it once
                self.assert_in_order(text, in_order[:1] + in_order[2:])
                self.assert_in_order(
                    tree.text,
                    [
                        *in_order,
                        "The meeting action log 0 actions arising are open",
                        "Top risks, highest residual score first Ref. Risk Owner",
                        "The latest value of each indicator Indicator Latest Value Target",
                        "Actions not updated, by directorate Directorate Actions",
                        "The panel's comments The panel's view on the panel's comments.",
                    ],
                )
                self.assertEqual(
                    tree.headings()[:3],
                    [
                        ("H1", "Monthly report pack, October 2019"),
                        ("H2", "Contents"),
                        ("H2", "Summary"),
                    ],
                )

    def test_smart(self):
        for public in (False, True):
            with self.subTest(public=public):
                text, tree = self.check(
                    "smart", public=public, title="SMART assessment report, October 2019"
                )
                in_order = [
                    "Birmingham Independent Improvement Panel SMART assessment report, "
                    "October 2019 The panel's assessment of the Improvement Plan 2019-20",
                    "Conclusion: Sign off with conditions (13 March 2019)",
                    "Contents Background and context 3",
                    "Appendix: the SMART criteria 5",
                    "Background and context The panel's view on background and context.",
                    "The assessment at a glance Ratings against each criterion and the "
                    "conclusion Assessment Specific Measurable",
                    "The whole plan: assessment against the SMART criteria "
                    "Criterion Rating Comment Specific Adequate",
                ]
                self.assert_in_order(text, in_order)
                self.assert_in_order(
                    tree.text,
                    [
                        *in_order,
                        "Conclusions The panel's view on conclusions.",
                        "Next steps The panel's view on next steps.",
                        "The criteria and what the panel looks for Criterion What the panel",
                    ],
                )
                self.assertEqual(
                    tree.headings()[:3],
                    [
                        ("H1", "SMART assessment report, October 2019"),
                        ("H2", "Contents"),
                        ("H2", "Background and context"),
                    ],
                )


class MinutesPdfs(AccessiblePdfChecks, RolesTestCase):
    """The published meeting's minutes as the views serve them: internal to a signed-in
    officer, public to anyone."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.meeting = make_published_meeting()

    def get_pdf(self, name: str) -> bytes:
        with WeasyPrintProblems() as problems:
            response = self.client.get(reverse(name, args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(problems.messages, [])
        return response.content

    def assert_minutes_in_order(self, pdf: bytes, *, title: str, in_order: list[str]):
        reader, tree = self.assert_accessible(pdf, title=title)
        self.assert_table_headers_first(tree)
        self.assert_in_order(page_text(reader, 3), in_order)
        self.assert_in_order(tree.text, in_order)
        self.assertEqual(
            tree.headings()[:4],
            [
                (
                    "H1",
                    "Meeting Birmingham Independent Improvement Panel and Birmingham City Council",
                ),
                ("H2", "Attendees"),
                ("H2", "Apologies"),
                ("H2", "Minutes"),
            ],
        )

    def test_internal_minutes(self):
        self.client.force_login(self.olivia)
        self.assert_minutes_in_order(
            self.get_pdf("minutes-pdf"),
            title=MINUTES_TITLE,
            in_order=[
                "Minutes Meeting Birmingham Independent Improvement Panel",
                "Tuesday 29 January 2019, 12:15pm to 2:15pm",
                "Protective marking: OFFICIAL-SENSITIVE.",
                "Attendees Panel: John Crabtree, Chair of BIIP",
                "Apologies Kate Charlton, City Solicitor",
                "1. Welcome and apologies: The Chair welcomed everyone to the meeting.",
                "4. Confidential The Bramblecote deficit was discussed.",
                "7. Close: John Crabtree closed the meeting.",
                "Actions arising Minute Action Owner Due 3 Report the month 10 position",
                "Formal advice No formal advice was given at this meeting.",
                "Next meeting Wednesday 27 February 2019",
            ],
        )

    def test_public_minutes(self):
        self.assert_minutes_in_order(
            self.get_pdf("public-minutes-pdf"),
            title=f"{MINUTES_TITLE} (public version)",
            in_order=[
                "Minutes (public version) Meeting Birmingham Independent Improvement Panel",
                "Tuesday 29 January 2019, 12:15pm to 2:15pm",
                "Protective marking: OFFICIAL.",
                "Attendees Panel: John Crabtree, Chair of BIIP",
                "1. Welcome and apologies: The Chair welcomed everyone to the meeting.",
                "4. Withheld. Confidential.",
                "5. Agenda item 3, minutes 5 to 6: withheld.",
                "7. Close: John Crabtree closed the meeting.",
                "Actions arising Minute Action Owner Due 3 Report the month 10 position",
                "Next meeting Wednesday 27 February 2019",
            ],
        )


class Controls(AccessiblePdfChecks, RolesTestCase):
    """The checks above can fail: WeasyPrint without the app's options makes an untagged,
    unmarked PDF from the same HTML; the title and language come from the HTML; the
    order check refuses a swap and a repeat."""

    def test_weasyprint_without_the_options_makes_an_untagged_pdf(self):
        report = services.create_report(
            user=self.sam,
            kind=Report.Kind.LETTER,
            plan=make_plan(),
            snapshot=None,
            title="Letter, October 2019",
        )
        doc = document_input(report, public=False, draft=True, snapshot=None)
        html = render_document_html(doc, for_pdf=True)
        url = base_url()
        plain = HTML(string=html, base_url=url, url_fetcher=StaticFilesFetcher(url)).write_pdf()
        catalog = PdfReader(io.BytesIO(plain)).trailer["/Root"]
        for key in ("/StructTreeRoot", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            self.assertNotIn(key, catalog)
        with self.assertRaises(KeyError):
            self.assert_accessible(plain.replace(b"%PDF-1.", b"%PDF-1.7", 1), title="x")
        self.assert_accessible(render_pdf(html, base_url=url), title="Letter, October 2019")

    def test_title_and_language_come_from_the_html(self):
        html = (
            '<html lang="cy"><head><title>Cofnodion</title></head><body>'
            + "".join(f"<p>Paragraph {n}</p>" for n in range(60))
            + "</body></html>"
        )
        reader = self.read(render_pdf(html, base_url="http://testserver/"))
        self.assertEqual(reader.trailer["/Root"]["/Lang"], "cy")
        self.assertEqual(reader.metadata.title, "Cofnodion")
        elements = StructureTree(reader).elements
        self.assertEqual(elements[0][0], "/Document")
        paragraphs = [text for role, text in elements if role == "/P"]
        self.assertEqual(paragraphs, [f"Paragraph {n}" for n in range(60)])
        untitled = render_pdf(
            '<html lang="en-GB"><body><p>No title</p></body></html>', base_url="http://x/"
        )
        self.assertIsNone(self.read(untitled).metadata.title)

    def test_the_order_check_refuses_a_swap_and_a_repeat(self):
        self.assert_in_order("Contents Summary Risks", ["Contents", "Risks"])
        with self.assertRaises(AssertionError):
            self.assert_in_order("Contents Summary Risks", ["Risks", "Contents"])
        with self.assertRaises(AssertionError):
            self.assert_in_order("Contents Summary Risks Summary", ["Contents", "Summary"])

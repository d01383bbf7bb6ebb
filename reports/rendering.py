"""From a report to its document: the input a document module works from, its HTML (the
browser preview and the PDF share it) and the PDF.

`document_input(report, public=, draft=, snapshot=, content_at=)` gathers the report's
particulars and narrative sections as they stood at `content_at` (from their history; now
when None), the sections' Markdown rendered and sanitised, and the data: the snapshot's
(or live data) and the cycle before, for "what changed". In a public version the one rule
(`biip.publication`) withholds every section, action, risk and action arising that is not
public, by the stricter of its status as it stood and its status now: only a neutral
heading (or the heading, if marked publishable) and the reason remain.

`render_document_html(doc, for_pdf=)` renders the document module's TEMPLATE (which extends
`reports/documents/base.html`) with its `build_context(doc)` and the common context: the
protective marking, the DRAFT watermark, the document title, the data in words.

`render_version(version)` renders a stored version's PDF with WeasyPrint (tagged PDF/UA-1,
fetching only the app's static files) and counts its pages.
"""

import datetime
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import HTML

from biip.pdf import PDF_VARIANT, StaticFilesFetcher
from biip.publication import frozen_verdict, withheld_heading
from plans.history import as_at
from reports.data import dataset_for, previous_dataset
from reports.documents import DocumentInput, SectionView
from reports.markdown import render_markdown
from reports.models import Report, ReportSection, ReportVersion, Snapshot
from reports.publication import judge_dataset

PUBLIC_MARKING = "OFFICIAL"
INTERNAL_MARKING = "OFFICIAL-SENSITIVE"


class DocumentUnavailable(Exception):
    """The document module for a kind of report is missing or broken."""


def document_module(kind: str) -> ModuleType:
    """The module `reports/documents/<kind>.py` that builds a kind of report."""
    label = Report.Kind(kind).label
    try:
        module = importlib.import_module(f"reports.documents.{kind}")
    except ImportError as error:
        raise DocumentUnavailable(
            f"The {label.lower()} cannot be produced yet: its document module is missing ({error})."
        ) from error
    for name in ("TEMPLATE", "default_sections", "build_context"):
        if not hasattr(module, name):
            raise DocumentUnavailable(f"The {label.lower()} document module has no {name}.")
    return module


def marking_of(*, public: bool) -> str:
    return PUBLIC_MARKING if public else INTERNAL_MARKING


def _just_after(moment: datetime.datetime) -> datetime.datetime:
    """History is read strictly before a moment; an edit saved at `moment` counts."""
    return moment + datetime.timedelta(microseconds=1)


def report_as_at(report: Report, moment: datetime.datetime | None) -> Report:
    """The report with its particulars as they stood at `moment` (now if None)."""
    if moment is None:
        return report
    row = as_at(Report, _just_after(moment)).filter(id=report.pk).first()
    return report if row is None else row.instance


def sections_as_at(report: Report, moment: datetime.datetime | None) -> list:
    """The report's sections (or their history rows, which have the same fields) in order,
    as they stood at `moment` (now if None)."""
    if moment is None:
        rows = ReportSection.objects.filter(report=report)
    else:
        rows = as_at(ReportSection, _just_after(moment)).filter(report_id=report.pk)
    return list(rows.order_by("order", "id"))


def section_view(section, *, public: bool, number: int = 0, now=None) -> SectionView:
    """The section as a document shows it. In a public version a section is withheld by
    the stricter of its status as it stood (`section`) and now (`now`, the live section),
    and its heading, free text, is replaced by a neutral one ("Section 3: withheld, ...")
    unless the secretariat marked it publishable, then and now."""
    view = SectionView(
        key=section.key,
        heading=section.heading,
        order=section.order,
        theme_id=section.theme_id,
    )
    answer = frozen_verdict(section, now)
    if public and not answer.public:
        view.withheld = True
        view.reason = answer.reason
        if not (section.heading_public and (now is None or now.heading_public)):
            view.heading = withheld_heading(number, answer)
    else:
        view.html = render_markdown(section.body)
    return view


def empty_sections(report: Report) -> list[ReportSection]:
    """The report's sections as they stand whose document would print "No narrative has
    been written for this section" (nothing shown once the Markdown is rendered)."""
    sections = report.sections.order_by("order", "id")
    return [section for section in sections if section_view(section, public=False).is_empty]


def document_input(
    report: Report,
    *,
    public: bool,
    draft: bool,
    snapshot: Snapshot | None,
    content_at: datetime.datetime | None = None,
) -> DocumentInput:
    """What a document is built from (see the module's docstring)."""
    sections = sections_as_at(report, content_at)
    dataset = dataset_for(snapshot, report.plan_id)
    previous = previous_dataset(dataset, report.plan_id)
    if public:
        judge_dataset(dataset)
        judge_dataset(previous)
    now = ReportSection.objects.in_bulk([section.id for section in sections]) if public else {}
    return DocumentInput(
        report=report_as_at(report, content_at),
        dataset=dataset,
        sections=[
            section_view(section, public=public, number=number, now=now.get(section.id))
            for number, section in enumerate(sections, start=1)
        ],
        public=public,
        draft=draft,
        previous=previous,
    )


def document_title(doc: DocumentInput) -> str:
    version = " (public version)" if doc.public else ""
    return f"{doc.report.title}{version}"


def render_document_html(
    doc: DocumentInput, *, for_pdf: bool, extra_context: dict | None = None
) -> str:
    """The document as HTML: the preview in the browser (for_pdf False, with its links)
    or the page WeasyPrint lays out."""
    module = document_module(doc.report.kind)
    context = {
        "document_title": document_title(doc),
        **module.build_context(doc),
        **(extra_context or {}),
        "report": doc.report,
        "doc": doc,
        "public": doc.public,
        "draft": doc.draft,
        "marking": marking_of(public=doc.public),
        "data_description": doc.dataset.description(),
        "for_pdf": for_pdf,
    }
    return render_to_string(module.TEMPLATE, context)


def base_url() -> str:
    """The app's address, against which the document's static links resolve (the PDF is
    rendered outside any request, in the worker)."""
    return f"{settings.SITE_URL}/"


@dataclass
class RenderedPdf:
    content: bytes
    pages: int


def render_html_pdf(html: str) -> RenderedPdf:
    """HTML to a tagged PDF, with its number of pages."""
    url = base_url()
    document = HTML(string=html, base_url=url, url_fetcher=StaticFilesFetcher(url)).render()
    return RenderedPdf(document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages))


def render_version(
    version: ReportVersion, *, progress: Callable[[int], None] | None = None
) -> RenderedPdf:
    """A version's PDF, from its snapshot (or live data) and the narrative as it stood
    when it was asked for. `progress(percent)` is told how far it has got."""

    def step(percent: int) -> None:
        if progress is not None:
            progress(percent)

    step(10)
    doc = document_input(
        version.report,
        public=version.public,
        draft=version.draft,
        snapshot=version.snapshot,
        content_at=version.content_at,
    )
    step(40)
    html = render_document_html(doc, for_pdf=True)
    step(60)
    return render_html_pdf(html)


def render_version_pdf(version: ReportVersion) -> bytes:
    return render_version(version).content

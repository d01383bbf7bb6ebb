"""The panel's letter to the Secretary of State (modelled on the Chair's letters): the
panel's sender block, the addressee block, the date, the reference, the salutation, the
subject line, the body in sections written by the secretariat, the figures filled from the
data (the plan's RAG counts, the latest forecast overspend, open risks by band and above
tolerance), and the sign-off by the Chair.

The figures table goes after the narrative of the "figures" section (at the end of the
body if the letter has no such section). In the public version the counts are of public
rows only, and say how many were left out.
"""

import datetime
from dataclasses import dataclass

from plans.models import Indicator
from reports.documents import DocumentInput, SectionSpec
from reports.documents.stocktake import RagSummary, rag_summary, risk_picture, uk_date
from reports.publication import split_public

TEMPLATE = "reports/documents/letter.html"

PANEL = "Birmingham Independent Improvement Panel"
PANEL_ADDRESS = [
    "c/o Ministry of Housing, Communities and Local Government",
    "2 Marsham Street",
    "London",
    "SW1P 4DF",
]
FIGURES = "figures"
OVERSPEND_CODE = "FIN-01"

SECTIONS = [
    ("introduction", "Introduction"),
    ("progress", "Progress since our last letter"),
    ("finance", "Finance"),
    ("risks", "Risks"),
    (FIGURES, "The figures"),
    ("next-steps", "Next steps"),
]


def default_sections(report) -> list[SectionSpec]:
    return [SectionSpec(key, heading) for key, heading in SECTIONS]


@dataclass
class Overspend:
    name: str
    value: str  # "£2.8m"
    label: str  # "M9 2018-19"
    first_value: str = ""
    first_label: str = ""

    @property
    def words(self) -> str:
        """ "£2.8m (M9 2018-19), down from £28.0m (M1 2018-19)" """
        text = f"{self.value} ({self.label})"
        if self.first_label and self.first_label != self.label:
            text += f", compared with {self.first_value} ({self.first_label})"
        return text


def period_label(row) -> str:
    return row.label or f"{row.period:%B %Y}"


def overspend(indicators: list) -> Overspend | None:
    """The latest value of the forecast overspend (the indicator coded FIN-01, else the
    first whose name mentions an overspend), with the first value of its series."""
    rows = [row for row in indicators if row.code == OVERSPEND_CODE]
    if not rows:
        named = sorted({row.code for row in indicators if "overspend" in row.name.lower()})
        rows = [row for row in indicators if named and row.code == named[0]]
    if not rows:
        return None
    rows = sorted(rows, key=lambda row: row.period)
    unit = Indicator(unit=rows[-1].unit)
    first, latest = rows[0], rows[-1]
    return Overspend(
        name=latest.name,
        value=unit.format_value(latest.value),
        label=period_label(latest),
        first_value=unit.format_value(first.value),
        first_label=period_label(first),
    )


@dataclass
class Figures:
    plan: str
    rag: RagSummary
    overdue: int
    overspend: Overspend | None
    open_risks: int
    above_tolerance: int
    by_band: list[tuple[str, int]]
    risks_withheld: int


def figures(doc: DocumentInput) -> Figures:
    actions = doc.dataset.plan_actions(doc.report.plan)
    shown, _ = split_public(actions, public=doc.public)
    risks = risk_picture(doc.dataset.risks, public=doc.public)
    return Figures(
        plan=doc.report.plan.title,
        rag=rag_summary(shown, withheld=len(actions) - len(shown)),
        overdue=sum(1 for row in shown if row.is_overdue(doc.dataset.on)),
        overspend=overspend(doc.dataset.indicators),
        open_risks=risks.mapped,
        above_tolerance=risks.above_tolerance,
        by_band=risks.by_band,
        risks_withheld=len(risks.withheld),
    )


def letter_date(doc: DocumentInput) -> datetime.date:
    return doc.report.dated or doc.dataset.on


def signatory(doc: DocumentInput) -> tuple[str, str]:
    """(name, title) of who signs: the report's signatory, the Chair."""
    person = doc.report.signatory
    if person is None:
        return "", "Chair"
    return person.name, person.title or "Chair"


def build_context(doc: DocumentInput) -> dict:
    report = doc.report
    name, title = signatory(doc)
    return {
        "panel": PANEL,
        "sender_address": PANEL_ADDRESS,
        "addressee_lines": [line.strip() for line in report.addressee.splitlines() if line.strip()],
        "date": uk_date(letter_date(doc)),
        "reference": report.reference,
        "salutation": report.salutation or "Dear Secretary of State",
        "subject": report.subject or report.title,
        "sections": doc.sections,
        "figures_key": FIGURES,
        "figures_placed": doc.section(FIGURES) is not None,
        "figures": figures(doc),
        "data_as_at": uk_date(doc.dataset.on),
        "signatory_name": name,
        "signatory_title": title,
    }

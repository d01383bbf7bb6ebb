"""The improvement stock-take report (modelled on the council's March 2019 stock-take):
a title page, contents, an executive summary with the plan's RAG counts, one section per
theme of the plan (the secretariat's narrative and the RAG table of the theme's actions),
critical issues and risks (heat map and top risks), progress on the external auditor's
recommendations, future priorities, and an appendix with the whole plan and its RAG.

Everything the template shows is worked out here, as words and numbers. In the public
version an action or risk that is not public is a "withheld" row (its reference and the
reason) and never reaches the context with its title, lead or narrative; the counts of the
public version are of the public rows only.

The helpers for RAG counts and action rows are used by the letter too.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from biip.models import RAG
from plans.models import AssuranceStatus, Recommendation, Risk, RiskBand, Source, Theme
from plans.risks import RESIDUAL, HeatMap, Movement, heat_map, score_of
from reports.documents import DocumentInput, SectionSpec, SectionView
from reports.publication import Withheld, public_rows, split_public

TEMPLATE = "reports/documents/stocktake.html"

COUNCIL = "Birmingham City Council"
TOP_RISKS = 10

SUMMARY, RISKS, AUDIT, PRIORITIES = "summary", "risks", "audit", "priorities"
HEADINGS = {
    SUMMARY: "Executive summary",
    RISKS: "Critical issues and risks",
    AUDIT: "Progress on the external audit recommendations",
    PRIORITIES: "Future priorities",
}
APPENDIX = "Appendix: the plan with RAG ratings"


def uk_date(day: datetime.date | None) -> str:
    """29 January 2019 (empty for none)."""
    return f"{day.day} {day:%B %Y}" if day else ""


def theme_key(theme_id: int) -> str:
    return f"theme-{theme_id}"


def plan_themes(plan) -> list[Theme]:
    """The themes the plan's actions are organised under, in the themes' order."""
    return list(Theme.objects.filter(actions__plan=plan).distinct().order_by("order", "code"))


def default_sections(report) -> list[SectionSpec]:
    specs = [SectionSpec(SUMMARY, HEADINGS[SUMMARY])]
    specs += [
        SectionSpec(theme_key(theme.pk), theme.name, theme_id=theme.pk)
        for theme in plan_themes(report.plan)
    ]
    specs += [SectionSpec(key, HEADINGS[key]) for key in (RISKS, AUDIT, PRIORITIES)]
    return specs


# -- RAG counts ----------------------------------------------------------------------


@dataclass(frozen=True)
class RagCount:
    rag: str
    label: str
    count: int


@dataclass
class RagSummary:
    counts: list[RagCount]  # every rating, in the scale's order (Blue first)
    total: int
    withheld: int = 0  # rows left out of a public version's counts

    def count(self, rag: str) -> int:
        return next((row.count for row in self.counts if row.rag == rag), 0)

    @property
    def words(self) -> str:
        """ "26 actions: 5 Blue, 12 Green, 7 Amber, 2 Red" (ratings with none left out)."""
        parts = [f"{row.count} {row.label}" for row in self.counts if row.count]
        noun = "action" if self.total == 1 else "actions"
        return f"{self.total} {noun}: {', '.join(parts)}" if parts else f"No {noun}"


def rag_summary(rows, *, withheld: int = 0) -> RagSummary:
    tally = Counter(row.rag for row in rows)
    counts = [RagCount(value, label, tally.get(value, 0)) for value, label in RAG.choices]
    return RagSummary(counts=counts, total=sum(tally.values()), withheld=withheld)


# -- action rows ---------------------------------------------------------------------


@dataclass
class ActionRow:
    """An action as a table row: all in words, or (withheld) only its reference and why."""

    reference: str
    withheld: bool = False
    reason: str = ""
    title: str = ""
    theme: str = ""
    lead: str = ""
    directorate: str = ""
    due: str = ""
    slippage: str = ""
    rag: str = ""
    assurance: str = ""


def slippage_words(row) -> str:
    """ "Slipped 183 days from 31 March 2019", or "" where the date has not moved."""
    days = row.slippage_days
    if not days:
        return ""
    return f"Slipped {days} day{'' if days == 1 else 's'} from {uk_date(row.original_due_date)}"


def assurance_words(row) -> str:
    """The panel's view of the latest update: "Assured", "Challenged: panel rates it Red"."""
    words = AssuranceStatus(row.assurance).label if row.assurance else "Not yet reviewed"
    if row.assured_rag and row.assured_rag != row.rag:
        words += f": panel rates it {RAG(row.assured_rag).label}"
    return words


def action_row(row) -> ActionRow:
    return ActionRow(
        reference=row.reference,
        title=row.title,
        theme=row.theme_name,
        lead=row.lead_officer,
        directorate=row.directorate,
        due=uk_date(row.due_date),
        slippage=slippage_words(row),
        rag=row.rag,
        assurance=assurance_words(row),
    )


def action_rows(rows, *, public: bool) -> list[ActionRow]:
    """Every row, in the given order: in full, or withheld in a public version."""
    return [
        ActionRow(row.reference, withheld=True, reason=row.reason)
        if isinstance(row, Withheld)
        else action_row(row)
        for row in public_rows(rows, public=public)
    ]


# -- themes --------------------------------------------------------------------------


@dataclass
class ThemeBlock:
    anchor: str
    heading: str
    section: SectionView | None
    rows: list[ActionRow]
    summary: RagSummary


def theme_blocks(doc: DocumentInput, actions: list, shown_ids: set) -> list[ThemeBlock]:
    """One block per theme: those with a narrative section first, in the sections' order,
    then any theme that has actions but no section (by the themes' order)."""
    by_theme: dict = {}
    names: dict = {}
    for row in actions:
        by_theme.setdefault(row.theme_id, []).append(row)
        names.setdefault(row.theme_id, row.theme_name or "Other actions")
    order = [section.theme_id for section in doc.sections if section.theme_id is not None]
    order += [theme_id for theme_id in by_theme if theme_id not in order]
    blocks = []
    for theme_id in order:
        section = doc.theme_section(theme_id) if theme_id is not None else None
        rows = by_theme.get(theme_id, [])
        shown = [row for row in rows if id(row) in shown_ids]
        blocks.append(
            ThemeBlock(
                anchor=f"theme-{theme_id}" if theme_id is not None else "theme-none",
                heading=section.heading if section else names[theme_id],
                section=section,
                rows=action_rows(rows, public=doc.public),
                summary=rag_summary(shown, withheld=len(rows) - len(shown)),
            )
        )
    return blocks


# -- risks ---------------------------------------------------------------------------


@dataclass
class RiskRow:
    reference: str
    withheld: bool = False
    reason: str = ""
    title: str = ""
    owner: str = ""
    residual: str = ""  # "Very high 20 (4 × 5)"
    tolerance: str = ""
    trend: str = ""
    mitigations: str = ""


def trend_words(value: str) -> str:
    try:
        return Risk.Trend(value).label
    except ValueError:
        return value.capitalize()


def risk_row(row) -> RiskRow:
    score = score_of(row, RESIDUAL)
    past = "above tolerance" if row.past_tolerance else "within tolerance"
    return RiskRow(
        reference=row.reference,
        title=row.title,
        owner=row.owner,
        residual=str(score),
        tolerance=f"{row.tolerance} ({past})",
        trend=trend_words(row.trend),
        mitigations=row.mitigations,
    )


@dataclass
class RiskPicture:
    heat_map: HeatMap
    mapped: int  # risks placed on the map
    top: list[RiskRow]
    withheld: list[Withheld]
    above_tolerance: int
    by_band: list[tuple[str, int]]  # (band in words, count), highest band first


def risk_picture(risks: list, *, public: bool) -> RiskPicture:
    """Open risks: the heat map of residual scores, the top risks (highest residual
    first), how many are above tolerance and how many in each band. In a public version
    only public risks are mapped and counted; the withheld ones are listed after the top
    risks, by reference only."""
    open_risks = [row for row in risks if row.status == "open"]
    ranked = sorted(open_risks, key=lambda row: (-row.residual_score, row.reference))
    shown, withheld = split_public(ranked, public=public)
    moves = [Movement(row, None, score_of(row, RESIDUAL)) for row in shown]
    bands = Counter(row.residual_band for row in shown)
    return RiskPicture(
        heat_map=heat_map(moves, chart_id="stocktake-heat-map"),
        mapped=len(shown),
        top=[risk_row(row) for row in shown[:TOP_RISKS]],
        withheld=sorted(withheld, key=lambda item: item.reference),
        above_tolerance=sum(1 for row in shown if row.past_tolerance),
        by_band=[(band.label, bands.get(band, 0)) for band in reversed(RiskBand)],
    )


# -- the external auditor's recommendations ------------------------------------------


@dataclass
class RecommendationRow:
    reference: str
    text: str
    theme: str
    response: str
    progress: str
    addressed: str
    verified: str


@dataclass
class AuditProgress:
    rows: list[RecommendationRow]
    by_progress: list[tuple[str, int]]  # (progress in words, count), best first
    addressed: int
    verified: int

    @property
    def total(self) -> int:
        return len(self.rows)


def progress_words(value: str) -> str:
    try:
        return Recommendation.Progress(value).label
    except ValueError:
        return Recommendation.Progress.NOT_ASSESSED.label


def audit_progress(recommendations: list) -> AuditProgress:
    rows = [row for row in recommendations if row.source_kind == Source.Kind.EXTERNAL_AUDIT]
    tally = Counter(progress_words(row.assessed_progress) for row in rows)
    return AuditProgress(
        rows=[
            RecommendationRow(
                reference=row.reference,
                text=row.text,
                theme=row.theme_name,
                response=row.council_response,
                progress=progress_words(row.assessed_progress),
                addressed=uk_date(row.addressed_on) or "Not yet",
                verified=uk_date(row.verified_on) or "Not yet",
            )
            for row in rows
        ],
        by_progress=[
            (label, tally[label])
            for _, label in reversed(Recommendation.Progress.choices)
            if tally[label]
        ],
        addressed=sum(1 for row in rows if row.addressed_on),
        verified=sum(1 for row in rows if row.verified_on),
    )


# -- the document --------------------------------------------------------------------


@dataclass
class Part:
    """A fixed part of the report: its anchor, heading and narrative (if it has one)."""

    anchor: str
    heading: str
    section: SectionView | None = None
    extra: list = field(default_factory=list)


def part(doc: DocumentInput, key: str) -> Part:
    section = doc.section(key)
    return Part(anchor=key, heading=section.heading if section else HEADINGS[key], section=section)


def known_key(key: str) -> bool:
    return key in HEADINGS or key.startswith("theme-")


def report_month(doc: DocumentInput) -> str:
    """The month the report is for: its date, else the cycle's month, else the data's."""
    day = doc.report.dated or doc.dataset.period or doc.dataset.on
    return f"{day:%B %Y}"


def build_context(doc: DocumentInput) -> dict:
    plan = doc.report.plan
    actions = doc.dataset.plan_actions(plan)
    shown, _ = split_public(actions, public=doc.public)
    shown_ids = {id(row) for row in shown}
    themes = theme_blocks(doc, actions, shown_ids)
    others = [section for section in doc.sections if not known_key(section.key)]
    summary, risks, audit, priorities = (part(doc, key) for key in HEADINGS)
    contents = [(summary.anchor, summary.heading)]
    contents += [(block.anchor, block.heading) for block in themes]
    contents += [(p.anchor, p.heading) for p in (risks, audit, priorities)]
    contents += [(f"section-{section.key}", section.heading) for section in others]
    contents.append(("appendix", APPENDIX))
    return {
        "council": COUNCIL,
        "plan": plan,
        "month": report_month(doc),
        "data_as_at": uk_date(doc.dataset.on),
        "contents": contents,
        "summary": summary,
        "rag": rag_summary(shown, withheld=len(actions) - len(shown)),
        "overdue": sum(1 for row in shown if row.is_overdue(doc.dataset.on)),
        "slipped": sum(1 for row in shown if row.is_slipped),
        "themes": themes,
        "risks": risks,
        "risk_picture": risk_picture(doc.dataset.risks, public=doc.public),
        "audit": audit,
        "audit_progress": audit_progress(doc.dataset.recommendations),
        "priorities": priorities,
        "other_sections": others,
        "appendix_heading": APPENDIX,
        "appendix": action_rows(actions, public=doc.public),
    }

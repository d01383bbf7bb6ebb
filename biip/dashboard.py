"""The home page's counting: actions by RAG in one aggregate query, and the segments of
the stacked bar that shows them (an SVG drawn by the template, so one chart serves the
page and, later, the PDF)."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.db.models.functions import Coalesce

from biip.models import RAG, RAG_ORDER

# Segment fills and label colours from the GOV.UK Frontend palette. The template outlines
# each segment in BAR_OUTLINE, with which every fill has at least 3:1 contrast (WCAG
# 1.4.11; yellow alone on white would not), and each label has at least 4.5:1 with its fill.
BAR_OUTLINE = "#0b0c0c"
BAR_COLOURS = {
    RAG.RED: ("#ca3535", "#ffffff"),
    RAG.AMBER: ("#ffdd00", "#0b0c0c"),
    RAG.GREEN: ("#0f7a52", "#ffffff"),
    RAG.BLUE: ("#1d70b8", "#ffffff"),
    RAG.NOT_RATED: ("#858686", "#0b0c0c"),
}
BAR_HEIGHT = 40  # pixels
BAR_PERCENT_PER_DIGIT = 3


@dataclass(frozen=True)
class RagCount:
    rag: RAG
    count: int

    @property
    def label(self) -> str:
        return self.rag.label

    @property
    def meaning(self) -> str:
        return self.rag.meaning


@dataclass(frozen=True)
class Segment:
    """One RAG's part of the bar; x and width are percentages of the bar's width, so the
    bar fills any column while its height and its numbers keep their size."""

    rag: RAG
    count: int
    x: float
    width: float
    fill: str
    text_fill: str

    @property
    def label(self) -> str:
        return self.rag.label

    @property
    def x_attr(self) -> str:
        return f"{self.x:.2f}%"

    @property
    def width_attr(self) -> str:
        return f"{self.width:.2f}%"

    @property
    def text_x_attr(self) -> str:
        return f"{self.x + self.width / 2:.2f}%"

    @property
    def show_number(self) -> bool:
        """Only where the number fits: about 3% of the bar per digit."""
        return self.width >= BAR_PERCENT_PER_DIGIT * len(str(self.count))


def rag_counts(actions: QuerySet) -> list[RagCount]:
    """The number of actions with each RAG, in RAG_ORDER (zeros included): one query."""
    rows = actions.order_by().values("rag").annotate(n=Count("pk"))
    found = {row["rag"]: row["n"] for row in rows}
    return [RagCount(rag, found.get(rag.value, 0)) for rag in RAG_ORDER]


@dataclass(frozen=True)
class StackedBar:
    segments: list[Segment]
    description: str
    height: int = BAR_HEIGHT
    outline: str = BAR_OUTLINE


def stacked_bar(counts: list[RagCount]) -> StackedBar:
    """The stacked bar of counts: a segment for each RAG with any actions, left to right.
    Edges are rounded from the running total so the segments always fill the bar."""
    total = sum(item.count for item in counts)
    segments, running = [], 0
    for item in counts:
        if not item.count:
            continue
        x = round(running * 100 / total, 2)
        running += item.count
        end = round(running * 100 / total, 2)
        fill, text_fill = BAR_COLOURS[item.rag]
        segments.append(Segment(item.rag, item.count, x, round(end - x, 2), fill, text_fill))
    description = "Actions by RAG: " + ", ".join(
        f"{item.count} {item.label.lower()}" for item in counts
    )
    return StackedBar(segments, description)


def summary(counts: list[RagCount]) -> str:
    """The non-zero counts in words, e.g. "1 red, 2 amber, 3 green"."""
    return ", ".join(f"{item.count} {item.label.lower()}" for item in counts if item.count)


def by_due_date(actions: QuerySet) -> QuerySet:
    """Actions soonest due first (the revised due date where there is one)."""
    return actions.annotate(due=Coalesce("revised_due_date", "original_due_date")).order_by(
        "due", "reference"
    )

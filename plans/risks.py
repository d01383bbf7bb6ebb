"""Risk scores as people read them: a score (likelihood x impact) with its band's word and
colours, the key of the bands, a risk's score history from its history rows, each open
risk's movement since the last closed cycle, and the geometry of the 5 x 5 heat map.

The bands themselves are plans.models' (BAND_FLOORS, band_of, band_range): nothing here
retypes a score boundary. Colour is never the only signal: every score is shown with its
band's word too.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from plans.history import as_at
from plans.models import BAND_FLOORS, Cycle, Risk, RiskBand, band_of, band_range

SCALE = range(1, 6)
# The scores a 5 x 5 matrix can give (no 7, 11, 13, 14, 17, 18, 19 and so on).
POSSIBLE_SCORES = sorted({likelihood * impact for likelihood in SCALE for impact in SCALE})

RESIDUAL, INHERENT, TARGET = "residual", "inherent", "target"
KINDS = {RESIDUAL: "Residual", INHERENT: "Inherent", TARGET: "Target"}


@dataclass(frozen=True)
class BandStyle:
    tag_class: str  # the GOV.UK tag modifier for the band's tag
    fill: str  # the heat map cell's colour (GOV.UK palette)
    text: str  # the colour of text on that fill (at least 4.5:1 against it)


BAND_STYLES = {
    RiskBand.LOW: BandStyle("govuk-tag--green", "#0f7a52", "#ffffff"),
    RiskBand.MEDIUM: BandStyle("govuk-tag--yellow", "#ffdd00", "#0b0c0c"),
    RiskBand.HIGH: BandStyle("govuk-tag--orange", "#f47738", "#0b0c0c"),
    RiskBand.VERY_HIGH: BandStyle("govuk-tag--red", "#ca3535", "#ffffff"),
}


@dataclass(frozen=True)
class Score:
    """A likelihood and an impact (1-5 each), their product and its band."""

    likelihood: int
    impact: int

    @property
    def value(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> RiskBand:
        return band_of(self.value)

    @property
    def word(self) -> str:
        return self.band.label

    @property
    def tag_class(self) -> str:
        return BAND_STYLES[self.band].tag_class

    @property
    def fill(self) -> str:
        return BAND_STYLES[self.band].fill

    @property
    def text_colour(self) -> str:
        return BAND_STYLES[self.band].text

    @property
    def cell(self) -> tuple[int, int]:
        return self.likelihood, self.impact

    def __str__(self) -> str:
        """Very high 20 (4 × 5)"""
        return f"{self.word} {self.value} ({self.likelihood} × {self.impact})"

    @property
    def short(self) -> str:
        """Very high 20: the words of the band's tag."""
        return f"{self.word} {self.value}"


def score_of(record, kind: str = RESIDUAL) -> Score:
    """A risk's (or a history row's) residual, inherent or target score."""
    return Score(getattr(record, f"{kind}_likelihood"), getattr(record, f"{kind}_impact"))


@dataclass(frozen=True)
class KeyEntry:
    band: RiskBand
    low: int  # the band's lowest and highest possible scores
    high: int

    @property
    def word(self) -> str:
        return self.band.label

    @property
    def style(self) -> BandStyle:
        return BAND_STYLES[self.band]

    @property
    def range_text(self) -> str:
        return f"{self.low} to {self.high}"


def band_key() -> list[KeyEntry]:
    """The bands, lowest first, each with the scores a 5 x 5 matrix can give in it: low
    1 to 4, medium 5 to 9, high 10 to 16, very high 20 to 25 (from BAND_FLOORS)."""
    entries = []
    for _, band in reversed(BAND_FLOORS):
        low, high = band_range(band)
        possible = [score for score in POSSIBLE_SCORES if low <= score <= high]
        entries.append(KeyEntry(band, possible[0], possible[-1]))
    return entries


def money(value: Decimal | None) -> str:
    """£30,000,000, or £750,000.50 where there are pence; "Not assessed" for none."""
    if value is None:
        return "Not assessed"
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


# The score history, from the risk's history rows.


@dataclass(frozen=True)
class ScorePoint:
    day: datetime.date
    inherent: int
    residual: int
    target: int

    @property
    def label(self) -> str:
        """3 Sep 2018: short enough for the chart's axis."""
        return f"{self.day.day} {self.day:%b %Y}"


def score_history(rows: Iterable) -> list[ScorePoint]:
    """The risk's scores on each day they changed, oldest first: one point for the first
    version, then one for each day on which a score changed (the day's last version).
    `rows` are the risk's history rows in any order."""
    by_day: dict[datetime.date, ScorePoint] = {}
    ordered = sorted(rows, key=lambda row: (row.history_date, row.history_id))
    for row in ordered:
        day = timezone.localdate(row.history_date)
        by_day[day] = ScorePoint(
            day=day,
            inherent=score_of(row, INHERENT).value,
            residual=score_of(row, RESIDUAL).value,
            target=score_of(row, TARGET).value,
        )
    points: list[ScorePoint] = []
    for point in by_day.values():
        scores = (point.inherent, point.residual, point.target)
        if not points or scores != (points[-1].inherent, points[-1].residual, points[-1].target):
            points.append(point)
    return points


# Movement since the last closed cycle.


class Direction:
    UP = "Up"
    DOWN = "Down"
    SAME = "No change"
    NEW = "New"


@dataclass
class Movement:
    """A risk's score at the end of the last closed cycle (None: not on the register
    then) and now."""

    risk: Risk
    before: Score | None
    after: Score

    @property
    def direction(self) -> str:
        if self.before is None:
            return Direction.NEW
        if self.after.value > self.before.value:
            return Direction.UP
        if self.after.value < self.before.value:
            return Direction.DOWN
        return Direction.SAME

    @property
    def moved(self) -> bool:
        """Whether it sits in another cell of the heat map than it did."""
        return self.before is not None and self.before.cell != self.after.cell

    @property
    def words(self) -> str:
        """What happened, in a sentence's words."""
        if self.before is None:
            return f"New since then: now {self.after}"
        if not self.moved:
            return f"No movement: {self.after}"
        return f"{self.direction}: from {self.before} to {self.after}"


def scores_then(
    cycle: Cycle | None, kind: str = RESIDUAL, *, risk: Risk | None = None
) -> dict[int, Score]:
    """Each risk's score (or only `risk`'s) as it stood when `cycle` closed (nothing
    without a cycle)."""
    if cycle is None:
        return {}
    rows = as_at(Risk, cycle.closed_at)
    if risk is not None:
        rows = rows.filter(id=risk.pk)
    rows = rows.values_list("id", f"{kind}_likelihood", f"{kind}_impact")
    return {pk: Score(likelihood, impact) for pk, likelihood, impact in rows}


def movements(risks: Iterable[Risk], then: dict[int, Score], kind: str = RESIDUAL):
    """Each risk's movement from its score `then` (by risk id) to its score now."""
    return [Movement(risk, then.get(risk.pk), score_of(risk, kind)) for risk in risks]


DIRECTION_ORDER = [Direction.UP, Direction.DOWN, Direction.NEW, Direction.SAME]


def by_direction(moves: Iterable[Movement]) -> list[Movement]:
    """Risks that went up first, then down, then new ones, then the unchanged; each
    group highest score now first."""
    return sorted(
        moves,
        key=lambda move: (
            DIRECTION_ORDER.index(move.direction),
            -move.after.value,
            move.risk.reference,
        ),
    )


@dataclass(frozen=True)
class MovementSummary:
    up: int
    down: int
    same: int
    new: int


def summarise(moves: Sequence[Movement]) -> MovementSummary:
    directions = [move.direction for move in moves]
    return MovementSummary(
        up=directions.count(Direction.UP),
        down=directions.count(Direction.DOWN),
        same=directions.count(Direction.SAME),
        new=directions.count(Direction.NEW),
    )


# The heat map: likelihood across (1 at the left), impact up (1 at the bottom).


@dataclass
class Cell:
    score: Score
    x: float
    y: float
    width: float
    height: float
    risks: list[Risk] = field(default_factory=list)
    url: str = ""

    @property
    def count(self) -> int:
        return len(self.risks)

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def centre_y(self) -> float:
        return self.y + self.height / 2

    @property
    def count_y(self) -> float:  # the count's baseline, a little above the middle
        return round(self.y + self.height * 0.5, 1)

    @property
    def band_y(self) -> float:  # the band's words, near the bottom
        return round(self.y + self.height - 10, 1)

    @property
    def label(self) -> str:
        """The cell's accessible name: where it is, its band in words and its count. A cell
        with risks is a link showing its count and band ("2", "High 12"): its name starts
        with those words, as read on screen (WCAG 2.5.3, label in name)."""
        where = (
            f"likelihood {self.score.likelihood}, impact {self.score.impact}: "
            f"{self.score.word} (score {self.score.value})"
        )
        if not self.count:
            return f"{where[0].upper()}{where[1:]}, no risks"
        risks = f"{self.count} risk{'' if self.count == 1 else 's'}"
        return f"{self.count} {self.score.short}: {risks} at {where}"


@dataclass
class Arrow:
    movement: Movement
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def title(self) -> str:
        return f"{self.movement.risk.reference} {self.movement.words}"


@dataclass
class Tick:
    x: float
    y: float
    text: str


@dataclass
class Mark:
    """Where a risk sits now (filled) or sat at the end of the last cycle (hollow)."""

    x: float
    y: float
    now: bool


@dataclass
class HeatMap:
    chart_id: str
    kind: str
    width: float
    height: float
    left: float
    top: float
    right: float
    bottom: float
    cells: list[Cell]  # top row (impact 5) first, each row from likelihood 1
    arrows: list[Arrow]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    x_title: Tick
    y_title: Tick
    marks: list[Mark] = field(default_factory=list)

    @property
    def kind_word(self) -> str:
        return KINDS[self.kind].lower()

    @property
    def rows(self) -> list[list[Cell]]:
        return [self.cells[i : i + len(SCALE)] for i in range(0, len(self.cells), len(SCALE))]

    @property
    def occupied(self) -> list[Cell]:
        """The cells with risks, highest score first (then highest impact)."""
        cells = [cell for cell in self.cells if cell.count]
        return sorted(cells, key=lambda cell: (-cell.score.value, -cell.score.impact))


def arrow_between(start: Cell, end: Cell, *, inset: float, offset: float):
    """From near `start`'s centre to near `end`'s, stopping `inset` short of each centre,
    moved `offset` to the right of the direction of travel (so that arrows along the
    same path, or back along it, are told apart)."""
    dx, dy = end.centre_x - start.centre_x, end.centre_y - start.centre_y
    length = (dx * dx + dy * dy) ** 0.5
    ux, uy = dx / length, dy / length
    px, py = -uy * offset, ux * offset  # to the right on the page (y runs down)
    return (
        round(start.centre_x + ux * inset + px, 1),
        round(start.centre_y + uy * inset + py, 1),
        round(end.centre_x - ux * inset + px, 1),
        round(end.centre_y - uy * inset + py, 1),
    )


def heat_map(
    moves: Sequence[Movement],
    *,
    kind: str = RESIDUAL,
    chart_id: str = "heat-map",
    url_of: Callable[[Score], str] | None = None,
    cell_width: float = 104,
    cell_height: float = 76,
    left: float = 64,
    arrow_inset: float | None = None,
    arrow_gap: float = 7,
    mark: bool = False,
) -> HeatMap:
    """The 5 x 5 matrix of `moves`' current scores: each cell with its risks (placed by
    their score now) and a link (`url_of(score)`, for cells with risks), and an arrow from
    the previous cell to the current one for each risk that moved. With `mark`, each
    risk's cells are marked too (for the map of one risk)."""
    top = 8.0
    right, bottom = left + cell_width * len(SCALE), top + cell_height * len(SCALE)
    cells: dict[tuple[int, int], Cell] = {}
    for row, impact in enumerate(reversed(SCALE)):
        for column, likelihood in enumerate(SCALE):
            cells[likelihood, impact] = Cell(
                score=Score(likelihood, impact),
                x=left + column * cell_width,
                y=top + row * cell_height,
                width=cell_width,
                height=cell_height,
            )
    for move in moves:
        cells[move.after.cell].risks.append(move.risk)
    if url_of is not None:
        for cell in cells.values():
            cell.url = url_of(cell.score) if cell.count else ""
    inset = min(cell_width, cell_height) * 0.3 if arrow_inset is None else arrow_inset
    paths: dict[tuple, int] = defaultdict(int)
    arrows = []
    for move in moves:
        if not move.moved:
            continue
        path = (move.before.cell, move.after.cell)
        offset = 0 if mark else arrow_gap * (paths[path] + 0.5)
        paths[path] += 1
        start, end = cells[move.before.cell], cells[move.after.cell]
        arrows.append(Arrow(move, *arrow_between(start, end, inset=inset, offset=offset)))
    marks = []
    if mark:
        for move in moves:
            now = cells[move.after.cell]
            marks.append(Mark(now.centre_x, now.centre_y, now=True))
            if move.moved:
                then = cells[move.before.cell]
                marks.append(Mark(then.centre_x, then.centre_y, now=False))
    x_ticks = [Tick(x=left + (n - 0.5) * cell_width, y=bottom + 20, text=str(n)) for n in SCALE]
    y_ticks = [Tick(x=left - 12, y=bottom - (n - 0.5) * cell_height, text=str(n)) for n in SCALE]
    return HeatMap(
        chart_id=chart_id,
        kind=kind,
        width=right + 8,
        height=bottom + 52,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        cells=list(cells.values()),
        arrows=arrows,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        x_title=Tick(x=(left + right) / 2, y=bottom + 44, text="Likelihood"),
        y_title=Tick(x=16, y=(top + bottom) / 2, text="Impact"),
        marks=marks,
    )

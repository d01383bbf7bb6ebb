"""Line charts as plain SVG, drawn on the server: a risk's scores over time, an
indicator's values against its target and the previous year, and later the reports'.

`line_chart(...)` works out the geometry (axes with round ticks, one polyline and its
markers for each series, the month labels) and a table of the same numbers; the template
`includes/chart_line.html` draws both. The chart is an image named by its title and
described by the table, which is its text alternative; every series is told apart by its
line style and marker as well as its colour, and named in a legend.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# Series styles: (colour, dash pattern, marker). Colours from the GOV.UK palette, each
# at least 3:1 against white.
STYLES = {
    "main": ("#1d70b8", "", "circle"),
    "previous": ("#505a5f", "2 4", "square"),
    "target": ("#00703c", "8 4", ""),
    "second": ("#d4351c", "", "diamond"),
}

Number = int | float | Decimal


@dataclass
class Series:
    name: str
    values: Sequence[Number | None]
    style: str = "main"


@dataclass
class Marker:
    x: float
    y: float
    text: str  # the value, for the marker's tooltip

    @property
    def corner_x(self) -> float:  # a square marker's top left corner
        return round(self.x - 4, 1)

    @property
    def corner_y(self) -> float:
        return round(self.y - 4, 1)

    @property
    def tip_y(self) -> float:  # a diamond marker's top point
        return round(self.y - 6, 1)


@dataclass
class Line:
    name: str
    colour: str
    dash: str
    marker: str
    points: str  # "x,y x,y ..." for <polyline>; a gap in the values starts a new part
    parts: list[str] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)


@dataclass
class Tick:
    y: float
    text: str


@dataclass
class XLabel:
    x: float
    text: str


@dataclass
class LineChart:
    chart_id: str
    title: str
    caption: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    axis_x: float
    label_y: float
    ticks: list[Tick]
    x_labels: list[XLabel]
    lines: list[Line]
    columns: list[str]  # the table's column headers after the first: the series' names
    rows: list[tuple[str, list[str]]]  # (label, each series' formatted value)


def plain(value: float) -> Decimal:
    """A tick's value without float noise or exponent: 10, 2.5, 0.2."""
    number = Decimal(str(round(value, 6)))
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * power:
            return multiple * power
    return 10 * power


def _scale(values: list[float], y_min: float | None, y_max: float | None):
    low = min(values + [0.0]) if y_min is None else y_min
    high = max(values + [low + 1]) if y_max is None else y_max
    step = nice_step(high - low)
    low = math.floor(low / step) * step if y_min is None else low
    high = math.ceil(high / step) * step if y_max is None else high
    return low, high, step


def line_chart(
    *,
    chart_id: str,
    title: str,
    caption: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[Number], str] = lambda value: f"{value:g}",
    tick_fmt: Callable[[Number], str] | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    step: float | None = None,
    width: int = 640,
    height: int = 300,
) -> LineChart:
    """The chart of `series` (values aligned with `labels`; None is a gap), each value
    written by `fmt`. The y axis runs from y_min to y_max (worked out from the values
    when not given), with ticks every `step` (a round step when not given) written by
    `tick_fmt` (or `fmt`)."""
    numbers = [float(v) for s in series for v in s.values if v is not None]
    low, high, nice = _scale(numbers, y_min, y_max)
    step = step or nice
    left, right, top, bottom = 56.0, width - 16.0, 16.0, height - 40.0
    count = max(len(labels), 1)
    slot = (right - left) / count

    def x_of(index: int) -> float:
        return round(left + slot * (index + 0.5), 1)

    def y_of(value: float) -> float:
        return round(bottom - (value - low) / (high - low or 1) * (bottom - top), 1)

    ticks = []
    value = low
    while value <= high + step / 1000:
        ticks.append(Tick(y=y_of(value), text=(tick_fmt or fmt)(plain(value))))
        value += step
    every = max(1, math.ceil(count / 12))  # at most about 12 labels along the axis
    x_labels = [XLabel(x=x_of(i), text=label) for i, label in enumerate(labels) if i % every == 0]
    lines = []
    for one in series:
        colour, dash, marker = STYLES[one.style]
        parts, current, markers = [], [], []
        for i, value in enumerate(one.values):
            if value is None:
                if current:
                    parts.append(" ".join(current))
                current = []
                continue
            x, y = x_of(i), y_of(float(value))
            current.append(f"{x},{y}")
            markers.append(Marker(x=x, y=y, text=f"{labels[i]}: {fmt(value)}"))
        if current:
            parts.append(" ".join(current))
        lines.append(
            Line(
                name=one.name,
                colour=colour,
                dash=dash,
                marker=marker,
                points=" ".join(parts),
                parts=parts,
                markers=markers if marker else [],
            )
        )
    rows = [
        (label, [fmt(one.values[i]) if one.values[i] is not None else "-" for one in series])
        for i, label in enumerate(labels)
    ]
    return LineChart(
        chart_id=chart_id,
        title=title,
        caption=caption,
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        axis_x=left - 8,
        label_y=bottom + 22,
        ticks=ticks,
        x_labels=x_labels,
        lines=lines,
        columns=[one.name for one in series],
        rows=rows,
    )

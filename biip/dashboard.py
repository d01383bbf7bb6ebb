"""The home dashboard: where the programme stands, live or as at the end of a past day.

Everything is counted in a fixed number of aggregate queries (however many actions, plans
or themes there are); the status counts reuse plans.queries, so the dashboard counts
exactly what the action list filters. Live counts read the actions; "as at" counts read
the history rows current at the end of that day (plans.history.as_at), which have the
same fields. Charts are SVG drawn by the templates from the geometry worked out here, so
one chart serves the page and, later, the PDF.
"""

import calendar
import datetime
import math
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from biip.models import RAG, RAG_ORDER, Role
from plans import queries
from plans.access import has_role, person_of
from plans.history import as_at, end_of_day
from plans.models import (
    Action,
    AssuranceStatus,
    Challenge,
    Cycle,
    ImprovementPlan,
    ProgressUpdate,
    Theme,
    current_cycle_of,
)

# Segment fills and label colours from the GOV.UK Frontend palette. The templates outline
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
NOT_YET_ASSURED_COLOURS = ("#ffffff", "#0b0c0c")
BAR_HEIGHT = 40  # pixels
CHART_BAR_HEIGHT = 32  # the bars of a chart of several, a little slimmer
BAR_PERCENT_PER_DIGIT = 3

# The contract's list pages (other engineers' views): linked by their literal paths.
ACTION_LIST = reverse_lazy("actions")
CHALLENGE_LIST = reverse_lazy("challenges")

YOUR_ACTIONS_SHOWN = 10
TREND_MONTHS = 12
EARLIEST_AS_AT = datetime.date(2000, 1, 1)


# -- counts and bars ------------------------------------------------------------------


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
    """One part of a bar; x and width are percentages of the bar's width, so the bar fills
    any column while its height and its numbers keep their size."""

    rag: RAG | None
    count: int
    x: float
    width: float
    fill: str
    text_fill: str
    label: str

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


@dataclass(frozen=True)
class StackedBar:
    segments: list[Segment]
    description: str
    height: int = BAR_HEIGHT
    outline: str = BAR_OUTLINE


def rag_counts(actions: QuerySet) -> list[RagCount]:
    """The number of actions with each RAG, in RAG_ORDER (zeros included): one query."""
    rows = actions.order_by().values("rag").annotate(n=Count("pk"))
    found = {row["rag"]: row["n"] for row in rows}
    return [RagCount(rag, found.get(rag.value, 0)) for rag in RAG_ORDER]


def _bar(parts: list[tuple[RAG | None, str, int, tuple[str, str]]], of: int | None) -> list:
    """Segments for (rag, label, count, colours), left to right, leaving out zeros. Edges
    are rounded from the running total, so the segments fill `of` (default: their total)."""
    scale = of or sum(count for _, _, count, _ in parts)
    segments, running = [], 0
    for rag, label, count, (fill, text_fill) in parts:
        if not count:
            continue
        x = round(running * 100 / scale, 2)
        running += count
        end = round(running * 100 / scale, 2)
        segments.append(Segment(rag, count, x, round(end - x, 2), fill, text_fill, label))
    return segments


def stacked_bar(
    counts: list[RagCount], of: int | None = None, height: int = BAR_HEIGHT
) -> StackedBar:
    """The stacked bar of counts: a segment for each RAG with any actions. Given `of` (the
    largest total of the bars it is shown with), the bar is that much of the full width,
    so bars of different totals compare."""
    parts = [(item.rag, item.label, item.count, BAR_COLOURS[item.rag]) for item in counts]
    description = "Actions by RAG: " + ", ".join(
        f"{item.count} {item.label.lower()}" for item in counts
    )
    return StackedBar(_bar(parts, of), description, height)


def summary(counts: list[RagCount]) -> str:
    """The non-zero counts in words, e.g. "1 red, 2 amber, 3 green"."""
    return ", ".join(f"{item.count} {item.label.lower()}" for item in counts if item.count)


def by_due_date(actions: QuerySet) -> QuerySet:
    """Actions soonest due first (the revised due date where there is one)."""
    return queries.with_due(actions).order_by("due", "reference")


# -- when the dashboard is for, and where its numbers link ---------------------------


@dataclass(frozen=True)
class Moment:
    """The dashboard's point in time: now (live), or the end of a past day (as at), for
    which `today` is that day and `now` the first instant after it."""

    today: datetime.date
    now: datetime.datetime
    as_at: datetime.date | None = None

    @classmethod
    def live(cls) -> "Moment":
        return cls(timezone.localdate(), timezone.now())

    @classmethod
    def at(cls, day: datetime.date) -> "Moment":
        return cls(day, end_of_day(day), day)

    def records(self, model) -> QuerySet:
        """The model's live rows, or its history rows as they stood at the moment."""
        if self.as_at is None:
            return model.objects.order_by()
        return as_at(model, self.now).order_by()


@dataclass(frozen=True)
class Links:
    """Links to the filtered lists behind the numbers; an as-at dashboard's carry as_at."""

    as_at: datetime.date | None = None

    def actions(self, **params) -> str:
        return self._url(ACTION_LIST, params)

    def challenges(self, **params) -> str:
        """The challenge list behind a figure; none as at a past day (the list shows the
        challenges as they stand now, so it could not have that many rows)."""
        if self.as_at is not None:
            return ""
        return self._url(CHALLENGE_LIST, params)

    @staticmethod
    def action(action_id: int) -> str:
        return reverse("action", args=[action_id])

    def _url(self, path: str, params: dict) -> str:
        query = {key: value for key, value in params.items() if value is not None}
        if self.as_at is not None:
            query["as_at"] = self.as_at.isoformat()
        return f"{path}?{urlencode(query)}"


class AsAtField(forms.DateField):
    """A date; one that cannot be read is quoted back in the message (a date input cannot
    show it again)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            shown = str(value)[:40]
            raise forms.ValidationError(
                f"“{shown}” is not a real date: enter a date such as 31 January 2019",
                code="invalid",
            ) from None


class AsAtForm(forms.Form):
    """The date the dashboard is shown as at (empty: today's dashboard)."""

    as_at = AsAtField(label="Show the dashboard as at", required=False)

    def clean_as_at(self):
        day = self.cleaned_data["as_at"]
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        if day is not None and day < EARLIEST_AS_AT:
            raise forms.ValidationError("The date must be 1 January 2000 or later")
        return day


# -- tables and charts of counts by RAG ------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A number and the list behind it ("" where the list has no filter for it)."""

    count: int
    url: str
    rag: RAG | None = None


@dataclass(frozen=True)
class RagRow:
    """One row of a chart (a bar) and of its table: a plan, a theme or a month."""

    id: str
    label: str
    cells: list[Cell]
    total: Cell
    bar: StackedBar


@dataclass(frozen=True)
class RagChart:
    id: str
    caption: str
    heading: str
    rows: list[RagRow]


def rag_chart(chart_id: str, caption: str, heading: str, items: list, counts: dict) -> RagChart:
    """A chart of bars and its table. `items` are (key, label, url) in display order, url
    being a function of a RAG (None for the total) giving the list behind a number;
    `counts` maps each key to {rag value: count}. Bars share one scale."""
    scale = max((sum(counts.get(key, {}).values()) for key, _, _ in items), default=0)
    rows = []
    for key, label, url in items:
        found = counts.get(key, {})
        rag_list = [RagCount(rag, found.get(rag.value, 0)) for rag in RAG_ORDER]
        cells = [Cell(item.count, url(item.rag), item.rag) for item in rag_list]
        total = Cell(sum(item.count for item in rag_list), url(None))
        rows.append(
            RagRow(
                f"{chart_id}-{key}",
                label,
                cells,
                total,
                stacked_bar(rag_list, scale, CHART_BAR_HEIGHT),
            )
        )
    return RagChart(chart_id, caption, heading, rows)


def counts_by(rows: QuerySet, key: str) -> dict:
    """{key value: {rag: count}} from one grouped query."""
    counts = defaultdict(dict)
    for row in rows.values(key, "rag").annotate(n=Count("pk")):
        counts[row[key]][row["rag"]] = row["n"]
    return counts


def plan_charts(moment: Moment, plans: list, current, links: Links) -> tuple[RagChart, RagChart]:
    """Plans by RAG: the current plan and every plan not closed, then the closed ones."""
    others = [plan for plan in plans if plan.id != current.id]
    open_plans = [current] + [p for p in others if p.status != ImprovementPlan.Status.CLOSED]
    closed = [p for p in others if p.status == ImprovementPlan.Status.CLOSED]
    counts = counts_by(moment.records(Action).filter(plan_id__in=[p.id for p in plans]), "plan_id")

    def items(group):
        return [(p.id, p.title, _url(links, plan=p.id)) for p in group]

    return (
        rag_chart("plans", "Actions by plan and RAG", "Plan", items(open_plans), counts),
        rag_chart("closed-plans", "Actions of closed plans by RAG", "Plan", items(closed), counts),
    )


def theme_chart(actions: QuerySet, plan, links: Links) -> RagChart:
    """The plan's themes by RAG (and its actions with no theme, unlinked: the list has no
    filter for them)."""
    fields = ("theme_id", "theme__framework", "theme__code", "theme__name", "theme__order")
    rows = actions.values(*fields, "rag").annotate(n=Count("pk"))
    counts, themes = defaultdict(dict), {}
    for row in rows:
        counts[row["theme_id"]][row["rag"]] = row["n"]
        if row["theme_id"] is not None:
            themes[row["theme_id"]] = Theme(
                framework=row[fields[1]],
                code=row[fields[2]],
                name=row[fields[3]],
                order=row[fields[4]],
            )
    ordered = sorted(
        themes.items(), key=lambda item: (item[1].framework, item[1].order, item[1].code)
    )
    items = [(pk, str(theme), _url(links, plan=plan.id, theme=pk)) for pk, theme in ordered]
    if None in counts:
        items.append(("none", "No theme", lambda rag: ""))
        counts["none"] = counts.pop(None)
    return rag_chart("themes", f"Actions in {plan.title} by theme and RAG", "Theme", items, counts)


def _url(links: Links, **params):
    """A function of a RAG giving the action list filtered by params (and the RAG)."""

    def url(rag: RAG | None) -> str:
        return links.actions(**params, rag=rag)

    return url


# -- claimed and assured ---------------------------------------------------------------


@dataclass(frozen=True)
class AssuredPicture:
    """The officers' claimed RAG beside the panel's assured picture."""

    claimed: list[Cell]
    claimed_total: Cell
    claimed_bar: StackedBar
    assured: list[Cell]
    not_yet: list[tuple[str, Cell]]
    assured_bar: StackedBar


def assured_picture(actions: QuerySet, claimed_row: RagRow, plan, links: Links) -> AssuredPicture:
    """Assured: the panel's RAG where the latest update is assured (the claimed RAG where
    the panel recorded no other); the rest by where they stand: not yet reviewed,
    challenged, not assured."""
    assured, not_yet = defaultdict(int), defaultdict(int)
    for row in actions.values("rag", "assurance", "assured_rag").annotate(n=Count("pk")):
        if row["assurance"] == AssuranceStatus.ASSURED:
            assured[row["assured_rag"] or row["rag"]] += row["n"]
        else:
            not_yet[row["assurance"]] += row["n"]
    assured_cells = [
        Cell(
            assured[rag.value],
            links.actions(plan=plan.id, assurance=AssuranceStatus.ASSURED, assured_rag=rag),
            rag,
        )
        for rag in RAG_ORDER
    ]
    statuses = [s for s in AssuranceStatus if s != AssuranceStatus.ASSURED]
    not_yet_cells = [
        (s.label, Cell(not_yet[s.value], links.actions(plan=plan.id, assurance=s)))
        for s in statuses
    ]
    pending = sum(not_yet.values())
    parts = [(c.rag, c.rag.label, c.count, BAR_COLOURS[c.rag]) for c in assured_cells]
    parts.append((None, "Not yet assured", pending, NOT_YET_ASSURED_COLOURS))
    description = "Assured by the panel: " + ", ".join(
        [f"{c.count} {c.rag.label.lower()}" for c in assured_cells] + [f"{pending} not yet assured"]
    )
    return AssuredPicture(
        claimed=claimed_row.cells,
        claimed_total=claimed_row.total,
        claimed_bar=stacked_bar([RagCount(c.rag, c.count) for c in claimed_row.cells]),
        assured=assured_cells,
        not_yet=not_yet_cells,
        assured_bar=StackedBar(_bar(parts, None), description),
    )


# -- headline counts -------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    id: str
    count: int
    url: str
    one: str
    many: str
    hint: str

    @property
    def label(self) -> str:
        return self.one if self.count == 1 else self.many


@dataclass(frozen=True)
class CycleInfo:
    """The month updates are due for (the open cycle's, else the calendar month's)."""

    period: datetime.date
    deadline: datetime.date | None


def cycle_at(moment: Moment) -> CycleInfo:
    """The cycle open at the moment (as plans.models.current_period chooses it: the
    earliest open one after the latest closed one, leaving out stragglers): one query,
    live or from the history."""
    cycle = current_cycle_of(moment.records(Cycle))
    if cycle is None:
        return CycleInfo(moment.today.replace(day=1), None)
    return CycleInfo(cycle.period, cycle.deadline)


def needing_update(actions: QuerySet, period: datetime.date, moment: Moment) -> QuerySet:
    """Open actions with no update for the period: live, plans.queries.needing_update; as
    at a moment, no update for the period written by then (in the updates' history, as the
    action list's needs_update filter counts them)."""
    if moment.as_at is None:
        return queries.needing_update(actions, period)
    written = as_at(ProgressUpdate, moment.now).filter(period=period)
    return queries.open_actions(actions).exclude(id__in=written.values("action_id"))


def _among(rows: QuerySet) -> Q:
    return Q(pk__in=rows.values("pk"))


def status_counts(actions: QuerySet, moment: Moment, period, person) -> dict:
    """Overdue, slipped, stale and needing an update (and, for an officer, theirs and
    their directorate's needing an update), in one query."""
    due = needing_update(actions, period, moment)
    counts = {
        "overdue": Count("pk", filter=_among(queries.overdue(actions, moment.today))),
        "slipped": Count("pk", filter=_among(queries.slipped(actions))),
        "stale": Count("pk", filter=_among(queries.stale(actions, moment.now))),
        "needs_update": Count("pk", filter=_among(due)),
    }
    if person is not None:
        mine = Q(lead_officer_id=person.id)
        ours = Q(directorate_id=person.directorate_id)
        counts["mine_needs_update"] = Count("pk", filter=_among(due) & mine)
        counts["ours_needs_update"] = Count("pk", filter=_among(due) & ours)
    return actions.aggregate(**counts)


def challenge_counts(moment: Moment, actions: QuerySet, person) -> dict:
    """Open challenges on the plan's actions (and on the officer's own): one query."""
    counts = {"open": Count("pk")}
    if person is not None:
        theirs = queries.led_by(actions, person.user_id).values("id")
        counts["mine"] = Count("pk", filter=Q(action_id__in=theirs))
    open_challenges = moment.records(Challenge).filter(status=Challenge.Status.OPEN)
    return queries.challenges_on(open_challenges, actions).aggregate(**counts)


def headlines(statuses: dict, challenges: dict, plan, cycle: CycleInfo, links: Links) -> list:
    def actions(**flag):
        return links.actions(plan=plan.id, **flag)

    month = f"{cycle.period:%B %Y}"
    deadline = f", deadline {cycle.deadline.day} {cycle.deadline:%B %Y}" if cycle.deadline else ""
    return [
        Headline(
            "overdue",
            statuses["overdue"],
            actions(overdue=1),
            "overdue action",
            "overdue actions",
            "Due date passed and not complete",
        ),
        Headline(
            "slipped",
            statuses["slipped"],
            actions(slipped=1),
            "slipped action",
            "slipped actions",
            "Revised due date later than the original",
        ),
        Headline(
            "stale",
            statuses["stale"],
            actions(stale=1),
            "stale action",
            "stale actions",
            "Open, with no update for more than 35 days",
        ),
        Headline(
            "open-challenges",
            challenges["open"],
            links.challenges(status=Challenge.Status.OPEN, plan=plan.id),
            "open challenge",
            "open challenges",
            "Panel questions waiting for an answer",
        ),
        Headline(
            "needs-update",
            statuses["needs_update"],
            actions(needs_update=1),
            "update still due",
            "updates still due",
            f"For the {month} cycle{deadline}",
        ),
    ]


# -- the officer's own actions ----------------------------------------------------------


@dataclass(frozen=True)
class YourRow:
    rag: RAG
    mine: Cell
    ours: Cell | None


@dataclass(frozen=True)
class YourActions:
    """What an officer leads (and their directorate has) in the plan, shown first."""

    directorate: str
    rows: list[YourRow]
    mine_total: Cell
    ours_total: Cell | None
    summary: str
    needs_update: Cell
    ours_needs_update: Cell | None
    open_challenges: Cell
    soonest: list

    @property
    def shown_all(self) -> bool:
        return self.mine_total.count <= len(self.soonest)


def your_actions(actions, person, plan, statuses, challenges, links) -> YourActions | None:
    """Counts by RAG of the actions the officer leads and of their directorate's, what
    needs their update this cycle, their open challenges, their actions due soonest."""
    mine, ours = Q(lead_officer_id=person.id), Q(directorate_id=person.directorate_id)
    found = {
        row["rag"]: row
        for row in actions.filter(mine | ours)
        .values("rag")
        .annotate(mine=Count("pk", filter=mine), ours=Count("pk", filter=ours))
    }
    mine_counts = [RagCount(rag, found.get(rag.value, {}).get("mine", 0)) for rag in RAG_ORDER]
    ours_counts = [RagCount(rag, found.get(rag.value, {}).get("ours", 0)) for rag in RAG_ORDER]
    mine_total, ours_total = (sum(c.count for c in counts) for counts in (mine_counts, ours_counts))
    if not (mine_total or ours_total):
        return None
    directorate = person.directorate if person.directorate_id else None

    def cell(count, **params):
        return Cell(count, links.actions(plan=plan.id, **params))

    def ours_cell(count, **params):
        return cell(count, directorate=person.directorate_id, **params) if directorate else None

    rows = [
        YourRow(m.rag, cell(m.count, mine=1, rag=m.rag), ours_cell(o.count, rag=o.rag))
        for m, o in zip(mine_counts, ours_counts, strict=True)
    ]
    soonest = by_due_date(actions.filter(mine))[:YOUR_ACTIONS_SHOWN] if mine_total else []
    return YourActions(
        directorate=directorate.name if directorate else "",
        rows=rows,
        mine_total=cell(mine_total, mine=1),
        ours_total=ours_cell(ours_total),
        summary=summary(mine_counts),
        needs_update=cell(statuses["mine_needs_update"], mine=1, needs_update=1),
        ours_needs_update=ours_cell(statuses["ours_needs_update"], needs_update=1),
        open_challenges=Cell(
            challenges["mine"], links.challenges(status=Challenge.Status.OPEN, plan=plan.id, mine=1)
        ),
        soonest=[(action, links.action(action.id)) for action in soonest],
    )


# -- the 12-month trend ------------------------------------------------------------------

TREND_WIDTH, TREND_HEIGHT = 640, 300
TREND_LEFT, TREND_RIGHT, TREND_TOP, TREND_BOTTOM = 40, 8, 12, 48
TREND_MIN_NUMBER_HEIGHT = 16


@dataclass(frozen=True)
class Rect:
    """One RAG's part of a month's column, in the chart's viewBox units."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    text_fill: str
    count: int
    show_number: bool
    text_x: float
    text_y: float


@dataclass(frozen=True)
class Column:
    """A month's stacked column and its label (the year under January and the first)."""

    month: str
    year: str
    label_x: float
    rects: list[Rect]


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Trend:
    chart: RagChart
    columns: list[Column]
    ticks: list[Tick]
    title: str
    width: int = TREND_WIDTH
    height: int = TREND_HEIGHT
    outline: str = BAR_OUTLINE
    plot_left: int = TREND_LEFT
    axis_x: int = TREND_LEFT - 6
    plot_right: int = TREND_WIDTH - TREND_RIGHT
    plot_bottom: int = TREND_HEIGHT - TREND_BOTTOM
    month_y: int = TREND_HEIGHT - TREND_BOTTOM + 18
    year_y: int = TREND_HEIGHT - TREND_BOTTOM + 36


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first of the month `months` after (or before) day's month."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def month_points(latest: datetime.datetime, moment: Moment) -> list:
    """(as-at date, the instant it stands for) at each of the 12 month ends ending with
    the earlier of the moment's month and the month of `latest` (the plan's latest history
    row); the last one no later than the moment."""
    last = min(moment.today, timezone.localdate(latest))
    points = []
    for offset in range(TREND_MONTHS - 1, -1, -1):
        day = min(month_end(add_months(last, -offset)), moment.today)
        points.append((day, min(end_of_day(day), moment.now)))
    return points


def replay(history: list, plan_id: int, moments: list) -> list:
    """{rag: count} of the plan's actions at each of `moments` (in order), from history
    rows (id, date, type, plan id, RAG) in date order: no further queries."""
    state, index, result = {}, 0, []
    for until in moments:
        while index < len(history) and history[index][1] < until:
            action_id, _, kind, plan, rag = history[index]
            state[action_id] = (kind, plan, rag)
            index += 1
        counts = defaultdict(int)
        for kind, plan, rag in state.values():
            if kind != "-" and plan == plan_id:
                counts[rag] += 1
        result.append(counts)
    return result


def trend_points(history: list, plan_id: int, moment: Moment) -> list:
    """(as-at date, {rag: count}) at each of the 12 month ends (`month_points`), counted
    from the history rows (id, date, type, plan id, RAG) in date order."""
    latest = max((when for _, when, _, plan, _ in history if plan == plan_id), default=None)
    points = month_points(latest, moment) if latest else month_points(moment.now, moment)
    counts = replay(history, plan_id, [until for _, until in points])
    return [(day, found) for (day, _), found in zip(points, counts, strict=True)]


def history_counts(plan_id: int, moments: list) -> list:
    """The plan's actions by RAG at each of `moments` (in order): one query fetching the
    history of every action that was ever in the plan, then counted in Python."""
    ever = Action.history.filter(plan_id=plan_id).values("id")
    history = list(
        Action.history.filter(id__in=ever, history_date__lt=moments[-1])
        .order_by("history_date", "history_id")
        .values_list("id", "history_date", "history_type", "plan_id", "rag")
    )
    return replay(history, plan_id, moments)


def trend_counts(plan, points: list, now: dict | None = None) -> list:
    """{rag: count} at each point. A month end that has passed cannot change (the app
    writes history as things happen), so its counts are worked out once from the history
    and kept in the cache (the seed commands, which write past history, clear it). The
    last point, when it is the moment itself rather than a month end, has the counts
    `now` that the caller already holds, or failing that is counted from the history."""
    past = timezone.now()
    keys = {
        until: f"biip:rag-trend:{plan.id}:{until.isoformat()}"
        for day, until in points
        if until == end_of_day(day) and until <= past
    }
    counts = {until: cache.get(key) for until, key in keys.items()}
    counts = {until: found for until, found in counts.items() if found is not None}
    last = points[-1][1]
    if now is not None and last not in keys:
        counts[last] = now
    missing = [until for _, until in points if until not in counts]
    if missing:
        found = dict(zip(missing, history_counts(plan.id, missing), strict=True))
        cache.set_many({keys[until]: dict(found[until]) for until in missing if until in keys})
        counts.update(found)
    return [defaultdict(int, counts[until]) for _, until in points]


def rag_trend(plan, moment: Moment, now: dict | None = None) -> Trend | None:
    """The plan's actions by RAG at each month end over 12 months (`trend_counts`);
    `now`: the plan's {rag: count} at the moment, where the caller has counted them."""
    latest = Action.history.filter(plan_id=plan.id, history_date__lt=moment.now).aggregate(
        latest=Max("history_date")
    )["latest"]
    if latest is None:
        return None
    days = month_points(latest, moment)
    points = list(zip([day for day, _ in days], trend_counts(plan, days, now), strict=True))
    items = [
        (f"{day:%Y-%m}", f"{day:%B %Y}", _url(Links(as_at=day), plan=plan.id)) for day, _ in points
    ]
    counts = {f"{day:%Y-%m}": found for day, found in points}
    first, last = points[0][0], points[-1][0]
    caption = f"Actions in {plan.title} by RAG at each month end"
    chart = rag_chart("trend", caption, "Month", items, counts)
    end = chart.rows[-1]
    title = (
        f"{caption}, {first:%B %Y} to {last:%B %Y}. At the end, {last.day} {last:%B %Y}: "
        + ", ".join(f"{c.count} {c.rag.label.lower()}" for c in end.cells)
    )
    columns, ticks = trend_geometry(chart, points)
    return Trend(chart, columns, ticks, title)


def nice_step(largest: int) -> int:
    """A round step (1, 2, 5, 10, 20, 50...) giving at most five gridlines."""
    if largest <= 5:
        return 1
    power = 10 ** int(math.log10(largest / 5))
    for factor in (1, 2, 5, 10):
        if largest / (factor * power) <= 5:
            return factor * power
    return 10 * power


def trend_geometry(chart: RagChart, points: list) -> tuple[list[Column], list[Tick]]:
    """Columns stacked from the bottom in RAG order (worst at the base) on a shared axis."""
    largest = max((row.total.count for row in chart.rows), default=0)
    step = nice_step(largest)
    top = max(step, math.ceil(largest / step) * step)
    plot_height = TREND_HEIGHT - TREND_TOP - TREND_BOTTOM
    slot = (TREND_WIDTH - TREND_LEFT - TREND_RIGHT) / len(chart.rows)
    width = slot * 0.64
    base = TREND_HEIGHT - TREND_BOTTOM
    columns = []
    for index, (row, (day, _)) in enumerate(zip(chart.rows, points, strict=True)):
        x = TREND_LEFT + index * slot + (slot - width) / 2
        rects, running = [], 0
        for cell in row.cells:
            if not cell.count:
                continue
            y = base - (running + cell.count) * plot_height / top
            height = cell.count * plot_height / top
            fill, text_fill = BAR_COLOURS[cell.rag]
            rects.append(
                Rect(
                    *(round(value, 2) for value in (x, y, width, height)),
                    fill,
                    text_fill,
                    cell.count,
                    show_number=height >= TREND_MIN_NUMBER_HEIGHT,
                    text_x=round(x + width / 2, 2),
                    text_y=round(y + height / 2, 2),
                )
            )
            running += cell.count
        year = f"{day:%Y}" if index == 0 or day.month == 1 else ""
        columns.append(Column(f"{day:%b}", year, round(x + width / 2, 2), rects))
    ticks = [
        Tick(value, round(base - value * plot_height / top, 2)) for value in range(0, top + 1, step)
    ]
    return columns, ticks


# -- the whole dashboard ---------------------------------------------------------------


def current_of(plans: list):
    """As ImprovementPlan.objects.current() chooses: the plan marked current, or failing
    that the latest to start."""
    marked = [plan for plan in plans if plan.is_current]
    if marked:
        return marked[0]
    return max(plans, key=lambda plan: plan.period_start, default=None)


def officer_person(user):
    """The signed-in officer's Person, where the user is in the Council officer role."""
    return person_of(user) if has_role(user, Role.OFFICER) else None


def dashboard(user, moment: Moment) -> dict:
    """The template context of the dashboard for the user at the moment, in a fixed
    number of queries."""
    links = Links(moment.as_at)
    plans = sorted(moment.records(ImprovementPlan), key=lambda p: p.period_start, reverse=True)
    plan = current_of(plans)
    if plan is None:
        return {"plan": None}
    person = officer_person(user)
    open_chart, closed_chart = plan_charts(moment, plans, plan, links)
    actions = moment.records(Action).filter(plan_id=plan.id)
    cycle = cycle_at(moment)
    statuses = status_counts(actions, moment, cycle.period, person)
    challenges = challenge_counts(moment, actions, person)
    mine = your_actions(actions, person, plan, statuses, challenges, links) if person else None
    claimed = open_chart.rows[0]
    return {
        "plan": plan,
        "total": claimed.total.count,
        "rag_counts": [RagCount(cell.rag, cell.count) for cell in claimed.cells],
        "plan_chart": open_chart,
        "closed_chart": closed_chart,
        "theme_chart": theme_chart(actions, plan, links),
        "assured": assured_picture(actions, claimed, plan, links),
        "cycle": cycle,
        "headlines": headlines(statuses, challenges, plan, cycle, links),
        "yours": mine,
        "trend": rag_trend(plan, moment, {cell.rag: cell.count for cell in claimed.cells}),
    }

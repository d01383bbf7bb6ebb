"""The monthly report pack: where the plan stands at the end of a cycle, for the panel's
monthly meeting.

RAG by theme (a table and stacked bars), what changed since last month (from
`reports.changes.compare`), overdue and slipped actions and milestones, the meeting action
log, the risk heat map and top risks, indicator trends, and who has not updated; with two
short narrative sections, the summary and the panel's comments.

Everything comes from the dataset (a closed cycle's snapshot, or live data for a draft).
In the public version a row that is not public is replaced by a `Withheld` row (its
reference and why), and left out of every count, chart and heat map, which say how many
were left out.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from biip.charts import LineChart, Series, line_chart
from biip.dashboard import RagChart, rag_chart
from biip.models import RAG, RAG_ORDER
from biip.publication import is_shown
from plans.indicators import against_target, compare, month_label, spaced_labels
from plans.models import Indicator, Risk
from plans.risks import Movement, band_key, heat_map, score_of
from reports.data import Dataset
from reports.documents import DocumentInput, SectionSpec
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    Report,
    RiskSnapshot,
)
from reports.publication import public_rows, split_public, withheld_of

TEMPLATE = "reports/documents/pack.html"

TOP_RISKS = 10  # the risks the "top risks" table shows, highest residual score first
TREND_POINTS = 12  # the months each indicator chart shows
CHART_LIMIT = 12  # the indicators charted (a page each); the table lists them all
UPCOMING_DAYS = 31  # milestones due within this many days of the data's day are listed
LIST_LIMIT = 25  # the rows each list shows: a pack is read in a meeting, not searched


class Listed(list):
    """The first `limit` rows of a list (in its order: longest overdue, most slipped...),
    knowing how many there were in all, so the pack can say how many more the tracker
    holds. At a large council's scale a full list would run to hundreds of pages."""

    def __init__(self, rows, limit: int = LIST_LIMIT):
        rows = list(rows)
        super().__init__(rows[:limit])
        self.total = len(rows)

    @property
    def more(self) -> int:
        return self.total - len(self)


def default_sections(report: Report) -> list[SectionSpec]:
    return [
        SectionSpec("summary", "Summary"),
        SectionSpec("panel-comments", "The panel's comments"),
    ]


# -- small helpers ---------------------------------------------------------------------


def period_of(dataset: Dataset) -> datetime.date:
    """The month the pack reports on: the closed cycle's, or the data's month."""
    return dataset.period or dataset.on.replace(day=1)


# -- RAG by theme ------------------------------------------------------------------------


def rag_by_theme(actions: list[ActionSnapshot], caption: str) -> RagChart:
    """Counts by theme (in the plan's theme order; actions with no theme last) and RAG,
    with a bar for each theme."""
    themes = sorted(
        {(row.theme_order, row.theme_code, row.theme_name) for row in actions if row.theme_name}
    )
    keys = {theme: f"theme-{index}" for index, theme in enumerate(themes, start=1)}
    counts: dict = defaultdict(lambda: defaultdict(int))
    for row in actions:
        theme = (row.theme_order, row.theme_code, row.theme_name)
        counts[keys.get(theme, "none")][row.rag] += 1
    items = [(keys[theme], theme[2], no_link) for theme in themes]
    if "none" in counts:
        items.append(("none", "No theme", no_link))
    return rag_chart("rag", caption, "Theme", items, counts)


def no_link(rag) -> str:
    return ""


@dataclass
class RagTotal:
    rag: RAG
    count: int


def rag_totals(actions: list[ActionSnapshot]) -> list[RagTotal]:
    counts = defaultdict(int)
    for row in actions:
        counts[row.rag] += 1
    return [RagTotal(rag, counts.get(rag.value, 0)) for rag in RAG_ORDER]


# -- overdue and slipped ---------------------------------------------------------------


@dataclass
class MilestoneRow:
    action: ActionSnapshot
    title: str
    due_date: datetime.date
    days: int  # overdue by (positive) or due in (for upcoming ones)

    @property
    def reference(self) -> str:
        return self.action.reference


def milestones_of(actions: list[ActionSnapshot], on: datetime.date):
    """(overdue, upcoming) milestones of the actions: not completed, due before `on`, or
    due within UPCOMING_DAYS of it; each soonest due first."""
    overdue, upcoming = [], []
    for action in actions:
        for milestone in action.milestones:
            if milestone.get("completed_on"):
                continue
            due = datetime.date.fromisoformat(milestone["due_date"])
            if due < on:
                overdue.append(MilestoneRow(action, milestone["title"], due, (on - due).days))
            elif (due - on).days <= UPCOMING_DAYS:
                upcoming.append(MilestoneRow(action, milestone["title"], due, (due - on).days))

    def order(row):
        return (row.due_date, row.action.reference, row.title)

    return sorted(overdue, key=order), sorted(upcoming, key=order)


def overdue_actions(actions: list[ActionSnapshot], on: datetime.date) -> list[ActionSnapshot]:
    rows = [row for row in actions if row.is_overdue(on)]
    return sorted(rows, key=lambda row: (row.due_date, row.reference))


def slipped_actions(actions: list[ActionSnapshot]) -> list[ActionSnapshot]:
    """Open actions whose due date has been put back, most slipped first."""
    rows = [row for row in actions if row.is_slipped and not row.is_complete]
    return sorted(rows, key=lambda row: (-row.slippage_days, row.reference))


# -- who has not updated ---------------------------------------------------------------


@dataclass
class NotUpdatedGroup:
    directorate: str
    lead_officer: str
    actions: list = field(default_factory=list)


def not_updated(actions: list[ActionSnapshot], period: datetime.date) -> list[ActionSnapshot]:
    """Open actions with no update for `period` (never updated, or last for an earlier
    month)."""
    return [
        row
        for row in actions
        if not row.is_complete
        and (row.last_update_period is None or row.last_update_period < period)
    ]


def not_updated_groups(rows: list, public: bool) -> list[NotUpdatedGroup]:
    """By directorate, then lead officer (each alphabetical); withheld rows (public
    version) in a group of their own at the end, with no names."""
    shown = [row for row in rows if is_shown(row, public=public)]
    key = lambda row: (row.directorate or "No directorate", row.lead_officer or "No lead officer")  # noqa: E731
    groups = [
        NotUpdatedGroup(directorate, officer, sorted(group, key=lambda row: row.reference))
        for (directorate, officer), group in groupby(sorted(shown, key=key), key=key)
    ]
    withheld = [withheld_of(row) for row in rows if not is_shown(row, public=public)]
    if withheld:
        groups.append(NotUpdatedGroup("Withheld from this public version", "", withheld))
    return first_rows(groups, LIST_LIMIT)


def first_rows(groups: list[NotUpdatedGroup], limit: int) -> list[NotUpdatedGroup]:
    """The groups holding the first `limit` rows (the last one cut short if need be)."""
    shown, left = [], limit
    for group in groups:
        if left <= 0:
            break
        shown.append(NotUpdatedGroup(group.directorate, group.lead_officer, group.actions[:left]))
        left -= len(shown[-1].actions)
    return shown


@dataclass
class DirectorateCount:
    directorate: str
    count: int


def directorate_counts(rows: list[ActionSnapshot]) -> list[DirectorateCount]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.directorate or "No directorate"] += 1
    return [DirectorateCount(name, counts[name]) for name in sorted(counts)]


# -- the meeting action log ------------------------------------------------------------


def minute_reference(row: MeetingActionSnapshot) -> str:
    minute = f", minute {row.minute_number}" if row.minute_number else ""
    return f"{row.meeting_title} ({row.meeting_date.day} {row.meeting_date:%B %Y}){minute}"


@dataclass
class MeetingActionLog:
    open: list  # MeetingActionSnapshot or Withheld, oldest meeting first
    overdue_count: int
    done: list
    done_since: datetime.date


def meeting_action_log(
    rows: list[MeetingActionSnapshot], on: datetime.date, since: datetime.date, public: bool
) -> MeetingActionLog:
    """Open actions arising (overdue ones counted), and those done after `since`."""
    open_rows = [row for row in rows if not row.is_done]
    done = [
        row for row in rows if row.is_done and row.completed_on and since < row.completed_on <= on
    ]
    return MeetingActionLog(
        open=Listed(public_rows(open_rows, public=public, reference=minute_reference)),
        overdue_count=sum(1 for row in open_rows if row.is_overdue(on)),
        done=Listed(public_rows(done, public=public, reference=minute_reference)),
        done_since=since,
    )


# -- risks ---------------------------------------------------------------------------------


def open_risks(rows: list[RiskSnapshot]) -> list[RiskSnapshot]:
    return [row for row in rows if row.status == Risk.Status.OPEN]


def risk_movements(risks: list[RiskSnapshot], earlier: Dataset | None) -> list[Movement]:
    """Each risk's movement from its residual score in the earlier dataset (matched by
    reference) to its score now; Movement.risk is the snapshot row."""
    before = {row.reference: score_of(row) for row in (earlier.risks if earlier else [])}
    return [Movement(row, before.get(row.reference), score_of(row)) for row in risks]


@dataclass
class TopRisk:
    row: RiskSnapshot
    movement: Movement

    @property
    def reference(self) -> str:
        return self.row.reference


def top_risks(moves: list[Movement]) -> list[TopRisk]:
    ordered = sorted(moves, key=lambda move: (-move.after.value, move.risk.reference))
    return [TopRisk(move.risk, move) for move in ordered[:TOP_RISKS]]


# -- indicators ----------------------------------------------------------------------------


@dataclass
class IndicatorTrend:
    code: str
    name: str
    unit_label: str
    latest: str  # the latest value in its unit, e.g. "£2.8m"
    latest_label: str  # its month, e.g. "M9 2018-19"
    target: str
    against_target: str
    change: str  # against the value before: Better / Worse / No change / ""
    chart: LineChart | None  # None with a single value: the table says it all


def as_indicator(row: IndicatorSnapshot) -> Indicator:
    """An unsaved Indicator with the frozen particulars, for its formatting."""
    return Indicator(
        code=row.code, name=row.name, unit=row.unit, polarity=row.polarity, target=row.target
    )


def indicator_chart(indicator: Indicator, values: list[IndicatorSnapshot], chart_id: str):
    """The last TREND_POINTS values of the indicator, with its target (if it has one)."""
    shown = values[-TREND_POINTS:]
    series = [Series("Value", [value.value for value in shown])]
    if indicator.target is not None:
        series.append(Series("Target", [indicator.target] * len(shown), style="target"))
    chart = line_chart(
        chart_id=chart_id,
        title=f"{indicator.name}: values by month"
        + (" against the target" if indicator.target is not None else ""),
        caption=f"{indicator.code} {indicator.name}: values by month",
        labels=[month_label(value.period, value.label) for value in shown],
        series=series,
        fmt=lambda number: indicator.format_value(Decimal(str(number))),
        tick_fmt=lambda number: indicator.format_value(Decimal(str(number)), axis=True),
        width=640,
        height=240,
    )
    return spaced_labels(chart)


def indicator_trends(rows: list[IndicatorSnapshot]) -> list[IndicatorTrend]:
    """One trend for each indicator with values, by code."""
    trends = []
    ordered = sorted(rows, key=lambda row: (row.code, row.period))
    for code, group in groupby(ordered, key=lambda row: row.code):
        values = list(group)
        indicator = as_indicator(values[-1])
        latest = values[-1]
        earlier = values[-2].value if len(values) > 1 else None
        trends.append(
            IndicatorTrend(
                code=code,
                name=indicator.name,
                unit_label=indicator.get_unit_display(),
                latest=indicator.format_value(latest.value),
                latest_label=month_label(latest.period, latest.label),
                target=indicator.format_value(indicator.target)
                if indicator.target is not None
                else "No target",
                against_target=against_target(latest.value, indicator.target, indicator.polarity)
                or "",
                change=compare(latest.value, earlier, indicator.polarity) or "",
                chart=indicator_chart(indicator, values, f"indicator-{len(trends) + 1}")
                if len(values) > 1
                else None,
            )
        )
    return trends


# -- what changed since last month -------------------------------------------------------


def changes_since(doc: DocumentInput):
    """`reports.changes.compare(previous, dataset)` for the plan's actions and all risks,
    with rows that are not public replaced by Withheld rows in the public version; None
    when there is no earlier cycle."""
    if doc.previous is None:
        return None
    from reports.changes import compare as compare_datasets

    plan = doc.report.plan
    changes = compare_datasets(plan_only(doc.previous, plan), plan_only(doc.dataset, plan))
    return public_changes(changes, public=doc.public)


def plan_only(dataset: Dataset, plan) -> Dataset:
    """The dataset with only the plan's actions (risks and the rest as they are)."""
    return Dataset(
        as_at=dataset.as_at,
        period=dataset.period,
        snapshot=dataset.snapshot,
        actions=dataset.plan_actions(plan),
        risks=dataset.risks,
        indicators=dataset.indicators,
        meeting_actions=dataset.meeting_actions,
        recommendations=dataset.recommendations,
    )


def public_changes(changes, *, public: bool):
    """In the public version, each change whose earlier or later row is not public
    becomes a Withheld row (a change answers `is_public` and the reason as a row does).
    Each list is then `Listed`: its first LIST_LIMIT changes and how many in all."""
    for name in CHANGE_LISTS:
        setattr(changes, name, Listed(public_rows(getattr(changes, name), public=public)))
    return changes


CHANGE_LISTS = ("rag_moves", "new_slippage", "new_actions", "closed_actions", "risk_moves")


# -- the context -------------------------------------------------------------------------


CONTENTS = [
    ("summary", "Summary"),
    ("rag-by-theme", "RAG by theme"),
    ("changes", "What changed since last month"),
    ("overdue", "Overdue and slipped actions and milestones"),
    ("meeting-actions", "The meeting action log"),
    ("risks", "Critical risks"),
    ("indicators", "Indicators"),
    ("not-updated", "Who has not updated"),
    ("panel-comments", "The panel's comments"),
]


def build_context(doc: DocumentInput) -> dict:
    dataset, plan, public = doc.dataset, doc.report.plan, doc.public
    on, period = dataset.on, period_of(dataset)
    actions = dataset.plan_actions(plan)
    counted, withheld_actions = split_public(actions, public=public)
    overdue_milestones, upcoming_milestones = milestones_of(
        [row for row in actions if not row.is_complete], on
    )
    risks = open_risks(dataset.risks)
    mapped, withheld_risks = split_public(risks, public=public)
    moves = risk_movements(mapped, doc.previous)
    since = doc.previous.on if doc.previous else period
    waiting = not_updated(actions, period)
    trends = indicator_trends(dataset.indicators)
    waiting_groups = not_updated_groups(waiting, public)
    waiting_shown = sum(len(group.actions) for group in waiting_groups)
    return {
        "contents": CONTENTS,
        "plan": plan,
        "period": period,
        "on": on,
        "summary": doc.section("summary"),
        "panel_comments": doc.section("panel-comments"),
        "rag_chart": rag_by_theme(counted, f"Actions in {plan.title} by theme and RAG"),
        "rag_totals": rag_totals(counted),
        "action_count": len(counted),
        "withheld_action_count": len(withheld_actions),
        "previous_period": period_of(doc.previous) if doc.previous else None,
        "changes": changes_since(doc),
        "overdue": Listed(public_rows(overdue_actions(actions, on), public=public)),
        "slipped": Listed(public_rows(slipped_actions(actions), public=public)),
        "overdue_milestones": Listed(hide_milestone(row, public) for row in overdue_milestones),
        "upcoming_milestones": Listed(hide_milestone(row, public) for row in upcoming_milestones),
        "meeting_log": meeting_action_log(dataset.meeting_actions, on, since, public),
        "heat_map": heat_map(moves, chart_id="pack-heat-map", cell_width=88, cell_height=60),
        "band_key": band_key(),
        "risk_count": len(mapped),
        "withheld_risk_count": len(withheld_risks),
        "top_risks": top_risks(moves),
        "withheld_risks": withheld_risks,
        "indicators": trends,
        "charted": Listed([trend for trend in trends if trend.chart], limit=CHART_LIMIT),
        "not_updated_count": len(waiting),
        "not_updated_by_directorate": directorate_counts(split_public(waiting, public=public)[0]),
        "not_updated": waiting_groups,
        "not_updated_shown": waiting_shown,
        "not_updated_more": len(waiting) - waiting_shown,
    }


def hide_milestone(row: MilestoneRow, public: bool):
    if not is_shown(row.action, public=public):
        return withheld_of(row.action)
    return row

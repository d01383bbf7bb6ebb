"""Closing a monthly cycle, which freezes its snapshot, and who may see and do what.

Closing the current cycle (or a later one) freezes the live data. Closing an earlier
cycle that was left open (a straggler the secretariat has still to close) freezes the
data as it stood at the end of that cycle's month, read from the history, so that the
snapshot says what the month said, not what has happened since. Either way the snapshot's
`as_at` records the moment the data was read as it stood.

The secretariat and administrators close cycles; every signed-in role reads snapshots.
"""

import calendar
import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from biip.models import RAG_ORDER, Role
from plans.access import has_role, person_of
from plans.history import end_of_day
from plans.models import BAND_FLOORS, Cycle, Indicator, Risk, RiskBand
from reports.data import Dataset, freeze
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    RecommendationSnapshot,
    RiskSnapshot,
    Snapshot,
)

# The rows a snapshot holds: (Dataset attribute, row model, foreign keys not to check
# one by one: they were read from rows that exist).
ROWS = (
    ("actions", ActionSnapshot, {"snapshot", "action", "plan", "theme"}),
    ("risks", RiskSnapshot, {"snapshot", "risk"}),
    ("indicators", IndicatorSnapshot, {"snapshot", "indicator"}),
    ("meeting_actions", MeetingActionSnapshot, {"snapshot", "meeting_action"}),
    ("recommendations", RecommendationSnapshot, {"snapshot", "recommendation"}),
)


# -- access ------------------------------------------------------------------------------


def can_close_cycles(user) -> bool:
    return has_role(user, Role.SECRETARIAT, Role.ADMINISTRATOR)


def require_cycle_closer(user) -> None:
    if not can_close_cycles(user):
        raise PermissionDenied("Only the secretariat and administrators close cycles.")


def get_cycle_for_close(user, pk: int) -> Cycle:
    """The cycle, if the user may close cycles: 403 if not, 404 if there is none."""
    require_cycle_closer(user)
    return get_object_or_404(Cycle.objects.select_related("closed_by"), pk=pk)


def get_snapshot_for_view(user, pk: int) -> Snapshot:
    """Any signed-in role may read any snapshot; 404 if there is none."""
    if not user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(
        Snapshot.objects.select_related("cycle__closed_by__person", "taken_by"), pk=pk
    )


# -- when the data is read ---------------------------------------------------------------


def end_of_month(period: datetime.date) -> datetime.datetime:
    """The first instant after the last day of the period's month (Europe/London)."""
    last = calendar.monthrange(period.year, period.month)[1]
    return end_of_day(period.replace(day=last))


def freeze_moment(cycle: Cycle, now: datetime.datetime) -> datetime.datetime | None:
    """When closing `cycle` reads the data: None (live) for the current cycle or a later
    one; for an earlier cycle left open, the end of its month, or now if that is to come."""
    current = Cycle.objects.current()
    if current is not None and cycle.period >= current.period:
        return None
    return min(end_of_month(cycle.period), now)


@dataclass(frozen=True)
class ClosingPreview:
    """What closing a cycle will freeze, for the confirmation page."""

    moment: datetime.datetime | None  # None: live data
    actions: int
    risks: int
    indicators: int
    meeting_actions: int
    recommendations: int

    @property
    def is_live(self) -> bool:
        return self.moment is None

    def moment_in_words(self) -> str:
        if self.moment is None:
            return "the data as it stands when you close it"
        last_day = timezone.localtime(self.moment - datetime.timedelta(microseconds=1))
        return f"the data as it stood at the end of {date_format(last_day.date(), 'j F Y')}"


def closing_preview(cycle: Cycle) -> ClosingPreview:
    moment = freeze_moment(cycle, timezone.now())
    data = freeze(moment)
    return ClosingPreview(
        moment,
        **{name: len(getattr(data, name)) for name, _, _ in ROWS},
    )


# -- the services ------------------------------------------------------------------------


def closed_in_words(cycle: Cycle) -> str:
    """ "Closed on 25 October 2019 by Mary Stallebrass" (or without "by" for no one)."""
    if cycle.closed_at is None:
        return "Open"
    text = f"Closed on {date_format(timezone.localtime(cycle.closed_at).date(), 'j F Y')}"
    if cycle.closed_by_id is None:
        return text
    person = person_of(cycle.closed_by)
    name = person.name if person is not None else cycle.closed_by.get_username()
    return f"{text} by {name}"


def _save_snapshot(
    *,
    cycle: Cycle,
    user: AbstractBaseUser | None,
    data: Dataset,
    as_at: datetime.datetime,
    taken_at: datetime.datetime,
) -> Snapshot:
    if Snapshot.objects.filter(cycle=cycle).exists():
        raise ValidationError(f"The {cycle} already has a snapshot.")
    snapshot = Snapshot(cycle=cycle, as_at=as_at, taken_at=taken_at, taken_by=user)
    snapshot.full_clean()
    snapshot._history_user = user
    snapshot._history_date = taken_at
    snapshot.save()
    for name, model, checked in ROWS:
        rows = getattr(data, name)
        for row in rows:
            row.snapshot = snapshot
            row.clean_fields(exclude=checked)
        model.objects.bulk_create(rows)
    return snapshot


@transaction.atomic
def close_cycle(*, cycle: Cycle, user: AbstractBaseUser) -> Snapshot:
    """Close the cycle (now, by `user`) and freeze its snapshot: the live data for the
    current cycle, the end of its month's data for an earlier cycle left open."""
    require_cycle_closer(user)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if not cycle.is_open:
        raise ValidationError(f"The {cycle} is already closed.")
    now = timezone.now()
    moment = freeze_moment(cycle, now)
    cycle.closed_at = now
    cycle.closed_by = user
    cycle.full_clean()
    cycle._history_user = user
    cycle.save()
    return _save_snapshot(
        cycle=cycle, user=user, data=freeze(moment), as_at=moment or now, taken_at=now
    )


@transaction.atomic
def snapshot_cycle(
    *,
    cycle: Cycle,
    user: AbstractBaseUser | None,
    as_at: datetime.datetime,
    taken_at: datetime.datetime | None = None,
) -> Snapshot:
    """Freeze the snapshot of a cycle closed in the past, with the data as it stood at
    `as_at` (from the history); recorded as taken at `taken_at` (now by default). The
    demo data uses it for the cycles it closes."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.is_open:
        raise ValidationError(f"The {cycle} is still open: close it to take its snapshot.")
    return _save_snapshot(
        cycle=cycle,
        user=user,
        data=freeze(as_at),
        as_at=as_at,
        taken_at=taken_at or timezone.now(),
    )


# -- what a snapshot holds, counted for its page -----------------------------------------


# Each figure on a snapshot's page is the length of the list it links to: both come from
# `actions_in` and `risks_in`, so they cannot disagree.


def actions_in(rows: list[ActionSnapshot], *, plan_id: int | None = None, rag: str = ""):
    """The snapshot's action rows, of one plan and one RAG where given."""
    return [
        row
        for row in rows
        if (plan_id is None or row.plan_id == plan_id) and (not rag or row.rag == rag)
    ]


def risks_in(rows: list[RiskSnapshot], *, band: str = "", past_tolerance: bool = False):
    """The snapshot's open risks, of one residual band and past tolerance where asked."""
    return [
        row
        for row in rows
        if row.status != Risk.Status.CLOSED
        and (not band or row.residual_band == band)
        and (not past_tolerance or row.past_tolerance)
    ]


def snapshot_actions_url(snapshot: Snapshot, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse("snapshot-actions", args=[snapshot.pk]) + (f"?{query}" if query else "")


def snapshot_risks_url(snapshot: Snapshot, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return reverse("snapshot-risks", args=[snapshot.pk]) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    count: int
    url: str


@dataclass(frozen=True)
class PlanRag:
    """A plan's actions counted by RAG, worst first: [(rag, figure)], and the total."""

    plan: str
    counts: list[tuple[str, Figure]]
    total: Figure


@dataclass(frozen=True)
class BandCount:
    band: RiskBand
    count: int
    url: str


@dataclass(frozen=True)
class IndicatorLine:
    """An indicator's latest value in the snapshot, in its unit."""

    code: str
    name: str
    period: str
    value: str
    target: str


def rag_by_plan(snapshot: Snapshot, actions: list[ActionSnapshot]) -> list[PlanRag]:
    """Each plan's actions by RAG, each count linking to its rows."""
    titles = {row.plan_id: row.plan.title for row in actions}
    plans = []
    for plan_id, title in titles.items():
        counts = [
            (
                rag.value,
                Figure(
                    len(actions_in(actions, plan_id=plan_id, rag=rag.value)),
                    snapshot_actions_url(snapshot, plan=plan_id, rag=rag.value),
                ),
            )
            for rag in RAG_ORDER
        ]
        total = Figure(
            len(actions_in(actions, plan_id=plan_id)), snapshot_actions_url(snapshot, plan=plan_id)
        )
        plans.append(PlanRag(title, counts, total))
    return plans


def risks_by_band(snapshot: Snapshot, risks: list[RiskSnapshot]) -> list[BandCount]:
    """Open risks by residual band, highest band first, each count linking to its rows."""
    return [
        BandCount(
            band,
            len(risks_in(risks, band=band)),
            snapshot_risks_url(snapshot, band=band.value),
        )
        for _, band in BAND_FLOORS
    ]


def past_tolerance(snapshot: Snapshot, risks: list[RiskSnapshot]) -> Figure:
    """Open risks whose residual score was above their tolerance."""
    return Figure(
        len(risks_in(risks, past_tolerance=True)),
        snapshot_risks_url(snapshot, past_tolerance=1),
    )


def latest_indicator_values(indicators: list[IndicatorSnapshot]) -> list[IndicatorLine]:
    latest: dict[str, IndicatorSnapshot] = {}
    for row in indicators:  # in code and period order: the last one stays
        latest[row.code] = row
    lines = []
    for row in latest.values():
        unit = Indicator(unit=row.unit)
        lines.append(
            IndicatorLine(
                row.code,
                row.name,
                row.label or date_format(row.period, "F Y"),
                unit.format_value(row.value),
                unit.format_value(row.target) if row.target is not None else "None set",
            )
        )
    return lines


def as_at_in_words(moment: datetime.datetime) -> str:
    """ "the end of 31 January 2019" for midnight, else "25 October 2019 at 17:00"."""
    local = timezone.localtime(moment)
    if local.time() == datetime.time():
        day = local.date() - datetime.timedelta(days=1)
        return f"the end of {date_format(day, 'j F Y')}"
    return f"{date_format(local.date(), 'j F Y')} at {local:%H:%M}"


@dataclass(frozen=True)
class CycleRow:
    """A cycle in the secretariat's table: its status in words and its snapshot."""

    cycle: Cycle
    status: str
    snapshot: Snapshot | None

    @property
    def is_open(self) -> bool:
        return self.cycle.is_open


def cycle_rows() -> list[CycleRow]:
    """Every cycle, latest month first, with who closed it and its snapshot: one query."""
    cycles = Cycle.objects.select_related("closed_by__person", "snapshot").order_by("-period")
    rows = []
    for cycle in cycles:
        try:
            snapshot = cycle.snapshot
        except Snapshot.DoesNotExist:
            snapshot = None
        rows.append(CycleRow(cycle, closed_in_words(cycle), snapshot))
    return rows

"""The data a report is generated from: a closed cycle's snapshot, or live data.

`freeze(moment)` reads the programme as it stood (live tables when `moment` is None, the
history as at `moment` otherwise) into unsaved snapshot rows. Closing a cycle saves them
(`reports.snapshots.close_cycle`); a draft report on live data uses them unsaved. Either
way the documents see one shape: a `Dataset`.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet
from django.utils import timezone

from biip.models import Directorate, Person
from biip.publication import STRICTNESS
from meetings.models import AgendaItem, Meeting, MeetingAction, Minute
from plans.history import as_at
from plans.models import (
    Action,
    Cycle,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Recommendation,
    Risk,
    Source,
    Theme,
)
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    RecommendationSnapshot,
    RiskSnapshot,
    Snapshot,
    last_day_covered,
)


@dataclass
class Dataset:
    """Everything a document shows, as it stood at `as_at`."""

    as_at: datetime.datetime
    period: datetime.date | None = None  # the closed cycle's month; None for live data
    snapshot: Snapshot | None = None
    actions: list[ActionSnapshot] = field(default_factory=list)
    risks: list[RiskSnapshot] = field(default_factory=list)
    indicators: list[IndicatorSnapshot] = field(default_factory=list)
    meeting_actions: list[MeetingActionSnapshot] = field(default_factory=list)
    recommendations: list[RecommendationSnapshot] = field(default_factory=list)

    @property
    def is_live(self) -> bool:
        return self.snapshot is None

    @property
    def on(self) -> datetime.date:
        """The last day the data covers, for "as at" and "overdue": a snapshot taken as at
        the end of 31 January (midnight starting 1 February) stands at 31 January."""
        return last_day_covered(self.as_at)

    def plan_actions(self, plan: ImprovementPlan) -> list[ActionSnapshot]:
        return [row for row in self.actions if row.plan_id == plan.pk]

    def description(self) -> str:
        """In words, for title pages and version lists."""
        if self.snapshot is None:
            return f"Live data at {timezone.localtime(self.as_at):%-d %B %Y, %H:%M}"
        return f"The {self.period:%B %Y} cycle: data as at {self.on.day} {self.on:%B %Y}"


def records(model: type[Model], moment: datetime.datetime | None) -> QuerySet:
    """The model's records now (moment None) or as they stood at `moment` (history rows,
    which carry the same field names)."""
    return model.objects.all() if moment is None else as_at(model, moment)


def by_pk(model: type[Model]) -> dict:
    return {obj.pk: obj for obj in model.objects.all()}


def freeze_actions(moment: datetime.datetime | None) -> list[ActionSnapshot]:
    plans = by_pk(ImprovementPlan)
    themes = by_pk(Theme)
    directorates = dict(Directorate.objects.values_list("pk", "name"))
    people = {
        pk: (name, user) for pk, name, user in Person.objects.values_list("pk", "name", "user")
    }
    latest: dict[int, tuple] = {}
    updates = records(ProgressUpdate, moment).order_by("action_id", "period")
    for action_id, period, narrative in updates.values_list("action_id", "period", "narrative"):
        latest[action_id] = (period, narrative)
    milestones: dict[int, list] = {}
    for action_id, title, due, done in (
        records(Milestone, moment)
        .order_by("action_id", "due_date", "id")
        .values_list("action_id", "title", "due_date", "completed_on")
    ):
        milestones.setdefault(action_id, []).append(
            {
                "title": title,
                "due_date": due.isoformat(),
                "completed_on": done.isoformat() if done else None,
            }
        )
    rows = []
    for action in records(Action, moment).order_by("plan_id", "reference"):
        theme = themes.get(action.theme_id)
        officer, user_id = people.get(action.lead_officer_id, ("", None))
        period, narrative = latest.get(action.id, (None, ""))
        rows.append(
            ActionSnapshot(
                action_id=action.id,
                plan=plans[action.plan_id],
                theme=theme,
                theme_code=theme.code if theme else "",
                theme_name=theme.name if theme else "",
                theme_order=theme.order if theme else 0,
                reference=action.reference,
                title=action.title,
                directorate=directorates.get(action.directorate_id, ""),
                lead_officer=officer,
                lead_officer_user_id=user_id,
                start_date=action.start_date,
                original_due_date=action.original_due_date,
                revised_due_date=action.revised_due_date,
                completed_on=action.completed_on,
                rag=action.rag,
                assurance=action.assurance,
                assured_rag=action.assured_rag or "",
                narrative=narrative,
                last_update_period=period,
                last_update_at=action.last_update_at,
                milestones=milestones.get(action.id, []),
                publication_status=action.publication_status,
                exemption_paragraph=action.exemption_paragraph,
            )
        )
    rows.sort(key=lambda row: (row.plan_id, row.theme_order, row.theme_code, row.reference))
    return rows


def freeze_risks(moment: datetime.datetime | None) -> list[RiskSnapshot]:
    people = dict(Person.objects.values_list("pk", "name"))
    copied = [
        "reference",
        "title",
        "category",
        "level",
        "inherent_likelihood",
        "inherent_impact",
        "residual_likelihood",
        "residual_impact",
        "target_likelihood",
        "target_impact",
        "tolerance",
        "financial_exposure",
        "trend",
        "mitigations",
        "escalated",
        "status",
        "publication_status",
        "exemption_paragraph",
    ]
    return [
        RiskSnapshot(
            risk_id=risk.id,
            owner=people.get(risk.owner_id, ""),
            **{name: getattr(risk, name) for name in copied},
        )
        for risk in records(Risk, moment).order_by("reference")
    ]


def freeze_indicators(moment: datetime.datetime | None) -> list[IndicatorSnapshot]:
    indicators = {row.id: row for row in records(Indicator, moment)}
    rows = []
    for value in records(IndicatorValue, moment).order_by("indicator_id", "period"):
        indicator = indicators.get(value.indicator_id)
        if indicator is None:
            continue
        rows.append(
            IndicatorSnapshot(
                indicator_id=indicator.id,
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                polarity=indicator.polarity,
                target=indicator.target,
                period=value.period,
                label=value.label,
                value=value.value,
                benchmark_quartile=value.benchmark_quartile,
            )
        )
    rows.sort(key=lambda row: (row.code, row.period))
    return rows


def statuses(model: type[Model], moment: datetime.datetime | None, *extra: str) -> dict:
    """{pk: (publication_status, exemption_paragraph, *extra)} as the records stood."""
    rows = records(model, moment).values_list(
        "id", "publication_status", "exemption_paragraph", *extra
    )
    return {row[0]: row[1:] for row in rows}


def frozen_status(action, minutes: dict, items: dict) -> tuple[str, int | None]:
    """The strictest of the action's own status, its minute's and its agenda item's, as
    they stood: an action arising is withheld with its minute (biip.publication). Whether
    its meeting's minutes are published is judged when a public version is made."""
    own = (action.publication_status, action.exemption_paragraph)
    minute = minutes.get(action.minute_id)
    chain = [own, minute[:2], items.get(minute[2], own)] if minute else [own]
    return max(chain, key=lambda status: STRICTNESS.get(status[0], 2))


def freeze_meeting_actions(moment: datetime.datetime | None) -> list[MeetingActionSnapshot]:
    meetings = {
        pk: (title, date) for pk, title, date in Meeting.objects.values_list("pk", "title", "date")
    }
    minutes = dict(Minute.objects.values_list("pk", "number"))
    minute_statuses = statuses(Minute, moment, "agenda_item_id")
    item_statuses = statuses(AgendaItem, moment)
    people = dict(Person.objects.values_list("pk", "name"))
    rows = []
    for action in records(MeetingAction, moment).order_by("meeting_id", "id"):
        title, date = meetings.get(action.meeting_id, ("", None))
        if date is None:
            continue
        status, paragraph = frozen_status(action, minute_statuses, item_statuses)
        rows.append(
            MeetingActionSnapshot(
                meeting_action_id=action.id,
                meeting_title=title,
                meeting_date=date,
                minute_number=minutes.get(action.minute_id),
                description=action.description,
                owner=people.get(action.owner_id, ""),
                due_date=action.due_date,
                status=action.status,
                completed_on=action.completed_on,
                publication_status=status,
                exemption_paragraph=paragraph,
            )
        )
    rows.sort(key=lambda row: (row.meeting_date, row.minute_number or 0, row.meeting_action_id))
    return rows


def freeze_recommendations(moment: datetime.datetime | None) -> list[RecommendationSnapshot]:
    sources = {
        pk: (name, kind) for pk, name, kind in Source.objects.values_list("pk", "name", "kind")
    }
    themes = dict(Theme.objects.values_list("pk", "name"))
    rows = []
    for rec in records(Recommendation, moment).order_by("source_id", "reference"):
        source, kind = sources.get(rec.source_id, ("", ""))
        rows.append(
            RecommendationSnapshot(
                recommendation_id=rec.id,
                source=source,
                source_kind=kind,
                reference=rec.reference,
                text=rec.text,
                theme_name=themes.get(rec.theme_id, ""),
                council_response=rec.council_response,
                assessed_progress=rec.assessed_progress,
                addressed_on=rec.addressed_on,
                verified_on=rec.verified_on,
            )
        )
    rows.sort(key=lambda row: (row.source, row.reference))
    return rows


def freeze(moment: datetime.datetime | None = None) -> Dataset:
    """The programme as it stands now (None) or stood at `moment`, as unsaved rows."""
    return Dataset(
        as_at=moment or timezone.now(),
        actions=freeze_actions(moment),
        risks=freeze_risks(moment),
        indicators=freeze_indicators(moment),
        meeting_actions=freeze_meeting_actions(moment),
        recommendations=freeze_recommendations(moment),
    )


def snapshot_dataset(snapshot: Snapshot, plan_id: int | None = None) -> Dataset:
    """A closed cycle's frozen rows, in the order the documents show them; with `plan_id`,
    only that plan's actions (a document shows one plan's: loading every plan's took
    seconds at 20,000 actions)."""

    def load(rows: Iterable) -> list:
        return list(rows)

    actions = snapshot.actions.select_related("plan", "theme")
    if plan_id is not None:
        actions = actions.filter(plan_id=plan_id)
    return Dataset(
        as_at=snapshot.as_at,
        period=snapshot.cycle.period,
        snapshot=snapshot,
        actions=load(actions),
        risks=load(snapshot.risks.all()),
        indicators=load(snapshot.indicators.all()),
        meeting_actions=load(snapshot.meeting_actions.all()),
        recommendations=load(snapshot.recommendations.all()),
    )


def dataset_for(snapshot: Snapshot | None, plan_id: int | None = None) -> Dataset:
    """The data a report shows: its snapshot's (only the plan's actions, given
    `plan_id`), or live data when it has none."""
    return freeze() if snapshot is None else snapshot_dataset(snapshot, plan_id)


def previous_dataset(dataset: Dataset, plan_id: int | None = None) -> Dataset | None:
    """What to compare with for "what changed since last month": the snapshot before this
    one, or for live data the latest closed cycle's (only the plan's actions, given
    `plan_id`)."""
    if dataset.snapshot is not None:
        earlier = dataset.snapshot.previous()
    else:
        cycle = Cycle.objects.with_snapshot().latest_closed()
        earlier = cycle.snapshot if cycle else None
    return snapshot_dataset(earlier, plan_id) if earlier else None

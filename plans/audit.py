"""Progress on recommendations (the external auditor's statutory recommendations first):
the summary of a source's recommendations counted from the data, never typed, and who
recorded a recommendation's "addressed" and "verified" states, read from its history.

    >>> summary = summaries_by_source()[source.pk]
    >>> summary.progress_sentence
    'Decisive progress on 6 of 7 recommendations; limited progress on 1'
    >>> summary.states_sentence
    'Addressed: 7 of 7 claimed by the council; verified: 2 of 7'
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from plans.models import Recommendation

Progress = Recommendation.Progress

# Best first: the order the summary names the levels in.
PROGRESS_ORDER = (
    Progress.DECISIVE,
    Progress.GOOD,
    Progress.SOME,
    Progress.LIMITED,
    Progress.NOT_ASSESSED,
)


def _noun(count: int) -> str:
    return "recommendation" if count == 1 else "recommendations"


@dataclass(frozen=True)
class AuditSummary:
    """Counts of a set of recommendations: how many at each level of assessed progress,
    how many the council claims addressed and how many the auditor or panel verified."""

    total: int = 0
    progress: dict[str, int] = field(default_factory=dict)
    addressed: int = 0
    verified: int = 0

    def count(self, level: str) -> int:
        return self.progress.get(level, 0)

    @property
    def progress_sentence(self) -> str:
        """'Decisive progress on 6 of 7 recommendations; limited progress on 1', best
        level first, levels with none left out."""
        if self.total == 0:
            return "No recommendations recorded"
        assessed = [level for level in PROGRESS_ORDER[:-1] if self.count(level)]
        if not assessed:
            return f"None of the {self.total} {_noun(self.total)} has been assessed yet"
        parts = []
        for level in assessed:
            words = Progress(level).label
            if not parts:
                n = self.count(level)
                parts.append(f"{words} on {n} of {self.total} {_noun(self.total)}")
            else:
                parts.append(f"{words[:1].lower()}{words[1:]} on {self.count(level)}")
        if self.count(Progress.NOT_ASSESSED):
            parts.append(f"{self.count(Progress.NOT_ASSESSED)} not yet assessed")
        return "; ".join(parts)

    @property
    def states_sentence(self) -> str:
        """'Addressed: 7 of 7 claimed by the council; verified: 2 of 7'."""
        if self.total == 0:
            return "No recommendations recorded"
        return (
            f"Addressed: {self.addressed} of {self.total} claimed by the council; "
            f"verified: {self.verified} of {self.total}"
        )


def _counts() -> dict:
    """The aggregate expressions: the total, one count per progress level, addressed and
    verified."""
    return {
        "total": Count("pk"),
        **{
            f"progress_{level}": Count("pk", filter=Q(assessed_progress=level))
            for level in Progress.values
        },
        "addressed": Count("addressed_on"),
        "verified": Count("verified_on"),
    }


def _summary(row: dict) -> AuditSummary:
    return AuditSummary(
        total=row["total"],
        progress={level: row[f"progress_{level}"] for level in Progress.values},
        addressed=row["addressed"],
        verified=row["verified"],
    )


def summarise(recommendations: QuerySet[Recommendation] | None = None) -> AuditSummary:
    """The summary of a set of recommendations (all of them by default): one query."""
    queryset = Recommendation.objects.all() if recommendations is None else recommendations
    return _summary(queryset.order_by().aggregate(**_counts()))


def summaries_by_source(
    recommendations: QuerySet[Recommendation] | None = None,
) -> dict[int, AuditSummary]:
    """Each source's summary, by source id, for every source with recommendations (in
    `recommendations`, all of them by default): one query however many sources."""
    queryset = Recommendation.objects.all() if recommendations is None else recommendations
    rows = queryset.order_by().values("source").annotate(**_counts())
    return {row["source"]: _summary(row) for row in rows}


@dataclass(frozen=True)
class Recorded:
    """Who recorded a state as it now stands, and when (None if history does not say)."""

    user: object | None
    at: datetime.datetime


def recorded_states(recommendation: Recommendation) -> dict[str, Recorded | None]:
    """Who recorded the recommendation's current "addressed" claim and its current
    verification, and when: the first history row of the latest unbroken run in which the
    state (date and evidence, and for verification who verified it) is what it is now.
    {"addressed": Recorded | None, "verified": Recorded | None}; None where the state is
    not set. One query."""
    states = {
        "addressed": ("addressed_on", "addressed_evidence"),
        "verified": ("verified_on", "verified_by_id", "verification_evidence"),
    }
    current = {
        name: tuple(getattr(recommendation, f) for f in fields) for name, fields in states.items()
    }
    found: dict[str, Recorded | None] = dict.fromkeys(states)
    if recommendation.addressed_on is None and recommendation.verified_on is None:
        return found
    rows = recommendation.history.select_related("history_user").order_by("-history_id")
    running = {name: current[name][0] is not None for name in states}
    for row in rows:
        for name, fields in states.items():
            if running[name] and tuple(getattr(row, f) for f in fields) == current[name]:
                found[name] = Recorded(row.history_user, row.history_date)
            else:
                running[name] = False
        if not any(running.values()):
            break
    return found

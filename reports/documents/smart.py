"""The SMART assessment report: the panel's assessment of a plan (or of themes within it)
against the SMART criteria, from the plan's `SmartAssessment` records.

Assessments are the panel's own judgements, not part of a cycle's snapshot: a report on
live data shows them as they are now; a report generated from a snapshot shows them as
they stood when the cycle closed (from their history), so it can be generated again with
the same content. They carry no publication status: the public version shows them all,
and withholds only narrative sections that are not public.
"""

import datetime
from dataclasses import dataclass

from biip.models import Person
from plans.history import as_at
from plans.models import SmartAssessment, SmartRating, Theme
from reports.data import Dataset
from reports.documents import DocumentInput, SectionSpec
from reports.models import Report

TEMPLATE = "reports/documents/smart.html"

# The five criteria: (field prefix, name, what the panel looks for).
CRITERIA = [
    (
        "specific",
        "Specific",
        "The plan says clearly what will change, who is responsible and how the actions "
        "answer the recommendations.",
    ),
    (
        "measurable",
        "Measurable",
        "Each action has a test of success, so progress can be measured and reported.",
    ),
    (
        "ambition",
        "Ambition and achievability",
        "The plan is ambitious enough to meet the scale of the challenge, yet realistic, "
        "well balanced and sensibly sequenced.",
    ),
    (
        "resourced",
        "Resourced",
        "The people, money and leadership capacity the plan needs are identified and in place.",
    ),
    (
        "timed",
        "Timed",
        "Actions and milestones have dates, and the timetable is realistic.",
    ),
]

RATING_ORDER = [SmartRating.STRONG, SmartRating.ADEQUATE, SmartRating.WEAK, SmartRating.NOT_MET]


def default_sections(report: Report) -> list[SectionSpec]:
    return [
        SectionSpec("background", "Background and context"),
        SectionSpec("conclusions", "Conclusions"),
        SectionSpec("next-steps", "Next steps"),
    ]


@dataclass
class Criterion:
    key: str
    name: str
    rating: str  # in words: "Strong", "Adequate", "Weak", "Not met"
    rating_value: str  # the stored value, for the rating's style
    comment: str


@dataclass
class AssessmentView:
    scope: str  # "The whole plan" or the theme's name
    assessor: str
    assessor_title: str
    assessed_on: datetime.date
    conclusion: str  # in words
    conclusion_value: str
    summary: str
    criteria: list[Criterion]

    @property
    def anchor(self) -> str:
        return f"assessment-{self.assessed_on:%Y-%m-%d}-{slug(self.scope)}"


@dataclass
class RatingCount:
    name: str  # the criterion
    counts: list[tuple[str, int]]  # (rating in words, number of assessments)


def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def assessment_rows(plan, dataset: Dataset) -> list:
    """The plan's assessments now (live data) or as they stood at the snapshot."""
    if dataset.is_live:
        return list(SmartAssessment.objects.filter(plan=plan))
    return list(as_at(SmartAssessment, dataset.as_at).filter(plan_id=plan.pk))


def view_of(row, themes: dict, people: dict) -> AssessmentView:
    theme = themes.get(row.theme_id)
    name, title = people.get(row.assessor_id, ("", ""))
    ratings = dict(SmartRating.choices)
    conclusions = dict(SmartAssessment.Conclusion.choices)
    return AssessmentView(
        scope=str(theme) if theme else "The whole plan",
        assessor=name,
        assessor_title=title,
        assessed_on=row.assessed_on,
        conclusion=conclusions.get(row.conclusion, row.conclusion),
        conclusion_value=row.conclusion,
        summary=row.summary,
        criteria=[
            Criterion(
                key=key,
                name=label,
                rating=ratings.get(getattr(row, f"{key}_rating"), "Not rated"),
                rating_value=getattr(row, f"{key}_rating"),
                comment=getattr(row, f"{key}_comment"),
            )
            for key, label, _ in CRITERIA
        ],
    )


def assessments(plan, dataset: Dataset) -> list[AssessmentView]:
    """The plan's assessments: of the whole plan first, then by theme in order; each
    group latest first."""
    rows = assessment_rows(plan, dataset)
    themes = Theme.objects.in_bulk({row.theme_id for row in rows if row.theme_id})
    people = {
        pk: (name, title)
        for pk, name, title in Person.objects.filter(
            pk__in={row.assessor_id for row in rows}
        ).values_list("pk", "name", "title")
    }

    def order(row):
        theme = themes.get(row.theme_id)
        place = (0, 0, "") if theme is None else (1, theme.order, theme.code)
        return (*place, -row.assessed_on.toordinal())

    return [view_of(row, themes, people) for row in sorted(rows, key=order)]


def rating_counts(views: list[AssessmentView]) -> list[RatingCount]:
    """For each criterion, how many assessments gave each rating."""
    labels = dict(SmartRating.choices)
    result = []
    for index, (_, name, _) in enumerate(CRITERIA):
        given = [view.criteria[index].rating_value for view in views]
        result.append(
            RatingCount(name, [(labels[rating], given.count(rating)) for rating in RATING_ORDER])
        )
    return result


def build_context(doc: DocumentInput) -> dict:
    plan = doc.report.plan
    views = assessments(plan, doc.dataset)
    whole_plan = [view for view in views if view.scope == "The whole plan"]
    return {
        "plan": plan,
        "assessments": views,
        "latest": whole_plan[0] if whole_plan else None,
        "criteria": [(name, meaning) for _, name, meaning in CRITERIA],
        "rating_counts": rating_counts(views),
        "background": doc.section("background"),
        "conclusions": doc.section("conclusions"),
        "next_steps": doc.section("next-steps"),
    }

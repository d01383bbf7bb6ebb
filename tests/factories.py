"""Factories in code: each makes one valid object with sensible defaults; pass keyword
arguments to override any field."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import Group, User

from biip.models import RAG, Directorate, Organisation, Person, Role
from meetings.models import AgendaItem, Attendance, Meeting, MeetingAction, Minute
from plans.models import (
    Action,
    AdviserEngagement,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    ProgressUpdate,
    Recommendation,
    Risk,
    Source,
    Theme,
)

_seq = itertools.count(1)


def _n() -> int:
    return next(_seq)


def make_organisation(**kwargs) -> Organisation:
    n = _n()
    fields = {"name": f"Organisation {n}", "short_name": f"ORG{n}", "kind": "council"}
    return Organisation.objects.create(**{**fields, **kwargs})


def make_directorate(**kwargs) -> Directorate:
    n = _n()
    if "organisation" not in kwargs:
        kwargs["organisation"] = make_organisation()
    fields = {"name": f"Directorate {n}", "short_name": f"D{n}"}
    return Directorate.objects.create(**{**fields, **kwargs})


def make_person(**kwargs) -> Person:
    n = _n()
    if "organisation" not in kwargs:
        kwargs["organisation"] = make_organisation()
    fields = {"name": f"Person {n}", "title": "Officer"}
    return Person.objects.create(**{**fields, **kwargs})


def make_user(username: str, role: Role | None = None, **person_fields) -> User:
    """A user who can sign in with password "pass-word-123", in the role's group, with the
    Person record that links them to what they own."""
    user = User.objects.create_user(
        username=username,
        password="pass-word-123",
        first_name=username.capitalize(),
        last_name="Example",
        email=f"{username}@example.org",
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    if role == Role.ADMINISTRATOR:
        user.is_staff = True
        user.save()
    person_fields.setdefault("name", user.get_full_name())
    make_person(user=user, **person_fields)
    return user


def make_plan(**kwargs) -> ImprovementPlan:
    n = _n()
    fields = {
        "title": f"Improvement Plan {n}",
        "short_name": f"IP{n}",
        "period_start": datetime.date(2019, 4, 1),
        "period_end": datetime.date(2020, 3, 31),
        "status": ImprovementPlan.Status.SIGNED_OFF,
    }
    return ImprovementPlan.objects.create(**{**fields, **kwargs})


def make_theme(**kwargs) -> Theme:
    n = _n()
    fields = {"framework": Theme.Framework.LGA, "code": f"T{n}", "name": f"Theme {n}"}
    return Theme.objects.create(**{**fields, **kwargs})


def make_action(**kwargs) -> Action:
    n = _n()
    if "plan" not in kwargs:
        kwargs["plan"] = make_plan()
    if "directorate" not in kwargs:
        kwargs["directorate"] = make_directorate()
    if "lead_officer" not in kwargs:
        kwargs["lead_officer"] = make_person(organisation=kwargs["directorate"].organisation)
    fields = {
        "reference": f"A-{n}",
        "title": f"Action {n}",
        "start_date": datetime.date(2019, 4, 1),
        "original_due_date": datetime.date(2019, 12, 31),
        "rag": RAG.GREEN,
    }
    return Action.objects.create(**{**fields, **kwargs})


def make_update(action: Action, author: User, **kwargs) -> ProgressUpdate:
    fields = {
        "period": datetime.date(2019, 5, 1),
        "rag": RAG.GREEN,
        "narrative": "On track.",
        "author": author,
    }
    return ProgressUpdate.objects.create(action=action, **{**fields, **kwargs})


def make_risk(**kwargs) -> Risk:
    n = _n()
    if "owner" not in kwargs:
        kwargs["owner"] = make_person()
    fields = {
        "reference": f"R-{n}",
        "title": f"Risk {n}",
        "category": Risk.Category.ECONOMIC,
        "inherent_likelihood": 4,
        "inherent_impact": 5,
        "residual_likelihood": 3,
        "residual_impact": 4,
        "target_likelihood": 2,
        "target_impact": 3,
        "tolerance": 9,
    }
    return Risk.objects.create(**{**fields, **kwargs})


def make_meeting(**kwargs) -> Meeting:
    fields = {
        "title": "Panel meeting",
        "date": datetime.date(2019, 1, 29),
        "start_time": datetime.time(12, 15),
        "end_time": datetime.time(14, 15),
    }
    return Meeting.objects.create(**{**fields, **kwargs})


def make_agenda_item(meeting: Meeting, **kwargs) -> AgendaItem:
    fields = {"number": _n(), "heading": "Item"}
    return AgendaItem.objects.create(meeting=meeting, **{**fields, **kwargs})


def make_minute(agenda_item: AgendaItem, **kwargs) -> Minute:
    fields = {"number": _n(), "text": "Noted."}
    return Minute.objects.create(
        meeting=agenda_item.meeting, agenda_item=agenda_item, **{**fields, **kwargs}
    )


def make_attendance(meeting: Meeting, person: Person, **kwargs) -> Attendance:
    fields = {"group": Attendance.Group.PANEL}
    return Attendance.objects.create(meeting=meeting, person=person, **{**fields, **kwargs})


def make_meeting_action(minute: Minute, owner: Person, **kwargs) -> MeetingAction:
    fields = {"description": "Share the guidance pack", "due_date": datetime.date(2019, 2, 27)}
    return MeetingAction.objects.create(
        meeting=minute.meeting, minute=minute, owner=owner, **{**fields, **kwargs}
    )


def make_source(**kwargs) -> Source:
    n = _n()
    fields = {"name": f"External auditor's recommendations {n}", "kind": "external_audit"}
    return Source.objects.create(**{**fields, **kwargs})


def make_recommendation(source: Source, **kwargs) -> Recommendation:
    n = _n()
    fields = {"reference": f"EA-{n}", "text": f"Recommendation {n}"}
    return Recommendation.objects.create(source=source, **{**fields, **kwargs})


def make_indicator(**kwargs) -> Indicator:
    n = _n()
    fields = {
        "code": f"IND-{n}",
        "name": f"Indicator {n}",
        "unit": Indicator.Unit.GBP_MILLIONS,
        "polarity": Indicator.Polarity.LOWER_IS_BETTER,
    }
    return Indicator.objects.create(**{**fields, **kwargs})


def make_indicator_value(indicator: Indicator, **kwargs) -> IndicatorValue:
    fields = {"period": datetime.date(2018, 4, 1), "value": Decimal("28.0")}
    return IndicatorValue.objects.create(indicator=indicator, **{**fields, **kwargs})


def make_engagement(adviser: Person, **kwargs) -> AdviserEngagement:
    fields = {"focus_area": "Financial resilience", "started_on": datetime.date(2019, 7, 1)}
    return AdviserEngagement.objects.create(adviser=adviser, **{**fields, **kwargs})


# ---------------------------------------------------------------------------------------
# Reports framework (issue 6, H2): a closed cycle's snapshot of the live data, and reports.


def make_report_snapshot(period: datetime.date = datetime.date(2019, 1, 1), *, user=None):
    """A closed cycle for `period` with a snapshot of the data as it is now, taken by the
    same service the demo uses for cycles closed in the past."""
    from django.utils import timezone

    from plans.models import Cycle
    from reports.snapshots import snapshot_cycle

    now = timezone.now()
    cycle = Cycle.objects.create(
        period=period,
        opens_on=period,
        deadline=period + datetime.timedelta(days=20),
        closed_at=now,
    )
    return snapshot_cycle(cycle=cycle, user=user, as_at=now)


def make_report(user, **kwargs):
    """A draft report made through the service (so it has its default sections)."""
    from reports.services import create_report

    fields = {
        "kind": "letter",
        "plan": kwargs.pop("plan", None) or make_plan(),
        "snapshot": None,
        "title": "Letter to the Secretary of State, February 2019",
    }
    return create_report(user=user, **{**fields, **kwargs})


# ---------------------------------------------------------------------------------------
# Snapshots and cycles (issue 6, H1): monthly cycles, open or closed.


def make_cycle(period: datetime.date, **kwargs):
    """The month's cycle (window 11th to 22nd), open unless `closed_at` is given."""
    from plans.models import Cycle

    fields = {"opens_on": period.replace(day=11), "deadline": period.replace(day=22)}
    return Cycle.objects.create(period=period, **{**fields, **kwargs})


# ---------------------------------------------------------------------------------------
# Published public report versions (issue 18: withdrawing them).


def finish_version(version, content: bytes = b"%PDF-1.7\n% a stand-in\n"):
    """The version as the worker leaves it: ready, with a stored PDF (in MEDIA_ROOT: use
    a test case with a temporary one)."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from reports.models import ReportVersion

    version.file.save(f"v{version.number}-{version.pk}.pdf", ContentFile(content), save=False)
    version.status = ReportVersion.Status.DONE
    version.progress = 100
    version.size = len(content)
    version.pages = 1
    version.finished_at = timezone.now()
    version.save()
    return version


def publish_report(user, report, content: bytes = b"%PDF-1.7\n% public\n"):
    """Finalise the report (if it is not final yet) through the services and generate its
    next versions, both ready: (internal, public); the public one is published."""
    from reports.services import finalise_report, request_versions

    report.refresh_from_db()
    if not report.is_final:
        report = finalise_report(user=user, report=report)
    internal, public = request_versions(user=user, report=report)
    return finish_version(internal), finish_version(public, content)

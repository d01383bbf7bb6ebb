"""The database itself rejects rows that break the domain's invariants."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from biip.models import PublicationStatus
from meetings.models import Attendance, FormalAdvice, MeetingAction
from plans.models import (
    Challenge,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Recommendation,
    Source,
)
from tests.factories import (
    make_action,
    make_agenda_item,
    make_meeting,
    make_minute,
    make_person,
    make_plan,
    make_risk,
    make_update,
    make_user,
)

pytestmark = pytest.mark.django_db


def rejects(make, *args, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        make(*args, **kwargs)


def test_action_due_date_not_before_start():
    rejects(
        make_action,
        start_date=datetime.date(2019, 6, 1),
        original_due_date=datetime.date(2019, 5, 31),
    )
    rejects(
        make_action,
        start_date=datetime.date(2019, 6, 1),
        original_due_date=datetime.date(2019, 9, 30),
        revised_due_date=datetime.date(2019, 5, 1),
    )
    make_action(start_date=datetime.date(2019, 6, 1), original_due_date=datetime.date(2019, 6, 1))


def test_action_reference_unique_within_plan():
    first = make_action(reference="CG-01")
    rejects(make_action, plan=first.plan, reference="CG-01")
    make_action(reference="CG-01")  # another plan may reuse it


@pytest.mark.parametrize(
    "field", ["inherent_likelihood", "residual_impact", "target_likelihood", "target_impact"]
)
@pytest.mark.parametrize("value", [0, 6])
def test_risk_scales_are_one_to_five(field, value):
    rejects(make_risk, **{field: value})


def test_risk_tolerance_and_exposure():
    rejects(make_risk, tolerance=26)
    rejects(make_risk, tolerance=0)
    rejects(make_risk, financial_exposure=-1)
    assert make_risk(tolerance=25, financial_exposure=0).residual_score == 12


def test_minute_numbers_unique_within_meeting():
    item = make_agenda_item(make_meeting())
    make_minute(item, number=1)
    rejects(make_minute, item, number=1)
    make_minute(make_agenda_item(make_meeting()), number=1)


def test_agenda_numbers_unique_within_meeting():
    meeting = make_meeting()
    make_agenda_item(meeting, number=3)
    rejects(make_agenda_item, meeting, number=3)


def test_person_attends_a_meeting_once():
    meeting, person = make_meeting(), make_person()
    Attendance.objects.create(meeting=meeting, person=person, group="panel")
    rejects(Attendance.objects.create, meeting=meeting, person=person, group="council")


def test_meeting_ends_after_it_starts():
    rejects(make_meeting, start_time=datetime.time(14, 15), end_time=datetime.time(12, 15))
    rejects(make_meeting, start_time=datetime.time(12, 15), end_time=datetime.time(12, 15))


def test_exempt_needs_paragraph_and_review_date():
    meeting = make_meeting()
    rejects(make_agenda_item, meeting, publication_status=PublicationStatus.EXEMPT)
    rejects(
        make_agenda_item,
        meeting,
        publication_status=PublicationStatus.EXEMPT,
        exemption_paragraph=4,
    )
    rejects(make_agenda_item, meeting, exemption_paragraph=4)  # public with a paragraph
    item = make_agenda_item(
        meeting,
        publication_status=PublicationStatus.EXEMPT,
        exemption_paragraph=4,
        exemption_review_date=datetime.date(2020, 1, 29),
    )
    assert not item.is_public


def test_one_update_per_action_per_month_on_the_first():
    action, author = make_action(), make_user("writer")
    make_update(action, author, period=datetime.date(2019, 5, 1))
    rejects(make_update, action, author, period=datetime.date(2019, 5, 1))
    rejects(make_update, action, author, period=datetime.date(2019, 6, 15))


def test_only_one_current_plan():
    make_plan(is_current=True)
    rejects(make_plan, is_current=True)
    rejects(
        make_plan,
        period_start=datetime.date(2020, 1, 1),
        period_end=datetime.date(2019, 1, 1),
    )
    assert ImprovementPlan.objects.current().is_current


def test_formal_advice_is_given_or_none():
    meeting = make_meeting()
    rejects(FormalAdvice.objects.create, meeting=meeting, none_given=True, advice="Do this.")
    rejects(FormalAdvice.objects.create, meeting=meeting, none_given=False, advice="")
    FormalAdvice.objects.create(meeting=meeting, none_given=True)


def test_answered_challenge_has_a_response():
    action, panel = make_action(), make_user("panellist")
    rejects(
        Challenge.objects.create, action=action, question="Why?", raised_by=panel, status="answered"
    )
    Challenge.objects.create(action=action, question="Why?", raised_by=panel)


def test_done_meeting_action_has_a_date():
    meeting, owner = make_meeting(), make_person()
    rejects(
        MeetingAction.objects.create, meeting=meeting, description="x", owner=owner, status="done"
    )
    rejects(
        MeetingAction.objects.create,
        meeting=meeting,
        description="x",
        owner=owner,
        completed_on=datetime.date(2019, 2, 1),
    )


def test_recommendation_verified_only_once_addressed():
    source = Source.objects.create(name="External audit 2018", kind="external_audit")
    rejects(
        Recommendation.objects.create,
        source=source,
        reference="EA-1",
        text="Balance the budget.",
        verified_on=datetime.date(2019, 3, 1),
    )
    Recommendation.objects.create(
        source=source,
        reference="EA-1",
        text="Balance the budget.",
        addressed_on=datetime.date(2019, 1, 1),
        verified_on=datetime.date(2019, 3, 1),
    )


def test_indicator_quartile_one_to_four():
    indicator = Indicator.objects.create(
        code="OS", name="Overspend", unit="gbp_m", polarity="lower"
    )
    rejects(
        IndicatorValue.objects.create,
        indicator=indicator,
        period=datetime.date(2018, 5, 1),
        value=28,
        benchmark_quartile=5,
    )

"""Behaviour the models carry: slippage, overdue, stale, scores, validation messages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from biip.models import RAG, PublicationStatus
from plans.models import STALE_AFTER_DAYS
from tests.factories import make_action, make_agenda_item, make_meeting, make_minute, make_risk

pytestmark = pytest.mark.django_db


def test_slippage_is_revised_minus_original_due_date():
    action = make_action(
        start_date=datetime.date(2019, 1, 1),
        original_due_date=datetime.date(2019, 3, 31),
        revised_due_date=datetime.date(2019, 6, 30),
    )
    assert action.slippage_days == 91
    assert action.due_date == datetime.date(2019, 6, 30)
    assert make_action(original_due_date=datetime.date(2019, 4, 30)).slippage_days == 0


def test_overdue_uses_the_revised_date_and_ignores_complete_actions():
    action = make_action(
        start_date=datetime.date(2019, 1, 1),
        original_due_date=datetime.date(2019, 3, 31),
        revised_due_date=datetime.date(2019, 6, 30),
    )
    assert not action.is_overdue(today=datetime.date(2019, 5, 1))
    assert action.is_overdue(today=datetime.date(2019, 7, 1))
    action.rag = RAG.BLUE
    assert not action.is_overdue(today=datetime.date(2019, 7, 1))


def test_stale_after_35_days_without_an_update():
    now = timezone.now()
    action = make_action(rag=RAG.AMBER)
    assert action.is_stale(now)  # never updated
    action.last_update_at = now - datetime.timedelta(days=STALE_AFTER_DAYS)
    assert not action.is_stale(now)
    action.last_update_at = now - datetime.timedelta(days=STALE_AFTER_DAYS + 1)
    assert action.is_stale(now)


def test_risk_scores_multiply_likelihood_by_impact():
    risk = make_risk(
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=3,
        target_likelihood=2,
        target_impact=2,
        tolerance=10,
    )
    assert (risk.inherent_score, risk.residual_score, risk.target_score) == (25, 12, 4)
    assert risk.past_tolerance


def test_exempt_without_paragraph_gives_messages_beside_the_fields():
    item = make_agenda_item(make_meeting())
    item.publication_status = PublicationStatus.EXEMPT
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert set(caught.value.message_dict) >= {"exemption_paragraph", "exemption_review_date"}


def test_minute_must_sit_under_an_item_of_its_own_meeting():
    item = make_agenda_item(make_meeting())
    minute = make_minute(item)
    minute.meeting = make_meeting(date=datetime.date(2019, 2, 27))
    with pytest.raises(ValidationError) as caught:
        minute.full_clean()
    assert "agenda_item" in caught.value.message_dict


def test_rag_labels_carry_words():
    assert [label for _, label in RAG.choices] == ["Blue", "Green", "Amber", "Red", "Not yet rated"]
    assert RAG.RED.meaning == "Off track or significant slippage"

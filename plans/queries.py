"""The statuses that dashboards count and lists filter by, as functions of a queryset.

Each works on Action.objects and on the action history (Action.history, or the rows of
plans.history.as_at), which has the same fields, so "as at a past date" views count and
filter exactly as live views do: pass the past date as `today` and its end as `now`.
"""

import datetime

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from biip.models import RAG

STALE_AFTER = datetime.timedelta(days=35)


def with_due(actions: QuerySet) -> QuerySet:
    """Annotate `due`: the revised due date where there is one, else the original."""
    return actions.annotate(due=Coalesce("revised_due_date", "original_due_date"))


def open_actions(actions: QuerySet) -> QuerySet:
    """Actions not complete (not Blue, no completion date)."""
    return actions.exclude(rag=RAG.BLUE).filter(completed_on__isnull=True)


def overdue(actions: QuerySet, today: datetime.date) -> QuerySet:
    return with_due(open_actions(actions)).filter(due__lt=today)


def slipped(actions: QuerySet) -> QuerySet:
    """Revised due date later than the original."""
    return actions.filter(revised_due_date__gt=F("original_due_date"))


def stale(actions: QuerySet, now: datetime.datetime) -> QuerySet:
    """Open actions with no update for more than 35 days (or none ever)."""
    return open_actions(actions).filter(
        Q(last_update_at__isnull=True) | Q(last_update_at__lt=now - STALE_AFTER)
    )


def needing_update(actions: QuerySet, period: datetime.date) -> QuerySet:
    """Open actions with no update yet for the cycle's month (live actions only)."""
    return open_actions(actions).exclude(updates__period=period)


def updated_for(actions: QuerySet, period: datetime.date) -> QuerySet:
    """Open actions with their update for the cycle's month (live actions only): with
    needing_update, every open action once (one update per action per month)."""
    return open_actions(actions).filter(updates__period=period)


def challenges_on(challenges: QuerySet, actions: QuerySet) -> QuerySet:
    """The challenges (live or history rows) on `actions`: the dashboard counts and the
    challenge list shows exactly these."""
    return challenges.filter(action_id__in=actions.values("id"))


def led_by(actions: QuerySet, user) -> QuerySet:
    """The actions `user` leads (through their Person): "mine" on every figure and list."""
    return actions.filter(lead_officer__user=user)

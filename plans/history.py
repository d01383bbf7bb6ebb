"""Records as they stood at a past moment, rebuilt from django-simple-history."""

import datetime

from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.utils import timezone


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in Europe/London: "as at 31 January" includes all of
    that day."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


def as_at(model: type[Model], moment: datetime.datetime) -> QuerySet:
    """The history rows of `model` that were current at `moment`: for each record, its
    latest version before then, leaving out records deleted by then or not yet created.

    The rows have the model's fields (foreign keys included), so they can be filtered,
    counted and shown like live records; `row.instance` gives a model instance."""
    history = model.history.model
    latest = (
        history.objects.filter(id=OuterRef("id"), history_date__lt=moment)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history.objects.filter(history_date__lt=moment)
        .filter(history_id=Subquery(latest))
        .exclude(history_type="-")
    )

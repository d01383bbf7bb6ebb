"""The emails the tracker sends, each built from a plain-text template in templates/emails/:
officers' reminders to update (before the deadline, and once more after it), the
secretariat's digest of who is late, and the notices of a challenge raised and answered.

Each function returns an unsent EmailMessage addressed to one person; links in it are
absolute (settings.SITE_URL), since emails are sent outside any request. Sending, and
deciding who gets what, is for plans.reminders and plans.services."""

import datetime
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, User
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format

from biip.models import Person, Role
from plans.access import person_of
from plans.models import Action, Challenge, Cycle

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    """A link for an email: the site's address and the path."""
    return settings.SITE_URL + path


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def name_of(user: AbstractBaseUser) -> str:
    """How the tracker names a user: their person's name, else their full name."""
    person = person_of(user)
    if person is not None:
        return person.name
    return user.get_full_name() or user.get_username()


def _subject(text: str) -> str:
    """One line (a header cannot hold a line break), prefixed with the service's name."""
    return " ".join(f"{settings.SERVICE_NAME}: {text}".split())


def _message(template: str, subject: str, to: str, context: dict) -> EmailMessage:
    context = {"service": settings.SERVICE_NAME, **context}
    body = render_to_string(f"emails/{template}", context).strip() + "\n"
    return EmailMessage(subject=_subject(subject), body=body, to=[to])


@dataclass(frozen=True)
class ActionLine:
    """An action in a reminder: what it is, when it is due, and where to update it."""

    reference: str
    title: str
    due: datetime.date | None
    url: str


def action_lines(actions: Sequence[Action]) -> list[ActionLine]:
    return [
        ActionLine(
            action.reference,
            action.title,
            action.due_date,
            absolute(reverse("action-update", args=[action.pk])),
        )
        for action in actions
    ]


def _reminder_context(recipient: User, cycle: Cycle, actions: Sequence[Action]) -> dict:
    return {
        "name": name_of(recipient),
        "cycle": cycle,
        "month": date_format(cycle.period, "F Y"),
        "count": len(actions),
        "actions": action_lines(actions),
        "my_actions_url": absolute(reverse("my-actions")),
    }


def update_reminder(*, recipient: User, cycle: Cycle, actions: Sequence[Action]) -> EmailMessage:
    """The first reminder, in the update window: the actions still needing the officer's
    update this cycle, each with its link, and the deadline."""
    count = len(actions)
    subject = (
        f"{plural(count, 'action')} need{'s' if count == 1 else ''} your "
        f"{date_format(cycle.period, 'F Y')} update by {date_format(cycle.deadline, 'j F')}"
    )
    context = _reminder_context(recipient, cycle, actions)
    return _message("update_reminder.txt", subject, recipient.email, context)


def overdue_reminder(*, recipient: User, cycle: Cycle, actions: Sequence[Action]) -> EmailMessage:
    """The second reminder, once the deadline has passed: the actions still without an
    update."""
    count = len(actions)
    subject = (
        f"overdue: {plural(count, 'action')} still need{'s' if count == 1 else ''} your "
        f"{date_format(cycle.period, 'F Y')} update"
    )
    context = _reminder_context(recipient, cycle, actions)
    return _message("overdue_reminder.txt", subject, recipient.email, context)


@dataclass(frozen=True)
class LateOfficer:
    name: str
    count: int


@dataclass(frozen=True)
class LateDirectorate:
    name: str
    officers: list[LateOfficer]


def late_digest(
    *, recipient: User, cycle: Cycle, directorates: Sequence[LateDirectorate]
) -> EmailMessage:
    """The secretariat's digest after the deadline: each lead officer with actions still
    lacking the cycle's update, by directorate, and how many."""
    total = sum(officer.count for group in directorates for officer in group.officers)
    officers = sum(len(group.officers) for group in directorates)
    month = date_format(cycle.period, "F Y")
    subject = f"{plural(total, 'action')} still without a {month} update after the deadline"
    context = {
        "name": name_of(recipient),
        "cycle": cycle,
        "month": month,
        "total": total,
        "officers": officers,
        "directorates": directorates,
        "status_url": absolute(reverse("cycle-status")),
    }
    return _message("late_digest.txt", subject, recipient.email, context)


def challenge_raised(*, recipient: User, challenge: Challenge, as_lead: bool) -> EmailMessage:
    """To an officer of the action (its lead officer, or failing them an officer of its
    directorate): the question, and where to reply."""
    action = challenge.action
    context = {
        "name": name_of(recipient),
        "challenge": challenge,
        "action": action,
        "raised_by": name_of(challenge.raised_by),
        "as_lead": as_lead,
        "reply_url": absolute(reverse("challenge-reply", args=[challenge.pk])),
    }
    subject = f"a challenge on {action.reference} needs your answer"
    return _message("challenge_raised.txt", subject, recipient.email, context)


def challenge_answered(*, challenge: Challenge) -> EmailMessage:
    """To the challenger: the answer, and a link to the action."""
    action = challenge.action
    context = {
        "name": name_of(challenge.raised_by),
        "challenge": challenge,
        "action": action,
        "responded_by": name_of(challenge.responded_by),
        "action_url": absolute(reverse("action", args=[action.pk])),
    }
    subject = f"your challenge on {action.reference} is answered"
    return _message("challenge_answered.txt", subject, challenge.raised_by.email, context)


# -- who is told about a challenge ----------------------------------------------------


def can_receive(user: User | None) -> bool:
    return user is not None and user.is_active and bool(user.email)


def challenge_recipients(action: Action) -> tuple[list[User], bool]:
    """Who is told of a challenge on the action: its lead officer if they have an account
    with an email address, else the officers of its directorate who have one. Also returns
    whether that is the lead officer."""
    lead: Person = action.lead_officer
    if lead.user_id and can_receive(lead.user):
        return [lead.user], True
    officers = (
        User.objects.filter(
            is_active=True,
            groups__name=Role.OFFICER.value,
            person__directorate_id=action.directorate_id,
        )
        .exclude(email="")
        .select_related("person")
        .order_by("person__name", "pk")
    )
    return list(officers), False


def _send(message: EmailMessage, what: str) -> None:
    """Send, never raising: the change is saved already, and shows on the officer's pages
    whether or not the email goes."""
    try:
        message.send(fail_silently=False)
    except Exception:
        logger.exception("Could not email %s to %s", what, ", ".join(message.to))


def send_challenge_raised(challenge: Challenge) -> None:
    challenge = Challenge.objects.select_related(
        "action__lead_officer__user", "raised_by__person"
    ).get(pk=challenge.pk)
    recipients, as_lead = challenge_recipients(challenge.action)
    for user in recipients:
        message = challenge_raised(recipient=user, challenge=challenge, as_lead=as_lead)
        _send(message, f"challenge {challenge.pk}")


def send_challenge_answered(challenge: Challenge) -> None:
    challenge = Challenge.objects.select_related(
        "action", "raised_by__person", "responded_by__person"
    ).get(pk=challenge.pk)
    if not can_receive(challenge.raised_by) or challenge.raised_by_id == challenge.responded_by_id:
        return
    _send(challenge_answered(challenge=challenge), f"the answer to challenge {challenge.pk}")

"""Reminders to give the monthly update, sent by `manage.py send_update_reminders` (run
each weekday morning by cron: docs/reminders.md).

In the open cycle's update window each officer (a user in the Council officer role, with a
Person and an email address) is sent one reminder listing the current plan's actions still
needing their update: the actions they lead and their directorate's, as on My actions.
Once the deadline has passed, officers whose updates are still missing are sent a second
reminder, and the secretariat a digest of who is late. Each is sent once a cycle: a
Reminder row (cycle, recipient, kind) is written in the transaction that sends the email,
so a run repeated the same day, or every day, sends nothing new; a send that fails is
rolled back with its row, so the next run tries again.

plan_reminders() decides who gets what without sending anything (a dry run prints it);
deliver() sends one email and records it."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils.formats import date_format

from biip.models import Role
from plans import emails
from plans.emails import LateDirectorate, LateOfficer
from plans.models import Action, Cycle, ImprovementPlan, Reminder
from plans.queries import needing_update, with_due
from plans.views.updates import cycle_groups, my_scope


@dataclass
class Outgoing:
    """One email to send: a reminder to an officer, or the digest to the secretariat."""

    kind: str
    recipient: User
    message: EmailMessage
    count: int
    actions: list[Action] = field(default_factory=list)
    late: list[LateDirectorate] = field(default_factory=list)

    @property
    def who(self) -> str:
        return f"{emails.name_of(self.recipient)} <{self.recipient.email}>"

    @property
    def label(self) -> str:
        return {
            Reminder.Kind.FIRST: "reminder",
            Reminder.Kind.OVERDUE: "second reminder",
            Reminder.Kind.DIGEST: "digest of who is late",
        }[self.kind]


@dataclass
class Run:
    """What a run of the command would do on `today`."""

    today: datetime.date
    cycle: Cycle | None = None
    plan: ImprovementPlan | None = None
    stopped: str = ""  # why nothing at all is sent, in words
    outgoing: list[Outgoing] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)  # "Name (kind)", sent earlier
    up_to_date: list[str] = field(default_factory=list)  # officers with nothing to update
    no_email: list[str] = field(default_factory=list)  # "Name (3 actions)", cannot be told

    @property
    def after_deadline(self) -> bool:
        return self.cycle is not None and self.today > self.cycle.deadline

    @property
    def officer_kind(self) -> str:
        return Reminder.Kind.OVERDUE if self.after_deadline else Reminder.Kind.FIRST


def officers():
    """Active users in the Council officer role who have a Person, by name."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.OFFICER.value, person__isnull=False)
        .select_related("person")
        .prefetch_related("groups")
        .order_by("person__name", "pk")
    )


def secretariat():
    """Active users in the Secretariat role who have an email address."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.SECRETARIAT.value)
        .exclude(email="")
        .select_related("person")
        .order_by("last_name", "first_name", "pk")
    )


def actions_to_update(user: User, plan: ImprovementPlan, period: datetime.date) -> list[Action]:
    """The plan's actions still needing the officer's update for the month: those they
    lead and their directorate's (the "needing" list of My actions), soonest due first."""
    actions = plan.actions.filter(my_scope(user, user.person))
    return list(with_due(needing_update(actions, period)).order_by("due", "reference"))


def late_directorates(plan: ImprovementPlan, period: datetime.date) -> list[LateDirectorate]:
    """Each directorate's lead officers whose open actions lack the month's update (as on
    the cycle status page)."""
    late = []
    for group in cycle_groups(plan, period):
        rows = [LateOfficer(row.name, row.to_update) for row in group.officers if row.to_update]
        if rows:
            late.append(LateDirectorate(group.name, rows))
    return late


def _stopped(run: Run) -> str:
    if run.cycle is None:
        return "No update cycle is open, so no reminders are due."
    if run.plan is None:
        return "There is no current improvement plan, so no updates are due."
    if run.today < run.cycle.opens_on:
        return (
            f"The {date_format(run.cycle.period, 'F Y')} update window opens on "
            f"{date_format(run.cycle.opens_on, 'j F Y')}: no reminders before then."
        )
    return ""


def plan_reminders(today: datetime.date) -> Run:
    """Who would be sent what on `today`; nothing is sent or recorded."""
    run = Run(today, cycle=Cycle.objects.current(), plan=ImprovementPlan.objects.current())
    run.stopped = _stopped(run)
    if run.stopped:
        return run
    cycle, plan, kind = run.cycle, run.plan, run.officer_kind
    sent = set(Reminder.objects.filter(cycle=cycle).values_list("recipient_id", "kind"))
    # After a second reminder a first one would be news from the past: never send it.
    kinds_done = {kind, Reminder.Kind.OVERDUE}
    write = emails.overdue_reminder if run.after_deadline else emails.update_reminder
    for user in officers():
        name = user.person.name
        actions = actions_to_update(user, plan, cycle.period)
        if not actions:
            run.up_to_date.append(name)
        elif not user.email:
            run.no_email.append(f"{name} ({emails.plural(len(actions), 'action')})")
        elif any((user.pk, done) in sent for done in kinds_done):
            run.already_sent.append(name)
        else:
            message = write(recipient=user, cycle=cycle, actions=actions)
            run.outgoing.append(Outgoing(kind, user, message, len(actions), actions=actions))
    if run.after_deadline:
        late = late_directorates(plan, cycle.period)
        total = sum(officer.count for group in late for officer in group.officers)
        for user in secretariat() if late else []:
            if (user.pk, Reminder.Kind.DIGEST) in sent:
                run.already_sent.append(f"{emails.name_of(user)} (digest)")
                continue
            message = emails.late_digest(recipient=user, cycle=cycle, directorates=late)
            run.outgoing.append(Outgoing(Reminder.Kind.DIGEST, user, message, total, late=late))
    return run


def deliver(cycle: Cycle, item: Outgoing) -> bool:
    """Send one email and record it, in one transaction: if sending fails the row is rolled
    back (and the error raised), so the next run tries again. False, sending nothing, if
    another run recorded it first."""
    with transaction.atomic():
        _, created = Reminder.objects.get_or_create(
            cycle=cycle,
            recipient=item.recipient,
            kind=item.kind,
            defaults={"action_count": item.count},
        )
        if not created:
            return False
        item.message.send(fail_silently=False)
    return True

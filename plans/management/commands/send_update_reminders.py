import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from plans.emails import plural
from plans.reminders import Outgoing, Run, deliver, plan_reminders


def day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2019-11-15") from error


class Command(BaseCommand):
    help = (
        "Email officers the actions still needing their update in the open cycle (once in "
        "the update window, once more after the deadline) and, after the deadline, the "
        "secretariat a digest of who is late. Safe to run every day: each email is sent "
        "once a cycle, and one that failed is tried again on the next run. "
        "See docs/reminders.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would be sent what; send and record nothing.",
        )
        parser.add_argument(
            "--today",
            type=day,
            metavar="YYYY-MM-DD",
            help="Run as if on this day (to test, or to catch up a missed day). Default: today.",
        )

    def handle(self, *args, dry_run: bool = False, today: datetime.date | None = None, **options):
        run = plan_reminders(today or timezone.localdate())
        self.stdout.write(self.heading(run))
        if run.stopped:
            self.stdout.write(run.stopped)
            return
        if dry_run:
            self.stdout.write("Dry run: nothing is sent or recorded.")
        sent, failed = 0, []
        for item in run.outgoing:
            if dry_run:
                self.describe(item)
                continue
            try:
                delivered = deliver(run.cycle, item)
            except Exception as error:  # SMTP, network: report it, and go on to the others
                failed.append(item.who)
                self.stderr.write(
                    f"Could not send the {item.label} to {item.who}: {error}. "
                    "Not recorded: the next run tries again."
                )
                continue
            if delivered:
                sent += 1
                self.stdout.write(f"Sent the {item.label} to {item.who}: {self.summary(item)}.")
            else:
                self.stdout.write(f"Not sent to {item.who}: another run has just sent it.")
        self.report(run)
        if not dry_run:
            self.stdout.write(self.total(run, sent, failed))
        if failed:
            raise CommandError(f"{plural(len(failed), 'email')} could not be sent.")

    def heading(self, run: Run) -> str:
        today = f"Today is {date_format(run.today, 'l j F Y')}."
        if run.cycle is None:
            return today
        cycle = run.cycle
        window = (
            f"{date_format(cycle.period, 'F Y')} cycle"
            + (f" of {run.plan}" if run.plan else "")
            + f": updates from {date_format(cycle.opens_on, 'j F')} to "
            f"{date_format(cycle.deadline, 'j F Y')}."
        )
        stage = (
            " The deadline has passed: second reminders, and the digest to the secretariat."
            if run.after_deadline
            else ""
        )
        return f"{today} {window}{stage}"

    @staticmethod
    def summary(item: Outgoing) -> str:
        if item.actions:
            references = ", ".join(action.reference for action in item.actions)
            return f"{plural(item.count, 'action')} ({references})"
        return f"{plural(item.count, 'action')} late"

    def describe(self, item: Outgoing) -> None:
        self.stdout.write(f"Would send the {item.label} to {item.who}: {self.summary(item)}.")
        self.stdout.write(f"  Subject: {item.message.subject}")
        for action in item.actions:
            self.stdout.write(f"  - {action.reference}: {action.title}")
        for group in item.late:
            for officer in group.officers:
                self.stdout.write(
                    f"  - {officer.name} ({group.name}): {plural(officer.count, 'action')}"
                )

    def report(self, run: Run) -> None:
        if run.already_sent:
            self.stdout.write(
                "Sent earlier this cycle, not sent again: " + "; ".join(run.already_sent) + "."
            )
        if run.up_to_date:
            self.stdout.write(
                f"Nothing to update: {plural(len(run.up_to_date), 'officer')} "
                f"({'; '.join(run.up_to_date)})."
            )
        if run.no_email:
            self.stdout.write("Not reminded, no email address: " + "; ".join(run.no_email) + ".")

    @staticmethod
    def total(run: Run, sent: int, failed: list[str]) -> str:
        if not run.outgoing:
            return "Nothing new to send."
        text = f"Sent {plural(sent, 'email')}"
        return text + (f"; {len(failed)} failed." if failed else ".")

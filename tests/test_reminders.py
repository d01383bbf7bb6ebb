"""`manage.py send_update_reminders` (plans.reminders, plans.emails): who is sent what,
when, and only once a cycle."""

import datetime
import smtplib
from io import StringIO

from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from biip.models import RAG, Role
from plans import reminders
from plans.models import Cycle, Reminder
from plans.views.updates import my_actions_context
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_update, make_user

NOVEMBER = datetime.date(2019, 11, 1)
BEFORE_WINDOW = datetime.date(2019, 11, 5)
IN_WINDOW = datetime.date(2019, 11, 15)
DEADLINE = datetime.date(2019, 11, 22)
AFTER_DEADLINE = datetime.date(2019, 11, 25)
SITE = "https://tracker.example.org"


class RefusingBackend(locmem.EmailBackend):
    """Django's test backend, except that the server refuses Oscar's address."""

    def send_messages(self, messages):
        for message in messages:
            if "oscar@example.org" in message.to:
                raise smtplib.SMTPRecipientsRefused({"oscar@example.org": (550, b"No such user")})
        return super().send_messages(messages)


def run(today: datetime.date | None = None, *args: str) -> str:
    """Run the command; its output (stdout then stderr)."""
    out, err = StringIO(), StringIO()
    options = [f"--today={today.isoformat()}"] if today else []
    call_command("send_update_reminders", *options, *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


@override_settings(SITE_URL=SITE)
class RemindersCase(RolesTestCase):
    """November 2019's cycle is open (window 11 to 22 November). Olivia (Finance) has two
    actions needing her update: one she leads, one her directorate's; Oscar (Place) one.
    Updated, complete and other plans' actions are not for reminding."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        cls.cycle = Cycle.objects.create(
            period=NOVEMBER, opens_on=datetime.date(2019, 11, 11), deadline=DEADLINE
        )
        cls.colleague = make_person(name="Fiona Colleague", directorate=cls.finance)

        def action(reference, directorate, lead, **fields):
            return make_action(
                plan=cls.plan,
                reference=reference,
                title=f"{reference} title",
                directorate=directorate,
                lead_officer=lead,
                **fields,
            )

        cls.led = action(
            "IP19-01", cls.finance, cls.olivia.person, original_due_date=datetime.date(2020, 3, 31)
        )
        cls.directorates = action(
            "IP19-02", cls.finance, cls.colleague, original_due_date=datetime.date(2019, 12, 31)
        )
        cls.updated = action("IP19-03", cls.finance, cls.olivia.person)
        make_update(cls.updated, cls.olivia, period=NOVEMBER)
        cls.complete = action(
            "IP19-04",
            cls.finance,
            cls.olivia.person,
            rag=RAG.BLUE,
            completed_on=datetime.date(2019, 9, 1),
        )
        cls.roads = action("IP19-05", cls.place, cls.oscar.person)
        cls.old_plan = make_action(
            reference="IP15-01", directorate=cls.finance, lead_officer=cls.olivia.person
        )

    def update_all(self):
        for action in (self.led, self.directorates, self.roads):
            make_update(action, self.olivia, period=NOVEMBER)


class FirstReminder(RemindersCase):
    def test_each_officer_is_sent_one_email_listing_their_actions(self):
        run(IN_WINDOW)
        self.assertEqual(len(mail.outbox), 2)
        [olivias] = sent_to("olivia@example.org")
        [oscars] = sent_to("oscar@example.org")
        self.assertIn("IP19-01: IP19-01 title (due 31 March 2020)", olivias.body)
        self.assertIn("IP19-02: IP19-02 title (due 31 December 2019)", olivias.body)
        for other in ("IP19-03", "IP19-04", "IP19-05", "IP15-01"):
            self.assertNotIn(other, olivias.body)
        self.assertIn("IP19-05", oscars.body)
        self.assertNotIn("IP19-01", oscars.body)

    def test_subject_body_and_deadline(self):
        run(IN_WINDOW)
        [message] = sent_to("olivia@example.org")
        self.assertEqual(
            message.subject,
            "Improvement Tracker: 2 actions need your November 2019 update by 22 November",
        )
        self.assertTrue(message.body.startswith("Dear Olivia Example,\n"))
        self.assertIn("your November 2019 update by Friday 22 November 2019", message.body)
        [oscars] = sent_to("oscar@example.org")
        self.assertIn(": 1 action needs your November 2019 update", oscars.subject)

    def test_links_are_absolute_and_go_to_each_actions_update(self):
        run(IN_WINDOW)
        [message] = sent_to("olivia@example.org")
        for action in (self.led, self.directorates):
            url = SITE + reverse("action-update", args=[action.pk])
            self.assertIn(f"\n  {url}\n", message.body)
        self.assertIn(SITE + reverse("my-actions"), message.body)
        self.assertNotIn("\n  /actions/", message.body)

    def test_the_actions_are_my_actions_needing_an_update(self):
        context = my_actions_context(self.olivia, self.olivia.person, self.plan, NOVEMBER)
        found = reminders.actions_to_update(self.olivia, self.plan, NOVEMBER)
        self.assertEqual(found, context["needing"])
        self.assertEqual([a.reference for a in found], ["IP19-02", "IP19-01"])

    def test_a_reminder_is_recorded_for_each(self):
        run(IN_WINDOW)
        rows = Reminder.objects.filter(cycle=self.cycle).order_by("recipient__username")
        self.assertEqual(
            [(r.recipient, r.kind, r.action_count) for r in rows],
            [(self.olivia, "first", 2), (self.oscar, "first", 1)],
        )

    def test_the_panel_secretariat_and_administrator_are_not_reminded(self):
        run(IN_WINDOW)
        for user in (self.pat, self.sam, self.alex):
            self.assertEqual(sent_to(user.email), [])

    def test_on_the_deadline_day_it_is_still_the_first_reminder_and_no_digest(self):
        run(DEADLINE)
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(set(Reminder.objects.values_list("kind", flat=True)), {"first"})

    def test_officers_without_an_email_or_inactive_are_skipped_and_named(self):
        nora = make_user("nora", Role.OFFICER, directorate=self.place)
        nora.email = ""
        nora.save()
        ivan = make_user("ivan", Role.OFFICER, directorate=self.place)
        ivan.is_active = False
        ivan.save()
        output = run(IN_WINDOW)
        self.assertEqual(sent_to("ivan@example.org"), [])
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("Not reminded, no email address: Nora Example (1 action).", output)
        self.assertFalse(Reminder.objects.filter(recipient__in=[nora, ivan]).exists())

    def test_the_output_says_who_was_sent_what(self):
        output = run(IN_WINDOW)
        self.assertIn(
            "Sent the reminder to Olivia Example <olivia@example.org>: 2 actions "
            "(IP19-02, IP19-01).",
            output,
        )
        self.assertIn("Sent 2 emails.", output)

    def test_nothing_before_the_window_opens(self):
        output = run(BEFORE_WINDOW)
        self.assertIn("update window opens on 11 November 2019: no reminders", output)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())


class AfterTheDeadline(RemindersCase):
    def test_officers_still_missing_updates_get_a_second_reminder(self):
        run(IN_WINDOW)
        make_update(self.led, self.olivia, period=NOVEMBER)
        mail.outbox.clear()
        run(AFTER_DEADLINE)
        [olivias] = sent_to("olivia@example.org")
        self.assertEqual(
            olivias.subject,
            "Improvement Tracker: overdue: 1 action still needs your November 2019 update",
        )
        self.assertIn("was Friday 22 November 2019", olivias.body)
        self.assertIn("IP19-02", olivias.body)
        self.assertNotIn("IP19-01", olivias.body)
        self.assertIn(SITE + reverse("action-update", args=[self.directorates.pk]), olivias.body)
        self.assertEqual(Reminder.objects.filter(kind="overdue").count(), 2)

    def test_an_officer_who_has_updated_everything_gets_no_second_reminder(self):
        run(IN_WINDOW)
        make_update(self.roads, self.oscar, period=NOVEMBER)
        mail.outbox.clear()
        run(AFTER_DEADLINE)
        self.assertEqual(sent_to("oscar@example.org"), [])
        self.assertFalse(Reminder.objects.filter(recipient=self.oscar, kind="overdue").exists())

    def test_the_secretariat_gets_a_digest_of_who_is_late(self):
        run(AFTER_DEADLINE)
        [digest] = sent_to("sam@example.org")
        self.assertEqual(
            digest.subject,
            "Improvement Tracker: 3 actions still without a November 2019 update after the "
            "deadline",
        )
        self.assertIn("3 actions, led by 3 officers, still have no update", digest.body)
        self.assertIn(
            "Finance and Governance\n- Fiona Colleague: 1 action\n- Olivia Example: 1 action\n",
            digest.body,
        )
        self.assertIn("Place\n- Oscar Example: 1 action\n", digest.body)
        self.assertIn(SITE + reverse("cycle-status"), digest.body)
        row = Reminder.objects.get(kind="digest")
        self.assertEqual((row.recipient, row.action_count), (self.sam, 3))

    def test_only_the_secretariat_gets_the_digest(self):
        run(AFTER_DEADLINE)
        for user in (self.pat, self.alex):
            self.assertEqual(sent_to(user.email), [])
        self.assertEqual(len(mail.outbox), 3)  # Olivia, Oscar, Sam

    def test_no_digest_when_nobody_is_late(self):
        self.update_all()
        output = run(AFTER_DEADLINE)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertIn("Nothing new to send.", output)

    def test_catching_up_an_earlier_day_after_the_second_reminder_sends_no_first(self):
        run(AFTER_DEADLINE)
        mail.outbox.clear()
        run(IN_WINDOW)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.filter(kind="first").exists())

    def test_the_whole_cycle_sends_each_email_once(self):
        for day in (IN_WINDOW, IN_WINDOW, DEADLINE, AFTER_DEADLINE, AFTER_DEADLINE):
            run(day)
        self.assertEqual(len(sent_to("olivia@example.org")), 2)
        self.assertEqual(len(sent_to("oscar@example.org")), 2)
        self.assertEqual(len(sent_to("sam@example.org")), 1)
        self.assertEqual(Reminder.objects.count(), 5)


class Idempotent(RemindersCase):
    def test_a_second_run_sends_nothing_new_and_records_nothing(self):
        run(IN_WINDOW)
        rows = list(Reminder.objects.values_list("pk", "sent_at"))
        mail.outbox.clear()
        output = run(IN_WINDOW)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(list(Reminder.objects.values_list("pk", "sent_at")), rows)
        self.assertIn(
            "Sent earlier this cycle, not sent again: Olivia Example; Oscar Example.", output
        )
        self.assertIn("Nothing new to send.", output)

    def test_a_second_run_after_the_deadline_sends_nothing_new(self):
        run(AFTER_DEADLINE)
        count = Reminder.objects.count()
        mail.outbox.clear()
        run(AFTER_DEADLINE)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Reminder.objects.count(), count)

    def test_deliver_sends_nothing_if_another_run_recorded_it_first(self):
        [item, *_] = reminders.plan_reminders(IN_WINDOW).outgoing
        Reminder.objects.create(cycle=self.cycle, recipient=item.recipient, kind=item.kind)
        self.assertFalse(reminders.deliver(self.cycle, item))
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Reminder.objects.count(), 1)

    def test_a_new_cycle_reminds_again(self):
        run(IN_WINDOW)
        self.cycle.closed_at = timezone.now()
        self.cycle.save()
        december = Cycle.objects.create(
            period=datetime.date(2019, 12, 1),
            opens_on=datetime.date(2019, 12, 9),
            deadline=datetime.date(2019, 12, 18),
        )
        mail.outbox.clear()
        run(datetime.date(2019, 12, 10))
        self.assertEqual(len(mail.outbox), 2)
        self.assertIn("December 2019", mail.outbox[0].subject)
        self.assertEqual(Reminder.objects.filter(cycle=december).count(), 2)


class NothingToSend(RemindersCase):
    def test_nothing_when_every_action_is_updated(self):
        self.update_all()
        output = run(IN_WINDOW)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())
        self.assertIn("Nothing to update: 2 officers (Olivia Example; Oscar Example).", output)
        self.assertIn("Nothing new to send.", output)

    def test_nothing_when_no_cycle_is_open(self):
        self.cycle.closed_at = timezone.now()
        self.cycle.save()
        output = run(IN_WINDOW)
        self.assertIn("No update cycle is open, so no reminders are due.", output)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())

    def test_nothing_when_there_is_no_cycle_at_all(self):
        Cycle.objects.all().delete()
        output = run()
        self.assertIn("No update cycle is open", output)
        self.assertEqual(mail.outbox, [])


class DryRun(RemindersCase):
    def test_prints_who_would_get_what_and_sends_nothing(self):
        output = run(AFTER_DEADLINE, "--dry-run")
        self.assertIn("Dry run: nothing is sent or recorded.", output)
        self.assertIn(
            "Would send the second reminder to Olivia Example <olivia@example.org>: 2 actions "
            "(IP19-02, IP19-01).",
            output,
        )
        self.assertIn("  - IP19-02: IP19-02 title", output)
        self.assertIn("Would send the digest of who is late to Sam Example", output)
        self.assertIn("  - Oscar Example (Place): 1 action", output)
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Reminder.objects.exists())

    def test_a_day_that_is_not_a_date_is_refused(self):
        with self.assertRaisesMessage(CommandError, "is not a date like 2019-11-15"):
            call_command("send_update_reminders", "--today=15/11/2019", stdout=StringIO())


class FailedSend(RemindersCase):
    @override_settings(EMAIL_BACKEND="tests.test_reminders.RefusingBackend")
    def test_a_failed_send_is_reported_not_recorded_and_the_others_go(self):
        out, err = StringIO(), StringIO()
        with self.assertRaisesMessage(CommandError, "1 email could not be sent."):
            call_command("send_update_reminders", f"--today={IN_WINDOW}", stdout=out, stderr=err)
        self.assertEqual([m.to for m in mail.outbox], [["olivia@example.org"]])
        self.assertEqual(
            list(Reminder.objects.values_list("recipient", flat=True)), [self.olivia.pk]
        )
        self.assertIn(
            "Could not send the reminder to Oscar Example <oscar@example.org>", err.getvalue()
        )
        self.assertIn("the next run tries again", err.getvalue())
        self.assertIn("Sent 1 email; 1 failed.", out.getvalue())

    def test_the_next_run_tries_the_failed_one_again(self):
        refusing = override_settings(EMAIL_BACKEND="tests.test_reminders.RefusingBackend")
        with refusing, self.assertRaises(CommandError):
            run(IN_WINDOW)
        mail.outbox.clear()
        run(IN_WINDOW)
        self.assertEqual([m.to for m in mail.outbox], [["oscar@example.org"]])
        self.assertEqual(Reminder.objects.count(), 2)

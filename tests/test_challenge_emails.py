"""Emails about challenges (plans.services, plans.emails): the action's officer is told
when a challenge is raised, the challenger when it is answered; only once the change is
committed, and never at the cost of the change."""

import datetime
import smtplib

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from biip.models import Role
from plans import services
from plans.models import Assurance, Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_update, make_user

SITE = "https://tracker.example.org"


class BrokenBackend:
    """An email backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@override_settings(SITE_URL=SITE)
class ChallengeEmailCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.action = make_action(
            reference="IP19-07",
            title="Deliver the Financial Improvement Plan",
            directorate=cls.finance,
            lead_officer=cls.olivia.person,
        )
        cls.colin = make_user("colin", Role.OFFICER, directorate=cls.finance)

    def raise_challenge(self, action=None, **kwargs):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            challenge = services.raise_challenge(
                user=self.pat,
                action=action or self.action,
                question="How will the £28m overspend be recovered?",
                **kwargs,
            )
        return challenge, callbacks


class ChallengeRaised(ChallengeEmailCase):
    def test_the_lead_officer_is_emailed_once_after_commit(self):
        challenge, callbacks = self.raise_challenge()
        self.assertEqual(len(callbacks), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["olivia@example.org"])
        self.assertEqual(
            message.subject, "Improvement Tracker: a challenge on IP19-07 needs your answer"
        )
        self.assertIn(
            "Pat Example has challenged IP19-07: Deliver the Financial Improvement Plan.",
            message.body,
        )
        self.assertIn("How will the £28m overspend be recovered?", message.body)
        self.assertIn(SITE + reverse("challenge-reply", args=[challenge.pk]), message.body)
        self.assertIn("as the action's lead officer", message.body)

    def test_nothing_is_sent_before_the_transaction_commits(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            services.raise_challenge(user=self.pat, action=self.action, question="Why?")
        self.assertEqual(len(callbacks), 1)
        self.assertEqual(mail.outbox, [])

    def test_nothing_is_sent_if_the_transaction_rolls_back(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    services.raise_challenge(user=self.pat, action=self.action, question="Why?")
                    raise RuntimeError("something later failed")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertEqual(mail.outbox, [])
        self.assertFalse(Challenge.objects.exists())

    def test_a_challenge_on_an_update_names_its_month(self):
        update = make_update(self.action, self.olivia, period=datetime.date(2019, 11, 1))
        self.raise_challenge(update=update)
        self.assertIn("(its November 2019 update)", mail.outbox[0].body)

    def test_without_a_lead_officer_account_the_directorates_officers_are_emailed(self):
        action = make_action(
            reference="IP19-08",
            directorate=self.finance,
            lead_officer=make_person(name="No Account", directorate=self.finance),
        )
        self.raise_challenge(action=action)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox), ["colin@example.org", "olivia@example.org"]
        )
        self.assertIn("as an officer of the action's directorate", mail.outbox[0].body)

    def test_a_lead_officer_without_an_email_address_falls_back_to_the_directorate(self):
        self.olivia.email = ""
        self.olivia.save()
        self.raise_challenge()
        self.assertEqual([m.to for m in mail.outbox], [["colin@example.org"]])

    def test_no_email_address_anywhere_means_no_email_and_no_error(self):
        for user in (self.olivia, self.colin):
            user.email = ""
            user.save()
        challenge, _ = self.raise_challenge()
        self.assertEqual(mail.outbox, [])
        self.assertEqual(challenge.status, Challenge.Status.OPEN)

    def test_a_challenge_from_an_assurance_decision_is_emailed_too(self):
        update = make_update(self.action, self.olivia, period=datetime.date(2019, 11, 1))
        with self.captureOnCommitCallbacks(execute=True):
            services.record_assurance(
                user=self.pat,
                update=update,
                decision=Assurance.Decision.CHALLENGED,
                question="What evidence supports Green?",
            )
        [message] = mail.outbox
        self.assertEqual(message.to, ["olivia@example.org"])
        self.assertIn("What evidence supports Green?", message.body)

    @override_settings(EMAIL_BACKEND="tests.test_challenge_emails.BrokenBackend")
    def test_a_failed_send_is_logged_and_the_challenge_kept(self):
        with self.assertLogs("plans.emails", level="ERROR") as logs:
            challenge, _ = self.raise_challenge()
        self.assertIn("Could not email challenge", logs.output[0])
        self.assertTrue(Challenge.objects.filter(pk=challenge.pk).exists())

    def test_raising_through_the_page_emails_the_lead_officer(self):
        self.client.force_login(self.pat)
        url = reverse("action-challenge", args=[self.action.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"question": "Is the plan funded?"})
        self.assertEqual(response.status_code, 302)
        [message] = mail.outbox
        self.assertEqual(message.to, ["olivia@example.org"])
        self.assertIn("Is the plan funded?", message.body)


class ChallengeAnswered(ChallengeEmailCase):
    def setUp(self):
        self.challenge, _ = self.raise_challenge()
        mail.outbox.clear()

    def answer(self, user=None):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            services.answer_challenge(
                user=user or self.olivia,
                challenge=self.challenge,
                response="A recovery plan goes to Cabinet in December.",
            )
        return callbacks

    def test_the_challenger_is_emailed_the_answer_with_a_link_to_the_action(self):
        callbacks = self.answer()
        self.assertEqual(len(callbacks), 1)
        [message] = mail.outbox
        self.assertEqual(message.to, ["pat@example.org"])
        self.assertEqual(
            message.subject, "Improvement Tracker: your challenge on IP19-07 is answered"
        )
        self.assertIn("Olivia Example has answered your challenge on IP19-07", message.body)
        self.assertIn("How will the £28m overspend be recovered?", message.body)
        self.assertIn("A recovery plan goes to Cabinet in December.", message.body)
        self.assertIn(SITE + reverse("action", args=[self.action.pk]), message.body)

    def test_a_challenger_without_an_email_address_gets_no_email_and_no_error(self):
        self.pat.email = ""
        self.pat.save()
        self.answer()
        self.assertEqual(mail.outbox, [])
        self.challenge.refresh_from_db()
        self.assertEqual(self.challenge.status, Challenge.Status.ANSWERED)

    def test_answering_your_own_challenge_sends_nothing(self):
        challenge = services.raise_challenge(user=self.sam, action=self.action, question="Q?")
        with self.captureOnCommitCallbacks(execute=True):
            services.answer_challenge(user=self.sam, challenge=challenge, response="A.")
        self.assertEqual(mail.outbox, [])

    def test_a_refused_second_answer_sends_nothing(self):
        self.answer()
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True), self.assertRaises(ValidationError):
            services.answer_challenge(user=self.colin, challenge=self.challenge, response="B.")
        self.assertEqual(mail.outbox, [])

    def test_replying_through_the_page_emails_the_challenger(self):
        self.client.force_login(self.olivia)
        url = reverse("challenge-reply", args=[self.challenge.pk])
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"response": "Funded from reserves."})
        self.assertEqual(response.status_code, 302)
        [message] = mail.outbox
        self.assertEqual(message.to, ["pat@example.org"])
        self.assertIn("Funded from reserves.", message.body)

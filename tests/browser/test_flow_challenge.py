"""A challenge and its answer, end to end in the browser, two people in two browsers: the
panel member challenges the month's update from the action page, the officer (told on her
dashboard) answers it, and the panel member then records the update as assured. Each step
checks what each of them sees; at the end, the database holds the challenge, its answer and
the assurance decision, and each of them was emailed once."""

import datetime
import re

from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from biip.models import RAG
from plans.models import Action, Assurance, AssuranceStatus, Challenge
from tests.browser.base import BrowserTestCase
from tests.factories import make_action, make_cycle, make_plan, make_update

OCTOBER = datetime.date(2019, 10, 1)
NOVEMBER = datetime.date(2019, 11, 1)
QUESTION = "Which sessions are booked, and when will the unions' response be known?"
RESPONSE = "Three sessions are booked for 2, 9 and 16 December; the response is due on 20th."


class ChallengeFlow(BrowserTestCase):
    def setUp(self):
        super().setUp()
        plan = make_plan(title="Financial Improvement Plan 2019", is_current=True)
        make_cycle(NOVEMBER)
        self.action = make_action(
            plan=plan,
            directorate=self.finance,
            lead_officer=self.olivia.person,
            reference="IP19-07",
            title="Deliver the workforce strategy",
            rag=RAG.AMBER,
            last_update_at=timezone.now(),
        )
        make_update(self.action, self.olivia, period=OCTOBER, rag=RAG.GREEN, narrative="On track.")
        self.november = make_update(
            self.action,
            self.olivia,
            period=NOVEMBER,
            rag=RAG.AMBER,
            narrative="Consultation running late; extra sessions booked.",
        )
        self.action_url = self.url(f"/actions/{self.action.pk}/")

    def test_panel_challenges_the_update_officer_answers_panel_assures(self):
        pat = self.page
        olivia = self.new_page(self.new_context())

        # Pat, on the panel, finds the action and challenges its November update.
        self.sign_in(self.pat, page=pat)
        expect(pat.locator("#headline-open-challenges")).to_have_text("0 open challenges")
        pat.get_by_role("navigation", name="Menu").get_by_role("link", name="Actions").click()
        pat.locator("#actions-table").get_by_role("link", name="IP19-07").click()
        expect(pat).to_have_url(self.action_url)
        buttons = pat.locator("#action-buttons")
        expect(buttons.get_by_role("button")).to_have_text(
            ["Record assurance on the November 2019 update", "Challenge this action"]
        )
        buttons.get_by_role("button", name="Challenge this action").click()

        expect(pat.get_by_role("heading", level=1)).to_have_text("Raise a challenge")
        about = pat.get_by_role("group", name="What is the challenge about?")
        expect(about.get_by_role("radio")).to_have_count(3)
        expect(about.get_by_label("The action as a whole")).to_be_checked()
        pat.get_by_role("button", name="Raise challenge").click()
        summary = pat.locator(".govuk-error-summary")
        expect(summary).to_be_focused()
        expect(summary.get_by_role("link")).to_have_text(
            ["Enter the question the officer must answer."]
        )
        self.assertFalse(Challenge.objects.exists())

        about.get_by_label("The November 2019 update (Amber)").check()
        pat.get_by_label("Your question or challenge").fill(QUESTION)
        pat.get_by_role("button", name="Raise challenge").click()
        expect(pat).to_have_url(self.action_url)
        expect(pat.locator(".govuk-notification-banner--success")).to_contain_text(
            "Your challenge on IP19-07 is raised."
        )
        challenge_entry = pat.locator("#timeline > li.app-timeline__entry--challenge")
        expect(challenge_entry.get_by_role("heading", level=3)).to_have_text(
            "Challenge on the November 2019 update Open"
        )
        expect(challenge_entry).to_contain_text("Raised by Pat Example")
        expect(challenge_entry).to_contain_text(QUESTION)
        expect(challenge_entry).to_contain_text("Not answered yet")
        expect(challenge_entry.get_by_role("link", name="Reply")).to_have_count(0)
        self.assertEqual([message.to for message in mail.outbox], [["olivia@example.org"]])

        # Olivia, the lead officer, in her own browser: her dashboard tells her.
        self.sign_in(self.olivia, page=olivia)
        expect(olivia.locator("#your-open-challenges")).to_have_text(
            "1 open challenge on your actions"
        )
        olivia.locator("#your-open-challenges").click()
        expect(olivia).to_have_url(re.compile(r"/challenges/\?status=open&plan=\d+&mine=1$"))
        card = olivia.locator(".govuk-summary-card")
        expect(card).to_have_count(1)
        expect(card).to_contain_text(QUESTION)
        expect(card).to_contain_text("The November 2019 update (Amber)")
        expect(card.locator(".govuk-tag")).to_have_text("Open")
        card.get_by_role("link", name="Reply to the challenge on IP19-07").click()

        expect(olivia.get_by_role("heading", level=1)).to_have_text("Reply to a challenge")
        expect(olivia.locator("#challenge")).to_contain_text(QUESTION)
        expect(olivia.locator("#challenge")).to_contain_text("By Pat Example")
        olivia.get_by_label("Your response").fill(RESPONSE)
        olivia.get_by_role("button", name="Send response").click()
        expect(olivia).to_have_url(self.action_url)
        expect(olivia.locator(".govuk-notification-banner--success")).to_contain_text(
            "Your response on IP19-07 is sent."
        )
        answered = olivia.locator("#timeline > li.app-timeline__entry--challenge")
        expect(answered.get_by_role("heading", level=3)).to_have_text(
            "Challenge on the November 2019 update Answered"
        )
        expect(answered).to_contain_text(RESPONSE)
        expect(answered).to_contain_text("By Olivia Example")
        expect(answered.get_by_role("link", name="Reply")).to_have_count(0)
        # An officer neither assures nor challenges.
        expect(olivia.locator("#action-buttons").get_by_role("button")).to_have_text(
            ["Give this month's update"]
        )
        self.assertEqual(
            [message.to for message in mail.outbox],
            [["olivia@example.org"], ["pat@example.org"]],
        )

        # Pat sees the answer, and assures the update.
        pat.reload()
        expect(challenge_entry.get_by_role("heading", level=3)).to_have_text(
            "Challenge on the November 2019 update Answered"
        )
        expect(challenge_entry).to_contain_text(RESPONSE)
        # Raising the challenge recorded the update as challenged (issue 18, found 10).
        expect(pat.locator("#status-assurance")).to_have_text("Challenged")
        buttons.get_by_role("button", name="Record assurance on the November 2019 update").click()

        expect(pat.get_by_role("heading", level=1)).to_have_text(
            "Assurance on the November 2019 update"
        )
        details = pat.locator("#update-details")
        expect(details).to_contain_text("Amber")
        expect(details).to_contain_text("Consultation running late; extra sessions booked.")
        expect(details).to_contain_text("Olivia Example")
        pat.get_by_label("Assured", exact=True).check()
        pat.get_by_role("button", name="Record decision").click()
        expect(pat).to_have_url(self.action_url)
        expect(pat.locator(".govuk-notification-banner--success")).to_contain_text(
            "Assured: your decision on the November 2019 update on IP19-07 is recorded."
        )
        expect(pat.locator("#status-assurance")).to_have_text("Assured Amber")
        expect(pat.locator("#timeline > li").first.get_by_role("heading", level=3)).to_have_text(
            "Assurance on the November 2019 update: assured"
        )
        pat.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
        expect(pat.locator("#headline-open-challenges")).to_have_text("0 open challenges")

        # Olivia sees the decision, and no challenge left for her.
        olivia.reload()
        expect(olivia.locator("#status-assurance")).to_have_text("Assured Amber")
        decisions = olivia.locator("#timeline > li.app-timeline__entry--assurance")
        expect(decisions).to_have_count(2)  # challenged when raised, then assured
        expect(decisions.first).to_contain_text("assured By Pat Example")
        expect(decisions.last).to_contain_text("challenged By Pat Example")
        olivia.get_by_role("navigation", name="Menu").get_by_role("link", name="Home").click()
        expect(olivia.locator("#your-open-challenges")).to_have_text(
            "0 open challenges on your actions"
        )

        # The database.
        challenge = Challenge.objects.get()
        self.assertEqual(
            (challenge.action, challenge.update, challenge.question, challenge.raised_by),
            (self.action, self.november, QUESTION, self.pat),
        )
        self.assertEqual(
            (challenge.status, challenge.response, challenge.responded_by),
            (Challenge.Status.ANSWERED, RESPONSE, self.olivia),
        )
        self.assertIsNotNone(challenge.responded_at)
        challenged, assured = Assurance.objects.order_by("pk")
        self.assertEqual(
            (challenged.update, challenged.decision, challenged.decided_by),
            (self.november, Assurance.Decision.CHALLENGED, self.pat),
        )
        self.assertEqual(
            (assured.update, assured.decision, assured.assured_rag, assured.decided_by),
            (self.november, Assurance.Decision.ASSURED, RAG.AMBER, self.pat),
        )
        action = Action.objects.get(pk=self.action.pk)
        self.assertEqual(
            (action.rag, action.assurance, action.assured_rag),
            (RAG.AMBER, AssuranceStatus.ASSURED, RAG.AMBER),
        )
        self.assertEqual(len(mail.outbox), 2)

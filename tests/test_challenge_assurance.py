"""Raising a challenge from anywhere moves the action's assurance state, exactly as
recording "challenged" through assurance does (issue 18, found 10): the action page's
Challenge button once left the action "Not yet reviewed" and the dashboard's
"challenged" count at 0."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from biip.models import RAG
from plans import services
from plans.models import Action, Assurance, AssuranceStatus, Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_update


def challenged_on_home(client) -> int:
    """The home page's "Not yet assured: challenged" figure."""
    response = client.get(reverse("home"))
    [cell] = [cell for label, cell in response.context["assured"].not_yet if label == "Challenged"]
    return cell.count


class ChallengeMovesAssurance(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        cls.action = make_action(
            plan=cls.plan, directorate=cls.finance, lead_officer=cls.olivia.person
        )
        cls.october = make_update(
            cls.action, cls.olivia, period=datetime.date(2019, 10, 1), rag=RAG.GREEN
        )
        cls.november = make_update(
            cls.action, cls.olivia, period=datetime.date(2019, 11, 1), rag=RAG.AMBER
        )

    def state(self) -> tuple[str, str]:
        action = Action.objects.get(pk=self.action.pk)
        return action.assurance, action.assured_rag

    def test_the_challenge_button_moves_the_dashboards_challenged_count_by_one(self):
        self.client.force_login(self.pat)
        before = challenged_on_home(self.client)
        response = self.client.post(
            reverse("action-challenge", args=[self.action.pk]), {"question": "Why amber?"}
        )
        self.assertRedirects(response, self.action.get_absolute_url())
        self.assertEqual(challenged_on_home(self.client), before + 1)
        self.assertEqual(self.state(), (AssuranceStatus.CHALLENGED, ""))
        self.client.force_login(self.olivia)
        self.assertEqual(challenged_on_home(self.client), before + 1)

    def test_a_challenge_on_the_action_challenges_its_latest_update(self):
        challenge = services.raise_challenge(user=self.pat, action=self.action, question="Why?")
        self.assertIsNone(challenge.update)
        decision = Assurance.objects.get()
        self.assertEqual(
            (decision.update, decision.decision, decision.decided_by),
            (self.november, Assurance.Decision.CHALLENGED, self.pat),
        )
        self.assertEqual(self.state(), (AssuranceStatus.CHALLENGED, ""))
        history = Action.history.filter(id=self.action.pk).latest("history_date")
        self.assertEqual((history.assurance, history.history_user), ("challenged", self.pat))

    def test_the_same_as_challenging_through_assurance(self):
        other = make_action(plan=self.plan, directorate=self.finance)
        latest = make_update(other, self.olivia, period=datetime.date(2019, 11, 1), rag=RAG.AMBER)
        services.record_assurance(
            user=self.sam, update=latest, decision="challenged", question="Why?"
        )
        services.raise_challenge(
            user=self.sam, action=self.action, update=self.november, question="Why?"
        )
        by_assurance = Action.objects.get(pk=other.pk)
        self.assertEqual(self.state(), (by_assurance.assurance, by_assurance.assured_rag))
        self.assertEqual(Assurance.objects.filter(decision="challenged").count(), 2)
        self.assertEqual(Challenge.objects.filter(status="open").count(), 2)

    def test_an_assured_action_challenged_is_no_longer_assured(self):
        services.record_assurance(user=self.pat, update=self.november, decision="assured")
        services.raise_challenge(user=self.sam, action=self.action, question="Still?")
        self.assertEqual(self.state(), (AssuranceStatus.CHALLENGED, ""))

    def test_a_challenge_on_an_earlier_update_leaves_the_action_as_it_stands(self):
        """As assurance does: only a decision on the latest update is the action's."""
        services.record_assurance(user=self.pat, update=self.november, decision="assured")
        services.raise_challenge(
            user=self.pat, action=self.action, update=self.october, question="Then?"
        )
        self.assertEqual(self.state(), (AssuranceStatus.ASSURED, RAG.AMBER))
        self.assertTrue(
            Assurance.objects.filter(update=self.october, decision="challenged").exists()
        )

    def test_an_action_without_updates_is_challenged_too(self):
        bare = make_action(plan=self.plan, directorate=self.finance)
        services.raise_challenge(user=self.pat, action=bare, question="Started?")
        self.assertEqual(Action.objects.get(pk=bare.pk).assurance, AssuranceStatus.CHALLENGED)
        self.assertFalse(Assurance.objects.exists())

    def test_a_refused_challenge_changes_nothing(self):
        with self.assertRaises(ValidationError):
            services.raise_challenge(user=self.pat, action=self.action, question="  ")
        with self.assertRaises(PermissionDenied):
            services.raise_challenge(user=self.olivia, action=self.action, question="Why?")
        self.assertEqual(self.state(), (AssuranceStatus.NOT_REVIEWED, ""))
        self.assertFalse(Assurance.objects.exists() or Challenge.objects.exists())

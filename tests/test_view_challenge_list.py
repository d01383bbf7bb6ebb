"""The challenges list: /challenges/?status=open|answered|all."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Challenge
from tests.base import RolesTestCase
from tests.factories import make_action, make_update

URL = reverse("challenges")


def make_challenge(action, raised_by, question: str, **fields) -> Challenge:
    return Challenge.objects.create(action=action, raised_by=raised_by, question=question, **fields)


class ChallengeListCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.olivias = make_action(
            directorate=cls.finance, lead_officer=cls.olivia.person, reference="IP19-07"
        )
        cls.oscars = make_action(
            directorate=cls.place, lead_officer=cls.oscar.person, reference="IP19-12"
        )
        update = make_update(cls.olivias, cls.olivia, period=datetime.date(2019, 11, 1))
        cls.open_on_olivias = make_challenge(
            cls.olivias, cls.pat, "When will the consultation close?", update=update
        )
        cls.open_on_oscars = make_challenge(cls.oscars, cls.sam, "Who signs off the contract?")
        cls.answered = make_challenge(
            cls.olivias,
            cls.pat,
            "Is the budget agreed?",
            status="answered",
            response="Yes, by Cabinet on 12 November.",
            responded_by=cls.olivia,
            responded_at=timezone.now(),
        )


class ChallengeListAccess(ChallengeListCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, "/sign-in/?next=/challenges/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_every_role_may_read(self):
        for user in (self.olivia, self.oscar, self.pat, self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL).status_code, 200)


class ChallengeListShows(ChallengeListCase):
    def shown(self, response) -> list[int]:
        return [row.challenge.pk for row in response.context["rows"]]

    def test_open_challenges_by_default_oldest_first(self):
        self.client.force_login(self.pat)
        response = self.client.get(URL)
        self.assertEqual(self.shown(response), [self.open_on_olivias.pk, self.open_on_oscars.pk])
        self.assertContains(response, "When will the consultation close?")
        self.assertContains(response, "The November 2019 update (Green)")
        self.assertContains(response, "By Pat Example on ")
        self.assertContains(response, "Not answered yet")
        self.assertContains(response, f'<a class="govuk-link" href="/actions/{self.olivias.pk}/">')
        self.assertContains(
            response, 'href="?status=open" aria-current="page"><strong>Open (2)</strong>'
        )
        self.assertContains(response, 'href="?status=answered">Answered (1)</a>')
        self.assertContains(response, 'href="?status=all">All (3)</a>')
        self.assertNotContains(response, "Is the budget agreed?")

    def test_answered_and_all(self):
        self.client.force_login(self.pat)
        response = self.client.get(URL, {"status": "answered"})
        self.assertEqual(self.shown(response), [self.answered.pk])
        self.assertContains(response, "Yes, by Cabinet on 12 November.")
        self.assertContains(response, "By Olivia Example on ")
        response = self.client.get(URL, {"status": "all"})
        self.assertEqual(len(self.shown(response)), 3)

    def test_an_unknown_status_shows_the_open_ones(self):
        self.client.force_login(self.pat)
        response = self.client.get(URL, {"status": "everything"})
        self.assertEqual(response.context["status"], "open")
        self.assertEqual(len(self.shown(response)), 2)

    def test_reply_links_only_for_those_who_may_reply(self):
        reply = reverse("challenge-reply", args=[self.open_on_olivias.pk])
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertContains(response, f'href="{reply}"')
        self.assertNotContains(response, reverse("challenge-reply", args=[self.open_on_oscars.pk]))
        self.client.force_login(self.pat)
        self.assertNotContains(self.client.get(URL), "/reply/")
        self.client.force_login(self.sam)
        self.assertContains(self.client.get(URL), "/reply/", count=2)
        self.client.force_login(self.olivia)
        self.assertNotContains(self.client.get(URL, {"status": "answered"}), "/reply/")

    def test_none_open(self):
        Challenge.objects.filter(status="open").delete()
        self.client.force_login(self.pat)
        self.assertContains(self.client.get(URL), "There are no open challenges.")

    def test_pages_of_25(self):
        for n in range(30):
            make_challenge(self.oscars, self.pat, f"Question {n}")
        self.client.force_login(self.pat)
        response = self.client.get(URL, {"status": "open"})
        self.assertEqual(len(self.shown(response)), 25)
        self.assertContains(response, "Open challenges, page 1 of 2")
        self.assertContains(response, 'href="?status=open&amp;page=2" rel="next"')
        response = self.client.get(URL, {"status": "open", "page": "2"})
        self.assertEqual(len(self.shown(response)), 7)
        self.assertContains(response, 'href="?status=open&amp;page=1" rel="prev"')

    def test_query_count_does_not_grow_with_the_challenges(self):
        # Session, user, the user's groups, the counts by status, the page's count, the
        # page of challenges with their actions, updates and people, the user's person.
        self.client.force_login(self.olivia)
        with self.assertNumQueries(7):
            self.client.get(URL, {"status": "all"})
        for n in range(20):
            action = make_action(directorate=self.finance)
            make_challenge(action, self.pat, f"Question {n}", update=make_update(action, self.sam))
        with self.assertNumQueries(7):
            response = self.client.get(URL, {"status": "all"})
        self.assertEqual(len(self.shown(response)), 23)


class ChallengeListScope(ChallengeListCase):
    """?plan=<id> and ?mine=1: the challenges the dashboard's figures count."""

    def test_a_plans_challenges(self):
        self.client.force_login(self.pat)
        response = self.client.get(URL, {"status": "all", "plan": self.oscars.plan_id})
        self.assertEqual([row.challenge for row in response.context["rows"]], [self.open_on_oscars])
        self.assertContains(response, f"All challenges in {self.oscars.plan.title}</h2>")
        self.assertContains(response, f'href="?status=open&amp;plan={self.oscars.plan_id}"')
        self.assertContains(response, "Open (1)")

    def test_the_users_own(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL, {"status": "all", "mine": "1"})
        shown = {row.challenge for row in response.context["rows"]}
        self.assertEqual(shown, {self.open_on_olivias, self.answered})
        self.assertContains(response, "Open (1)")
        self.assertContains(response, "All challenges on actions you lead</h2>")
        self.client.force_login(self.pat)  # leads no action
        response = self.client.get(URL, {"status": "all", "mine": "1"})
        self.assertEqual(list(response.context["rows"]), [])

    def test_a_scope_that_cannot_be_read_is_none(self):
        self.client.force_login(self.pat)
        for plan in ("x", "-3", "99999999999999999999999", "123456"):
            with self.subTest(plan=plan):
                response = self.client.get(URL, {"status": "all", "plan": plan, "mine": "2"})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["rows"]), 3)

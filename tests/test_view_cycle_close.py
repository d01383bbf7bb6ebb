"""Closing a cycle: /cycle/<pk>/close/. GET says what will be frozen; POST closes the
cycle and shows its snapshot. The secretariat and administrators only."""

import datetime

from django.urls import reverse
from django.utils import timezone

from biip.models import RAG
from plans.models import Cycle
from reports.models import Snapshot
from tests.base import RolesTestCase
from tests.factories import make_action, make_cycle, make_plan, make_risk

JANUARY = datetime.date(2019, 1, 1)
FEBRUARY = datetime.date(2019, 2, 1)


class CloseCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        for n in range(3):
            make_action(plan=cls.plan, reference=f"IP-0{n}", rag=RAG.AMBER)
        make_risk(reference="SR-01")
        cls.cycle = make_cycle(JANUARY)
        cls.url = reverse("cycle-close", args=[cls.cycle.pk])

    def assertStillOpen(self):
        self.assertTrue(Cycle.objects.get(pk=self.cycle.pk).is_open)
        self.assertFalse(Snapshot.objects.exists())


class CloseAccess(CloseCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for method in ("get", "post"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url)
                self.assertRedirects(
                    response, f"/sign-in/?next={self.url}", fetch_redirect_response=False
                )
        self.assertStillOpen()

    def test_other_methods_are_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.put(self.url).status_code, 405)
        self.assertEqual(self.client.delete(self.url).status_code, 405)
        self.assertStillOpen()

    def test_officers_and_the_panel_are_refused(self):
        for user in (self.olivia, self.oscar, self.pat):
            self.client.force_login(user)
            for method in ("get", "post"):
                with self.subTest(user=user.username, method=method):
                    self.assertEqual(getattr(self.client, method)(self.url).status_code, 403)
        self.assertStillOpen()

    def test_an_unknown_cycle_is_not_found(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.get(reverse("cycle-close", args=[999])).status_code, 404)


class CloseConfirmation(CloseCase):
    def test_what_will_be_frozen(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(self.url)
                self.assertContains(
                    response, '<h1 class="govuk-heading-l">Close the January 2019 cycle</h1>'
                )
                self.assertContains(response, "the data as it stands when you close it")
                self.assertContains(response, 'id="count-actions">3</td>')
                self.assertContains(response, 'id="count-risks">1</td>')
                self.assertContains(response, "Close the January 2019 cycle</button>")
                self.assertNotContains(response, 'id="straggler"')
        self.assertStillOpen()

    def test_a_straggler_says_it_takes_the_end_of_its_month(self):
        make_cycle(FEBRUARY, closed_at=timezone.now())
        self.client.force_login(self.sam)
        response = self.client.get(self.url)
        self.assertContains(response, "the data as it stood at the end of 31 January 2019")
        self.assertContains(response, 'id="straggler"')

    def test_a_closed_cycle_goes_back_to_the_cycle_page(self):
        Cycle.objects.filter(pk=self.cycle.pk).update(
            closed_at=timezone.make_aware(datetime.datetime(2019, 1, 25, 17)), closed_by=self.sam
        )
        self.client.force_login(self.alex)
        for method in ("get", "post"):
            with self.subTest(method=method):
                response = getattr(self.client, method)(self.url, follow=True)
                self.assertRedirects(response, reverse("cycle-status"))
                self.assertContains(
                    response,
                    "The January 2019 cycle is already closed "
                    "(closed on 25 January 2019 by Sam Example).",
                )
        self.assertFalse(Snapshot.objects.exists())


class ClosePost(CloseCase):
    def test_closing_freezes_the_snapshot_and_shows_it(self):
        self.client.force_login(self.sam)
        response = self.client.post(self.url, follow=True)
        snapshot = Snapshot.objects.get()
        self.assertRedirects(response, reverse("snapshot", args=[snapshot.pk]))
        self.assertContains(response, "The January 2019 cycle is closed and its snapshot taken.")
        self.assertContains(response, "govuk-notification-banner--success")
        cycle = Cycle.objects.get(pk=self.cycle.pk)
        self.assertEqual(cycle.closed_by, self.sam)
        self.assertEqual(snapshot.cycle, cycle)
        self.assertEqual(snapshot.actions.count(), 3)
        self.assertEqual(snapshot.risks.count(), 1)
        self.assertEqual(cycle.history.latest().history_user, self.sam)

"""The cycle's status: /cycle/, who has updated for the month."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from biip.models import RAG
from plans.models import Cycle, ProgressUpdate
from tests.base import RolesTestCase
from tests.factories import make_action, make_person, make_plan, make_update

URL = reverse("cycle-status")
NOVEMBER = datetime.date(2019, 11, 1)


class CycleCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        cls.cycle = Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.clive = make_person(name="Clive Heaphy", directorate=cls.finance)
        cls.helen = make_person(name="Helen Ward", directorate=cls.place)
        olivia = cls.olivia.person

        def action(reference, directorate, lead, updated=False, **fields):
            made = make_action(
                plan=cls.plan,
                reference=reference,
                directorate=directorate,
                lead_officer=lead,
                **fields,
            )
            if updated:
                make_update(made, cls.sam, period=NOVEMBER)
            return made

        action("IP19-01", cls.finance, olivia, updated=True)
        cls.needing = action("IP19-02", cls.finance, olivia)
        action("IP19-03", cls.finance, cls.clive, updated=True)
        action("IP19-04", cls.finance, cls.clive, updated=True)
        action("IP19-05", cls.place, cls.helen)
        action("IP19-06", cls.place, cls.helen, rag=RAG.BLUE, completed_on=NOVEMBER)
        make_action(reference="IP15-01", directorate=cls.place, lead_officer=cls.helen)


class CycleAccess(CycleCase):
    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(URL)
        self.assertRedirects(response, "/sign-in/?next=/cycle/", fetch_redirect_response=False)

    def test_post_is_not_allowed(self):
        self.client.force_login(self.sam)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_officers_are_refused(self):
        for user in (self.olivia, self.oscar):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)

    def test_secretariat_administrator_and_panel_may(self):
        for user in (self.sam, self.alex, self.pat):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(URL).status_code, 200)


def words(response) -> str:
    """The page's text, without markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


class CycleShows(CycleCase):
    def rows(self, response) -> list[tuple]:
        return [
            (group.name, row.name, row.open, row.updated, row.to_update)
            for group in response.context["groups"]
            for row in group.officers
        ]

    def test_the_cycle_and_who_has_updated(self):
        self.client.force_login(self.sam)
        response = self.client.get(URL)
        self.assertContains(
            response, '<h1 class="govuk-heading-l">Update cycle: November 2019</h1>'
        )
        self.assertContains(response, "11 November 2019 to 22 November 2019")
        self.assertEqual(
            self.rows(response),
            [
                ("Finance and Governance", "Clive Heaphy", 2, 2, 0),
                ("Finance and Governance", "Olivia Example", 2, 1, 1),
                ("Place", "Helen Ward", 1, 0, 1),
            ],
        )
        self.assertIn(
            "3 of 5 open actions have an update for November 2019; 2 still need one.",
            words(response),
        )
        self.assertContains(response, "Not yet updated: Olivia Example, Helen Ward.")
        content = re.sub(r"\s+", " ", response.content.decode())
        self.assertIn(
            '<th scope="rowgroup" colspan="4" class="govuk-table__header">Finance and Governance'
            "</th>",
            content,
        )
        clives = (
            f"/actions/?plan={self.plan.pk}&amp;directorate={self.finance.pk}"
            f"&amp;lead_officer={self.clive.pk}"
        )
        self.assertIn(
            '<th scope="row" class="govuk-table__header app-action-title">Clive Heaphy</th> '
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            f'<a class="govuk-link" href="{clives}&amp;open=1">2'
            '<span class="govuk-visually-hidden"> open, Clive Heaphy</span></a></td> '
            '<td class="govuk-table__cell govuk-table__cell--numeric">'
            f'<a class="govuk-link" href="{clives}&amp;updated=1">2'
            '<span class="govuk-visually-hidden"> updated, Clive Heaphy</span></a></td> '
            '<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--green">Complete'
            "</strong></td>",
            content,
        )
        list_url = (
            f"/actions/?plan={self.plan.pk}&amp;directorate={self.finance.pk}"
            f"&amp;lead_officer={self.olivia.person.pk}&amp;needs_update=1"
        )
        self.assertIn(
            f'<a class="govuk-link" href="{list_url}"><strong>1 not updated</strong>'
            '<span class="govuk-visually-hidden"> of Olivia Example\'s actions</span></a>: '
            f'<a class="govuk-link app-nowrap" href="/actions/{self.needing.pk}/">IP19-02</a>',
            content,
        )
        self.assertNotIn("IP15-01", content)
        self.assertNotIn("IP19-06", content)  # complete: nothing to update
        plan = f"/actions/?plan={self.plan.pk}"
        self.assertIn(f'id="total-open"><a class="govuk-link" href="{plan}&amp;open=1">5<', content)
        self.assertIn(
            f'id="total-updated"><a class="govuk-link" href="{plan}&amp;updated=1">3<', content
        )
        self.assertIn(
            f'id="total-to-update"><a class="govuk-link" href="{plan}&amp;needs_update=1">'
            "2 not updated<",
            content,
        )

    def test_complete_when_everyone_has_updated(self):
        for action in self.plan.actions.open():
            ProgressUpdate.objects.get_or_create(
                action=action,
                period=NOVEMBER,
                defaults={"rag": RAG.GREEN, "narrative": "On track.", "author": self.sam},
            )
        self.client.force_login(self.pat)
        response = self.client.get(URL)
        self.assertIn(
            "Every one of the 5 open actions has an update for November 2019.", words(response)
        )
        self.assertEqual(response.context["not_updated"], [])
        self.assertNotContains(response, "not updated")
        self.assertContains(
            response, 'id="total-to-update"><strong class="govuk-tag govuk-tag--green">Complete'
        )

    def test_without_an_open_cycle_the_calendar_month(self):
        self.cycle.closed_at = timezone.now()
        self.cycle.save()
        self.client.force_login(self.sam)
        response = self.client.get(URL)
        this_month = timezone.localdate().replace(day=1)
        self.assertEqual(response.context["period"], this_month)
        self.assertContains(response, f"Update cycle: {this_month:%B %Y}")
        self.assertContains(response, "No cycle is open: this is the current calendar month.")
        self.assertIn("0 of 5 open actions have an update", words(response))

    def test_query_count_is_the_same_for_10_and_100_actions(self):
        # Session, user, groups, cycle, plan, the plan's open actions with their
        # directorates, lead officers and whether each has the month's update; for the
        # secretariat, every cycle with who closed it and its snapshot.
        directorates = (self.finance, self.place)
        leads = [make_person(name=f"Lead {n}") for n in range(7)]

        def add(count):
            for n in range(count):
                action = make_action(
                    plan=self.plan, directorate=directorates[n % 2], lead_officer=leads[n % 7]
                )
                if n % 3 == 0:
                    make_update(action, self.sam, period=NOVEMBER)

        self.client.force_login(self.sam)
        add(5)  # 10 open actions
        with self.assertNumQueries(7):
            response = self.client.get(URL)
        self.assertEqual(response.context["total_open"], 10)
        add(90)  # 100 open actions
        with self.assertNumQueries(7):
            response = self.client.get(URL)
        self.assertEqual(response.context["total_open"], 100)


class CycleTable(CycleCase):
    """The secretariat and administrators see every cycle, with a button to close each
    open one and a link to each closed one's snapshot; the panel does not."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        from reports.snapshots import close_cycle

        cls.straggler = Cycle.objects.create(
            period=datetime.date(2019, 9, 1),
            opens_on=datetime.date(2019, 9, 11),
            deadline=datetime.date(2019, 9, 22),
        )
        october = Cycle.objects.create(
            period=datetime.date(2019, 10, 1),
            opens_on=datetime.date(2019, 10, 11),
            deadline=datetime.date(2019, 10, 22),
        )
        cls.snapshot = close_cycle(cycle=october, user=cls.sam)

    def test_every_cycle_with_its_status_snapshot_and_close_button(self):
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(URL)
                content = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
                closed_on = f"{timezone.localdate():%-d %B %Y}"
                self.assertIn(
                    "November 2019 11 November 2019 to 22 November 2019 22 November 2019 Open "
                    "Close the November 2019 cycle",
                    content,
                )
                self.assertIn(
                    f"October 2019 11 October 2019 to 22 October 2019 22 October 2019 "
                    f"Closed on {closed_on} by Sam Example Snapshot of October 2019",
                    content,
                )
                self.assertIn("September 2019", content)
                self.assertContains(
                    response, f'href="{reverse("cycle-close", args=[self.straggler.pk])}"'
                )
                self.assertContains(response, f'href="{self.snapshot.get_absolute_url()}"')
                # The current cycle is November's: September is a straggler.
                self.assertEqual(response.context["cycle"], self.cycle)

    def test_the_panel_sees_no_table(self):
        self.client.force_login(self.pat)
        response = self.client.get(URL)
        self.assertIsNone(response.context["cycles"])
        self.assertNotContains(response, 'id="cycles"')
        self.assertNotContains(response, "/close/")

"""The bulk update grid: /my-actions/update/, several actions' monthly updates in one save."""

import datetime
import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from biip.models import RAG, Role
from plans import services
from plans.forms.bulk import NO_NARRATIVE, NO_RAG, NOTHING_FILLED, in_sentence, submitted_ids
from plans.models import Action, Cycle, ProgressUpdate
from tests.base import RolesTestCase
from tests.factories import make_action, make_plan, make_update, make_user

URL = reverse("bulk-update")
NOVEMBER = datetime.date(2019, 11, 1)
RAGS = [RAG.RED, RAG.AMBER, RAG.GREEN]


def listed_ids(response) -> list[int]:
    """The action ids the page lists, from its hidden `actions` field."""
    match = re.search(r'name="actions" value="([\d,]*)"', response.content.decode())
    return [int(pk) for pk in match.group(1).split(",") if pk]


def answers(actions, filled: dict, period: str = "2019-11-01") -> dict:
    """The grid's POST: every listed action's row, those in `filled` (by action) typed in,
    the others left blank; each row's seen_version as the action is now unless given."""
    data = {"period": period, "actions": ",".join(str(action.pk) for action in actions)}
    for action in actions:
        row = filled.get(action, {})
        prefix = f"action-{action.pk}"
        data[f"{prefix}-seen_version"] = row.get("seen_version", services.action_version(action))
        for name in ("rag", "narrative", "completed_on"):
            data[f"{prefix}-{name}"] = row.get(name, "")
    return data


class BulkUpdateCase(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.plan = make_plan(is_current=True)
        Cycle.objects.create(
            period=NOVEMBER,
            opens_on=datetime.date(2019, 11, 11),
            deadline=datetime.date(2019, 11, 22),
        )
        cls.colin = make_user("colin", Role.OFFICER, directorate=cls.finance)
        olivia = cls.olivia.person

        def action(reference, **fields):
            fields.setdefault("directorate", cls.finance)
            fields.setdefault("lead_officer", olivia)
            return make_action(
                plan=cls.plan, reference=reference, title=f"{reference} title", **fields
            )

        # Ten Finance actions needing November's update: eight olivia leads, two colin's.
        cls.needing = [
            action(
                f"IP19-{n:02d}",
                original_due_date=datetime.date(2019, 12, n),
                lead_officer=cls.colin.person if n > 8 else olivia,
            )
            for n in range(1, 11)
        ]
        cls.updated = action("IP19-11")
        make_update(cls.updated, cls.olivia, period=NOVEMBER)
        cls.complete = action("IP19-12", rag=RAG.BLUE, completed_on=datetime.date(2019, 9, 1))
        cls.elsewhere = action("IP19-13", directorate=cls.place, lead_officer=cls.oscar.person)
        cls.old_plan = make_action(
            reference="IP15-01", directorate=cls.finance, lead_officer=olivia
        )

    def ten_answers(self, **overrides) -> dict:
        filled = {
            action: {"rag": RAGS[n % 3], "narrative": f"Progress on {action.reference}."}
            for n, action in enumerate(self.needing)
        }
        for action, row in overrides.items():
            filled[action] = row
        return answers(self.needing, filled)


class BulkUpdateAccess(BulkUpdateCase):
    def test_anonymous_is_sent_to_sign_in(self):
        for response in (self.client.get(URL), self.client.post(URL, self.ten_answers())):
            self.assertRedirects(response, f"/sign-in/?next={URL}", fetch_redirect_response=False)
        self.assertEqual(ProgressUpdate.objects.count(), 1)

    def test_wrong_methods_are_not_allowed(self):
        self.client.force_login(self.olivia)
        for method in ("put", "patch", "delete"):
            with self.subTest(method=method):
                self.assertEqual(getattr(self.client, method)(URL).status_code, 405)

    def test_the_panel_is_refused(self):
        self.client.force_login(self.pat)
        self.assertEqual(self.client.get(URL).status_code, 403)
        self.assertEqual(self.client.post(URL, self.ten_answers()).status_code, 403)
        self.assertEqual(ProgressUpdate.objects.count(), 1)

    def test_the_secretariat_sees_only_the_actions_they_lead(self):
        """The grid is My actions' scope: the secretariat may update any action from its
        own form, but the grid lists only what they lead themselves."""
        for user in (self.sam, self.alex):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'id="all-updated"')
                self.assertNotContains(response, "IP19-01")
        led = make_action(
            plan=self.plan, reference="IP19-20", lead_officer=self.sam.person, rag=RAG.AMBER
        )
        self.client.force_login(self.sam)
        self.assertEqual(listed_ids(self.client.get(URL)), [led.pk])
        filled = {led: {"rag": "green", "narrative": "Back on track."}}
        response = self.client.post(URL, answers([led], filled))
        self.assertRedirects(response, reverse("my-actions"), fetch_redirect_response=False)
        self.assertEqual(led.updates.get().author, self.sam)

    def test_another_officers_actions_cannot_be_posted(self):
        self.client.force_login(self.oscar)
        filled = {self.needing[0]: {"rag": "red", "narrative": "Not mine."}}
        response = self.client.post(URL, answers(self.needing[:2], filled))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "You can no longer update IP19-01, so nothing was saved")
        self.assertFalse(self.needing[0].updates.exists())


class BulkUpdateShows(BulkUpdateCase):
    def test_lists_exactly_the_actions_needing_the_officers_update(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(listed_ids(response), [action.pk for action in self.needing])
        for action in (self.updated, self.complete, self.elsewhere, self.old_plan):
            self.assertNotContains(response, f"{action.reference} title")
        self.assertContains(
            response, "10 actions needing your November 2019 update, soonest due first"
        )
        self.assertContains(response, 'id="cycle"')

    def test_another_directorates_officer_sees_their_own(self):
        self.client.force_login(self.oscar)
        self.assertEqual(listed_ids(self.client.get(URL)), [self.elsewhere.pk])

    def test_each_row_links_the_action_and_labels_every_input(self):
        self.client.force_login(self.olivia)
        response = self.client.get(URL)
        action = self.needing[0]
        prefix = f"action-{action.pk}"
        self.assertContains(response, f'<a class="govuk-link" href="/actions/{action.pk}/">')
        for label in (
            f'<label class="govuk-label govuk-visually-hidden" for="id_{prefix}-rag">'
            "New RAG for IP19-01</label>",
            f'<label class="govuk-label govuk-visually-hidden" for="id_{prefix}-narrative">'
            "Narrative for IP19-01</label>",
            f'<label class="govuk-label govuk-visually-hidden" for="id_{prefix}-completed_on">'
            "Date completed for IP19-01",
        ):
            self.assertContains(response, label)
        self.assertContains(
            response,
            f'<input type="hidden" name="{prefix}-seen_version" '
            f'value="{services.action_version(action)}" id="id_{prefix}-seen_version">',
            html=True,
        )
        self.assertContains(response, '<option value="blue">Blue (complete)</option>', html=True)
        self.assertContains(response, '<th scope="col" class="govuk-table__header">New RAG</th>')
        self.assertContains(response, 'th scope="row"', count=10)

    def test_every_id_on_the_page_is_unique(self):
        self.client.force_login(self.olivia)
        ids = re.findall(r'\sid="([^"]+)"', self.client.get(URL).content.decode())
        self.assertEqual([i for i, n in Counter(ids).items() if n > 1], [])

    def test_nothing_to_update(self):
        filled = {action: {"rag": "green", "narrative": "Done."} for action in self.needing}
        self.client.force_login(self.olivia)
        self.client.post(URL, answers(self.needing, filled))
        response = self.client.get(URL)
        self.assertContains(response, "Every open action you update has its November 2019 update.")
        self.assertNotContains(response, 'id="bulk-update"')

    def test_my_actions_links_to_the_grid(self):
        self.client.force_login(self.olivia)
        response = self.client.get(reverse("my-actions"))
        self.assertContains(
            response,
            f'<a class="govuk-link" href="{URL}">Update several actions at once</a>',
        )


class BulkUpdateSaves(BulkUpdateCase):
    def test_ten_updates_in_one_save(self):
        self.client.force_login(self.olivia)
        response = self.client.post(URL, self.ten_answers())
        self.assertRedirects(response, reverse("my-actions"), fetch_redirect_response=False)
        updates = ProgressUpdate.objects.filter(period=NOVEMBER).exclude(action=self.updated)
        self.assertEqual(updates.count(), 10)
        self.assertEqual({update.author for update in updates}, {self.olivia})
        for n, action in enumerate(self.needing):
            action.refresh_from_db()
            self.assertEqual(action.rag, RAGS[n % 3])
            self.assertEqual(action.updates.get().narrative, f"Progress on {action.reference}.")
            self.assertIsNotNone(action.last_update_at)
            self.assertEqual(action.history.first().history_user, self.olivia)
        page = self.client.get(reverse("my-actions"))
        self.assertContains(page, "10 updates saved for November 2019.")
        self.assertContains(page, 'id="all-updated"')

    def test_blank_rows_are_skipped(self):
        self.client.force_login(self.olivia)
        first, second, *rest = self.needing
        filled = {
            first: {"rag": "amber", "narrative": "Delayed by the audit."},
            second: {"rag": "green", "narrative": "  On track.  "},
            rest[0]: {"rag": "", "narrative": "   ", "completed_on": " "},
        }
        response = self.client.post(URL, answers(self.needing, filled))
        self.assertRedirects(response, reverse("my-actions"), fetch_redirect_response=False)
        self.assertEqual(
            set(ProgressUpdate.objects.filter(period=NOVEMBER).values_list("action", flat=True)),
            {first.pk, second.pk, self.updated.pk},
        )
        self.assertEqual(second.updates.get().narrative, "On track.")
        self.assertContains(self.client.get(reverse("my-actions")), "2 updates saved")
        self.assertEqual(listed_ids(self.client.get(URL)), [action.pk for action in rest])

    def test_blue_with_its_completion_date_completes_the_action(self):
        self.client.force_login(self.olivia)
        action = self.needing[0]
        filled = {action: {"rag": "blue", "narrative": "Done.", "completed_on": "12/11/2019"}}
        self.client.post(URL, answers(self.needing, filled))
        action.refresh_from_db()
        self.assertEqual(action.rag, RAG.BLUE)
        self.assertEqual(action.completed_on, datetime.date(2019, 11, 12))


class BulkUpdateRefuses(BulkUpdateCase):
    def assert_nothing_saved(self):
        self.assertEqual(
            list(ProgressUpdate.objects.values_list("action", flat=True)), [self.updated.pk]
        )
        for action in self.needing:
            action.refresh_from_db()
            self.assertEqual(action.rag, RAG.GREEN)

    def test_one_bad_row_saves_nothing_and_keeps_every_value(self):
        self.client.force_login(self.olivia)
        bad = self.needing[2]
        data = self.ten_answers()
        data[f"action-{bad.pk}-narrative"] = ""
        response = self.client.post(URL, data)
        self.assertEqual(response.status_code, 200)
        self.assert_nothing_saved()
        self.assertContains(response, "<title>Error: Update several actions")
        self.assertContains(
            response,
            f'<a href="#id_action-{bad.pk}-narrative">IP19-03: {in_sentence(NO_NARRATIVE)}</a>',
        )
        self.assertContains(response, f'<p id="id_action-{bad.pk}-narrative-error"')
        self.assertContains(
            response, 'class="govuk-textarea govuk-!-margin-bottom-0 govuk-textarea--error"', 1
        )
        page = response.content.decode()
        for n, action in enumerate(self.needing):
            with self.subTest(action=action.reference):
                chosen = re.search(
                    rf'name="action-{action.pk}-rag".*?<option value="{RAGS[n % 3]}"( selected)?>',
                    page,
                    re.S,
                )
                self.assertEqual(chosen.group(1), " selected")
                if action != bad:
                    self.assertIn(f"\nProgress on {action.reference}.</textarea>", page)

    def test_a_row_needs_both_rag_and_narrative(self):
        self.client.force_login(self.olivia)
        first, second, third = self.needing[:3]
        filled = {
            first: {"rag": "green"},
            second: {"narrative": "Going well."},
            third: {"completed_on": "01/11/2019"},
        }
        response = self.client.post(URL, answers(self.needing, filled))
        self.assert_nothing_saved()
        problems = re.findall(
            r'<li><a href="#id_action-(\d+)-(\w+)">([^<]*)</a></li>', response.content.decode()
        )
        self.assertEqual(
            problems,
            [
                (str(first.pk), "narrative", f"IP19-01: {in_sentence(NO_NARRATIVE)}"),
                (str(second.pk), "rag", f"IP19-02: {in_sentence(NO_RAG)}"),
                (str(third.pk), "rag", f"IP19-03: {in_sentence(NO_RAG)}"),
                (str(third.pk), "narrative", f"IP19-03: {in_sentence(NO_NARRATIVE)}"),
            ],
        )
        self.assertContains(response, "Going well.</textarea>")
        self.assertContains(response, 'value="01/11/2019"')

    def test_blue_needs_a_completion_date(self):
        self.client.force_login(self.olivia)
        action = self.needing[4]
        data = self.ten_answers()
        data[f"action-{action.pk}-rag"] = "blue"
        response = self.client.post(URL, data)
        self.assert_nothing_saved()
        message = "Enter the date the action was completed: Blue means complete."
        self.assertContains(
            response,
            f'<a href="#id_action-{action.pk}-completed_on">IP19-05: {in_sentence(message)}</a>',
        )
        self.assertContains(response, f'<p id="id_action-{action.pk}-completed_on-error"')

    def test_the_service_rules_and_the_form_errors_are_shown_together(self):
        self.client.force_login(self.olivia)
        data = self.ten_answers()
        future, not_blue, bad_date = self.needing[:3]
        data[f"action-{future.pk}-rag"] = "blue"
        data[f"action-{future.pk}-completed_on"] = "31/12/2099"
        data[f"action-{not_blue.pk}-completed_on"] = "01/11/2019"
        data[f"action-{bad_date.pk}-completed_on"] = "31/02/2019"
        data[f"action-{self.needing[3].pk}-rag"] = "purple"
        response = self.client.post(URL, data)
        self.assert_nothing_saved()
        for text in (
            "IP19-01: the completion date cannot be in the future.",
            "IP19-02: only a Blue (complete) update has a completion date",
            "IP19-03: enter the date completed as a real date, for example, 31/3/2019.",
            "IP19-04: choose how the action is going: Red, Amber, Green or Blue.",
        ):
            self.assertContains(response, text)

    def test_a_conflict_saves_nothing_and_names_who_changed_the_action(self):
        self.client.force_login(self.olivia)
        opened = self.ten_answers()  # the versions as the page was opened
        theirs = self.needing[8]
        services.record_update(
            user=self.colin,
            action=theirs,
            period=NOVEMBER,
            rag=RAG.RED,
            narrative="Colin's update.",
            seen_version=services.action_version(theirs),
        )
        response = self.client.post(URL, opened)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ProgressUpdate.objects.filter(author=self.olivia).count(), 1)
        self.assertEqual(theirs.updates.get().narrative, "Colin's update.")
        self.assertContains(response, "IP19-09: Colin Example changed this action on")
        self.assertContains(response, f'id="action-{theirs.pk}-conflict"')
        self.assertContains(response, "Progress on IP19-09.</textarea>")
        # The row now carries the action's new version: saving again is a decision to
        # replace Colin's update.
        new_version = services.action_version(theirs)
        self.assertContains(
            response, f'name="action-{theirs.pk}-seen_version" value="{new_version}"'
        )
        resubmitted = {**opened, f"action-{theirs.pk}-seen_version": new_version}
        response = self.client.post(URL, resubmitted)
        self.assertRedirects(response, reverse("my-actions"), fetch_redirect_response=False)
        self.assertEqual(ProgressUpdate.objects.filter(author=self.olivia).count(), 11)

    def test_an_edit_of_the_action_is_a_conflict_too(self):
        self.client.force_login(self.olivia)
        opened = self.ten_answers()
        edited = Action.objects.get(pk=self.needing[0].pk)
        edited.title = "A new title"
        edited._history_user = self.sam
        edited.save()
        response = self.client.post(URL, opened)
        self.assert_nothing_saved()
        self.assertContains(response, "IP19-01: Sam Example changed this action on")
        self.assertContains(response, "Title was IP19-01 title, now A new title")

    def test_nothing_filled_in(self):
        self.client.force_login(self.olivia)
        response = self.client.post(URL, answers(self.needing, {}))
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, f'<a href="#id_action-{self.needing[0].pk}-rag">{NOTHING_FILLED}</a>'
        )
        self.assert_nothing_saved()

    def test_the_cycle_moved_on_since_the_page_was_opened(self):
        self.client.force_login(self.olivia)
        data = self.ten_answers()
        data["period"] = "2019-10-01"
        response = self.client.post(URL, data)
        self.assertContains(response, "Updates are now for November 2019")
        self.assertContains(response, 'name="period" value="2019-11-01"')
        self.assert_nothing_saved()


class BulkUpdateQueries(BulkUpdateCase):
    def test_the_same_number_of_queries_with_more_actions(self):
        self.client.force_login(self.olivia)
        counts: dict[str, list[int]] = {"get": [], "refused": []}
        for extra in (0, 15):
            for n in range(extra):
                make_action(
                    plan=self.plan,
                    reference=f"IP19-{30 + n}",
                    directorate=self.finance,
                    lead_officer=self.olivia.person,
                )
            actions = list(self.plan.actions.exclude(pk__in=[self.updated.pk, self.complete.pk]))
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(URL)
            self.assertEqual(response.status_code, 200)
            counts["get"].append(len(queries))
            data = answers(actions, {self.needing[0]: {"rag": "green"}})
            with CaptureQueriesContext(connection) as queries:
                response = self.client.post(URL, data)
            self.assertContains(response, "IP19-01: enter a narrative")
            counts["refused"].append(len(queries))
        for name, numbers in counts.items():
            with self.subTest(name=name):
                self.assertEqual(numbers[0], numbers[1], numbers)
        self.assertLessEqual(counts["get"][0], 10)


class BulkFormHelpers(RolesTestCase):
    def test_in_sentence(self):
        self.assertEqual(in_sentence("Enter a narrative."), "enter a narrative.")
        self.assertEqual(in_sentence("RAG is missing."), "RAG is missing.")

    def test_submitted_ids_leave_out_junk(self):
        self.assertEqual(submitted_ids({"actions": "3,x,4,,3, 5"}), [3, 4, 5])
        self.assertEqual(submitted_ids({}), [])

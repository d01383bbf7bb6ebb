"""Writing checked rows (plans.imports.applying): new actions created and changed ones
saved, each with one history row naming the importing user; unchanged actions not saved;
RAG moved only where it differs, by a monthly update from the file; conflicts applied only
when chosen; all rows or none. The rows carry the Version column of the action list's
export (the actions' versions now), unless a test says otherwise."""

import datetime
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone

from biip.models import RAG
from plans import services
from plans.imports import applying
from plans.models import Action, ProgressUpdate, current_period
from tests.base import RolesTestCase
from tests.factories import make_action, make_recommendation, make_source, make_update
from tests.import_helpers import HEADINGS, reference_data, row
from tests.test_import_checking import run_check

HEADERS = [*HEADINGS, "Kerslake ref", "Version"]


class Applying(RolesTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        reference_data(cls)
        source = make_source()
        cls.k06 = make_recommendation(source, reference="K-06")
        cls.k07 = make_recommendation(source, reference="K-07")
        cls.kept = make_action(
            plan=cls.plan,
            reference="IP19-01",
            title="Set a balanced budget",
            directorate=cls.finance,
            lead_officer=cls.kate,
            start_date=None,
            original_due_date=datetime.date(2020, 3, 31),
            rag=RAG.GREEN,
        )
        cls.kept.recommendations.set([cls.k06])
        cls.moved = make_action(
            plan=cls.plan,
            reference="IP19-02",
            title="Publish the savings tracker",
            directorate=cls.finance,
            lead_officer=cls.kate,
            start_date=None,
            original_due_date=datetime.date(2020, 3, 31),
            rag=RAG.GREEN,
        )

    def versioned(self, rows):
        """The rows with the version of their action now (blank for a new one)."""
        actions = {a.reference: a for a in Action.objects.filter(plan=self.plan)}
        return [
            [*cells, services.action_version(actions[cells[0]]) if cells[0] in actions else ""]
            for cells in rows
        ]

    def apply(self, rows, **kwargs):
        outcome = run_check(self.plan, self.versioned(rows), HEADERS, user=self.sam)
        self.assertEqual(outcome.errors, [])
        return applying.apply(
            plan=self.plan, user=self.sam, outcome=outcome, file_name="plan.xlsx", **kwargs
        )

    def rows(self):
        return [
            row(ref="IP19-01") + ["K-06"],
            row(ref="IP19-02", title="Publish the savings tracker monthly", rag="Amber")
            + ["K-06, K-07"],
            row(ref="IP19-03", title="Review reserves", due="30/09/2019", rag="R") + ["K-07"],
        ]

    def test_creates_new_and_saves_changed_actions(self):
        result = self.apply(self.rows())
        self.assertEqual((result.created, result.updated), (1, 1))
        self.moved.refresh_from_db()
        self.assertEqual(self.moved.title, "Publish the savings tracker monthly")
        self.assertEqual(self.moved.rag, RAG.AMBER)
        self.assertEqual(set(self.moved.recommendations.all()), {self.k06, self.k07})
        new = Action.objects.get(plan=self.plan, reference="IP19-03")
        self.assertEqual(
            (new.title, new.original_due_date, new.rag, new.directorate, new.lead_officer),
            ("Review reserves", datetime.date(2019, 9, 30), RAG.RED, self.finance, self.kate),
        )
        self.assertEqual(list(new.recommendations.all()), [self.k07])
        update = ProgressUpdate.objects.get()
        self.assertEqual(
            (update.action, update.rag, update.author), (self.moved, "amber", self.sam)
        )
        self.assertEqual(update.narrative, "RAG Amber.\n\nFrom the file “plan.xlsx”, imported.")

    def test_progress_text_is_an_update_and_the_same_text_again_is_no_change(self):
        headers = [*HEADINGS, "Progress update", "Version"]

        def import_progress():
            version = services.action_version(self.kept)
            cells = row(ref="IP19-01") + ["Budget agreed by Cabinet", version]
            outcome = run_check(self.plan, [cells], headers, user=self.sam)
            self.assertEqual(outcome.errors, [])
            return applying.apply(
                plan=self.plan, user=self.sam, outcome=outcome, file_name="tracker.csv"
            )

        self.assertEqual(import_progress().updated, 1)
        update = ProgressUpdate.objects.get(action=self.kept)
        self.assertEqual(
            (update.rag, update.author, update.narrative),
            (
                "green",
                self.sam,
                "Budget agreed by Cabinet\n\nFrom the file “tracker.csv”, imported.",
            ),
        )
        self.assertEqual(import_progress().updated, 0)
        self.assertEqual(ProgressUpdate.objects.count(), 1)

    def conflicting(self):
        """IP19-02 as the secretariat left it after the file was made (an update to Red),
        imported by the secretariat (whose own update this month an import may revise)."""
        outcome = run_check(
            self.plan,
            self.versioned([row(ref="IP19-02", title="Renamed") + ["K-06"]]),
            HEADERS,
            user=self.sam,
        )
        services.record_update(
            user=self.sam,
            action=self.moved,
            period=datetime.date.today().replace(day=1),
            rag=RAG.RED,
            narrative="Slipping",
            seen_version=services.action_version(self.moved),
        )
        return run_check(
            self.plan,
            [row(ref="IP19-02", title="Renamed") + ["K-06", outcome.changed[0].version]],
            HEADERS,
            user=self.sam,
        )

    def test_a_conflict_not_chosen_is_skipped_and_counted(self):
        outcome = self.conflicting()
        self.assertEqual((len(outcome.changed), len(outcome.conflicts)), (0, 1))
        self.assertEqual(
            outcome.conflicts[0].differences,
            [
                {"field": "Title", "file": "Renamed", "current": "Publish the savings tracker"},
                {"field": "Recommendations", "file": "K-06", "current": "(blank)"},
                {"field": "RAG", "file": "Green", "current": "Red"},
            ],
        )
        history = self.moved.history.count()
        result = applying.apply(plan=self.plan, user=self.sam, outcome=outcome)
        self.assertEqual((result.updated, result.skipped), (0, 1))
        self.moved.refresh_from_db()
        self.assertEqual((self.moved.title, self.moved.rag), ("Publish the savings tracker", "red"))
        self.assertEqual(self.moved.history.count(), history)

    def test_a_chosen_conflict_is_applied_only_at_the_version_shown(self):
        outcome = self.conflicting()
        shown = outcome.conflicts[0].version
        result = applying.apply(
            plan=self.plan, user=self.sam, outcome=outcome, chosen={"ip19-02": shown - 1}
        )
        self.assertEqual((result.updated, result.skipped), (0, 1))
        result = applying.apply(
            plan=self.plan, user=self.sam, outcome=outcome, chosen={"IP19-02": shown}
        )
        self.assertEqual((result.updated, result.skipped), (1, 0))
        self.moved.refresh_from_db()
        self.assertEqual((self.moved.title, self.moved.rag), ("Renamed", "green"))

    def officers_update(self) -> ProgressUpdate:
        """This month's update on IP19-02 by its officer (Olivia), moving it to Amber."""
        update = make_update(self.moved, self.olivia, period=current_period(), rag=RAG.AMBER)
        self.moved.rag = RAG.AMBER
        self.moved._history_user = self.olivia
        self.moved.save()
        return update

    def assert_kept(self, update: ProgressUpdate) -> None:
        """The officer's update and the action's RAG are as the officer left them."""
        history = update.history.count()
        update.refresh_from_db()
        self.assertEqual(
            (update.author, update.rag, update.narrative), (self.olivia, "amber", "On track.")
        )
        self.assertEqual(update.history.count(), history)
        self.assertEqual(ProgressUpdate.objects.filter(action=self.moved).count(), 1)
        self.moved.refresh_from_db()
        self.assertEqual(self.moved.rag, RAG.AMBER)

    def test_an_officers_update_this_month_is_never_rewritten_by_a_file(self):
        update = self.officers_update()
        outcome = run_check(
            self.plan,
            self.versioned([row(ref="IP19-02", title=self.moved.title, rag="Red") + [""]]),
            HEADERS,
            user=self.sam,
        )
        self.assertEqual(
            (len(outcome.changed), len(outcome.conflicts), outcome.held_only), (0, 0, 1)
        )
        author = self.olivia.get_full_name() or self.olivia.get_username()
        self.assertEqual(
            outcome.held[0].held,
            f"This month already has {author}’s update of "
            f"{dateformat.format(timezone.localtime(update.created_at), 'j F Y')} on IP19-02, "
            "so the file’s RAG and progress for it are not imported. Give a new update on the "
            "action’s page instead.",
        )
        history = self.moved.history.count()
        result = applying.apply(plan=self.plan, user=self.sam, outcome=outcome, file_name="f.csv")
        self.assertEqual((result.updated, result.skipped), (0, 1))
        self.assert_kept(update)
        self.assertEqual(self.moved.history.count(), history)

    def test_a_row_held_back_still_saves_its_other_changes(self):
        update = self.officers_update()
        result = self.apply([row(ref="IP19-02", title="Renamed", rag="Red") + [""]])
        self.assertEqual((result.updated, result.skipped), (1, 0))
        self.assert_kept(update)
        self.assertEqual(self.moved.title, "Renamed")

    def test_a_chosen_conflict_never_rewrites_an_officers_update(self):
        stale = (
            run_check(
                self.plan,
                self.versioned([row(ref="IP19-02", title="Renamed") + [""]]),
                HEADERS,
                user=self.sam,
            )
            .changed[0]
            .version
        )
        update = self.officers_update()
        outcome = run_check(
            self.plan, [row(ref="IP19-02", title="Renamed") + ["", stale]], HEADERS, user=self.sam
        )
        self.assertEqual([r.reference for r in outcome.conflicts], ["IP19-02"])
        self.assertEqual([d["field"] for d in outcome.conflicts[0].differences], ["Title"])
        self.assertEqual([r.reference for r in outcome.held], ["IP19-02"])
        shown = outcome.conflicts[0].version
        result = applying.apply(
            plan=self.plan, user=self.sam, outcome=outcome, chosen={"IP19-02": shown}
        )
        self.assertEqual((result.updated, result.skipped), (1, 0))
        self.assert_kept(update)
        self.assertEqual(self.moved.title, "Renamed")

    def test_history_names_the_importing_user_and_unchanged_actions_get_none(self):
        kept_history = self.kept.history.count()
        moved_history = self.moved.history.count()
        self.apply(self.rows())
        self.assertEqual(self.kept.history.count(), kept_history)
        # One row for its monthly update (the RAG), one for its other fields.
        self.assertEqual(self.moved.history.count(), moved_history + 2)
        latest = self.moved.history.latest()
        self.assertEqual(latest.history_user, self.sam)
        self.assertEqual(
            {r.recommendation_id for r in latest.recommendations.all()},
            {self.k06.pk, self.k07.pk},
            "the one history row holds the recommendations as they now are",
        )
        new = Action.objects.get(reference="IP19-03")
        self.assertEqual({h.history_user for h in new.history.all()}, {self.sam})
        self.assertEqual(new.history.earliest().history_type, "+")

    def test_importing_the_same_rows_again_changes_nothing(self):
        self.apply(self.rows())
        count = Action.objects.count()
        history = sum(a.history.count() for a in Action.objects.all())
        result = self.apply(self.rows())
        self.assertEqual((result.created, result.updated), (0, 0))
        self.assertEqual(Action.objects.count(), count)
        self.assertEqual(sum(a.history.count() for a in Action.objects.all()), history)

    def test_the_rag_is_saved_only_where_it_differs(self):
        history = self.kept.history.count()
        self.apply([row(ref="IP19-01", rag="green") + ["K-06"]])
        self.assertEqual(self.kept.history.count(), history)
        self.apply([row(ref="IP19-01", rag="B") + ["K-06"]])
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.rag, RAG.BLUE)

    def test_all_rows_or_none(self):
        original = applying._save_changes
        calls = []

        def fail_on_second(action, row, user):
            calls.append(row)
            if len(calls) == 2:
                raise RuntimeError("disk full")
            original(action, row, user)

        rows = [
            row(ref="IP19-01", title="Changed one") + ["K-06"],
            row(ref="IP19-02", title="Changed two") + [""],
            row(ref="IP19-03") + [""],
        ]
        with (
            mock.patch.object(applying, "_save_changes", fail_on_second),
            self.assertRaises(RuntimeError),
        ):
            self.apply(rows)
        self.kept.refresh_from_db()
        self.assertEqual(self.kept.title, "Set a balanced budget")
        self.assertFalse(Action.objects.filter(reference="IP19-03").exists())

    def test_an_outcome_with_errors_is_refused(self):
        outcome = run_check(self.plan, [row(rag="Pink")], HEADERS)
        with self.assertRaises(ValueError):
            applying.apply(plan=self.plan, user=self.sam, outcome=outcome)

    def test_new_actions_are_created_in_bulk(self):
        """A few queries a batch (SQLite takes some tens of rows an insert), not a row."""

        def queries(count: int, start: int) -> int:
            rows = [row(ref=f"N-{start + n}") + [""] for n in range(count)]
            outcome = run_check(self.plan, rows, HEADERS)
            with CaptureQueriesContext(connection) as captured:
                applying.apply(plan=self.plan, user=self.sam, outcome=outcome)
            return len(captured)

        self.assertEqual(queries(5, 0), 4)
        self.assertLess(queries(200, 100), 30)

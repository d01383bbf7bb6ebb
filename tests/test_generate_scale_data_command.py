"""`manage.py generate_scale_data --actions N` fills an empty database with a large
synthetic programme, with history as the app would have written it, consistent with
itself: actions carry their latest update, snapshots hold what the history said at each
close, and the same seed gives the same data."""

import io
from collections import Counter

from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Max, Min
from django.test import TestCase

from biip.models import Directorate, Person, Role
from biip.scale import CLOSED_AT, PASSWORD, PERIODS, ScaleData
from meetings.models import Meeting, MeetingAction, Minute
from plans.history import as_at
from plans.models import (
    Action,
    Assurance,
    Challenge,
    Cycle,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Recommendation,
    Risk,
)
from reports.data import freeze
from reports.models import ActionSnapshot, Snapshot

N = 200


class GenerateScaleData(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("generate_scale_data", actions=N, stdout=cls.output)

    def test_reports_counts_time_and_timeline(self):
        text = self.output.getvalue()
        self.assertRegex(text, r"Scale data for 200 actions \(seed 1\) written in [\d.]+s")
        self.assertRegex(text, r"plans\.Action +200\n")
        self.assertRegex(text, r"plans\.ProgressUpdate +2,400\n")
        self.assertIn("November 2019 open", text)

    def test_sizes(self):
        self.assertEqual(Action.objects.count(), N)
        self.assertEqual(Directorate.objects.count(), 10)
        self.assertEqual(Recommendation.objects.count(), N // 10)
        self.assertEqual(Risk.objects.count(), 20)
        self.assertEqual(Meeting.objects.count(), 12)
        self.assertEqual(Indicator.objects.count(), 10)
        self.assertEqual(IndicatorValue.objects.count(), 10 * 12)
        officers = Person.objects.filter(user__groups__name=Role.OFFICER)
        self.assertEqual(officers.count(), 10 + 1)  # officer0001..officer0010, and `officer`
        per_plan = Counter(Action.objects.values_list("plan__short_name", flat=True))
        current = ImprovementPlan.objects.current()
        self.assertEqual(per_plan[current.short_name], N // 2)
        self.assertEqual(sorted(per_plan.values()), [N // 4, N // 4, N // 2])

    def test_every_action_has_twelve_updates_and_milestones(self):
        counts = Action.objects.annotate(
            updates_n=Count("updates", distinct=True),
            milestones_n=Count("milestones", distinct=True),
        )
        self.assertEqual({a.updates_n for a in counts}, {12})
        self.assertLessEqual({a.milestones_n for a in counts}, {2, 3})
        self.assertEqual(
            set(ProgressUpdate.objects.values_list("period", flat=True).distinct()), set(PERIODS)
        )

    def test_actions_carry_their_latest_update(self):
        latest = {}
        for update in ProgressUpdate.objects.order_by("period"):
            latest[update.action_id] = update
        assurances = {}
        for assurance in Assurance.objects.order_by("decided_at"):
            assurances[assurance.update_id] = assurance
        for action in Action.objects.all():
            update = latest[action.pk]
            self.assertEqual(action.rag, update.rag)
            self.assertEqual(action.last_update_at, update.created_at)
            self.assertEqual(action.completed_on, update.completed_on)
            assurance = assurances.get(update.pk)
            if assurance is None:
                self.assertEqual((action.assurance, action.assured_rag), ("not_reviewed", ""))
            else:
                self.assertEqual(action.assurance, assurance.decision)
                self.assertEqual(action.assured_rag, assurance.assured_rag)
        self.assertTrue(Action.objects.filter(rag="blue", completed_on__isnull=False).exists())
        self.assertTrue(Action.objects.filter(revised_due_date__isnull=False).exists())

    def test_assurance_and_challenges_in_proportion(self):
        updates = ProgressUpdate.objects.count()
        self.assertAlmostEqual(Assurance.objects.count() / updates, 1 / 3, delta=0.05)
        self.assertAlmostEqual(Challenge.objects.count() / updates, 0.05, delta=0.02)
        self.assertTrue(Challenge.objects.filter(status="answered").exists())
        self.assertTrue(Challenge.objects.filter(status="open").exists())

    def test_live_rows_match_their_latest_history_rows(self):
        """The history ends where the live tables stand, for actions, updates, risks."""
        for model in (Action, ProgressUpdate, Risk, Milestone, Challenge, Meeting):
            fields = [f.attname for f in model.history.model.tracked_fields]
            for obj in model.objects.all()[:300]:
                last = obj.history.order_by("-history_date", "-history_id").first()
                self.assertEqual(
                    {name: getattr(last, name) for name in fields},
                    {name: getattr(obj, name) for name in fields},
                    f"{model.__name__} {obj.pk}",
                )

    def test_history_rows_are_dated_through_the_timeline_by_users(self):
        for model in (Action, ProgressUpdate, Risk):
            history = model.history.all()
            self.assertFalse(history.filter(history_user__isnull=True).exists(), model)
            dates = history.aggregate(first=Min("history_date"), last=Max("history_date"))
            if model is ProgressUpdate:  # written month by month from the first cycle
                self.assertEqual(dates["first"].date().replace(day=1), PERIODS[0])
            else:  # recorded before it
                self.assertLess(dates["first"].date(), PERIODS[0])
            self.assertEqual(dates["last"].date().replace(day=1), PERIODS[-1])
        self.assertEqual(Action.history.filter(history_type="+").count(), N)
        self.assertGreater(Action.history.filter(history_type="~").count(), 12 * N)
        officer = User.objects.get(username="officer")
        self.assertTrue(Action.history.filter(history_user=officer).exists())
        # Each risk is rescored twelve times, each time by its owner.
        for risk in Risk.objects.all()[:5]:
            scores = [
                row.residual_likelihood * row.residual_impact
                for row in risk.history.filter(history_user=risk.owner.user).order_by(
                    "history_date"
                )
            ]
            self.assertEqual(len(scores), 12)
        # The links to recommendations and risks are in the action history too.
        linked = Action.objects.filter(recommendations__isnull=False).first()
        self.assertTrue(linked.history.latest().recommendations.exists())

    def test_dashboard_history_as_at_a_past_month_end(self):
        moment = CLOSED_AT[5]
        rows = as_at(Action, moment)
        self.assertEqual(rows.count(), N)
        updated = set(as_at(ProgressUpdate, moment).values_list("period", flat=True))
        self.assertEqual(max(updated), PERIODS[5])

    def test_cycles_eleven_closed_with_snapshots_and_one_open(self):
        self.assertEqual(Cycle.objects.count(), 12)
        closed = Cycle.objects.filter(closed_at__isnull=False)
        self.assertEqual(closed.count(), 11)
        self.assertEqual(Cycle.objects.current().period, PERIODS[-1])
        self.assertEqual(Snapshot.objects.count(), 11)
        for snapshot in Snapshot.objects.select_related("cycle"):
            self.assertEqual(snapshot.as_at, snapshot.cycle.closed_at)
            # close_cycle freezes every action that existed then: all of them, here.
            self.assertEqual(snapshot.actions.count(), N)
            self.assertEqual(snapshot.risks.count(), 20)
            self.assertEqual(snapshot.recommendations.count(), N // 10)

    def test_snapshots_hold_what_freezing_the_history_gives(self):
        """The rows written directly are those reports.data.freeze reads from the history
        as at each close, field for field."""
        fields = [
            f.attname
            for f in ActionSnapshot._meta.concrete_fields
            if f.attname not in ("id", "snapshot_id")
        ]
        for snapshot in Snapshot.objects.order_by("cycle__period")[::5]:
            data = freeze(snapshot.as_at)
            frozen = {row.action_id: [getattr(row, f) for f in fields] for row in data.actions}
            stored = {
                row.action_id: [getattr(row, f) for f in fields] for row in snapshot.actions.all()
            }
            self.assertEqual(frozen, stored, snapshot)
            self.assertEqual(len(data.risks), snapshot.risks.count())
            self.assertEqual(len(data.meeting_actions), snapshot.meeting_actions.count())
            self.assertEqual(len(data.indicators), snapshot.indicators.count())

    def test_meetings_have_forty_minutes_and_eight_actions_arising(self):
        for meeting in Meeting.objects.annotate(
            minutes_n=Count("minutes", distinct=True), actions_n=Count("actions", distinct=True)
        ):
            self.assertEqual((meeting.minutes_n, meeting.actions_n), (40, 8))
            self.assertTrue(meeting.attendances.exists())
            self.assertEqual(meeting.formal_advice.count(), 1)
        self.assertEqual(
            list(
                Minute.objects.filter(meeting=Meeting.objects.first()).values_list(
                    "number", flat=True
                )
            ),
            list(range(1, 41)),
        )
        self.assertTrue(MeetingAction.objects.filter(status="done").exists())
        self.assertTrue(MeetingAction.objects.filter(promoted_to__isnull=False).exists())

    def test_sign_ins(self):
        for username in ("officer", "panel8", "officer0010"):  # hashing is slow: a few
            self.assertIsNotNone(authenticate(username=username, password=PASSWORD), username)
        admin = User.objects.get(username="admin")
        self.assertTrue(admin.is_staff and admin.is_superuser)
        officer = User.objects.get(username="officer")
        self.assertTrue(officer.groups.filter(name=Role.OFFICER).exists())
        directorates = Counter(Action.objects.values_list("directorate_id", flat=True))
        self.assertEqual(officer.person.directorate_id, directorates.most_common(1)[0][0])
        self.assertTrue(Action.objects.filter(lead_officer=officer.person).exists())

    def test_refuses_a_database_that_holds_data(self):
        with self.assertRaisesMessage(CommandError, "already holds data"):
            call_command("generate_scale_data", actions=10, stdout=io.StringIO())
        self.assertEqual(Action.objects.count(), N)

    def test_the_same_seed_gives_the_same_data(self):
        def generated(seed: int):
            _empty_the_database()
            ScaleData(20, seed=seed).run()
            return (
                list(Action.objects.order_by("pk").values_list("reference", "rag", "lead_officer")),
                list(ProgressUpdate.objects.order_by("pk").values_list("rag", "created_at")),
                list(Risk.objects.order_by("pk").values_list("residual_likelihood", "level")),
                list(Meeting.objects.order_by("pk").values_list("date", "status")),
            )

        self.assertEqual(generated(7), generated(7))


def _empty_the_database():
    """Delete every row the generator writes (inside the test's transaction, which is
    rolled back), so it can run again; the role groups stay."""
    tables = [
        model._meta.db_table
        for app in ("reports", "meetings", "plans", "biip", "auth")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model not in (Group, Group.permissions.through, Permission)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")

"""`manage.py seed_demo` loads the demo data from fixtures/demo/ into an empty database,
with history, and a second run changes nothing."""

import datetime
import io
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from biip.demo import DEMO_PASSWORD, DEMO_SIGN_INS, DemoDataError, database_has_data, load_demo
from biip.models import RAG, Organisation, Person, PublicationStatus, Role
from meetings.models import AgendaItem, Attendance, FormalAdvice, Meeting, MeetingAction, Minute
from plans.models import (
    Action,
    Assurance,
    AssuranceStatus,
    Challenge,
    ImprovementPlan,
    Indicator,
    ProgressUpdate,
    Recommendation,
    Risk,
    SmartAssessment,
    Source,
    Theme,
)

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
LONDON = ZoneInfo("Europe/London")


def all_model_counts() -> dict[str, int]:
    """Rows in every table the project owns (history and m2m tables included), and users."""
    counts = {
        model._meta.label: model._default_manager.count()
        for app in ("biip", "plans", "meetings", "reports")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }
    counts["auth.User"] = User.objects.count()
    counts["auth.User_groups"] = User.groups.through.objects.count()
    return counts


def months(periods: list[datetime.date]) -> list[int]:
    return [period.year * 12 + period.month for period in periods]


class SeedDemoLoadsTheDocuments(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = io.StringIO()
        call_command("seed_demo", stdout=cls.output)
        cls.meeting = Meeting.objects.get(date=datetime.date(2019, 1, 29))

    def test_the_command_reports_counts_and_the_sign_ins(self):
        text = self.output.getvalue()
        self.assertRegex(text, r"minutes\s+44\b")
        self.assertRegex(text, r"improvement plans\s+3\b")
        for username, role, person in DEMO_SIGN_INS:
            self.assertRegex(text, rf"{username}\s+{role}\s+{person}")
        self.assertIn(DEMO_PASSWORD, text)

    def test_the_29_january_2019_meeting_has_all_44_minutes_in_order(self):
        minutes = list(self.meeting.minutes.order_by("number"))
        self.assertEqual([m.number for m in minutes], list(range(1, 45)))
        for minute in minutes:
            self.assertEqual(minute.agenda_item.meeting, self.meeting)
            self.assertTrue(minute.text.strip())
        # Minutes sit under their agenda items in order: item numbers never go backwards.
        item_numbers = [m.agenda_item.number for m in minutes]
        self.assertEqual(item_numbers, sorted(item_numbers))
        self.assertEqual(
            minutes[19].agenda_item.heading, "Month 9 budget update and 2019-23 forward planning"
        )
        self.assertIn("£2.8m", minutes[19].text)

    def test_the_meeting_is_as_the_minutes_record_it(self):
        meeting = self.meeting
        self.assertEqual(
            (meeting.start_time, meeting.end_time), (datetime.time(12, 15), datetime.time(14, 15))
        )
        self.assertEqual(meeting.place, "Gowling WLG offices, Snow Hill, Birmingham")
        self.assertFalse(meeting.is_open_to_public)
        self.assertEqual(meeting.status, Meeting.Status.PUBLISHED)
        self.assertEqual(meeting.next_meeting.date, datetime.date(2019, 2, 27))
        self.assertEqual(meeting.next_meeting.status, Meeting.Status.SCHEDULED)
        chair = meeting.attendances.get(role=Attendance.MeetingRole.CHAIR)
        self.assertEqual(chair.person.name, "John Crabtree")
        apologies = meeting.attendances.get(presence=Attendance.Presence.APOLOGIES)
        self.assertEqual(apologies.person.name, "Kate Charlton")
        groups = set(meeting.attendances.values_list("group", flat=True))
        self.assertEqual(groups, {"panel", "council", "government"})
        advice = FormalAdvice.objects.get(meeting=meeting)
        self.assertTrue(advice.none_given)

    def test_only_the_industrial_relations_item_is_exempt(self):
        exempt = AgendaItem.objects.get(
            meeting=self.meeting, publication_status=PublicationStatus.EXEMPT
        )
        self.assertEqual(exempt.heading, "Industrial relations")
        self.assertEqual(exempt.exemption_paragraph, 4)
        self.assertIsNotNone(exempt.exemption_review_date)
        exempt_minutes = self.meeting.minutes.exclude(publication_status=PublicationStatus.PUBLIC)
        self.assertEqual(list(exempt_minutes.values_list("number", flat=True)), [38, 39, 40, 41])
        self.assertFalse(exempt_minutes.exclude(agenda_item=exempt).exists())
        self.assertEqual(
            AgendaItem.objects.filter(meeting=self.meeting)
            .exclude(pk=exempt.pk)
            .exclude(publication_status=PublicationStatus.PUBLIC)
            .count(),
            0,
        )

    def test_actions_arising_are_linked_to_their_minutes(self):
        actions = MeetingAction.objects.filter(meeting=self.meeting)
        self.assertGreaterEqual(actions.count(), 3)
        for action in actions:
            self.assertEqual(action.minute.meeting, self.meeting)
        share = actions.get(minute__number=11)
        self.assertEqual(share.owner.name, "Jonathan Tew")
        self.assertIn("Sally Hammond", share.description)
        done = actions.filter(status=MeetingAction.Status.DONE)
        self.assertEqual(done.count(), 1)
        self.assertIsNotNone(done.get().completed_on)
        promoted = actions.exclude(promoted_to=None).get()
        self.assertTrue(promoted.promoted_to.plan.is_current)

    def test_the_seven_external_audit_recommendations(self):
        recs = Recommendation.objects.filter(source__kind=Source.Kind.EXTERNAL_AUDIT)
        self.assertEqual(
            list(recs.values_list("reference", flat=True)), [f"EA-{n}" for n in range(1, 8)]
        )
        decisive = recs.filter(assessed_progress=Recommendation.Progress.DECISIVE)
        self.assertEqual(decisive.count(), 6)
        self.assertNotEqual(recs.get(reference="EA-7").assessed_progress, "decisive")

    def test_kerslake_recommendations_sit_under_the_nine_themes(self):
        themes = Theme.objects.filter(framework=Theme.Framework.KERSLAKE)
        self.assertEqual(list(themes.values_list("code", flat=True)), list("abcdefghi"))
        for theme in themes:
            self.assertTrue(
                theme.recommendations.filter(reference__startswith="K-").exists(), theme
            )
        self.assertEqual(Theme.objects.filter(framework=Theme.Framework.PRIORITY).count(), 10)

    def test_the_demo_users_sign_in_with_their_role_and_person(self):
        for username, role, person_name in DEMO_SIGN_INS:
            user = authenticate(username=username, password=DEMO_PASSWORD)
            self.assertIsNotNone(user, username)
            self.assertEqual(list(user.groups.values_list("name", flat=True)), [role])
            self.assertEqual(user.person.name, person_name)
            self.assertFalse(user.is_superuser)
        self.assertTrue(User.objects.get(username="admin").is_staff)
        self.assertFalse(User.objects.get(username="officer").is_staff)
        self.assertIsNone(authenticate(username="officer", password="wrong-password"))

    def test_other_authors_are_officers_who_cannot_sign_in(self):
        demo = {username for username, _, _ in DEMO_SIGN_INS}
        authors = User.objects.filter(progress_updates__isnull=False).distinct()
        others = authors.exclude(username__in=demo)
        self.assertGreater(others.count(), 3)
        for user in others:
            self.assertFalse(user.has_usable_password(), user)
            self.assertTrue(user.groups.filter(name=Role.OFFICER.value).exists(), user)
            self.assertTrue(Person.objects.filter(user=user).exists(), user)

    def test_exactly_one_current_plan_in_which_the_officer_leads_actions(self):
        current = ImprovementPlan.objects.filter(is_current=True)
        self.assertEqual(current.count(), 1)
        plan = current.get()
        self.assertEqual(plan.short_name, "IP2019-20")
        mine = plan.actions.filter(lead_officer__user__username="officer")
        self.assertGreaterEqual(mine.count(), 5)

    def test_each_plan_has_at_least_six_consecutive_months_of_updates(self):
        for plan in ImprovementPlan.objects.all():
            periods = sorted(
                set(
                    ProgressUpdate.objects.filter(action__plan=plan).values_list(
                        "period", flat=True
                    )
                )
            )
            numbers = months(periods)
            self.assertGreaterEqual(len(numbers), 6, plan)
            self.assertEqual(numbers, list(range(numbers[0], numbers[0] + len(numbers))), plan)

    def test_an_action_rag_is_its_latest_update_and_ratings_move(self):
        moved = 0
        for action in Action.objects.prefetch_related("updates"):
            updates = sorted(action.updates.all(), key=lambda u: u.period)
            if not updates:
                continue
            self.assertEqual(action.rag, updates[-1].rag, action)
            self.assertEqual(action.last_update_at, updates[-1].created_at, action)
            rags = [u.rag for u in updates]
            if len(set(rags)) > 1:
                moved += 1
            if action.rag == RAG.BLUE:
                self.assertIsNotNone(action.completed_on, action)
        self.assertGreater(moved, 10)
        downs = Action.objects.filter(updates__rag=RAG.GREEN).filter(updates__rag=RAG.RED)
        self.assertTrue(downs.exists())

    def test_the_current_plan_has_stale_and_overdue_actions(self):
        as_at = datetime.datetime(2019, 10, 31, 18, tzinfo=LONDON)
        actions = list(Action.objects.filter(plan__is_current=True))
        stale = [a for a in actions if a.is_stale(as_at)]
        overdue = [a for a in actions if a.is_overdue(as_at.date())]
        self.assertTrue(2 <= len(stale) < len(actions) // 2, stale)
        self.assertTrue(2 <= len(overdue) < len(actions) // 2, overdue)
        self.assertTrue(any(a.slippage_days > 0 for a in actions))

    def test_every_demo_row_has_a_history_row_with_a_user(self):
        for model in (
            Organisation,
            Person,
            Recommendation,
            Risk,
            Action,
            ProgressUpdate,
            Minute,
            MeetingAction,
            Indicator,
            Assurance,
            Challenge,
            SmartAssessment,
        ):
            rows = model.objects.count()
            self.assertGreater(rows, 0, model)
            created = model.history.filter(history_type="+")
            self.assertEqual(created.count(), rows, model)
            self.assertFalse(model.history.filter(history_user=None).exists(), model)
        admin = User.objects.get(username="admin")
        self.assertEqual(Organisation.history.get(short_name="BCC").history_user, admin)

    def test_updates_and_rag_changes_are_dated_and_signed_by_their_author(self):
        action = Action.objects.get(plan__short_name="CGIP", reference="CGIP-09")
        for update in action.updates.all():
            record = update.history.get()
            self.assertEqual(record.history_date, update.created_at)
            self.assertEqual(record.history_user, update.author)
            self.assertEqual(update.author, action.lead_officer.user)
            change = action.history.get(history_date=update.created_at)
            self.assertEqual(change.history_user, update.author)
            self.assertEqual(change.rag, update.rag)

    def test_every_history_row_is_dated_in_the_programme_years(self):
        """Rows are recorded when they would have been entered (2015-2020), not at load time,
        so "as at" views of the past see them."""
        end = datetime.datetime(2021, 1, 1, tzinfo=LONDON)
        start = datetime.datetime(2015, 1, 1, tzinfo=LONDON)
        for app in ("biip", "plans", "meetings"):
            for model in apps.get_app_config(app).get_models():
                if hasattr(model, "history_date"):
                    late = model.objects.exclude(history_date__range=(start, end))
                    self.assertFalse(late.exists(), model.__name__)

    def test_history_shows_the_rag_as_at_a_past_date(self):
        action = Action.objects.get(plan__short_name="CGIP", reference="CGIP-09")
        before = timezone.make_aware(datetime.datetime(2018, 6, 2))
        august = timezone.make_aware(datetime.datetime(2018, 8, 31))
        october = timezone.make_aware(datetime.datetime(2018, 10, 1))
        self.assertEqual(action.history.as_of(before).rag, RAG.NOT_RATED)
        self.assertEqual(action.history.as_of(august).rag, RAG.AMBER)
        self.assertEqual(action.history.as_of(october).rag, RAG.RED)
        self.assertEqual(action.rag, RAG.RED)

    def test_the_panel_assures_challenges_and_assesses(self):
        panel = User.objects.get(username="panel")
        decisions = set(Assurance.objects.values_list("decision", flat=True))
        self.assertTrue({"assured", "challenged"} <= decisions)
        self.assertFalse(Assurance.objects.exclude(decided_by=panel).exists())
        for assurance in Assurance.objects.select_related("update"):
            self.assertGreater(assurance.decided_at, assurance.update.created_at)
        self.assertEqual(Challenge.objects.filter(status=Challenge.Status.OPEN).count(), 1)
        answered = Challenge.objects.get(status=Challenge.Status.ANSWERED)
        self.assertTrue(answered.response)
        self.assertEqual(answered.history.count(), 2)
        assessment = SmartAssessment.objects.get()
        self.assertEqual(assessment.plan.short_name, "IP2015")
        self.assertEqual(assessment.assessor.name, "John Crabtree")

    def test_risks_and_indicators(self):
        escalated = Risk.objects.get(escalated=True)
        # Raised as operational, moved to the strategic register by the secretariat.
        self.assertEqual(escalated.history.earliest().level, Risk.Level.OPERATIONAL)
        self.assertEqual(escalated.level, Risk.Level.STRATEGIC)
        self.assertTrue(escalated.past_tolerance)
        self.assertIsNotNone(escalated.escalated_on)
        decision = escalated.escalation_decisions.get()
        self.assertEqual(
            (decision.decided_by.username, decision.residual_score), ("secretariat", 12)
        )
        # Scores change over time: SR-06's residual score fell after October's cycle closed.
        scores = [
            row.residual_likelihood * row.residual_impact
            for row in Risk.objects.get(reference="SR-06").history.order_by("history_date")
        ]
        self.assertEqual(scores, [16, 12, 8])
        self.assertEqual(Indicator.objects.get(code="BCC-01").owner.name, "Jonathan Tew")
        self.assertEqual(
            set(Risk.objects.values_list("category", flat=True)), set(Risk.Category.values)
        )
        overspend = Indicator.objects.get(code="FIN-01")
        values = list(overspend.values.order_by("period").values_list("value", flat=True))
        self.assertEqual((len(values), str(values[0]), str(values[-1])), (9, "28.00", "2.80"))
        self.assertEqual(values, sorted(values, reverse=True))
        illustrative = overspend.values.filter(note__startswith="Illustrative")
        self.assertEqual(illustrative.count(), 7)

    def test_every_challenge_is_a_challenged_decision_and_the_dashboard_counts_it(self):
        """As raising a challenge in the app does (plans.services.raise_challenge): the
        update challenged gets a "challenged" decision dated when it was raised, and the
        action with the open challenge on its latest update is challenged, not "Not yet
        reviewed", so the current plan's dashboard counts it."""
        for challenge in Challenge.objects.select_related("update", "action"):
            with self.subTest(action=challenge.action.reference):
                decision = Assurance.objects.get(
                    update=challenge.update,
                    decision=AssuranceStatus.CHALLENGED,
                    decided_at=challenge.raised_at,
                )
                self.assertEqual(decision.decided_by, challenge.raised_by)
                self.assertEqual(decision.history.get().history_date, challenge.raised_at)
        open_challenge = Challenge.objects.get(status=Challenge.Status.OPEN)
        action = open_challenge.action
        self.assertEqual(action.updates.order_by("-period").first(), open_challenge.update)
        self.assertEqual(action.assurance, AssuranceStatus.CHALLENGED)
        self.assertEqual(action.history.latest().history_user, open_challenge.raised_by)
        self.client.force_login(User.objects.get(username="panel"))
        page = self.client.get(reverse("home"))
        words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
        challenged = re.search(r"Not yet assured: challenged (\d+) challenged", words)
        self.assertIsNotNone(challenged, "the dashboard shows its challenged count")
        self.assertEqual(
            int(challenged.group(1)),
            Action.objects.filter(plan=action.plan, assurance=AssuranceStatus.CHALLENGED).count(),
        )
        self.assertGreaterEqual(int(challenged.group(1)), 1)

    def test_a_second_run_changes_nothing(self):
        before = all_model_counts()
        output = io.StringIO()
        call_command("seed_demo", "--if-empty", stdout=output)
        self.assertIn("already holds data", output.getvalue())
        self.assertEqual(all_model_counts(), before)
        call_command("seed_demo", stdout=output)
        self.assertIn("0 rows created", output.getvalue())
        self.assertEqual(all_model_counts(), before)

    @pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the project")
    def test_narrative_is_in_our_own_words(self):
        """No run of eight words from the source documents appears in the demo narrative."""

        def words(text):
            return re.findall(r"[a-z0-9£']+", text.lower().replace("\u2019", "'"))

        n = 8
        seed_runs = set()
        for path in SEEDS.glob("*.txt"):
            w = words(path.read_text(encoding="utf-8"))
            seed_runs |= {tuple(w[i : i + n]) for i in range(len(w) - n + 1)}
        texts = [
            *Minute.objects.values_list("text", flat=True),
            *ProgressUpdate.objects.values_list("narrative", flat=True),
            *Action.objects.values_list("description", flat=True),
            *Recommendation.objects.values_list("text", flat=True),
            *Recommendation.objects.values_list("council_response", flat=True),
            *Risk.objects.values_list("mitigations", flat=True),
            *Source.objects.values_list("summary", flat=True),
            *MeetingAction.objects.values_list("description", flat=True),
        ]
        for text in texts:
            w = words(text)
            copied = [
                " ".join(w[i : i + n])
                for i in range(len(w) - n + 1)
                if tuple(w[i : i + n]) in seed_runs
            ]
            self.assertEqual(copied, [], text)


@pytest.mark.django_db
def test_an_empty_database_has_no_data():
    assert not database_has_data()


@pytest.mark.django_db
def test_bad_content_loads_nothing(tmp_path):
    """A content error part-way through rolls the whole load back."""
    fixtures = tmp_path / "demo"
    shutil.copytree(Path(settings.BASE_DIR) / "fixtures" / "demo", fixtures)
    path = fixtures / "plan_ip2015.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('2015-08 = "Programme plan held up', '2015-09 = "Programme plan held up'),
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="IP15-01 2015-08: a new rating needs a note"):
        load_demo(fixtures)
    assert not Organisation.objects.exists()
    assert not User.objects.exists()

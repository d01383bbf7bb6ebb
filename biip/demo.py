"""The demo data loader behind `manage.py seed_demo`.

The content lives in hand-written TOML files under fixtures/demo/, summarised in the
project's own words from the public documents in ../shared/seeds/. This module reads them
and creates whatever is missing, looking every record up by its natural key first, so a
second run creates nothing. It never changes a row that already exists.

Every row it creates has a history row. Records are dated when they would have been
entered (a plan when it was written, an update when the officer wrote it), so the history
supports "as at a past date" views: each action's monthly updates are created in date
order, and after each one the action's RAG and last-update time are saved with the
update's time and author as the history date and user.
"""

import datetime
import tomllib
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from biip.models import RAG, Directorate, Organisation, Person, Role
from meetings.models import (
    AgendaItem,
    Attendance,
    FormalAdvice,
    Meeting,
    MeetingAction,
    Minute,
)
from plans.models import (
    Action,
    AdviserEngagement,
    Assurance,
    AssuranceStatus,
    Challenge,
    Cycle,
    EscalationDecision,
    ImprovementPlan,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Recommendation,
    Risk,
    SmartAssessment,
    Source,
    Theme,
)
from reports.documents import documents
from reports.models import Report, ReportSection, Snapshot
from reports.snapshots import snapshot_cycle

# A development-only password for the demo sign-ins: never for a real deployment.
DEMO_PASSWORD = "improve-2019"

# (username, role, person): the accounts a developer signs in with.
DEMO_SIGN_INS = [
    ("officer", Role.OFFICER.value, "Jonathan Tew"),
    ("panel", Role.PANEL.value, "Frances Done"),
    ("secretariat", Role.SECRETARIAT.value, "Mary Stallebrass"),
    ("admin", Role.ADMINISTRATOR.value, "System administrator"),
]
ADMIN_USERNAME = "admin"
PANEL_USERNAME = "panel"

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "demo"
LONDON = ZoneInfo("Europe/London")

# When reference data (organisations, people, themes) is recorded: the panel was set up in
# January 2015.
REFERENCE_DATE = datetime.date(2015, 1, 5)

RAG_LETTERS = {"G": RAG.GREEN, "A": RAG.AMBER, "R": RAG.RED, "B": RAG.BLUE}

# The narrative of a monthly update whose month has no note in the actions file: the
# rating has not changed (a change of rating always has its own note).
STANDARD_NARRATIVES = {
    RAG.GREEN: [
        "On track; nothing to escalate this month.",
        "Work continuing to plan.",
        "This month's steps completed as planned.",
        "No change: on track.",
    ],
    RAG.AMBER: [
        "Still behind the original timetable; recovery steps in hand.",
        "Some slippage remains; working to the revised timetable.",
        "No change: at risk, with mitigation in place.",
    ],
    RAG.RED: [
        "Still off track; escalated to the Council Management Team.",
        "No material progress this month; options under review with the portfolio holder.",
        "Remains off track; recovery plan being revised.",
    ],
}

# The models the loader fills, in the order their counts are reported.
REPORTED_MODELS = [
    User,
    Organisation,
    Directorate,
    Person,
    Theme,
    Source,
    Recommendation,
    Risk,
    ImprovementPlan,
    Action,
    Milestone,
    ProgressUpdate,
    Assurance,
    Challenge,
    SmartAssessment,
    Indicator,
    IndicatorValue,
    AdviserEngagement,
    Meeting,
    Attendance,
    AgendaItem,
    Minute,
    MeetingAction,
    FormalAdvice,
    Cycle,
    EscalationDecision,
    Snapshot,
    Report,
    ReportSection,
]


class DemoDataError(Exception):
    """The demo content files are inconsistent (an unknown name, a missing note...)."""


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A London time on a day, timezone-aware."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def aware(value: datetime.datetime) -> datetime.datetime:
    """A TOML local date-time, read as London time."""
    return value.replace(tzinfo=LONDON) if value.tzinfo is None else value


def month_key(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def database_has_data() -> bool:
    """Whether the database already holds programme data (demo or not)."""
    return Organisation.objects.exists() or ImprovementPlan.objects.exists()


def model_counts() -> list[tuple[str, int]]:
    """(verbose plural name, rows) for every model the loader fills."""
    return [
        (str(model._meta.verbose_name_plural), model._default_manager.count())
        for model in REPORTED_MODELS
    ]


def load_demo(fixtures: Path = FIXTURES) -> Counter:
    """Load the demo data in one transaction; return the number of rows created per model.
    The history it writes is dated in the past, so the cache of past month ends' counts
    (biip.dashboard.trend_counts) is cleared."""
    loader = DemoLoader(fixtures)
    with transaction.atomic():
        loader.load()
    cache.clear()
    return loader.created


class DemoLoader:
    def __init__(self, fixtures: Path):
        self.fixtures = fixtures
        self.created: Counter = Counter()
        self.organisations: dict[str, Organisation] = {}
        self.directorates: dict[str, Directorate] = {}
        self.people: dict[str, Person] = {}
        self.accounts: dict[str, User] = {}  # person name -> user
        self.themes: dict[str, Theme] = {}
        self.recommendations: dict[str, Recommendation] = {}
        self.risks: dict[str, Risk] = {}
        self.plans: dict[str, ImprovementPlan] = {}
        self.actions: dict[str, Action] = {}  # "<plan>/<reference>"
        self.updates: dict[str, ProgressUpdate] = {}  # "<plan>/<reference>/<YYYY-MM>"

    # -- helpers ----------------------------------------------------------------------

    def read(self, name: str) -> dict:
        with open(self.fixtures / name, "rb") as handle:
            return tomllib.load(handle)

    @contextmanager
    def recorded(self, obj: models.Model, when: datetime.datetime, user: User | None = None):
        """History rows written for `obj` inside the block are dated `when` and made by
        `user` (the administrator by default)."""
        obj._history_date = when
        obj._history_user = user or self.admin
        try:
            yield obj
        finally:
            del obj._history_date, obj._history_user

    def save(self, obj: models.Model, when: datetime.datetime, user: User | None = None):
        """Save, with the history row dated `when` and made by `user`."""
        with self.recorded(obj, when, user):
            obj.save()

    def create(self, obj: models.Model, when: datetime.datetime, user: User | None = None):
        obj.full_clean()
        self.save(obj, when, user)
        self.created[type(obj)] += 1
        return obj

    def get_or_create(self, model, lookup: dict, when: datetime.datetime, by=None, **fields):
        """The row with these natural-key values, or a new one with `fields` as well, whose
        history row is dated `when` and made by `by` (the administrator by default)."""
        existing = model._default_manager.filter(**lookup).first()
        if existing is not None:
            return existing, False
        return self.create(model(**lookup, **fields), when, by), True

    @staticmethod
    def find(table: dict, key: str | None, what: str):
        """The entry named `key` (None for no key), or a clear error naming the file's slip."""
        if not key:
            return None
        try:
            return table[key]
        except KeyError:
            raise DemoDataError(f"Unknown {what} {key!r}") from None

    def person(self, name: str | None) -> Person | None:
        return self.find(self.people, name, "person")

    def theme(self, code: str | None) -> Theme | None:
        return self.find(self.themes, code, "theme")

    def directorate(self, name: str | None) -> Directorate | None:
        return self.find(self.directorates, name, "directorate")

    def user_of(self, person: Person | None) -> User:
        """The person's account, else the administrator (who then records it for them)."""
        if person is not None and person.user_id:
            return person.user
        return self.admin

    # -- the load ---------------------------------------------------------------------

    def load(self):
        self.load_users()
        self.load_organisations()
        self.load_people()
        self.load_themes()
        for name in ("kerslake.toml", "audit.toml", "sources.toml"):
            self.load_sources(name)
        self.load_risks()
        self.load_plans()
        self.load_meeting("meeting_2019_01_29.toml")
        self.load_assurance()
        self.load_indicators()
        self.load_advisers()
        self.load_cycles()
        self.load_reports()

    def load_users(self):
        """The four demo sign-ins, and accounts (that cannot sign in) for the other officers
        who write updates. The administrator comes first: every history row names them."""
        people = self.read("people.toml")["person"]
        wanted = [(username, role, name, True, False) for username, role, name in DEMO_SIGN_INS]
        wanted += [
            (row["account"], Role.OFFICER.value, row["name"], False, row.get("left", False))
            for row in people
            if row.get("account")
        ]
        password_hash = None
        for username, role, person_name, can_sign_in, left in wanted:
            user = User.objects.filter(username=username).first()
            if user is None:
                first, _, last = person_name.removeprefix("Cllr ").partition(" ")
                user = User.objects.create_user(
                    username=username,
                    password=None,  # unusable until set below
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                    is_staff=role == Role.ADMINISTRATOR.value,
                    is_active=not left,
                )
                if can_sign_in:
                    # One hash for the four sign-ins: hashing is deliberately slow.
                    password_hash = password_hash or make_password(DEMO_PASSWORD)
                    user.password = password_hash
                    user.save(update_fields=["password"])
                user.groups.add(Group.objects.get(name=role))
                self.created[User] += 1
            self.accounts[person_name] = user
            if username == ADMIN_USERNAME:
                self.admin = user
        self.panel_user = User.objects.get(username=PANEL_USERNAME)
        self.secretariat_user = User.objects.get(username="secretariat")

    def load_organisations(self):
        data = self.read("organisations.toml")
        when = at(REFERENCE_DATE)
        for row in data["organisation"]:
            org, _ = self.get_or_create(
                Organisation,
                {"short_name": row["short_name"]},
                when,
                name=row["name"],
                kind=row["kind"],
            )
            self.organisations[row["short_name"]] = org
        council = self.organisations["BCC"]
        for row in data["directorate"]:
            directorate, _ = self.get_or_create(
                Directorate,
                {"name": row["name"]},
                when,
                short_name=row["short_name"],
                organisation=council,
            )
            self.directorates[row["name"]] = directorate

    def load_people(self):
        when = at(REFERENCE_DATE)
        for row in self.read("people.toml")["person"]:
            name = row["name"]
            if name in self.people:
                raise DemoDataError(f"Two people are called {name!r}")
            person, _ = self.get_or_create(
                Person,
                {
                    "name": name,
                    "organisation": self.find(
                        self.organisations, row["organisation"], "organisation"
                    ),
                },
                when,
                title=row.get("title", ""),
                directorate=self.directorate(row.get("directorate")),
                user=self.accounts.get(name),
            )
            self.people[name] = person
        for username, _, name in DEMO_SIGN_INS:
            if name not in self.people:
                raise DemoDataError(f"Demo sign-in {username} names unknown person {name!r}")

    def load_themes(self):
        when = at(REFERENCE_DATE)
        order = Counter()
        for row in self.read("themes.toml")["theme"]:
            order[row["framework"]] += 1
            theme, _ = self.get_or_create(
                Theme,
                {"framework": row["framework"], "code": row["code"]},
                when,
                name=row["name"],
                order=order[row["framework"]],
            )
            if row["code"] in self.themes:
                raise DemoDataError(f"Theme code {row['code']!r} is used twice")
            self.themes[row["code"]] = theme

    def load_sources(self, name: str):
        for row in self.read(name)["source"]:
            recorded = at(row["recorded"])
            source, _ = self.get_or_create(
                Source,
                {"name": row["name"]},
                recorded,
                kind=row["kind"],
                author=self.find(self.organisations, row.get("author"), "organisation"),
                published_on=row.get("published_on"),
                summary=row.get("summary", ""),
            )
            for spec in row.get("recommendation", []):
                self.load_recommendation(source, spec, recorded)

    def load_recommendation(self, source: Source, spec: dict, recorded: datetime.datetime):
        """Recorded unassessed with its source, then assessed on `assessed_on`."""
        rec, new = self.get_or_create(
            Recommendation,
            {"reference": spec["reference"]},
            recorded,
            source=source,
            text=spec["text"],
            theme=self.theme(spec.get("theme")),
            council_response=spec.get("council_response", ""),
        )
        self.recommendations[rec.reference] = rec
        if new and spec.get("addressed_on"):
            # Claimed addressed by the council (its lead for the area, or the secretariat
            # recording it), then assessed, then verified.
            rec.addressed_on = spec["addressed_on"]
            rec.addressed_evidence = spec.get("addressed_evidence", "")
            claimant = self.user_of(self.person(spec.get("claimed_by"))) or self.secretariat_user
            self.save(rec, max(recorded, at(spec["addressed_on"], 16)), claimant)
        if new and spec.get("assessed_on"):
            rec.assessed_progress = spec["assessed_progress"]
            rec.full_clean()
            self.save(rec, at(spec["assessed_on"], 12))
        if new and spec.get("verified_on"):
            rec.verified_on = spec["verified_on"]
            rec.verified_by = self.person(spec["verified_by"])
            rec.verification_evidence = spec["verification_evidence"]
            rec.full_clean()
            verifier = self.user_of(rec.verified_by) or self.secretariat_user
            self.save(rec, at(spec["verified_on"], 15), verifier)

    def load_risks(self):
        for row in self.read("risks.toml")["risk"]:
            (il, ii), (tl, ti) = row["inherent"], row["target"]
            # A risk with `earlier` scores is recorded with the first of them, rescored on
            # each later date, and given its present residual score on `current_on`.
            earlier = row.get("earlier", [])
            rl, ri = earlier[0]["residual"] if earlier else row["residual"]
            risk, new = self.get_or_create(
                Risk,
                {"reference": row["reference"]},
                at(earlier[0]["on"] if earlier else row["recorded"]),
                title=row["title"],
                description=row["description"],
                category=row["category"],
                level=row["level"],
                owner=self.person(row["owner"]),
                directorate=self.directorate(row["directorate"]),
                inherent_likelihood=il,
                inherent_impact=ii,
                residual_likelihood=rl,
                residual_impact=ri,
                target_likelihood=tl,
                target_impact=ti,
                tolerance=row["tolerance"],
                financial_exposure=decimal(row.get("financial_exposure")),
                trend=row["trend"],
                mitigations=row["mitigations"],
                review_date=row.get("review_date"),
                publication_status=row.get("publication_status", "public"),
                exemption_paragraph=row.get("exemption_paragraph"),
                exemption_review_date=row.get("exemption_review_date"),
            )
            self.risks[risk.reference] = risk
            if not new:
                continue
            rescores = [(step["on"], step["residual"]) for step in earlier[1:]]
            if earlier:
                rescores.append((row["current_on"], row["residual"]))
            for on, (rl, ri) in sorted(rescores):
                if on == row.get("escalated_on"):
                    raise DemoDataError(f"{risk.reference}: rescored on its escalation day")
                if row.get("escalated_on") and row["escalated_on"] < on and not risk.escalated:
                    self.escalate(risk, row)
                risk.residual_likelihood, risk.residual_impact = rl, ri
                self.save(risk, at(on, 16), self.user_of(risk.owner))
            if row.get("escalated_on") and not risk.escalated:
                self.escalate(risk, row)

    def escalate(self, risk: Risk, row: dict):
        """The secretariat's decision to move an operational risk past its tolerance to
        the strategic register, recorded on `escalated_on`."""
        if not risk.past_tolerance:
            raise DemoDataError(f"{risk.reference} is escalated but within tolerance")
        when = at(row["escalated_on"], 17)
        self.create(
            EscalationDecision(
                risk=risk,
                decision=EscalationDecision.Decision.ESCALATED,
                reason=row["escalation_reason"],
                residual_score=risk.residual_score,
                decided_by=self.secretariat_user,
                decided_at=when,
            ),
            when,
            self.secretariat_user,
        )
        risk.level = Risk.Level.STRATEGIC
        risk.escalated = True
        risk.escalated_on = row["escalated_on"]
        risk.escalation_reason = row["escalation_reason"]
        self.save(risk, when, self.secretariat_user)

    # -- plans, actions and their updates ---------------------------------------------

    def load_plans(self):
        for row in self.read("plans.toml")["plan"]:
            recorded = at(row["recorded"])
            plan, new = self.get_or_create(
                ImprovementPlan,
                {"short_name": row["short_name"]},
                recorded,
                title=row["title"],
                period_start=row["period_start"],
                period_end=row["period_end"],
                status=ImprovementPlan.Status.SUBMITTED if row.get("status_on") else row["status"],
                is_current=row.get("is_current", False),
                summary=row["summary"],
            )
            self.plans[plan.short_name] = plan
            self.load_actions(plan, self.read(row["actions"])["action"], row, recorded)
            if new and row.get("status_on"):
                plan.status = row["status"]
                self.save(plan, at(row["status_on"], 10))

    def load_actions(self, plan: ImprovementPlan, specs: list, plan_row: dict, recorded):
        loaded = [(spec, *self.load_action(plan, spec, recorded)) for spec in specs]
        for spec, action, new in loaded:
            if new:
                deps = [
                    self.find(self.actions, f"{plan.short_name}/{ref}", "action")
                    for ref in spec.get("depends_on", [])
                ]
                action.dependencies.add(*deps)
        for index, (spec, action, new) in enumerate(loaded):
            self.load_updates(plan, action, spec, plan_row["updates_from"], index, new)

    def load_action(self, plan: ImprovementPlan, spec: dict, recorded):
        lookup = {"plan": plan, "reference": spec["reference"]}
        action = Action.objects.filter(**lookup).first()
        new = action is None
        if new:
            action = self.create(
                Action(
                    **lookup,
                    theme=self.theme(spec["theme"]),
                    title=spec["title"],
                    description=spec.get("description", ""),
                    directorate=self.directorate(spec["directorate"]),
                    lead_officer=self.person(spec["lead_officer"]),
                    lead_member=self.person(spec.get("lead_member")),
                    start_date=spec.get("start_date"),
                    original_due_date=spec["original_due_date"],
                    revised_due_date=spec.get("revised_due_date"),
                    success_measure=spec.get("success_measure", ""),
                    resources=spec.get("resources", ""),
                ),
                recorded,
            )
            # The links are part of the action as first recorded (same history date).
            recs = [
                self.find(self.recommendations, ref, "recommendation")
                for ref in spec.get("recommendations", [])
            ]
            risks = [self.find(self.risks, ref, "risk") for ref in spec.get("risks", [])]
            with self.recorded(action, recorded):
                if recs:
                    action.recommendations.add(*recs)
                if risks:
                    action.risks.add(*risks)
        self.actions[f"{plan.short_name}/{action.reference}"] = action
        lead_user = self.user_of(action.lead_officer)
        for milestone_spec in spec.get("milestones", []):
            milestone, created = self.get_or_create(
                Milestone,
                {"action": action, "title": milestone_spec["title"]},
                recorded,
                due_date=milestone_spec["due_date"],
            )
            if created and milestone_spec.get("completed_on"):
                milestone.completed_on = milestone_spec["completed_on"]
                self.save(milestone, at(milestone.completed_on, 17), lead_user)
        return action, new

    def load_updates(self, plan, action: Action, spec: dict, first_month, index: int, new: bool):
        """A new action's monthly updates in date order; after each, the action takes the
        update's RAG, saved as that author at that time. The updates themselves are
        written in one bulk insert, each with its history row dated when it was written.
        The updates of an action that already existed are left as they are."""
        if not new:
            for update in action.updates.all():
                self.updates[f"{plan.short_name}/{action.reference}/{month_key(update.period)}"] = (
                    update
                )
            return
        author = self.user_of(action.lead_officer)
        notes = {str(k): v for k, v in spec.get("notes", {}).items()}
        evidence = {str(k): v for k, v in spec.get("evidence", {}).items()}
        updates = []
        previous = None
        for offset, letter in enumerate(spec["rag"].split()):
            period = add_months(first_month, offset)
            key = month_key(period)
            if letter == "-":
                continue
            if previous == RAG.BLUE:
                raise DemoDataError(f"{action.reference} has an update after it was complete")
            rag = RAG_LETTERS[letter]
            if key in notes:
                narrative = notes.pop(key)
            elif rag == previous and rag != RAG.BLUE:
                pool = STANDARD_NARRATIVES[rag]
                narrative = pool[(index + offset) % len(pool)]
            else:
                raise DemoDataError(f"{action.reference} {key}: a new rating needs a note")
            written = at(
                datetime.date(period.year, period.month, 18 + (index * 3 + offset) % 9),
                9 + (index * 5 + offset) % 8,
                (index * 7 + offset * 13) % 60,
            )
            completed_on = None
            if rag == RAG.BLUE:
                completed_on = spec.get("completed_on") or written.date()
            update = ProgressUpdate(
                action=action,
                period=period,
                rag=rag,
                narrative=narrative,
                evidence=evidence.get(key, ""),
                completed_on=completed_on,
                author=author,
                created_at=written,
            )
            # The action and author are known to exist; skip the queries that check it.
            update.clean_fields(exclude={"action", "author"})
            update._history_date = written
            update._history_user = author
            updates.append(update)

            action.rag = rag
            action.last_update_at = written
            action.completed_on = completed_on
            self.save(action, written, author)
            previous = rag
        if notes:
            raise DemoDataError(f"{action.reference}: notes for months with no update: {notes}")
        for update in bulk_create_with_history(updates, ProgressUpdate, default_user=self.admin):
            self.updates[f"{plan.short_name}/{action.reference}/{month_key(update.period)}"] = (
                update
            )
        self.created[ProgressUpdate] += len(updates)

    # -- the meeting of 29 January 2019 -----------------------------------------------

    def load_meeting(self, name: str):
        data = self.read(name)
        spec, next_spec = data["meeting"], data["next_meeting"]
        meeting, new = self.get_or_create(
            Meeting,
            {"date": spec["date"], "title": spec["title"]},
            at(spec["scheduled_on"]),
            start_time=spec["start_time"],
            end_time=spec["end_time"],
            place=spec.get("place", ""),
            kind=spec["kind"],
            is_open_to_public=spec["is_open_to_public"],
            status=Meeting.Status.SCHEDULED,
        )
        held = at(spec["date"], spec["end_time"].hour, spec["end_time"].minute)
        drafted = at(spec["drafted_on"], 10)

        items = {}
        for item_spec in data["item"]:
            item, _ = self.get_or_create(
                AgendaItem,
                {"meeting": meeting, "number": item_spec["number"]},
                at(spec["date"] - datetime.timedelta(days=7), 11),
                heading=item_spec["heading"],
                presenter=self.person(item_spec.get("presenter")),
                papers=item_spec.get("papers", ""),
                **self.publication(item_spec),
            )
            items[item.number] = (item, item_spec)

        next_meeting, _ = self.get_or_create(
            Meeting,
            {"date": next_spec["date"], "title": next_spec["title"]},
            held + datetime.timedelta(minutes=5),
            start_time=next_spec["start_time"],
            end_time=next_spec["end_time"],
            place=next_spec.get("place", ""),
            kind=next_spec["kind"],
            is_open_to_public=next_spec["is_open_to_public"],
            status=next_spec["status"],
        )
        if new:
            meeting.status = Meeting.Status.HELD
            meeting.next_meeting = next_meeting
            self.save(meeting, held + datetime.timedelta(minutes=15))

        order = Counter()
        for row in data["attendance"]:
            order[row["group"]] += 1
            self.get_or_create(
                Attendance,
                {"meeting": meeting, "person": self.person(row["person"])},
                held + datetime.timedelta(minutes=30),
                group=row["group"],
                role=row["role"],
                title_at_meeting=row.get("title_at_meeting", ""),
                presence=row.get("presence", Attendance.Presence.PRESENT),
                order=order[row["group"]],
            )

        minutes = {}
        for item, item_spec in items.values():
            for minute_spec in item_spec["minute"]:
                minute, _ = self.get_or_create(
                    Minute,
                    {"meeting": meeting, "number": minute_spec["number"]},
                    drafted,
                    agenda_item=item,
                    text=minute_spec["text"],
                    **self.publication(item_spec),
                )
                minutes[minute.number] = minute
        if sorted(minutes) != list(range(1, len(minutes) + 1)):
            raise DemoDataError(f"{name}: minutes are not numbered continuously from 1")

        for row in data["action"]:
            minute = minutes[row["minute"]]
            arising, created = self.get_or_create(
                MeetingAction,
                {"meeting": meeting, "minute": minute, "description": row["description"]},
                drafted,
                owner=self.person(row["owner"]),
                due_date=row.get("due_date"),
                promoted_to=self.find(self.actions, row.get("promoted_to"), "action"),
                **self.publication_of(minute),
            )
            if created and row.get("completed_on"):
                arising.status = MeetingAction.Status.DONE
                arising.completed_on = row["completed_on"]
                arising.note = row.get("note", "")
                self.save(arising, at(arising.completed_on, 16), self.user_of(arising.owner))

        advice = data["formal_advice"]
        if not meeting.formal_advice.exists():
            self.create(
                FormalAdvice(
                    meeting=meeting,
                    none_given=advice.get("none_given", False),
                    advice=advice.get("advice", ""),
                ),
                drafted,
            )

        if new:
            meeting.status = Meeting.Status.MINUTES_DRAFTED
            self.save(meeting, drafted + datetime.timedelta(minutes=30))
            meeting.status = Meeting.Status.MINUTES_AGREED
            meeting.minutes_agreed_at = next_meeting
            meeting.minutes_agreed_on = next_meeting.date
            self.save(meeting, at(next_meeting.date, 15))
            meeting.status = spec["status"]
            meeting.minutes_published_on = spec["published_on"]
            self.save(meeting, at(spec["published_on"], 10))

    @staticmethod
    def publication(spec: dict) -> dict:
        return {
            "publication_status": spec.get("publication_status", "public"),
            "exemption_paragraph": spec.get("exemption_paragraph"),
            "exemption_review_date": spec.get("exemption_review_date"),
        }

    @staticmethod
    def publication_of(obj) -> dict:
        return {
            "publication_status": obj.publication_status,
            "exemption_paragraph": obj.exemption_paragraph,
            "exemption_review_date": obj.exemption_review_date,
        }

    # -- the panel's side: assurance, challenge, SMART assessment ---------------------

    def load_assurance(self):
        data = self.read("assurance.toml")
        for row in data["assurance"]:
            update = self.find(self.updates, row["update"], "update")
            decided_at = aware(row["decided_at"])
            if decided_at <= update.created_at:
                raise DemoDataError(f"Assurance on {row['update']} predates the update")
            assurance, created = self.get_or_create(
                Assurance,
                {"update": update, "decided_by": self.panel_user, "decision": row["decision"]},
                decided_at,
                by=self.panel_user,
                assured_rag=row.get("assured_rag", ""),
                comment=row.get("comment", ""),
                decided_at=decided_at,
            )
            action = update.action
            if created and action.last_update_at == update.created_at:
                # The decision is on the action's latest update: the action carries it.
                action.assurance = assurance.decision
                action.assured_rag = assurance.assured_rag or (
                    update.rag if assurance.decision == AssuranceStatus.ASSURED else ""
                )
                self.save(action, decided_at, self.panel_user)

        for row in data["challenge"]:
            action = self.find(self.actions, row["action"], "action")
            update = (
                self.find(self.updates, f"{row['action']}/{row['update']}", "update")
                if row.get("update")
                else None
            )
            raised_at = aware(row["raised_at"])
            challenge, created = self.get_or_create(
                Challenge,
                {"action": action, "question": row["question"]},
                raised_at,
                by=self.panel_user,
                update=update,
                raised_by=self.panel_user,
                raised_at=raised_at,
            )
            self.challenged(challenge)
            if not created:
                continue
            if row.get("response"):
                responder = self.user_of(self.person(row["responded_by"]))
                challenge.response = row["response"]
                challenge.responded_by = responder
                challenge.responded_at = aware(row["responded_at"])
                challenge.status = Challenge.Status.ANSWERED
                challenge.full_clean()
                self.save(challenge, challenge.responded_at, responder)

        for row in data["smart_assessment"]:
            fields = {
                key: row[key]
                for key in row
                if key.endswith(("_rating", "_comment")) or key in ("conclusion", "summary")
            }
            self.get_or_create(
                SmartAssessment,
                {
                    "plan": self.plans[row["plan"]],
                    "assessor": self.person(row["assessor"]),
                    "assessed_on": row["assessed_on"],
                },
                at(row["assessed_on"], 12),
                theme=self.theme(row.get("theme")),
                **fields,
            )

    def challenged(self, challenge: Challenge):
        """The assurance decision raising `challenge` records, as the app records it
        (plans.services.raise_challenge), dated when it was raised: "challenged" on the
        update challenged (the one named, else the action's latest then), carried by the
        action if that update is still its latest and no later decision was made on it
        (or if the action has no update at all), so the dashboard counts it challenged."""
        action, when = challenge.action, challenge.raised_at
        update = (
            challenge.update
            or action.updates.filter(created_at__lte=when).order_by("-period").first()
        )
        if update is None:
            carried = not action.updates.exists()
        else:
            assurance, created = self.get_or_create(
                Assurance,
                {
                    "update": update,
                    "decided_by": challenge.raised_by,
                    "decision": AssuranceStatus.CHALLENGED,
                    "decided_at": when,
                },
                when,
                by=challenge.raised_by,
            )
            carried = (
                created
                and action.last_update_at == update.created_at
                and not update.assurances.filter(decided_at__gt=when).exists()
            )
        if carried and action.assurance != AssuranceStatus.CHALLENGED:
            action.assurance = AssuranceStatus.CHALLENGED
            action.assured_rag = ""
            self.save(action, when, challenge.raised_by)

    # -- monthly update cycles ---------------------------------------------------------

    def load_cycles(self):
        """The monthly cycles from the first month of updates to the open one, each closed
        three days after its deadline by the secretariat, except the last (the current
        cycle) and those `left_open` (for the demo secretariat to close); then the
        closed cycles' snapshots."""
        data = self.read("cycles.toml")["cycles"]
        period, last, left_open = data["first"], data["last"], set(data["left_open"])
        while period <= last:
            is_open = period == last or period in left_open
            opens_on = period.replace(day=data["opens_on_day"])
            deadline = period.replace(day=data["deadline_day"])
            cycle, created = self.get_or_create(
                Cycle, {"period": period}, at(opens_on, 8), opens_on=opens_on, deadline=deadline
            )
            if created and not is_open:
                cycle.closed_at = at(deadline + datetime.timedelta(days=3), 17)
                cycle.closed_by = self.secretariat_user
                self.save(cycle, cycle.closed_at, self.secretariat_user)
            period = add_months(period, 1)
        self.load_snapshots()

    def load_snapshots(self):
        """A snapshot for every closed cycle that has none, with the data as it stood (in
        the history) when the cycle closed, taken then by whoever closed it."""
        closed = Cycle.objects.filter(closed_at__isnull=False, snapshot__isnull=True)
        for cycle in closed.select_related("closed_by").order_by("period"):
            snapshot_cycle(
                cycle=cycle,
                user=cycle.closed_by or self.secretariat_user,
                as_at=cycle.closed_at,
                taken_at=cycle.closed_at,
            )
            self.created[Snapshot] += 1

    # -- indicators and advisers ------------------------------------------------------

    def load_indicators(self):
        for row in self.read("indicators.toml")["indicator"]:
            recorded = at(row["recorded"])
            indicator, _ = self.get_or_create(
                Indicator,
                {"code": row["code"]},
                recorded,
                name=row["name"],
                description=row.get("description", ""),
                unit=row["unit"],
                polarity=row["polarity"],
                target=decimal(row.get("target")),
                directorate=self.directorate(row.get("directorate")),
                owner=self.person(row.get("owner")),
            )
            for value in row["values"]:
                # A value is reported about seven weeks after its period ends.
                reported = max(recorded, at(value["period"] + datetime.timedelta(days=50), 10))
                self.get_or_create(
                    IndicatorValue,
                    {"indicator": indicator, "period": value["period"]},
                    reported,
                    label=value.get("label", ""),
                    value=decimal(value["value"]),
                    benchmark_quartile=value.get("benchmark_quartile"),
                    note=value.get("note", ""),
                )

    def load_advisers(self):
        for row in self.read("advisers.toml")["engagement"]:
            engagement, new = self.get_or_create(
                AdviserEngagement,
                {"adviser": self.person(row["adviser"]), "focus_area": row["focus_area"]},
                at(row["started_on"]),
                description=row.get("description", ""),
                theme=self.theme(row.get("theme")),
                started_on=row["started_on"],
                ended_on=row.get("ended_on"),
            )
            risks = [self.find(self.risks, ref, "risk") for ref in row.get("risks", [])]
            if new and risks:
                with self.recorded(engagement, at(row["started_on"])):
                    engagement.risks.add(*risks)

    # -- draft reports -----------------------------------------------------------------

    def snapshot_of(self, period) -> Snapshot | None:
        if period is None:
            return None
        snapshot = Snapshot.objects.filter(cycle__period=period).first()
        if snapshot is None:
            raise DemoDataError(f"No closed cycle for {period:%B %Y}")
        return snapshot

    def load_reports(self):
        """Draft reports the secretariat is preparing, on live data, with their narrative
        sections in their document's order (a section names its key or its theme)."""
        modules = documents()
        for row in self.read("reports.toml")["report"]:
            created = at(row["created"])
            author = self.secretariat_user
            report, new = self.get_or_create(
                Report,
                {"kind": row["kind"], "title": row["title"]},
                created,
                by=author,
                plan=self.plans[row["plan"]],
                snapshot=self.snapshot_of(row.get("snapshot")),
                dated=row.get("dated"),
                reference=row.get("reference", ""),
                addressee=row.get("addressee", "").strip(),
                salutation=row.get("salutation", "Dear Secretary of State"),
                subject=row.get("subject", ""),
                signatory=self.person(row.get("signatory")),
                created_by=author,
                created_at=created,
            )
            if not new:
                continue
            written = {
                spec.get("key") or f"theme-{self.theme(spec['theme']).pk}": spec
                for spec in row.get("section", [])
            }
            specs = modules[report.kind].default_sections(report)
            unknown = set(written) - {spec.key for spec in specs}
            if unknown:
                raise DemoDataError(f"{row['title']}: no section {sorted(unknown)}")
            for order, spec in enumerate(specs, start=1):
                fixture = written.get(spec.key, {})
                self.create(
                    ReportSection(
                        report=report,
                        key=spec.key,
                        heading=spec.heading,
                        order=order,
                        theme_id=spec.theme_id,
                        body=fixture.get("body", spec.body).strip(),
                        **self.publication(fixture),
                    ),
                    created,
                    author,
                )

"""A large synthetic programme, behind `manage.py generate_scale_data --actions N`.

For measuring the app at scale: an empty, migrated database in; a realistic programme out,
the same for the same seed. Every row is written in bulk (never one save at a time) with
the history rows the app would have written for it (`+` when created, `~` at each later
change, dated when the change happened and made by whoever made it), so "as at" views,
change histories and snapshots all have something real to read.

The timeline is fixed, so dates to look at are known:

- reference data (organisations, people, themes, sources, recommendations, plans, risks,
  indicators) is recorded in 2017-2018; every action exists before December 2018;
- twelve monthly cycles, December 2018 to November 2019: each opens on the 11th, its
  deadline is the 22nd, and it is closed by the secretariat on the 25th at 17:00, which
  freezes its snapshot (as at that moment); November 2019's cycle is still open (current);
- each action has one update a month in each cycle, written between the 11th and the
  20th; about a third are assured (or challenged, or not assured) by the 23rd;
- risks are rescored on the 14th-18th of each month; indicator values for October 2018 to
  September 2019 are reported on the 20th of the month after;
- panel meetings are spread over the twelve months, each with 40 minutes and 8 actions
  arising.

Sizes, for N actions: 10 + N//2000 directorates; max(10, N//20) council officers, each
with a sign-in; three plans (the current one with half the actions); 12 themes; N//10
recommendations; max(20, N//20) risks; max(12, N//200) meetings; max(10, N//200)
indicators.

Sign-ins (password `improve-2019`, development only): `officer`, `panel` and
`panel2`..`panel8`, `secretariat`, `admin`, and `officer0001`... for every other officer.
"""

import calendar
import datetime
import functools
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max

from biip.models import RAG, Directorate, Organisation, Person, PublicationStatus, Role
from meetings.models import AgendaItem, Attendance, FormalAdvice, Meeting, MeetingAction, Minute
from plans.models import (
    Action,
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
    Source,
    Theme,
)
from plans.services import trend_of
from reports.data import (
    freeze_indicators,
    freeze_meeting_actions,
    freeze_recommendations,
    freeze_risks,
)
from reports.models import (
    ActionSnapshot,
    IndicatorSnapshot,
    MeetingActionSnapshot,
    RecommendationSnapshot,
    RiskSnapshot,
    Snapshot,
)

PASSWORD = "improve-2019"  # the demo password: development only
LONDON = ZoneInfo("Europe/London")

FIRST_PERIOD = datetime.date(2018, 12, 1)
MONTHS = 12
OPENS_ON_DAY = 11
DEADLINE_DAY = 22
CLOSED_ON_DAY = 25  # at 17:00
REFERENCE_DAY = datetime.date(2017, 3, 6)  # organisations, people, themes

ACTIONS_PER_CHUNK = 2000  # actions generated, written and forgotten at a time
PARAMS_PER_INSERT = 30000  # query parameters per INSERT statement


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A London time on a day, timezone-aware."""
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


PERIODS = [add_months(FIRST_PERIOD, month) for month in range(MONTHS)]
CLOSED_AT = [at(period.replace(day=CLOSED_ON_DAY), 17) for period in PERIODS[:-1]]


def closed_cycle_moments() -> list[tuple[datetime.date, datetime.datetime]]:
    """(period, closed at) of the eleven closed cycles: their snapshots' `as_at`."""
    return list(zip(PERIODS[:-1], CLOSED_AT, strict=True))


@dataclass(frozen=True)
class Sizes:
    """How much of everything N actions come with."""

    actions: int

    @property
    def directorates(self) -> int:
        return 10 + self.actions // 2000

    @property
    def officers(self) -> int:
        return max(10, self.actions // 20)

    @property
    def recommendations(self) -> int:
        return max(1, self.actions // 10)

    @property
    def risks(self) -> int:
        return max(20, self.actions // 20)

    @property
    def meetings(self) -> int:
        return max(12, self.actions // 200)

    @property
    def indicators(self) -> int:
        return max(10, self.actions // 200)

    @property
    def per_plan(self) -> list[int]:
        """Actions in the two earlier plans and the current one."""
        quarter = self.actions // 4
        return [quarter, quarter, self.actions - 2 * quarter]


class DatabaseNotEmpty(Exception):
    """The database already holds data: scale data goes only into an empty one."""


def database_is_empty() -> bool:
    return not any(
        model.objects.exists()
        for model in (User, Organisation, Person, ImprovementPlan, Action, Meeting, Cycle)
    )


# -- words ------------------------------------------------------------------------------

DIRECTORATES = [
    ("Finance and Governance", "FG"),
    ("Adults Social Care and Health", "ASCH"),
    ("Children and Young People", "CYP"),
    ("Place", "PL"),
    ("Economy", "EC"),
    ("Digital and Customer Services", "DCS"),
    ("Human Resources", "HR"),
    ("Partnerships, Insight and Prevention", "PIP"),
    ("Neighbourhoods", "NB"),
    ("Education and Skills", "ES"),
]
FIRST_NAMES = [
    "Amira",
    "Ben",
    "Carla",
    "Dev",
    "Ellen",
    "Farid",
    "Grace",
    "Hassan",
    "Imogen",
    "Jack",
    "Kiran",
    "Laura",
    "Mohammed",
    "Nia",
    "Owen",
    "Priya",
    "Quentin",
    "Rosa",
    "Sanjay",
    "Tess",
    "Umar",
    "Vera",
    "Wes",
    "Yasmin",
    "Zac",
    "Alice",
    "Bilal",
    "Chloe",
    "Daniel",
    "Erin",
    "Fatima",
    "George",
    "Hannah",
    "Ian",
    "Jasmine",
    "Kwame",
    "Lucy",
    "Marcus",
    "Nadia",
    "Oscar",
]
LAST_NAMES = [
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fisher",
    "Green",
    "Hughes",
    "Islam",
    "Jones",
    "Khan",
    "Lewis",
    "Morris",
    "Nash",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Usman",
    "Vaughan",
    "Walker",
    "Young",
    "Zaman",
    "Ali",
    "Bennett",
    "Cole",
    "Doyle",
    "Ellis",
    "Foster",
    "Gill",
    "Hall",
    "Iqbal",
    "James",
    "Kaur",
    "Lloyd",
    "Mills",
    "Nolan",
    "Price",
    "Reid",
    "Shah",
    "Turner",
    "Ward",
    "Wood",
    "Wright",
    "Begum",
    "Brown",
    "Cox",
    "Hussain",
    "Kelly",
    "Martin",
    "Mason",
    "Murray",
    "Parker",
    "Rahman",
    "Scott",
]
THEMES = [
    "Leadership and culture",
    "Financial sustainability",
    "Governance and decision-making",
    "Workforce and organisational development",
    "Partnership working",
    "Children's services",
    "Adult social care",
    "Waste and street services",
    "Housing",
    "Performance management",
    "Devolution and localism",
    "Digital and customer access",
]
VERBS = "Establish Deliver Review Implement Embed Strengthen Agree Publish Redesign Introduce"
OBJECTS = [
    "a medium-term financial plan",
    "the budget consultation",
    "member development programme",
    "the scrutiny work programme",
    "a workforce strategy",
    "the performance management framework",
    "district committee arrangements",
    "a commissioning strategy",
    "the partnership board terms of reference",
    "savings delivery tracking",
    "a customer contact strategy",
    "the risk management framework",
    "an officer code of conduct",
    "the capital programme review",
    "a housing repairs improvement plan",
    "the waste collection recovery plan",
]
NARRATIVES = {
    RAG.GREEN: [
        "On track; nothing to escalate this month.",
        "Work continuing to plan.",
        "This month's steps completed as planned.",
    ],
    RAG.AMBER: [
        "Behind the original timetable; recovery steps in hand.",
        "Some slippage; working to a revised timetable.",
        "At risk, with mitigation agreed with the portfolio holder.",
    ],
    RAG.RED: [
        "Off track; escalated to the Council Management Team.",
        "No material progress this month; options under review.",
        "Significant slippage; recovery plan being revised.",
    ],
    RAG.BLUE: [
        "Complete; the change is embedded and being monitored.",
        "Complete; evidence of impact reported to the panel.",
    ],
}
AGENDA = [
    "Apologies and declarations of interest",
    "Minutes of the last meeting and matters arising",
    "Improvement plan: progress and assurance",
    "Finance: budget and savings delivery",
    "Risk register: movements and escalations",
    "Any other business",
]
PUBLIC = {
    "publication_status": PublicationStatus.PUBLIC,
    "exemption_paragraph": None,
    "exemption_review_date": None,
}
EXEMPT = {
    "publication_status": PublicationStatus.EXEMPT,
    "exemption_paragraph": 3,
    "exemption_review_date": datetime.date(2020, 3, 31),
}
CONFIDENTIAL = {
    "publication_status": PublicationStatus.CONFIDENTIAL,
    "exemption_paragraph": None,
    "exemption_review_date": None,
}
WORSE = {RAG.BLUE: RAG.GREEN, RAG.GREEN: RAG.AMBER, RAG.AMBER: RAG.RED, RAG.RED: RAG.RED}


# -- the generator -----------------------------------------------------------------------


class ScaleData:
    """Generates the programme: `run()` writes it all in one transaction and returns the
    rows written per model (history tables included)."""

    def __init__(self, actions: int, seed: int = 1, progress: Callable[[str], None] | None = None):
        if actions < 1:
            raise ValueError("The number of actions must be at least 1.")
        self.sizes = Sizes(actions)
        self.random = random.Random(seed)
        self.progress = progress or (lambda message: None)
        self.written: Counter = Counter()
        self.next_ids: dict[type[models.Model], int] = {}

    # -- writing ------------------------------------------------------------------------

    def ids(self, model: type[models.Model], count: int) -> range:
        """`count` new primary keys for `model`: rows are written with their keys set, so
        history rows and foreign keys can name them before they are written."""
        if model not in self.next_ids:
            largest = model._default_manager.aggregate(largest=Max("pk"))["largest"]
            self.next_ids[model] = (largest or 0) + 1
        first = self.next_ids[model]
        self.next_ids[model] = first + count
        return range(first, first + count)

    def new(self, model: type[models.Model], **fields) -> models.Model:
        return model(pk=self.ids(model, 1)[0], **fields)

    def insert(self, rows: list[models.Model]) -> list[models.Model]:
        """Write rows of one model in bulk, in batches."""
        if not rows:
            return rows
        model = type(rows[0])
        batch = max(100, PARAMS_PER_INSERT // len(model._meta.concrete_fields))
        model._default_manager.bulk_create(rows, batch_size=batch)
        connection.queries_log.clear()  # with DEBUG on, megabytes of INSERTs otherwise
        self.written[model._meta.label] += len(rows)
        return rows

    def insert_all(self, rows: Iterable[models.Model]) -> None:
        """Write rows of several models in bulk, model by model, in the order given."""
        by_model: dict[type, list] = {}
        for row in rows:
            by_model.setdefault(type(row), []).append(row)
        for group in by_model.values():
            self.insert(group)

    def history(
        self, obj: models.Model, when: datetime.datetime, user_id: int | None, kind: str = "~"
    ) -> models.Model:
        """The history row the app writes when `obj` is saved as it stands now (`kind` "+"
        when created, "~" when changed), at `when` by the user `user_id`."""
        model, names = self.historical(type(obj))
        row = model(history_date=when, history_type=kind, history_user_id=user_id)
        for name in names:
            setattr(row, name, getattr(obj, name))
        return row

    @staticmethod
    @functools.cache
    def historical(model: type[models.Model]) -> tuple[type[models.Model], list[str]]:
        """A model's history model and the field names it copies (looked up once: the
        `history` descriptor builds a manager on every access)."""
        history = model.history.model
        return history, [field.attname for field in history.tracked_fields]

    def created(
        self, rows: Iterable[models.Model], when: datetime.datetime, user_id: int | None
    ) -> list[models.Model]:
        """Write rows created all at once, each with its "+" history row."""
        rows = self.insert(list(rows))
        self.insert([self.history(row, when, user_id, "+") for row in rows])
        return rows

    # -- the run ------------------------------------------------------------------------

    def run(self) -> Counter:
        if not database_is_empty():
            raise DatabaseNotEmpty(
                "The database already holds data: generate scale data only into an empty, "
                "migrated database."
            )
        with transaction.atomic():
            self.progress("people")
            self.make_people()
            self.progress("plans, themes and recommendations")
            self.make_plans()
            self.progress("risks")
            self.make_risks()
            self.progress("cycles")
            self.make_cycles()
            self.make_actions()
            self.progress("meetings")
            self.make_meetings()
            self.progress("indicators")
            self.make_indicators()
            self.analyze()
            self.progress("snapshots of risks, indicators, meeting actions, recommendations")
            self.freeze_the_rest()
            self.reset_sequences()
            self.analyze()
        return self.written

    @staticmethod
    def analyze() -> None:
        """Give PostgreSQL's planner statistics of the tables just filled, as autovacuum
        would soon after (where it runs at all): without them, the history queries that
        freeze snapshots and rebuild "as at" views take minutes instead of seconds."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def reset_sequences(self) -> None:
        """Keys were written explicitly: move PostgreSQL's sequences past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.next_ids))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    # -- people -------------------------------------------------------------------------

    def make_people(self) -> None:
        sizes = self.sizes
        when = at(REFERENCE_DAY)
        self.council, self.panel_org = self.created(
            [
                self.new(
                    Organisation,
                    name="Scale City Council",
                    short_name="SCC",
                    kind=Organisation.Kind.COUNCIL,
                ),
                self.new(
                    Organisation,
                    name="Scale City Independent Improvement Panel",
                    short_name="SCIIP",
                    kind=Organisation.Kind.PANEL,
                ),
            ],
            when,
            None,
        )
        directorates = []
        for index in range(sizes.directorates):
            name, short = (
                DIRECTORATES[index]
                if index < len(DIRECTORATES)
                else (f"Directorate {index + 1}", f"D{index + 1}")
            )
            directorates.append(
                self.new(Directorate, name=name, short_name=short, organisation=self.council)
            )
        self.directorates = self.created(directorates, when, None)

        groups = dict(Group.objects.values_list("name", "pk"))
        password = make_password(PASSWORD)
        users, people, memberships = [], [], []
        names = self.person_names()

        def account(username, role, name, title, organisation, directorate=None, **flags):
            first, _, last = name.partition(" ")
            user = self.new(
                User,
                username=username,
                password=password,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                date_joined=when,
                **flags,
            )
            users.append(user)
            memberships.append(User.groups.through(user_id=user.pk, group_id=groups[role]))
            person = self.new(
                Person,
                name=name,
                title=title,
                organisation=organisation,
                directorate=directorate,
                user_id=user.pk,
                email=user.email,
            )
            people.append(person)
            return user, person

        self.admin, _ = account(
            "admin",
            Role.ADMINISTRATOR,
            "System administrator",
            "",
            self.panel_org,
            is_staff=True,
            is_superuser=True,
        )
        self.secretariat, _ = account(
            "secretariat", Role.SECRETARIAT, next(names), "Secretariat", self.panel_org
        )
        self.panel_users, self.panel_people = [], []
        for number in range(1, 9):
            user, person = account(
                "panel" if number == 1 else f"panel{number}",
                Role.PANEL,
                next(names),
                "Chair of the panel" if number == 1 else "Panel member",
                self.panel_org,
            )
            self.panel_users.append(user)
            self.panel_people.append(person)
        # Officers, spread over the directorates; `officer` is in the first, which is
        # given the most actions.
        self.officers: list[list[Person]] = [[] for _ in self.directorates]
        _, person = account(
            "officer",
            Role.OFFICER,
            next(names),
            "Assistant Director",
            self.council,
            self.directorates[0],
        )
        self.officers[0].append(person)
        for number in range(1, sizes.officers + 1):
            directorate = (number - 1) % len(self.directorates)
            _, person = account(
                f"officer{number:04d}",
                Role.OFFICER,
                next(names),
                "Service lead",
                self.council,
                self.directorates[directorate],
            )
            self.officers[directorate].append(person)
        self.insert(users)
        self.insert(memberships)
        self.created(people, when, self.admin.pk)
        self.all_officers = [person for pool in self.officers for person in pool]

    def person_names(self):
        """Unique names: first and last names combined, with an initial when they run
        out."""
        index = 0
        while True:
            first = FIRST_NAMES[index % len(FIRST_NAMES)]
            rest = index // len(FIRST_NAMES)
            last = LAST_NAMES[rest % len(LAST_NAMES)]
            initial = rest // len(LAST_NAMES)
            middle = f" {chr(ord('A') + initial % 26)}{initial // 26 or ''}." if initial else ""
            yield f"{first}{middle} {last}"
            index += 7  # not in alphabetical runs (7 and 40 first names are coprime)

    # -- plans, themes, recommendations -------------------------------------------------

    def make_plans(self) -> None:
        sizes = self.sizes
        secretariat = self.secretariat.pk
        self.themes = self.created(
            [
                self.new(
                    Theme,
                    framework=Theme.Framework.PRIORITY,
                    code=f"P{order:02d}",
                    name=name,
                    order=order,
                )
                for order, name in enumerate(THEMES, start=1)
            ],
            at(REFERENCE_DAY),
            secretariat,
        )
        sources = self.created(
            [
                self.new(
                    Source,
                    name=name,
                    kind=kind,
                    author=author,
                    published_on=published,
                    summary=f"The {name.lower()}, summarised for the scale data.",
                )
                for name, kind, author, published in [
                    ("Independent review", Source.Kind.REVIEW, None, datetime.date(2016, 11, 9)),
                    (
                        "External auditor's statutory recommendations",
                        Source.Kind.EXTERNAL_AUDIT,
                        None,
                        datetime.date(2016, 12, 1),
                    ),
                    (
                        "Secretary of State's letter",
                        Source.Kind.SECRETARY_OF_STATE,
                        None,
                        datetime.date(2017, 1, 20),
                    ),
                ]
            ],
            at(REFERENCE_DAY),
            secretariat,
        )
        recommendations, history = [], []
        for index in range(sizes.recommendations):
            source = sources[index % len(sources)]
            recorded = at(source.published_on + datetime.timedelta(days=7), 10)
            rec = self.new(
                Recommendation,
                source=source,
                reference=f"R{index + 1:05d}",
                text=f"The council should {self.title().lower()} (recommendation {index + 1}).",
                theme=self.themes[index % len(self.themes)],
                council_response="Accepted; actions in the improvement plan.",
            )
            history.append(self.history(rec, recorded, secretariat, "+"))
            if index % 4 == 0:
                addressed = datetime.date(2019, 1 + index % 10, 10)
                rec.addressed_on = addressed
                rec.addressed_evidence = "Reports to Cabinet and the panel."
                rec.assessed_progress = Recommendation.Progress.GOOD
                history.append(self.history(rec, at(addressed, 16), secretariat))
                if index % 12 == 0:
                    rec.verified_on = addressed + datetime.timedelta(days=30)
                    rec.verified_by = self.panel_people[index % len(self.panel_people)]
                    rec.verification_evidence = "Seen in the council's reports and on visits."
                    rec.assessed_progress = Recommendation.Progress.DECISIVE
                    verifier = self.panel_users[index % len(self.panel_users)].pk
                    history.append(self.history(rec, at(rec.verified_on, 15), verifier))
            elif index % 4 == 1:
                rec.assessed_progress = Recommendation.Progress.SOME
                history.append(self.history(rec, at(datetime.date(2019, 3, 26), 12), secretariat))
            recommendations.append(rec)
        self.insert(recommendations)
        self.insert(history)
        # A few recommendations are left with no action (the coverage page shows them).
        self.covered = recommendations[: max(1, len(recommendations) * 19 // 20)]

        specs = [
            (
                "Improvement Plan 2017-18",
                "IP2017",
                datetime.date(2017, 4, 1),
                datetime.date(2019, 3, 31),
                ImprovementPlan.Status.SIGNED_OFF,
                False,
            ),
            (
                "Corporate Governance Improvement Plan",
                "CGIP",
                datetime.date(2018, 6, 1),
                datetime.date(2019, 9, 30),
                ImprovementPlan.Status.SIGNED_OFF_WITH_CONDITIONS,
                False,
            ),
            (
                "Improvement Plan 2019-20",
                "IP2019-20",
                datetime.date(2018, 10, 1),
                datetime.date(2020, 3, 31),
                ImprovementPlan.Status.SUBMITTED,
                True,
            ),
        ]
        plans, history = [], []
        for title, short, start, end, status, current in specs:
            plan = self.new(
                ImprovementPlan,
                title=title,
                short_name=short,
                period_start=start,
                period_end=end,
                status=ImprovementPlan.Status.DRAFT,
                is_current=current,
                summary=f"The {title} (scale data).",
            )
            recorded = at(start - datetime.timedelta(days=20), 11)
            history.append(self.history(plan, recorded, secretariat, "+"))
            plan.status = status
            history.append(self.history(plan, at(start + datetime.timedelta(days=20)), secretariat))
            plans.append(plan)
        self.plans = self.insert(plans)
        self.insert(history)

    def title(self) -> str:
        verb = self.random.choice(VERBS.split())
        return f"{verb} {self.random.choice(OBJECTS)}"

    # -- risks --------------------------------------------------------------------------

    def make_risks(self) -> None:
        rng = self.random
        secretariat = self.secretariat.pk
        risks, history, decisions = [], [], []
        for index in range(self.sizes.risks):
            owner = self.all_officers[index % len(self.all_officers)]
            strategic = index % 5 < 2
            il, ii = rng.randint(3, 5), rng.randint(3, 5)
            rl, ri = rng.randint(2, il), rng.randint(2, ii)
            publication = EXEMPT if index % 29 == 7 else PUBLIC
            risk = self.new(
                Risk,
                reference=f"CR{index + 1:04d}",
                title=f"Failure to {self.title().lower()}"[:200],
                description="What could happen, and what it would mean for residents.",
                category=list(Risk.Category)[index % len(Risk.Category)],
                level=Risk.Level.STRATEGIC if strategic else Risk.Level.OPERATIONAL,
                owner=owner,
                directorate_id=owner.directorate_id,
                inherent_likelihood=il,
                inherent_impact=ii,
                residual_likelihood=rl,
                residual_impact=ri,
                target_likelihood=rng.randint(1, 2),
                target_impact=rng.randint(1, 3),
                tolerance=rng.choice([6, 8, 9, 10, 12]),
                financial_exposure=Decimal(rng.randint(0, 400) * 25000) if index % 3 else None,
                trend=Risk.Trend.NEW,
                mitigations="Monthly monitoring by the directorate management team.",
                review_date=datetime.date(2019, 12, 1) + datetime.timedelta(days=index % 90),
                **publication,
            )
            history.append(
                self.history(risk, at(datetime.date(2017, 2, 1 + index % 20), 10), secretariat, "+")
            )
            owner_user = owner.user_id
            for month, period in enumerate(PERIODS):
                before = risk.residual_score
                while True:  # a change of score every month
                    if rng.random() < 0.5:
                        risk.residual_likelihood = min(
                            5, max(1, risk.residual_likelihood + rng.choice([-1, 1]))
                        )
                    else:
                        risk.residual_impact = min(
                            5, max(1, risk.residual_impact + rng.choice([-1, 1]))
                        )
                    if risk.residual_score != before:
                        break
                risk.trend = trend_of(before=before, after=risk.residual_score, current=risk.trend)
                if month == MONTHS - 1 and index % 25 == 24:
                    risk.status = Risk.Status.CLOSED
                changed = at(period.replace(day=14 + index % 5), 15)
                history.append(self.history(risk, changed, owner_user))
                if (
                    month in (4, 8)
                    and risk.level == Risk.Level.OPERATIONAL
                    and risk.past_tolerance
                    and index % 4 in (0, 3)
                ):
                    decided = at(period.replace(day=24), 11)
                    escalate = index % 4 == 0
                    decision = self.new(
                        EscalationDecision,
                        risk=risk,
                        decision=EscalationDecision.Decision.ESCALATED
                        if escalate
                        else EscalationDecision.Decision.NOT_ESCALATED,
                        reason="Past tolerance for two months; needs corporate attention."
                        if escalate
                        else "Past tolerance, but the mitigation in hand is expected to work.",
                        residual_score=risk.residual_score,
                        decided_by_id=secretariat,
                        decided_at=decided,
                    )
                    decisions.append(decision)
                    history.append(self.history(decision, decided, secretariat, "+"))
                    if escalate:
                        risk.level = Risk.Level.STRATEGIC
                        risk.escalated = True
                        risk.escalated_on = decided.date()
                        risk.escalation_reason = decision.reason
                        history.append(self.history(risk, decided, secretariat))
            risks.append(risk)
        self.risks = self.insert(risks)
        self.insert(decisions)
        self.insert_all(history)

    # -- cycles and snapshots -----------------------------------------------------------

    def make_cycles(self) -> None:
        secretariat = self.secretariat.pk
        cycles, snapshots, history = [], [], []
        for month, period in enumerate(PERIODS):
            opens_on = period.replace(day=OPENS_ON_DAY)
            cycle = self.new(
                Cycle, period=period, opens_on=opens_on, deadline=period.replace(day=DEADLINE_DAY)
            )
            history.append(self.history(cycle, at(opens_on, 8), secretariat, "+"))
            if month < MONTHS - 1:
                closed = CLOSED_AT[month]
                cycle.closed_at = closed
                cycle.closed_by_id = secretariat
                history.append(self.history(cycle, closed, secretariat))
                snapshots.append(
                    self.new(
                        Snapshot,
                        cycle=cycle,
                        as_at=closed,
                        taken_at=closed,
                        taken_by_id=secretariat,
                    )
                )
            cycles.append(cycle)
        self.insert(cycles)
        self.insert(history)
        self.snapshots = self.insert(snapshots)
        self.insert([self.history(s, s.taken_at, secretariat, "+") for s in snapshots])

    def freeze_the_rest(self) -> None:
        """The snapshots' risks, indicators, meeting actions and recommendations, read
        from the history as at each close by reports.data's own freezing code (the
        actions' rows were written with the actions)."""
        freezers = [
            (freeze_risks, RiskSnapshot),
            (freeze_indicators, IndicatorSnapshot),
            (freeze_meeting_actions, MeetingActionSnapshot),
            (freeze_recommendations, RecommendationSnapshot),
        ]
        for snapshot in self.snapshots:
            for freeze, _model in freezers:
                rows = freeze(snapshot.as_at)
                for row in rows:
                    row.snapshot = snapshot
                self.insert(rows)

    # -- actions, milestones, updates, assurance, challenges ----------------------------

    def make_actions(self) -> None:
        """Every action, in chunks: each chunk's actions are generated month by month
        with everything that happens to them, written, and forgotten."""
        sizes = self.sizes
        weights = [3] + [1] * (len(self.directorates) - 1)
        self.directorate_names = {d.pk: d.name for d in self.directorates}
        self.people = {
            person.pk: (person.name, person.user_id) for pool in self.officers for person in pool
        }
        self.promotable: list[int] = []
        specs = []
        for plan, count in zip(self.plans, sizes.per_plan, strict=True):
            for number in range(1, count + 1):
                specs.append((plan, number))
        done = 0
        for start in range(0, len(specs), ACTIONS_PER_CHUNK):
            chunk = specs[start : start + ACTIONS_PER_CHUNK]
            self.progress(f"actions {done + 1}-{done + len(chunk)} of {len(specs)}")
            ActionChunk(self, chunk, weights, first_index=start).write()
            done += len(chunk)

    # -- meetings -----------------------------------------------------------------------

    def make_meetings(self) -> None:
        rng = self.random
        count = self.sizes.meetings
        secretariat = self.secretariat.pk
        span = (PERIODS[-1].replace(day=20) - FIRST_PERIOD).days
        dates = []
        for index in range(count):
            day = FIRST_PERIOD + datetime.timedelta(days=3 + span * index // count)
            while day.weekday() >= 5:
                day += datetime.timedelta(days=1)
            dates.append(day)
        meetings = [
            self.new(
                Meeting,
                title=f"Panel meeting {index + 1}",
                date=day,
                start_time=datetime.time(12, 15),
                end_time=datetime.time(14, 15),
                place="Council House, Committee Room 2",
                kind=Meeting.Kind.QUARTERLY_PUBLIC if index % 6 == 5 else Meeting.Kind.MONTHLY,
                is_open_to_public=index % 6 == 5,
                status=Meeting.Status.SCHEDULED,
            )
            for index, day in enumerate(dates)
        ]
        history, attendances, items, minutes, arising, advice = [], [], [], [], [], []
        later = []  # (meeting, day) changes made after the meeting
        for index, meeting in enumerate(meetings):
            following = meetings[index + 1] if index + 1 < count else None
            history.append(
                self.history(
                    meeting, at(meeting.date - datetime.timedelta(days=28)), secretariat, "+"
                )
            )
            held = at(meeting.date, 14, 30)
            drafted = at(meeting.date + datetime.timedelta(days=5), 10)
            meeting.status = Meeting.Status.HELD
            meeting.next_meeting = following
            history.append(self.history(meeting, held, secretariat))
            meeting.status = Meeting.Status.MINUTES_DRAFTED
            history.append(self.history(meeting, drafted, secretariat))
            if following is not None:
                later.append((meeting, following))

            order = Counter()
            people = [(person, Attendance.Group.PANEL) for person in self.panel_people]
            officers = rng.sample(self.all_officers, min(4, len(self.all_officers)))
            people += [(person, Attendance.Group.COUNCIL) for person in officers]
            for number, (person, group) in enumerate(people):
                order[group] += 1
                attendances.append(
                    self.new(
                        Attendance,
                        meeting=meeting,
                        person=person,
                        group=group,
                        role=Attendance.MeetingRole.CHAIR
                        if number == 0
                        else Attendance.MeetingRole.MEMBER
                        if group == Attendance.Group.PANEL
                        else Attendance.MeetingRole.OFFICER,
                        title_at_meeting=person.title,
                        presence=Attendance.Presence.APOLOGIES
                        if rng.random() < 0.1 and number
                        else Attendance.Presence.PRESENT,
                        order=order[group],
                    )
                )
            meeting_items = []
            for number, heading in enumerate(AGENDA, start=1):
                publication = EXEMPT if number == 4 and index % 3 == 0 else PUBLIC
                item = self.new(
                    AgendaItem,
                    meeting=meeting,
                    number=number,
                    heading=heading,
                    presenter=officers[number % len(officers)] if number > 2 else None,
                    papers="Report of the secretariat." if number > 2 else "",
                    **publication,
                )
                meeting_items.append(item)
            items += meeting_items
            meeting_minutes = []
            for number in range(1, 41):
                item = meeting_items[min(len(meeting_items) - 1, (number - 1) * 6 // 40)]
                meeting_minutes.append(
                    self.new(
                        Minute,
                        meeting=meeting,
                        agenda_item=item,
                        number=number,
                        text=f"The panel discussed {item.heading.lower()} (minute {number}).",
                        publication_status=item.publication_status,
                        exemption_paragraph=item.exemption_paragraph,
                        exemption_review_date=item.exemption_review_date,
                    )
                )
            minutes += meeting_minutes
            for number in range(8):
                minute = meeting_minutes[12 + number * 3]
                owner = rng.choice(self.all_officers)
                due = meeting.date + datetime.timedelta(days=rng.randint(14, 60))
                action = self.new(
                    MeetingAction,
                    meeting=meeting,
                    minute=minute,
                    description=f"{self.title()} and report back to the panel.",
                    owner=owner,
                    due_date=due,
                    promoted_to_id=self.promotable.pop()
                    if number == 0 and index % 4 == 0 and self.promotable
                    else None,
                    publication_status=minute.publication_status,
                    exemption_paragraph=minute.exemption_paragraph,
                    exemption_review_date=minute.exemption_review_date,
                )
                history.append(self.history(action, drafted, secretariat, "+"))
                done_on = due - datetime.timedelta(days=rng.randint(0, 10))
                if rng.random() < 0.7 and done_on < PERIODS[-1].replace(day=20):
                    action.status = MeetingAction.Status.DONE
                    action.completed_on = done_on
                    action.note = "Done: reported to the panel."
                    history.append(self.history(action, at(done_on, 16), owner.user_id))
                arising.append(action)
            advice.append(
                self.new(
                    FormalAdvice,
                    meeting=meeting,
                    none_given=index % 3 != 0,
                    advice="" if index % 3 else "The panel advised the council to act faster.",
                )
            )
            history += [
                self.history(
                    item, at(meeting.date - datetime.timedelta(days=7), 11), secretariat, "+"
                )
                for item in meeting_items
            ]
            history += [
                self.history(minute, drafted, secretariat, "+") for minute in meeting_minutes
            ]
            history.append(self.history(advice[-1], drafted, secretariat, "+"))
        for index, (meeting, following) in enumerate(later):
            # Minutes are agreed at the next meeting and published a week later (the last
            # meeting's minutes are drafted, the one before's agreed but not yet published).
            meeting.status = Meeting.Status.MINUTES_AGREED
            meeting.minutes_agreed_at = following
            meeting.minutes_agreed_on = following.date
            history.append(self.history(meeting, at(following.date, 15), secretariat))
            if index + 1 < len(later):
                published = following.date + datetime.timedelta(days=7)
                meeting.status = Meeting.Status.PUBLISHED
                meeting.minutes_published_on = published
                history.append(self.history(meeting, at(published, 10), secretariat))
        self.insert(meetings)
        self.insert(attendances)
        self.insert(items)
        self.insert(minutes)
        self.insert(arising)
        self.insert(advice)
        for attendance in attendances:
            history.append(
                self.history(attendance, at(attendance.meeting.date, 14, 45), secretariat, "+")
            )
        self.insert_all(history)

    # -- indicators ---------------------------------------------------------------------

    def make_indicators(self) -> None:
        rng = self.random
        units = list(Indicator.Unit)
        indicators, values, history = [], [], []
        for index in range(self.sizes.indicators):
            owner = self.all_officers[index % len(self.all_officers)]
            unit = units[index % len(units)]
            base = {"gbp_m": 40, "percent": 70, "number": 300, "days": 20}[unit.value]
            indicator = self.new(
                Indicator,
                code=f"KPI-{index + 1:03d}",
                name=f"Indicator {index + 1}: {THEMES[index % len(THEMES)].lower()}",
                description="A measure the panel watches month by month.",
                unit=unit,
                polarity=Indicator.Polarity.HIGHER_IS_BETTER
                if index % 2
                else Indicator.Polarity.LOWER_IS_BETTER,
                target=Decimal(base),
                directorate_id=owner.directorate_id,
                owner=owner,
            )
            indicators.append(indicator)
            history.append(
                self.history(indicator, at(datetime.date(2018, 9, 3)), self.admin.pk, "+")
            )
            value = base * (0.8 + 0.4 * rng.random())
            for month in range(MONTHS):
                period = add_months(FIRST_PERIOD, month - 2)
                value = max(0.0, value * (0.9 + 0.2 * rng.random()))
                row = self.new(
                    IndicatorValue,
                    indicator=indicator,
                    period=period,
                    label=f"{period:%b %Y}",
                    value=Decimal(f"{value:.2f}"),
                    benchmark_quartile=rng.randint(1, 4) if index % 2 else None,
                )
                values.append(row)
                reported = at(add_months(period, 1).replace(day=20), 10)
                history.append(self.history(row, reported, owner.user_id, "+"))
        self.insert(indicators)
        self.insert(values)
        self.insert_all(history)


class ActionChunk:
    """Up to ACTIONS_PER_CHUNK actions with their links, milestones, twelve monthly
    updates, assurance and challenges, the history of each, and their rows in the
    closed cycles' snapshots, generated as record_update, record_assurance and the
    officers' answers would have left them."""

    def __init__(self, scale: ScaleData, specs: list, weights: list[int], first_index: int):
        self.scale = scale
        self.specs = specs
        self.weights = weights
        self.first_index = first_index
        self.actions: list[Action] = []
        self.action_history: list = []
        self.links: list = []  # (history row, [through rows]) for the m2m history
        self.recommendation_links: dict[int, list] = {}
        self.risk_links: dict[int, list] = {}
        self.milestones: list[Milestone] = []
        self.updates: list[ProgressUpdate] = []
        self.assurances: list[Assurance] = []
        self.challenges: list[Challenge] = []
        self.other_history: list = []
        self.frozen: list[ActionSnapshot] = []

    def write(self) -> None:
        for offset, (plan, number) in enumerate(self.specs):
            self.action(plan, number, self.first_index + offset)
        scale = self.scale
        scale.insert(self.actions)
        scale.insert([row for rows in self.recommendation_links.values() for row in rows])
        scale.insert([row for rows in self.risk_links.values() for row in rows])
        scale.insert(self.milestones)
        scale.insert(self.updates)
        scale.insert(self.assurances)
        scale.insert(self.challenges)
        scale.insert(self.action_history)  # their ids come back: the m2m history needs them
        recommendations, risks = [], []
        rec_history = apps.get_model("plans", "HistoricalAction_recommendations")
        risk_history = apps.get_model("plans", "HistoricalAction_risks")
        for row, recs, risk_rows in self.links:
            recommendations += [
                rec_history(
                    history_id=row.history_id,
                    id=link.pk,
                    action_id=link.action_id,
                    recommendation_id=link.recommendation_id,
                )
                for link in recs
            ]
            risks += [
                risk_history(
                    history_id=row.history_id,
                    id=link.pk,
                    action_id=link.action_id,
                    risk_id=link.risk_id,
                )
                for link in risk_rows
            ]
        scale.insert(recommendations)
        scale.insert(risks)
        scale.insert_all(self.other_history)
        scale.insert(self.frozen)

    def save(self, action: Action, when: datetime.datetime, user_id: int, kind: str = "~"):
        """The action's history row, and the links it carries at that moment."""
        row = self.scale.history(action, when, user_id, kind)
        self.action_history.append(row)
        recs = self.recommendation_links.get(action.pk, [])
        risks = self.risk_links.get(action.pk, [])
        if kind == "~" and (recs or risks):
            self.links.append((row, list(recs), list(risks)))

    def action(self, plan: ImprovementPlan, number: int, index: int) -> None:
        scale, rng = self.scale, self.scale.random
        secretariat = scale.secretariat.pk
        directorate_index = rng.choices(range(len(scale.directorates)), self.weights)[0]
        pool = scale.officers[directorate_index] or scale.all_officers
        lead = rng.choice(pool)
        lead_name, lead_user = scale.people[lead.pk]
        theme = scale.themes[rng.randrange(len(scale.themes))]
        start = plan.period_start + datetime.timedelta(days=rng.randint(0, 60))
        due = month_end(
            add_months(datetime.date(2019, 1, 1), rng.randint(0, 17))
        )  # January 2019 to June 2020
        due = max(due, start)
        roll = rng.random()
        publication = EXEMPT if roll < 0.04 else CONFIDENTIAL if roll < 0.06 else PUBLIC
        action = scale.new(
            Action,
            plan=plan,
            theme=theme,
            reference=f"{theme.code}.{number}",
            title=f"{scale.title()} ({plan.short_name} {number})",
            description="What the action will change, and for whom.",
            directorate=scale.directorates[directorate_index],
            lead_officer=lead,
            start_date=start,
            original_due_date=due,
            success_measure="Reported to Cabinet and assured by the panel.",
            resources="Within existing budgets.",
            **publication,
        )
        self.actions.append(action)
        if plan.is_current and len(scale.promotable) < scale.sizes.meetings:
            scale.promotable.append(action.pk)

        # Recorded before the first cycle, with its links (each link a history row).
        recorded = at(
            min(plan.period_start + datetime.timedelta(days=14), datetime.date(2018, 11, 20))
            + datetime.timedelta(days=index % 7),
            10,
            index % 60,
        )
        self.save(action, recorded, secretariat, "+")
        if rng.random() < 0.9:
            rec = scale.covered[index % len(scale.covered)]
            through = Action.recommendations.through
            self.recommendation_links[action.pk] = [
                through(pk=scale.ids(through, 1)[0], action_id=action.pk, recommendation_id=rec.pk)
            ]
            self.save(action, recorded, secretariat)
        if rng.random() < 0.15:
            risk = scale.risks[index % len(scale.risks)]
            through = Action.risks.through
            self.risk_links[action.pk] = [
                through(pk=scale.ids(through, 1)[0], action_id=action.pk, risk_id=risk.pk)
            ]
            self.save(action, recorded, secretariat)

        milestones = []
        count = 2 + index % 2
        span = max(1, (due - start).days)
        for step in range(1, count + 1):
            milestone = scale.new(
                Milestone,
                action=action,
                title=f"Milestone {step}: {scale.title().lower()}",
                due_date=start + datetime.timedelta(days=span * step // count),
            )
            milestones.append(milestone)
            self.other_history.append(scale.history(milestone, recorded, secretariat, "+"))
        self.milestones += milestones

        self.months(action, index, lead_name, lead_user, milestones)

    def months(self, action, index, lead_name, lead_user, milestones) -> None:
        """Twelve monthly updates, each moving the action as record_update does, and
        the panel's decisions on some; after each closed month, the action's row in that
        cycle's snapshot."""
        scale, rng = self.scale, self.scale.random
        rag = rng.choices([RAG.GREEN, RAG.AMBER, RAG.RED], [50, 35, 15])[0]
        revised = False
        for month, period in enumerate(PERIODS):
            written = at(
                period.replace(day=OPENS_ON_DAY + (index * 3 + month) % 10),
                9 + (index * 5 + month) % 8,
                (index * 7 + month * 13) % 60,
            )
            previous = rag
            rag = self.next_rag(rag, action, period)
            update = scale.new(
                ProgressUpdate,
                action=action,
                period=period,
                rag=rag,
                narrative=rng.choice(NARRATIVES[rag]),
                evidence=f"https://intranet.example.org/evidence/{action.pk}/{period:%Y-%m}"
                if rng.random() < 0.2
                else "",
                author_id=lead_user,
                created_at=written,
            )
            if rag == RAG.BLUE:
                update.completed_on = action.completed_on or written.date()
            if (
                not revised
                and rag in (RAG.AMBER, RAG.RED)
                and previous != rag
                and rng.random() < 0.4
            ):
                revised = True
                update.revised_due_date = month_end(
                    add_months(action.original_due_date, rng.randint(1, 6))
                )
                update.revision_reason = "Dependencies on another directorate's work slipped."
            self.updates.append(update)
            self.other_history.append(scale.history(update, written, lead_user, "+"))
            # Milestones due by the end of the month, done with the update (all of them
            # when the action completes).
            for milestone in milestones:
                if milestone.completed_on is None and (
                    rag == RAG.BLUE
                    or (milestone.due_date <= month_end(period) and rng.random() < 0.7)
                ):
                    milestone.completed_on = written.date()
                    self.other_history.append(scale.history(milestone, written, lead_user))
            action.rag = rag
            action.completed_on = update.completed_on
            action.last_update_at = written
            action.assurance = AssuranceStatus.NOT_REVIEWED
            action.assured_rag = ""
            if update.revised_due_date is not None:
                action.revised_due_date = update.revised_due_date
                action.revision_reason = update.revision_reason
            self.save(action, written, lead_user)

            if rng.random() < 1 / 3:
                self.assure(action, update, written, month, lead_user)
            if month < MONTHS - 1:
                self.freeze(
                    action, update, scale.snapshots[month], lead_name, lead_user, milestones
                )

    def next_rag(self, rag: str, action: Action, period: datetime.date) -> str:
        rng = self.scale.random
        if rag == RAG.BLUE:
            return rag
        due = action.revised_due_date or action.original_due_date
        if (due <= month_end(period) and rng.random() < 0.5) or rng.random() < 0.02:
            return RAG.BLUE
        roll = rng.random()
        moves = {
            RAG.GREEN: [(0.1, RAG.AMBER)],
            RAG.AMBER: [(0.2, RAG.GREEN), (0.3, RAG.RED)],
            RAG.RED: [(0.25, RAG.AMBER)],
        }
        for below, to in moves[rag]:
            if roll < below:
                return to
        return rag

    def assure(self, action, update, written, month, lead_user) -> None:
        """A panel decision as record_assurance records it, on the action's latest update
        (so the action carries it); a challenge is raised with it, and often answered."""
        scale, rng = self.scale, self.scale.random
        deciders = scale.panel_users + [scale.secretariat]
        decider = rng.choice(deciders).pk
        decided = written + datetime.timedelta(days=rng.randint(1, 3), hours=2)
        roll = rng.random()
        if roll < 0.75:
            decision = Assurance.Decision.ASSURED
            assured_rag = update.rag if rng.random() < 0.85 else WORSE[update.rag]
            comment = ""
        elif roll < 0.9:
            decision, assured_rag, comment = Assurance.Decision.CHALLENGED, "", ""
        else:
            decision = Assurance.Decision.NOT_ASSURED
            assured_rag = WORSE[update.rag]
            comment = "The evidence does not support the rating claimed."
        assurance = scale.new(
            Assurance,
            update=update,
            decision=decision,
            assured_rag=assured_rag,
            comment=comment,
            decided_by_id=decider,
            decided_at=decided,
        )
        self.assurances.append(assurance)
        self.other_history.append(scale.history(assurance, decided, decider, "+"))
        if decision == Assurance.Decision.CHALLENGED:
            challenge = scale.new(
                Challenge,
                action=action,
                update=update,
                question="What evidence shows the milestones this month were met?",
                raised_by_id=decider,
                raised_at=decided,
            )
            self.other_history.append(scale.history(challenge, decided, decider, "+"))
            if rng.random() < (0.8 if month < MONTHS - 1 else 0.3):
                challenge.response = "The evidence is attached to the update; see the links."
                challenge.responded_by_id = lead_user
                challenge.responded_at = decided + datetime.timedelta(days=rng.randint(2, 6))
                challenge.status = Challenge.Status.ANSWERED
                self.other_history.append(
                    scale.history(challenge, challenge.responded_at, lead_user)
                )
            self.challenges.append(challenge)
        action.assurance = decision
        action.assured_rag = assured_rag
        self.save(action, decided, decider)

    def freeze(self, action, update, snapshot, lead_name, lead_user, milestones) -> None:
        """The action's row in a closed cycle's snapshot, as reports.data.freeze_actions
        reads it from the history as at the close."""
        theme = action.theme
        self.frozen.append(
            ActionSnapshot(
                snapshot=snapshot,
                action_id=action.pk,
                plan_id=action.plan_id,
                theme=theme,
                theme_code=theme.code,
                theme_name=theme.name,
                theme_order=theme.order,
                reference=action.reference,
                title=action.title,
                directorate=self.scale.directorate_names[action.directorate_id],
                lead_officer=lead_name,
                lead_officer_user_id=lead_user,
                start_date=action.start_date,
                original_due_date=action.original_due_date,
                revised_due_date=action.revised_due_date,
                completed_on=action.completed_on,
                rag=action.rag,
                assurance=action.assurance,
                assured_rag=action.assured_rag or "",
                narrative=update.narrative,
                last_update_period=update.period,
                last_update_at=action.last_update_at,
                milestones=[
                    {
                        "title": milestone.title,
                        "due_date": milestone.due_date.isoformat(),
                        "completed_on": milestone.completed_on.isoformat()
                        if milestone.completed_on
                        else None,
                    }
                    for milestone in sorted(milestones, key=lambda m: (m.due_date, m.pk))
                ],
                publication_status=action.publication_status,
                exemption_paragraph=action.exemption_paragraph,
            )
        )


def counts(written: Counter) -> list[tuple[str, int]]:
    """(model label, rows) for the models written, main tables first, history after."""
    return sorted(written.items(), key=lambda item: ("Historical" in item[0], item[0]))

"""The improvement programme: sources and their recommendations, themes, plans, actions
with their milestones and monthly updates, assurance and challenge, the panel's SMART
assessments, the critical risks, the indicators the panel watches, and the
non-executive advisers."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from biip.history import History
from biip.models import RAG, Directorate, Organisation, Person, Publishable

STALE_AFTER_DAYS = 35

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskBand(models.TextChoices):
    """Bands of a risk score (likelihood x impact, 1-25), defined here once: the register,
    the heat map and its key all take them from `band_of`."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    VERY_HIGH = "very_high", "Very high"


# The lowest score of each band, highest band first.
BAND_FLOORS = (
    (20, RiskBand.VERY_HIGH),
    (10, RiskBand.HIGH),
    (5, RiskBand.MEDIUM),
    (1, RiskBand.LOW),
)


def band_of(score: int) -> RiskBand:
    for floor, band in BAND_FLOORS:
        if score >= floor:
            return band
    raise ValueError(f"A risk score is 1 to 25, not {score}")


def band_range(band: RiskBand) -> tuple[int, int]:
    """The lowest and highest score of a band: (10, 16) for high."""
    floors = [floor for floor, _ in BAND_FLOORS]
    index = [b for _, b in BAND_FLOORS].index(band)
    high = 25 if index == 0 else floors[index - 1] - 1
    return floors[index], high


class RiskScores:
    """Scores and bands from likelihood x impact: for a risk and for its frozen copy in a
    cycle's snapshot alike."""

    @property
    def inherent_score(self) -> int:
        return self.inherent_likelihood * self.inherent_impact

    @property
    def residual_score(self) -> int:
        return self.residual_likelihood * self.residual_impact

    @property
    def target_score(self) -> int:
        return self.target_likelihood * self.target_impact

    @property
    def inherent_band(self) -> RiskBand:
        return band_of(self.inherent_score)

    @property
    def residual_band(self) -> RiskBand:
        return band_of(self.residual_score)

    @property
    def target_band(self) -> RiskBand:
        return band_of(self.target_score)

    @property
    def past_tolerance(self) -> bool:
        return self.residual_score > self.tolerance


class DueDates:
    """Due date, slippage, completion and overdue: for an action and for its frozen copy
    in a cycle's snapshot alike."""

    @property
    def due_date(self) -> datetime.date:
        return self.revised_due_date or self.original_due_date

    @property
    def slippage_days(self) -> int:
        """Days the due date has moved from the original: the slippage, always shown."""
        if self.revised_due_date is None:
            return 0
        return (self.revised_due_date - self.original_due_date).days

    @property
    def is_slipped(self) -> bool:
        return self.slippage_days > 0

    @property
    def is_complete(self) -> bool:
        return self.rag == RAG.BLUE or self.completed_on is not None

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_complete and self.due_date < today


def scale_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 5}),
        name=name,
        violation_error_message=f"{field.replace('_', ' ').capitalize()} must be from 1 to 5.",
    )


class Source(models.Model):
    """Where recommendations come from: the Kerslake review, the external auditor's
    statutory recommendations, Secretary of State letters, inspections, reviews."""

    class Kind(models.TextChoices):
        REVIEW = "review", "Independent review"
        EXTERNAL_AUDIT = "external_audit", "External audit"
        SECRETARY_OF_STATE = "secretary_of_state", "Secretary of State letter"
        INSPECTION = "inspection", "Inspection"
        PEER_REVIEW = "peer_review", "Peer or sector review"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="sources"
    )
    published_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    history = History()

    class Meta:
        ordering = ["published_on", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:plans_source_change", args=[self.pk])


class Theme(models.Model):
    """A heading a programme is organised under."""

    class Framework(models.TextChoices):
        KERSLAKE = "kerslake", "Kerslake review themes"
        LGA = "lga", "LGA improvement criteria"
        PRIORITY = "priority", "Plan priorities"

    framework = models.CharField(max_length=10, choices=Framework.choices)
    code = models.CharField(max_length=10, help_text='e.g. "a" or "LGA-3"')
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = History()

    class Meta:
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="theme_code_unique_in_framework"
            ),
        ]

    def __str__(self):
        if self.framework == self.Framework.KERSLAKE:
            return f"({self.code}) {self.name}"
        return self.name

    def get_absolute_url(self):
        return reverse("theme-edit", args=[self.pk])


class Recommendation(models.Model):
    class Progress(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not yet assessed"
        LIMITED = "limited", "Limited progress"
        SOME = "some", "Some progress"
        GOOD = "good", "Good progress"
        DECISIVE = "decisive", "Decisive progress"

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="recommendations")
    reference = models.CharField(max_length=20, unique=True, help_text='e.g. "K-07" or "EA-3"')
    text = models.TextField()
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    council_response = models.TextField(blank=True)
    assessed_progress = models.CharField(
        max_length=12, choices=Progress.choices, default=Progress.NOT_ASSESSED
    )
    addressed_on = models.DateField(
        null=True, blank=True, help_text="When the council claimed it addressed"
    )
    addressed_evidence = models.TextField(
        blank=True, help_text="What the council offers as evidence that it is addressed"
    )
    verified_on = models.DateField(
        null=True, blank=True, help_text="When the auditor or panel verified it"
    )
    verified_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations_verified",
        help_text="The auditor or panel member who verified it",
    )
    verification_evidence = models.TextField(
        blank=True, help_text="What the auditor or panel saw in verifying it"
    )
    history = History()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | Q(addressed_on__isnull=False),
                name="recommendation_verified_after_addressed",
                violation_error_message="A recommendation is verified only once it is addressed.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("recommendation", args=[self.pk])


class ImprovementPlanQuerySet(models.QuerySet):
    def current(self):
        """The plan marked current, or failing that the latest that has started."""
        return self.filter(is_current=True).first() or self.order_by("-period_start").first()


class ImprovementPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted to the panel"
        SIGNED_OFF = "signed_off", "Signed off by the panel"
        SIGNED_OFF_WITH_CONDITIONS = "signed_off_conditions", "Signed off with conditions"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True, help_text='e.g. "IP19"')
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.CharField(max_length=20, default="1.0")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT)
    is_current = models.BooleanField(
        default=False, help_text="The plan the home page and dashboards show first"
    )
    summary = models.TextField(blank=True)
    history = History()

    objects = ImprovementPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_ends_after_start",
                violation_error_message="The plan's period must end after it starts.",
            ),
            models.UniqueConstraint(
                fields=["is_current"],
                condition=Q(is_current=True),
                name="plan_one_current",
                violation_error_message="Only one plan can be the current plan.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan", args=[self.pk])


class Risk(RiskScores, Publishable):
    """A critical risk, scored likelihood x impact on 1-5 scales."""

    class Category(models.TextChoices):
        POLITICAL = "political", "Political"
        ECONOMIC = "economic", "Economic"
        SOCIAL = "social", "Social"
        TECHNOLOGICAL = "technological", "Technological"
        LEGAL = "legal", "Legal"
        ENVIRONMENTAL = "environmental", "Environmental"

    class Level(models.TextChoices):
        STRATEGIC = "strategic", "Strategic"
        OPERATIONAL = "operational", "Operational"

    class Trend(models.TextChoices):
        NEW = "new", "New"
        IMPROVING = "improving", "Improving"
        STABLE = "stable", "No change"
        WORSENING = "worsening", "Worsening"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=14, choices=Category.choices)
    level = models.CharField(max_length=11, choices=Level.choices, default=Level.STRATEGIC)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="risks_owned")
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    inherent_likelihood = models.PositiveSmallIntegerField(validators=SCALE)
    inherent_impact = models.PositiveSmallIntegerField(validators=SCALE)
    residual_likelihood = models.PositiveSmallIntegerField(validators=SCALE)
    residual_impact = models.PositiveSmallIntegerField(validators=SCALE)
    target_likelihood = models.PositiveSmallIntegerField(validators=SCALE)
    target_impact = models.PositiveSmallIntegerField(validators=SCALE)
    tolerance = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The highest residual score the council will accept (1-25)",
    )
    financial_exposure = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="GBP"
    )
    trend = models.CharField(max_length=10, choices=Trend.choices, default=Trend.NEW)
    mitigations = models.TextField(blank=True)
    review_date = models.DateField(null=True, blank=True)
    escalated = models.BooleanField(default=False)
    escalated_on = models.DateField(null=True, blank=True)
    escalation_reason = models.TextField(blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    history = History()

    class Meta:
        ordering = ["reference"]
        constraints = [
            *Publishable.Meta.constraints,
            scale_constraint("inherent_likelihood", "risk_inherent_likelihood_1_5"),
            scale_constraint("inherent_impact", "risk_inherent_impact_1_5"),
            scale_constraint("residual_likelihood", "risk_residual_likelihood_1_5"),
            scale_constraint("residual_impact", "risk_residual_impact_1_5"),
            scale_constraint("target_likelihood", "risk_target_likelihood_1_5"),
            scale_constraint("target_impact", "risk_target_impact_1_5"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=1, tolerance__lte=25),
                name="risk_tolerance_1_25",
                violation_error_message="Tolerance must be a score from 1 to 25.",
            ),
            models.CheckConstraint(
                condition=Q(financial_exposure__isnull=True) | Q(financial_exposure__gte=0),
                name="risk_exposure_not_negative",
                violation_error_message="Financial exposure cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("risk", args=[self.pk])

    def is_review_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.review_date is not None
            and self.review_date < today
        )

    def needs_escalation(self, latest: "EscalationDecision | None") -> bool:
        """An open operational risk whose residual score is past its tolerance, with no
        decision on escalating it taken at this score or higher. `latest` is the risk's
        latest escalation decision (or None)."""
        return (
            self.status == self.Status.OPEN
            and self.level == self.Level.OPERATIONAL
            and not self.escalated
            and self.past_tolerance
            and (latest is None or latest.residual_score < self.residual_score)
        )


class EscalationDecision(models.Model):
    """The secretariat's decision on an operational risk past its tolerance: escalated to
    the strategic register, or not, and why, by whom and when."""

    class Decision(models.TextChoices):
        ESCALATED = "escalated", "Escalated to the strategic register"
        NOT_ESCALATED = "not_escalated", "Not escalated"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="escalation_decisions")
    decision = models.CharField(max_length=13, choices=Decision.choices)
    reason = models.TextField()
    residual_score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(25)],
        help_text="The residual score when the decision was taken",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalation_decisions"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["risk", "-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="escalation_decision_has_reason",
                violation_error_message="Say why the risk is, or is not, escalated.",
            ),
        ]

    def __str__(self):
        return f"{self.risk.reference}: {self.get_decision_display()}"

    def get_absolute_url(self):
        return reverse("risk", args=[self.risk_id]) + "#escalation"


class AssuranceStatus(models.TextChoices):
    """Where an action's latest update stands with the panel."""

    NOT_REVIEWED = "not_reviewed", "Not yet reviewed"
    ASSURED = "assured", "Assured"
    CHALLENGED = "challenged", "Challenged"
    NOT_ASSURED = "not_assured", "Not assured"


class ActionQuerySet(models.QuerySet):
    """The statuses dashboards count and lists filter by. Each is also a plain function in
    plans.queries that works on the action history too (for "as at" views)."""

    def open(self):
        from plans import queries

        return queries.open_actions(self)

    def overdue(self, today: datetime.date | None = None):
        from plans import queries

        return queries.overdue(self, today or timezone.localdate())

    def slipped(self):
        from plans import queries

        return queries.slipped(self)

    def stale(self, now: datetime.datetime | None = None):
        from plans import queries

        return queries.stale(self, now or timezone.now())


class Action(DueDates, Publishable):
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.PROTECT, related_name="actions")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="actions")
    lead_officer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="actions_led")
    lead_member = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions_held",
        help_text="The Cabinet member whose portfolio holds the action",
    )
    start_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField()
    revised_due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    rag = models.CharField(
        "RAG",
        max_length=10,
        choices=RAG.choices,
        default=RAG.NOT_RATED,
        help_text="The latest update's RAG",
    )
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    assurance = models.CharField(
        max_length=12,
        choices=AssuranceStatus.choices,
        default=AssuranceStatus.NOT_REVIEWED,
        help_text="The panel's decision on the latest update",
    )
    assured_rag = models.CharField(
        "assured RAG",
        max_length=10,
        choices=RAG.choices,
        blank=True,
        help_text="The RAG the panel assures, where it has decided",
    )
    revision_reason = models.TextField(
        blank=True, help_text="Why the due date was revised, where it was"
    )
    success_measure = models.TextField(blank=True)
    resources = models.TextField(blank=True)
    dependencies = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="dependents"
    )
    recommendations = models.ManyToManyField(Recommendation, blank=True, related_name="actions")
    risks = models.ManyToManyField(Risk, blank=True, related_name="actions")
    history = History(m2m_fields=[recommendations, risks])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "reference"]
        # The dashboard counts a plan's actions by RAG; the action list filters by both.
        indexes = [models.Index(fields=["plan", "rag"], name="action_plan_rag_idx")]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["plan", "reference"], name="action_reference_unique_in_plan"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(original_due_date__gte=F("start_date")),
                name="action_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(revised_due_date__isnull=True)
                | Q(revised_due_date__gte=F("start_date")),
                name="action_revised_due_not_before_start",
                violation_error_message="The revised due date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self):
        return reverse("action", args=[self.pk])

    def is_stale(self, now: datetime.datetime | None = None) -> bool:
        """No update for more than 35 days (an action never updated is stale too)."""
        if self.is_complete:
            return False
        now = now or timezone.now()
        if self.last_update_at is None:
            return True
        return now - self.last_update_at > datetime.timedelta(days=STALE_AFTER_DAYS)


class Milestone(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["action", "due_date"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:plans_milestone_change", args=[self.pk])

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.completed_on is None and self.due_date < (today or timezone.localdate())


class ProgressUpdate(models.Model):
    """An officer's monthly update on an action. Its RAG is a claim, which the panel's
    assurance decisions accept or question."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    period = models.DateField(help_text="The first day of the month the update is for")
    rag = models.CharField("RAG", max_length=10, choices=RAG.choices)
    narrative = models.TextField()
    evidence = models.TextField(blank=True, help_text="Links to evidence, one a line")
    revised_due_date = models.DateField(
        null=True, blank=True, help_text="A new due date for the action, where it moves"
    )
    revision_reason = models.TextField(blank=True, help_text="Why the due date moves")
    completed_on = models.DateField(
        null=True, blank=True, help_text="When the action was completed (for Blue)"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["action", "-period"]
        get_latest_by = "period"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "period"], name="one_update_per_action_per_month"
            ),
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="update_period_first_of_month",
                violation_error_message="The period is the first day of a month.",
            ),
            models.CheckConstraint(
                condition=Q(revised_due_date__isnull=True) | ~Q(revision_reason=""),
                name="update_revised_due_has_reason",
                violation_error_message="A revised due date needs a reason.",
            ),
            models.CheckConstraint(
                condition=~Q(rag=RAG.BLUE) | Q(completed_on__isnull=False),
                name="update_blue_has_completion_date",
                violation_error_message="Blue (complete) needs the date it was completed.",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference}, {self.period:%B %Y}"

    def get_absolute_url(self):
        return reverse("admin:plans_progressupdate_change", args=[self.pk])


class Assurance(models.Model):
    """The panel's (or the secretariat's, on its behalf) decision on an update's RAG."""

    class Decision(models.TextChoices):
        ASSURED = "assured", "Assured"
        CHALLENGED = "challenged", "Challenged"
        NOT_ASSURED = "not_assured", "Not assured"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="assurances")
    decision = models.CharField(max_length=11, choices=Decision.choices)
    assured_rag = models.CharField(
        "assured RAG",
        max_length=10,
        choices=RAG.choices,
        blank=True,
        help_text="The RAG the panel assures, where it differs from the claim",
    )
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assurances"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["update", "-decided_at"]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.update}"

    def get_absolute_url(self):
        return reverse("admin:plans_assurance_change", args=[self.pk])


class Challenge(models.Model):
    """A panel member's question on an action or an update; open until the owner answers."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="challenges")
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, null=True, blank=True, related_name="challenges"
    )
    question = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges_answered",
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    history = History()

    class Meta:
        ordering = ["-raised_at"]
        # The dashboard counts the open challenges on a plan's actions.
        indexes = [models.Index(fields=["status", "action"], name="challenge_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(response=""),
                name="challenge_answered_has_response",
                violation_error_message="An answered challenge needs a response.",
            ),
        ]

    def __str__(self):
        return f"Challenge on {self.action.reference}"

    def get_absolute_url(self):
        return reverse("admin:plans_challenge_change", args=[self.pk])

    def clean(self):
        if self.update_id and self.update.action_id != self.action_id:
            raise ValidationError({"update": "The update must be on the challenged action."})


class SmartRating(models.TextChoices):
    STRONG = "strong", "Strong"
    ADEQUATE = "adequate", "Adequate"
    WEAK = "weak", "Weak"
    NOT_MET = "not_met", "Not met"


class SmartAssessment(models.Model):
    """The panel's assessment of a plan (or a theme of it) against SMART criteria."""

    class Conclusion(models.TextChoices):
        SIGN_OFF = "sign_off", "Sign off"
        SIGN_OFF_WITH_CONDITIONS = "sign_off_conditions", "Sign off with conditions"
        NOT_YET = "not_yet", "Not yet"

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="assessments")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    assessor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    specific_rating = models.CharField(max_length=8, choices=SmartRating.choices)
    specific_comment = models.TextField(blank=True)
    measurable_rating = models.CharField(max_length=8, choices=SmartRating.choices)
    measurable_comment = models.TextField(blank=True)
    ambition_rating = models.CharField(
        "ambition and achievability rating", max_length=8, choices=SmartRating.choices
    )
    ambition_comment = models.TextField("ambition and achievability comment", blank=True)
    resourced_rating = models.CharField(max_length=8, choices=SmartRating.choices)
    resourced_comment = models.TextField(blank=True)
    timed_rating = models.CharField(max_length=8, choices=SmartRating.choices)
    timed_comment = models.TextField(blank=True)
    conclusion = models.CharField(max_length=20, choices=Conclusion.choices)
    summary = models.TextField(blank=True)
    history = History()

    class Meta:
        ordering = ["plan", "-assessed_on"]

    def __str__(self):
        scope = f", {self.theme}" if self.theme_id else ""
        return f"SMART assessment of {self.plan}{scope} ({self.assessed_on:%d %B %Y})"

    def get_absolute_url(self):
        return reverse("assessment", args=[self.pk])


class Indicator(models.Model):
    """A measure the panel watches month by month."""

    class Unit(models.TextChoices):
        GBP_MILLIONS = "gbp_m", "£ million"
        PERCENT = "percent", "Per cent"
        NUMBER = "number", "Number"
        DAYS = "days", "Days"

    class Polarity(models.TextChoices):
        HIGHER_IS_BETTER = "higher", "Higher is better"
        LOWER_IS_BETTER = "lower", "Lower is better"

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=8, choices=Unit.choices)
    polarity = models.CharField(max_length=6, choices=Polarity.choices)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, null=True, blank=True, related_name="indicators"
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators_owned",
        help_text="Who reports the indicator's monthly values",
    )
    history = History()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicator", args=[self.pk])

    def format_value(self, value: Decimal, *, axis: bool = False) -> str:
        """A value in the indicator's unit: "£28.0m", "£2.75m", "85.5%", "12". Money in
        millions keeps one decimal place at least, as the reports give it; on a chart's
        axis (`axis`) round numbers stay round ("£10m")."""
        value = Decimal(value)
        if self.unit == self.Unit.GBP_MILLIONS:
            sign = "-" if value < 0 else ""
            size = abs(value).normalize()
            places = max(-size.as_tuple().exponent, 0 if axis else 1)
            return f"{sign}£{size:.{places}f}m"
        if self.unit == self.Unit.PERCENT:
            return f"{value.normalize():f}%"
        return f"{value.normalize():f}"


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    period = models.DateField(help_text="The first day of the month (or year) the value is for")
    label = models.CharField(max_length=40, blank=True, help_text='e.g. "M9 2018-19"')
    value = models.DecimalField(max_digits=14, decimal_places=2)
    benchmark_quartile = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    note = models.TextField(blank=True)
    history = History()

    class Meta:
        ordering = ["indicator", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"], name="one_value_per_indicator_period"
            ),
            models.CheckConstraint(
                condition=Q(benchmark_quartile__isnull=True)
                | Q(benchmark_quartile__gte=1, benchmark_quartile__lte=4),
                name="indicator_quartile_1_4",
                violation_error_message="The benchmark quartile is 1 to 4.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator}: {self.label or self.period}"

    def get_absolute_url(self):
        return reverse("indicator", args=[self.indicator_id]) + f"#value-{self.period:%Y-%m}"

    def clean(self):
        super().clean()
        if self.period and self.period > timezone.localdate().replace(day=1):
            raise ValidationError({"period": "The period cannot be in the future."})


class AdviserEngagement(models.Model):
    """A non-executive adviser and the focus area they challenge and support (the
    2019-20 progressive-assurance model)."""

    adviser = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="engagements")
    focus_area = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="engagements"
    )
    risks = models.ManyToManyField(Risk, blank=True, related_name="engagements")
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    history = History(m2m_fields=[risks])

    class Meta:
        ordering = ["focus_area"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="engagement_ends_after_start",
                violation_error_message="The engagement cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.adviser.name}: {self.focus_area}"

    def get_absolute_url(self):
        return reverse("advisers") + f"#engagement-{self.pk}"


def evidence_path(evidence: "Evidence", filename: str) -> str:
    """Stored under a random name: the user's file name is kept only as data, so path
    tricks in it do nothing."""
    import uuid

    return f"evidence/{evidence.update.period:%Y-%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file of evidence attached to an update: stored privately (outside the static and
    public media folders) and served only through a permission-checked view."""

    MAX_BYTES = 10 * 1024 * 1024
    CONTENT_TYPES = {
        "application/pdf": ".pdf",
        "application/msword": ".doc",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
        "application/vnd.ms-excel": ".xls",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
        "application/vnd.ms-powerpoint": ".ppt",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
        "image/png": ".png",
        "image/jpeg": ".jpg",
        "image/gif": ".gif",
    }

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path, max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_files"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["update", "uploaded_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(size__lte=10 * 1024 * 1024),
                name="evidence_at_most_10_mb",
                violation_error_message="Evidence files are at most 10 MB.",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("evidence", args=[self.pk])


class CycleQuerySet(models.QuerySet):
    def latest_closed(self, *, before: datetime.date | None = None) -> "Cycle | None":
        """ "The last cycle" everywhere (risk movement, the heat map, the risk page, a
        snapshot's month before, the pack): the closed cycle latest by month, or the latest
        closed before `before`'s month; never by when it was closed (a month left open and
        closed later is not the last cycle). One query."""
        cycles = self.filter(closed_at__isnull=False)
        if before is not None:
            cycles = cycles.filter(period__lt=before)
        return cycles.order_by("-period").first()

    def with_snapshot(self) -> "CycleQuerySet":
        """Cycles whose snapshot was taken, each fetched with it."""
        return self.filter(snapshot__isnull=False).select_related("snapshot")

    def current(self) -> "Cycle | None":
        return current_cycle_of(self)


def current_cycle_of(cycles: models.QuerySet):
    """The earliest cycle still open after the latest closed one: the month officers are
    updating for. An open cycle older than a closed one (a straggler the secretariat has
    still to close) is not current. `cycles` are Cycle rows or the history's rows as they
    stood at a moment (plans.history.as_at), which have the same fields. One query."""
    closed_later = cycles.filter(closed_at__isnull=False, period__gt=models.OuterRef("period"))
    return (
        cycles.filter(closed_at__isnull=True)
        .exclude(models.Exists(closed_later))
        .order_by("period")
        .first()
    )


class Cycle(models.Model):
    """A monthly update cycle: officers update in the window before the panel's meeting;
    the secretariat closes it (and, with the reports issue, freezes a snapshot)."""

    period = models.DateField(unique=True, help_text="The first day of the month")
    opens_on = models.DateField()
    deadline = models.DateField(help_text="The last day for officers' updates")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycles_closed",
    )
    history = History()

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period__day=1),
                name="cycle_period_first_of_month",
                violation_error_message="The period is the first day of a month.",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("opens_on")),
                name="cycle_deadline_after_opening",
                violation_error_message="The deadline cannot be before the window opens.",
            ),
        ]

    def __str__(self):
        return f"{self.period:%B %Y} cycle"

    def get_absolute_url(self):
        return reverse("cycle-status")

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def current_period(today: datetime.date | None = None) -> datetime.date:
    """The month updates are due for: the open cycle's, else this calendar month."""
    cycle = Cycle.objects.current()
    if cycle is not None:
        return cycle.period
    return (today or timezone.localdate()).replace(day=1)


def import_path(job: "ImportJob", filename: str) -> str:
    """Stored under a random name, privately (like evidence): the user's file name is kept
    only as data."""
    import uuid

    return f"imports/{uuid.uuid4().hex}"


class ImportJob(models.Model):
    """A spreadsheet of actions being imported into a plan: uploaded, its columns matched
    to fields, every row checked (in the background), then, once the user confirms, all
    rows written in one transaction (in the background) or none."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Uploaded: match the columns"
        CHECKING = "checking", "Checking the rows"
        CHECKED = "checked", "Checked: ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    plan = models.ForeignKey(ImprovementPlan, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to=import_path, max_length=300)
    original_name = models.CharField(max_length=255)
    headers = models.JSONField(default=list, blank=True, help_text="The file's column headings")
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Field name -> column number (from 0)"
    )
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0, help_text="Progress of the current step")
    errors = models.JSONField(
        default=list, blank=True, help_text="[{row, column, message}] found by the check"
    )
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    conflicts = models.JSONField(
        default=list,
        blank=True,
        help_text="[{row, reference, version, fields: [{field, file, current}]}]: rows whose "
        "action changed since the version the file was made from",
    )
    chosen = models.JSONField(
        default=list, blank=True, help_text="References of the conflicts chosen to be applied"
    )
    held = models.JSONField(
        default=list,
        blank=True,
        help_text="[{row, reference, action, message, only}]: rows whose RAG and progress "
        "are not imported, this month's update on the action being someone else's",
    )
    skipped_count = models.PositiveIntegerField(
        default=0,
        help_text="Rows left as they are in the app: conflicts not chosen, and rows whose "
        "update is held back and which change nothing else",
    )
    message = models.TextField(blank=True, help_text="Why the job failed, in words")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Import of {self.original_name} into {self.plan}"

    def get_absolute_url(self):
        return reverse("import", args=[self.pk])

    @property
    def percent_done(self) -> int:
        return round(100 * self.rows_done / self.total_rows) if self.total_rows else 0

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)


class Reminder(models.Model):
    """A reminder email sent in a cycle: to an officer (first, or after the deadline) or
    the digest to the secretariat. One of each kind per person per cycle, so sending
    reminders again in the same cycle sends nothing new."""

    class Kind(models.TextChoices):
        FIRST = "first", "Reminder"
        OVERDUE = "overdue", "Second reminder, after the deadline"
        DIGEST = "digest", "Digest of who is late"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=7, choices=Kind.choices)
    action_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "recipient", "kind"], name="one_reminder_of_a_kind_per_cycle"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} ({self.cycle})"

    def get_absolute_url(self):
        return reverse("cycle-status")

"""Cycle snapshots and the reports generated from them.

Closing a monthly cycle freezes a `Snapshot`: one row per action, risk, indicator value,
meeting action and recommendation, holding the values the reports show (names as text,
not only keys), so a report generated from the snapshot can be generated again later with
the same content, whatever has changed since.

A `Report` is one document being prepared (a stock-take, a letter, a monthly pack, a SMART
assessment), with the narrative `ReportSection`s the secretariat writes. Each generation
is a `ReportVersion`: who asked, when, from which snapshot (or live data), internal or
public, draft or final, and the PDF file.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from biip.history import History
from biip.models import RAG, Person, PublicationStatus, Publishable, Schedule12AParagraph
from biip.publication import is_public
from plans.models import AssuranceStatus, Cycle, DueDates, ImprovementPlan, RiskScores, Theme


def last_day_covered(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment - datetime.timedelta(microseconds=1)).date()


class Snapshot(models.Model):
    """The frozen state of the programme when a cycle closed."""

    cycle = models.OneToOneField(Cycle, on_delete=models.PROTECT, related_name="snapshot")
    as_at = models.DateTimeField(help_text="The moment the data was read as it stood")
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="snapshots_taken",
    )
    history = History()

    class Meta:
        ordering = ["-cycle__period"]

    def __str__(self):
        return f"Snapshot of the {self.cycle.period:%B %Y} cycle"

    def get_absolute_url(self):
        return reverse("snapshot", args=[self.pk])

    @property
    def period(self) -> datetime.date:
        return self.cycle.period

    @property
    def as_at_day(self) -> datetime.date:
        """The last day the data covers: a snapshot as at the end of 31 January (midnight
        starting 1 February) stands at 31 January."""
        return last_day_covered(self.as_at)

    def previous(self) -> "Snapshot | None":
        """The snapshot of the cycle before this one, for "what changed since last month"."""
        cycle = Cycle.objects.with_snapshot().latest_closed(before=self.cycle.period)
        return cycle.snapshot if cycle else None


class FrozenPublication(models.Model):
    """The publication status a record had when it was frozen (no constraint: it is a
    copy of a record that met them). Whether the row may be shown to the public is
    `biip.publication`'s to say: by the stricter of this frozen status and the live
    record's verdict now (`source_field` names the live record)."""

    source_field = ""  # the foreign key to the live record the row was copied from

    publication_status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.PUBLIC
    )
    exemption_paragraph = models.PositiveSmallIntegerField(
        choices=Schedule12AParagraph.choices, null=True, blank=True
    )

    class Meta:
        abstract = True

    @property
    def is_public(self) -> bool:
        return is_public(self)

    @property
    def publication_source_id(self) -> int | None:
        return getattr(self, f"{self.source_field}_id")

    def publication_source(self):
        return getattr(self, self.source_field)


class ActionSnapshot(DueDates, FrozenPublication):
    source_field = "action"
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="actions")
    action = models.ForeignKey(
        "plans.Action", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    theme_code = models.CharField(max_length=10, blank=True)
    theme_name = models.CharField(max_length=200, blank=True)
    theme_order = models.PositiveSmallIntegerField(default=0)
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    directorate = models.CharField(max_length=200)
    lead_officer = models.CharField(max_length=200)
    lead_officer_user_id = models.IntegerField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField()
    revised_due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    rag = models.CharField(max_length=10, choices=RAG.choices, default=RAG.NOT_RATED)
    assurance = models.CharField(
        max_length=12, choices=AssuranceStatus.choices, default=AssuranceStatus.NOT_REVIEWED
    )
    assured_rag = models.CharField(max_length=10, choices=RAG.choices, blank=True)
    narrative = models.TextField(blank=True, help_text="The latest update's narrative")
    last_update_period = models.DateField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    milestones = models.JSONField(
        default=list, blank=True, help_text='[{"title", "due_date", "completed_on"}], ISO dates'
    )

    class Meta:
        ordering = ["plan_id", "theme_order", "theme_code", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "plan", "reference"], name="action_snapshot_unique"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        if self.action_id:
            return reverse("action", args=[self.action_id])
        return self.snapshot.get_absolute_url()


class RiskSnapshot(RiskScores, FrozenPublication):
    source_field = "risk"
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="risks")
    risk = models.ForeignKey(
        "plans.Risk", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=14)
    level = models.CharField(max_length=11)
    owner = models.CharField(max_length=200)
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    residual_likelihood = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    target_likelihood = models.PositiveSmallIntegerField()
    target_impact = models.PositiveSmallIntegerField()
    tolerance = models.PositiveSmallIntegerField()
    financial_exposure = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    trend = models.CharField(max_length=10, blank=True)
    mitigations = models.TextField(blank=True)
    escalated = models.BooleanField(default=False)
    status = models.CharField(max_length=6)

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "reference"], name="risk_snapshot_unique"),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        if self.risk_id:
            return reverse("risk", args=[self.risk_id])
        return self.snapshot.get_absolute_url()


class IndicatorSnapshot(models.Model):
    """One indicator value as it stood (an indicator with no values yet has none)."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        "plans.Indicator", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=8)
    polarity = models.CharField(max_length=6)
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    period = models.DateField()
    label = models.CharField(max_length=40, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    benchmark_quartile = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "code", "period"], name="indicator_snapshot_unique"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label or self.period}: {self.value}"

    def get_absolute_url(self):
        if self.indicator_id:
            return reverse("indicator", args=[self.indicator_id])
        return self.snapshot.get_absolute_url()


class MeetingActionSnapshot(FrozenPublication):
    source_field = "meeting_action"
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="meeting_actions")
    meeting_action = models.ForeignKey(
        "meetings.MeetingAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting_title = models.CharField(max_length=200)
    meeting_date = models.DateField()
    minute_number = models.PositiveIntegerField(null=True, blank=True)
    description = models.TextField()
    owner = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["meeting_date", "minute_number", "id"]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        if self.meeting_action_id:
            return reverse("meeting-action", args=[self.meeting_action_id])
        return self.snapshot.get_absolute_url()

    @property
    def is_done(self) -> bool:
        return self.status == "done"

    def is_overdue(self, on: datetime.date) -> bool:
        return not self.is_done and self.due_date is not None and self.due_date < on


class RecommendationSnapshot(models.Model):
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="recommendations")
    recommendation = models.ForeignKey(
        "plans.Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(max_length=200)
    source_kind = models.CharField(max_length=20)
    reference = models.CharField(max_length=20)
    text = models.TextField()
    theme_name = models.CharField(max_length=200, blank=True)
    council_response = models.TextField(blank=True)
    assessed_progress = models.CharField(max_length=20, blank=True)
    addressed_on = models.DateField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["source", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "reference"], name="recommendation_snapshot_unique"
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        if self.recommendation_id:
            return reverse("recommendation", args=[self.recommendation_id])
        return self.snapshot.get_absolute_url()


class Report(models.Model):
    """One document being prepared: its kind, the plan it is about, the data it is
    generated from (a closed cycle's snapshot, or live data while it is a draft), the
    letter's particulars, and whether it is final."""

    class Kind(models.TextChoices):
        STOCKTAKE = "stocktake", "Stock-take report"
        LETTER = "letter", "Letter to the Secretary of State"
        PACK = "pack", "Monthly report pack"
        SMART = "smart", "SMART assessment report"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    kind = models.CharField(max_length=9, choices=Kind.choices)
    title = models.CharField(max_length=200)
    plan = models.ForeignKey(ImprovementPlan, on_delete=models.PROTECT, related_name="reports")
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The closed cycle the figures come from; none for live data (drafts only)",
    )
    status = models.CharField(max_length=5, choices=Status.choices, default=Status.DRAFT)
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_finalised",
    )
    # Particulars of a letter (blank for other kinds).
    reference = models.CharField(max_length=60, blank=True, help_text='e.g. "BIIP/2019/03"')
    dated = models.DateField(null=True, blank=True, help_text="The date the document bears")
    addressee = models.TextField(blank=True, help_text="Name, title and address, one line each")
    salutation = models.CharField(max_length=100, blank=True, default="Dear Secretary of State")
    subject = models.CharField(max_length=200, blank=True)
    signatory = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_signed",
        help_text="Who signs the letter (the Chair)",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_created"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = History()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="final") | Q(snapshot__isnull=False),
                name="report_final_needs_snapshot",
                violation_error_message="A final report is generated from a closed cycle.",
            ),
            models.CheckConstraint(
                condition=~Q(status="final") | Q(finalised_at__isnull=False),
                name="report_final_has_date",
                violation_error_message="A final report records when it was finalised.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("report", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class ReportSection(Publishable):
    """A narrative section the secretariat writes, in Markdown (a safe subset)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=40, help_text='Where it goes, e.g. "summary" or "theme-3"')
    heading = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True, help_text="Markdown")
    heading_public = models.BooleanField(
        "the heading may be published",
        default=False,
        help_text="When the section is withheld, a public version shows its heading, "
        "not a neutral one",
    )
    history = History()

    class Meta:
        ordering = ["report", "order", "id"]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(fields=["report", "key"], name="report_section_unique_key"),
        ]

    def __str__(self):
        return f"{self.report}: {self.heading}"

    def get_absolute_url(self):
        return reverse("report-section-edit", args=[self.report_id, self.pk])


# A version waiting or generating that has not moved on for this long has stalled. The
# longest PDF, the stock-take report at 20,000 actions, takes about 5 minutes to lay out
# (docs/benchmarks.md), without a sign of progress in between; a queue of several waits
# its turn.
STALLED_AFTER = datetime.timedelta(minutes=30)
STALLED_REASON = (
    "The PDF was not finished: its generation stopped (the worker may have been restarted). "
    "Try again."
)


def report_path(version: "ReportVersion", filename: str) -> str:
    return f"reports/{version.report_id}/{filename}"


class ReportVersion(models.Model):
    """One generation of a report: internal or public, as a draft or final, from which
    data, by whom; the PDF once the background task has written it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Generating"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    public = models.BooleanField(default=False)
    draft = models.BooleanField(default=True, help_text="Marked DRAFT (not yet finalised)")
    snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    content_at = models.DateTimeField(
        default=timezone.now,
        help_text="The narrative and particulars are taken as they stood at this moment",
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    message = models.TextField(blank=True, help_text="Why it failed, in words")
    file = models.FileField(upload_to=report_path, max_length=300, blank=True)
    size = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_versions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(
        auto_now=True, help_text="Last sign of the work: asked for, started, moved on, ended"
    )
    # A published public version taken back from the public (who, when and why; the
    # history keeps the same). The public page says it was withdrawn and when.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_versions_withdrawn",
    )
    withdrawal_reason = models.TextField(
        blank=True, help_text="Why it was withdrawn (kept internal)"
    )
    history = History()

    class Meta:
        ordering = ["report", "-number", "public"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number", "public"], name="report_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_version_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("created_at")),
                name="report_version_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(
                    withdrawn_at__isnull=True, withdrawn_by__isnull=True, withdrawal_reason=""
                )
                | (
                    Q(public=True, withdrawn_at__isnull=False, withdrawn_by__isnull=False)
                    & ~Q(withdrawal_reason="")
                ),
                name="report_version_withdrawal_recorded",
                violation_error_message="Only a public version is withdrawn, and its "
                "withdrawal records who, when and why.",
            ),
        ]

    def __str__(self):
        kind = "public" if self.public else "internal"
        return f"{self.report} v{self.number} ({kind})"

    def get_absolute_url(self):
        return reverse("report-version", args=[self.report_id, self.pk])

    @property
    def is_running(self) -> bool:
        """Waiting or generating, and heard from lately."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and not self.is_stalled

    @property
    def is_stalled(self) -> bool:
        """Waiting or generating, but not heard from for longer than STALLED_AFTER: its
        worker stopped (killed, restarted, the machine went down) before the PDF was
        finished. It can be tried again like a failed one."""
        return (
            self.status in (self.Status.QUEUED, self.Status.RUNNING)
            and self.updated_at < timezone.now() - STALLED_AFTER
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def marking(self) -> str:
        return "OFFICIAL" if self.public else "OFFICIAL-SENSITIVE"

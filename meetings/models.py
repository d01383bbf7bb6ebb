"""Panel meetings: attendance, agenda, numbered minutes, actions arising and formal
advice."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from biip.history import History
from biip.models import Person, Publishable
from biip.publication import PUBLIC, STRICTNESS, Verdict
from plans.models import Action

UNPUBLISHED_MEETING = "Withheld until the minutes of its meeting are published"


def clock(time: datetime.time) -> str:
    """A time as the minutes write it: 12:15pm, 9am."""
    suffix = "am" if time.hour < 12 else "pm"
    hour = time.hour % 12 or 12
    return f"{hour}{suffix}" if time.minute == 0 else f"{hour}:{time.minute:02d}{suffix}"


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(date__gte=today).order_by("date", "start_time")

    def past(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(date__lt=today).order_by("-date", "-start_time")

    def published(self):
        """Meetings whose minutes are published: the only ones the public sees."""
        return self.filter(status=Meeting.Status.PUBLISHED)


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly panel meeting"
        QUARTERLY_PUBLIC = "quarterly_public", "Quarterly public meeting"
        OTHER = "other", "Other meeting"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        MINUTES_DRAFTED = "drafted", "Minutes drafted"
        MINUTES_AGREED = "agreed", "Minutes agreed"
        PUBLISHED = "published", "Minutes published"

    title = models.CharField(max_length=300)
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField()
    place = models.CharField(max_length=300, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MONTHLY)
    is_open_to_public = models.BooleanField(
        "open to the public", default=False, help_text="Closed meetings are held in private"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    next_meeting = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="previous_meetings"
    )
    minutes_agreed_at = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="minutes_agreed",
        help_text="The meeting at which these minutes were agreed",
    )
    minutes_agreed_on = models.DateField(null=True, blank=True)
    minutes_published_on = models.DateField(null=True, blank=True)
    history = History()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-start_time"]
        indexes = [models.Index(fields=["date", "start_time"], name="meeting_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="meeting_ends_after_start",
                violation_error_message="The meeting must end after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(next_meeting=F("pk")),
                name="meeting_not_its_own_next",
                violation_error_message="A meeting cannot be its own next meeting.",
            ),
        ]

    def __str__(self):
        return f"{self.title}, {self.date:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("meeting", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def own_verdict(self) -> Verdict:
        """For biip.publication: a meeting's content (its items, minutes, actions arising
        and formal advice) is public only once its minutes are published."""
        if self.is_published:
            return PUBLIC
        return Verdict(False, STRICTNESS["confidential"], UNPUBLISHED_MEETING, passes_on=True)

    @property
    def minutes_are_a_record(self) -> bool:
        """Agreed (and published) minutes change only through an amendment."""
        return self.status in (self.Status.MINUTES_AGREED, self.Status.PUBLISHED)

    def is_locked_for(self, user) -> bool:
        """Agreed minutes that `user` may not change now: they have no amendment open."""
        return self.minutes_are_a_record and self.open_amendment(user) is None

    def open_amendment(self, user) -> "MinutesAmendment | None":
        """The amendment `user` has open on these minutes, if any."""
        return self.amendments.filter(finished_at__isnull=True, made_by=user).first()

    def current_publication(self) -> "MinutesPublication | None":
        """The minutes as last published (None if never published through the app, or
        withdrawn)."""
        if not self.is_published:
            return None
        return self.publications.order_by("-published_at", "-pk").first()

    @property
    def time_span(self) -> str:
        """ "12:15pm to 2:15pm"."""
        return f"{clock(self.start_time)} to {clock(self.end_time)}"

    @property
    def when(self) -> str:
        """ "Tuesday 29 January 2019, 12:15pm to 2:15pm"."""
        return f"{self.date:%A} {self.date.day} {self.date:%B %Y}, {self.time_span}"

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    def matters_arising(self):
        """Every action arising from earlier meetings that is still open."""
        return (
            MeetingAction.objects.filter(
                status=MeetingAction.Status.OPEN, meeting__date__lt=self.date
            )
            .select_related("meeting", "minute", "owner", "promoted_to")
            .order_by("meeting__date", "minute__number", "pk")
        )


class Attendance(models.Model):
    class Group(models.TextChoices):
        PANEL = "panel", "Panel"
        COUNCIL = "council", "Council"
        GOVERNMENT = "government", "Government"
        OTHER = "other", "Other"

    class MeetingRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        ADVISER = "adviser", "Adviser"
        OFFICER = "officer", "Officer"
        OBSERVER = "observer", "Observer"

    class Presence(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    group = models.CharField(max_length=10, choices=Group.choices)
    role = models.CharField(max_length=8, choices=MeetingRole.choices, default=MeetingRole.MEMBER)
    title_at_meeting = models.CharField(
        max_length=200, blank=True, help_text="The person's title as the minutes give it"
    )
    presence = models.CharField(max_length=9, choices=Presence.choices, default=Presence.PRESENT)
    order = models.PositiveSmallIntegerField(default=0)
    history = History()

    class Meta:
        ordering = ["meeting", "group", "order"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attend_meeting_once"),
        ]

    def __str__(self):
        return f"{self.person.name} at {self.meeting}"

    def get_absolute_url(self):
        return reverse("meeting", args=[self.meeting_id]) + "#attendance"


class AgendaItem(Publishable):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.PositiveSmallIntegerField()
    heading = models.CharField(max_length=300)
    presenter = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    papers = models.TextField(blank=True, help_text="The papers circulated for the item")
    history = History()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["meeting", "number"], name="agenda_number_unique_in_meeting"
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.heading}"

    def get_absolute_url(self):
        return reverse("meeting", args=[self.meeting_id]) + f"#item-{self.number}"

    def publication_parents(self) -> list:
        return [self.meeting]


class Minute(Publishable):
    """A numbered paragraph of the minutes; numbering runs through the whole meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = History()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            *Publishable.Meta.constraints,
            models.UniqueConstraint(
                fields=["meeting", "number"], name="minute_number_unique_in_meeting"
            ),
        ]

    def __str__(self):
        return f"Minute {self.number} of {self.meeting}"

    def get_absolute_url(self):
        return reverse("meeting", args=[self.meeting_id]) + f"#minute-{self.number}"

    def publication_parents(self) -> list:
        return [self.agenda_item, self.meeting]

    def clean(self):
        super().clean()
        if self.agenda_item_id and self.agenda_item.meeting_id != self.meeting_id:
            raise ValidationError({"agenda_item": "The agenda item must be of the same meeting."})


class MeetingAction(Publishable):
    """An action arising from a meeting, carried in the action log until done."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    minute = models.ForeignKey(
        Minute, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meeting_actions")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=4, choices=Status.choices, default=Status.OPEN)
    note = models.TextField(blank=True)
    completed_on = models.DateField(null=True, blank=True)
    promoted_to = models.OneToOneField(
        Action,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arising_from",
        help_text="The improvement-plan action this was promoted into",
    )
    history = History()

    class Meta:
        ordering = ["meeting", "pk"]
        indexes = [models.Index(fields=["status", "due_date"], name="meeting_action_status_idx")]
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status="open", completed_on__isnull=True)
                | Q(status="done", completed_on__isnull=False),
                name="meeting_action_done_has_date",
                violation_error_message=(
                    "A done action has the date it was done; an open one has none."
                ),
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("meeting-action", args=[self.pk])

    def publication_parents(self) -> list:
        """Its minute (which answers for its agenda item) and its meeting."""
        return [self.minute, self.meeting]

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today
        )

    def clean(self):
        super().clean()
        if self.minute_id and self.minute.meeting_id != self.meeting_id:
            raise ValidationError({"minute": "The minute must be of the same meeting."})


class FormalAdvice(Publishable):
    """Formal advice the panel gave at a meeting; that none was given is recorded too.
    Like a minute, it may be exempt or confidential, and is public only once the
    meeting's minutes are published."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="formal_advice")
    none_given = models.BooleanField(default=False)
    advice = models.TextField(blank=True)
    history = History()

    class Meta:
        verbose_name_plural = "formal advice"
        constraints = [
            *Publishable.Meta.constraints,
            models.CheckConstraint(
                condition=Q(none_given=True, advice="") | (Q(none_given=False) & ~Q(advice="")),
                name="formal_advice_given_or_none",
                violation_error_message="Record the advice, or that none was given, not both.",
            ),
        ]

    def __str__(self):
        return "No formal advice given" if self.none_given else self.advice[:80]

    def get_absolute_url(self):
        return reverse("meeting", args=[self.meeting_id]) + "#formal-advice"

    def publication_parents(self) -> list:
        return [self.meeting]


class MinutesAmendment(models.Model):
    """A change to agreed minutes: why (the reason, typed when the amendment is opened),
    who, when, and what changed (one line per change, written by meetings.services in the
    transaction that makes the change). Open until its maker finishes it; only a finished
    amendment is shown on the minutes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_amendments"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    changes = models.TextField(blank=True, help_text="What changed, one change a line")
    touches_withheld = models.BooleanField(
        default=False,
        help_text="A change touched something withheld from the public: the public sees "
        "only that withheld content was amended",
    )
    history = History()

    class Meta:
        ordering = ["meeting", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(finished_at__isnull=True),
                name="one_open_amendment_per_meeting",
                violation_error_message="Someone is already amending these minutes.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="amendment_has_reason",
                violation_error_message="Say why the minutes are being amended.",
            ),
        ]

    def __str__(self):
        return f"Amendment of the minutes of {self.meeting}"

    def get_absolute_url(self):
        return reverse("meeting", args=[self.meeting_id]) + "#amendments"

    @property
    def change_list(self) -> list[str]:
        return [line for line in self.changes.splitlines() if line]

    @property
    def amended_on(self) -> datetime.date:
        return timezone.localtime(self.finished_at or self.opened_at).date()

    @property
    def note(self) -> str:
        """The amendment as the internal minutes record it: what, why, who and when."""
        who = self.made_by.get_full_name() or self.made_by.get_username()
        return (
            f"Amended on {self.amended_on:%-d %B %Y} by {who}: "
            f"{'; '.join(self.change_list)}. Reason: {self.reason}"
        )

    @property
    def public_note(self) -> str:
        """The amendment as the public reads it: no reason and no detail when it touched
        anything withheld."""
        date = f"{self.amended_on:%-d %B %Y}"
        if self.touches_withheld:
            return f"Amended on {date}: withheld content was amended."
        return f"Amended on {date}: {'; '.join(self.change_list)}. Reason: {self.reason}"


class MinutesPublication(models.Model):
    """The public version of the minutes, frozen when the secretariat published (or
    republished) them: what the public pages and PDF show until the next publication,
    whatever is amended meanwhile (meetings.published). Never changed once made."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="publications")
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="minutes_publications"
    )
    outline = models.JSONField(help_text="The public outline as published")

    class Meta:
        ordering = ["meeting", "-published_at"]

    def __str__(self):
        return f"Minutes of {self.meeting} as published on {self.published_at:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("public-meeting", args=[self.meeting_id])

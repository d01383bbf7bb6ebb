"""What every app shares: organisations, people, directorates, roles, the RAG scale and
the publication status that agenda items, minutes, actions, risks and report sections
carry."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from biip.history import History


class RAG(models.TextChoices):
    """The one RAG scale used everywhere. Colour is never the only signal: the label is
    always shown with it."""

    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    NOT_RATED = "not_rated", "Not yet rated"

    @property
    def meaning(self) -> str:
        return RAG_MEANINGS[self]


RAG_MEANINGS = {
    RAG.BLUE: "Complete",
    RAG.GREEN: "On track",
    RAG.AMBER: "At risk or minor slippage",
    RAG.RED: "Off track or significant slippage",
    RAG.NOT_RATED: "No update rated yet",
}

# The order the scale is shown in: worst first, so what needs attention leads.
RAG_ORDER = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE, RAG.NOT_RATED]


class Role(models.TextChoices):
    """The four roles, each a Django group of the same name (created by a migration)."""

    OFFICER = "Council officer"
    PANEL = "Panel member"
    SECRETARIAT = "Secretariat"
    ADMINISTRATOR = "Administrator"


def role_of(user) -> str:
    """The user's role for display: the first of the role groups they belong to."""
    if not user.is_authenticated:
        return ""
    names = {group.name for group in user.groups.all()}
    for role in (Role.ADMINISTRATOR, Role.SECRETARIAT, Role.PANEL, Role.OFFICER):
        if role.value in names:
            return role.value
    return "Administrator" if user.is_superuser else ""


class PublicationStatus(models.TextChoices):
    PUBLIC = "public", "Public"
    EXEMPT = "exempt", "Exempt"
    CONFIDENTIAL = "confidential", "Confidential"


class Schedule12AParagraph(models.IntegerChoices):
    """Paragraphs of Part 1 of Schedule 12A to the Local Government Act 1972."""

    INDIVIDUAL = 1, "1: information relating to any individual"
    IDENTITY = 2, "2: information likely to reveal the identity of an individual"
    FINANCIAL = 3, "3: financial or business affairs of any particular person"
    LABOUR_RELATIONS = 4, "4: consultations or negotiations on labour relations"
    LEGAL_PRIVILEGE = 5, "5: legal professional privilege"
    NOTICES_ORDERS = 6, "6: notices, orders or directions under an enactment"
    CRIME = 7, "7: prevention, investigation or prosecution of crime"


class Publishable(models.Model):
    """Publication status: public, exempt (with the Schedule 12A paragraph and a date to
    review the exemption) or confidential."""

    publication_status = models.CharField(
        max_length=12, choices=PublicationStatus.choices, default=PublicationStatus.PUBLIC
    )
    exemption_paragraph = models.PositiveSmallIntegerField(
        choices=Schedule12AParagraph.choices,
        null=True,
        blank=True,
        help_text="Schedule 12A paragraph, for exempt information",
    )
    exemption_review_date = models.DateField(
        null=True, blank=True, help_text="When to review the exemption"
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        publication_status=PublicationStatus.EXEMPT,
                        exemption_paragraph__isnull=False,
                        exemption_review_date__isnull=False,
                    )
                    | (
                        ~Q(publication_status=PublicationStatus.EXEMPT)
                        & Q(exemption_paragraph__isnull=True)
                    )
                ),
                name="%(app_label)s_%(class)s_exemption_paragraph",
                violation_error_message=(
                    "Exempt information needs a Schedule 12A paragraph and a review date; "
                    "other information has no paragraph."
                ),
            ),
        ]

    @property
    def is_public(self) -> bool:
        """The record's own status only, for marking it on internal pages. Whether it may
        be shown to the public (with everything it belongs to) is for
        `biip.publication.verdict` to say: every public output asks that."""
        return self.publication_status == PublicationStatus.PUBLIC

    def clean(self):
        super().clean()
        if self.publication_status == PublicationStatus.EXEMPT:
            errors = {}
            if self.exemption_paragraph is None:
                errors["exemption_paragraph"] = "Choose the Schedule 12A paragraph that applies."
            if self.exemption_review_date is None:
                errors["exemption_review_date"] = "Enter a date to review the exemption."
            if errors:
                raise ValidationError(errors)
        elif self.exemption_paragraph is not None:
            raise ValidationError(
                {"exemption_paragraph": "Only exempt information has a Schedule 12A paragraph."}
            )


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        PANEL = "panel", "Improvement panel"
        GOVERNMENT = "government", "Government department"
        AUDITOR = "auditor", "External auditor"
        PARTNER = "partner", "Partner"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    history = History()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("admin:biip_organisation_change", args=[self.pk])


class Person(models.Model):
    """Attendees, owners, advisers and assessors are people; not every person signs in."""

    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200, blank=True, help_text='e.g. "Chief Executive"')
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="people")
    directorate = models.ForeignKey(
        "Directorate", on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    email = models.EmailField(blank=True)
    history = History()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "organisation"], name="person_unique_in_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name

    def get_absolute_url(self):
        return reverse("admin:biip_person_change", args=[self.pk])


class Directorate(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="directorates"
    )
    history = History()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:biip_directorate_change", args=[self.pk])

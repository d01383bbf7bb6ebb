"""The risk register's filters: category (PESTLE), strategic or operational, owner, the
residual score's band (on the product of likelihood and impact, worked out in the
database), escalated or not, status, publication status, and the likelihood and impact
of the residual or inherent score (the heat map's cells link to these). A value that is
not one of a filter's choices is refused with a message beside it, and filters nothing."""

import django_filters
from django import forms
from django.db.models import F, Q

from biip.forms import OptionsForm
from biip.models import Person, PublicationStatus
from plans.models import Risk, RiskBand, band_range
from plans.risks import SCALE

ROW_RELATIONS = ("owner", "directorate")
YES, NO = "yes", "no"


def choose(what: str) -> dict[str, str]:
    message = f"Choose {what} from the list"
    return {"invalid_choice": message, "invalid_pk_value": message}


def with_scores(risks):
    """The risks with their scores (likelihood x impact) as columns, to filter and sort on."""
    return risks.annotate(
        inherent_product=F("inherent_likelihood") * F("inherent_impact"),
        residual_product=F("residual_likelihood") * F("residual_impact"),
        target_product=F("target_likelihood") * F("target_impact"),
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField


def scale_filter(label: str) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=label,
        choices=[(str(n), str(n)) for n in SCALE],
        empty_label="Any",
        error_messages={"invalid_choice": f"Choose a {label.lower()} from 1 to 5"},
    )


class RiskFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="filter_q")
    category = django_filters.ChoiceFilter(
        label="Category (PESTLE)",
        choices=Risk.Category.choices,
        empty_label="Any category",
        error_messages=choose("a category"),
    )
    level = django_filters.ChoiceFilter(
        label="Strategic or operational",
        choices=Risk.Level.choices,
        empty_label="Either",
        error_messages=choose("strategic or operational"),
    )
    owner = OwnerFilter(
        label="Owner",
        queryset=Person.objects.filter(risks_owned__isnull=False).distinct().order_by("name"),
        empty_label="Any owner",
        error_messages=choose("an owner"),
    )
    band = django_filters.ChoiceFilter(
        label="Residual score band",
        choices=RiskBand.choices,
        method="filter_band",
        empty_label="Any band",
        error_messages=choose("a band"),
    )
    escalated = django_filters.ChoiceFilter(
        label="Escalated",
        choices=[(YES, "Yes"), (NO, "No")],
        method="filter_escalated",
        empty_label="Either",
        error_messages=choose("yes or no"),
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=Risk.Status.choices,
        empty_label="Open or closed",
        error_messages=choose("a status"),
    )
    publication_status = django_filters.ChoiceFilter(
        label="Publication status",
        choices=PublicationStatus.choices,
        empty_label="Any",
        error_messages=choose("a publication status"),
    )
    residual_likelihood = scale_filter("Residual likelihood")
    residual_impact = scale_filter("Residual impact")
    inherent_likelihood = scale_filter("Inherent likelihood")
    inherent_impact = scale_filter("Inherent impact")

    SELECTS = (
        "category",
        "level",
        "owner",
        "band",
        "escalated",
        "status",
        "publication_status",
    )
    SCALES = ("residual_likelihood", "residual_impact", "inherent_likelihood", "inherent_impact")

    class Meta:
        model = Risk
        fields: list[str] = []
        form = OptionsForm

    def filter_queryset(self, queryset):
        return super().filter_queryset(with_scores(queryset.select_related(*ROW_RELATIONS)))

    @property
    def is_filtered(self) -> bool:
        return any(
            value not in (None, "") for value in getattr(self.form, "cleaned_data", {}).values()
        )

    @property
    def scales_used(self) -> bool:
        """Whether a likelihood or impact filter is asked for, valid or not (their section
        is then open, so that the filter, or its error, is seen)."""
        return any(self.data.get(name) not in (None, "") for name in self.SCALES)

    def filter_q(self, queryset, name, value):
        text = value.strip()
        return queryset.filter(
            Q(reference__icontains=text)
            | Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(owner__name__icontains=text)
        )

    def filter_band(self, queryset, name, value):
        return queryset.filter(residual_product__range=band_range(RiskBand(value)))

    def filter_escalated(self, queryset, name, value):
        if value in (YES, NO):
            return queryset.filter(escalated=value == YES)
        return queryset

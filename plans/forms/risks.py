"""Forms with which owners update their risks and the secretariat decides on escalation.

The words of the 1-5 likelihood and impact scales are defined here, once. A risk update
carries the version of the risk the form was opened on (ConflictCheckedForm): if someone
saved the risk since, nothing is saved and the form says who changed what and when.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from biip.forms import ConflictCheckedForm, Radios, uk_dates
from plans.models import EscalationDecision, Risk

# The 1-5 scales a risk is scored on: (value, words). Score = likelihood x impact.
LIKELIHOOD_SCALE = [
    (1, "1 Rare"),
    (2, "2 Unlikely"),
    (3, "3 Possible"),
    (4, "4 Likely"),
    (5, "5 Almost certain"),
]
IMPACT_SCALE = [
    (1, "1 Negligible"),
    (2, "2 Minor"),
    (3, "3 Moderate"),
    (4, "4 Major"),
    (5, "5 Severe"),
]

# The trend radio that leaves the trend to be worked out from the residual score.
TREND_FROM_SCORE = "auto"
TREND_CHOICES = [
    (TREND_FROM_SCORE, "Work it out from the residual score"),
    *[(value, label) for value, label in Risk.Trend.choices if value != Risk.Trend.NEW],
]
SCORE_FIELDS = {
    "residual_likelihood": ("Residual likelihood", LIKELIHOOD_SCALE),
    "residual_impact": ("Residual impact", IMPACT_SCALE),
    "target_likelihood": ("Target likelihood", LIKELIHOOD_SCALE),
    "target_impact": ("Target impact", IMPACT_SCALE),
}

# The order of the update form's questions (and of its error summary).
FIELD_ORDER = [
    "residual_likelihood",
    "residual_impact",
    "trend",
    "mitigations",
    "review_date",
    "target_likelihood",
    "target_impact",
]


def scale_field(label: str, scale: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=scale,
        coerce=int,
        widget=Radios,
        error_messages={
            "required": f"Choose the {label.lower()}, from 1 to 5",
            "invalid_choice": f"Choose the {label.lower()}, from 1 to 5",
        },
    )


def review_date_error(review_date: datetime.date | None) -> str | None:
    """Why a next review date is refused (it is in the past), or None."""
    if review_date is not None and review_date < timezone.localdate():
        return "The next review date cannot be in the past: enter today or a later date"
    return None


def review_date_hint(risk: Risk) -> str:
    """The next review date's hint: an example three months on, and whether the review
    the risk is waiting for is overdue."""
    today = timezone.localdate()
    example = f"For example, {today + datetime.timedelta(days=91):%d/%m/%Y}"
    if risk.pk and risk.is_review_overdue(today):
        return (
            f"The review due on {date_format(risk.review_date)} is overdue: enter the date "
            f"of the next one, today or later. {example}"
        )
    return f"Today or later. {example}"


class RiskUpdateForm(ConflictCheckedForm):
    """An owner's update of a risk: residual and target scores, mitigations, trend and the
    next review date. Saved through plans.services.record_risk_update (see changes())."""

    noun = "risk"
    trend = forms.ChoiceField(
        label="Trend",
        choices=TREND_CHOICES,
        initial=TREND_FROM_SCORE,
        widget=Radios,
        error_messages={
            "required": "Choose the risk's trend, or let it be worked out from the score",
            "invalid_choice": "Choose the risk's trend, or let it be worked out from the score",
        },
    )

    class Meta:
        model = Risk
        fields = [*SCORE_FIELDS, "mitigations", "review_date"]
        formfield_callback = uk_dates
        labels = {"review_date": "Next review date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, scale) in SCORE_FIELDS.items():
            self.fields[name] = scale_field(label, scale)
        self.fields["review_date"].error_messages["invalid"] = (
            "Enter the next review date as a real date, for example 31/03/2019"
        )
        self.order_fields(FIELD_ORDER)
        self.fields["review_date"].help_text = review_date_hint(self.instance)
        self.fields["trend"].help_text = (
            f"Worked out from the residual score, now {self.instance.residual_score}: a lower "
            "score is Improving, a higher one Worsening, the same leaves the trend as it is "
            f"({self.instance.get_trend_display()}). Or choose the trend yourself."
        )

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        error = review_date_error(review_date)
        if error:
            raise ValidationError(error)
        return review_date

    def changes(self) -> dict:
        """The service's keyword arguments: trend None means "work it out"."""
        data = self.cleaned_data
        changes = {name: data[name] for name in FIELD_ORDER}
        changes["trend"] = None if data["trend"] == TREND_FROM_SCORE else data["trend"]
        return changes


ESCALATION_CHOICES = [
    (EscalationDecision.Decision.ESCALATED, "Escalate to the strategic register"),
    (EscalationDecision.Decision.NOT_ESCALATED, "Do not escalate"),
]


class EscalationForm(forms.Form):
    """The secretariat's decision on escalating a risk, and why."""

    decision = forms.ChoiceField(
        label="Your decision",
        choices=ESCALATION_CHOICES,
        widget=Radios,
        error_messages={
            "required": "Choose whether to escalate the risk to the strategic register",
            "invalid_choice": "Choose whether to escalate the risk to the strategic register",
        },
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea,
        help_text="Recorded with your name and today's date, and shown on the risk page",
        error_messages={"required": "Enter why the risk is, or is not, escalated"},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Enter why the risk is, or is not, escalated")
        return reason

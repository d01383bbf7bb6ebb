"""Forms every app shares: sign-in, and the building blocks of the app's forms (UK dates,
GOV.UK radios and checkboxes, plain error messages, and edit forms that detect changes
someone else saved after the form was opened)."""

import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages in plain English. A wrong username or password
    is reported beside the password field (and in the error summary), never saying which of
    the two was wrong."""

    error_messages = {
        "invalid_login": (
            "Enter a correct username and password. Both are case-sensitive: check caps lock."
        ),
        "inactive": "This account is not active. Ask an administrator to reactivate it.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as error:
            field = "password" if error.code == "invalid_login" else "username"
            self.add_error(field, error)
            return self.cleaned_data


class OptionsBoundField(BoundField):
    """A bound field whose `options` are its select's <option> elements, written in one
    pass. Iterating a bound field in a template renders a widget for each option, which
    for a filter of a thousand lead officers took a third of a second."""

    @property
    def options(self) -> str:
        chosen = self.value()
        chosen = "" if chosen is None else str(chosen)
        return mark_safe(
            "".join(
                f'<option value="{escape(value)}"'
                f"{' selected' if str(value) == chosen else ''}>{escape(label)}</option>"
                for value, label in self.field.choices
            )
        )


class OptionsForm(forms.Form):
    """A form whose selects the template writes with `{{ field.options }}`."""

    bound_field_class = OptionsBoundField


class UKDateField(forms.DateField):
    """A date typed as 31/03/2019 (or 31 March 2019), shown back as 31/03/2019."""

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return value


class Radios(forms.RadioSelect):
    """Radios whose field's label target is the first radio, so the error summary links
    to something that takes focus."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


class Checkboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose field's label target is the first checkbox (see Radios)."""

    def id_for_label(self, id_, index="0"):
        return super().id_for_label(id_, index)


def uk_dates(db_field: models.Field, **kwargs) -> forms.Field | None:
    """ModelForm field callback: every date field is a UKDateField."""
    if isinstance(db_field, models.DateField):
        kwargs["form_class"] = UKDateField
    return db_field.formfield(**kwargs)


def set_messages(form: forms.BaseForm, required: dict[str, str]) -> None:
    """Plain messages: `required` maps field names to the message for an empty field;
    dates get "Enter <label> as a real date, for example 31/03/2019"."""
    for name, field in form.fields.items():
        if field.widget.is_hidden:
            continue
        label = field.label[:1].lower() + field.label[1:]
        if name in required:
            field.error_messages["required"] = required[name]
        if isinstance(field, forms.DateField):
            field.error_messages["invalid"] = (
                f"Enter the {label} as a real date, for example 31/03/2019"
            )
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.error_messages["invalid_choice"] = f"Choose the {label} from the list"
        if isinstance(field, forms.ModelMultipleChoiceField):
            field.error_messages["invalid_pk_value"] = f"Choose the {label} from the list"
        if isinstance(field, forms.IntegerField):
            field.error_messages["invalid"] = f"Enter the {label} as a whole number"


def without_blank(field: forms.ChoiceField) -> None:
    """Drop the "---------" choice from a field shown as radios."""
    field.choices = [choice for choice in field.choices if choice[0] != ""]


def person_name(user) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()


def latest_history(instance: models.Model):
    """The record's latest history row (with its user), or None."""
    return instance.history.select_related("history_user").order_by("-history_id").first()


def shown(field: models.Field, value) -> str:
    """A saved value in words, for the conflict warning."""
    if field.many_to_many:
        return "changed"
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value)
    return str(value)


class ConflictCheckedForm(forms.ModelForm):
    """An edit form that carries the id of the record's latest history row when it was
    opened (`seen_version`). If someone saved the record since, the form is invalid: it is
    shown again with the user's input, a warning naming who changed what and when, and the
    new version, so saving again keeps the user's changes knowingly."""

    seen_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    noun = "record"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.latest = latest_history(self.instance) if self.instance.pk else None
        self.conflict = False
        self.conflict_changes: list[tuple[str, str]] = []

    @property
    def latest_version(self) -> int:
        """The version the page is showing: the latest history row's id."""
        return self.latest.history_id if self.latest is not None else 0

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and cleaned_data.get("seen_version") != self.latest_version:
            self.conflict = True
            self.conflict_changes = self.changes_since(cleaned_data.get("seen_version"))
            self.add_error(None, ValidationError(self.conflict_message(), code="conflict"))
        return cleaned_data

    def conflict_message(self) -> str:
        if self.latest is None:
            return f"This {self.noun} changed after you opened it. Nothing has been saved."
        moment = timezone.localtime(self.latest.history_date)
        when = f"{date_format(moment)} at {moment:%H:%M}"
        return (
            f"{person_name(self.latest.history_user)} changed this {self.noun} on {when}, "
            "after you opened it. Nothing has been saved: check your answers against "
            "their changes, then save again to keep yours."
        )

    def changes_since(self, seen: int | None) -> list[tuple[str, str]]:
        """(field label, value now saved) for each field changed since version `seen`."""
        if self.latest is None or seen is None:
            return []
        old = self.instance.history.filter(history_id=seen).first()
        if old is None:
            return []
        delta = self.latest.diff_against(old, foreign_keys_are_objs=True)
        model = self.instance._meta.model
        changes = []
        position = {field.name: i for i, field in enumerate(model._meta.get_fields())}
        for change in sorted(delta.changes, key=lambda change: position[change.field]):
            field = model._meta.get_field(change.field)
            changes.append((capfirst(field.verbose_name), shown(field, change.new)))
        return changes

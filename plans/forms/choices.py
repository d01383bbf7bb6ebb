"""A model multiple-choice field that refuses a key the database could not hold.

Django's ModelMultipleChoiceField looks the chosen values up with `pk__in=[...]`. A
posted value such as 99999999999999999999 passes its int() check, but then SQLite
raises OverflowError and PostgreSQL refuses the query: a 500 where the user should see
"choose from the list". This field refuses such a value first, with the same message
as any other value that is not one of the choices."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        model = self.queryset.model
        key = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if isinstance(key, models.IntegerField) and isinstance(value, list | tuple):
            low, high = connection.ops.integer_field_range(key.get_internal_type())
            for item in value:
                try:
                    number = int(str(item).strip())
                except ValueError:
                    continue  # Django's own check reports it
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(item)[:40]},
                    )
        return super()._check_values(value)

"""The import's forms: choosing the file (which is read as far as its heading row, and
refused with a message beside the field if it cannot be imported), and matching its
columns to the app's fields."""

from django import forms
from django.core.exceptions import ValidationError

from plans.imports import reading
from plans.imports.checking import column_name
from plans.imports.fields import FIELDS, FIELDS_BY_NAME

NOT_IN_FILE = ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet file",
        max_length=255,
        error_messages={
            "required": "Choose a CSV file or an Excel workbook (.xlsx) to import",
            "empty": "The file is empty. Choose the spreadsheet with the plan's actions.",
            "invalid": "Choose a CSV file or an Excel workbook (.xlsx) to import",
            "max_length": "The file's name is too long: rename it and choose it again",
        },
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > reading.MAX_BYTES:
            raise ValidationError(
                f"The file is {reading.size_in_words(uploaded.size)}: it must be 10 MB or "
                "smaller. Remove other sheets, pictures or formatting, or split the plan."
            )
        uploaded.seek(0)
        data = uploaded.read()
        uploaded.seek(0)
        try:
            self.kind, self.headers = reading.inspect(data, uploaded.name)
        except reading.BadFile as error:
            raise ValidationError(error.message) from None
        return uploaded


def column_label(index: int, heading: str) -> str:
    letters = column_name(index).removeprefix("Column ")
    return f"{heading} (column {letters})" if heading else f"Column {letters} (no heading)"


class MappingForm(forms.Form):
    """One select for each field: the column that holds it, or "Not in the file". Required
    fields must be matched, and each column to one field at most."""

    def __init__(self, *args, headers: list[str], mapping: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(NOT_IN_FILE, "Not in the file")] + [
            (str(index), column_label(index, heading)) for index, heading in enumerate(headers)
        ]
        for field in FIELDS:
            index = mapping.get(field.name)
            self.fields[field.name] = forms.ChoiceField(
                label=field.label if field.required else f"{field.label} (optional)",
                help_text=field.hint,
                choices=choices,
                required=False,
                initial=str(index) if index is not None and index < len(headers) else "",
                error_messages={"invalid_choice": f"Choose the column with the {field.label}"},
            )

    def clean(self):
        cleaned_data = super().clean()
        fields_by_column: dict[str, list[str]] = {}
        for field in FIELDS:
            column = cleaned_data.get(field.name)
            if column:
                fields_by_column.setdefault(column, []).append(field.name)
            elif field.required and field.name not in self.errors:
                self.add_error(
                    field.name,
                    f"Choose the column with the {field.label.lower()}: every action needs one",
                )
        for column, names in fields_by_column.items():
            if len(names) > 1:
                label = dict(self.fields[names[0]].choices)[column]
                matched = " and ".join(FIELDS_BY_NAME[name].label for name in names)
                for name in names:
                    self.add_error(
                        name,
                        f"{label} is matched to {matched}: match each column to one field",
                    )
        return cleaned_data

    def mapping(self) -> dict[str, int]:
        return {
            field.name: int(self.cleaned_data[field.name])
            for field in FIELDS
            if self.cleaned_data.get(field.name)
        }

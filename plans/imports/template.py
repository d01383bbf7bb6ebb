"""The import template: a heading row the mapping guess matches field by field, and one
example row (using a directorate and a person the app has, where it has them)."""

import csv
import datetime
import io

from biip.models import Directorate
from plans.imports.fields import TEMPLATE_FIELDS
from plans.models import Theme

DATE_FORMAT = "DD/MM/YYYY"


def example_row() -> dict[str, object]:
    directorate = Directorate.objects.order_by("name").first()
    person = None
    if directorate is not None:
        person = directorate.people.order_by("name").first()
    theme = Theme.objects.order_by("framework", "order", "code").first()
    return {
        "reference": "IP-01",
        "title": "Publish the workforce strategy",
        "description": "Agree the strategy with the trade unions and publish it.",
        "theme": theme.code if theme else "",
        "directorate": directorate.name if directorate else "Finance and Governance",
        "lead_officer": person.name if person else "Kate Charlton",
        "lead_member": "",
        "start_date": datetime.date(2019, 4, 1),
        "original_due_date": datetime.date(2020, 3, 31),
        "revised_due_date": None,
        "revision_reason": "",
        "rag": "Green",
        "success_measure": "Strategy published; staff survey shows it is known.",
        "recommendations": "",
        "publication_status": "Public",
    }


def headings() -> list[str]:
    return [field.label for field in TEMPLATE_FIELDS]


def as_csv() -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens it with "£" and accents intact."""
    example = example_row()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headings())
    writer.writerow(
        [
            value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value or ""
            for value in (example[field.name] for field in TEMPLATE_FIELDS)
        ]
    )
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    example = example_row()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(headings())
    sheet.append([example[field.name] for field in TEMPLATE_FIELDS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        if isinstance(cell.value, datetime.date):
            cell.number_format = DATE_FORMAT
    for column, field in enumerate(TEMPLATE_FIELDS, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = max(14, len(field.label) + 4)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

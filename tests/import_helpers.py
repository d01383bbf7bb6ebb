"""What the import tests share: spreadsheets built in code (CSV text in any encoding, XLSX
workbooks with date cells, formulas and errors), a private media folder for uploaded
files, jobs made straight from a file, and a plan with the reference data rows name."""

import csv
import datetime
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.test import override_settings
from openpyxl import Workbook

from plans.imports import fields, reading
from plans.models import ImportJob
from tests.factories import make_person, make_plan, make_theme

HEADINGS = ["Ref", "Action", "Directorate", "Lead Officer", "Target date", "Status (RAG)"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, cached: dict[str, str] | None = None) -> bytes:
    """A workbook with `rows` in its first sheet (dates as date cells, "=..." as formulas).
    `cached` gives formula cells (by coordinate, "C2") a saved result, as Excel would."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    return with_cached_results(data, cached) if cached else data


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML (text) passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content.decode()).encode()
            target.writestr(item, content)
    return output.getvalue()


def with_cached_results(data: bytes, cached: dict[str, str]) -> bytes:
    """The workbook with a saved result for each formula cell in `cached`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                for coordinate, value in cached.items():
                    kind = "" if re.fullmatch(r"-?[\d.]+", value) else ' t="str"'
                    text = re.sub(
                        rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*/?>(</v>)?',
                        rf'<c r="{coordinate}"\1{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                content = text.encode()
            target.writestr(item, content)
    return output.getvalue()


class PrivateMedia:
    """A test-case mixin: each test's uploaded files go to a temporary folder of its own,
    removed afterwards."""

    def setUp(self):
        super().setUp()
        self.media = tempfile.mkdtemp(prefix="imports-media-")
        self.addCleanup(shutil.rmtree, self.media, ignore_errors=True)
        media_override = override_settings(MEDIA_ROOT=self.media)
        media_override.enable()
        self.addCleanup(media_override.disable)

    def stored_files(self) -> list[Path]:
        folder = Path(self.media) / "imports"
        return sorted(folder.iterdir()) if folder.exists() else []


def make_job(plan, user, data: bytes, name: str = "plan.csv", **fields_) -> ImportJob:
    """An uploaded job, its mapping guessed from the file's headings (or given)."""
    kind, headers = reading.inspect(data, name)
    job = ImportJob(
        plan=plan,
        original_name=name,
        headers=headers,
        mapping=fields.guess_mapping(headers),
        created_by=user,
    )
    for key, value in fields_.items():
        setattr(job, key, value)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    return job


def reference_data(case) -> None:
    """On a RolesTestCase class: a plan, two themes and Kate Charlton, a Finance officer."""
    case.plan = make_plan(title="Improvement Plan 2019-20", short_name="IP19")
    case.theme_c = make_theme(framework="kerslake", code="c", name="Organisational culture")
    case.theme_lga = make_theme(framework="lga", code="LGA-2", name="Organisational culture")
    case.kate = make_person(
        name="Kate Charlton", organisation=case.council, directorate=case.finance
    )


def row(ref="IP19-01", title="Set a balanced budget", directorate="Finance and Governance",
        lead="Kate Charlton", due="31/03/2020", rag="Green") -> list:  # fmt: skip
    return [ref, title, directorate, lead, due, rag]

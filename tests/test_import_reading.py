"""Reading a spreadsheet (plans.imports.reading): the kind told from the bytes, text
encodings, the heading row, the rows with their spreadsheet row numbers, formulas and
errors, and the limits."""

import datetime
import io
import re
import zipfile
from unittest import mock

from django.test import SimpleTestCase

from plans.imports import reading
from plans.imports.reading import CSV, FORMULA, XLSX, BadFile, CellError
from tests.import_helpers import HEADINGS, csv_bytes, row, with_sheet_xml, xlsx_bytes


class KindOfFile(SimpleTestCase):
    def test_a_workbook_is_told_from_its_bytes_whatever_its_name(self):
        data = xlsx_bytes([HEADINGS])
        self.assertEqual(reading.kind_of(data, "plan.xlsx"), XLSX)
        self.assertEqual(reading.kind_of(data, "plan.csv"), XLSX)
        self.assertEqual(reading.kind_of(data, "plan"), XLSX)

    def test_text_is_csv(self):
        data = csv_bytes([HEADINGS])
        for name in ("plan.csv", "PLAN.CSV", "plan.txt", "plan"):
            with self.subTest(name=name):
                self.assertEqual(reading.kind_of(data, name), CSV)

    def assert_refused(self, data: bytes, name: str, words: str):
        with self.assertRaises(BadFile) as caught:
            reading.kind_of(data, name)
        self.assertIn(words, caught.exception.message)

    def test_empty_file(self):
        self.assert_refused(b"", "plan.csv", "The file is empty")

    def test_text_renamed_xlsx(self):
        self.assert_refused(csv_bytes([HEADINGS]), "plan.xlsx", "is not an Excel workbook")

    def test_pdf_renamed_xlsx(self):
        self.assert_refused(b"%PDF-1.7\n%%EOF\n", "plan.xlsx", "The file is a PDF")

    def test_zip_that_is_not_a_workbook(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
        self.assert_refused(buffer.getvalue(), "plan.xlsx", "not an Excel workbook")

    def test_damaged_zip(self):
        self.assert_refused(b"PK\x03\x04" + b"\x00" * 100, "plan.xlsx", "damaged")

    def test_old_excel_format(self):
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
        self.assert_refused(data, "plan.xls", "older Excel workbook (.xls)")

    def test_binary_data(self):
        self.assert_refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00", "plan.csv", "not a CSV file")

    def test_text_with_another_extension(self):
        self.assert_refused(b"Ref,Action\n", "plan.docx", "a .docx file")

    def test_too_big(self):
        self.assert_refused(b"a" * (reading.MAX_BYTES + 1), "plan.csv", "10 MB or smaller")

    def test_a_workbook_too_big_once_unpacked(self):
        with mock.patch.object(reading, "MAX_UNPACKED_BYTES", 100):
            self.assert_refused(xlsx_bytes([HEADINGS]), "plan.xlsx", "too big once unpacked")


class Encodings(SimpleTestCase):
    def test_utf8_with_and_without_a_byte_order_mark(self):
        for encoding in ("utf-8", "utf-8-sig"):
            with self.subTest(encoding=encoding):
                data = csv_bytes([["Cost"], ["£2.5m"]], encoding=encoding)
                self.assertEqual(reading.read_headers(data, CSV), ["Cost"])
                self.assertEqual(list(reading.read_rows(data, CSV, [0])), [(2, ["£2.5m"])])

    def test_windows_1252_is_read_not_refused(self):
        data = csv_bytes([["Cost"], ["£2.5m – “savings”"]], encoding="cp1252")
        self.assertEqual(list(reading.read_rows(data, CSV, [0])), [(2, ["£2.5m – “savings”"])])

    def test_utf16_with_a_byte_order_mark(self):
        data = csv_bytes([["Ref", "Cost"], ["A-1", "£3m"]], encoding="utf-16", delimiter="\t")
        self.assertEqual(reading.kind_of(data, "plan.txt"), CSV)
        self.assertEqual(reading.read_headers(data, CSV), ["Ref", "Cost"])
        self.assertEqual(list(reading.read_rows(data, CSV, [1])), [(2, ["£3m"])])

    def test_semicolons_and_tabs_separate_columns_too(self):
        for delimiter in (";", "\t"):
            with self.subTest(delimiter=delimiter):
                data = csv_bytes([["Ref", "Action"], ["A-1", "Plan, then do"]], delimiter=delimiter)
                self.assertEqual(reading.read_headers(data, CSV), ["Ref", "Action"])


class MixedEncodings(SimpleTestCase):
    """A CSV in more than one encoding is refused naming its first lines that are not
    UTF-8; one in Windows-1252 throughout is read; nothing is read garbled."""

    UTF8_LINES = ["Ref,Action", "A-1,Café opening"]

    def mixed(self, cp1252_lines: list[str]) -> bytes:
        utf8 = [line.encode("utf-8") for line in self.UTF8_LINES]
        return b"\r\n".join(utf8 + [line.encode("cp1252") for line in cp1252_lines]) + b"\r\n"

    def test_utf8_and_windows_1252_lines_are_refused_naming_the_first_bad_line(self):
        data = self.mixed(["A-2,Résumé of £5m savings"])
        for read in (
            lambda: reading.read_headers(data, CSV),
            lambda: list(reading.read_rows(data, CSV, [0, 1])),
        ):
            with self.assertRaises(BadFile) as caught:
                read()
            self.assertIn("mixes two kinds of text encoding", caught.exception.message)
            self.assertIn("line 3 is not UTF-8", caught.exception.message)
            self.assertNotIn("Ã", caught.exception.message)

    def test_only_the_first_five_bad_lines_are_named(self):
        data = self.mixed([f"A-{n},£{n}m" for n in range(2, 10)])
        with self.assertRaises(BadFile) as caught:
            reading.decode(data)
        self.assertIn("lines 3, 4, 5, 6, 7 and 3 more are not UTF-8", caught.exception.message)

    def test_a_windows_1252_file_throughout_is_read(self):
        data = "Ref,Action\r\nA-1,Café résumé £5m\r\n".encode("cp1252")
        self.assertEqual(list(reading.read_rows(data, CSV, [1])), [(2, ["Café résumé £5m"])])

    def test_bytes_in_no_known_encoding_are_refused_naming_their_line(self):
        data = b"Ref,Action\r\nA-1,ok\r\nA-2,\x81\x8d\r\n"
        with self.assertRaises(BadFile) as caught:
            reading.decode(data)
        self.assertIn("line 3 is in no encoding the importer knows", caught.exception.message)


def declaring(rows: int, sheet_data: str) -> bytes:
    """A workbook whose first sheet's dimension declares `rows` rows, its data replaced
    by `sheet_data`."""
    return with_sheet_xml(
        xlsx_bytes([HEADINGS, row()]),
        lambda xml: re.sub(
            r"<sheetData>.*</sheetData>",
            sheet_data,
            re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:F{rows}"', xml),
            flags=re.S,
        ),
    )


class SheetSizes(SimpleTestCase):
    """A workbook's size is known before its rows are read: declared, or counted up to
    the limit only."""

    def test_a_declared_4_million_rows_are_refused_without_reading_a_row(self):
        # Its rows are not even XML: reading any of them would fail otherwise.
        data = declaring(4_000_000, "<sheetData><row r=1><c>not read")
        self.assertEqual(reading.kind_of(data, "huge.xlsx"), XLSX)
        for read in (
            lambda: reading.read_headers(data, XLSX),
            lambda: list(reading.read_rows(data, XLSX, [0])),
        ):
            with self.assertRaises(BadFile) as caught:
                read()
            self.assertIn("first sheet says it has 4,000,000 rows", caught.exception.message)
            self.assertIn("none of its rows was read", caught.exception.message)

    def test_a_dimension_that_understates_is_caught_by_counting_at_upload(self):
        rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>A-{n}</t></is></c></row>'
                       for n in range(1, 32))  # fmt: skip
        data = declaring(2, f"<sheetData>{rows}</sheetData>")
        with mock.patch.object(reading, "MAX_ROWS", 20):
            with self.assertRaises(BadFile) as caught:
                reading.read_headers(data, XLSX)
            self.assertIn("more than 20 rows", caught.exception.message)
            with self.assertRaises(BadFile):
                list(reading.read_rows(data, XLSX, [0]))

    def test_a_row_numbered_past_the_limit_is_refused_however_few_rows(self):
        far = '<row r="4000000"><c r="A4000000" t="inlineStr"><is><t>x</t></is></c></row>'
        data = declaring(2, f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Ref</t>'
                            f"</is></c></row>{far}</sheetData>")  # fmt: skip
        with self.assertRaises(BadFile) as caught:
            reading.read_headers(data, XLSX)
        self.assertIn("more than 20,000 rows", caught.exception.message)

    def test_a_sheet_without_a_dimension_is_counted(self):
        from openpyxl import Workbook

        def write_only(count: int) -> bytes:
            workbook = Workbook(write_only=True)  # as the app's own export: no dimension
            sheet = workbook.create_sheet("Actions")
            sheet.append(HEADINGS)
            for n in range(count):
                sheet.append(row(ref=f"A-{n}"))
            buffer = io.BytesIO()
            workbook.save(buffer)
            return buffer.getvalue()

        self.assertNotIn(b"<dimension", zipfile.ZipFile(io.BytesIO(write_only(1))).read(
            "xl/worksheets/sheet1.xml"))  # fmt: skip
        with mock.patch.object(reading, "MAX_ROWS", 20):
            self.assertEqual(reading.read_headers(write_only(20), XLSX), HEADINGS)
            self.assertEqual(len(list(reading.read_rows(write_only(20), XLSX, [0]))), 20)
            with self.assertRaises(BadFile) as caught:
                reading.read_headers(write_only(21), XLSX)
            self.assertIn("more than 20 rows", caught.exception.message)


class Headings(SimpleTestCase):
    def test_csv_and_xlsx_headings_trimmed_and_spaces_collapsed(self):
        rows = [["  Ref. ", "Lead  Officer", None, 2019, None, None]]
        for data, kind in ((xlsx_bytes(rows), XLSX), (csv_bytes(rows), CSV)):
            with self.subTest(kind=kind):
                self.assertEqual(
                    reading.read_headers(data, kind), ["Ref.", "Lead Officer", "", "2019"]
                )

    def test_an_empty_first_row_is_refused(self):
        cases = [
            (csv_bytes([["", ""], row()]), CSV),
            (b"\r\n\r\n", CSV),
            (xlsx_bytes([[None, None], row()]), XLSX),
            (xlsx_bytes([]), XLSX),
        ]
        for data, kind in cases:
            with self.subTest(kind=kind), self.assertRaises(BadFile) as caught:
                reading.read_headers(data, kind)
            self.assertIn("The first row is empty", caught.exception.message)

    def test_too_many_columns(self):
        wide = [f"Column {n}" for n in range(10_000)]
        for data, kind in ((csv_bytes([wide]), CSV), (xlsx_bytes([wide]), XLSX)):
            with self.subTest(kind=kind), self.assertRaises(BadFile) as caught:
                reading.read_headers(data, kind)
            self.assertIn("10,000 columns", caught.exception.message)
            self.assertIn("at most 200", caught.exception.message)

    def test_two_hundred_columns_are_read(self):
        wide = [f"Column {n}" for n in range(200)]
        self.assertEqual(len(reading.read_headers(csv_bytes([wide]), CSV)), 200)

    def test_too_many_rows_is_refused_at_upload(self):
        rows = [HEADINGS] + [row(ref=f"A-{n}") for n in range(30)]
        with mock.patch.object(reading, "MAX_ROWS", 20):
            for data, kind, message in (
                (csv_bytes(rows), CSV, "more than 20 rows"),
                (xlsx_bytes(rows), XLSX, "first sheet says it has 31 rows"),
            ):
                with self.subTest(kind=kind), self.assertRaises(BadFile) as caught:
                    reading.read_headers(data, kind)
                self.assertIn(message, caught.exception.message)

    def test_a_sheet_formatted_far_down_declares_its_size_and_is_refused(self):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        sheet.append(HEADINGS)
        sheet.append(row())
        sheet["B50"].font = Font(bold=True)
        buffer = io.BytesIO()
        workbook.save(buffer)
        with mock.patch.object(reading, "MAX_ROWS", 20), self.assertRaises(BadFile) as caught:
            reading.read_headers(buffer.getvalue(), XLSX)
        self.assertIn("first sheet says it has 50 rows", caught.exception.message)
        self.assertIn("delete the rows below the actions", caught.exception.message)

    def test_inspect_gives_the_kind_and_headings(self):
        self.assertEqual(reading.inspect(xlsx_bytes([HEADINGS]), "plan.xlsx"), (XLSX, HEADINGS))


class Rows(SimpleTestCase):
    def test_rows_keep_their_spreadsheet_numbers_and_skip_blank_rows(self):
        rows = [HEADINGS, row(ref="A-1"), [None] * 6, row(ref="A-3"), ["", "", ""]]
        for data, kind in ((xlsx_bytes(rows), XLSX), (csv_bytes(rows), CSV)):
            with self.subTest(kind=kind):
                read = list(reading.read_rows(data, kind, [0, 4]))
                self.assertEqual([number for number, _ in read], [2, 4])
                self.assertEqual(read[1][1][0], "A-3")

    def test_only_the_columns_asked_for_in_their_order_short_rows_padded(self):
        data = csv_bytes([HEADINGS, ["A-1", "Title"]])
        self.assertEqual(list(reading.read_rows(data, CSV, [1, 5])), [(2, ["Title", None])])

    def test_a_row_blank_in_the_columns_read_is_skipped(self):
        data = csv_bytes([HEADINGS, ["", "", "", "", "", "", "a note"]])
        self.assertEqual(list(reading.read_rows(data, CSV, [0, 1])), [])

    def test_xlsx_cells_keep_their_types(self):
        data = xlsx_bytes([HEADINGS, ["A-1", 7, None, 1.5, datetime.date(2019, 3, 31), 43555]])
        [(number, values)] = reading.read_rows(data, XLSX, [0, 1, 3, 4, 5])
        self.assertEqual(values, ["A-1", 7, 1.5, datetime.datetime(2019, 3, 31), 43555])

    def test_a_formula_without_a_saved_result_is_marked(self):
        data = xlsx_bytes([HEADINGS, ["A-1", "=B1&C1", None]])
        self.assertEqual(list(reading.read_rows(data, XLSX, [1, 2])), [(2, [FORMULA, None])])

    def test_a_formula_with_a_saved_result_gives_the_result(self):
        data = xlsx_bytes([HEADINGS, ["A-1", "=1+1"]], cached={"B2": "2"})
        self.assertEqual(list(reading.read_rows(data, XLSX, [1])), [(2, [2])])

    def test_spreadsheet_errors_are_marked(self):
        data = xlsx_bytes([HEADINGS, ["A-1", "#N/A"]])
        self.assertEqual(list(reading.read_rows(data, XLSX, [1])), [(2, [CellError("#N/A")])])

    def test_more_rows_than_the_limit_stop_the_reading(self):
        rows = [HEADINGS] + [row(ref=f"A-{n}") for n in range(6)]
        with mock.patch.object(reading, "MAX_ROWS", 5):
            for data, kind in ((xlsx_bytes(rows), XLSX), (csv_bytes(rows), CSV)):
                with self.subTest(kind=kind), self.assertRaises(BadFile):
                    list(reading.read_rows(data, kind, [0]))

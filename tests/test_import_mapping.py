"""Matching a file's columns to fields: the guess from headings as councils and the app
write them (plans.imports.fields), and the mapping form's rules (plans.forms.imports)."""

from django.test import SimpleTestCase

from plans.forms.imports import MappingForm
from plans.imports.fields import FIELDS, REQUIRED, TEMPLATE_FIELDS, guess_mapping, normalise
from plans.tables import ActionTable

COUNCIL = [
    "Ref",
    "Action",
    "Lead Officer",
    "Directorate",
    "Target date",
    "Revised date",
    "Status (RAG)",
    "Progress update",
    "Kerslake ref",
]


def named(headers: list[str]) -> dict[str, str]:
    """The guess as {field: heading}."""
    return {field: headers[index] for field, index in guess_mapping(headers).items()}


class Guess(SimpleTestCase):
    def test_the_councils_headings_from_the_issue(self):
        self.assertEqual(
            named(COUNCIL),
            {
                "reference": "Ref",
                "title": "Action",
                "lead_officer": "Lead Officer",
                "directorate": "Directorate",
                "original_due_date": "Target date",
                "revised_due_date": "Revised date",
                "rag": "Status (RAG)",
                "progress": "Progress update",
                "recommendations": "Kerslake ref",
            },
        )

    def test_case_punctuation_and_spacing_do_not_matter(self):
        messy = [" REF. ", "action:", "lead  officer", "DIRECTORATE", "Target-Date", "status/rag"]
        self.assertEqual(
            guess_mapping(messy),
            {
                "reference": 0,
                "title": 1,
                "lead_officer": 2,
                "directorate": 3,
                "original_due_date": 4,
                "rag": 5,
            },
        )

    def test_synonyms(self):
        cases = {
            "Owner": "lead_officer",
            "Responsible officer": "lead_officer",
            "Deadline": "original_due_date",
            "Due date": "original_due_date",
            "Cabinet Member": "lead_member",
            "Portfolio holder": "lead_member",
            "Department": "directorate",
            "RAG rating": "rag",
            "Comments": "progress",
            "Recommendation refs": "recommendations",
            "Reason for slippage": "revision_reason",
            "Success measures": "success_measure",
            "Workstream": "theme",
            "Details": "description",
            "Action ref": "reference",
        }
        for heading, field in cases.items():
            with self.subTest(heading=heading):
                self.assertEqual(guess_mapping([heading]), {field: 0})

    def test_words_in_another_order_and_headings_with_more_words(self):
        self.assertEqual(guess_mapping(["Date due"]), {"original_due_date": 0})
        self.assertEqual(guess_mapping(["Officer lead"]), {"lead_officer": 0})
        self.assertEqual(guess_mapping(["Target date (original)"]), {"original_due_date": 0})
        self.assertEqual(guess_mapping(["Revised target date 2019"]), {"revised_due_date": 0})

    def test_unknown_headings_and_blank_headings_are_not_matched(self):
        self.assertEqual(guess_mapping(["Notes for panel", "", "Assured status"]), {})

    def test_each_column_to_one_field_and_each_field_to_one_column_labels_first(self):
        mapping = guess_mapping(["Status", "RAG", "Ref", "Reference"])
        self.assertEqual(mapping, {"rag": 1, "reference": 3})
        self.assertEqual(len(set(mapping.values())), len(mapping))

    def test_an_exact_heading_wins_over_a_synonym(self):
        self.assertEqual(guess_mapping(["Due", "Original due date"])["original_due_date"], 1)

    def test_the_action_lists_export_headings(self):
        headers = [column.header for column in ActionTable([]).columns]
        self.assertEqual(
            named(headers),
            {
                "reference": "Reference",
                "title": "Title",
                "plan": "Plan",
                "theme": "Theme",
                "directorate": "Directorate",
                "lead_officer": "Lead officer",
                "rag": "RAG",
                "original_due_date": "Original due date",
                "revised_due_date": "Revised due date",
            },
        )

    def test_the_template_headings_match_field_by_field(self):
        headers = [field.label for field in TEMPLATE_FIELDS]
        self.assertEqual(
            guess_mapping(headers), {field.name: i for i, field in enumerate(TEMPLATE_FIELDS)}
        )

    def test_normalise(self):
        self.assertEqual(normalise("  Finance & Governance "), "finance and governance")
        self.assertEqual(normalise("Status (RAG)"), "status rag")


class MappingFormRules(SimpleTestCase):
    headers = ["Ref", "Action", "Directorate", "Lead Officer", "Target date", "", "Notes"]

    def form(self, **chosen) -> MappingForm:
        data = {field.name: "" for field in FIELDS}
        data.update({name: str(index) for name, index in chosen.items()})
        return MappingForm(data, headers=self.headers, mapping={})

    def test_the_guess_fills_the_selects(self):
        form = MappingForm(headers=self.headers, mapping=guess_mapping(self.headers))
        self.assertEqual(form["reference"].value(), "0")
        self.assertEqual(form["original_due_date"].value(), "4")
        self.assertEqual(form["rag"].value(), "")

    def test_the_choices_name_each_column(self):
        form = MappingForm(headers=self.headers, mapping={})
        self.assertEqual(
            form.fields["title"].choices[:3],
            [("", "Not in the file"), ("0", "Ref (column A)"), ("1", "Action (column B)")],
        )
        self.assertIn(("5", "Column F (no heading)"), form.fields["title"].choices)
        self.assertEqual(form.fields["reference"].label, "Reference")
        self.assertEqual(form.fields["theme"].label, "Theme (optional)")

    def test_required_fields_must_be_matched(self):
        form = self.form(reference=0)
        self.assertFalse(form.is_valid())
        self.assertEqual(set(form.errors), set(REQUIRED) - {"reference"})
        self.assertEqual(
            form.errors["directorate"],
            ["Choose the column with the directorate: every action needs one"],
        )

    def test_a_column_is_matched_once(self):
        form = self.form(
            reference=0, title=1, directorate=2, lead_officer=3, original_due_date=4, theme=2
        )
        self.assertFalse(form.is_valid())
        message = (
            "Directorate (column C) is matched to Theme and Directorate: match each column "
            "to one field"
        )
        self.assertEqual(form.errors["theme"], [message])
        self.assertEqual(form.errors["directorate"], [message])

    def test_a_column_that_is_not_in_the_file_is_refused(self):
        form = self.form(reference=0, title=1, directorate=2, lead_officer=3, original_due_date=9)
        self.assertFalse(form.is_valid())
        self.assertIn("original_due_date", form.errors)

    def test_a_valid_mapping(self):
        form = self.form(
            reference=0, title=1, directorate=2, lead_officer=3, original_due_date=4, progress=6
        )
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(
            form.mapping(),
            {
                "reference": 0,
                "title": 1,
                "directorate": 2,
                "lead_officer": 3,
                "original_due_date": 4,
                "progress": 6,
            },
        )

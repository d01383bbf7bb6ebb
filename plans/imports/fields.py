"""The fields of an action a spreadsheet's column can be matched to, and the guess at that
matching from the headings as councils write them ("Ref", "Action", "Lead Officer",
"Target date", "Status (RAG)", "Kerslake ref"...) and as the app writes them (the action
list's export and the import template).

A heading matches a field when, ignoring case, punctuation and spacing, it is the field's
label or one of its other names; failing that, when it has the same words in another
order; failing that, when it holds all the words of one of the field's longer names
("Target date (original)"; the more words, the closer). Each column is matched to one
field at most, and each field to one column, the closest matches first.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str = ""
    required: bool = False
    synonyms: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


FIELDS: tuple[Field, ...] = (
    Field(
        "reference",
        "Reference",
        "Each action's reference in the plan, such as IP19-01. An action already in the "
        "plan with the same reference is updated, not added again.",
        required=True,
        synonyms=(
            "ref",
            "ref no",
            "ref number",
            "reference number",
            "reference no",
            "action ref",
            "action reference",
            "action no",
            "action number",
            "action id",
            "id",
            "no",
            "number",
            "item",
            "item no",
        ),
    ),
    Field(
        "title",
        "Title",
        "What is to be done, in a line (at most 300 characters).",
        required=True,
        synonyms=(
            "action",
            "action title",
            "action name",
            "actions",
            "key action",
            "improvement action",
            "task",
            "deliverable",
            "activity",
            "what",
            "what we will do",
        ),
    ),
    Field(
        "description",
        "Description",
        "More about the action.",
        synonyms=("details", "detail", "action detail", "action details", "further detail"),
    ),
    Field(
        "theme",
        "Theme",
        "The theme's code or name, such as “c”, “LGA-3” or “Organisational culture”.",
        synonyms=(
            "theme code",
            "theme name",
            "priority",
            "workstream",
            "work stream",
            "strand",
            "heading",
            "kerslake theme",
            "lga criterion",
            "criterion",
        ),
    ),
    Field(
        "directorate",
        "Directorate",
        "The directorate's name or short name, such as “Place” or “FG”.",
        required=True,
        synonyms=(
            "lead directorate",
            "responsible directorate",
            "directorate responsible",
            "department",
            "dept",
            "service area",
        ),
    ),
    Field(
        "lead_officer",
        "Lead officer",
        "The name of a person in the app, such as “Kate Charlton”.",
        required=True,
        synonyms=(
            "lead",
            "lead officer name",
            "owner",
            "action owner",
            "officer",
            "responsible officer",
            "accountable officer",
            "senior responsible officer",
            "sro",
            "responsible",
        ),
    ),
    Field(
        "lead_member",
        "Lead member",
        "The name of the Cabinet member whose portfolio holds the action.",
        synonyms=(
            "cabinet member",
            "portfolio holder",
            "portfolio",
            "lead councillor",
            "member lead",
            "cabinet lead",
        ),
    ),
    Field(
        "start_date",
        "Start date",
        "A date such as 01/04/2019.",
        synonyms=("start", "date started", "started"),
    ),
    Field(
        "original_due_date",
        "Original due date",
        "A date such as 31/03/2020.",
        required=True,
        synonyms=(
            "due date",
            "due",
            "date due",
            "target date",
            "original target date",
            "target completion date",
            "completion date",
            "deadline",
            "original deadline",
            "by when",
            "timescale",
            "target",
        ),
    ),
    Field(
        "revised_due_date",
        "Revised due date",
        "A date such as 30/06/2020, where the due date has moved.",
        synonyms=(
            "revised date",
            "revised target date",
            "revised deadline",
            "revised timescale",
            "revised completion date",
            "new due date",
            "new target date",
            "forecast date",
        ),
    ),
    Field(
        "revision_reason",
        "Revision reason",
        "Why the due date was revised.",
        synonyms=(
            "reason for revision",
            "reason for change",
            "reason for delay",
            "reason for slippage",
            "slippage reason",
            "revised date reason",
        ),
    ),
    Field(
        "rag",
        "RAG",
        "Red, Amber, Green, Blue or Not yet rated (or R, A, G, B). A blank cell leaves the "
        "RAG as it is.",
        synonyms=(
            "rag status",
            "status rag",
            "rag rating",
            "current rag",
            "overall rag",
            "status",
            "rating",
        ),
    ),
    Field(
        "progress",
        "Progress update",
        "On a new action, imported as its description when no column is matched to "
        "Description. On an action already in the plan, recorded (with the RAG) as this "
        "month's update, by you, from this file.",
        synonyms=(
            "progress",
            "update",
            "latest update",
            "progress to date",
            "progress commentary",
            "commentary",
            "comments",
            "comment",
            "narrative",
            "current position",
        ),
    ),
    Field(
        "success_measure",
        "Success measure",
        "How the council will know the action has worked.",
        synonyms=(
            "success measures",
            "measure of success",
            "measures of success",
            "success criteria",
            "outcome",
            "outcomes",
        ),
    ),
    Field(
        "recommendations",
        "Recommendations",
        "References of the recommendations the action addresses, separated by commas, "
        "such as “K-06, K-07”.",
        synonyms=(
            "kerslake ref",
            "kerslake refs",
            "kerslake reference",
            "kerslake references",
            "kerslake recommendation",
            "kerslake",
            "recommendation",
            "recommendation ref",
            "recommendation refs",
            "recommendation reference",
            "recommendation references",
            "linked recommendations",
        ),
    ),
    Field(
        "publication_status",
        "Publication status",
        "Public or Confidential. A blank cell leaves it as it is (new actions are public).",
        synonyms=("publication", "published"),
    ),
    Field(
        "version",
        "Version",
        "The version of the action the row was exported from (the action list's export "
        "has it). A row for an action changed since is shown beside the action as it is "
        "now, and imported only if you choose it; without this column, every change to an "
        "action already in the plan is shown that way.",
        synonyms=("action version", "exported version"),
    ),
    Field(
        "plan",
        "Plan",
        "Checked, not imported: each row's plan (short name or title) must be this plan.",
        synonyms=("plan short name", "improvement plan", "plan name"),
    ),
)

FIELDS_BY_NAME = {field.name: field for field in FIELDS}
REQUIRED = tuple(field.name for field in FIELDS if field.required)

# The headings of the import template: the fields' labels, which the guess matches
# exactly. (Progress update, Plan and Version are left out: the template has a Description
# column, the plan is the one imported into, and the template is for new actions.)
TEMPLATE_FIELDS = tuple(
    field for field in FIELDS if field.name not in ("progress", "plan", "version")
)

LABEL, EXACT, SAME_WORDS, HOLDS_WORDS = 4, 3, 2, 1


def normalise(text: str) -> str:
    """Lower case, "&" as "and", punctuation as spaces, spaces collapsed."""
    text = str(text).lower().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _score(heading: str, field: Field) -> tuple[int, int]:
    """How closely a heading matches a field: its label, one of its names, the same
    words, or all the words of a longer name (the more words, the closer); (0, 0): not."""
    words = heading.split()
    best = (0, 0)
    for name in field.names:
        name_words = normalise(name).split()
        if words == name_words:
            return (LABEL if name == field.label else EXACT, len(words))
        if sorted(words) == sorted(name_words):
            best = max(best, (SAME_WORDS, len(words)))
        elif len(name_words) > 1 and set(name_words) <= set(words):
            best = max(best, (HOLDS_WORDS, len(name_words)))
    return best


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """{field name: column index (from 0)} for the fields a heading matches, the closest
    matches first."""
    headings = [normalise(header) for header in headers]
    candidates = []
    for field_order, field in enumerate(FIELDS):
        for column, heading in enumerate(headings):
            if heading and (score := _score(heading, field)) > (0, 0):
                candidates.append(((-score[0], -score[1]), column, field_order, field.name))
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for _, column, _, name in sorted(candidates):
        if name not in mapping and column not in used:
            mapping[name] = column
            used.add(column)
    return mapping

"""Checking a spreadsheet's rows against a plan: every problem in words (row number as the
spreadsheet shows it, the column's heading, what is wrong), and for the rows without
problems what importing them would do: add a new action, change an action already in the
plan (matched by reference), or nothing.

What a cell means:
- a field whose column is "not in the file" is left as it is on actions already in the
  plan (new actions get the app's default);
- a blank cell in a matched column clears that field, except RAG and publication status,
  which a blank cell leaves as they are, and the progress update, which is imported only
  when it is not blank;
- on a new action, the RAG is its starting rating and the progress update its description
  (when no column is matched to Description); on an action already in the plan, a RAG or
  progress update that differs is recorded as a monthly update by the person importing
  (plans.services.record_update), never written over the action's RAG or an update;
- such an update is held back (not imported, and said so on the check page) when the
  month already has an update on the action by someone other than the person importing:
  an officer's update is never rewritten by a file (the importer's own is revised);
- a row that would change an action already in the plan is a conflict when the action
  changed since the version the row was exported from (its Version column, the action's
  latest history id when exported, as plans.services.version_of gives it), or when the
  file has no Version column (nothing then says the file is the newer): its differences
  are listed side by side (file, app) and it is imported only if the person importing
  chooses it.

The app's reference data (directorates, people, themes, recommendations) and the plan's
actions are read once, before the rows: the number of queries does not grow with the rows.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import models
from django.utils import dateformat, timezone

from biip.models import RAG, Directorate, Person, PublicationStatus
from plans.imports import values
from plans.imports.fields import FIELDS_BY_NAME, normalise
from plans.imports.values import Invalid, shown
from plans.models import (
    Action,
    ImprovementPlan,
    ProgressUpdate,
    Recommendation,
    Theme,
    current_period,
)
from plans.services import RATINGS, latest_version

PROGRESS_EVERY = 250
MAX_ERRORS = 2_000
TEXT_LIMITS = {"reference": 20, "title": 300}
# Fields written straight from text (a blank cell clears them).
TEXT_FIELDS = ("title", "description", "revision_reason", "success_measure")
DATE_FIELDS = ("start_date", "original_due_date", "revised_due_date")
PERSON_FIELDS = ("lead_officer", "lead_member")
HONORIFICS = {"cllr", "councillor", "mr", "mrs", "ms", "miss", "dr"}
# The note an imported monthly update's narrative ends with (so that importing the same
# progress text again is no change).
IMPORT_NOTE = "From the file “{name}”, imported."
IMPORT_NOTE_AT_END = re.compile(r"\s*From the file “[^\n]*”, imported\.$")


def with_import_note(text: str, file_name: str) -> str:
    return f"{text}\n\n{IMPORT_NOTE.format(name=file_name)}" if text else text


def without_import_note(text: str) -> str:
    return IMPORT_NOTE_AT_END.sub("", text or "").strip()


@dataclass
class Row:
    """What one row would do: `action` is the action already in the plan with the row's
    reference (None for a new one), `values` the fields to set (by attribute name),
    `recommendation_ids` the recommendations it addresses (None: not in the file)."""

    number: int
    reference: str
    action: Action | None
    values: dict[str, Any]
    recommendation_ids: set[int] | None = None
    changed: list[str] = field(default_factory=list)
    # An action already in the plan: its RAG and progress text for a monthly update (None:
    # no update), the version the row was exported from and the action's version now.
    update: dict[str, str] | None = None
    file_version: int | None = None
    version: int = 0
    differences: list[dict[str, str]] = field(default_factory=list)
    # Why the row's RAG and progress are not imported (this month's update is someone
    # else's), in words; "" when nothing is held back.
    held: str = ""

    @property
    def is_held_only(self) -> bool:
        """Nothing of the row is imported: its update is held back and it changes no more."""
        return bool(self.held) and not self.changed

    def as_held(self) -> dict:
        return {
            "row": self.number,
            "reference": self.reference,
            "action": self.action.pk,
            "message": self.held,
            "only": self.is_held_only,
        }

    @property
    def is_conflict(self) -> bool:
        return bool(self.changed) and self.file_version != self.version

    def as_conflict(self) -> dict:
        return {
            "row": self.number,
            "reference": self.reference,
            "version": self.version,
            "file_version": self.file_version,
            "fields": self.differences,
        }


@dataclass
class Outcome:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    error_rows: set[int] = field(default_factory=set)
    new: list[Row] = field(default_factory=list)
    changed: list[Row] = field(default_factory=list)
    conflicts: list[Row] = field(default_factory=list)
    # Rows whose RAG and progress are held back (some may change other fields).
    held: list[Row] = field(default_factory=list)
    unchanged: int = 0

    @property
    def held_only(self) -> int:
        """Rows of which nothing is imported, their update being held back."""
        return sum(row.is_held_only for row in self.held)

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if row is not None:
            self.error_rows.add(row)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "column": column, "message": message})

    @property
    def errors_note(self) -> str:
        """Said when not every problem is listed."""
        if self.error_count <= len(self.errors):
            return ""
        return (
            f"The first {intcomma(len(self.errors))} of {intcomma(self.error_count)} problems "
            "are listed: correct them and check the file again to see the rest."
        )


def _key(text: str) -> str:
    return normalise(text)


def _bare(name: str) -> str:
    """A person's name without a leading honorific ("Cllr Ian Ward" -> "ian ward")."""
    words = normalise(name).split()
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    return " ".join(words)


def _ref_key(reference: str) -> str:
    return re.sub(r"[^0-9a-z]", "", reference.lower())


class Lookups:
    """The app's reference data and the plan's actions, read once, in dicts."""

    def __init__(
        self,
        plan: ImprovementPlan,
        *,
        with_recommendations: bool,
        user: AbstractBaseUser | None = None,
    ):
        self.plan = plan
        self.user_id = user.pk if user is not None else None
        self.month_updates: dict[int, ProgressUpdate] = {
            update.action_id: update
            for update in ProgressUpdate.objects.filter(
                action__plan=plan, period=current_period()
            ).select_related("author")
        }
        directorates = list(Directorate.objects.all())
        self.directorates: dict[str, Directorate] = {
            _key(directorate.short_name): directorate for directorate in directorates
        }
        self.directorates.update({_key(d.name): d for d in directorates})  # names first
        self.people: dict[str, list[Person]] = defaultdict(list)
        self.people_bare: dict[str, list[Person]] = defaultdict(list)
        self.person_names: dict[int, str] = {}
        for person in Person.objects.select_related("directorate"):
            self.person_names[person.pk] = person.name
            self.people[_key(person.name)].append(person)
            self.people_bare[_bare(person.name)].append(person)
        self.themes = list(Theme.objects.all())
        latest_narrative = (
            ProgressUpdate.objects.filter(action=models.OuterRef("pk"))
            .order_by("-period")
            .values("narrative")[:1]
        )
        self.actions = {
            action.reference.lower(): action
            for action in Action.objects.filter(plan=plan)
            .select_related("directorate")
            .annotate(version=latest_version(Action), latest_narrative=latest_narrative)
        }
        self.names = {("directorate", d.pk): d.name for d in directorates}
        self.names.update({("theme", t.pk): str(t) for t in self.themes})
        self.plan_theme_ids = {a.theme_id for a in self.actions.values() if a.theme_id}
        self.recommendations: dict[str, list[Recommendation]] = defaultdict(list)
        self.action_recommendations: dict[int, set[int]] = defaultdict(set)
        if with_recommendations:
            for recommendation in Recommendation.objects.only("pk", "reference"):
                self.recommendations[_ref_key(recommendation.reference)].append(recommendation)
                self.names["recommendation", recommendation.pk] = recommendation.reference
            through = Action.recommendations.through.objects.filter(action__plan=plan)
            for action_id, recommendation_id in through.values_list(
                "action_id", "recommendation_id"
            ):
                self.action_recommendations[action_id].add(recommendation_id)
        self.plan_names = {_key(plan.short_name), _key(plan.title)}

    def held(self, action: Action) -> str:
        """Why a monthly update from the file cannot be recorded on `action`, or "": this
        month already has its update by someone other than the person importing (one
        update per action per month, and an officer's update is never rewritten)."""
        update = self.month_updates.get(action.pk)
        if update is None or update.author_id == self.user_id:
            return ""
        author = update.author.get_full_name() or update.author.get_username()
        given = dateformat.format(timezone.localtime(update.created_at), "j F Y")
        return (
            f"This month already has {author}’s update of {given} on "
            f"{action.reference}, so the file’s RAG and progress for it are not imported. "
            "Give a new update on the action’s page instead."
        )

    def directorate(self, raw: str) -> Directorate:
        found = self.directorates.get(_key(raw))
        if found is None:
            raise Invalid(
                f"Unknown directorate {shown(raw)}: use a directorate's name or short name "
                "as the app has it, such as “Place” or “PL”"
            )
        return found

    def person(
        self, raw: str, *, label: str, directorate: Directorate | None, current_id: int | None
    ) -> Person:
        candidates = self.people.get(_key(raw)) or self.people_bare.get(_bare(raw)) or []
        if not candidates:
            raise Invalid(
                f"Unknown {label.lower()} {shown(raw)}: no one of that name is in the app. "
                "Check the spelling, or ask an administrator to add them"
            )
        for test in (
            lambda p: p.pk == current_id,
            lambda p: directorate is not None and p.directorate_id == directorate.pk,
            lambda p: directorate is not None and p.organisation_id == directorate.organisation_id,
        ):
            if len(candidates) == 1:
                break
            candidates = [p for p in candidates if test(p)] or candidates
        if len(candidates) > 1:
            raise Invalid(
                f"More than one person is called {shown(raw)}: ask an administrator to tell "
                "them apart, or set the action's " + label.lower() + " on its edit page"
            )
        return candidates[0]

    def theme(self, raw: str) -> Theme:
        """A theme by its code, its name or as the app writes it ("(c) Organisational
        culture"). A name two themes share means the one the plan uses; failing that, the
        theme is named by its code."""
        key = _key(raw)
        matches = [t for t in self.themes if key in (_key(str(t)), _key(t.code), _key(t.name))]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise Invalid(
                f"Unknown theme {shown(raw)}: use a theme's code or name as the app has it, "
                "such as “c” or “Organisational culture”"
            )
        in_plan = [t for t in matches if t.pk in self.plan_theme_ids]
        as_written = [t for t in in_plan if _key(str(t)) == key]
        for narrowed in (in_plan, as_written):
            if len(narrowed) == 1:
                return narrowed[0]
        codes = ", ".join(t.code for t in matches)
        raise Invalid(f"{shown(raw)} could be more than one theme: use the theme's code ({codes})")

    def recommendation_ids(self, raw) -> set[int]:
        ids, unknown = set(), []
        for reference in values.references(raw):
            candidates = self.recommendations.get(_ref_key(reference), [])
            exact = [r for r in candidates if r.reference.lower() == reference.lower()]
            candidates = exact or candidates
            if len(candidates) == 1:
                ids.add(candidates[0].pk)
            else:
                unknown.append(reference)
        if unknown:
            listed = ", ".join(shown(reference) for reference in unknown)
            plural = "s" if len(unknown) > 1 else ""
            raise Invalid(
                f"No recommendation{plural} with the reference{plural} {listed}: give "
                "references as the app has them, such as K-07"
            )
        return ids


class RowChecker:
    """Checks rows one by one against the lookups, adding problems to the outcome."""

    def __init__(self, lookups: Lookups, headers: list[str], mapping: dict[str, int]):
        self.lookups = lookups
        self.mapping = mapping
        self.columns = {
            name: headers[index] if index < len(headers) and headers[index] else column_name(index)
            for name, index in mapping.items()
        }
        self.seen: dict[str, int] = {}

    def check(self, number: int, cells: dict[str, Any], outcome: Outcome) -> Row | None:
        """The row's outcome, or None if it has problems (added to `outcome`)."""
        problems: list[tuple[str, str]] = []
        parsed: dict[str, Any] = {}
        for name in self.mapping:
            try:
                parsed[name] = self._parse(name, cells.get(name))
            except Invalid as error:
                problems.append((name, error.message))
        reference = parsed.get("reference") or ""
        action = self.lookups.actions.get(reference.lower()) if reference else None
        problems += self._resolve(parsed, action)
        problems += self._consistency(parsed, action)
        if reference and "reference" not in dict(problems):
            first = self.seen.setdefault(reference.lower(), number)
            if first != number:
                problems.append(
                    (
                        "reference",
                        f"Reference {shown(reference)} is also in row {first}: each action "
                        "can be in the file once",
                    )
                )
        problems.sort(key=lambda problem: self.mapping.get(problem[0], len(self.columns)))
        for name, message in problems:
            outcome.add_error(number, self.columns.get(name, FIELDS_BY_NAME[name].label), message)
        if problems:
            return None
        row = self._row(number, reference, action, parsed)
        if self._update_refused(row):
            column = "rag" if "rag" in self.mapping else "progress"
            outcome.add_error(
                number,
                self.columns.get(column, FIELDS_BY_NAME[column].label),
                "A monthly update needs a RAG of Red, Amber, Green or Blue: give one in the "
                "RAG column for this action",
            )
            return None
        return row

    def _parse(self, name: str, raw):
        """The cell as text, date, RAG or publication status; required fields filled."""
        field_ = FIELDS_BY_NAME[name]
        if name in DATE_FIELDS:
            value = values.date(raw)
        elif name == "rag":
            value = values.rag(raw)
        elif name == "publication_status":
            value = values.publication_status(raw)
        elif name == "version":
            value = values.version(raw)
        elif name == "recommendations":
            values.check_cell(raw)
            value = raw
        else:
            value = values.text(raw)
        if field_.required and value in (None, ""):
            raise Invalid(f"The {field_.label.lower()} is blank: every action needs one")
        limit = TEXT_LIMITS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            raise Invalid(
                f"{shown(value[:40] + '…' if len(value) > 40 else value)} is "
                f"{len(value)} characters long: the {field_.label.lower()} can be at most "
                f"{limit}"
            )
        return value

    def _resolve(self, parsed: dict, action: Action | None) -> list[tuple[str, str]]:
        """Names of directorates, people, themes and recommendations into records."""
        problems = []
        lookups = self.lookups
        if parsed.get("directorate"):
            try:
                parsed["directorate"] = lookups.directorate(parsed["directorate"])
            except Invalid as error:
                problems.append(("directorate", error.message))
                parsed["directorate"] = None
        directorate = parsed.get("directorate") or (action.directorate if action else None)
        for name in PERSON_FIELDS:
            if parsed.get(name):
                current = getattr(action, f"{name}_id") if action else None
                try:
                    parsed[name] = lookups.person(
                        parsed[name],
                        label=FIELDS_BY_NAME[name].label,
                        directorate=directorate,
                        current_id=current,
                    )
                except Invalid as error:
                    problems.append((name, error.message))
        if parsed.get("theme"):
            try:
                parsed["theme"] = lookups.theme(parsed["theme"])
            except Invalid as error:
                problems.append(("theme", error.message))
        if "recommendations" in parsed:
            try:
                parsed["recommendations"] = lookups.recommendation_ids(parsed["recommendations"])
            except Invalid as error:
                problems.append(("recommendations", error.message))
        plan = parsed.get("plan")
        if plan and _key(plan) not in lookups.plan_names:
            problems.append(
                (
                    "plan",
                    f"This row is for the plan {shown(plan)}, not {lookups.plan.short_name}: "
                    "import it into its own plan, or remove the row",
                )
            )
        return problems

    def _consistency(self, parsed: dict, action: Action | None) -> list[tuple[str, str]]:
        """Dates in order, and exemption only where the action already has it."""
        problems = []

        def effective(name):
            if name in self.mapping:
                return parsed.get(name)
            return getattr(action, name) if action else None

        start = effective("start_date")
        for name in ("original_due_date", "revised_due_date"):
            due = effective(name)
            if start and isinstance(due, datetime.date) and due < start:
                label = FIELDS_BY_NAME[name].label
                problems.append(
                    (
                        name if name in self.mapping else "start_date",
                        f"The {label.lower()} ({due:%d/%m/%Y}) is before the start date "
                        f"({start:%d/%m/%Y})",
                    )
                )
        status = parsed.get("publication_status")
        if status == PublicationStatus.EXEMPT and not (
            action and action.publication_status == PublicationStatus.EXEMPT
        ):
            problems.append(
                (
                    "publication_status",
                    "An exempt action needs a Schedule 12A paragraph and a date to review the "
                    "exemption: import it as Confidential, then make it exempt on its edit page",
                )
            )
        return problems

    def _row(self, number: int, reference: str, action: Action | None, parsed: dict) -> Row:
        new_values: dict[str, Any] = {}
        for name in TEXT_FIELDS + DATE_FIELDS:
            if name in parsed:
                new_values[name] = parsed[name]
        for name in ("theme", "directorate", *PERSON_FIELDS):
            if name in parsed:
                new_values[f"{name}_id"] = parsed[name].pk if parsed[name] else None
        if parsed.get("publication_status"):
            new_values["publication_status"] = parsed["publication_status"]
        if action is None:
            if parsed.get("rag"):
                new_values["rag"] = parsed["rag"]
            if "description" not in parsed and parsed.get("progress"):
                new_values["description"] = parsed["progress"]
            return Row(number, reference, None, new_values, parsed.get("recommendations"))
        row = Row(number, reference, action, new_values, parsed.get("recommendations"))
        row.file_version = parsed.get("version")
        row.version = action.version or 0
        row.changed = [name for name, value in new_values.items() if getattr(action, name) != value]
        if row.recommendation_ids is not None and row.recommendation_ids != (
            self.lookups.action_recommendations.get(action.pk, set())
        ):
            row.changed.append("recommendations")
        rag = parsed.get("rag") or action.rag
        progress = parsed.get("progress") or ""
        if rag != action.rag:
            row.changed.append("rag")
        if progress and progress != without_import_note(action.latest_narrative):
            row.changed.append("progress")
        if {"rag", "progress"} & set(row.changed):
            row.held = self.lookups.held(action)
            if row.held:
                row.changed = [name for name in row.changed if name not in ("rag", "progress")]
            else:
                row.update = {"rag": rag, "narrative": progress}
        row.differences = [self._difference(row, name) for name in row.changed]
        return row

    def _difference(self, row: Row, name: str) -> dict[str, str]:
        """One field a row changes, in words: its label, the file's value, the app's."""
        action = row.action
        if name == "rag":
            label, new, old = "RAG", row.update["rag"], action.rag
        elif name == "progress":
            label, new, old = "Progress update", row.update["narrative"], action.latest_narrative
        elif name == "recommendations":
            label = FIELDS_BY_NAME[name].label
            new, old = row.recommendation_ids, self.lookups.action_recommendations.get(action.pk)
        else:
            label = FIELDS_BY_NAME[name.removesuffix("_id")].label
            new, old = row.values[name], getattr(action, name)
        return {"field": label, "file": self._words(name, new), "current": self._words(name, old)}

    def _words(self, name: str, value) -> str:
        if value in (None, "", set()):
            return "(blank)"
        if name == "rag":
            return RAG(value).label
        if name == "publication_status":
            return PublicationStatus(value).label
        if name == "recommendations":
            return ", ".join(
                sorted(self.lookups.names.get(("recommendation", pk), "?") for pk in value)
            )
        if name in ("lead_officer_id", "lead_member_id"):
            return self.lookups.person_names.get(value, "?")
        if name in ("directorate_id", "theme_id"):
            return self.lookups.names.get((name.removesuffix("_id"), value), "?")
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return str(value)

    @staticmethod
    def _update_refused(row: Row) -> bool:
        """Whether the row's RAG and progress text are more than a monthly update takes
        (it has no "not yet rated")."""
        return row.update is not None and row.update["rag"] not in RATINGS


def column_name(index: int) -> str:
    """A column's spreadsheet letters: 0 -> "Column A", 27 -> "Column AB"."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"Column {letters}"


def check(
    *,
    plan: ImprovementPlan,
    headers: list[str],
    mapping: dict[str, int],
    rows: Iterable[tuple[int, list]],
    user: AbstractBaseUser | None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Check `rows` ((row number, values of the mapped columns in `columns_of(mapping)`
    order)) for `user` to import (None: no one's own update is revised), calling
    `progress(rows checked)` every PROGRESS_EVERY rows."""
    lookups = Lookups(plan, with_recommendations="recommendations" in mapping, user=user)
    checker = RowChecker(lookups, headers, mapping)
    columns = columns_of(mapping)
    outcome = Outcome()
    for number, cells in rows:
        by_column = dict(zip(columns, cells, strict=True))
        row = checker.check(
            number, {name: by_column[index] for name, index in mapping.items()}, outcome
        )
        outcome.rows += 1
        if row is not None:
            if row.held:
                outcome.held.append(row)
            if row.action is None:
                outcome.new.append(row)
            elif row.is_conflict:
                outcome.conflicts.append(row)
            elif row.changed:
                outcome.changed.append(row)
            elif not row.held:
                outcome.unchanged += 1
        if progress is not None and outcome.rows % PROGRESS_EVERY == 0:
            progress(outcome.rows)
    if outcome.rows == 0:
        outcome.add_error(None, "", "The file has no rows of actions below its headings")
    return outcome


def columns_of(mapping: dict[str, int]) -> list[int]:
    """The columns to read for a mapping, in order."""
    return sorted(set(mapping.values()))

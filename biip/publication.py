"""Whether a record may be shown to the public: the one rule every public output asks.

A record is public only if it and everything it belongs to is public. Each model that
takes part declares, and nothing else does:

- its own status: the fields of `biip.models.Publishable` (public, exempt with a
  Schedule 12A paragraph, confidential), or `own_verdict()` for a record whose
  publication is decided otherwise (a meeting: its content is public only once its
  minutes are published);
- `publication_parents()`: the records it belongs to, nearest first (an action arising:
  its minute and its meeting; a minute: its agenda item and meeting; ...);
- for a frozen copy (a snapshot row, a section as it stood), `publication_source()`: the
  live record it was copied from (None once it is gone). A frozen copy is judged by the
  stricter of the status frozen in it and the live record's verdict now, so withholding
  never relaxes by accident: a record made confidential after its cycle closed is
  withheld from every public version generated afterwards.

`verdict(record)` answers; `attach_verdicts(rows, sources)` answers for many frozen rows at
once (a public report's thousands of rows) and fixes the answer on each row, which
`is_shown(row)` and `reason_of(row)` then read. Core code: it imports no app; the apps'
models declare their parents.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from biip.models import PublicationStatus, Schedule12AParagraph

# How strict each status is: the stricter of two verdicts wins.
STRICTNESS = {
    PublicationStatus.PUBLIC.value: 0,
    PublicationStatus.EXEMPT.value: 1,
    PublicationStatus.CONFIDENTIAL.value: 2,
}


@dataclass(frozen=True)
class Verdict:
    """Whether a record may be shown to the public and, if not, why (in words)."""

    public: bool
    strictness: int = 0
    reason: str = ""
    paragraph: int | None = None  # the Schedule 12A paragraph, when exempt
    passes_on: bool = False  # what belongs to the record is withheld for the same reason

    def stricter(self, other: "Verdict | None") -> "Verdict":
        """The stricter of the two (on a tie, `other`, the later word)."""
        if other is None or self.strictness > other.strictness:
            return self
        return other


PUBLIC = Verdict(public=True)


def exemption_words(paragraph: int) -> str:
    label = Schedule12AParagraph(paragraph).label.split(": ", 1)
    return (
        f"Exempt under paragraph {label[0]} of Schedule 12A to the Local Government "
        f"Act 1972 ({label[-1]})"
    )


def status_verdict(status: str, paragraph: int | None) -> Verdict:
    """The verdict of a publication status on its own."""
    if status == PublicationStatus.PUBLIC:
        return PUBLIC
    if status == PublicationStatus.EXEMPT and paragraph:
        return Verdict(False, STRICTNESS[status], exemption_words(paragraph), paragraph)
    return Verdict(False, STRICTNESS[PublicationStatus.CONFIDENTIAL], "Confidential")


def own_verdict(record) -> Verdict:
    """The record's own status, without what it belongs to."""
    if hasattr(record, "own_verdict"):
        return record.own_verdict()
    return status_verdict(record.publication_status, record.exemption_paragraph)


def withheld_reason(record) -> str:
    """Why the record's own status withholds it, in words (whatever it belongs to)."""
    return own_verdict(record).reason or "Public"


def inherited(parent, verdict: Verdict) -> Verdict:
    """A record withheld because `parent` is: "Withheld with its minute"."""
    if verdict.public or verdict.passes_on:
        return verdict
    noun = getattr(parent, "publication_noun", None) or parent._meta.verbose_name
    return Verdict(False, verdict.strictness, f"Withheld with its {noun}", verdict.paragraph)


def verdict(record) -> Verdict:
    """Whether the record may be shown to the public: its own status first, then each
    record it belongs to; a frozen copy by the stricter of its frozen status and its live
    record's verdict now (see the module's docstring)."""
    fixed = getattr(record, "publication_verdict", None)
    if fixed is not None:
        return fixed
    if hasattr(record, "publication_source"):
        return frozen_verdict(record, record.publication_source())
    answer = own_verdict(record)
    if not answer.public:
        return answer
    for parent in publication_parents(record):
        answer = inherited(parent, verdict(parent))
        if not answer.public:
            return answer
    return PUBLIC


def publication_parents(record) -> list:
    if hasattr(record, "publication_parents"):
        return [parent for parent in record.publication_parents() if parent is not None]
    return []


def frozen_verdict(row, source) -> Verdict:
    """A frozen copy: the stricter of its frozen status and its live record's verdict (a
    record that is gone leaves the frozen status alone)."""
    frozen = status_verdict(row.publication_status, row.exemption_paragraph)
    return frozen.stricter(verdict(source) if source is not None else None)


def is_public(record) -> bool:
    return verdict(record).public


def reason_of(record) -> str:
    """Why the record is withheld, in words ("" if it is public)."""
    return verdict(record).reason


def is_shown(row, *, public: bool) -> bool:
    """In an internal version everything is shown; in a public one, only what is public."""
    return not public or is_public(row)


def attach_verdicts(rows: Iterable, sources: dict) -> None:
    """Judge many frozen rows at once: `sources` maps each row's source key (the row's
    `publication_source_id`) to its live record, loaded in bulk with what it belongs to.
    Each row keeps its verdict, so every later question about it is answered alike."""
    for row in rows:
        source = sources.get(row.publication_source_id)
        row.publication_verdict = frozen_verdict(row, source)


def withheld_heading(number: int, answer: Verdict) -> str:
    """A neutral heading for a section withheld by `answer`: "Section 3: withheld, exempt
    under paragraph 4 of Schedule 12A"."""
    if answer.paragraph and answer.strictness == STRICTNESS[PublicationStatus.EXEMPT]:
        return (
            f"Section {number}: withheld, exempt under paragraph {answer.paragraph} of Schedule 12A"
        )
    return f"Section {number}: withheld, confidential"

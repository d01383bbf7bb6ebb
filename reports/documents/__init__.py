"""The four documents. Each is a module here with the same three names:

- `TEMPLATE`: its template (extending `reports/documents/base.html`);
- `default_sections(report) -> list[SectionSpec]`: the narrative sections a new report of
  that kind starts with (the secretariat writes them);
- `build_context(doc: DocumentInput) -> dict`: what its template shows, from the data
  (`doc.dataset`: a snapshot or live data), the narrative (`doc.sections`) and whether it is
  the public version (`doc.public`: then nothing that is not public may reach the context).

`DOCUMENTS` maps each `Report.Kind` to its module.
"""

from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from reports.data import Dataset
from reports.models import Report


@dataclass
class SectionSpec:
    key: str
    heading: str
    theme_id: int | None = None
    body: str = ""


@dataclass
class SectionView:
    """A narrative section as the document shows it: its HTML (Markdown rendered and
    sanitised), or in the public version, if it is not public, only why it is withheld."""

    key: str
    heading: str
    order: int
    theme_id: int | None
    html: SafeString | str = ""
    withheld: bool = False
    reason: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.withheld and not str(self.html).strip()


@dataclass
class DocumentInput:
    report: Report  # with its particulars (addressee, date, ...) as they stood
    dataset: Dataset
    sections: list[SectionView]
    public: bool
    draft: bool
    previous: Dataset | None = None  # the cycle before, for "what changed"
    extra: dict = field(default_factory=dict)

    def section(self, key: str) -> SectionView | None:
        return next((section for section in self.sections if section.key == key), None)

    def theme_section(self, theme_id: int) -> SectionView | None:
        return next((s for s in self.sections if s.theme_id == theme_id), None)


def documents() -> dict:
    from reports.documents import letter, pack, smart, stocktake

    return {
        Report.Kind.STOCKTAKE: stocktake,
        Report.Kind.LETTER: letter,
        Report.Kind.PACK: pack,
        Report.Kind.SMART: smart,
    }

"""Findings as data: an Issue says where and what; a Report collects them and flattens for tests."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = ["Issue", "Report", "ERROR", "WARNING"]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One finding, located as precisely as is known.

    `cell` is an A1 reference ("E7"); a whole row or column is given by `row_number` or
    `column`; a file-level finding has neither. `rule` is a stable kebab-case slug.
    `label` names what the cell holds for a clerk ("地区生产总值增长·完成值"), `label_en` the
    same in English ("GDP growth · actual"); `field` is the document's field name, for
    programs only (never shown).
    """

    rule: str
    message: str
    message_en: str
    severity: str = ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    row_number: int | None = None
    column: str = ""
    field: str = ""
    label: str = ""
    label_en: str = ""
    unit_id: str = ""
    indicator_id: str = ""
    value: Any = None
    hint: str = ""
    hint_en: str = ""
    json_path: str = ""

    def located(self, **where: Any) -> Issue:
        """A copy with more location filled in (file, sheet, cell …)."""
        return replace(self, **where)

    def label_for(self, lang: str = "zh") -> str:
        """What the cell holds, in the language asked for (in English, the Chinese label when
        no English one is known: a clerk's words rather than a field name). Never the field
        name: no label at all rather than "actual" in a clerk's list."""
        if lang != "zh" and self.label_en:
            return self.label_en
        return self.label if self.label != self.field else ""

    def text(self, lang: str = "zh") -> str:
        """One line a clerk can act on: where, what, how to fix."""
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet:
            where.append(f"工作表“{self.sheet}”" if lang == "zh" else f"sheet {self.sheet!r}")
        if self.cell:
            where.append(f"单元格 {self.cell}" if lang == "zh" else f"cell {self.cell}")
        elif self.row_number:
            where.append(f"第 {self.row_number} 行" if lang == "zh" else f"row {self.row_number}")
        if label := self.label_for(lang):
            where.append(f"（{label}）" if lang == "zh" else f"({label})")
        message = self.message if lang == "zh" else self.message_en
        hint = self.hint if lang == "zh" else self.hint_en
        head = ", ".join(where)
        text = f"{head}: {message}" if head else message
        return f"{text} — {hint}" if hint else text


@dataclass
class Report:
    """The findings for one file (or one batch), in the order they were found."""

    file: str = ""
    issues: list[Issue] = field(default_factory=list)
    kind: str = ""
    unit_id: str = ""
    sha256: str = ""  # of the bytes examined (read once), "" when they were never read

    def add(self, issue: Issue) -> None:
        """Add a finding, filling in the report's file if the finding has none."""
        self.issues.append(issue if issue.file or not self.file else issue.located(file=self.file))

    def extend(self, issues: Iterable[Issue]) -> None:
        """Add several findings."""
        for issue in issues:
            self.add(issue)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    @property
    def errors(self) -> list[Issue]:
        """Findings that stop a workbook from being scored."""
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Findings that were fixed or tolerated (normalised values …)."""
        return [i for i in self.issues if i.severity == WARNING]

    @property
    def valid(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    def flatten(self, keys: Sequence[str] = ("sheet", "cell", "rule")) -> list[list[Any]]:
        """Each finding as a list of the named fields, for tests and printing."""
        return [[getattr(i, k) for k in keys] for i in self.issues]

    def to_dicts(self) -> list[dict[str, Any]]:
        """Findings as JSON-ready dicts."""
        return [asdict(i) for i in self.issues]

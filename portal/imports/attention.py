"""What of a preview needs the admin, for the preview's first tab: the counts first, then only
the rows that need attention, grouped by their problem, so that a 100-row ledger reads as a
short list of things to do rather than 100 rows to scroll through.

Plain functions over the stored LedgerPreview; no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .ledger.preview import LedgerPreview, PreviewRow
from .programmes import UNCLASSIFIED_NAME

ROWS_PER_GROUP = 8  # rows shown under each problem; the rest are one click away on the second tab
QUALITATIVE_PREFIX = "定性："
# "D列（牵头单位）：单位“X”不存在…" → the field's label; a problem without a column has none.
FIELD_RE = re.compile(r"^[A-Z]*列（(?P<label>[^）]+)）：")


@dataclass
class ProblemGroup:
    key: str
    label: str
    rows: list[PreviewRow]

    @property
    def shown(self) -> list[PreviewRow]:
        return self.rows[:ROWS_PER_GROUP]

    @property
    def more(self) -> int:
        return max(0, len(self.rows) - ROWS_PER_GROUP)


@dataclass
class SectionProgrammes:
    """A section's tasks as the 专项 card shows them: those the admin must assign (未分类) and
    those given a suggestion to check; the section's select sets all of its tasks at once."""

    seq: int | None
    title: str
    tasks: list[dict] = field(default_factory=list)

    @property
    def unclassified(self) -> list[dict]:
        return [task for task in self.tasks if task["programme"] == UNCLASSIFIED_NAME]

    @property
    def suggested(self) -> list[dict]:
        return [task for task in self.tasks if task["suggested"] and task["programme"] != UNCLASSIFIED_NAME]

    @property
    def key(self) -> str:
        return f"s{self.seq or 0}"


@dataclass
class Attention:
    counts: dict[str, int]
    units_to_map: int
    units_with_suggestion: int
    unclassified_tasks: int
    suggested_tasks: int
    qualitative_rows: list[PreviewRow]
    error_groups: list[ProblemGroup]
    sections: list[SectionProgrammes]

    @property
    def nothing_to_do(self) -> bool:
        return not (self.units_to_map or self.unclassified_tasks or self.error_groups)


def problem_kind(problem: str) -> tuple[str, str]:
    """(key, label) of the group a problem beside its row belongs to."""
    message = FIELD_RE.sub("", problem)
    if message.startswith("单位“") and "不存在" in message:
        return "unit", _("单位不存在（在上方“单位对应”中处理）")
    if message.startswith("所属任务"):
        return "task", _("所属任务有错误")
    match = FIELD_RE.match(problem)
    if match:
        label = match.group("label")
        return f"field:{label}", _("%(field)s有误") % {"field": label}
    return "other", _("其他错误")


def error_groups(rows: list[PreviewRow]) -> list[ProblemGroup]:
    """The rows in error, each under its first problem's kind, the groups in order of size."""
    groups: dict[str, ProblemGroup] = {}
    for row in rows:
        if row.status != "error" or not row.problems:
            continue
        key, label = problem_kind(row.problems[0])
        groups.setdefault(key, ProblemGroup(key, label, [])).rows.append(row)
    return sorted(groups.values(), key=lambda group: (group.key == "task", -len(group.rows)))


def is_qualitative(row: PreviewRow) -> bool:
    return any(target.startswith(QUALITATIVE_PREFIX) for target in row.targets)


def programme_sections(tasks: list[dict]) -> list[SectionProgrammes]:
    """The sections with a task whose 专项 the admin should assign or check, in file order."""
    sections: dict[int, SectionProgrammes] = {}
    for task in tasks:
        seq = task["section_seq"] or 0
        section = sections.setdefault(seq, SectionProgrammes(task["section_seq"], task["section"] or _("（不在章节中）")))
        section.tasks.append(task)
    return [s for s in sections.values() if s.unclassified or s.suggested]


def preview_attention(preview: LedgerPreview) -> Attention:
    unclassified = sum(1 for task in preview.tasks if task["programme"] == UNCLASSIFIED_NAME)
    return Attention(
        counts=preview.counts,
        units_to_map=len(preview.unknown_units),
        units_with_suggestion=sum(1 for name in preview.unknown_units if preview.unit_suggestions.get(name)),
        unclassified_tasks=unclassified,
        suggested_tasks=sum(1 for t in preview.tasks if t["suggested"] and t["programme"] != UNCLASSIFIED_NAME),
        qualitative_rows=[row for row in preview.rows if row.kind == "measure" and is_qualitative(row)],
        error_groups=error_groups(preview.rows),
        sections=programme_sections(preview.tasks),
    )


def rows_matching(preview: LedgerPreview, *, status: str = "", problem: str = "") -> list[PreviewRow]:
    """The second tab's rows: all, or those of one status, or of one problem group (or the
    qualitative ones), so that a group's "more" link opens just its rows."""
    rows = preview.rows
    if status:
        rows = [row for row in rows if row.status == status]
    if problem == "qualitative":
        rows = [row for row in rows if is_qualitative(row)]
    elif problem:
        rows = [row for row in rows if row.status == "error" and row.problems and problem_kind(row.problems[0])[0] == problem]
    return rows

"""What an import would do, row by row, before anything is written.

The preview is the validate layer's draft compared with what the plan holds (write.compare,
the same comparison the write carries out): each spreadsheet row is to be created, updated,
left unchanged, or refused with its problems named. It is plain data, kept as JSON on an
import job and shown to the admin.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from tasks.models import Plan

from .edits import EDITABLE_FIELDS
from .read import LedgerFile, LedgerSheet
from .results import RESULT_STATUS_LABELS, ResultLine, ResultsCheck
from .validate import LedgerDraft
from .write import compare, load_plan_state

STATUS_LABELS = {"create": "新增", "update": "更新", "unchanged": "未变", "error": "错误"}
STATUSES = tuple(STATUS_LABELS)
FIRST_TASKS = 8  # tasks listed in the preview, so that a wrong grouping is seen before a write


@dataclass(slots=True)
class PreviewRow:
    sheet: str
    row: int
    kind: str  # section | measure | other
    code: str  # 一 for a section, 3.2 for the second measure of task 3
    text: str
    status: str  # create | update | unchanged | error
    changes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    task: str = ""
    units: str = ""
    targets: list[str] = field(default_factory=list)
    deadline: str = ""
    programme: str = ""  # the task's 专项, on its first row
    programme_suggested: bool = False  # that 专项 is the classifier's suggestion, not the file's
    cells: dict[str, str] = field(default_factory=dict)  # the editable cells as read (and edited)
    edited: bool = False  # the admin corrected this row in the preview


@dataclass
class LedgerPreview:
    sheet: str
    rows: list[PreviewRow]
    problems: list[str]  # every problem, with its place
    sheet_problems: list[str]  # problems of the sheet as a whole (a column missing)
    warnings: list[str]
    notices: list[str] = field(default_factory=list)
    unknown_units: dict[str, list[str]] = field(default_factory=dict)  # name → places
    unit_suggestions: dict[str, list] = field(default_factory=dict)  # name → [(unit id, label)], best first
    unknown_headers: list[tuple[str, str]] = field(default_factory=list)  # (column letter, header text)
    columns: dict[str, str] = field(default_factory=dict)  # field → column letter
    missing_measures: list[str] = field(default_factory=list)
    kept_targets: int = 0
    plan_exists: bool = False
    measure_count: int = 0
    target_count: int = 0
    task_count: int = 0
    first_tasks: list[str] = field(default_factory=list)  # "3. 强化青年群体就业扶持（4 项措施）"
    task_layout: str = ""  # how the file's tasks were told apart, in words
    # One line per task, for choosing 专项 per task or per section: number, title, section
    # (its seq and title), programme, suggested, and the rows it spans.
    tasks: list[dict] = field(default_factory=list)
    edited_rows: int = 0  # rows the admin corrected in the preview
    remembered_rows: int = 0  # rows given the corrections remembered from the plan's earlier imports
    results: list[ResultLine] = field(default_factory=list)  # the rows of a results sheet (已完成结果)

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.status for row in self.rows)
        return {status: counted.get(status, 0) for status in STATUSES}

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def good_rows(self) -> int:
        return sum(1 for row in self.rows if row.status != "error")

    @property
    def result_counts(self) -> dict[str, int]:
        counted = Counter(line.status for line in self.results)
        return {status: counted.get(status, 0) for status in RESULT_STATUS_LABELS}

    @property
    def result_badges(self) -> list[tuple[str, str, int]]:
        """(status, label, how many) of the results' statuses that occur."""
        counts = self.result_counts
        return [(status, label, counts[status]) for status, label in RESULT_STATUS_LABELS.items() if counts[status]]

    @property
    def error_rows(self) -> int:
        return self.counts["error"] + self.result_counts["error"]

    def as_dict(self) -> dict:
        values = asdict(self)
        values["results"] = [line.as_dict() for line in self.results]  # their values as text, for JSON
        return values

    @classmethod
    def from_dict(cls, data: dict) -> LedgerPreview:
        values = dict(data)
        values["rows"] = [PreviewRow(**row) for row in data.get("rows", [])]
        values["results"] = [ResultLine.from_dict(line) for line in data.get("results", [])]
        values["unknown_headers"] = [tuple(pair) for pair in data.get("unknown_headers", [])]
        return cls(**values)


def _editable_cells(row) -> dict[str, str]:
    if row is None:
        return {}
    return {name: row.get(name) for name in EDITABLE_FIELDS if row.get(name)}


def _task_line(task, programme_names: dict[int, str], sections: dict[int, str]) -> dict:
    return {
        "number": task.number,
        "title": task.title,
        "section_seq": task.section_seq,
        "section": sections.get(task.section_seq, ""),
        "programme": programme_names.get(task.programme_id, ""),
        "suggested": task.programme_suggested,
        "rows": [measure.place.row for measure in task.measures],
    }


def ledger_preview(
    draft: LedgerDraft,
    *,
    plan: Plan | None,
    sheet: LedgerSheet,
    ledger_file: LedgerFile | None = None,
    results: ResultsCheck | None = None,
    edited_rows: set[int] = frozenset(),
) -> LedgerPreview:
    diff = compare(draft, load_plan_state(plan))
    problems_by_row: dict[int, list[str]] = {}
    sheet_problems = []
    for problem in draft.problems:
        if problem.place.row == sheet.header_row and not problem.place.column:
            sheet_problems.append(str(problem))
            continue
        problems_by_row.setdefault(problem.place.row, []).append(problem.beside_row())

    from tasks.models import Programme

    programme_names = dict(Programme.objects.values_list("pk", "name"))
    sheet_rows = {row.number: row for row in sheet.rows}
    rows: list[PreviewRow] = []
    covered: set[int] = set()
    for section in draft.sections:
        row = section.place.row if section.place else 0
        covered.add(row)
        status = "error" if row in problems_by_row else diff.sections[section.seq].status
        rows.append(
            PreviewRow(
                sheet=sheet.name, row=row, kind="section", code=section.number, text=section.title, status=status,
                changes=diff.sections[section.seq].changes, problems=problems_by_row.get(row, []),
            )
        )
    for task in draft.tasks:
        task_change = diff.tasks[task.number]
        for index, measure in enumerate(task.measures):
            row = measure.place.row
            covered.add(row)
            change = diff.measures[(task.number, measure.seq)]
            status, changes = change.status, list(change.changes)
            problems = list(problems_by_row.get(row, []))
            if index == 0 and task_change.status == "update":
                changes = list(dict.fromkeys(task_change.changes + changes))
                status = "update" if status == "unchanged" else status
            if task.problems and index > 0:
                problems.append(f"所属任务（第{task.place.row}行）有错误，整条任务不能导入")
            if problems:
                status = "error"
            rows.append(
                PreviewRow(
                    sheet=sheet.name, row=row, kind="measure", code=f"{task.number}.{measure.seq}",
                    text=measure.text, status=status, changes=changes, problems=problems, task=task.title,
                    units=measure.units_text, targets=[t.parsed.phrase for t in measure.targets] + [
                        f"定性：{goal}" for goal in measure.goal.split("\n") if goal
                    ],
                    deadline=measure.deadline_text,
                    programme=programme_names.get(task.programme_id, "") if index == 0 else "",
                    programme_suggested=task.programme_suggested and index == 0,
                    cells=_editable_cells(sheet_rows.get(row)),
                    edited=row in edited_rows,
                )
            )
    for row, problems in problems_by_row.items():
        if row not in covered:
            rows.append(PreviewRow(sheet=sheet.name, row=row, kind="other", code="", text="", status="error",
                                   problems=problems))
    rows.sort(key=lambda r: r.row)

    sections = {section.seq: section.title for section in draft.sections}
    state_texts = {}
    if diff.missing:
        from tasks.models import Measure  # the texts of the few measures no longer in the file

        state_texts = {
            (number, seq): text
            for number, seq, text in Measure.objects.filter(task__plan=plan).values_list("task__number", "seq", "text")
        }
    return LedgerPreview(
        sheet=sheet.name,
        rows=rows,
        problems=[str(p) for p in draft.problems] + [str(p) for p in (results.problems if results else [])],
        sheet_problems=sheet_problems,
        warnings=[str(w) for w in draft.warnings],
        notices=list(ledger_file.notices) if ledger_file else [],
        unknown_units={name: [str(place) for place in places] for name, places in draft.unknown_units.items()},
        unknown_headers=list(sheet.unknown_headers),
        columns=dict(sheet.columns),
        missing_measures=[f"{n}.{s} {state_texts.get((n, s), '')[:40]}" for n, s in diff.missing],
        kept_targets=len(diff.targets_kept),
        plan_exists=plan is not None and plan.pk is not None,
        measure_count=len(draft.measures),
        task_count=len(draft.tasks),
        first_tasks=[f"{t.number}. {t.title}（{len(t.measures)} 项措施）" for t in draft.tasks[:FIRST_TASKS]],
        task_layout=draft.layout.description if draft.layout else "",
        tasks=[_task_line(task, programme_names, sections) for task in draft.tasks],
        target_count=draft.target_count,
        edited_rows=len(edited_rows),
        results=results.lines if results else [],
    )

"""A plan's ledger back to .xlsx, in the layout bureaus keep (fixtures/ledgers/build.py):
a title row, a note row, the header, section rows across the sheet, task cells merged down
their measures, column widths and a frozen header. The targets are written as their source
phrases and the latest approved progress in two columns the reader knows to leave alone, so
that exporting a plan and importing the file again changes nothing.
"""

from __future__ import annotations

import io
from copy import copy
from collections import defaultdict
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.merge import MergedCellRange

from indicators.models import ActualValue, ProgressReport, Target
from indicators.parsing import PlanContext, parse_targets, plain_number
from tasks.models import Measure, Plan, Responsibility, Section, Task
from units.resources import FORMULA_PREFIXES

COLUMNS = ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限", "专项", "最新进展", "实际完成"]
WIDTHS = [6, 28, 60, 18, 24, 30, 12, 10, 40, 28]
MERGED_TASK_COLUMNS = (1, 2, 8)  # 序号, 任务, 专项 span the task's measures
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


def ledger_export(plan: Plan, *, viewer=None) -> bytes:
    """The plan's ledger as .xlsx. With a viewer, the progress columns hold only the reports
    he may read elsewhere (ProgressReport.objects.visible_to); without one (commands, the
    round trip), all of them.

    Linear in the plan's size: rows are counted here, and the merges are set at the end in one
    go — openpyxl's max_row scans every cell and its merge_cells checks each new range against
    all the earlier ones, which made a 10,000-measure plan take minutes."""
    book = Workbook()
    sheet = book.active
    sheet.title = "工作台账"
    width = len(COLUMNS)
    note = f"城市：{plan.city.short_name}    时间：{plan.year_start}—{plan.year_end}年"
    if plan.source_document:
        note += f"    来源：{plan.source_document}"
    for value in (f"{plan.title}工作台账", note):  # a title is the admin's text: neutralised as any cell
        sheet.append([None])
        write_cell(sheet.cell(sheet.max_row, 1), value)
    merges = [(1, 1, 1, width), (2, 1, 2, width)]
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER

    context = PlanContext(plan.year_start, plan.year_end)
    measures = _measures_by_task(plan)
    progress, actuals = latest_approved_progress(plan, viewer=viewer)
    # Wrapped, with thin borders. openpyxl looks each style assigned up in the workbook's list
    # by its hash, most of an export's time: the body's cells copy one cell's style indices.
    sample = sheet.cell(4, 1)
    sample.alignment, sample.border = WRAP, BORDER
    style, row = copy(sample._style), 3
    for section, tasks in _blocks(plan):
        if section is not None:
            row = _append(sheet, row, style, [section.number, section.title] + [""] * (width - 2))
            merges.append((row, 2, row, width))
            sheet.cell(row, 1).font = sheet.cell(row, 2).font = Font(bold=True)
        for task in tasks:
            start = row + 1
            for index, measure in enumerate(measures.get(task.pk, [])):
                first = index == 0
                leads = [r.unit.name for r in measure.responsibilities.all() if r.role == Responsibility.Role.LEAD]
                supports = [r.unit.name for r in measure.responsibilities.all() if r.role != Responsibility.Role.LEAD]
                targets = list(measure.targets.all())
                row = _append(
                    sheet,
                    row,
                    style,
                    [
                        task.number if first else None,
                        task.title if first else None,
                        measure.text,
                        "、".join(leads),
                        "、".join(supports),
                        "\n".join(filter(None, [target_cell(targets, context), measure.goal])),
                        measure.deadline_text,
                        task.programme.name if first else None,
                        "\n".join(progress.get(measure.pk, [])),
                        "\n".join(line for t in targets for line in actuals.get(t.pk, [])),
                    ],
                )
            if row > start:
                merges += [(start, column, row, column) for column in MERGED_TASK_COLUMNS]
    _merge(sheet, merges)
    for index, cell_width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = cell_width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, row: int, style, values: list) -> int:
    """Write the values on the row after `row`, in the body's style; return the row written."""
    row += 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row, column)
        cell._style = copy(style)
        if value is not None and value != "":
            write_cell(cell, value)
    return row


def _merge(sheet, ranges: list[tuple[int, int, int, int]]) -> None:
    """Merge (first row, first column, last row, last column) ranges that never overlap, as
    openpyxl's merge_cells does each, without its check against every range already merged and
    with the covered cells keeping the body's style (borders) instead of its per-range format()."""
    merged = [
        MergedCellRange(sheet, CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2).coord)
        for r1, c1, r2, c2 in ranges
    ]
    sheet.merged_cells = MultiCellRange(merged)
    for cell_range in merged:
        cells = cell_range.cells
        next(cells)  # the top-left cell holds the value
        for row, column in cells:
            covered = MergedCell(sheet, row, column)
            covered._style = copy(sheet._cells[row, column]._style) if (row, column) in sheet._cells else covered._style
            sheet._cells[row, column] = covered


def write_cell(cell, value) -> None:
    """Text that Excel would take for a formula (=, +, -, @ first) is stored as text, marked
    with Excel's own quote prefix: shown as written, never evaluated, and read back unchanged."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def target_cell(targets: list[Target], context: PlanContext) -> str:
    """One line per source phrase. A phrase that holds several targets (实习岗位2000个以上，
    见习岗位3000个以上) is written once for all of them, as it was in the ledger."""
    lines, index = [], 0
    while index < len(targets):
        phrase = targets[index].phrase
        run = 1
        while index + run < len(targets) and targets[index + run].phrase == phrase:
            run += 1
        per_line = max(1, len(parse_targets(phrase, context).targets))
        lines += [phrase] * -(-run // per_line)
        index += run
    return "\n".join(lines)


def _blocks(plan: Plan):
    """(section, tasks) in the order of the ledger: tasks before any section first."""
    tasks = list(Task.objects.filter(plan=plan).select_related("programme").order_by("number"))
    by_section = defaultdict(list)
    for task in tasks:
        by_section[task.section_id].append(task)
    if by_section.get(None):
        yield None, by_section[None]
    for section in Section.objects.filter(plan=plan).order_by("seq"):
        yield section, by_section.get(section.pk, [])


def _measures_by_task(plan: Plan) -> dict[int, list[Measure]]:
    from django.db.models import Prefetch

    measures = Measure.objects.filter(task__plan=plan).order_by("task_id", "seq").prefetch_related(
        Prefetch("responsibilities", queryset=Responsibility.objects.select_related("unit").order_by("role", "id")),
        Prefetch("targets", queryset=Target.objects.order_by("seq")),
    )
    grouped = defaultdict(list)
    for measure in measures:
        grouped[measure.task_id].append(measure)
    return grouped


def latest_approved_progress(plan: Plan, *, viewer=None) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per measure, each unit's narrative of its latest approved period; per target, the
    values of those reports. Of a period's approved versions only the highest counts. With a
    viewer, only the reports he may read."""
    latest: dict[tuple[int, int], dict] = {}
    readable = ProgressReport.objects.visible_to(viewer) if viewer is not None else ProgressReport.objects.all()
    reports = (
        readable.filter(measure__task__plan=plan, state=ProgressReport.State.APPROVED)
        .values("pk", "measure_id", "unit_id", "unit__name", "period__start", "period__end", "version", "narrative")
        .order_by("measure_id", "unit_id", "period__start", "version")
    )
    for report in reports:
        # Ordered by period then version: the last one seen per (measure, unit) is the latest.
        latest[(report["measure_id"], report["unit_id"])] = report
    progress: dict[int, list[str]] = defaultdict(list)
    chosen = {}
    for (measure_id, _unit_id), report in latest.items():
        when = _period_label(report["period__start"], report["period__end"])
        chosen[report["pk"]] = (report["unit__name"], when)
        if report["narrative"]:
            progress[measure_id].append(f"{report['unit__name']}（{when}）：{report['narrative']}")
    actuals: dict[int, list[str]] = defaultdict(list)
    values = (
        ActualValue.objects.filter(report_id__in=chosen)
        .values("report_id", "target_id", "target__unit", "value", "numerator", "denominator")
        .order_by("target_id", "report__unit_id")
    )
    for value in values:
        unit_name, when = chosen[value["report_id"]]
        figure = _figure(value)
        if figure:
            actuals[value["target_id"]].append(f"{figure}{value['target__unit']}（{unit_name}，{when}）")
    return progress, actuals


def _figure(value: dict) -> str:
    if value["value"] is not None:
        return _plain(value["value"])
    if value["numerator"] is not None and value["denominator"]:
        return _plain(value["numerator"] * 100 / value["denominator"])
    return ""


def _plain(number: Decimal) -> str:
    number = number.quantize(Decimal("0.01")) if number != number.to_integral_value() else number.quantize(Decimal(1))
    return plain_number(number)


def _period_label(start, end) -> str:
    if (end - start).days > 31:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年{start.month}月"

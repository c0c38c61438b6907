"""A plan's ledger back to .xlsx, in the layout bureaus keep (fixtures/ledgers/build.py):
a title row, a note row, the header, section rows across the sheet, task cells merged down
their measures, column widths and a frozen header. The targets are written as their source
phrases and the latest approved progress in two columns the reader knows to leave alone, so
that exporting a plan and importing the file again changes nothing.
"""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

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


def ledger_export(plan: Plan) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "工作台账"
    width = len(COLUMNS)
    sheet.append([f"{plan.title}工作台账"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    note = f"城市：{plan.city.short_name}    时间：{plan.year_start}—{plan.year_end}年"
    if plan.source_document:
        note += f"    来源：{plan.source_document}"
    sheet.append([note])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.append(COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER

    context = PlanContext(plan.year_start, plan.year_end)
    measures = _measures_by_task(plan)
    progress, actuals = latest_approved_progress(plan)
    for section, tasks in _blocks(plan):
        if section is not None:
            _append(sheet, [section.number, section.title] + [""] * (width - 2))
            r = sheet.max_row
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
            sheet.cell(r, 1).font = sheet.cell(r, 2).font = Font(bold=True)
        for task in tasks:
            start = sheet.max_row + 1
            for index, measure in enumerate(measures.get(task.pk, [])):
                first = index == 0
                leads = [r.unit.name for r in measure.responsibilities.all() if r.role == Responsibility.Role.LEAD]
                supports = [r.unit.name for r in measure.responsibilities.all() if r.role != Responsibility.Role.LEAD]
                targets = list(measure.targets.all())
                _append(
                    sheet,
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
            end = sheet.max_row
            if end > start:
                for column in MERGED_TASK_COLUMNS:
                    sheet.merge_cells(start_row=start, start_column=column, end_row=end, end_column=column)
    for index, cell_width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = cell_width
    sheet.freeze_panes = "A4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append(sheet, values: list) -> None:
    sheet.append([None] * len(values))
    r = sheet.max_row
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(r, column)
        if value is not None and value != "":
            write_cell(cell, value)
        cell.alignment = WRAP
        cell.border = BORDER


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


def latest_approved_progress(plan: Plan) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Per measure, each unit's narrative of its latest approved period; per target, the
    values of those reports. Of a period's approved versions only the highest counts."""
    latest: dict[tuple[int, int], dict] = {}
    reports = (
        ProgressReport.objects.filter(measure__task__plan=plan, state=ProgressReport.State.APPROVED)
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

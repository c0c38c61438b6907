"""A draft as ledger rows (docs/ledger-format.md), as an in-memory sheet for the ledger
validator, and as an .xlsx in the bureau layout of fixtures/ledgers/build.py with the results
found on a second sheet 已完成结果."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..ledger.read import Cell, LedgerRow, LedgerSheet, match_header
from .draft import Draft

COLUMNS = ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限", "专项"]
WIDTHS = [6, 28, 60, 18, 24, 30, 12, 10]
RESULT_COLUMNS = ["城市", "年份", "指标", "结果", "原文"]
RESULT_WIDTHS = [8, 8, 28, 14, 80]
SHEET_NAME = "工作台账"
RESULTS_SHEET_NAME = "已完成结果"
HEADER_ROW = 3  # a title row and a note row above the header, as bureaus lay it out
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 100 → 一百, 105 → 一百零五, 120 → 一百二十: how a
    ledger numbers its sections, however many a long text has (the import reads them back)."""
    if number < 1:
        raise ValueError(f"section numbers start at 1, not {number}")
    digits = "零一二三四五六七八九"
    if number < 20:
        return ("十" if number >= 10 else "") + (digits[number % 10] if number % 10 or number < 10 else "")
    parts, zero = [], False
    for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            parts.append(("零" if zero else "") + digits[digit] + name)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def draft_rows(draft: Draft) -> list[dict[str, str]]:
    """The draft as ledger rows: section rows, then task rows with their first measure, then
    the task's further measures with 序号, 任务 and 专项 empty."""
    rows: list[dict[str, str]] = []
    section_number, task_number = 0, 0
    for section in draft.sections:
        if section.title:
            section_number += 1
            rows.append(dict.fromkeys(COLUMNS, "") | {"序号": chinese_number(section_number), "任务": section.title})
        for task in section.tasks:
            task_number += 1
            for index, measure in enumerate(task.measures):
                row = {
                    "序号": str(task_number) if index == 0 else "",
                    "任务": task.title if index == 0 else "",
                    "工作措施": measure.text,
                    "牵头单位": measure.lead,
                    "配合单位": "、".join(measure.support),
                    "目标指标": "\n".join(target.phrase for target in measure.targets),
                    "完成时限": measure.deadline,
                    "专项": task.programme if index == 0 else "",
                }
                rows.append(row)
    return rows


def result_rows(draft: Draft) -> list[dict[str, str]]:
    return [
        {"城市": draft.city, "年份": str(r.year), "指标": r.indicator, "结果": r.figure, "原文": r.sentence}
        for r in draft.results
    ]


def draft_to_sheet(draft: Draft) -> LedgerSheet:
    """The rows the ledger reader would read from draft_to_xlsx(draft), without the file:
    same sheet name, column letters and row numbers, for portal.imports.ledger.validate."""
    columns = {match_header(name): get_column_letter(index) for index, name in enumerate(COLUMNS, start=1)}
    rows = []
    for number, values in enumerate(draft_rows(draft), start=HEADER_ROW + 1):
        cells = {field: Cell(values[name], columns[field]) for name, field in zip(COLUMNS, columns)}
        rows.append(LedgerRow(sheet=SHEET_NAME, number=number, cells=cells))
    return LedgerSheet(name=SHEET_NAME, header_row=HEADER_ROW, columns=columns, rows=rows)


def draft_to_xlsx(draft: Draft) -> bytes:
    """The draft as an Excel 工作台账 (merged task cells, frozen header) plus 已完成结果."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_NAME
    width = len(COLUMNS)
    _title_rows(sheet, draft, width)
    sheet.append(COLUMNS)
    _style_header(sheet[HEADER_ROW])
    task_start = None
    for row in draft_rows(draft):
        sheet.append([row[name] for name in COLUMNS])
        r = sheet.max_row
        for cell in sheet[r]:
            _as_text(cell)
            cell.alignment = WRAP
            cell.border = BORDER
        if row["序号"] and not row["序号"].isdigit():
            _merge_task(sheet, task_start, r - 1)
            task_start = None
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=width)
            sheet.cell(r, 1).font = sheet.cell(r, 2).font = Font(bold=True)
        elif row["序号"]:
            _merge_task(sheet, task_start, r - 1)
            task_start = r
    _merge_task(sheet, task_start, sheet.max_row)
    for index, column_width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"

    results = book.create_sheet(RESULTS_SHEET_NAME)
    results.append(RESULT_COLUMNS)
    _style_header(results[1])
    for row in result_rows(draft):
        results.append([row[name] for name in RESULT_COLUMNS])
        for cell in results[results.max_row]:
            _as_text(cell)
            cell.alignment = WRAP
    for index, column_width in enumerate(RESULT_WIDTHS, start=1):
        results.column_dimensions[get_column_letter(index)].width = column_width
    results.freeze_panes = "A2"

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _title_rows(sheet, draft: Draft, width: int) -> None:
    period = str(draft.year_start) if draft.year_start == draft.year_end else f"{draft.year_start}—{draft.year_end}"
    sheet.append([f"{draft.title}工作台账（草稿）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([f"城市：{draft.city}    时间：{period}年    来源：由方案文本自动生成，请逐项核对后导入"])
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    for cell in (sheet["A1"], sheet["A2"]):
        _as_text(cell)


def _style_header(cells) -> None:
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.border = BORDER


def _as_text(cell) -> None:
    """Text from a document is never a formula: =… pasted into a plan stays text in Excel."""
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"


def _merge_task(sheet, start: int | None, end: int) -> None:
    """Merge a task's 序号, 任务 and 专项 cells down its measures, as bureaus lay them out."""
    if start is None or end <= start:
        return
    for column in (1, 2, 8):
        sheet.merge_cells(start_row=start, start_column=column, end_row=end, end_column=column)

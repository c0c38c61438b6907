"""Read a ledger file into plain rows, with the sheet, row and column each value came from.

No database here. Layout normalisation happens in this layer: title rows above the header,
header synonyms, merged cells (a task spanning its measures), blank rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl.utils import get_column_letter

# Canonical field → header names bureaus use for it.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号"),
    "task": ("任务", "重点任务", "主要任务", "工作任务", "任务名称"),
    "measure": ("工作措施", "具体措施", "主要措施", "措施", "工作内容"),
    "lead": ("牵头单位", "责任单位", "责任部门", "牵头部门"),
    "support": ("配合单位", "配合部门", "协办单位"),
    "targets": ("目标指标", "目标", "量化指标", "目标任务", "指标"),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限"),
    "programme": ("专项", "所属专项", "工作专项"),
}
FIELD_LABELS = {
    "seq": "序号",
    "task": "任务",
    "measure": "工作措施",
    "lead": "牵头单位",
    "support": "配合单位",
    "targets": "目标指标",
    "deadline": "完成时限",
    "programme": "专项",
}
HEADER_SCAN_ROWS = 15


class LedgerFileError(Exception):
    """The file cannot be read as a ledger; the message says why, in words an admin understands."""


@dataclass
class Cell:
    value: str
    column: str  # spreadsheet letter, A, B, …


@dataclass
class LedgerRow:
    sheet: str
    number: int  # 1-based row number as the spreadsheet shows it
    cells: dict[str, Cell] = field(default_factory=dict)

    def get(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.value if cell else ""

    def column(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.column if cell else ""


@dataclass
class LedgerSheet:
    name: str
    header_row: int
    columns: dict[str, str]  # field → column letter
    rows: list[LedgerRow]


def normalise_header(text: str) -> str:
    return re.sub(r"[\s（）()：:*＊]", "", text or "")


def match_header(text: str) -> str | None:
    name = normalise_header(text)
    for canonical, names in HEADER_SYNONYMS.items():
        if name in names:
            return canonical
    return None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n").strip()


def read_ledger(path: Path | str, *, filename: str | None = None) -> list[LedgerSheet]:
    """Every sheet of the file that has a recognisable ledger header."""
    path = Path(path)
    name = filename or path.name
    data = path.read_bytes()
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        grids = [(Path(name).stem, _csv_grid(data))]
    elif suffix in {".xlsx", ".xlsm"}:
        grids = _xlsx_grids(data, name)
    else:
        raise LedgerFileError(f"文件“{name}”的格式不受支持：请上传 .xlsx 或 .csv 文件")
    sheets = [sheet for sheet_name, grid in grids if (sheet := _sheet_from_grid(sheet_name, grid))]
    if not sheets:
        raise LedgerFileError(
            f"文件“{name}”中没有找到台账表头：前{HEADER_SCAN_ROWS}行中应有“序号、任务、工作措施、牵头单位”等列名"
        )
    return sheets


def _csv_grid(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise LedgerFileError("无法识别文件编码")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _xlsx_grids(data: bytes, name: str) -> list[tuple[str, list[list[str]]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not xlsx
        raise LedgerFileError(f"文件“{name}”不是有效的 Excel（.xlsx）文件：{exc.__class__.__name__}") from exc
    grids = []
    for sheet in book.worksheets:
        grid = [[cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        # A merged range shows its value only in its top-left cell: copy it to every cell
        # of the range, so a task merged down its measures reads on every measure row.
        for merged in sheet.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(grid) else ""
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, merged.max_col):
                    if c < len(grid[r]):
                        grid[r][c] = top
        grids.append((sheet.title, grid))
    return grids


def _sheet_from_grid(name: str, grid: list[list[str]]) -> LedgerSheet | None:
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns: dict[str, str] = {}
        for position, text in enumerate(row):
            canonical = match_header(text)
            if canonical and canonical not in columns:
                columns[canonical] = get_column_letter(position + 1)
        if "measure" in columns and len(columns) >= 3:
            positions = {field_name: _column_index(letter) for field_name, letter in columns.items()}
            rows = []
            for number, values in enumerate(grid[index + 1 :], start=index + 2):
                cells = {
                    field_name: Cell(values[position] if position < len(values) else "", columns[field_name])
                    for field_name, position in positions.items()
                }
                if any(cell.value for cell in cells.values()):
                    rows.append(LedgerRow(sheet=name, number=number, cells=cells))
            return LedgerSheet(name=name, header_row=index + 1, columns=columns, rows=rows)
    return None


def _column_index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter) - 1

"""Read a ledger file into plain rows, with the sheet, row and column each value came from.

No database here. Layout normalisation happens in this layer: the file is taken for what its
bytes are (not what its name says), title and note rows above the header are passed over,
header synonyms (and the mappings a bureau confirmed) name the columns, merged cells (a task
spanning its measures) are copied to every cell they cover, blank rows are dropped. A cell
that cannot be read (a formula with no saved result, an Excel error value) carries its reason.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

# Canonical field → header names bureaus use for it (compared after normalise_header).
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序"),
    "task": ("任务", "重点任务", "主要任务", "工作任务", "任务名称", "重点工作", "工作事项"),
    "measure": ("工作措施", "具体措施", "主要措施", "措施", "工作内容", "具体工作措施", "工作举措", "具体举措"),
    "lead": ("牵头单位", "责任单位", "责任部门", "牵头部门", "牵头", "主责单位", "责任主体"),
    "support": ("配合单位", "配合部门", "协办单位", "配合", "协同单位", "参与单位"),
    "targets": ("目标指标", "目标", "量化指标", "目标任务", "指标", "量化目标", "工作目标", "预期目标"),
    "deadline": ("完成时限", "时间节点", "完成时间", "时限", "完成期限", "时间安排"),
    "programme": ("专项", "所属专项", "工作专项", "专项类别"),
    # A provincial ledger's rows say their city: each city's rows import as its own plan.
    "city": ("城市", "地市", "所属城市", "地级市", "所属地市"),
    # Read and shown, never written: the columns an export adds, and the ones bureaus keep.
    "progress": ("最新进展", "进展情况", "工作进展", "完成情况", "推进情况", "进展"),
    "actual": ("实际完成", "实际完成值", "完成值", "实际值"),
    "remarks": ("备注", "说明"),
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
    "city": "城市",
    "progress": "最新进展",
    "actual": "实际完成",
    "remarks": "备注",
}
INFORMATIONAL_FIELDS = ("progress", "actual", "remarks")
# A second kind of sheet: results a city has reported (城市, 年份, 指标, 结果, 原文), as the
# draft from a plan's text writes them on 已完成结果 (portal.imports.drafting.ledger).
RESULT_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "city": ("城市", "地市", "地区"),
    "year": ("年份", "年度", "年"),
    "indicator": ("指标", "指标名称"),
    "result": ("结果", "完成值", "实际完成", "实际完成值", "实际值", "数值"),
    "phrase": ("原文", "原文摘录", "出处", "说明"),
}
RESULT_FIELD_LABELS = {"city": "城市", "year": "年份", "indicator": "指标", "result": "结果", "phrase": "原文"}
RESULT_REQUIRED_FIELDS = ("year", "indicator", "result")
REQUIRED_FIELDS = ("measure", "lead")
IGNORE = ""  # a header mapped to nothing: the admin said to leave that column out
HEADER_SCAN_ROWS = 15
MAX_COLUMNS = 60  # a ledger has about ten; a sheet 16,384 columns wide is not read past this

SERIAL_RE = re.compile(r"(\d{5})(?:\.0+)?")
EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system (its 1900-02-29 included)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
FORMATS = {"xlsx": "Excel 工作簿（.xlsx）", "xls": "Excel 97-2003 工作簿（.xls）", "csv": "CSV 文本"}
SUFFIX_FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".csv": "csv", ".txt": "csv"}

Progress = Callable[[int, int], None]  # rows read, rows expected (0 when unknown)


class LedgerFileError(Exception):
    """The file cannot be read as a ledger; the message says why, in words an admin understands."""


@dataclass(frozen=True)
class LedgerLimits:
    """What one upload may hold. A zip bomb is refused from its directory, before it is inflated."""

    max_bytes: int = 20 * 1024 * 1024
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_zip_entries: int = 500
    max_rows: int = 50_000

    @classmethod
    def from_settings(cls) -> LedgerLimits:
        from django.conf import settings

        return cls(
            max_bytes=getattr(settings, "IMPORTS_MAX_FILE_BYTES", cls.max_bytes),
            max_unzipped_bytes=getattr(settings, "IMPORTS_MAX_UNZIPPED_BYTES", cls.max_unzipped_bytes),
            max_zip_entries=getattr(settings, "IMPORTS_MAX_ZIP_ENTRIES", cls.max_zip_entries),
            max_rows=getattr(settings, "IMPORTS_MAX_ROWS", cls.max_rows),
        )


@dataclass(slots=True)
class Cell:
    value: str
    column: str  # spreadsheet letter, A, B, …
    error: str = ""  # why the cell could not be read; empty when it could


@dataclass(slots=True)
class LedgerRow:
    sheet: str
    number: int  # 1-based row number as the spreadsheet shows it
    cells: dict[str, Cell] = field(default_factory=dict)  # the reader leaves empty cells out
    letters: dict[str, str] | None = None  # field → column letter, shared by the sheet's rows

    def get(self, name: str) -> str:
        cell = self.cells.get(name)
        return cell.value if cell else ""

    def column(self, name: str) -> str:
        cell = self.cells.get(name)
        if cell:
            return cell.column
        return self.letters.get(name, "") if self.letters else ""

    @property
    def width(self) -> int:
        return len(self.letters) if self.letters else len(self.cells)


@dataclass
class LedgerSheet:
    name: str
    header_row: int
    columns: dict[str, str]  # field → column letter
    rows: list[LedgerRow]
    headers: dict[str, str] = field(default_factory=dict)  # column letter → header text as written
    unknown_headers: list[tuple[str, str]] = field(default_factory=list)  # (column letter, header text)

    @property
    def missing_fields(self) -> list[str]:
        return [name for name in REQUIRED_FIELDS if name not in self.columns]


@dataclass
class LedgerFile:
    name: str
    format: str  # xlsx | xls | csv: what the bytes are, whatever the name says
    sheets: list[LedgerSheet]  # every sheet with a recognisable header
    notices: list[str] = field(default_factory=list)
    result_sheets: list[LedgerSheet] = field(default_factory=list)  # 已完成结果: reported results

    @property
    def data_sheets(self) -> list[LedgerSheet]:
        """The sheets that hold rows under their header (an empty template sheet does not)."""
        return [sheet for sheet in self.sheets if sheet.rows]

    def sheet(self, name: str = "") -> LedgerSheet:
        """The sheet to import: the one named, or the only one holding data."""
        if name:
            for sheet in self.sheets:
                if sheet.name == name:
                    return sheet
            names = "、".join(s.name for s in self.sheets)
            raise LedgerFileError(f"文件“{self.name}”中没有名为“{name}”的台账工作表（有：{names}）")
        candidates = self.data_sheets or self.sheets
        if len(candidates) > 1:
            raise SheetChoiceRequired(self.name, [s.name for s in candidates])
        return candidates[0]


class SheetChoiceRequired(LedgerFileError):
    def __init__(self, filename: str, names: list[str]):
        self.names = names
        super().__init__(f"文件“{filename}”中有多个工作表含台账数据（{'、'.join(names)}），请选择要导入的工作表")


def normalise_header(text: str) -> str:
    return re.sub(r"[\s（）()：:*＊]", "", text or "")


def match_header(
    text: str, mapping: dict[str, str] | None = None, synonyms: dict[str, tuple[str, ...]] = HEADER_SYNONYMS
) -> str | None:
    """The field a header names; IGNORE for a column the admin chose to leave out; None if unknown."""
    name = normalise_header(text)
    if not name:
        return None
    if mapping and name in mapping:
        return mapping[name]
    # 牵头单位（部门）, 完成时限（2024年）: the words in brackets only qualify the header.
    bare = normalise_header(re.sub(r"[（(][^）)]*[）)]", "", text or ""))
    for candidate in (name, bare):
        for canonical, names in synonyms.items():
            if candidate in names:
                return canonical
    return None


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(round(value, 10), "f").rstrip("0").rstrip(".")
    text = value if isinstance(value, str) else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u00a0" in text:
        text = text.replace("\u00a0", " ")
    return text.strip()


def read_ledger(
    path: Path | str, *, filename: str | None = None, header_mapping: dict[str, str] | None = None
) -> list[LedgerSheet]:
    """Every sheet of the file that has a recognisable ledger header."""
    path = Path(path)
    return read_ledger_bytes(path.read_bytes(), filename=filename or path.name, header_mapping=header_mapping).sheets


def read_ledger_bytes(
    data: bytes,
    *,
    filename: str,
    header_mapping: dict[str, str] | None = None,
    limits: LedgerLimits | None = None,
    on_progress: Progress | None = None,
) -> LedgerFile:
    limits = limits or LedgerLimits()
    if len(data) > limits.max_bytes:
        raise LedgerFileError(
            f"文件“{filename}”有 {_megabytes(len(data))}，超过上限 {_megabytes(limits.max_bytes)}：请拆分后分别导入"
        )
    if not data:
        raise LedgerFileError(f"文件“{filename}”是空的")
    kind = sniff_format(data, filename)
    notices = []
    claimed = SUFFIX_FORMATS.get(Path(filename).suffix.lower())
    if claimed != kind:
        suffix = Path(filename).suffix or "（无扩展名）"
        notices.append(f"文件扩展名是 {suffix}，但内容是{FORMATS[kind]}，已按{FORMATS[kind]}读取")
    if kind == "xlsx":
        grids = _xlsx_grids(data, filename, limits, on_progress)
    elif kind == "xls":
        from .xls import xls_grids

        grids = xls_grids(data, filename, limits)
    else:
        grids = [(Path(filename).stem or "CSV", *_csv_grid(data, filename, limits))]
    sheets, result_sheets = [], []
    for name, grid, errors in grids:
        sheet = _sheet_from_grid(name, grid, errors, header_mapping or {})
        if sheet is None or "measure" not in sheet.columns:
            results = _sheet_from_grid(name, grid, errors, {}, RESULT_HEADER_SYNONYMS)
            if results is not None and all(f in results.columns for f in RESULT_REQUIRED_FIELDS):
                result_sheets.append(results)
                continue
        if sheet is not None:
            sheets.append(sheet)
    if not sheets:
        raise LedgerFileError(
            f"文件“{filename}”中没有找到台账表头：前{HEADER_SCAN_ROWS}行中应有“序号、任务、工作措施、牵头单位”等列名"
        )
    return LedgerFile(name=filename, format=kind, sheets=sheets, notices=notices, result_sheets=result_sheets)


def sniff_format(data: bytes, filename: str) -> str:
    """What the bytes are: xlsx (a zip holding a workbook), xls (an OLE2 file) or csv (text)."""
    head = data[:8]
    if head.startswith(ZIP_MAGICS):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise LedgerFileError(f"文件“{filename}”是损坏的压缩文件，无法作为 Excel 读取") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            raise LedgerFileError(f"文件“{filename}”是 Word 文档，不是 Excel 台账：请把表格复制到 Excel 中保存为 .xlsx")
        raise LedgerFileError(f"文件“{filename}”是压缩文件，但其中没有 Excel 工作簿")
    if head == OLE2_MAGIC:
        return "xls"
    sample = data[:4096]
    if sample.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table")):
        raise LedgerFileError(
            f"文件“{filename}”是网页（HTML）表格，不是真正的 Excel 文件：请在 Excel 中打开后另存为 .xlsx 再上传"
        )
    if sample.startswith(b"%PDF"):
        raise LedgerFileError(f"文件“{filename}”是 PDF 文件，不是 Excel 或 CSV 台账")
    if _looks_like_text(sample):
        return "csv"
    raise LedgerFileError(f"文件“{filename}”既不是 Excel（.xlsx / .xls）也不是 CSV 文本，无法读取")


def _looks_like_text(sample: bytes) -> bool:
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    try:
        text = _decode(sample, partial=True)
    except LedgerFileError:
        return False
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n")
    return controls == 0


def _decode(data: bytes, partial: bool = False) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (which covers GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="ignore" if partial else "strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="ignore" if partial else "strict")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            # A sample may end in the middle of a character: only the tail may fail.
            if partial and exc.start >= len(data) - 4:
                return data[: exc.start].decode(encoding)
    raise LedgerFileError("无法识别文件的文字编码（应为 UTF-8 或 GBK/GB18030）")


Grid = list[list[str]]
CellErrors = dict[tuple[int, int], str]  # (row index, column index), 0-based → reason


def _csv_grid(data: bytes, filename: str, limits: LedgerLimits) -> tuple[Grid, CellErrors]:
    try:
        text = _decode(data)
    except LedgerFileError as exc:
        raise LedgerFileError(f"文件“{filename}”：{exc}") from None
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",\t;|，").delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    grid, data_rows = [], 0
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        values = [cell_text(cell) for cell in row[:MAX_COLUMNS]]
        grid.append(values)
        if any(values):
            data_rows += 1
            _check_rows(data_rows, filename, limits)
    return grid, {}


def _check_rows(data_rows: int, sheet: str, limits: LedgerLimits) -> None:
    """Only rows holding data count: a sheet formatted down to row 1,048,576 is not long."""
    if data_rows > limits.max_rows + HEADER_SCAN_ROWS:
        raise LedgerFileError(f"“{sheet}”超过 {limits.max_rows} 行的上限：请拆分后分别导入")


def _check_zip(data: bytes, filename: str, limits: LedgerLimits) -> None:
    """Read the zip directory only: entry count and declared sizes. Python's zipfile never
    inflates an entry past its declared size, so these figures bound what openpyxl will read."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    if len(entries) > limits.max_zip_entries:
        raise LedgerFileError(
            f"文件“{filename}”内含 {len(entries)} 个部件，超过上限 {limits.max_zip_entries}：不像正常的 Excel 台账，已拒绝"
        )
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > limits.max_unzipped_bytes:
        raise LedgerFileError(
            f"文件“{filename}”解压后有 {_megabytes(unzipped)}，超过上限 {_megabytes(limits.max_unzipped_bytes)}"
            "（可能是压缩炸弹），已拒绝"
        )


def _xlsx_grids(
    data: bytes, filename: str, limits: LedgerLimits, on_progress: Progress | None
) -> list[tuple[str, Grid, CellErrors]]:
    _check_zip(data, filename, limits)
    try:
        return _streamed_xlsx_grids(data, filename, limits, on_progress)
    except LedgerFileError:
        raise
    except Exception:  # a workbook the streaming reader does not follow: openpyxl reads it
        return _openpyxl_grids(data, filename, limits, on_progress)


def _formula_error(place: str, formula: str) -> str:
    return (
        f"单元格{place}是公式“{formula}”，文件中没有保存它的计算结果："
        "请在 Excel 中打开并保存后再上传，或把公式改为数值"
    )


def _value_error(place: str, value) -> str:
    return f"单元格{place}是错误值 {value}，请改正后再上传"


def _streamed_xlsx_grids(
    data: bytes, filename: str, limits: LedgerLimits, on_progress: Progress | None
) -> list[tuple[str, Grid, CellErrors]]:
    from .xlsx import open_book

    book = open_book(io.BytesIO(data))
    grids = []
    for name, path in book.sheets:
        grid: Grid = []
        errors: CellErrors = {}
        data_rows = 0
        for number, cells in book.rows(path, MAX_COLUMNS):
            if not any(value != "" for _kind, value in cells.values()):
                continue  # an empty row, perhaps formatted: kept only if data follows it
            while len(grid) < number - 1:  # rows absent from the XML are empty rows
                grid.append([])
            row = [""] * max(cells)
            for column, (kind, value) in cells.items():
                if kind == "value":
                    row[column - 1] = cell_text(value)
                elif kind == "formula":
                    errors[(number - 1, column - 1)] = _formula_error(f"{get_column_letter(column)}{number}", value)
                else:
                    errors[(number - 1, column - 1)] = _value_error(f"{get_column_letter(column)}{number}", value)
            grid.append(row)
            data_rows += 1
            _check_rows(data_rows, f"工作表“{name}”", limits)
            if on_progress and number % 1000 == 0:
                on_progress(number, book.expected_rows)
        _spread_merges(grid, errors, book.merges)
        grids.append((name, grid, errors))
    return grids


def _openpyxl_grids(
    data: bytes, filename: str, limits: LedgerLimits, on_progress: Progress | None
) -> list[tuple[str, Grid, CellErrors]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise LedgerFileError(f"文件“{filename}”不是有效的 Excel（.xlsx）文件：{exc.__class__.__name__}") from exc
    try:
        return [(sheet.title, *_xlsx_sheet(book, sheet, limits, on_progress)) for sheet in book.worksheets]
    except LedgerFileError:
        raise
    except Exception as exc:
        raise LedgerFileError(f"文件“{filename}”的内容已损坏，无法读取：{exc.__class__.__name__}") from exc
    finally:
        book.close()


def _xlsx_sheet(book, sheet, limits: LedgerLimits, on_progress: Progress | None) -> tuple[Grid, CellErrors]:
    """openpyxl's own worksheet parser in read-only mode, keeping what that mode drops: the
    merged ranges, and which formula cells have no saved result."""
    # openpyxl 3.1 keeps these on private attributes; requirements.txt pins the version.
    parser = _CachedValueParser(
        book._archive.open(sheet._worksheet_path),
        sheet._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )
    expected = sheet.max_row or 0
    grid: Grid = []
    errors: CellErrors = {}
    data_rows = 0
    for number, cells in parser.parse():
        if not any(c["value"] not in (None, "") for c in cells):
            continue  # an empty row, perhaps formatted: kept only if data follows it
        while len(grid) < number - 1:  # rows absent from the XML are empty rows
            grid.append([])
        row = [""] * min(max((c["column"] for c in cells), default=0), MAX_COLUMNS)
        for cell in cells:
            column = cell["column"]
            if column > MAX_COLUMNS:
                continue
            place = f"{get_column_letter(column)}{number}"
            if cell["data_type"] == "formula":
                errors[(number - 1, column - 1)] = _formula_error(place, cell["value"])
            elif cell["data_type"] == "e":
                errors[(number - 1, column - 1)] = _value_error(place, cell["value"])
            else:
                row[column - 1] = cell_text(cell["value"])
        grid.append(row)
        data_rows += 1
        _check_rows(data_rows, f"工作表“{sheet.title}”", limits)
        if on_progress and number % 1000 == 0:
            on_progress(number, expected)
    merges = parser.merged_cells.mergeCell if parser.merged_cells else []
    _spread_merges(grid, errors, [range_boundaries(merge.coord) for merge in merges])
    return grid, errors


def _spread_merges(grid: Grid, errors: CellErrors, ranges: list[tuple[int, int, int, int]]) -> None:
    """A merged range shows its value only in its top-left cell: copy it to every cell of the
    range, so a task merged down its measures reads on every measure row."""
    for min_col, min_row, max_col, max_row in ranges:
        if min_row - 1 >= len(grid):
            continue
        top_row = grid[min_row - 1]
        top = top_row[min_col - 1] if min_col - 1 < len(top_row) else ""
        error = errors.get((min_row - 1, min_col - 1))
        for r in range(min_row - 1, min(max_row, len(grid))):
            row = grid[r]
            width = min(max_col, MAX_COLUMNS)
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            for c in range(min_col - 1, width):
                row[c] = top
                if error:
                    errors[(r, c)] = error


def _find_header(grid: Grid, mapping: dict[str, str], synonyms: dict[str, tuple[str, ...]] = HEADER_SYNONYMS):
    """The row among the first ones that names the most ledger columns (two at least)."""
    best = None
    for index, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        columns: dict[str, str] = {}
        headers: dict[str, str] = {}
        unknown: list[tuple[str, str]] = []
        for position, text in enumerate(row):
            if not text:
                continue
            letter = get_column_letter(position + 1)
            headers[letter] = text
            canonical = match_header(text, mapping, synonyms)
            if canonical is None:
                if len(text) <= 30 and text not in {t for _l, t in unknown}:
                    unknown.append((letter, text))
            elif canonical != IGNORE and canonical not in columns:
                columns[canonical] = letter
        if len(columns) >= 2 and (best is None or len(columns) > len(best[1])):
            best = (index, columns, headers, unknown)
    return best


def _sheet_from_grid(
    name: str, grid: Grid, errors: CellErrors, mapping: dict[str, str],
    synonyms: dict[str, tuple[str, ...]] = HEADER_SYNONYMS,
) -> LedgerSheet | None:
    found = _find_header(grid, mapping, synonyms)
    if found is None:
        return None
    index, columns, headers, unknown = found
    # A header text that matched a field in another column (a merged two-level header) is not unknown.
    unknown = [(letter, text) for letter, text in unknown if letter not in columns.values()]
    positions = {field_name: _column_index(letter) for field_name, letter in columns.items()}
    header_values = {field_name: headers[letter] for field_name, letter in columns.items()}
    rows = []
    fields = list(positions.items())
    for offset, values in enumerate(grid[index + 1 :]):
        r = index + 1 + offset
        cells = {}
        for field_name, position in fields:
            value = values[position] if position < len(values) else ""
            if field_name == "deadline" and value:
                value = serial_date(value)
            error = errors.get((r, position), "") if errors else ""
            if value or error:
                cells[field_name] = Cell(value, columns[field_name], error)
        if not cells:
            continue
        if any(c.value for c in cells.values()) and all(
            c.value == header_values[f] for f, c in cells.items() if c.value
        ):
            continue  # the header repeated (a ledger printed page by page)
        rows.append(LedgerRow(sheet=name, number=r + 1, cells=cells, letters=columns))
    return LedgerSheet(
        name=name, header_row=index + 1, columns=columns, rows=rows, headers=headers, unknown_headers=unknown
    )


def serial_date(value: str) -> str:
    """A date serial (45657) in a 完成时限 cell that lost its date format, as the date it is."""
    serial = SERIAL_RE.fullmatch(value)
    if serial and 20000 <= int(serial.group(1)) <= 80000:
        return (EXCEL_EPOCH + timedelta(days=int(serial.group(1)))).isoformat()
    return value


def _column_index(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter) - 1


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


class _CachedValueParser(WorkSheetParser):
    """openpyxl's parser in data_only mode, telling a formula with no saved result from an
    empty cell (both read as None otherwise)."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None:
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["data_type"] = "formula"
                cell["value"] = "=" + (formula.text or "…")
        return cell

"""The one base table: the look every table of the portal shares, and the export every list
offers. It sits in the lowest app that lists anything, so that the indicators' and the portal's
tables extend it without importing upwards."""

import io
from datetime import date, datetime

import django_tables2 as tables
import tablib
from django_tables2.export import TableExport
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from units.resources import neutralise_formula

__all__ = ["PortalTable", "PortalTableExport", "workbook_bytes"]


class PortalTable(tables.Table):
    """Each cell carries its column's name (data-label), so that a table of class table-stack
    reads as one card per row on a phone (static/css/portal.css)."""

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        template_name = "django_tables2/bootstrap5.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.columns:  # the table's own copies of the columns
            bound.column.attrs = {**bound.column.attrs,
                                  "td": {**bound.column.attrs.get("td", {}), "data-label": str(bound.header or "")}}


HEADER_ROW = 3  # the title on row 1, the as-of line on row 2
MAX_WIDTH = 50  # characters; a longer cell wraps


def text_width(value) -> int:
    """How wide a cell's text shows, in Latin characters: a Chinese character takes two."""
    if isinstance(value, (date, datetime)):
        return 16 if isinstance(value, datetime) else 10
    lines = str("" if value is None else value).split("\n")
    return max(sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in lines)


def sheet_title(text: str) -> str:
    """A worksheet's name: at most 31 characters, none of the seven Excel refuses."""
    cleaned = "".join("-" if ch in '[]:*?/\\' else ch for ch in str(text)).strip("'")
    return cleaned[:31] or "Sheet"


def workbook_bytes(dataset: tablib.Dataset, *, title: str, as_of: str = "") -> bytes:
    """A list as a workbook leaders forward: its title and as-of line on top, a frozen bold
    header, columns as wide as their contents (long text wrapped), numbers and dates as such."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    columns = max(1, len(dataset.headers or ()))
    sheet.append([neutralise_formula(str(title))])
    sheet.append([neutralise_formula(as_of)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"].font = Font(color="666666")
    if columns > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    sheet.append([neutralise_formula(header) for header in dataset.headers or ()])
    for cell in sheet[HEADER_ROW]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = Border(bottom=Side(style="thin"))
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for values in dataset:  # neutralised again: a workbook is safe whoever built its dataset
        sheet.append([neutralise_formula(value) for value in values])
    widths = [text_width(header) for header in dataset.headers or ()]
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(cell.value, datetime) else "yyyy-mm-dd"
            width = text_width(cell.value)
            widths[cell.column - 1] = max(widths[cell.column - 1], width)
            if width > MAX_WIDTH:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(MAX_WIDTH, max(6, width)) + 2
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)
    if dataset.headers:
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(columns)}{sheet.max_row}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class PortalTableExport(TableExport):
    """A list's table as a file: only the formats that work here (tablib lacks the packages for
    xls, ods and yaml), every cell's formula text neutralised; a workbook laid out by
    workbook_bytes, with the title and the as-of line (a month, a filter) given here."""

    FORMATS = {name: TableExport.FORMATS[name] for name in ("csv", "tsv", "xlsx")}

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None, *, as_of: str = ""):
        super().__init__(export_format, table, exclude_columns=exclude_columns, dataset_kwargs=dataset_kwargs)
        self.title = (dataset_kwargs or {}).get("title") or ""
        self.as_of = as_of

    def export(self):
        if self.format == "xlsx":
            return workbook_bytes(self.dataset, title=self.title, as_of=self.as_of)
        return super().export()

    @classmethod
    def is_valid_format(cls, export_format) -> bool:
        return export_format in cls.FORMATS

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for values in dataset:
            safe.append([neutralise_formula(value) for value in values])
        return safe

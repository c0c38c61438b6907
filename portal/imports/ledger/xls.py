"""Excel 97-2003 (.xls) workbooks into the reader's grids, through xlrd: dates, error values
and merged ranges as the .xlsx readers give them."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from .read import (
    MAX_COLUMNS,
    CellErrors,
    Grid,
    LedgerFileError,
    LedgerLimits,
    _check_rows,
    _spread_merges,
    _value_error,
    cell_text,
)


def xls_grids(data: bytes, filename: str, limits: LedgerLimits) -> list[tuple[str, Grid, CellErrors]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct errors …
        raise LedgerFileError(
            f"文件“{filename}”无法作为 Excel 97-2003（.xls）读取（可能已加密、损坏，或是 Word 等其他文件）"
        ) from exc
    grids = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            grid: Grid = []
            errors: CellErrors = {}
            data_rows = 0
            for r in range(sheet.nrows):
                row = []
                for c in range(min(sheet.row_len(r), MAX_COLUMNS)):
                    kind, value = sheet.cell_type(r, c), sheet.cell_value(r, c)
                    if kind == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                        except (ValueError, OverflowError):
                            pass
                    elif kind == xlrd.XL_CELL_ERROR:
                        code = xlrd.error_text_from_code.get(value, "#ERROR")
                        errors[(r, c)] = _value_error(f"{get_column_letter(c + 1)}{r + 1}", code)
                        value = None
                    row.append(cell_text(value))
                grid.append(row)
                if any(row) or (r, 0) in errors:
                    data_rows += 1
                    _check_rows(data_rows, f"工作表“{sheet.name}”", limits)
            # xlrd gives (first row, row after last, first column, column after last), 0-based.
            _spread_merges(
                grid, errors, [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
            )
            grids.append((sheet.name, grid, errors))
    finally:
        book.release_resources()
    return grids

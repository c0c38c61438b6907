"""Small ledger files built in memory, as bureaus lay them out: for the tests and the benchmark."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点", "专项"]
TITLE = "江门市某某工作台账"


def ledger_xlsx(
    rows: list[list],
    *,
    header: list[str] = HEADER,
    title: str | None = TITLE,
    merges: tuple[str, ...] = (),
    sheet: str = "台账",
    extra_sheets: dict[str, list[list]] | None = None,
) -> bytes:
    """A workbook with a title row and a blank row above the header (row 3 when titled)."""
    book = Workbook()
    ws = book.active
    ws.title = sheet
    if title is not None:
        ws.append([title])
        ws.append([])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    for name, other_rows in (extra_sheets or {}).items():
        other = book.create_sheet(name)
        for row in other_rows:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ledger_csv(rows: list[list], *, header: list[str] = HEADER, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return out.getvalue().encode(encoding)


def ledger_xls(rows: list[list], *, header: list[str] = HEADER, merges: tuple[tuple[int, int, int, int], ...] = ()) -> bytes:
    """An Excel 97-2003 workbook (xlwt, a test dependency); merges as (row0, row1, col0, col1), 0-based inclusive."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("台账")
    ws.write(0, 0, TITLE)
    for c, value in enumerate(header):
        ws.write(2, c, value)
    merged_away = {(r, c) for r0, r1, c0, c1 in merges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    merged_away -= {(r0, c0) for r0, _r1, c0, _c1 in merges}
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            if value is not None and (r, c) not in merged_away:
                ws.write(r, c, value)
    for r0, r1, c0, c1 in merges:
        ws.merge(r0, r1, c0, c1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

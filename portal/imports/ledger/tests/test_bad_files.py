"""Bad-file cases that went wrong (#11 item 7): formatted empty rows to the sheet's end, a
date serial in a General-format 完成时限, a formula with no saved result; end to end."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.read import LedgerLimits
from portal.imports.ledger.samples import ledger_csv, ledger_xlsx
from tasks.models import Measure
from units.models import Region

pytestmark = pytest.mark.django_db

TITLE = "坏文件方案"


def run(data: bytes, *, filename="bad.xlsx", dry_run=False, limits=None):
    return ledger_import(data=data, filename=filename, title=TITLE, city=Region.objects.get(code="jiangmen"),
                         years=(2025, 2025), dry_run=dry_run, limits=limits)


def row(n: int, deadline="2025年12月", lead="市人社局") -> list:
    return [str(n), f"任务{n}", f"措施{n}。", lead, "", deadline, "就业创业"]


def with_formatted_empty_rows(data: bytes, last_row: int) -> bytes:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(sheet.max_row + 1, last_row + 1):
        sheet.cell(r, 1).fill = fill
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_formatted_empty_rows_do_not_count_against_the_row_limit():
    data = with_formatted_empty_rows(ledger_xlsx([row(n) for n in range(1, 6)]), 3000)
    result = run(data, limits=LedgerLimits(max_rows=100))
    assert result.draft.problems == [] and Measure.objects.filter(task__plan__title=TITLE).count() == 5


def test_rows_of_empty_cells_in_a_csv_do_not_count_either():
    data = ledger_csv([row(1)] + [[""] * 7] * 500)
    assert run(data, filename="bad.csv", limits=LedgerLimits(max_rows=100)).draft.problems == []


def test_a_date_serial_in_a_general_format_deadline_is_read_as_its_date():
    result = run(ledger_xlsx([row(1, deadline=45657), row(2, deadline="45473")]))
    assert result.draft.problems == []
    measures = list(Measure.objects.filter(task__plan__title=TITLE).order_by("task__number"))
    assert [m.deadline for m in measures] == [date(2024, 12, 31), date(2024, 6, 30)]
    assert [m.deadline_text for m in measures] == ["2024-12-31", "2024-06-30"]


@pytest.mark.parametrize("column, field", [("D", "lead"), ("F", "deadline"), ("C", "measure")])
def test_a_formula_without_a_saved_result_names_its_cell(column, field):
    values = {"lead": "市人社局", "deadline": "2025年12月", "measure": "措施。"}
    values[field] = "=Z1&Z2"
    bad = ["1", "任务", values["measure"], values["lead"], "", values["deadline"], "就业创业"]
    preview = run(ledger_xlsx([bad, row(2)]), dry_run=True).preview
    assert any(f"单元格{column}4是公式“=Z1&Z2”" in p for p in preview.problems), preview.problems
    assert all("完全重复" not in p and "没有责任单位" not in p for p in preview.problems)

"""我的任务 as a file (#16.4): formula text neutralised in every format offered, and only
formats that work are offered."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from .reporting_fixtures import *  # noqa: F401,F403 - the fixtures

pytestmark = pytest.mark.django_db

FORMULAS = ['=HYPERLINK("http://example.com","点击")', "+1+1", "-2+3", "@SUM(A1:A2)"]


@pytest.fixture
def formula_measures(measure):
    """Measures of the staff member's unit whose text an attacker wrote as formulas."""
    task = measure.task
    created = []
    for index, text in enumerate(FORMULAS, start=1):
        other = type(measure).objects.create(task=task, seq=100 + index, text=text)
        other.responsibilities.create(unit=measure.responsibilities.get(role="lead").unit, role="lead")
        created.append(other)
    return created


def export(client, people, fmt: str):
    client.force_login(people["lead_staff"])
    return client.get(reverse("reporting:my_tasks"), {"month": "2024-02", "_export": fmt})


def test_formula_text_is_neutralised_in_the_xlsx(client, people, formula_measures):
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, people, "xlsx").content)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    assert all("'" + text in texts for text in FORMULAS)


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_formula_text_is_neutralised_in_csv_and_tsv(client, people, formula_measures, fmt, delimiter):
    response = export(client, people, fmt)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=delimiter))
    values = [value for row in rows[1:] for value in row]
    assert all("'" + text in values for text in FORMULAS)
    assert not [v for v in values if v.startswith(("=", "+", "-", "@"))]


@pytest.mark.parametrize("fmt", ["xls", "ods", "yaml", "latex", "nonsense"])
def test_a_format_not_offered_answers_the_page_not_an_error(client, people, fmt):
    response = export(client, people, fmt)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")


def test_the_xlsx_has_its_title_and_month_on_top_a_frozen_header_and_fitted_columns(client, people, measure):
    sheet = openpyxl.load_workbook(io.BytesIO(export(client, people, "xlsx").content)).active
    assert sheet["A1"].value == "我的任务" and sheet["A1"].font.bold
    assert sheet["A2"].value.startswith("截至2024年2月 · 导出于 ")
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["工作方案", "序号", "工作措施"] and sheet["A3"].font.bold
    assert sheet.freeze_panes == "A4"
    measure_column = sheet.column_dimensions["C"].width
    assert measure_column > sheet.column_dimensions["B"].width > 6  # as wide as their text, a long one wraps
    due = header.index("报送截止")
    dates = [row[due].value for row in sheet.iter_rows(min_row=4) if row[due].value]
    assert dates and all(hasattr(value, "year") for value in dates)  # dates as dates, not text
    overdue = header.index("逾期未报")
    assert all(isinstance(row[overdue].value, int) for row in sheet.iter_rows(min_row=4))


def test_the_workbook_layout_neutralises_a_formula_title_and_fits_chinese_text():
    from tasks.tables import text_width, workbook_bytes
    import tablib

    data = tablib.Dataset(["=cmd", 3, "就业"], headers=["甲", "数", "专项"])
    sheet = openpyxl.load_workbook(io.BytesIO(workbook_bytes(data, title="=危险", as_of="截至"))).active
    assert sheet["A1"].value == "'=危险" and sheet["B4"].value == 3 and sheet["A4"].value == "'=cmd"
    assert text_width("就业创业") == 8 and text_width("ab") == 2

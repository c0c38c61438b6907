"""A plan's ledger back to .xlsx in the bureau layout; export then import changes nothing."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from indicators.models import ActualValue, Period, ProgressReport, Target
from portal.imports.ledger.export import COLUMNS, ledger_export
from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.read import read_ledger_bytes
from tasks.models import Measure, Plan, Responsibility, Section, Task

pytestmark = pytest.mark.django_db

SEEDS = ["jiangmen-2020", "zhongshan-2022", "zhongshan-2023-2027", "guangzhou-2024"]


def snapshot(plan: Plan) -> dict:
    return {
        "sections": list(Section.objects.filter(plan=plan).values_list("seq", "number", "title")),
        "tasks": list(Task.objects.filter(plan=plan).values_list("number", "title", "programme_id", "section_id")),
        "measures": list(
            Measure.objects.filter(task__plan=plan).values_list("pk", "seq", "text", "deadline_text", "deadline", "recurring")
        ),
        "responsibilities": list(
            Responsibility.objects.filter(measure__task__plan=plan).values_list("pk", "unit_id", "role")
        ),
        "targets": list(Target.objects.filter(measure__task__plan=plan).values_list("pk", *[
            "seq", "kind", "comparator", "value", "value_max", "unit", "period_start", "period_end", "phrase", "indicator_id"
        ])),
        "history": Measure.history.filter(task__plan=plan).count() + Target.history.filter(measure__task__plan=plan).count(),
    }


@pytest.mark.parametrize("slug", SEEDS)
def test_exporting_a_seed_plan_and_importing_the_file_changes_nothing(slug):
    plan = Plan.objects.get(slug=slug)
    before = snapshot(plan)
    data = ledger_export(plan)

    preview = ledger_import(data=data, filename=f"{slug}.xlsx", city=plan.city, title=plan.title, dry_run=True).preview
    assert preview.problems == []
    assert preview.counts["create"] == preview.counts["update"] == preview.counts["error"] == 0
    assert preview.missing_measures == []

    result = ledger_import(data=data, filename=f"{slug}.xlsx", city=plan.city, title=plan.title)
    assert not result.summary.changed
    assert snapshot(plan) == before


def test_the_export_keeps_the_bureau_layout():
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    sheet = load_workbook(BytesIO(ledger_export(plan))).active
    assert plan.title in sheet["A1"].value
    assert [cell.value for cell in sheet[3]] == COLUMNS
    assert sheet.freeze_panes == "A4"
    assert sheet.column_dimensions["C"].width == 60
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert "A1:J1" in merged
    assert sheet["A4"].value == "一" and "B4:J4" in merged  # a section row across the sheet
    # Task 1 has several measures: its 序号, 任务 and 专项 cells are merged down them.
    task_rows = [r for r in merged if r.startswith("B5:")]
    assert task_rows and sheet["B5"].value == "推动就业与经济发展良性促进"
    assert "22.5万人" in sheet["F5"].value


def test_the_export_neutralises_text_that_looks_like_a_formula(django_user_model):
    plan = Plan.objects.get(slug="jiangmen-2020")
    measure = Measure.objects.filter(task__plan=plan).order_by("task__number", "seq").first()
    measure.text = "=HYPERLINK(\"http://example.com\",\"点击\")"
    measure.save()
    book = load_workbook(BytesIO(ledger_export(plan)))
    cell = next(c for row in book.active.iter_rows() for c in row if c.value == measure.text)
    assert cell.data_type == "s" and cell.quotePrefix
    # Read back as the text it is, not as a formula without a result.
    (sheet,) = read_ledger_bytes(ledger_export(plan), filename="x.xlsx").sheets
    assert any(row.get("measure") == measure.text for row in sheet.rows)


def test_the_export_shows_the_latest_approved_progress_and_values():
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    target = Target.objects.filter(measure__task__plan=plan).order_by("measure__task__number", "measure__seq", "seq").first()
    measure = target.measure
    unit = measure.responsibilities.get(role="lead").unit
    user = get_user_model().objects.create_user("exporter")
    march, june = (
        Period.objects.get_or_create(plan=plan, start=start, defaults={"end": end, "due_date": end})[0]
        for start, end in ((date(2024, 1, 1), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 6, 30)))
    )

    def report(period, version, state, narrative, value):
        made = ProgressReport.objects.create(
            measure=measure, unit=unit, period=period, version=version, state=state, narrative=narrative, created_by=user
        )
        ActualValue.objects.create(report=made, target=target, value=Decimal(value))

    report(march, 1, "approved", "一季度进展", "10000")
    report(june, 1, "approved", "二季度初稿", "20000")
    report(june, 2, "approved", "二季度更正", "21000")
    report(june, 3, "submitted", "二季度待审", "99999")

    sheet = load_workbook(BytesIO(ledger_export(plan))).active
    row = next(r for r in sheet.iter_rows(min_row=4) if r[2].value == measure.text)
    assert row[8].value == f"{unit.name}（2024年第2季度）：二季度更正"
    assert row[9].value.startswith("21000人")


def test_the_title_cell_is_neutralised_too():
    plan = Plan.objects.get(slug="jiangmen-2020")
    plan.title = '=HYPERLINK("http://example.com","点击")'
    plan.save()
    cell = load_workbook(BytesIO(ledger_export(plan))).active["A1"]
    assert cell.value == f"{plan.title}工作台账"
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_export_holds_only_the_progress_its_viewer_may_read(client, make_user):
    from django.urls import reverse

    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    measure = Measure.objects.filter(task__plan=plan).order_by("task__number", "seq").first()
    unit = measure.responsibilities.get(role="lead").unit
    period = Period.objects.get_or_create(plan=plan, start=date(2024, 1, 1),
                                          defaults={"end": date(2024, 3, 31), "due_date": date(2024, 4, 5)})[0]
    ProgressReport.objects.create(measure=measure, unit=unit, period=period, state="approved",
                                  narrative="只给本单位和领导看的进展", created_by=make_user("filer", city=None))
    outsider_unit = plan.city.units.exclude(responsibilities__measure=measure).first()  # same city, another unit
    url = reverse("imports:plan_export", args=[plan.pk])

    def progress_column(user) -> str:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        sheet = load_workbook(BytesIO(response.content)).active
        return "".join(str(row[8].value or "") for row in sheet.iter_rows(min_row=4))

    assert "只给本单位和领导看的进展" in progress_column(make_user("zs_admin", city="zhongshan", role="admin"))
    outsider = make_user("zs_other_unit", city="zhongshan", unit=outsider_unit.name)
    assert "只给本单位和领导看的进展" not in progress_column(outsider)

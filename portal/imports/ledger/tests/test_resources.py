"""The Django admin's import and export of measures (django-import-export, MeasureResource)."""

import pytest
import tablib
from django.urls import reverse

from portal.imports.ledger.resources import MeasureResource
from tasks.models import Measure, Plan

pytestmark = pytest.mark.django_db


def test_it_exports_measures_in_the_ledgers_columns():
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    dataset = MeasureResource().export(Measure.objects.filter(task__plan=plan))
    assert dataset.headers == ["方案代码", "序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限"]
    first = dict(zip(dataset.headers, dataset[0]))
    assert first["方案代码"] == "zhongshan-2023-2027" and first["序号"] == "1.1"
    assert first["牵头单位"] == "市发展改革局"
    assert "22.5万人" in first["目标指标"]


def test_an_exported_row_imports_back_unchanged_and_a_changed_one_updates_the_measure():
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    measure = Measure.objects.filter(task__plan=plan).order_by("task__number", "seq").first()
    dataset = MeasureResource().export(Measure.objects.filter(pk=measure.pk))
    before = (measure.text, list(measure.targets.values_list("phrase", "value")),
              sorted(measure.responsibilities.values_list("unit_id", "role")))

    result = MeasureResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    measure.refresh_from_db()
    assert (measure.text, list(measure.targets.values_list("phrase", "value")),
            sorted(measure.responsibilities.values_list("unit_id", "role"))) == before

    row = list(dataset[0])
    row[3], row[5], row[6] = "修改后的措施。", "", "全市城镇新增就业累计23万人以上"
    changed = tablib.Dataset(row, headers=dataset.headers)
    result = MeasureResource().import_data(changed, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    measure.refresh_from_db()
    assert measure.text == "修改后的措施。"
    assert list(measure.targets.values_list("value", flat=True)) == [230000]
    assert list(measure.responsibilities.values_list("role", flat=True)) == ["lead"]
    assert measure.history.count() >= 2


def test_a_row_naming_an_unknown_unit_or_task_is_refused_with_its_reason():
    dataset = tablib.Dataset(
        ["zhongshan-2023-2027", "99.1", "", "措施。", "市人社局", "", "", ""],
        ["zhongshan-2023-2027", "1.1", "", "措施。", "不存在的局", "", "", ""],
        headers=["方案代码", "序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限"],
    )
    result = MeasureResource().import_data(dataset, dry_run=True)
    errors = [str(error.error) for _line, row_errors in result.row_errors() for error in row_errors]
    assert any("没有任务99" in e for e in errors)
    assert any("单位“不存在的局”不存在" in e for e in errors)


def test_the_measure_admin_offers_import_and_export(admin_client):
    page = admin_client.get(reverse("admin:tasks_measure_changelist")).content.decode()
    assert reverse("admin:tasks_measure_import") in page and reverse("admin:tasks_measure_export") in page
    assert admin_client.get(reverse("admin:tasks_measure_import")).status_code == 200


@pytest.mark.parametrize("admin_name, make", [
    ("tasks_measure", lambda: _measure_with_text("=HYPERLINK(\"http://x\",\"点我\")")),
    ("units_unit", lambda: _unit_named("+cmd|' /C calc'!A0")),
    ("units_unitalias", lambda: _alias_named("@SUM(1+1)")),
])
def test_the_admins_exports_neutralise_formula_text(admin_client, admin_name, make):
    """Exported through the Django admin as CSV and as xlsx: the payload is text, never a formula."""
    from io import BytesIO

    from openpyxl import load_workbook

    payload, pk = make()
    url = reverse(f"admin:{admin_name}_export")
    form = admin_client.get(url).context["form"]
    formats = dict((label, value) for value, label in form.fields["format"].choices)
    fields = {name: "on" for name in form.fields if name not in ("format", "resource", "export_items")}
    for label, check in (("csv", lambda body: body.decode("utf-8-sig")), ("xlsx", None)):
        response = admin_client.post(url, {"format": formats[label], "resource": "0", "export_items": [pk], **fields})
        assert response.status_code == 200, response.content[:500]
        if check:
            text = check(response.content)
            assert f"'{payload}" in text or f"\"'{payload}" in text.replace('""', '"')
            assert f",{payload}" not in text
        else:
            sheet = load_workbook(BytesIO(response.content)).active
            values = [cell.value for row in sheet.iter_rows() for cell in row]
            assert f"'{payload}" in values
            assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def _measure_with_text(text):
    measure = Measure.objects.order_by("pk").first()
    measure.text = text
    measure.save()
    return text, measure.pk


def _unit_named(name):
    from units.models import Region, Unit

    return name, Unit.objects.create(region=Region.objects.get(code="jiangmen"), name=name).pk


def _alias_named(name):
    from units.models import Region, Unit, UnitAlias

    city = Region.objects.get(code="jiangmen")
    unit = Unit.objects.filter(region=city).first()
    return name, UnitAlias.objects.create(region=city, name=name, unit=unit).pk


def test_an_exported_formula_text_imports_back_as_written():
    measure = Measure.objects.order_by("pk").first()
    measure.text = "=1+1 不是公式"
    measure.save()
    dataset = MeasureResource().export(Measure.objects.filter(pk=measure.pk))
    assert dict(zip(dataset.headers, dataset[0]))["工作措施"] == "'=1+1 不是公式"
    result = MeasureResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    measure.refresh_from_db()
    assert measure.text == "=1+1 不是公式"

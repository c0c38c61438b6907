import tablib
import pytest

from units.models import Unit, UnitAlias
from units.resources import UnitResource

pytestmark = pytest.mark.django_db


def test_units_export_and_import_back_unchanged():
    dataset = UnitResource().export(UnitResource().get_queryset().filter(region__code="jiangmen"))
    assert dataset.headers == ["城市", "名称", "类型", "上级", "别名"]
    bureau = next(row for row in dataset.dict if row["名称"] == "市人力资源和社会保障局")
    assert bureau["城市"] == "江门" and "市人社局" in bureau["别名"].split("|")
    result = UnitResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert result.totals["new"] == 0 and result.totals["update"] == 0


def test_an_imported_alias_names_the_same_unit():
    dataset = tablib.Dataset(headers=["城市", "名称", "类型", "上级", "别名"])
    dataset.append(["江门", "市人力资源和社会保障局", "bureau", "", "江门市人社局"])
    result = UnitResource().import_data(dataset, dry_run=False)
    assert not result.has_errors()
    assert UnitAlias.objects.get(region__code="jiangmen", name="江门市人社局").unit == Unit.objects.get(
        region__code="jiangmen", name="市人力资源和社会保障局"
    )


def test_an_unknown_city_or_kind_is_refused_with_its_row():
    dataset = tablib.Dataset(headers=["城市", "名称", "类型", "上级", "别名"])
    dataset.append(["火星", "市财政局", "bureau", "", ""])
    dataset.append(["江门", "市财政局", "ministry", "", ""])
    result = UnitResource().import_data(dataset, dry_run=True)
    errors = [str(error.error) for _line, row_errors in result.row_errors() for error in row_errors]
    invalid = [str(row.error) for row in result.invalid_rows]
    assert any("火星" in message for message in errors + invalid)
    assert any("ministry" in message for message in errors + invalid)
    assert not Unit.objects.filter(name="市财政局", region__code="jiangmen").exists()

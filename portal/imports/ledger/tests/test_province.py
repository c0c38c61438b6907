"""A provincial file (#11 item 9): a 城市 / 地市 column splits the ledger into one plan per
city, each row's units resolved in its own city; or the admin names the column to split on."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Measure, Plan, Responsibility

pytestmark = pytest.mark.django_db

HEADER = ["地市", "序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限"]
ROWS = [
    ["江门", "1", "稳就业", "开展江门招聘活动。", "市人社局、台山市", "举办招聘会10场以上", "2025年12月"],
    ["江门", "2", "保民生", "落实江门补贴。", "市人社局", "", "2025年12月"],
    ["佛山市", "1", "稳就业", "开展佛山招聘活动。", "市人社局、南海区", "举办招聘会20场以上", "2025年12月"],
    ["惠州", "1", "稳就业", "开展惠州招聘活动。", "惠州市人社局", "", "2025年12月"],
]


def command(*args) -> str:
    out = StringIO()
    call_command("import_ledger", *args, stdout=out)
    return out.getvalue()


def units_of(city_code: str) -> set[tuple[str, str]]:
    return set(Responsibility.objects.filter(measure__task__plan__title="全省台账", measure__task__plan__city__code=city_code)
               .values_list("unit__name", "unit__region__code"))


def test_a_provincial_file_imports_as_one_plan_per_city_with_units_of_each_city(tmp_path):
    path = tmp_path / "全省台账.xlsx"
    path.write_bytes(ledger_xlsx(ROWS, header=HEADER))
    out = command(str(path), "--plan", "全省台账", "--years", "2025")
    assert "按“城市”列分为 3 个城市的方案：江门市、佛山市、惠州市" in out
    plans = Plan.objects.filter(title="全省台账")
    assert sorted(plans.values_list("city__code", flat=True)) == ["foshan", "huizhou", "jiangmen"]
    assert Measure.objects.filter(task__plan__in=plans).count() == 4
    assert units_of("foshan") == {("市人力资源和社会保障局", "foshan"), ("南海区", "foshan")}
    assert units_of("jiangmen") == {("市人力资源和社会保障局", "jiangmen"), ("台山市", "jiangmen")}
    assert "未变 2 行" in command(str(path), "--plan", "全省台账")


def test_the_admin_names_the_column_to_split_on_and_a_bad_city_writes_nothing(tmp_path):
    header = ["所在市", *HEADER[1:]]
    path = tmp_path / "分市台账.xlsx"
    path.write_bytes(ledger_xlsx(ROWS[:3], header=header))
    out = command(str(path), "--plan", "分市台账", "--years", "2025", "--split-on", "所在市", "--dry-run")
    assert "2 个城市的方案" in out and "（预览，未写入）" in out

    path.write_bytes(ledger_xlsx([*ROWS[:3], ["火星", "1", "稳就业", "措施。", "市人社局", "", ""]], header=HEADER))
    with pytest.raises(CommandError, match="“城市”列中的“火星”不是广东省的地级市"):
        command(str(path), "--plan", "分市台账", "--years", "2025")
    path.write_bytes(ledger_xlsx([*ROWS[:3], ["惠州", "1", "稳就业", "措施。", "不存在的局", "", ""]], header=HEADER))
    with pytest.raises(CommandError, match="惠州市：.*单位“不存在的局”不存在"):
        command(str(path), "--plan", "分市台账", "--years", "2025")
    assert not Plan.objects.filter(title="分市台账").exists()


def test_a_provincial_file_imported_for_one_city_takes_that_citys_rows_and_says_so():
    from portal.imports.ledger.importing import ledger_import
    from units.models import Region

    preview = ledger_import(data=ledger_xlsx(ROWS, header=HEADER), filename="p.xlsx", title="单市方案",
                            city=Region.objects.get_city("佛山"), years=(2025, 2025), dry_run=True).preview
    assert preview.ok and preview.measure_count == 1
    assert any("只导入佛山市的行" in notice and "江门、惠州" in notice for notice in preview.notices)

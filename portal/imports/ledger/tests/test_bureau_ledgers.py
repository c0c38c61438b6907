"""Ledgers as bureaus send them (#11), imported by the command as the README documents it:
no 专项 column, units new to the portal, 序号 numbering measures, merged 序号 and 任务 cells."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.imports.ledger.samples import ledger_csv, ledger_xlsx
from tasks.models import Measure, Plan, Responsibility, Task
from units.models import Region, Unit, UnitAlias

pytestmark = pytest.mark.django_db

TOWNS = ["甲镇", "乙镇", "丙街道"]


def command(*args) -> str:
    out = StringIO()
    call_command("import_ledger", *args, stdout=out)
    return out.getvalue()


def counts(title: str) -> tuple[int, int, int]:
    plan = Plan.objects.get(title=title)
    return (
        Task.objects.filter(plan=plan).count(),
        Measure.objects.filter(task__plan=plan).count(),
        Responsibility.objects.filter(measure__task__plan=plan).values("unit").distinct().count(),
    )


def yearly_csv_rows() -> list[list]:
    rows, n = [], 0
    for t, (task, units) in enumerate([("稳定和扩大就业", "市人社局、测试区人民政府"), ("完善社会保险制度", "市社保局"),
                                       ("加强劳动关系协调", "测试县")], start=1):
        for m in range(1, 4):
            n += 1
            rows.append([str(n), task, f"第{t}项任务的第{m}条措施。", f"完成{m * 10}场以上", units, "2025年12月"])
    return rows


def test_a_gb18030_csv_of_a_yearly_plan_imports_with_new_units(tmp_path):
    path = tmp_path / "年度台账.csv"
    header = ["序号", "任务", "工作措施", "目标指标", "责任单位", "完成时限"]
    path.write_bytes(ledger_csv(yearly_csv_rows(), header=header, encoding="gb18030"))
    with pytest.raises(CommandError, match="测试区人民政府"):
        command(str(path), "--city", "江门", "--plan", "年度测试", "--years", "2025")
    assert not Plan.objects.filter(title="年度测试").exists()

    out = command(str(path), "--city", "江门", "--plan", "年度测试", "--years", "2025", "--create-units")
    assert "任务 3 项" in out and "新建单位 3 个：" in out and "测试区人民政府（区/县级市）" in out
    assert counts("年度测试") == (3, 9, 4)
    city = Region.objects.get(code="jiangmen")
    assert Unit.objects.filter(region=city, name__in=["测试区人民政府", "市社保局", "测试县"]).count() == 3
    assert "未变 9 行" in command(str(path), "--city", "江门", "--plan", "年度测试")  # the same file again


def test_a_seven_column_xlsx_numbering_measures_one_to_a_hundred_makes_its_tasks(tmp_path):
    header = ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限"]
    rows = []
    for n in range(1, 101):
        task = (n - 1) // 3 + 1  # 34 tasks of three measures (the last of one)
        rows.append([n, f"{task}.重点任务{task}", f"推进第{n}项就业工作。", "市人社局", "测试合作局", "", "2025年"])
    path = tmp_path / "七列台账.xlsx"
    path.write_bytes(ledger_xlsx(rows, header=header))
    out = command(str(path), "--city", "江门", "--plan", "七列测试", "--years", "2025", "--create-units",
                  "--map-unit", "测试合作局=市住房和城乡建设局")
    assert "对应单位：测试合作局 → 市住房和城乡建设局" in out
    assert "任务 34 项" in out and "1. 重点任务1（3 项措施）" in out
    assert counts("七列测试") == (34, 100, 2)
    assert UnitAlias.objects.filter(name="测试合作局", unit__name="市住房和城乡建设局").exists()
    assert set(Task.objects.filter(plan__title="七列测试").values_list("programme__name", flat=True)) == {"就业创业"}


def test_a_ledger_with_merged_seq_and_task_cells_imports_as_documented(tmp_path):
    header = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限"]
    rows = [
        ["一、就业", None, None, None, None, None],
        ["1", "扩大青年就业", "开展高校毕业生招聘。", "市人社局", "招聘会20场以上", "2025年6月"],
        [None, None, "开发见习岗位。", "市人社局、甲镇", "见习岗位500个以上", "2025年12月"],
        ["2", "推进技能培训", "开展职业技能培训。", "乙镇", "培训1000人次以上", "每年"],
        [None, None, "推进粤菜师傅培训。", "丙街道", "", "2025年12月"],
    ]
    path = tmp_path / "合并台账.xlsx"
    path.write_bytes(ledger_xlsx(rows, header=header, merges=("A5:A6", "B5:B6", "A7:A8", "B7:B8")))
    out = command(str(path), "--city", "江门", "--plan", "合并测试", "--years", "2025", "--create-units")
    assert "任务 2 项" in out
    assert counts("合并测试") == (2, 4, 4)
    assert dict(Task.objects.filter(plan__title="合并测试").values_list("title", "programme__name")) == {
        "扩大青年就业": "就业创业", "推进技能培训": "广东技工",
    }
    assert Unit.objects.get(region__code="jiangmen", name="甲镇").kind == "town"

"""manage.py import_ledger: the preview summary, errors and a non-zero exit for a bad file."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal.imports.ledger.export import ledger_export
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Measure, Plan

pytestmark = pytest.mark.django_db

ROW = ["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]


def command(*args) -> str:
    out = StringIO()
    call_command("import_ledger", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, data: bytes, name="台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_prints_the_preview_and_imports_a_new_plan_with_its_years(tmp_path):
    path = write(tmp_path, ledger_xlsx([ROW]))
    out = command(path, "--city", "江门", "--plan", "命令行方案", "--years", "2025")
    assert "预览：新增 1 行，更新 0 行，未变 0 行，错误 0 行" in out
    assert "已导入“命令行方案”：新增措施 1 项" in out
    plan = Plan.objects.get(title="命令行方案")
    assert (plan.year_start, plan.year_end) == (2025, 2025)

    out = command(path, "--city", "jiangmen", "--plan", "命令行方案")  # an existing plan keeps its years
    assert "未变 1 行" in out and "新增措施 0 项" in out


def test_a_dry_run_writes_nothing(tmp_path):
    out = command(write(tmp_path, ledger_xlsx([ROW])), "--city", "江门", "--plan", "试运行", "--years", "2023-2027",
                  "--dry-run")
    assert "（预览，未写入）" in out
    assert not Plan.objects.filter(title="试运行").exists()


def test_a_new_plan_without_years_is_refused_saying_so(tmp_path):
    with pytest.raises(CommandError, match=r"新建方案需要给出年度（如 2025，或 2023-2027）"):
        command(write(tmp_path, ledger_xlsx([ROW])), "--city", "江门", "--plan", "没有年度")


def test_a_bad_file_exits_non_zero_with_every_error_and_writes_nothing(tmp_path):
    bad = [["1", "稳就业", "开展招聘活动。", "", "约10万人", "下个月", "就业创业"]]
    with pytest.raises(CommandError) as raised:
        command(write(tmp_path, ledger_xlsx(bad)), "--city", "江门", "--plan", "坏文件", "--years", "2025")
    message = str(raised.value)
    assert message.startswith("文件有 3 处错误，未写入任何数据：")
    assert "工作表“台账”第4行D列（牵头单位）：工作措施没有责任单位" in message
    assert "第4行E列（目标指标）" in message and "第4行F列（完成时限）" in message
    assert not Plan.objects.filter(title="坏文件").exists()


def test_an_unreadable_file_is_refused_without_a_stack_trace(tmp_path):
    with pytest.raises(CommandError, match="既不是 Excel"):
        command(write(tmp_path, b"\x00\x01\x02binary"), "--city", "江门", "--plan", "x", "--years", "2025")


def test_several_sheets_need_sheet_and_headers_can_be_mapped(tmp_path):
    data = ledger_xlsx([ROW], extra_sheets={"旧表": [["序号", "任务", "举措", "牵头单位", "专项"],
                                                     ["1", "旧任务", "旧措施。", "市人社局", "就业创业"]]})
    path = write(tmp_path, data)
    with pytest.raises(CommandError, match="有多个工作表含台账数据（台账、旧表），请选择要导入的工作表"):
        command(path, "--city", "江门", "--plan", "多表", "--years", "2025")
    with pytest.raises(CommandError, match="不认识的列名（可用 --header 列名=字段 对应）：C列“举措”"):
        command(path, "--city", "江门", "--plan", "多表", "--years", "2025", "--sheet", "旧表")
    out = command(path, "--city", "江门", "--plan", "多表", "--years", "2025", "--sheet", "旧表", "--header", "举措=工作措施")
    assert "新增措施 1 项" in out
    assert Measure.objects.get(task__plan__title="多表").text == "旧措施。"


def test_a_seed_plan_exported_and_imported_by_the_command_changes_nothing(tmp_path):
    plan = Plan.objects.get(slug="guangzhou-2024")
    out = command(write(tmp_path, ledger_export(plan)), "--city", "广州", "--plan", plan.title)
    assert "新增 0 行，更新 0 行" in out and "新增措施 0 项、更新 0 项、未变 130 项" in out

"""Tasks as the file groups them (#11 item 1): 序号 numbering measures, merged 序号 and 任务
cells, hierarchical numbers, no 任务 column; the preview counts and names the tasks."""

import pytest

from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_csv, ledger_xlsx
from tasks.models import Measure, Task
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限", "专项"]
TITLE = "分组测试方案"


def run(data: bytes, *, filename="ledger.xlsx", dry_run=False):
    return ledger_import(data=data, filename=filename, city=Region.objects.get(code="jiangmen"), title=TITLE,
                         years=(2025, 2025), dry_run=dry_run)


def tasks() -> list[tuple[int, str, int]]:
    return [(t.number, t.title, t.measures.count()) for t in Task.objects.filter(plan__title=TITLE).order_by("number")]


def rows_numbering_measures(per_task=(3, 2, 4)) -> list[list]:
    rows, n = [], 0
    for t, count in enumerate(per_task, start=1):
        for m in range(count):
            n += 1
            rows.append([str(n), f"第{t}项测试任务", f"措施{n}的内容。", "市人社局", "", "2025年12月", "就业创业"])
    return rows


def test_it_groups_rows_numbered_one_by_one_into_the_tasks_of_the_task_column():
    result = run(ledger_xlsx(rows_numbering_measures()))
    assert result.draft.problems == []
    assert tasks() == [(1, "第1项测试任务", 3), (2, "第2项测试任务", 2), (3, "第3项测试任务", 4)]
    assert Measure.objects.filter(task__plan__title=TITLE).count() == 9


def test_the_preview_counts_the_tasks_and_names_the_first_ones():
    preview = run(ledger_xlsx(rows_numbering_measures((1,) * 12)), dry_run=True).preview
    assert preview.task_count == 12 and preview.measure_count == 12
    assert preview.first_tasks[0] == "1. 第1项测试任务（1 项措施）"
    assert len(preview.first_tasks) < 12

    preview = run(ledger_xlsx(rows_numbering_measures((5, 5))), dry_run=True).preview
    assert preview.task_count == 2
    assert "逐行编号" in preview.task_layout
    assert preview.first_tasks == ["1. 第1项测试任务（5 项措施）", "2. 第2项测试任务（5 项措施）"]


def test_merged_seq_and_task_cells_make_one_task_each():
    rows = [
        ["1", "扩大就业容量", "甲措施。", "市人社局", "", "2025年6月", "就业创业"],
        [None, None, "乙措施。", "市人社局", "", "2025年9月", None],
        [None, None, "丙措施。", "市人社局", "", "2025年12月", None],
        ["2", "织密社保网", "丁措施。", "市人社局", "", "2025年12月", "社会保障"],
        [None, None, "戊措施。", "市人社局", "", "2025年12月", None],
    ]
    run(ledger_xlsx(rows, merges=("A4:A6", "B4:B6", "G4:G6", "A7:A8", "B7:B8", "G7:G8")))
    assert tasks() == [(1, "扩大就业容量", 3), (2, "织密社保网", 2)]


def test_hierarchical_numbers_group_by_their_first_part():
    rows = [
        ["1.1", "扩大就业容量", "甲措施。", "市人社局", "", "", "就业创业"],
        ["1.2", "扩大就业容量", "乙措施。", "市人社局", "", "", "就业创业"],
        ["2.1", "织密社保网", "丙措施。", "市人社局", "", "", "社会保障"],
    ]
    preview = run(ledger_xlsx(rows), dry_run=True).preview
    assert preview.task_count == 2 and "分级编号" in preview.task_layout
    run(ledger_xlsx(rows))
    assert tasks() == [(1, "扩大就业容量", 2), (2, "织密社保网", 1)]


def test_a_seq_changing_with_its_task_numbers_the_tasks():
    rows = [
        ["5", "扩大就业容量", "甲措施。", "市人社局", "", "", "就业创业"],
        ["5", "扩大就业容量", "乙措施。", "市人社局", "", "", "就业创业"],
        ["7", "织密社保网", "丙措施。", "市人社局", "", "", "社会保障"],
    ]
    run(ledger_csv(rows, header=HEADER).decode().encode("gb18030"), filename="台账.csv")
    assert tasks() == [(5, "扩大就业容量", 2), (7, "织密社保网", 1)]


def test_without_a_task_column_the_preview_says_so_and_groups_by_section():
    header = ["序号", "工作措施", "责任单位", "完成时限", "专项"]
    rows = [
        ["一、就业工作", None, None, None, None],
        ["1", "甲措施。", "市人社局", "", "就业创业"],
        ["2", "乙措施。", "市人社局", "", "就业创业"],
        ["二、社保工作", None, None, None, None],
        ["3", "丙措施。", "市人社局", "", "社会保障"],
    ]
    preview = run(ledger_xlsx(rows, header=header), dry_run=True).preview
    assert any("表中没有“任务”列" in warning for warning in preview.warnings)
    assert preview.task_count == 2
    assert preview.first_tasks == ["1. 就业工作（2 项措施）", "2. 社保工作（1 项措施）"]

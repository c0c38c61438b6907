"""The first version of the ledger reader, on small files the tests build."""

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook

from indicators.ledger.read import LedgerFileError, read_ledger
from indicators.models import Target
from indicators.ledger.importing import ledger_import_file
from tasks.models import Measure, Plan
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点", "专项"]


def workbook(tmp_path: Path, rows: list[list], merges: tuple[str, ...] = (), name="ledger.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "台账"
    sheet.append(["江门市某某工作台账"])
    sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    path = tmp_path / name
    book.save(path)
    return path


def import_file(path: Path, **kwargs):
    return ledger_import_file(
        path=path, city=Region.objects.get(code="jiangmen"), title="测试方案", year_start=2025, year_end=2025, **kwargs
    )


def test_it_reads_a_task_merged_down_its_measures_and_synonym_headers(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["1", "稳就业", "开展招聘活动。", "市人社局、蓬江区", "举办招聘会100场以上", "2025年12月", "就业创业"],
            [None, None, "落实补贴。", "市人力资源社会保障局", "", "每年", None],
        ],
        merges=("A4:A5", "B4:B5", "G4:G5"),
    )
    result = import_file(path)
    assert result.draft.problems == []
    plan = Plan.objects.get(title="测试方案")
    measures = list(Measure.objects.filter(task__plan=plan).order_by("seq"))
    assert [m.task.title for m in measures] == ["稳就业", "稳就业"]
    # First named is the lead when there is one 责任单位 column; an alias is the same unit.
    first = measures[0].responsibilities.order_by("role")
    assert [(r.unit.name, r.role) for r in first] == [("市人力资源和社会保障局", "lead"), ("蓬江区", "support")]
    assert measures[1].recurring is True
    assert Target.objects.get(measure=measures[0]).value == 100


def test_it_names_sheet_row_and_column_of_each_problem_and_writes_nothing(tmp_path):
    path = workbook(
        tmp_path,
        [
            ["1", "稳就业", "开展招聘活动。", "", "约10万人", "下个月", "就业创业"],
            ["2", "保民生", "落实补贴。", "不存在的局", "", "2025年12月", "不存在的专项"],
        ],
    )
    result = import_file(path)
    messages = [str(problem) for problem in result.draft.problems]
    assert "工作表“台账”第4行D列（牵头单位）：工作措施没有责任单位" in messages
    assert any(m.startswith("工作表“台账”第4行E列（目标指标）") and "约数" in m for m in messages)
    assert any(m.startswith("工作表“台账”第4行F列（完成时限）") and "下个月" in m for m in messages)
    assert any(m.startswith("工作表“台账”第5行D列（牵头单位）") and "不存在的局" in m for m in messages)
    assert any(m.startswith("工作表“台账”第5行G列（专项）") for m in messages)
    assert result.summary is None
    assert not Plan.objects.filter(title="测试方案").exists()


def test_it_names_both_rows_of_a_repeated_row(tmp_path):
    row = ["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]
    result = import_file(workbook(tmp_path, [row, row]))
    assert [str(p) for p in result.draft.problems] == ["工作表“台账”第5行C列（工作措施）：与第4行完全重复"]


def test_it_refuses_a_file_that_is_not_a_ledger_with_a_reason(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("序号,任务\n1,2\n", encoding="utf-8")
    with pytest.raises(LedgerFileError, match="不是有效的 Excel"):
        read_ledger(path)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"hello")
    with pytest.raises(LedgerFileError, match="不受支持"):
        read_ledger(path)


def test_it_reads_a_gbk_csv(tmp_path):
    text = "序号,任务,工作措施,牵头单位,目标指标,完成时限,专项\n1,稳就业,开展招聘活动。,市人社局,举办招聘会100场以上,2025年12月,就业创业\n"
    path = tmp_path / "ledger.csv"
    path.write_bytes(text.encode("gb18030"))
    (sheet,) = read_ledger(path)
    assert sheet.rows[0].get("task") == "稳就业"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    path = workbook(tmp_path, [["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]])
    first = import_file(path)
    second = import_file(path)
    assert first.summary.changed
    assert not second.summary.changed
    assert second.summary.unchanged["measures"] == 1


def test_an_import_that_changes_something_tells_the_rollups_after_commit(tmp_path, django_capture_on_commit_callbacks):
    from indicators.signals import progress_changed

    received = []
    handler = lambda sender, measure_ids, **kwargs: received.append(measure_ids)  # noqa: E731
    progress_changed.connect(handler)
    try:
        path = workbook(tmp_path, [["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]])
        with django_capture_on_commit_callbacks(execute=True):
            import_file(path)
        assert len(received) == 1 and len(received[0]) == 1
        with django_capture_on_commit_callbacks(execute=True):
            import_file(path)
        assert len(received) == 1  # unchanged: nothing to recompute
    finally:
        progress_changed.disconnect(handler)

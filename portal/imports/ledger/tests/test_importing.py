"""Ledger import end to end on small files the tests build: units, targets, deadlines, errors
that name their cell and write nothing, the preview, skipping bad rows, safe re-import."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.models import Target
from portal.imports.ledger.importing import LedgerImportError, UnitChoice, ledger_import, ledger_import_file
from portal.imports.ledger.samples import ledger_csv, ledger_xlsx
from portal.imports.ledger.validate import parse_deadline
from tasks.models import Measure, Plan, Responsibility, Task
from units.models import Region, Unit, UnitAlias

pytestmark = pytest.mark.django_db

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点", "专项"]
WITH_SUPPORT = ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限", "专项"]
TITLE = "测试方案"


def jiangmen() -> Region:
    return Region.objects.get(code="jiangmen")


def run(data: bytes, *, filename="ledger.xlsx", years=(2025, 2025), city=None, **options):
    return ledger_import(data=data, filename=filename, city=city or jiangmen(), title=TITLE, years=years, **options)


def preview(data: bytes, **options):
    return run(data, dry_run=True, **options).preview


def plan_measures() -> list[Measure]:
    return list(Measure.objects.filter(task__plan__title=TITLE).order_by("task__number", "seq"))


def roles(measure: Measure) -> list[tuple[str, str]]:
    return [(r.unit.name, r.role) for r in measure.responsibilities.select_related("unit").order_by("role", "unit__name")]


def test_it_reads_a_task_merged_down_its_measures_and_synonym_headers(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(
        ledger_xlsx(
            [
                ["1", "稳就业", "开展招聘活动。", "市人社局、蓬江区", "举办招聘会100场以上", "2025年12月", "就业创业"],
                [None, None, "落实补贴。", "市人力资源社会保障局", "", "每年", None],
            ],
            merges=("A4:A5", "B4:B5", "G4:G5"),
        )
    )
    result = ledger_import_file(path=path, city=jiangmen(), title=TITLE, year_start=2025, year_end=2025)
    assert result.draft.problems == []
    measures = plan_measures()
    assert [m.task.title for m in measures] == ["稳就业", "稳就业"]
    # First named is the lead when there is one 责任单位 column; an alias is the same unit.
    assert roles(measures[0]) == [("市人力资源和社会保障局", "lead"), ("蓬江区", "support")]
    assert measures[1].recurring is True
    assert Target.objects.get(measure=measures[0]).value == 100


@pytest.mark.parametrize("separator", ["、", "，", ",", "；", "/", "\n"])
def test_it_splits_several_units_in_one_cell(separator):
    run(ledger_xlsx([["1", "稳就业", "开展招聘活动。", separator.join(["市人社局", "蓬江区", "江海区"]), "", "", "就业创业"]]))
    assert roles(plan_measures()[0]) == [("市人力资源和社会保障局", "lead"), ("江海区", "support"), ("蓬江区", "support")]


def test_lead_and_support_come_from_their_own_columns_and_a_collective_name_stays_one():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局、市住建局", "各区", "", "2025年12月", "就业创业"]]
    run(ledger_xlsx(rows, header=WITH_SUPPORT))
    assert roles(plan_measures()[0]) == sorted(
        [("市人力资源和社会保障局", "lead"), ("市住房和城乡建设局", "lead")]
    ) + [("各区", "support")]
    assert Unit.objects.get(region=jiangmen(), name="各区").member_kind == "district"


def test_it_parses_the_targets_of_a_target_cell():
    cell = "全年城镇新增就业2.5万人以上\n培训1.2万人次；失业率控制在3.2%以内\n建立1-2个工坊，投入资金不少于1.5亿元"
    run(ledger_xlsx([["1", "稳就业", "开展活动。", "市人社局", cell, "2025年12月", "就业创业"]]))
    targets = list(Target.objects.filter(measure__task__plan__title=TITLE).order_by("seq"))
    assert [(t.kind, t.comparator, t.value, t.value_max, t.unit) for t in targets] == [
        ("flow_annual", "gte", Decimal("25000"), None, "人"),
        ("flow_annual", "gte", Decimal("12000"), None, "人次"),
        ("ceiling", "lte", Decimal("3.2"), None, "%"),
        ("range", "between", Decimal("1"), Decimal("2"), "个"),
        ("flow_annual", "gte", Decimal("150000000"), None, "元"),
    ]


def test_without_a_target_column_targets_come_from_the_measure_text_and_are_pointed_out():
    header = ["序号", "任务", "工作措施", "牵头单位", "完成时限", "专项"]
    rows = [["1", "稳就业", "全年举办招聘会100场以上。", "市人社局", "2025年12月", "就业创业"],
            ["2", "强技能", "推进技工教育。", "市人社局", "2025年12月", "广东技工"]]
    result = preview(ledger_xlsx(rows, header=header))
    assert result.problems == []
    assert result.rows[0].targets == ["全年举办招聘会100场以上"]
    assert result.rows[1].targets == []
    assert any("目标从工作措施原文中识别" in w for w in result.warnings)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2025年6月", (date(2025, 6, 30), False)),
        ("2025年6月30日前", (date(2025, 6, 30), False)),
        ("2025-06-30", (date(2025, 6, 30), False)),
        ("2025/6/30", (date(2025, 6, 30), False)),
        ("2025.9", (date(2025, 9, 30), False)),
        ("2025年底", (date(2025, 12, 31), False)),
        ("2025年第三季度", (date(2025, 9, 30), False)),
        ("2025年上半年", (date(2025, 6, 30), False)),
        ("6月底前", (date(2025, 6, 30), False)),
        ("45838", (date(2025, 6, 30), False)),  # an Excel date serial that lost its format
        ("每年", (date(2025, 12, 31), True)),
        ("每季度", (date(2025, 12, 31), True)),
        ("长期坚持", (date(2025, 12, 31), False)),
        ("2025年3月至9月", (date(2025, 9, 30), False)),
        ("", (date(2025, 12, 31), False)),
    ],
)
def test_it_reads_the_deadlines_bureaus_write(text, expected):
    assert parse_deadline(text, 2025, 2025) == expected


def test_a_span_of_years_ends_with_its_last_year():
    assert parse_deadline("2023—2027年", 2023, 2027) == (date(2027, 12, 31), False)
    assert parse_deadline("2023年-2025年", 2023, 2027) == (date(2025, 12, 31), False)
    with pytest.raises(ValueError, match="既不是日期也不是期限"):
        parse_deadline("6月底", 2023, 2027)  # which year? a five-year plan does not say


def test_a_date_cell_and_a_date_serial_become_the_deadline():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "", datetime(2025, 6, 30), "就业创业"],
            ["2", "保民生", "落实补贴。", "市人社局", "", 45838, "社会保障"]]
    run(ledger_xlsx(rows))
    assert [m.deadline for m in plan_measures()] == [date(2025, 6, 30), date(2025, 6, 30)]


BAD_ROWS = {
    "no unit": (["1", "稳就业", "开展招聘活动。", "", "", "2025年12月", "就业创业"], "D", "工作措施没有责任单位"),
    "approximate target": (["1", "稳就业", "开展招聘活动。", "市人社局", "约10万人", "2025年12月", "就业创业"], "E", "是约数"),
    "number without unit": (["1", "稳就业", "开展招聘活动。", "市人社局", "培训1000", "2025年12月", "就业创业"], "E", "没有计量单位"),
    "formula without result": (["1", "稳就业", "开展招聘活动。", "市人社局", "=C4", "2025年12月", "就业创业"], "E",
                               "单元格E4是公式“=C4”，文件中没有保存它的计算结果"),
    "deadline": (["1", "稳就业", "开展招聘活动。", "市人社局", "", "下个月", "就业创业"], "F", "“下个月”既不是日期也不是期限"),
    "unknown unit": (["1", "稳就业", "开展招聘活动。", "不存在的局", "", "2025年12月", "就业创业"], "D", "单位“不存在的局”不存在"),
    "programme": (["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "不存在的专项"], "G", "专项“不存在的专项”不存在"),
}


@pytest.mark.parametrize("case", BAD_ROWS)
def test_a_bad_row_is_refused_with_its_sheet_row_and_column_and_nothing_is_written(case):
    row, column, message = BAD_ROWS[case]
    good = ["2", "保民生", "落实补贴。", "市人社局", "", "2025年12月", "社会保障"]
    result = run(ledger_xlsx([row, good]))
    assert result.summary is None
    (problem,) = [str(p) for p in result.draft.problems]
    assert problem.startswith(f"工作表“台账”第4行{column}列（")
    assert message in problem
    assert not Plan.objects.filter(title=TITLE).exists()


def test_it_names_both_rows_of_a_repeated_row():
    row = ["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]
    result = run(ledger_xlsx([row, row]))
    assert [str(p) for p in result.draft.problems] == ["工作表“台账”第5行C列（工作措施）：与第4行完全重复"]
    assert not Plan.objects.filter(title=TITLE).exists()


def test_the_preview_says_per_row_what_would_happen_and_writes_nothing():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"],
            [None, None, "落实补贴。", "市人社局", "", "2025年12月", None]]
    run(ledger_xlsx(rows, merges=("A4:A5", "B4:B5", "G4:G5")))
    rows[1][2] = "落实就业补贴。"
    rows.append(["2", "保民生", "新增措施。", "市人社局", "", "2025年12月", "社会保障"])
    rows.append(["3", "强技能", "有错的措施。", "", "", "2025年12月", "广东技工"])
    before = Measure.objects.count()

    result = preview(ledger_xlsx(rows, merges=("A4:A5", "B4:B5", "G4:G5")))
    assert [(r.row, r.code, r.status) for r in result.rows] == [
        (4, "1.1", "unchanged"), (5, "1.2", "update"), (6, "2.1", "create"), (7, "3.1", "error")
    ]
    assert result.rows[1].changes == ["工作措施"]
    assert result.rows[3].problems == ["D列（牵头单位）：工作措施没有责任单位"]
    assert result.counts == {"create": 1, "update": 1, "unchanged": 1, "error": 1}
    assert Measure.objects.count() == before


def test_an_admin_may_skip_the_bad_rows_and_write_only_the_good_ones():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"],
            [None, None, "有错的措施。", "不存在的局", "", "2025年12月", None],
            [None, None, "第三条措施。", "市人社局", "", "2025年12月", None],
            ["2", "保民生", "落实补贴。", "市人社局", "", "2025年12月", "不存在的专项"]]
    result = run(ledger_xlsx(rows, merges=("A4:A6", "B4:B6", "G4:G6")), skip_bad_rows=True)
    assert result.summary.skipped_rows == 2
    assert [(m.code, m.text) for m in plan_measures()] == [("1.1", "开展招聘活动。"), ("1.3", "第三条措施。")]
    assert list(Task.objects.filter(plan__title=TITLE).values_list("number", flat=True)) == [1]


def test_reimporting_the_same_file_changes_nothing():
    data = ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]])
    first, second = run(data), run(data)
    assert first.summary.changed
    assert not second.summary.changed
    assert second.summary.unchanged["measures"] == 1


def test_a_changed_measure_text_updates_the_measure_and_keeps_the_old_text_in_its_history():
    row = ["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]
    run(ledger_xlsx([row]))
    measure = plan_measures()[0]
    row[2] = "开展线上线下招聘活动。"
    result = run(ledger_xlsx([row]))
    assert result.summary.updated["measures"] == 1
    measure.refresh_from_db()
    assert measure.text == "开展线上线下招聘活动。"
    assert [h.text for h in measure.history.order_by("history_date")] == ["开展招聘活动。", "开展线上线下招聘活动。"]


def test_a_measure_missing_from_the_new_file_is_flagged_and_never_deleted():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"],
            ["2", "保民生", "落实补贴。", "市人社局、蓬江区", "发放补贴1000人以上", "2025年12月", "社会保障"]]
    run(ledger_xlsx(rows))
    assert preview(ledger_xlsx(rows[:1])).missing_measures == ["2.1 落实补贴。"]
    result = run(ledger_xlsx(rows[:1]))
    assert result.summary.missing_measures == ["2.1 落实补贴。"]
    kept = Measure.objects.get(task__plan__title=TITLE, task__number=2)
    assert kept.targets.count() == 1 and kept.responsibilities.count() == 2


def test_a_unit_taken_off_a_measure_is_removed_and_its_history_kept():
    row = ["1", "稳就业", "开展招聘活动。", "市人社局、蓬江区", "", "2025年12月", "就业创业"]
    run(ledger_xlsx([row]))
    row[3] = "市人社局"
    result = run(ledger_xlsx([row]))
    assert result.summary.deleted["responsibilities"] == 1
    assert roles(plan_measures()[0]) == [("市人力资源和社会保障局", "lead")]
    assert Responsibility.history.filter(history_type="-").count() == 1


def test_an_unknown_unit_is_listed_and_the_admins_choice_is_remembered_as_an_alias():
    rows = [["1", "稳就业", "开展招聘活动。", "人社局就业科", "", "2025年12月", "就业创业"],
            ["2", "保民生", "落实补贴。", "市人社局、江门市新成立中心", "", "2025年12月", "社会保障"]]
    data = ledger_xlsx(rows)
    looked = preview(data)
    assert sorted(looked.unknown_units) == ["人社局就业科", "江门市新成立中心"]
    assert looked.unknown_units["人社局就业科"] == ["工作表“台账”第4行D列（牵头单位）"]

    bureau = Unit.objects.get(region=jiangmen(), name="市人力资源和社会保障局")
    choices = {"人社局就业科": UnitChoice(unit_id=bureau.pk), "江门市新成立中心": UnitChoice(create_kind="other")}
    looked = preview(data, unit_choices=choices)
    assert looked.problems == [] and looked.counts["create"] == 2
    assert not UnitAlias.objects.filter(name="人社局就业科").exists()  # a preview writes nothing

    run(data, unit_choices=choices)
    assert UnitAlias.objects.get(region=jiangmen(), name="人社局就业科").unit == bureau
    created = Unit.objects.get(region=jiangmen(), name="江门市新成立中心")
    assert created.kind == "other"
    assert roles(plan_measures()[1])[1] == ("江门市新成立中心", "support")
    # The next file of the bureau needs no mapping.
    assert preview(data).problems == []


def test_a_unit_choice_must_stay_in_the_city():
    other = Unit.objects.get(region__code="zhongshan", name="市财政局")
    data = ledger_xlsx([["1", "稳就业", "开展招聘活动。", "某局", "", "2025年12月", "就业创业"]])
    with pytest.raises(LedgerImportError, match="只能对应到江门市的单位"):
        preview(data, unit_choices={"某局": UnitChoice(unit_id=other.pk)})


def test_a_new_plan_needs_its_years_and_an_existing_plan_keeps_its_own():
    data = ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]])
    with pytest.raises(LedgerImportError, match="新建方案需要给出年度"):
        run(data, years=None)
    run(data)
    assert run(data, years=None).summary is not None
    with pytest.raises(LedgerImportError, match="年度为2025，与给出的2024—2024不符"):
        run(data, years=(2024, 2024))


def test_a_csv_ledger_imports_like_a_workbook():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]]
    result = run(ledger_csv(rows, encoding="gb18030"), filename="台账.csv")
    assert result.summary.created["measures"] == 1


def test_an_import_that_changes_something_tells_the_rollups_after_commit(django_capture_on_commit_callbacks):
    from tasks.signals import progress_changed

    received = []
    handler = lambda sender, measure_ids, **kwargs: received.append(measure_ids)  # noqa: E731
    progress_changed.connect(handler)
    try:
        data = ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "", "2025年12月", "就业创业"]])
        with django_capture_on_commit_callbacks(execute=True):
            run(data)
        assert len(received) == 1 and len(received[0]) == 1
        with django_capture_on_commit_callbacks(execute=True):
            run(data)
        assert len(received) == 1  # unchanged: nothing to recompute
    finally:
        progress_changed.disconnect(handler)


def test_ledger_import_file_keeps_its_signature_for_load_demo(tmp_path):
    path = Path(tmp_path / "l.xlsx")
    path.write_bytes(ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "", "", "就业创业"]]))
    result = ledger_import_file(path=path, city=jiangmen(), title=TITLE, year_start=2025, year_end=2025, slug="jm-test")
    assert result.plan.slug == "jm-test"

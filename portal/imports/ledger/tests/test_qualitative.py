"""Qualitative targets (#11 item 5): a target cell with no quantity is the measure's goal (a
warning), 一批/若干/一系列 are not numbers, 约10万 and a number without unit stay errors."""

import pytest

from indicators.models import Target
from portal.imports.ledger.export import ledger_export
from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Measure, Plan
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限", "专项"]
TITLE = "定性目标方案"


def run(rows, *, dry_run=False, header=HEADER, title=TITLE, data=None):
    return ledger_import(data=data or ledger_xlsx(rows, header=header), filename="q.xlsx", title=title,
                         city=Region.objects.get(code="jiangmen"), years=(2025, 2025), dry_run=dry_run)


def row(target: str, measure: str = "开展专项工作。") -> list:
    return ["1", "稳就业", measure, "市人社局", target, "2025年12月", "就业创业"]


@pytest.mark.parametrize("goal", ["举办第六届职业技能大赛", "建成公共服务平台2.0版", "零就业家庭动态清零", "完成省下达任务"])
def test_a_target_cell_without_quantity_is_kept_as_the_measures_qualitative_goal(goal):
    result = run([row(goal)])
    assert result.draft.problems == []
    assert any(goal in str(w) and "定性目标" in str(w) for w in result.draft.warnings)
    measure = Measure.objects.get(task__plan__title=TITLE)
    assert measure.goal == goal and not Target.objects.filter(measure=measure).exists()


def test_vague_amounts_are_not_numbers_and_a_goal_beside_a_number_is_kept_too():
    rows = [row("设计开发一批就业创业服务产品"), row("推出一系列惠企服务；新增就业1000人以上", "措施二。"),
            row("建设若干示范基地", "措施三。")]
    run(rows)
    measures = list(Measure.objects.filter(task__plan__title=TITLE).order_by("seq"))
    assert [m.goal for m in measures] == ["设计开发一批就业创业服务产品", "推出一系列惠企服务", "建设若干示范基地"]
    assert list(Target.objects.filter(measure__task__plan__title=TITLE).values_list("value", "unit")) == [(1000, "人")]


def test_a_vague_amount_in_a_measure_without_target_column_makes_no_target():
    header = ["序号", "任务", "工作措施", "责任单位", "完成时限", "专项"]
    run([["1", "稳就业", "设计开发一批就业创业服务产品。", "市人社局", "2025年12月", "就业创业"]], header=header)
    assert not Target.objects.filter(measure__task__plan__title=TITLE).exists()


@pytest.mark.parametrize("cell, message", [("约10万人", "约数"), ("培训1000", "没有计量单位")])
def test_an_unusable_quantity_stays_an_error_naming_its_cell(cell, message):
    preview = run([row(cell)], dry_run=True).preview
    assert not preview.ok
    assert any("第4行E列（目标指标）" in p and message in p for p in preview.problems)


def test_the_preview_shows_the_goal_and_the_export_keeps_it_so_a_reimport_changes_nothing():
    preview = run([row("零就业家庭动态清零")], dry_run=True).preview
    assert preview.rows[0].targets == ["定性：零就业家庭动态清零"]
    run([row("零就业家庭动态清零\n新增就业100人以上")])
    again = run(None, data=ledger_export(Plan.objects.get(title=TITLE)), dry_run=True).preview
    assert again.counts["unchanged"] == 1 and again.ok

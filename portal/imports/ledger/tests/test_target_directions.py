"""The ledger import stores targets in the direction their phrases state (issue 12): a met
不低于 target is never a ceiling turned red, a 不超过 one never a floor."""

from decimal import Decimal

import pytest

from indicators.models import Target
from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.samples import ledger_xlsx
from units.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["序号", "重点任务", "具体措施", "责任单位", "量化指标", "时间节点", "专项"]
TITLE = "方向测试方案"


def imported(rows):
    result = ledger_import(
        data=ledger_xlsx(rows, header=HEADER),
        filename="ledger.xlsx",
        city=Region.objects.get(code="jiangmen"),
        title=TITLE,
        years=(2025, 2025),
    )
    targets = Target.objects.filter(measure__task__plan__title=TITLE).order_by("measure__seq", "seq")
    return result, [(t.comparator, t.kind, t.value, t.value_max, t.unit) for t in targets]


def test_negated_cues_ranges_and_full_width_figures_are_stored_as_the_phrase_says():
    result, targets = imported(
        [
            ["1", "稳就业", "促进高校毕业生就业。", "市人社局", "就业率不低于90%", "2025年12月", "就业创业"],
            ["1", "稳就业", "控制失业。", "市人社局", "城镇登记失业率不超过3．5％", "2025年12月", "就业创业"],
            ["1", "稳就业", "开发见习岗位。", "市人社局", "见习岗位不少于五百个", "2025年12月", "就业创业"],
            ["1", "稳就业", "稳定就业率。", "市人社局", "签约率85%—90%", "2025年12月", "就业创业"],
            ["1", "稳就业", "控制补贴人数。", "市人社局", "享受补贴人数不超过5000人", "2025年12月", "就业创业"],
        ]
    )
    assert result.draft.problems == []
    assert targets == [
        ("gte", "rate", Decimal("90"), None, "%"),
        ("lte", "ceiling", Decimal("3.5"), None, "%"),
        ("gte", "flow_annual", Decimal("500"), None, "个"),
        ("between", "range", Decimal("85"), Decimal("90"), "%"),
        ("lte", "ceiling", Decimal("5000"), None, "人"),
    ]


def test_a_per_quarter_target_is_stored_as_its_yearly_sum_and_said_so():
    result, targets = imported(
        [["1", "稳就业", "举办招聘会。", "市人社局", "每季度举办招聘会1场以上", "2025年12月", "就业创业"]]
    )
    assert targets == [("gte", "flow_annual", Decimal("4"), None, "场")]
    assert any("每季度" in problem.message and "全年合计 4场" in problem.message for problem in result.draft.warnings)


def test_an_approximate_or_relative_figure_is_refused_naming_its_cell():
    result, targets = imported(
        [
            ["1", "稳就业", "开展招聘活动。", "市人社局", "约10万人", "2025年12月", "就业创业"],
            ["2", "社保", "扩大参保。", "市人社局", "参保率比上年提高2个百分点", "2025年12月", "社会保险"],
        ]
    )
    assert targets == []
    messages = [(p.place.column, p.message) for p in result.draft.problems]
    assert any(column == "E" and "约数" in message for column, message in messages)
    assert any(column == "E" and "相比的增减" in message for column, message in messages)

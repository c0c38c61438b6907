from datetime import date
from decimal import Decimal

import pytest

from indicators.parsing import PlanContext, parse_result_value, parse_targets

FIVE_YEARS = PlanContext(2023, 2027)
ONE_YEAR = PlanContext(2024, 2024)


def only(text, context=FIVE_YEARS):
    result = parse_targets(text, context)
    assert result.problems == []
    assert len(result.targets) == 1, result.targets
    return result.targets[0]


def test_it_reads_wan_into_base_units():
    target = only("2023—2027年全市城镇新增就业累计22.5万人以上")
    assert (target.value, target.unit) == (Decimal("225000"), "人")
    assert (target.kind, target.comparator) == ("flow_cumulative", "gte")
    assert (target.period_start, target.period_end) == (date(2023, 1, 1), date(2027, 12, 31))


def test_it_keeps_person_times_apart_from_persons():
    training = only("开展职业技能培训10万人次以上", ONE_YEAR)
    enrolment = only("招收全日制“粤菜师傅”相关专业1000人以上", ONE_YEAR)
    assert (training.value, training.unit) == (Decimal("100000"), "人次")
    assert enrolment.unit == "人"


def test_it_reads_a_rate_under_control_as_a_ceiling():
    target = only("城镇登记失业率控制在3.2%以内")
    assert (target.kind, target.comparator, target.value, target.unit) == ("ceiling", "lte", Decimal("3.2"), "%")


def test_it_reads_a_rate_to_reach_as_a_rate():
    target = only("确保高校毕业生就业率达90%以上", PlanContext(2022, 2022))
    assert (target.kind, target.comparator, target.value) == ("rate", "gte", Decimal("90"))


def test_it_reads_a_range_and_its_year():
    target = only("到2025年,建立1-2个主要面向残疾妇女的美丽工坊")
    assert (target.kind, target.comparator) == ("range", "between")
    assert (target.value, target.value_max, target.unit) == (Decimal("1"), Decimal("2"), "个")
    assert target.period_end == date(2025, 12, 31)


def test_it_reads_a_stock_level():
    target = only("全市技能人才总量达120万人以上")
    assert (target.kind, target.value) == ("stock", Decimal("1200000"))


def test_it_reads_each_year_as_a_per_year_flow():
    target = only("每年提供“展翅计划”实习岗位2000个以上")
    assert (target.kind, target.value, target.unit) == ("flow_annual", Decimal("2000"), "个")


def test_it_reads_several_targets_in_one_sentence():
    result = parse_targets("每年提供“展翅计划”实习岗位2000个以上，见习岗位3000个以上", FIVE_YEARS)
    assert [(t.value, t.subject) for t in result.targets] == [
        (Decimal("2000"), "提供展翅计划实习岗位"),
        (Decimal("3000"), "见习岗位"),
    ]


def test_it_reads_a_lowering_to_a_rate_as_a_ceiling():
    target = only("阶段性降低失业保险费率至1%", ONE_YEAR)
    assert (target.kind, target.comparator) == ("ceiling", "lte")


def test_it_reads_a_chinese_numeral_before_a_measure_word():
    target = only("力争在我市再升级一所技师学院", PlanContext(2020, 2020))
    assert (target.value, target.unit) == (Decimal("1"), "所")


@pytest.mark.parametrize("text", ["约10万人", "培训近5万人次"])
def test_it_refuses_an_approximate_number_as_a_target(text):
    result = parse_targets(text, FIVE_YEARS)
    assert result.targets == []
    assert "约数" in result.problems[0]


@pytest.mark.parametrize("text", ["力争获得第46届世界技能大赛参赛资格", "出台人才强市“新四十条”"])
def test_it_finds_no_target_in_names_and_ordinals(text):
    result = parse_targets(text, FIVE_YEARS)
    assert result.targets == []
    assert "没有可作为目标的数值" in result.problems[0]


def test_it_reads_reported_figures_with_their_hedges():
    assert parse_result_value("47.73万人").value == Decimal("477300")
    assert parse_result_value("超47万人次").unit == "人次"
    assert parse_result_value("2.12%").value == Decimal("2.12")


def values(text, context=FIVE_YEARS):
    return [(t.value, t.unit) for t in parse_targets(text, context).targets]


def test_a_number_in_a_quoted_name_is_not_a_target_but_the_target_beside_it_is():
    # “四个一” is a name: 4个 is not a target, 10场 is.
    target = only("每年开展“四个一”活动10场以上", ONE_YEAR)
    assert (target.value, target.unit, target.kind) == (Decimal("10"), "场", "flow_annual")
    # 江门 2023 (seed 001): the “三个一百” campaign is named, the 10 branches and 100 members counted.
    sentence = (
        "利用10个党支部100名党员干部，联系100个在建工程项目，迅速开展“宣传政策、规范台账、解决问题”"
        "百日攻坚“三个一百”行动"
    )
    assert values(sentence, PlanContext(2022, 2022)) == [
        (Decimal("10"), "个"),
        (Decimal("100"), "人"),
        (Decimal("100"), "个"),
    ]
    # 中山 2023—2027 (seed 004): the quoted programme next to the target.
    assert values("落实“三支一扶”基层服务项目，每年开发60个“三支一扶”计划岗位") == [(Decimal("60"), "个")]


@pytest.mark.parametrize(
    "text",
    [
        # 广州 2024 (seed 003)
        "为广州加快实现老城市新活力、“四个出新出彩”",
        "广州地处“两个前沿”，各种风险交织叠加",
        # 江门 2023 (seed 001): a quotation is not a plan either
        "“如今，我也成了一名拥有陈皮工程师称号的新型职业农民啦。”",
    ],
)
def test_a_quoted_name_alone_gives_no_target(text):
    result = parse_targets(text, ONE_YEAR)
    assert result.targets == []
    assert "没有可作为目标的数值" in result.problems[0]


@pytest.mark.parametrize(
    "text",
    [
        "开展“四个一”活动10场以上",
        '开展"四个一"活动10场以上',
        "开展「四个一」活动10场以上",
        "开展《四个一》活动10场以上",
        "落实《关于推进“十四五”两个中心建设的意见》，开展活动10场以上",
        "落实《中山市落实<广东省“民生十大工程”五个一行动>方案》，开展活动10场以上",
    ],
)
def test_it_leaves_out_numbers_in_every_kind_of_quote_and_title(text):
    assert values(text, ONE_YEAR) == [(Decimal("10"), "场")]


def test_a_semicolon_inside_quotes_does_not_cut_the_line():
    result = parse_targets("开展“稳岗位；三个一”活动10场以上；新增岗位3000个以上", ONE_YEAR)
    assert [(t.value, t.phrase) for t in result.targets] == [
        (Decimal("10"), "开展“稳岗位；三个一”活动10场以上"),
        (Decimal("3000"), "新增岗位3000个以上"),
    ]


def test_an_unclosed_quote_hides_nothing():
    assert values("开展“四场活动10场以上", ONE_YEAR) == [(Decimal("4"), "场"), (Decimal("10"), "场")]


def test_a_reported_figure_is_not_read_from_a_quoted_name():
    assert parse_result_value("完成“四个一”活动12场").value == Decimal("12")


def test_a_run_of_chinese_numerals_is_not_a_number():
    # 江门 2023 (seed 001): 唯一一个 is no quantity, and reading it no longer fails (KeyError '一一').
    result = parse_targets("2021年6月，江门市作为全省首个也是唯一一个试点城市，率先开展了乡村工匠职称评价工作", ONE_YEAR)
    assert result.targets == []
    assert values("建设二十五个零工市场") == [(Decimal("25"), "个")]
    assert values("新建三百五十个零工市场") == [(Decimal("350"), "个")]
    assert values("落实一人一策、千家万户帮扶") == []


# Issue 12: the readings that went wrong, each in both directions.
@pytest.mark.parametrize(
    ("text", "comparator", "kind"),
    [
        ("就业率不低于90%", "gte", "rate"),
        ("就业率低于90%", "lte", "ceiling"),
        ("享受补贴不超过5000人", "lte", "ceiling"),
        ("享受补贴超过5000人", "gte", "flow_annual"),
        ("失业率不超过3.5%", "lte", "ceiling"),
        ("见习岗位不少于3000个", "gte", "flow_annual"),
        ("见习岗位少于3000个", "lte", "ceiling"),
        ("办结时限不得超过5个工作日", "lte", "ceiling"),
    ],
)
def test_a_negated_cue_reads_the_other_way_from_the_bare_one(text, comparator, kind):
    target = only(text, ONE_YEAR)
    assert (target.comparator, target.kind) == (comparator, kind)


@pytest.mark.parametrize("text", ["签约率85%—90%", "签约率85%~90%", "签约率85%～90%", "签约率85%至90%", "签约率85-90%"])
def test_a_range_of_percentages_is_one_target(text):
    target = only(text, ONE_YEAR)
    assert (target.comparator, target.value, target.value_max, target.unit) == ("between", 85, 90, "%")


def test_full_width_figures_are_read():
    assert (only("城镇登记失业率控制在３．５％以内", ONE_YEAR).value) == Decimal("3.5")
    assert (only("新增就业１２００人", ONE_YEAR).value) == Decimal("1200")
    assert (only("新增就业1,200人", ONE_YEAR).value) == Decimal("1200")


@pytest.mark.parametrize(("text", "value", "unit"), [("建设一百个零工驿站", 100, "个"), ("培训五万人", 50000, "人"), ("新建二十个驿站", 20, "个")])
def test_chinese_numerals_are_quantities(text, value, unit):
    target = only(text, ONE_YEAR)
    assert (target.value, target.unit) == (value, unit)


def test_fenbie_gives_every_target_and_shares_its_cue():
    result = parse_targets("企业和机关事业单位参保人数分别达到1400万人和1200万人", ONE_YEAR)
    assert [(t.value, t.comparator) for t in result.targets] == [(14_000_000, "gte"), (12_000_000, "gte")]
    result = parse_targets("城镇登记失业率和调查失业率分别控制在3.5%和5.5%以内", ONE_YEAR)
    assert [(t.value, t.comparator) for t in result.targets] == [(Decimal("3.5"), "lte"), (Decimal("5.5"), "lte")]


def test_units_as_the_plan_writes_them():
    assert only("失业保险金最长领取12个月", ONE_YEAR).unit == "月"
    assert only("审批时限压缩至3个工作日", ONE_YEAR).unit == "天"


def test_a_yearly_figure_of_a_multi_year_plan_is_per_year_and_a_year_in_the_phrase_sets_the_period():
    per_year = only("年培训2万人次", PlanContext(2021, 2025))
    assert (per_year.kind, per_year.value) == ("flow_annual", 20000)
    later = only("到2025年新增技能人才5万人", PlanContext(2024, 2024))
    assert (later.kind, later.period_start, later.period_end) == ("flow_cumulative", date(2024, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("城镇调查失业率5.5%左右", "approximate"),
        ("培训10万余人次", "approximate"),
        ("参保率比上年提高2个百分点", "relative"),
        ("见习岗位总量不低于上年", "relative"),
        ("完成省下达任务", "no-quantity"),
        ("设计开发一批培训课程", "no-quantity"),
    ],
)
def test_what_cannot_be_read_is_refused_with_its_reason(text, code):
    result = parse_targets(text, ONE_YEAR)
    assert result.targets == []
    assert [problem.code for problem in result.problems] == [code]

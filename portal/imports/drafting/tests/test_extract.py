"""Which numbers of a sentence are targets, which are results, and the phrase each target gets."""

from decimal import Decimal

from indicators.parsing import PlanContext, parse_targets
from portal.imports.drafting import draft_from_text
from portal.imports.drafting.extract import past_year, results_in_sentence, targets_in_sentence

ONE_YEAR = PlanContext(2024, 2024)
FIVE_YEARS = PlanContext(2023, 2027)


def phrases(sentence, context=ONE_YEAR):
    found, _skipped = targets_in_sentence(sentence, context)
    return [target.phrase for target in found]


def test_it_gives_each_target_of_a_list_its_own_phrase_with_the_shared_verb():
    sentence = "全力推进5所高水平技师学院、5所示范性技工学校创建工作;坚持“一校一策”确保技工院校2025年达标率90%以上。"
    assert phrases(sentence) == [
        "全力推进5所高水平技师学院",
        "全力推进5所示范性技工学校创建工作",
        "坚持“一校一策”确保技工院校2025年达标率90%以上",
    ]


def test_it_splits_two_numbers_of_one_noun_phrase():
    assert phrases("深化13所技工院校57个专业工学一体化人才培养模式改革,提升质量。") == [
        "深化13所技工院校",
        "深化57个专业工学一体化人才培养模式改革",
    ]


def test_it_carries_the_period_said_once_to_every_target_of_the_sentence():
    sentence = "每年提供“展翅计划”实习岗位2000个以上,见习岗位3000个以上。"
    found, _ = targets_in_sentence(sentence, FIVE_YEARS)
    assert [t.phrase for t in found] == ["每年提供“展翅计划”实习岗位2000个以上", "每年见习岗位3000个以上"]
    assert {t.parsed.kind for t in found} == {"flow_annual"}
    (workshop,) = targets_in_sentence("到2025年,建立1-2个主要面向残疾妇女的美丽工坊。", FIVE_YEARS)[0]
    assert workshop.phrase == "到2025年建立1-2个主要面向残疾妇女的美丽工坊"
    assert (workshop.parsed.kind, workshop.parsed.period_end.year) == ("range", 2025)


def test_every_phrase_reads_back_as_exactly_its_target():
    sentence = "开展星级“粤菜师傅”认定,全年培训认定“粤菜师傅”5700人次以上、招收全日制“粤菜师傅”相关专业1000人以上。"
    found, _ = targets_in_sentence(sentence, ONE_YEAR)
    for target in found:
        reread = parse_targets(target.phrase, ONE_YEAR)
        assert reread.problems == [] and reread.targets == [target.parsed]
    assert [(t.parsed.value, t.parsed.unit) for t in found] == [(Decimal("5700"), "人次"), (Decimal("1000"), "人")]


def test_it_takes_no_number_from_a_name_an_aside_or_a_figure_of_speech():
    assert phrases("广州地处“两个前沿”,各种风险交织叠加。") == []
    assert phrases("为离校未就业毕业生提供“13311服务”(1次政策宣介、3次职业指导、3次岗位推荐);支持企业稳岗。") == []
    assert phrases("从保障资金来源、强化工资支付监管等四个方面推动工资保障制度落实落地。") == []
    assert phrases("设计开发一批乡村美食旅游线路并开展宣传推广。") == []
    assert phrases("扎实做好第47届世界技能大赛广州选手选拔考核。") == []


def test_it_reads_a_rate_lowered_to_as_a_ceiling():
    (target,), _ = targets_in_sentence("继续实施阶段性降低失业保险费率至1%的政策,实施期限延长至2024年底。", ONE_YEAR)
    assert (target.parsed.comparator, target.parsed.kind, target.parsed.value) == ("lte", "ceiling", Decimal("1"))


def test_it_leaves_an_approximate_number_out_and_says_so():
    found, skipped = targets_in_sentence("开展技能培训约10万人次。", ONE_YEAR)
    assert found == []
    assert [(s.text, s.reason) for s in skipped] == [("约10万人次", "约数不能作为目标值")]


def test_it_reads_a_sentence_about_a_past_year_as_results_not_targets():
    assert past_year("2023年全市城镇新增就业5.5万人。", 2024) == 2023
    assert past_year("力争2023年全市城镇新增就业5.5万人。", 2024) is None
    assert past_year("到2025年建立2个工坊。", 2024) is None
    text = "（一）稳就业\n1.稳定就业。2023年全市城镇新增就业5.5万人。确保城镇新增就业6万人以上。"
    draft = draft_from_text(text, city="广州", year_start=2024, year_end=2024, indicator_names=("城镇新增就业",))
    assert [(t.parsed.value, t.phrase) for t in draft.targets] == [(Decimal("60000"), "确保城镇新增就业6万人以上")]
    assert [(r.year, r.indicator, r.figure, r.value) for r in draft.results] == [
        (2023, "城镇新增就业", "5.5万人", Decimal("55000"))
    ]


def test_it_reads_reported_figures_as_results():
    sentence = "江门市城镇新增就业47118人,城镇登记失业率为2.12%,控制在3.2%以内。"
    results = results_in_sentence(sentence, year=2019, city_names=("江门",))
    assert [(r.indicator, r.figure, r.value, r.unit) for r in results] == [
        ("城镇新增就业", "47118人", Decimal("47118"), "人"),
        ("城镇登记失业率", "2.12%", Decimal("2.12"), "%"),
    ]


def test_it_keeps_approximate_results_and_leaves_out_a_policy_cap():
    sentence = "对美食项目创办餐馆给予最高10万元的创业扶持补贴,全市3所技工院校与200多家企业合作,减负逾8.7亿元。"
    results = results_in_sentence(sentence, year=2019)
    assert [(r.figure, r.value, r.approximate) for r in results] == [
        ("3所", Decimal("3"), False),
        ("200多家", Decimal("200"), True),
        ("逾8.7亿元", Decimal("870000000"), True),
    ]


def test_it_names_a_result_by_a_known_indicator_or_by_its_words():
    sentence = "全市共培训“粤菜师傅”5108人,3184名职工提升技能等级。"
    results = results_in_sentence(sentence, year=2019, indicator_names=("粤菜师傅培训",))
    assert [r.indicator for r in results] == ["培训粤菜师傅", "职工提升技能等级"]
    results = results_in_sentence("全市共开展粤菜师傅培训5108人。", year=2019, indicator_names=("粤菜师傅培训",))
    assert [r.indicator for r in results] == ["粤菜师傅培训"]
    # The year says when: it is not part of the name the admin maps to an indicator.
    results = results_in_sentence("2024年新建零工驿站30个,2023年1-3月全市新增就业9000人。", year=2024)
    assert [r.indicator for r in results] == ["新建零工驿站", "新增就业"]


def test_a_quoted_name_in_a_target_line_is_read_by_neither_the_drafter_nor_the_import():
    found, notes = targets_in_sentence("每年开展“四个一”活动10场以上。", ONE_YEAR)
    assert [(t.phrase, t.parsed.value, t.parsed.unit) for t in found] == [("每年开展“四个一”活动10场以上", Decimal("10"), "场")]
    # The ledger import reads the line the same way (10场 only), so there is nothing to warn about.
    assert notes == []
    assert [(t.value, t.unit) for t in parse_targets(found[0].phrase, ONE_YEAR).targets] == [(Decimal("10"), "场")]


def test_seed_sentences_with_quoted_names_keep_their_real_targets():
    # 中山 2023—2027 (seed 004)
    found, notes = targets_in_sentence("落实“三支一扶”基层服务项目,每年开发60个“三支一扶”计划岗位。", FIVE_YEARS)
    assert [(t.phrase, t.parsed.value, t.parsed.kind) for t in found] == [
        ("每年开发60个“三支一扶”计划岗位", Decimal("60"), "flow_annual")
    ]
    assert notes == []
    # 广州 2024 (seed 003): a name only
    assert phrases("为广州加快实现老城市新活力、“四个出新出彩”,继续在高质量发展方面发挥领头羊和火车头作用。") == []


def test_it_reads_no_result_from_a_quoted_name():
    # 江门 2023 (seed 001): “三个一百” names the campaign; 10个, 100名, 100个 are what was done.
    sentence = (
        "利用10个党支部100名党员干部，联系100个在建工程项目，迅速开展“宣传政策、规范台账、解决问题”"
        "百日攻坚“三个一百”行动，创新基层治理，这是市人社局给出的答案。"
    )
    results = results_in_sentence(sentence, year=2022)
    assert [(r.figure, r.value, r.unit) for r in results] == [
        ("10个", Decimal("10"), "个"),
        ("100名", Decimal("100"), "人"),
        ("100个", Decimal("100"), "个"),
    ]


def test_it_warns_when_the_import_would_read_another_number_of_a_target_line():
    found, notes = targets_in_sentence("每年开展政策宣讲活动20场以上(每场不少于50人)。", ONE_YEAR)
    assert [(t.parsed.value, t.parsed.unit) for t in found] == [(Decimal("20"), "场")]
    assert [note.reason for note in notes] == ["此目标行中的其他数字也会被台账导入读作目标，请在预览中核对"]


def test_a_past_year_without_a_figure_is_an_action_of_the_plan():
    assert past_year("实施2021、2022年度大湾区个人所得税优惠政策境外紧缺人才财政补贴项目。", 2024) is None


def test_a_run_of_chinese_numerals_does_not_stop_the_drafter():
    # 江门 2023 (seed 001): drafting this document failed with KeyError '一一' on 唯一一个.
    text = "（一）人才\n1.乡村工匠。2021年6月，江门市作为全省首个也是唯一一个试点城市，率先开展了乡村工匠职称评价工作。"
    draft = draft_from_text(text, city="江门", year_start=2024, year_end=2024)
    assert draft.targets == [] and draft.results == []


def test_two_figures_in_one_clause_are_each_named_by_their_own_words():
    """江门 2019 (seed 000): 8 banks and 52 service points; the 8 is not the points' figure."""
    sentence = "线下在全市8个银行开通52个社保卡快速发卡服务网点。"
    results = results_in_sentence(sentence, year=2019, indicator_names=("社保卡快速发卡服务网点", "城镇新增就业"))
    assert [(r.indicator, r.figure) for r in results] == [("线下在全市", "8个"), ("社保卡快速发卡服务网点", "52个")]

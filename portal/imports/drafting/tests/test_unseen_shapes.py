"""Shapes of plan documents the seeds do not have: a vision year in the preamble, a year-end
总结, a text in traditional characters, a target in an item's first sentence."""

from decimal import Decimal

from portal.imports.drafting import draft_from_text, guess_years

PLAN_WITH_VISION = """某市人力资源和社会保障事业发展规划（2023—2025年）
展望2035年，基本实现高质量充分就业。到2035年，全体人民共同富裕取得更为明显的实质性进展，2035年远景目标……
一、主要目标
到2025年，全市城镇新增就业累计15万人以上。
二、主要任务
（一）稳定就业
1.实施就业优先政策。每年开展职业技能培训3万人次以上。
"""

SUMMARY = """某市人力资源和社会保障局2023年工作总结
2023年，我局坚持稳中求进工作总基调，各项工作取得新成效。
一、就业形势总体稳定
全市城镇新增就业5.2万人，城镇登记失业率2.5%。帮扶失业人员再就业1.1万人。
二、社会保障持续加强
企业职工基本养老保险参保人数达到120万人。
"""

TRADITIONAL = """某市人力資源和社會保障局2024年工作要點
一、穩定和擴大就業
（一）落實就業優先政策
1.全年城鎮新增就業5萬人以上，城鎮登記失業率控制在3.5%以內。
2.開展職業技能培訓2萬人次以上。
"""

FIRST_SENTENCE = """某市人力资源和社会保障局2024年工作要点
一、稳定就业
（一）促进重点群体就业
1.全年城镇新增就业5万人以上。加强就业服务，开展招聘活动100场以上。
2.实施高校毕业生就业服务行动。组织见习岗位2000个以上。
"""


def test_the_years_come_from_the_title_not_from_a_vision_in_the_preamble():
    assert guess_years(PLAN_WITH_VISION) == (2023, 2025)
    assert guess_years("某市2024年人社工作要点\n到2035年，建成技能型社会。2035年前……2035年") == (2024, 2024)


def test_targets_of_a_plan_with_a_vision_year_are_targets_not_results():
    draft = draft_from_text(PLAN_WITH_VISION, city="佛山", year_start=2023, year_end=2025)
    assert draft.kind == "plan"
    assert {(t.parsed.value, t.parsed.unit) for t in draft.targets} >= {(Decimal("150000"), "人"), (Decimal("30000"), "人次")}
    assert draft.results == []


def test_a_year_end_summary_is_said_to_be_one_and_its_figures_are_results():
    draft = draft_from_text(SUMMARY, city="佛山", year_start=2023, year_end=2023)
    assert draft.kind == "summary"
    assert draft.targets == []
    assert {(r.value, r.unit) for r in draft.results} >= {(Decimal("52000"), "人"), (Decimal("11000"), "人"), (Decimal("1200000"), "人")}
    assert any("工作总结" in notice for notice in draft.notices)


def test_a_plan_is_not_taken_for_a_summary():
    assert draft_from_text(FIRST_SENTENCE, city="佛山", year_start=2024, year_end=2024).kind == "plan"


def test_a_text_in_traditional_characters_is_converted_and_the_conversion_reported():
    draft = draft_from_text(TRADITIONAL, city="佛山", year_start=2024, year_end=2024)
    readings = {(t.parsed.value, t.parsed.unit, t.parsed.comparator) for t in draft.targets}
    assert readings == {(Decimal("50000"), "人", "gte"), (Decimal("3.5"), "%", "lte"), (Decimal("20000"), "人次", "gte")}
    assert any("繁体" in notice for notice in draft.notices)
    assert draft_from_text(FIRST_SENTENCE, city="佛山", year_start=2024, year_end=2024).notices == []


def test_a_target_in_an_items_first_sentence_is_kept_as_a_measure():
    draft = draft_from_text(FIRST_SENTENCE, city="佛山", year_start=2024, year_end=2024)
    values = [(t.parsed.value, t.parsed.unit) for t in draft.targets]
    assert (Decimal("50000"), "人") in values
    assert (Decimal("100"), "场") in values and (Decimal("2000"), "个") in values
    assert len(values) == 3

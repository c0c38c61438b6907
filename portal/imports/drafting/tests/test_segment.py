"""A plan's text cut into sections, tasks and measures, checked against the seed ledgers typed
by hand from the same documents (fixtures/ledgers/src)."""

import csv
from pathlib import Path

import pytest

from indicators.parsing import strip_quotes
from portal.imports.drafting import draft_from_text, guess_years
from portal.imports.drafting.documents import normalise_text
from portal.imports.drafting.draft import GOALS_TITLE, split_responsibility
from portal.imports.drafting.segment import outline, sentences

DATA = Path(__file__).resolve().parent / "data" / "plans"
LEDGERS = Path(__file__).resolve().parents[4] / "fixtures" / "ledgers" / "src"


def plan_text(name: str) -> str:
    return normalise_text((DATA / f"{name}.txt").read_text(encoding="utf-8"))


def seed_ledger(slug: str) -> tuple[list[str], list[str], list[str]]:
    """Section titles, task titles and measure texts of a seed ledger."""
    rows = list(csv.DictReader((LEDGERS / f"{slug}.csv").open(encoding="utf-8")))
    sections = [row["任务"] for row in rows if row["序号"] and not row["序号"].isdigit()]
    tasks = [row["任务"] for row in rows if row["序号"].isdigit()]
    measures = [row["工作措施"] for row in rows if row["工作措施"]]
    return sections, tasks, measures


def plain(titles) -> list[str]:
    """Titles compared without quotation marks and spaces (the appendix quotes “粤菜师傅”, the body does not)."""
    return [strip_quotes(title).replace(" ", "") for title in titles]


def test_it_cuts_guangzhou_2024_as_its_seed_ledger():
    draft = draft_from_text(plan_text("guangzhou-2024"), city="广州", year_start=2024, year_end=2024)
    sections, tasks, measures = seed_ledger("guangzhou-2024")
    assert (len(draft.sections), len(draft.tasks), len(draft.measures)) == (8, 35, 130)
    assert [section.title for section in draft.sections] == sections
    # 34 一是/二是 items, and (三)'s opening sentence with 城镇新增就业24万人以上 as 总体目标.
    assert [task.title for task in draft.tasks] == tasks
    assert [measure.text for measure in draft.measures] == measures


def test_it_cuts_the_body_of_zhongshan_2023_2027_as_its_seed_ledger():
    draft = draft_from_text(plan_text("zhongshan-2023-2027"), city="中山", year_start=2023, year_end=2027)
    sections, tasks, _measures = seed_ledger("zhongshan-2023-2027")
    # 一、主要目标 is prose with the plan's four headline targets: a section of its own, ahead
    # of the ledger's four (the three actions of 二 and 三、保障措施, whose (一)–(三) are tasks).
    assert [section.title for section in draft.sections] == ["主要目标"] + sections
    assert plain(task.title for task in draft.tasks) == ["主要目标"] + plain(tasks)
    assert (len(draft.sections), len(draft.tasks)) == (5, 20)
    assert len(draft.sections[0].tasks[0].measures) == 2
    # The appendix (附件: the same ledger as a table) is not read a second time.
    assert not any("附件" in measure.text for measure in draft.measures)


def test_it_cuts_the_2020_part_of_jiangmen_as_its_seed_ledger_and_leaves_2019_to_results():
    draft = draft_from_text(plan_text("jiangmen-2019-2020"), city="江门", year_start=2020, year_end=2020)
    sections, tasks, measures = seed_ledger("jiangmen-2020")
    assert [section.title for section in draft.sections] == sections
    assert [task.title for task in draft.tasks] == tasks
    assert [measure.text for measure in draft.measures] == measures
    assert {result.year for result in draft.results} == {2019}


def test_it_names_the_units_of_a_trailing_responsibility():
    draft = draft_from_text(plan_text("zhongshan-2023-2027"), city="中山", year_start=2023, year_end=2027)
    first = draft.tasks[1]
    assert first.title == "推动就业与经济发展良性促进"
    assert {(m.lead, tuple(m.support)) for m in first.measures} == {
        ("市发展改革局", ("市人力资源社会保障局", "各镇街"))
    }
    assert all("责任单位" not in measure.text for measure in draft.measures)


def test_it_gives_the_bureau_as_lead_when_the_text_names_no_unit():
    draft = draft_from_text(plan_text("guangzhou-2024"), city="广州", year_start=2024, year_end=2024)
    assert {measure.lead for measure in draft.measures} == {"市人力资源和社会保障局"}
    assert not any(measure.units_named for measure in draft.measures)


def test_it_splits_units_at_each_responsibility_marker():
    text = "做好甲。做好乙。（牵头单位：市人社局；配合单位：市财政局、各镇(街)）做好丙。（责任单位：市民政局）"
    assert split_responsibility(text) == [
        ("做好甲。做好乙。", ["市人社局", "市财政局", "各镇(街)"]),
        ("做好丙。", ["市民政局"]),
    ]
    draft = draft_from_text("（一）总体\n1.做好工作。" + text, city="中山", year_start=2024, year_end=2024)
    assert [(m.text, m.lead) for m in draft.measures] == [
        ("做好甲。", "市人社局"),
        ("做好乙。", "市人社局"),
        ("做好丙。", "市民政局"),
    ]


def test_it_reads_numbered_items_with_dots_or_none_but_not_years_or_quantities():
    text = "（一）稳就业\n1.推动甲。做好甲一。\n2、推动乙。做好乙一。\n3推动丙。做好丙一。\n2023年完成丁。\n5所学校建成。"
    document = outline(text)
    section = document.children[0]
    assert [item.marker for item in section.items] == ["1", "2", "3"]
    assert sentences(section.items[-1].text)[-2:] == ["2023年完成丁。", "5所学校建成。"]


def test_it_keeps_a_full_stop_inside_brackets_in_its_sentence():
    assert sentences("开展服务（含咨询。指导）。做好乙。") == ["开展服务（含咨询。指导）。", "做好乙。"]


def test_it_takes_a_plan_without_items_sentence_by_sentence():
    text = "八、2022年工作计划\n（一）强化就业优先。落实稳岗政策，释放红利。确保高校毕业生就业率达90%以上。"
    draft = draft_from_text(text, city="中山", year_start=2022, year_end=2022)
    assert [task.title for task in draft.tasks] == ["落实稳岗政策", "确保高校毕业生就业率达90%以上"]
    assert [len(task.measures) for task in draft.tasks] == [1, 1]


@pytest.mark.parametrize(
    "name, years",
    [
        ("guangzhou-2024", (2024, 2024)),
        ("zhongshan-2023-2027", (2023, 2027)),
        ("jiangmen-2019-2020", (2020, 2020)),
        ("zhongshan-2021-2022", (2022, 2022)),
    ],
)
def test_it_guesses_the_period_of_each_seed_plan(name, years):
    assert guess_years(plan_text(name)) == years


def test_it_refuses_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        draft_from_text("1.做好工作。", city="广州", year_start=2025, year_end=2024)


def test_it_names_the_goals_of_a_section_introduction():
    draft = draft_from_text(plan_text("guangzhou-2024"), city="广州", year_start=2024, year_end=2024)
    goals = [task for task in draft.tasks if task.title == GOALS_TITLE]
    assert len(goals) == 1
    assert [target.phrase for target in goals[0].measures[0].targets] == ["确保实现城镇新增就业24万人以上"]

"""Results a city reported, on a results sheet beside the ledger (已完成结果, as the draft from a
plan's text writes it): read, checked cell by cell, previewed against what the portal holds and
written with the ledger in one transaction — or not at all."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, RecordedResult
from portal.imports.ledger.importing import ledger_import
from portal.imports.ledger.read import read_ledger_bytes
from portal.imports.ledger.results import LEAVE_OUT
from portal.imports.ledger.samples import ledger_xlsx
from tasks.models import Plan
from units.models import Region

pytestmark = pytest.mark.django_db

TITLE = "广州结果测试方案"
LEDGER = [["1", "稳就业", "确保城镇新增就业24万人以上。", "市人社局", "城镇新增就业24万人以上", "2025年12月", "就业创业"]]
RESULT_HEADER = ["城市", "年份", "指标", "结果", "原文"]


def guangzhou() -> Region:
    return Region.objects.get(code="guangzhou")


def workbook(*results: list) -> bytes:
    return ledger_xlsx(LEDGER, extra_sheets={"已完成结果": [RESULT_HEADER, *results]})


def run(data: bytes, **options):
    return ledger_import(data=data, filename="草稿.xlsx", city=guangzhou(), title=TITLE, years=(2025, 2025), **options)


def results_of_guangzhou() -> dict[tuple[str, int], tuple[Decimal, str]]:
    return {
        (r.indicator.name, r.year): (r.value, r.unit)
        for r in RecordedResult.objects.filter(city=guangzhou()).select_related("indicator")
    }


def test_a_results_sheet_is_read_as_results_not_offered_as_a_second_ledger():
    data = workbook(["广州", "2024", "城镇新增就业", "25.3万人", "2024年全市城镇新增就业25.3万人"])
    ledger_file = read_ledger_bytes(data, filename="草稿.xlsx")
    assert [s.name for s in ledger_file.sheets] == ["台账"]
    assert [s.name for s in ledger_file.result_sheets] == ["已完成结果"]
    assert ledger_file.sheet().name == "台账"  # no sheet choice asked for


def test_the_preview_offers_each_result_against_its_indicator_and_says_what_would_change():
    RecordedResult.objects.create(indicator=Indicator.objects.get(name="城镇登记失业率"), city=guangzhou(), year=2024,
                                  value=Decimal("2.5"), unit="%", phrase="失业率2.5%")
    data = workbook(
        ["广州", "2024", "城镇新增就业", "25.3万人", "2024年全市城镇新增就业25.3万人"],
        ["广州", "2024", "城镇登记失业率", "2.39%", "城镇登记失业率2.39%"],
        ["广州", "2024", "新建零工驿站", "30个", "新建零工驿站30个"],
    )
    preview = run(data, dry_run=True).preview
    lines = {line.indicator_text: line for line in preview.results}
    jobs = lines["城镇新增就业"]
    assert (jobs.status, jobs.year, jobs.value, jobs.unit) == ("create", 2024, Decimal("253000"), "人")
    assert (lines["城镇登记失业率"].status, lines["城镇登记失业率"].change) == ("update", "2.5% → 2.39%")
    assert lines["新建零工驿站"].status == "skip"
    assert "指标库中没有“新建零工驿站”" in lines["新建零工驿站"].note
    assert preview.ok  # a result with no indicator is left out, not an error
    assert results_of_guangzhou() == {("城镇登记失业率", 2024): (Decimal("2.5"), "%")}  # a preview writes nothing


def test_each_bad_result_is_named_by_sheet_row_and_column_and_nothing_is_written():
    data = workbook(
        ["广州", "2024", "城镇新增就业", "25.3万人", ""],
        ["中山", "2024", "城镇登记失业率", "2.39%", ""],  # row 3: another city
        ["广州", "二〇二四", "粤菜师傅培训", "5000人次", ""],  # row 4: the year
        ["广州", "2024", "粤菜师傅培训", "很多", ""],  # row 5: no figure
        ["广州", "2023", "粤菜师傅培训", "5000人", ""],  # row 6: 人 is not 人次
        ["广州", "2024", "城镇新增就业", "24万人", ""],  # row 7: the same indicator and year again
    )
    result = run(data)
    assert result.summary is None
    assert [str(p) for p in result.results.problems] == [
        "工作表“已完成结果”第3行A列（城市）：结果属于“中山”，与导入的城市“广州市”不符",
        "工作表“已完成结果”第4行B列（年份）：年份“二〇二四”应为四位数的年份，如 2019",
        "工作表“已完成结果”第5行D列（结果）：结果“很多”中没有数值和计量单位（如 47118人、2.12%）",
        "工作表“已完成结果”第6行D列（结果）：结果“5000人”的计量单位是“人”，指标“粤菜师傅培训”的计量单位是“人次”",
        "工作表“已完成结果”第7行C列（指标）：与第2行重复（同一指标、同一年份只能有一个结果）",
    ]
    assert not Plan.objects.filter(title=TITLE).exists()
    assert results_of_guangzhou() == {}

    preview = run(data, dry_run=True).preview
    assert not preview.ok and preview.result_counts["error"] == 5
    assert preview.results[1].problems == ["A列（城市）：结果属于“中山”，与导入的城市“广州市”不符"]


def test_skipping_bad_rows_writes_the_ledger_and_the_good_results_together():
    data = workbook(
        ["广州", "2024", "城镇新增就业", "25.3万人", "2024年全市城镇新增就业25.3万人"],
        ["广州", "20x4", "城镇登记失业率", "2.39%", ""],
    )
    result = run(data, skip_bad_rows=True)
    assert result.summary.results == {"created": 1}
    assert Plan.objects.filter(title=TITLE).exists()
    assert results_of_guangzhou() == {("城镇新增就业", 2024): (Decimal("253000"), "人")}
    recorded = RecordedResult.objects.get(city=guangzhou())
    assert (recorded.phrase, recorded.source_document) == ("2024年全市城镇新增就业25.3万人", "草稿.xlsx")

    again = run(workbook(["广州", "2024", "城镇新增就业", "25.3万人", "2024年全市城镇新增就业25.3万人"]))
    assert again.summary.results == {"unchanged": 1} and not again.summary.changed


def test_the_admins_choice_of_indicator_or_to_leave_a_row_out_decides():
    data = workbook(
        ["广州", "2024", "全市新增就业岗位", "25.3万人", ""],  # a name the indicator list does not hold
        ["广州", "2024", "城镇登记失业率", "2.39%", ""],
    )
    jobs = Indicator.objects.get(name="城镇新增就业")
    result = run(data, result_choices={"已完成结果!2": jobs.pk, "已完成结果!3": LEAVE_OUT})
    assert result.summary.results == {"created": 1}
    assert results_of_guangzhou() == {("城镇新增就业", 2024): (Decimal("253000"), "人")}
    preview = run(data, dry_run=True, result_choices={"已完成结果!3": LEAVE_OUT}).preview
    assert [(line.status, line.note) for line in preview.results] == [
        ("skip", "指标库中没有“全市新增就业岗位”：请选择它对应的指标，或不导入"),
        ("skip", "已选择不导入"),
    ]


def test_counters_of_places_are_one_unit():
    """技师学院 1家 and 1所 count the same thing; the file's word for it does not refuse the row."""
    data = workbook(["广州", "2019", "新增技师学院", "1家", "全市新增技师学院1家"])
    [line] = run(data, dry_run=True).preview.results
    assert (line.status, line.problems) == ("create", [])

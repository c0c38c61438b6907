"""The draft as a ledger the import takes: an .xlsx in the bureau layout (and the same rows in
memory) read and validated by portal.imports.ledger, and the draft_ledger command."""

import io
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from portal.imports.drafting import draft_from_text, draft_to_sheet, draft_to_xlsx
from portal.imports.drafting.documents import normalise_text
from portal.imports.ledger.read import read_ledger_bytes
from portal.imports.ledger.validate import validate_ledger
from units.models import Region

DATA = Path(__file__).resolve().parent / "data" / "plans"
pytestmark = pytest.mark.django_db


def plan_draft(name, city, year_start, year_end):
    text = normalise_text((DATA / f"{name}.txt").read_text(encoding="utf-8"))
    return draft_from_text(text, city=city, year_start=year_start, year_end=year_end)


def validated(sheet, code, year_start, year_end):
    return validate_ledger(sheet, city=Region.objects.get(code=code), year_start=year_start, year_end=year_end)


def test_the_guangzhou_draft_is_a_ledger_the_import_takes_as_it_is():
    draft = plan_draft("guangzhou-2024", "广州", 2024, 2024)
    ledger = read_ledger_bytes(draft_to_xlsx(draft), filename="广州2024草稿.xlsx")
    assert [sheet.name for sheet in ledger.data_sheets] == ["工作台账"]
    for sheet in (ledger.sheet(), draft_to_sheet(draft)):
        checked = validated(sheet, "guangzhou", 2024, 2024)
        assert checked.problems == []
        assert (len(checked.sections), len(checked.tasks), len(checked.measures), checked.target_count) == (8, 35, 130, 20)
        assert {t.parsed.phrase for m in checked.measures for t in m.targets} == {t.phrase for t in draft.targets}


def test_the_in_memory_rows_name_the_same_places_as_the_file():
    draft = plan_draft("zhongshan-2023-2027", "中山", 2023, 2027)
    from_file = validated(read_ledger_bytes(draft_to_xlsx(draft), filename="d.xlsx").sheet(), "zhongshan", 2023, 2027)
    in_memory = validated(draft_to_sheet(draft), "zhongshan", 2023, 2027)
    assert [str(p) for p in in_memory.problems] == [str(p) for p in from_file.problems]
    # The units the text names that the city does not have are left for the admin to map.
    assert set(in_memory.unknown_units) == {"就业工作领导小组成员单位", "各相关单位"}
    assert str(in_memory.problems[0]).startswith("工作表“工作台账”第")
    assert in_memory.target_count == 17


def test_the_workbook_is_laid_out_as_a_bureau_ledger_with_the_results_beside_it():
    draft = plan_draft("jiangmen-2019-2020", "江门", 2020, 2020)
    book = load_workbook(io.BytesIO(draft_to_xlsx(draft)))
    ledger, results = book["工作台账"], book["已完成结果"]
    assert [cell.value for cell in ledger[3]] == ["序号", "任务", "工作措施", "牵头单位", "配合单位", "目标指标", "完成时限", "专项"]
    assert ledger["A1"].value == "江门市2020年工作方案工作台账（草稿）"
    assert ledger.freeze_panes == "A4"
    assert (ledger["A4"].value, ledger["B4"].value) == ("一", "牢牢扛起政治责任,高位推进三大培训工程")
    assert (ledger["A5"].value, ledger["H5"].value) == ("1", "广东技工")
    assert "A5:A11" in {str(r) for r in ledger.merged_cells.ranges}  # task 1 over its 7 measures
    assert [cell.value for cell in results[1]] == ["城市", "年份", "指标", "结果", "原文"]
    rows = {(row[2], row[3]) for row in results.iter_rows(min_row=2, values_only=True)}
    assert ("城镇新增就业", "47118人") in rows and ("城镇登记失业率", "2.12%") in rows
    assert results.max_row == 1 + 52


def test_text_that_looks_like_a_formula_stays_text():
    draft = draft_from_text("（一）稳就业\n1.做好工作。=HYPERLINK(\"http://x\",\"点击\")开展培训。", city="广州", year_start=2024, year_end=2024)
    book = load_workbook(io.BytesIO(draft_to_xlsx(draft)))
    cell = book["工作台账"]["C5"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_the_command_writes_the_draft_and_lists_what_needs_the_admin(tmp_path):
    out = tmp_path / "中山草稿.xlsx"
    stdout = StringIO()
    call_command("draft_ledger", str(DATA / "zhongshan-2023-2027.txt"), "--city", "中山", "--out", str(out), stdout=stdout)
    printed = stdout.getvalue()
    assert "2023—2027年）：5 个部分、20 项任务、73 项措施、17 个目标、0 个已完成结果" in printed
    assert "待对应的单位：就业工作领导小组成员单位（2 处）" in printed
    sheet = read_ledger_bytes(out.read_bytes(), filename=out.name).sheet()
    assert len(sheet.rows) == 5 + 73


def test_the_command_names_results_by_the_indicators_the_portal_has(tmp_path):
    out = tmp_path / "jm.xlsx"
    call_command("draft_ledger", str(DATA / "jiangmen-2019-2020.txt"), "--city", "jiangmen", "--out", str(out), stdout=StringIO())
    results = load_workbook(out)["已完成结果"]
    named = {row[2] for row in results.iter_rows(min_row=2, values_only=True)}
    assert {"城镇新增就业", "城镇登记失业率", "技能人才总量"} <= named


def test_a_drafted_file_imported_by_the_command_brings_its_results_with_it(tmp_path):
    """The 江门 2019 report drafted, then imported: each result it names by a known indicator is
    the one the city published (none is overwritten by a figure of a neighbouring phrase), and
    rows without a known indicator are listed as left out."""
    from indicators.models import RecordedResult

    out = tmp_path / "jm.xlsx"
    call_command("draft_ledger", str(DATA / "jiangmen-2019-2020.txt"), "--city", "jiangmen", "--out", str(out), stdout=StringIO())
    jiangmen = Region.objects.get(code="jiangmen")

    def published():
        return {(r.indicator.name, r.year): r.value for r in RecordedResult.objects.filter(city=jiangmen).select_related("indicator")}

    before = published()
    stdout = StringIO()
    call_command("import_ledger", str(out), "--city", "江门", "--plan", "江门草稿测试", "--years", "2020",
                 "--skip-bad-rows", stdout=stdout)
    printed = stdout.getvalue()
    counts = re.search(r"已完成结果：新增 (\d+) 条、更新 (\d+) 条、未变 (\d+) 条", printed)
    assert counts and int(counts[2]) == 0 and int(counts[3]) >= 20, printed
    assert "不导入：指标库中没有“" in printed
    assert published() == before


def test_the_command_refuses_bad_input_with_a_clear_message_and_writes_nothing(tmp_path):
    out = tmp_path / "out.xlsx"
    bad = tmp_path / "方案.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="城市“长沙”不存在"):
        call_command("draft_ledger", str(DATA / "guangzhou-2024.txt"), "--city", "长沙", "--out", str(out))
    with pytest.raises(CommandError, match="“方案.docx”不是有效的 Word（.docx）文件"):
        call_command("draft_ledger", str(bad), "--city", "广州", "--out", str(out))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("draft_ledger", str(tmp_path / "none.txt"), "--city", "广州", "--out", str(out))
    undated = tmp_path / "无年份.txt"
    undated.write_text("（一）稳就业\n1.做好工作。", encoding="utf-8")
    with pytest.raises(CommandError, match="请用 --year-start 和 --year-end 指定"):
        call_command("draft_ledger", str(undated), "--city", "广州", "--out", str(out))
    empty = tmp_path / "空白.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    with pytest.raises(CommandError, match="“空白.txt”中没有识别出任务或措施"):
        call_command("draft_ledger", str(empty), "--city", "广州", "--year-start", "2024", "--year-end", "2024", "--out", str(out))
    assert not out.exists()


def test_the_draft_opens_in_the_import_preview_as_a_new_plan():
    from portal.imports.ledger.importing import ledger_import

    draft = plan_draft("guangzhou-2024", "广州", 2024, 2024)
    outcome = ledger_import(
        data=draft_to_xlsx(draft),
        filename="广州2024草稿.xlsx",
        city=Region.objects.get(code="guangzhou"),
        title="广州市2024年工作要点（草稿）",
        years=(draft.year_start, draft.year_end),
        dry_run=True,
    )
    preview = outcome.preview
    assert preview.problems == []
    assert (preview.measure_count, preview.target_count) == (130, 20)
    assert preview.counts["error"] == 0 and preview.counts["create"] == 8 + 130


@pytest.mark.parametrize(("number", "words"), [
    (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (99, "九十九"), (100, "一百"), (101, "一百零一"),
    (110, "一百一十"), (120, "一百二十"), (1005, "一千零五"),
])
def test_sections_are_numbered_in_chinese_past_ninety_nine(number, words):
    from portal.imports.drafting.ledger import chinese_number

    assert chinese_number(number) == words


def test_a_text_of_120_sections_drafts_and_the_import_reads_every_section_back():
    numerals = "一二三四五六七八九十"
    lines = []
    for part in range(12):
        lines.append(f"{numerals[part] if part < 10 else '十' + numerals[part - 10]}、第{part + 1}部分")
        for section in range(10):
            lines.append(f"（{numerals[section]}）第{part + 1}部分第{section + 1}节。"
                         f"1.开展招聘活动{part}{section}。举办招聘会{part * 10 + section + 1}场以上。")
    draft = draft_from_text("\n".join(lines) + "\n", city="广州", year_start=2025, year_end=2025)
    assert len(draft.sections) == 120
    ledger = read_ledger_bytes(draft_to_xlsx(draft), filename="120节.xlsx")
    numbers = [row[0].value for row in load_workbook(io.BytesIO(draft_to_xlsx(draft))).active.iter_rows()]
    assert "一百" in numbers and "一百二十" in numbers
    checked = validated(ledger.sheet(), "guangzhou", 2025, 2025)
    assert checked.problems == []
    assert [(s.number, s.title) for s in checked.sections[99:101]] == [("一百", "第10部分第10节"), ("一百零一", "第11部分第1节")]
    assert checked.sections[-1].number == "一百二十" and checked.sections[-1].title == "第12部分第10节"
    assert len(checked.tasks) == sum(len(s.tasks) for s in draft.sections)

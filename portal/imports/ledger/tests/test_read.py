"""Files as they come: formats, encodings, misnamed files, layouts and limits, on small files
the tests build. The read layer needs no database."""

import io
import re
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from portal.imports.ledger.read import (
    LedgerFileError,
    LedgerLimits,
    SheetChoiceRequired,
    match_header,
    read_ledger_bytes,
)
from portal.imports.ledger.samples import HEADER, ledger_csv, ledger_xls, ledger_xlsx

ROW = ["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"]


def only_sheet(data: bytes, filename: str = "ledger.xlsx", **kwargs):
    ledger = read_ledger_bytes(data, filename=filename, **kwargs)
    assert len(ledger.sheets) == 1
    return ledger, ledger.sheets[0]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_it_reads_a_csv_in_each_encoding_excel_saves(encoding):
    ledger, sheet = only_sheet(ledger_csv([ROW], encoding=encoding), "台账.csv")
    assert ledger.format == "csv" and ledger.notices == []
    assert sheet.rows[0].get("task") == "稳就业"
    assert sheet.rows[0].get("lead") == "市人社局"


def test_it_reads_a_tab_separated_utf16_text_as_excel_saves_unicode_text():
    text = "\t".join(HEADER) + "\r\n" + "\t".join(ROW) + "\r\n"
    _ledger, sheet = only_sheet(b"\xff\xfe" + text.encode("utf-16-le"), "台账.txt")
    assert sheet.rows[0].get("measure") == "开展招聘活动。"


def test_it_reads_an_xls_workbook_with_merged_task_cells():
    rows = [ROW, [None, None, "落实补贴。", "市人社局", "", "每年", None]]
    ledger, sheet = only_sheet(ledger_xls(rows, merges=((3, 4, 0, 0), (3, 4, 1, 1), (3, 4, 6, 6))), "台账.xls")
    assert ledger.format == "xls"
    assert [row.get("task") for row in sheet.rows] == ["稳就业", "稳就业"]
    assert [row.get("programme") for row in sheet.rows] == ["就业创业", "就业创业"]
    assert sheet.rows[1].number == 5


def test_it_reads_a_file_for_what_it_is_whatever_its_name_says():
    ledger, sheet = only_sheet(ledger_csv([ROW]), "台账.xlsx")
    assert ledger.format == "csv"
    assert ledger.notices == ["文件扩展名是 .xlsx，但内容是CSV 文本，已按CSV 文本读取"]
    assert sheet.rows[0].get("task") == "稳就业"

    ledger, _sheet = only_sheet(ledger_xlsx([ROW]), "台账.csv")
    assert ledger.format == "xlsx" and "内容是Excel 工作簿（.xlsx）" in ledger.notices[0]

    ledger, _sheet = only_sheet(ledger_xls([ROW]), "台账.xlsx")
    assert ledger.format == "xls"


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "既不是 Excel（.xlsx / .xls）也不是 CSV 文本"),
        (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "是网页（HTML）表格"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "是 PDF 文件"),
        (b"PK\x03\x04 not really a zip", "损坏的压缩文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "无法作为 Excel 97-2003（.xls）读取"),
        (b"", "是空的"),
    ],
)
def test_it_refuses_a_file_that_is_no_ledger_with_the_reason(data, reason):
    with pytest.raises(LedgerFileError, match=re.escape(reason)):
        read_ledger_bytes(data, filename="台账.xlsx")


def test_it_refuses_a_word_document_named_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(LedgerFileError, match="是 Word 文档"):
        read_ledger_bytes(out.getvalue(), filename="台账.xlsx")


def test_a_file_without_a_ledger_header_says_what_header_it_expects():
    with pytest.raises(LedgerFileError, match="没有找到台账表头"):
        read_ledger_bytes("你好\n世界\n".encode(), filename="notes.txt")


def test_it_finds_the_header_below_title_and_note_rows_and_skips_blank_and_repeated_header_rows():
    book = Workbook()
    sheet = book.active
    sheet.append(["2025年工作台账"])
    sheet.append(["填报单位：市人社局", None, None, "填报日期：2025年1月"])
    sheet.append([])
    sheet.append(["说明：请按季度更新"])
    sheet.append(HEADER)
    sheet.append(ROW)
    sheet.append([])
    sheet.append([None, None, None])
    sheet.append(HEADER)  # the header printed again on the next page
    sheet.append(["2", "保民生", "落实补贴。", "市人社局", "", "2025年12月", "社会保障"])
    out = io.BytesIO()
    book.save(out)
    _ledger, read = only_sheet(out.getvalue())
    assert read.header_row == 5
    assert [row.number for row in read.rows] == [6, 10]


@pytest.mark.parametrize(
    "header, field",
    [
        ("任务", "task"), ("重点任务", "task"), ("主要任务", "task"),
        ("工作措施", "measure"), ("具体措施", "measure"), ("主要措施", "measure"),
        ("责任单位", "lead"), ("牵头单位", "lead"), ("责任部门", "lead"), ("牵头单位（部门）", "lead"),
        ("配合单位", "support"),
        ("目标", "targets"), ("目标指标", "targets"), ("量化指标", "targets"),
        ("完成时限", "deadline"), ("时间节点", "deadline"), ("完成时间", "deadline"), ("完 成 时 限", "deadline"),
    ],
)
def test_it_knows_the_header_names_bureaus_use(header, field):
    assert match_header(header) == field


def test_a_two_level_header_is_read_from_its_lower_row():
    book = Workbook()
    sheet = book.active
    sheet.append(["序号", "任务", "工作措施", "责任单位", None, "目标指标"])
    sheet.append([None, None, None, "牵头", "配合", None])
    sheet.append(["1", "稳就业", "开展招聘活动。", "市人社局", "蓬江区", ""])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "F1:F2"):
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    _ledger, read = only_sheet(out.getvalue())
    assert read.columns["lead"] == "D" and read.columns["support"] == "E"
    assert read.rows[0].get("support") == "蓬江区"


def test_unrecognised_headers_are_listed_and_a_mapping_reads_them():
    header = ["序号", "任务", "举措内容", "牵头单位", "考核分值"]
    data = ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "5"]], header=header)
    _ledger, sheet = only_sheet(data)
    assert sheet.unknown_headers == [("C", "举措内容"), ("E", "考核分值")]
    assert sheet.missing_fields == ["measure"]

    _ledger, sheet = only_sheet(data, header_mapping={"举措内容": "measure", "考核分值": ""})
    assert sheet.unknown_headers == [] and sheet.missing_fields == []
    assert sheet.rows[0].get("measure") == "开展招聘活动。"


def test_numbers_stored_as_text_or_as_numbers_read_the_same():
    rows = [[1, "稳就业", "开展招聘活动。", "市人社局", 2000.0, 2025, "就业创业"],
            ["2", "保民生", "落实补贴。", "市人社局", "3.2", "2025", "社会保障"]]
    _ledger, sheet = only_sheet(ledger_xlsx(rows))
    assert [(r.get("seq"), r.get("targets"), r.get("deadline")) for r in sheet.rows] == [
        ("1", "2000", "2025"), ("2", "3.2", "2025")
    ]


def test_a_date_cell_reads_as_its_date():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "", datetime(2025, 6, 30), "就业创业"]]
    _ledger, sheet = only_sheet(ledger_xlsx(rows))
    assert sheet.rows[0].get("deadline") == "2025-06-30"


def _with_cached_value(data: bytes, value: str) -> bytes:
    """openpyxl writes formulas without a result; Excel saves one: add it, as Excel would."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(<c [^>]*)>(<f>[^<]*</f>)(<v\s*/>|<v></v>)?", rb'\1 t="str">\2<v>' + value.encode() + b"</v>", content)
            target.writestr(item, content)
    return out.getvalue()


def test_a_formula_reads_as_its_saved_result():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", '="举办招聘会"&"100场以上"', "2025年12月", "就业创业"]]
    data = _with_cached_value(ledger_xlsx(rows), "举办招聘会100场以上")
    _ledger, sheet = only_sheet(data)
    cell = sheet.rows[0].cells["targets"]
    assert (cell.value, cell.error) == ("举办招聘会100场以上", "")


def test_a_formula_without_a_saved_result_is_an_error_naming_the_cell():
    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "=B4&C4", "2025年12月", "就业创业"]]
    _ledger, sheet = only_sheet(ledger_xlsx(rows))
    cell = sheet.rows[0].cells["targets"]
    assert cell.value == ""
    assert cell.error.startswith("单元格E4是公式“=B4&C4”，文件中没有保存它的计算结果")


def test_several_sheets_with_data_ask_which_one_and_a_sheet_without_a_header_is_ignored():
    data = ledger_xlsx(
        [ROW],
        extra_sheets={
            "填表说明": [["请按要求填写"]],
            "2024年": [HEADER, ["1", "旧任务", "旧措施。", "市人社局", "", "2024年12月", "就业创业"]],
            "空白模板": [HEADER],
        },
    )
    ledger = read_ledger_bytes(data, filename="台账.xlsx")
    assert [s.name for s in ledger.sheets] == ["台账", "2024年", "空白模板"]
    with pytest.raises(SheetChoiceRequired) as raised:
        ledger.sheet()
    assert raised.value.names == ["台账", "2024年"]
    assert "请选择要导入的工作表" in str(raised.value)
    assert ledger.sheet("2024年").rows[0].get("task") == "旧任务"
    with pytest.raises(LedgerFileError, match="没有名为“2023年”的台账工作表"):
        ledger.sheet("2023年")


def test_it_refuses_a_file_over_the_size_limit():
    with pytest.raises(LedgerFileError, match=r"超过上限 0\.0 MB：请拆分后分别导入"):
        read_ledger_bytes(ledger_xlsx([ROW]), filename="台账.xlsx", limits=LedgerLimits(max_bytes=1000))


def test_it_refuses_a_zip_bomb_from_its_directory_before_inflating_it():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 5_000_000)  # 5 MB of zeros: a few KB packed
    data = out.getvalue()
    assert len(data) < 20_000
    with pytest.raises(LedgerFileError, match="解压后有 4.8 MB，超过上限 1.0 MB（可能是压缩炸弹）"):
        read_ledger_bytes(data, filename="台账.xlsx", limits=LedgerLimits(max_unzipped_bytes=1024 * 1024))


def test_it_refuses_a_workbook_with_too_many_parts():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(30):
            archive.writestr(f"xl/media/image{n}.png", b"x")
    with pytest.raises(LedgerFileError, match="内含 31 个部件，超过上限 20"):
        read_ledger_bytes(out.getvalue(), filename="台账.xlsx", limits=LedgerLimits(max_zip_entries=20))


@pytest.mark.parametrize("build, name", [(ledger_xlsx, "台账.xlsx"), (ledger_csv, "台账.csv"), (ledger_xls, "台账.xls")])
def test_it_refuses_a_sheet_over_the_row_limit(build, name):
    rows = [[str(n), f"任务{n}", f"措施{n}。", "市人社局", "", "2025年12月", "就业创业"] for n in range(1, 40)]
    with pytest.raises(LedgerFileError, match="超过 20 行的上限"):
        read_ledger_bytes(build(rows), filename=name, limits=LedgerLimits(max_rows=20))


def test_a_row_holding_only_a_formula_without_result_is_kept_to_be_reported():
    rows = [ROW, [None, None, "=C4", None, None, None, None]]
    _ledger, sheet = only_sheet(ledger_xlsx(rows))
    assert [row.number for row in sheet.rows] == [4, 5]
    assert "单元格C5是公式“=C4”" in sheet.rows[1].cells["measure"].error


SEEDS = ["jiangmen-2020", "zhongshan-2022", "zhongshan-2023-2027", "guangzhou-2024"]


@pytest.mark.parametrize("seed", SEEDS)
def test_the_streaming_reader_reads_what_openpyxl_reads(seed):
    from django.conf import settings

    from portal.imports.ledger.read import _openpyxl_grids, _streamed_xlsx_grids

    data = (settings.FIXTURES_ROOT / "ledgers" / f"{seed}.xlsx").read_bytes()
    assert _streamed_xlsx_grids(data, seed, LedgerLimits(), None) == _openpyxl_grids(data, seed, LedgerLimits(), None)


def test_the_streaming_reader_reads_dates_formulas_and_merges_as_openpyxl_does():
    from portal.imports.ledger.read import _openpyxl_grids, _streamed_xlsx_grids

    rows = [["1", "稳就业", "开展招聘活动。", "市人社局", "=B4&C4", datetime(2025, 6, 30), "就业创业"],
            [None, None, "落实补贴。", "市人社局", 3.25, 45838, None]]
    data = _with_cached_value(ledger_xlsx(rows, merges=("A4:A5", "B4:B5", "G4:G5")), "稳就业开展招聘活动。")
    data_without = ledger_xlsx(rows, merges=("A4:A5", "B4:B5", "G4:G5"))
    for workbook in (data, data_without):
        assert _streamed_xlsx_grids(workbook, "x", LedgerLimits(), None) == _openpyxl_grids(workbook, "x", LedgerLimits(), None)

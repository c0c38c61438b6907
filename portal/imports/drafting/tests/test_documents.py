"""Reading a plan's text from what an admin uploads, and refusing what is not one."""

import io
import zipfile

import docx
import pytest

from portal.imports.drafting import PlanFileError, documents, draft_from_text, read_plan_file

PLAN = "（一）稳就业。\n1.稳定就业。确保城镇新增就业6万人以上。（责任单位：市人社局、市财政局）\n"


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_it_reads_text_in_the_encodings_bureaus_save(tmp_path, encoding):
    path = write(tmp_path, "方案.txt", PLAN.replace("\n", "\r\n").encode(encoding))
    text = read_plan_file(path)
    assert text == PLAN
    assert draft_from_text(text, city="中山", year_start=2024, year_end=2024).targets[0].phrase == "确保城镇新增就业6万人以上"


def make_docx(*, paragraphs, table_rows=()) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_it_reads_a_docx_paragraphs_and_tables_in_order(tmp_path):
    data = make_docx(
        paragraphs=["（一）稳就业。", "1.稳定就业。确保城镇新增就业6万人以上。"],
        table_rows=[("任务", "工作措施"), ("2.扩大就业", "每年开发60个岗位。")],
    )
    text = read_plan_file(write(tmp_path, "方案.docx", data))
    assert text.split("\n") == ["（一）稳就业。", "1.稳定就业。确保城镇新增就业6万人以上。", "任务", "工作措施", "2.扩大就业", "每年开发60个岗位。"]
    draft = draft_from_text(text, city="中山", year_start=2024, year_end=2024)
    assert [task.title for task in draft.tasks] == ["稳定就业", "扩大就业"]


def test_it_refuses_a_zip_bomb_named_docx(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/filler.bin", "w") as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(documents.MAX_DOCX_UNPACKED_BYTES // len(chunk) + 1):
                entry.write(chunk)
    path = write(tmp_path, "方案.docx", buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(PlanFileError, match="“方案.docx”解压后达 101.0 MB.*疑似压缩炸弹"):
        read_plan_file(path)


def test_it_refuses_a_docx_of_too_many_entries(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(documents.MAX_DOCX_ENTRIES + 1):
            archive.writestr(f"word/{index}.xml", "")
    with pytest.raises(PlanFileError, match="包含 2001 个内部文件，超过上限 2000"):
        read_plan_file(write(tmp_path, "方案.docx", buffer.getvalue()))


def test_it_refuses_a_zip_that_is_not_a_word_document(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(PlanFileError, match="是压缩文件，但不是 Word（.docx）文档"):
        read_plan_file(write(tmp_path, "台账.docx", buffer.getvalue()))


def test_it_refuses_text_named_docx_and_a_docx_named_txt(tmp_path):
    with pytest.raises(PlanFileError, match="“方案.docx”不是有效的 Word（.docx）文件"):
        read_plan_file(write(tmp_path, "方案.docx", PLAN.encode()))
    with pytest.raises(PlanFileError, match="看起来是 Word（.docx）或其他压缩文件"):
        read_plan_file(write(tmp_path, "方案.txt", make_docx(paragraphs=["一、目标"])))


def test_it_refuses_binary_files_old_word_and_other_formats(tmp_path):
    with pytest.raises(PlanFileError, match="不是文本文件"):
        read_plan_file(write(tmp_path, "方案.txt", b"\x89PNG\r\n\x1a\n\x00\x00"))
    with pytest.raises(PlanFileError, match="旧版 Word（.doc）格式，请在 Word 中另存为 .docx"):
        read_plan_file(write(tmp_path, "方案.doc", b"\xd0\xcf\x11\xe0"))
    with pytest.raises(PlanFileError, match="请上传 .txt 或 .docx 文件"):
        read_plan_file(write(tmp_path, "方案.pdf", b"%PDF-1.7"))


def test_it_refuses_an_oversize_text_file(tmp_path):
    path = write(tmp_path, "方案.txt", b"a" * (documents.MAX_TEXT_BYTES + 1))
    with pytest.raises(PlanFileError, match="过大（2.0 MB），文本文件不能超过 2.0 MB"):
        read_plan_file(path)

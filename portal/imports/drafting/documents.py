"""A plan's text from what an admin uploads: a .txt file, a .docx file, or pasted text.

No database here. Every refusal is a PlanFileError whose message names the file and says
what to do, in words an admin understands; nothing is guessed from a file that is not what
its name says.
"""

from __future__ import annotations

import functools

import io
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _

# A work plan is tens of kilobytes of text; these limits leave room for a .docx with a few
# pictures and refuse what could only be a mistake or an attack.
MAX_TEXT_BYTES = 2 * 1024 * 1024
MAX_DOCX_BYTES = 20 * 1024 * 1024
# A .docx is a zip: what it unpacks to is bounded too (zip bombs), by the sizes its
# directory declares — Python's zipfile never inflates an entry past its declared size.
MAX_DOCX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_DOCX_ENTRIES = 2000
MAX_DOCX_RATIO = 200  # unpacked / packed, for entries over 1 MB: text compresses ~10×, zeros ~1000×
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


class PlanFileError(Exception):
    """The file cannot be read as a plan's text; the message says why."""


def read_plan_file(path: Path | str, *, filename: str | None = None) -> str:
    """The text of a plan file (.txt in UTF-8 or GB18030, or .docx), or PlanFileError."""
    path = Path(path)
    return read_plan_bytes(path.read_bytes(), filename=filename or path.name)


def read_plan_bytes(data: bytes, *, filename: str) -> str:
    """The text of an uploaded plan file, by its name's suffix; PlanFileError when it is not one."""
    name, size = filename, len(data)
    suffix = Path(name).suffix.lower()
    if suffix == ".docx":
        if size > MAX_DOCX_BYTES:
            raise PlanFileError(
                _("文件“%(name)s”过大（%(size)s），Word 文件不能超过 %(limit)s")
                % {"name": name, "size": _megabytes(size), "limit": _megabytes(MAX_DOCX_BYTES)}
            )
        return docx_text(data, name=name)
    if suffix in {".txt", ".text", ""}:
        if size > MAX_TEXT_BYTES:
            raise PlanFileError(
                _("文件“%(name)s”过大（%(size)s），文本文件不能超过 %(limit)s")
                % {"name": name, "size": _megabytes(size), "limit": _megabytes(MAX_TEXT_BYTES)}
            )
        return plain_text(data, name=name)
    if suffix == ".doc":
        raise PlanFileError(
            _("文件“%(name)s”是旧版 Word（.doc）格式，请在 Word 中另存为 .docx 后再上传") % {"name": name}
        )
    raise PlanFileError(_("文件“%(name)s”的格式不受支持：请上传 .txt 或 .docx 文件，或直接粘贴文本") % {"name": name})


def plain_text(data: bytes, *, name: str) -> str:
    """Bytes of a text file: UTF-8 (with or without BOM) or GB18030/GBK, as Chinese Windows saves it."""
    if data.startswith(b"PK\x03\x04"):
        raise PlanFileError(
            _("文件“%(name)s”看起来是 Word（.docx）或其他压缩文件，不是文本文件：请以 .docx 上传") % {"name": name}
        )
    if b"\x00" in data:
        raise PlanFileError(_("文件“%(name)s”不是文本文件（含有二进制内容）") % {"name": name})
    for encoding in TEXT_ENCODINGS:
        try:
            return normalise_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise PlanFileError(  # pragma: no cover - gb18030 decodes nearly any byte string
        _("无法识别文件“%(name)s”的编码：请另存为 UTF-8 文本") % {"name": name}
    )


def docx_text(data: bytes, *, name: str) -> str:
    """The paragraphs and table rows of a .docx, in document order, one per line."""
    _check_zip(data, name=name)
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise PlanFileError(
            _("文件“%(name)s”不是有效的 Word（.docx）文件：%(error)s") % {"name": name, "error": exc.__class__.__name__}
        ) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, docx.table.Table):
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    # A merged cell appears once per grid column it spans: keep it once.
                    if not cells or cell.text != cells[-1]:
                        cells.append(cell.text)
                lines.extend(text for text in cells if text.strip())
        else:
            lines.append(block.text)
    return normalise_text("\n".join(lines))


def _check_zip(data: bytes, *, name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PlanFileError(
            _("文件“%(name)s”不是有效的 Word（.docx）文件：无法作为 .docx 打开（如是 .doc 或文本，请另存为 .docx 或 .txt）")
            % {"name": name}
        ) from exc
    entries = archive.infolist()
    if len(entries) > MAX_DOCX_ENTRIES:
        raise PlanFileError(
            _("文件“%(name)s”包含 %(count)s 个内部文件，超过上限 %(limit)s，已拒绝")
            % {"name": name, "count": len(entries), "limit": MAX_DOCX_ENTRIES}
        )
    unpacked = sum(entry.file_size for entry in entries)
    bomb = any(
        entry.file_size > 1024 * 1024 and entry.file_size > MAX_DOCX_RATIO * max(entry.compress_size, 1)
        for entry in entries
    )
    if unpacked > MAX_DOCX_UNPACKED_BYTES or bomb:
        raise PlanFileError(
            _("文件“%(name)s”解压后达 %(size)s，超过上限 %(limit)s 或压缩比异常（疑似压缩炸弹），已拒绝")
            % {"name": name, "size": _megabytes(unpacked), "limit": _megabytes(MAX_DOCX_UNPACKED_BYTES)}
        )
    if "word/document.xml" not in archive.namelist():
        raise PlanFileError(_("文件“%(name)s”是压缩文件，但不是 Word（.docx）文档") % {"name": name})


def normalise_text(text: str) -> str:
    """Line breaks as \\n, no-break and ideographic spaces as plain spaces, no BOM."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return text.replace("\xa0", " ").replace("\u3000", " ")


def to_simplified(text: str) -> tuple[str, int]:
    """The text in simplified characters (OpenCC's t2s conversion) and how many characters
    changed: 0 for a text already simplified."""
    converter = _t2s()
    converted = converter.convert(text)
    if len(converted) != len(text):  # a phrase converted as a whole: count character by character
        return converted, sum(1 for char in text if converter.convert(char) != char)
    return converted, sum(1 for before, after in zip(text, converted) if before != after)


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"

"""Evidence files are judged by their first bytes, never by their name: a program renamed
report.pdf is refused, a real PDF named scan.bin is taken (and stored as .pdf)."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import Evidence

EXTENSIONS = {
    Evidence.Kind.PDF: "pdf",
    Evidence.Kind.PNG: "png",
    Evidence.Kind.JPEG: "jpg",
    Evidence.Kind.DOCX: "docx",
    Evidence.Kind.XLSX: "xlsx",
    Evidence.Kind.OLE: "doc",
}
CONTENT_TYPES = {
    Evidence.Kind.PDF: "application/pdf",
    Evidence.Kind.PNG: "image/png",
    Evidence.Kind.JPEG: "image/jpeg",
    Evidence.Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Evidence.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Evidence.Kind.OLE: "application/octet-stream",
}


class EvidenceRefused(ValueError):
    pass


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    extension: str


def sniff(head: bytes, file) -> str | None:
    """The kind of a file from its content, or None."""
    if head.startswith(b"%PDF-"):
        return Evidence.Kind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Evidence.Kind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return Evidence.Kind.JPEG
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return Evidence.Kind.OLE
    if head.startswith(b"PK\x03\x04"):
        # A zip is only an Office document if it has the parts Office writes; reading the
        # central directory decompresses nothing.
        try:
            file.seek(0)
            names = set(zipfile.ZipFile(file).namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            file.seek(0)
        if "word/document.xml" in names:
            return Evidence.Kind.DOCX
        if "xl/workbook.xml" in names:
            return Evidence.Kind.XLSX
    return None


def check_evidence_file(file) -> CheckedFile:
    """Refuse, with the file's name in the message, what is too big or of a kind not allowed."""
    limit = settings.REPORTING_EVIDENCE_MAX_BYTES
    if file.size > limit:
        raise EvidenceRefused(
            _("文件“%(name)s”大小为 %(size)s，超过上限 %(limit)s。")
            % {"name": file.name, "size": filesizeformat(file.size), "limit": filesizeformat(limit)}
        )
    if file.size == 0:
        raise EvidenceRefused(_("文件“%(name)s”是空文件。") % {"name": file.name})
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    kind = sniff(head, file)
    if kind is None:
        raise EvidenceRefused(
            _("文件“%(name)s”的内容不是允许的类型（PDF、PNG、JPEG、Word、Excel）。系统按文件内容判断类型，与扩展名无关。")
            % {"name": file.name}
        )
    return CheckedFile(kind=kind, extension=EXTENSIONS[kind])

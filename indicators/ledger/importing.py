"""One ledger file into one plan: read, validate, and write unless told not to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from tasks.models import Plan, Programme
from units.models import Region

from .read import read_ledger, LedgerFileError
from .validate import LedgerDraft, validate_ledger
from .write import ImportSummary, ledger_write

__all__ = ["LedgerFileError", "LedgerImport", "ledger_import_file"]


@dataclass
class LedgerImport:
    draft: LedgerDraft
    summary: ImportSummary | None


def ledger_import_file(
    *,
    path: Path,
    city: Region,
    title: str,
    year_start: int,
    year_end: int,
    slug: str = "",
    frequency: str = Plan.Frequency.MONTHLY,
    source_document: str = "",
    default_programme: Programme | None = None,
    dry_run: bool = False,
) -> LedgerImport:
    """Read, validate and (unless dry_run or invalid) write one ledger file into a plan."""
    sheets = read_ledger(path)
    if len(sheets) > 1:
        names = "、".join(sheet.name for sheet in sheets)
        raise LedgerFileError(f"文件中有多个工作表含台账数据（{names}），请指定要导入的工作表")
    draft = validate_ledger(
        sheets[0], city=city, year_start=year_start, year_end=year_end, default_programme=default_programme
    )
    if dry_run or not draft.ok:
        return LedgerImport(draft, None)
    with transaction.atomic():
        plan, _created = Plan.objects.get_or_create(
            city=city,
            title=title,
            defaults={
                "slug": slug or slugify(f"{city.code}-{year_start}-{year_end}-{title}", allow_unicode=False)[:60],
                "year_start": year_start,
                "year_end": year_end,
                "frequency": frequency,
                "source_document": source_document,
            },
        )
        summary = ledger_write(draft=draft, plan=plan)
    return LedgerImport(draft, summary)

"""Writes of the indicators app: the indicator catalogue, reported results and ledger imports."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from tasks.models import Plan, Programme
from units.models import Region

from .ledger.read import LedgerFileError, read_ledger
from .ledger.validate import LedgerDraft, validate_ledger
from .ledger.write import ImportSummary, LedgerNotValid, ledger_write
from .models import Indicator, IndicatorAlias, RecordedResult
from .parsing import parse_result_value


class ReferenceDataError(Exception):
    pass


@transaction.atomic
def indicators_load_csv(*, paths: list[Path]) -> int:
    """Merge indicator files by code: a name may be claimed by one code only."""
    rows: dict[str, dict] = {}
    owner_of_name: dict[str, str] = {}
    for path in paths:
        for line, row in enumerate(csv.DictReader(path.open(encoding="utf-8")), start=2):
            code, name = row["代码"].strip(), row["名称"].strip()
            aliases = {a.strip() for a in (row.get("别名") or "").split("|") if a.strip()}
            merged = rows.setdefault(code, {"name": name, "unit": row["单位"].strip(), "aliases": set()})
            if merged["name"] != name:
                raise ReferenceDataError(f"{path.name} 第{line}行：指标代码{code}已用于“{merged['name']}”，不能再用于“{name}”")
            merged["aliases"] |= aliases
            for label in {name} | aliases:
                if owner_of_name.setdefault(label, code) != code:
                    raise ReferenceDataError(
                        f"{path.name} 第{line}行：名称“{label}”同时属于指标{owner_of_name[label]}和{code}"
                    )
    existing = {i.code: i for i in Indicator.objects.all()}
    created = 0
    for code, data in rows.items():
        indicator = existing.get(code)
        if indicator is None:
            indicator = Indicator.objects.create(code=code, name=data["name"], unit=data["unit"])
            created += 1
        elif (indicator.name, indicator.unit) != (data["name"], data["unit"]):
            indicator.name, indicator.unit = data["name"], data["unit"]
            indicator.save(update_fields=["name", "unit"])
        known = set(indicator.aliases.values_list("name", flat=True))
        IndicatorAlias.objects.bulk_create(
            [IndicatorAlias(name=alias, indicator=indicator) for alias in sorted(data["aliases"] - known - {data["name"]})]
        )
    return created


@transaction.atomic
def results_load_csv(*, path: Path, source_document: str = "") -> int:
    """Results a city reported (城市, 年份, 指标, 结果, 原文), one per indicator, city and year."""
    indicators = {i.name: i for i in Indicator.objects.all()}
    for alias in IndicatorAlias.objects.select_related("indicator"):
        indicators.setdefault(alias.name, alias.indicator)
    cities: dict[str, Region] = {}
    seen: dict[tuple, int] = {}
    created = 0
    for line, row in enumerate(csv.DictReader(path.open(encoding="utf-8")), start=2):
        where = f"{path.name} 第{line}行"
        indicator = indicators.get(row["指标"].strip())
        if indicator is None:
            raise ReferenceDataError(f"{where}：指标“{row['指标']}”不存在")
        city_name = row["城市"].strip()
        if city_name not in cities:
            try:
                cities[city_name] = Region.objects.get_city(city_name)
            except Region.DoesNotExist:
                raise ReferenceDataError(f"{where}：城市“{city_name}”不存在") from None
        quantity = parse_result_value(row["结果"])
        if quantity is None:
            raise ReferenceDataError(f"{where}：结果“{row['结果']}”中没有数值和计量单位")
        key = (indicator.pk, city_name, int(row["年份"]))
        if key in seen:
            raise ReferenceDataError(f"{where}：与第{seen[key]}行重复（同一指标、城市和年份）")
        seen[key] = line
        _result, was_created = RecordedResult.objects.update_or_create(
            indicator=indicator,
            city=cities[city_name],
            year=int(row["年份"]),
            defaults={
                "value": quantity.value,
                "unit": quantity.unit,
                "phrase": row["原文"].strip(),
                "source_document": source_document,
            },
        )
        created += was_created
    return created


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


__all__ = [
    "LedgerFileError",
    "LedgerNotValid",
    "indicators_load_csv",
    "ledger_import_file",
    "results_load_csv",
]

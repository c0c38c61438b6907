"""Reference data loaded from the fixtures' CSV files: the indicator catalogue and the results
the cities reported."""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from units.models import Region

from ..models import Indicator, IndicatorAlias, RecordedResult
from ..parsing import parse_result_value


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
    by_pk = Indicator.objects.in_bulk()
    indicators = {name: by_pk[pk] for name, pk in Indicator.objects.by_name().items()}
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

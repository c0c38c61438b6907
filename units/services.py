import csv
from pathlib import Path

import tablib
from django.db import transaction

from .models import Region
from .resources import UnitResource


class ReferenceDataError(Exception):
    pass


@transaction.atomic
def regions_load_csv(*, path: Path) -> int:
    created = 0
    for row in csv.DictReader(path.open(encoding="utf-8")):
        parent = Region.objects.get(code=row["上级"]) if row["上级"] else None
        _region, was_created = Region.objects.update_or_create(
            code=row["代码"],
            defaults={
                "name": row["名称"], "kind": row["类型"], "parent": parent,
                "division_code": row.get("区划代码") or "",
            },
        )
        created += was_created
    return created


def units_load_csv(*, paths: list[Path]) -> dict[str, int]:
    """Load unit files through the same resource as the admin's import; all or nothing."""
    totals = {"new": 0, "update": 0, "skip": 0}
    resource = UnitResource()
    with transaction.atomic():
        for path in paths:
            dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
            result = resource.import_data(dataset, raise_errors=False, use_transactions=False)
            if result.has_errors() or result.has_validation_errors():
                messages = [f"{path.name} 第{line + 1}行：{error.error}" for line, errors in result.row_errors() for error in errors]
                messages += [f"{path.name} 第{row.number + 1}行：{row.error_dict}" for row in result.invalid_rows]
                raise ReferenceDataError("；".join(messages))
            for key in totals:
                totals[key] += result.totals.get(key, 0)
    return totals

from pathlib import Path

import tablib
from django.db import transaction

from .resources import ProgrammeResource


@transaction.atomic
def programmes_load_csv(*, path: Path) -> dict[str, int]:
    dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
    result = ProgrammeResource().import_data(dataset, raise_errors=True, use_transactions=False)
    return dict(result.totals)

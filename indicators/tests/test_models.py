from datetime import date

import pytest
from django.db import IntegrityError, transaction

from indicators.models import Target
from tasks.models import Measure

pytestmark = pytest.mark.django_db


def target(**changes):
    values = dict(
        measure=Measure.objects.first(),
        seq=99,
        kind="flow_annual",
        comparator="gte",
        value=10,
        unit="人",
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        phrase="test",
    )
    values.update(changes)
    return Target(**values)


@pytest.mark.parametrize(
    "changes",
    [
        {"value": -1},
        {"comparator": "eq"},
        {"kind": "range", "comparator": "between", "value": 3, "value_max": 2},
        {"kind": "range", "comparator": "between", "value_max": None},
        {"kind": "ceiling", "comparator": "gte"},
        {"value_max": 20},
        {"period_end": date(2023, 12, 31)},
    ],
    ids=["negative", "unknown-comparator", "range-reversed", "range-open", "ceiling-at-least", "stray-max", "period-reversed"],
)
def test_the_database_refuses_a_target_that_cannot_be_right(changes):
    with pytest.raises(IntegrityError), transaction.atomic():
        target(**changes).save()


def test_the_database_takes_a_well_formed_range():
    target(kind="range", comparator="between", value=1, value_max=2).save()

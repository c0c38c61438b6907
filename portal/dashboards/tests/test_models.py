"""TargetSeries read back: one month (what the cross-city comparison shows) is the same
point as that month in the whole series (what the measure chart shows). No database."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from indicators.models import Target
from portal.dashboards import rollups
from portal.dashboards.computing import points_json
from portal.dashboards.models import TargetSeries
from portal.dashboards.rollups import TargetRow, ValueRow

PLAN_MONTHS = rollups.month_ends(date(2023, 1, 1), date(2025, 6, 30))


def _stored(kind, comparator, value, unit, start, end, values) -> TargetSeries:
    """The series row a rebuild would write for this target and these approved values."""
    target = Target(pk=7, kind=kind, comparator=comparator, value=D(value), value_max=None, unit=unit,
                    period_start=start, period_end=end)
    row = TargetRow(7, kind, comparator, D(value), None, unit, start, end)
    rows = [ValueRow(7, unit_id, day, None if amount is None else D(amount), numerator, denominator, unit_id == 1)
            for day, amount, unit_id, numerator, denominator in values]
    started = [p for p in rollups.target_series(row, rows, PLAN_MONTHS) if p.status != rollups.NOT_STARTED]
    return TargetSeries(target=target, first_as_of=started[0].as_of, last_as_of=started[-1].as_of,
                        has_sample=False, points=points_json(started))


TARGETS = {
    # 3000 a year, 2023—2025: the sum starts again each January.
    "flow_annual": ("flow_annual", "gte", "3000", "个", date(2023, 1, 1), date(2025, 12, 31), [
        (date(2023, 1, 1), "800", 1, None, None), (date(2023, 7, 1), "2500", 2, None, None),
        (date(2024, 4, 1), "900", 1, None, None), (date(2025, 1, 1), "400", 1, None, None),
    ]),
    # Starts mid-month and ends before the plan's last month: months after its end stay as they stood.
    "flow_cumulative": ("flow_cumulative", "gte", "10000", "人", date(2023, 3, 15), date(2024, 9, 30), [
        (date(2023, 4, 1), "3000", 1, None, None), (date(2024, 1, 1), "2000", 2, None, None),
        (date(2024, 7, 1), "1000", 1, None, None),
    ]),
    "rate": ("rate", "gte", "90", "%", date(2024, 1, 1), date(2025, 12, 31), [
        (date(2024, 1, 1), "80", 1, D(80), D(100)), (date(2024, 1, 1), "20", 2, D(10), D(50)),
        (date(2024, 10, 1), None, 1, D(45), D(48)),
    ]),
    "stock": ("stock", "gte", "1200000", "人", date(2023, 1, 1), date(2024, 12, 31), [
        (date(2023, 7, 1), "900000", 1, None, None), (date(2024, 1, 1), "10000", 2, None, None),
        (date(2024, 4, 1), "1250000", 1, None, None),
    ]),
    "ceiling": ("ceiling", "lte", "1", "%", date(2023, 1, 1), date(2024, 12, 31), [
        (date(2023, 4, 1), "0.8", 1, None, None), (date(2023, 10, 1), "1.3", 1, None, None),
    ]),
}


@pytest.mark.parametrize("kind", TARGETS)
def test_a_month_read_alone_is_that_month_of_the_whole_series(kind):
    stored = _stored(*TARGETS[kind])
    points = stored.series()
    assert [p.as_of for p in points] == rollups.month_ends(stored.first_as_of, stored.last_as_of)
    assert any(p.actual is not None for p in points) and any(p.status != points[0].status for p in points)
    for p in points:
        assert stored.point_at(p.as_of) == p
        # A day within the next month: the figures as they stood at this month's end.
        if p.as_of < stored.last_as_of:
            assert stored.point_at(p.as_of + timedelta(days=15)) == p


@pytest.mark.parametrize("kind", TARGETS)
def test_before_its_first_month_a_target_has_no_point_and_after_its_last_it_keeps_the_last(kind):
    stored = _stored(*TARGETS[kind])
    last = stored.series()[-1]
    assert stored.point_at(stored.first_as_of - timedelta(days=1)) is None
    assert stored.point_at(stored.first_as_of.replace(day=1)) is None  # within the first month, before its end
    assert stored.point_at(stored.last_as_of + timedelta(days=1)) == last
    assert stored.point_at(date(2030, 12, 31)) == last

"""The figures a report form and a measure page show: pure functions over plain rows.

What counts is the highest approved version of each (target, unit, period). Additive
targets (per-year flow, cumulative flow, range) add the units' values over the target's
window; a rate combines numerators and denominators; a stock or a ceiling takes the
latest level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ADDITIVE = {"flow_annual", "flow_cumulative", "range"}
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ValueRow:
    target_id: int
    unit_id: int
    period_id: int
    period_start: date
    version: int
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class TargetSpec:
    id: int
    kind: str
    comparator: str
    value: Decimal
    value_max: Decimal | None
    period_start: date
    period_end: date

    @classmethod
    def of(cls, target) -> TargetSpec:
        return cls(target.pk, target.kind, target.comparator, target.value, target.value_max,
                   target.period_start, target.period_end)


@dataclass(frozen=True)
class Progress:
    figure: Decimal | None  # the cumulative sum, the combined rate or the latest level
    completion: Decimal | None  # percent of the target reached; None for a ceiling
    met: bool | None  # None: no value yet


def counting(rows: Iterable[ValueRow]) -> list[ValueRow]:
    """Keep the highest version of each (target, unit, period)."""
    best: dict[tuple[int, int, int], ValueRow] = {}
    for row in rows:
        key = (row.target_id, row.unit_id, row.period_id)
        if key not in best or row.version > best[key].version:
            best[key] = row
    return list(best.values())


def window_start(target: TargetSpec, period_start: date) -> date:
    """Where the sum of an additive target starts: the year of the period for a per-year flow."""
    if target.kind == "flow_annual":
        return max(target.period_start, date(period_start.year, 1, 1))
    return target.period_start


def rate_of(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return (numerator / denominator * HUNDRED).quantize(Decimal("0.01"))


def progress(target: TargetSpec, rows: Iterable[ValueRow], *, as_of: date) -> Progress:
    """The target's figure over the rows that count, up to the period starting at as_of."""
    rows = [r for r in rows if r.target_id == target.id and target.period_start <= r.period_start <= as_of]
    if target.kind in ADDITIVE:
        start = window_start(target, as_of)
        values = [r.value for r in rows if r.period_start >= start and r.value is not None]
        if not values:
            return Progress(None, None, None)
        figure = sum(values, Decimal(0))
    else:
        dated = [r for r in rows if r.value is not None or (r.numerator is not None and r.denominator)]
        if not dated:
            return Progress(None, None, None)
        latest = max(r.period_start for r in dated)
        last = [r for r in dated if r.period_start == latest]
        if target.kind == "rate" and all(r.denominator for r in last):
            figure = rate_of(sum((r.numerator or 0 for r in last), Decimal(0)),
                             sum((r.denominator for r in last), Decimal(0)))
        else:
            figure = last[-1].value
    if figure is None:
        return Progress(None, None, None)
    if target.comparator == "lte":
        return Progress(figure, None, figure <= target.value)
    completion = (figure / target.value * HUNDRED).quantize(Decimal("0.1")) if target.value else None
    return Progress(figure, completion, figure >= target.value)


def approved_rows(targets, *, up_to: date) -> list[ValueRow]:
    """The approved values of these targets in periods starting by `up_to`, highest version
    of each (target, unit, period) only: the one query feeding the functions above."""
    from .models import ActualValue, ProgressReport

    rows = ActualValue.objects.filter(
        target__in=list(targets), report__state=ProgressReport.State.APPROVED, report__period__start__lte=up_to
    ).values_list(
        "target_id", "report__unit_id", "report__period_id", "report__period__start", "report__version",
        "value", "numerator", "denominator",
    )
    return counting(ValueRow(*row) for row in rows)

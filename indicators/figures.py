"""The figures a report form and a measure page show: pure functions over plain rows.

What counts is the highest approved version of each (target, unit, period). Additive
targets (per-year flow, cumulative flow, range) add the units' values over the target's
window; a stock, a rate or a ceiling takes the latest level (`level`, which the dashboards'
rollups use as well, so that a measure page and a dashboard never read one period
differently).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, TypeVar

ADDITIVE = {"flow_annual", "flow_cumulative", "range"}
HUNDRED = Decimal(100)
LEVEL_QUANTUM = Decimal("0.0001")  # a combined rate, to the places a value is stored with


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
    lead: bool = False  # reported by a lead unit of the measure


@dataclass(frozen=True)
class TargetSpec:
    id: int
    kind: str
    comparator: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    period_start: date
    period_end: date

    @classmethod
    def of(cls, target) -> TargetSpec:
        return cls(target.pk, target.kind, target.comparator, target.value, target.value_max, target.unit,
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


class Reported(Protocol):
    """A counting value as the measure page and the rollups each carry it."""

    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    lead: bool


R = TypeVar("R", bound=Reported)


def has_figure(row: Reported) -> bool:
    """A value, or a numerator over a denominator: a row without either states no level."""
    return row.value is not None or (row.numerator is not None and bool(row.denominator))


def level(rows: Sequence[R], unit: str) -> tuple[Decimal | None, list[R]]:
    """The level one period's rows state (a stock, a rate, a ceiling), and the rows it is
    taken from: the one rule for the measure page and the rollups.

    Numerators and denominators are added across units and divided, never percentages
    averaged: when the unit is % (the rows without them are left out) or every row has them.
    Bare levels are not added either: the lead unit states the level; failing that, the
    highest one reported (units reporting the same level report the same figure).
    """
    if len(rows) == 1:  # one unit reports it (the usual case): the same as below, sooner
        row = rows[0]
        if row.numerator is not None and row.denominator:
            scale = HUNDRED if unit == "%" else Decimal(1)
            return (row.numerator / row.denominator * scale).quantize(LEVEL_QUANTUM), [row]
        return row.value, [row] if row.value is not None else []
    with_ratio = [r for r in rows if r.numerator is not None and r.denominator]
    if with_ratio and (unit == "%" or len(with_ratio) == len(rows)):
        scale = HUNDRED if unit == "%" else Decimal(1)
        numerator = sum((r.numerator for r in with_ratio), Decimal(0))
        denominator = sum((r.denominator for r in with_ratio), Decimal(0))
        return (numerator / denominator * scale).quantize(LEVEL_QUANTUM), with_ratio
    valued = [r for r in rows if r.value is not None]
    if not valued:
        return None, []
    chosen = max(valued, key=lambda r: (r.lead, r.value))
    return chosen.value, [chosen]


def progress(target: TargetSpec, rows: Iterable[ValueRow], *, as_of: date) -> Progress:
    """The target's figure over the rows that count, up to the period starting at as_of
    (or to the target's end, if that came first: its figure then stays as it stood)."""
    as_of = min(as_of, target.period_end)
    rows = [r for r in rows if r.target_id == target.id and target.period_start <= r.period_start <= as_of]
    if target.kind in ADDITIVE:
        start = window_start(target, as_of)
        values = [r.value for r in rows if r.period_start >= start and r.value is not None]
        if not values:
            return Progress(None, None, None)
        figure = sum(values, Decimal(0))
    else:
        dated = [r for r in rows if has_figure(r)]
        if not dated:
            return Progress(None, None, None)
        latest = max(r.period_start for r in dated)
        figure, _counted = level([r for r in dated if r.period_start == latest], target.unit)
    if figure is None:
        return Progress(None, None, None)
    if target.comparator == "lte":
        return Progress(figure, None, figure <= target.value)
    completion = (figure / target.value * HUNDRED).quantize(Decimal("0.1")) if target.value else None
    return Progress(figure, completion, figure >= target.value)


def approved_rows(targets, *, up_to: date) -> list[ValueRow]:
    """The approved values of these targets in periods starting by `up_to`, highest version
    of each (target, unit, period) only, each marked if a lead unit reported it: the one
    query feeding the functions above."""
    from django.db.models import Exists, OuterRef

    from tasks.models import Responsibility

    from .models import ActualValue, ProgressReport

    lead = Responsibility.objects.filter(
        measure=OuterRef("report__measure"), unit=OuterRef("report__unit"), role=Responsibility.Role.LEAD
    )
    rows = ActualValue.objects.filter(
        target__in=list(targets), report__state=ProgressReport.State.APPROVED, report__period__start__lte=up_to
    ).annotate(lead=Exists(lead)).values_list(
        "target_id", "report__unit_id", "report__period_id", "report__period__start", "report__version",
        "value", "numerator", "denominator", "lead",
    )
    return counting(ValueRow(*row) for row in rows)

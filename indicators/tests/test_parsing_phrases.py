"""Table-driven test of the target parser on real phrases of plans beyond the seeds.

indicators/tests/data/phrases.tsv holds each phrase, the years of its plan, its reading by
hand and its source (README.md beside it says how they were collected and labelled)."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.parsing import PlanContext, parse_targets

TABLE = Path(__file__).parent / "data" / "phrases.tsv"
COMPARATORS = {">=": "gte", "<=": "lte", "between": "between"}


def rows():
    with TABLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def context_of(plan_years: str) -> PlanContext:
    first, _sep, last = plan_years.partition("-")
    return PlanContext(int(first), int(last or first))


def expected_of(text: str) -> tuple[list[tuple], list[str]]:
    """The readable targets, as (comparator, value, value_max, unit, period), and the reasons
    of the refused ones."""
    targets, refused = [], []
    for item in filter(None, (part.strip() for part in text.split(";"))):
        if item.startswith("refuse:"):
            refused.append(item.removeprefix("refuse:"))
            continue
        comparator, value, unit, period = item.split()
        low, _sep, high = value.partition("..")
        targets.append((COMPARATORS[comparator], Decimal(low), Decimal(high) if high else None, unit, period))
    return targets, refused


def reading(target, context: PlanContext) -> tuple:
    """A parsed target in the table's terms."""
    plan_years = (target.period_start.year, target.period_end.year) == (context.year_start, context.year_end)
    value = target.value
    if target.per:
        period = f"per-{target.per}"
        value = value / (4 if target.per == "quarter" else 12)
    elif target.kind in LEVEL_KINDS:
        period = "plan" if plan_years else f"by:{target.period_end.year}"
    elif context.year_start != context.year_end and target.kind == "flow_annual":
        period = "per-year"
    elif plan_years:
        period = "plan"
    else:
        period = f"by:{target.period_end.year}"
    return (target.comparator, value.normalize(), target.value_max.normalize() if target.value_max else None, target.unit, period)


def normalised(expected: tuple) -> tuple:
    comparator, value, value_max, unit, period = expected
    return (comparator, value.normalize(), value_max.normalize() if value_max is not None else None, unit, period)


LEVEL_UNITS = {"%", "百分点", "天", "月", "年", "小时"}


LEVEL_KINDS = {"stock", "rate", "ceiling", "range"}


def by_year_is_plan(expected: tuple, context: PlanContext, kind: str = "") -> tuple:
    """by:YYYY where YYYY is the plan's last year is the plan's own period. A level — a rate,
    a ceiling, a standard per person (年均结案率95%以上, 每人每月1200元) — has no sum: the
    period it is stated per (per-year, per-month) is what it is measured per, not a total."""
    per_level = expected[4].startswith("per-") and (kind in LEVEL_KINDS or expected[3] in LEVEL_UNITS or expected[0] == "lte")
    if expected[4] == f"by:{context.year_end}" or per_level:
        return (*expected[:4], "plan")
    return expected


TABLE_ROWS = rows()


def test_the_table_holds_enough_real_phrases_with_sources():
    assert len(TABLE_ROWS) >= 200
    assert all(row["source_url"] and row["source_title"] for row in TABLE_ROWS)
    assert len({row["source_url"] for row in TABLE_ROWS}) >= 60


@pytest.mark.parametrize("row", TABLE_ROWS, ids=[f"{n:03d}-{r['phrase'][:12]}" for n, r in enumerate(TABLE_ROWS, start=2)])
def test_a_real_phrase_reads_as_labelled(row):
    context = context_of(row["plan_years"])
    targets, refused = expected_of(row["expected"])
    result = parse_targets(row["phrase"], context)
    got = [by_year_is_plan(reading(t, context), context) for t in result.targets]
    kinds = [t.kind for t in result.targets] + [""] * len(targets)
    assert got == [by_year_is_plan(normalised(t), context, kind) for t, kind in zip(targets, kinds)], row["phrase"]
    codes = [problem.code for problem in result.problems]
    for reason in refused:
        if reason != "no-quantity" or not targets:
            assert reason in codes, (row["phrase"], result.problems)

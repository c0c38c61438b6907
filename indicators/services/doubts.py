"""Values that look wrong: the filer must confirm them, and the reviewer sees why.

A figure typed in the wrong magnitude (1000000 for 100, 万 forgotten or doubled) is the
commonest slip on a report form, and it would count in every rollup once approved. Four
rules catch it without refusing what may be true:

- over 10× the target (its upper end, for a range);
- a level that only grows (a stock: 技能人才总量) below the unit's last approved level;
- a percentage over 100;
- over 5× the unit's value in its last approved period.

The rules are pure (`doubts_about`); `value_doubts` loads the last approved values they
compare with, in one query. A confirmed doubt is kept on the ActualValue (`doubt`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ..figures import rate_of
from ..models import ActualValue, ProgressReport, Target, TargetKind
from ..parsing import plain_number
from .errors import ReportingError

TIMES_TARGET = 10
TIMES_LAST_PERIOD = 5
PERCENT_MAX = Decimal(100)
SEPARATOR = "；"


class ValuesInDoubt(ReportingError):
    """Implausible values the filer has not confirmed: {target id: reason}."""

    def __init__(self, doubts: dict[int, str]):
        self.doubts = doubts
        super().__init__(_("部分数值明显异常，请核对；如确认无误，请勾选“数值无误，确认提交”后再保存。"))


def _figure(value: Decimal, unit: str) -> str:
    return f"{plain_number(value)}{unit}"


def doubts_about(target: Target, value: Decimal | None, *, last_approved: Decimal | None) -> list[str]:
    """Why a period's value for the target looks implausible; [] when it does not.
    `last_approved` is the same unit's value in its last approved earlier period."""
    if value is None:
        return []
    unit = target.unit
    reasons = []
    goal = target.value_max if target.value_max is not None else target.value
    if goal and value > TIMES_TARGET * goal:
        reasons.append(_("%(value)s 超过目标值 %(goal)s 的%(n)s倍") % {
            "value": _figure(value, unit), "goal": _figure(goal, unit), "n": TIMES_TARGET})
    if unit == "%" and value > PERCENT_MAX:
        reasons.append(_("比率 %(value)s 超过100%%") % {"value": _figure(value, unit)})
    if last_approved is not None:
        if target.kind == TargetKind.STOCK and value < last_approved:
            reasons.append(_("累计水平 %(value)s 低于上期已通过的 %(last)s") % {
                "value": _figure(value, unit), "last": _figure(last_approved, unit)})
        if last_approved > 0 and value > TIMES_LAST_PERIOD * last_approved:
            reasons.append(_("%(value)s 是上期已通过数值 %(last)s 的%(times)s倍（超过%(n)s倍）") % {
                "value": _figure(value, unit), "last": _figure(last_approved, unit),
                "times": plain_number((value / last_approved).quantize(Decimal("0.1"))), "n": TIMES_LAST_PERIOD})
    return [str(r) for r in reasons]


def last_approved_values(*, targets: Iterable[Target], unit_id: int, before: date) -> dict[int, Decimal]:
    """The unit's value for each target in its latest approved period starting before
    `before` (the highest version of that period's report)."""
    rows = (
        ActualValue.objects.filter(
            target__in=list(targets), report__unit_id=unit_id, report__state=ProgressReport.State.APPROVED,
            report__period__start__lt=before,
        )
        .order_by("target_id", "-report__period__start", "-report__version")
        .values_list("target_id", "value", "numerator", "denominator")
    )
    last: dict[int, Decimal] = {}
    for target_id, value, numerator, denominator in rows:
        if target_id not in last:
            figure = value if value is not None else rate_of(numerator, denominator)
            if figure is not None:
                last[target_id] = figure
    return last


def value_doubts(*, targets: list[Target], unit_id: int, period_start: date,
                 values: dict[int, Decimal | None]) -> dict[int, str]:
    """{target id: the reasons its value is doubted, joined} for the values given."""
    if not any(v is not None for v in values.values()):
        return {}
    last = last_approved_values(targets=targets, unit_id=unit_id, before=period_start)
    doubts = {}
    for target in targets:
        reasons = doubts_about(target, values.get(target.pk), last_approved=last.get(target.pk))
        if reasons:
            doubts[target.pk] = SEPARATOR.join(reasons)
    return doubts

"""Reporting periods: created with a plan by its frequency, due on a day of the following month,
closed and reopened (with a reason) by the admins."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from tasks.models import Plan

from ..models import Period
from .errors import ReportingError


def _month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_due_date(end: date, due_day: int | None = None) -> date:
    """The day reports are due: by default the 5th of the month after the period."""
    due_day = due_day or settings.REPORTING_DUE_DAY
    first = _add_months(end.replace(day=1), 1)
    return first.replace(day=min(due_day, monthrange(first.year, first.month)[1]))


def period_start_containing(plan: Plan, day: date) -> date:
    """The first day of the plan's period (month, or quarter) that contains `day`."""
    month = day.month if plan.frequency != Plan.Frequency.QUARTERLY else (day.month - 1) // 3 * 3 + 1
    return date(day.year, month, 1)


@transaction.atomic
def periods_create_for_plan(*, plan: Plan, due_day: int | None = None, today: date | None = None) -> int:
    """Create the plan's reporting periods (months, or quarters where the plan says so).

    Running again creates only what is missing. A plan already over gets its periods closed:
    nobody files for 2020 by accident, and an admin can still reopen one, with a reason. So do
    the periods before the plan's first month to report (`Plan.reporting_from`): a plan taken
    in while under way is not late for the months before it came.
    """
    today = today or timezone.localdate()
    step = 3 if plan.frequency == Plan.Frequency.QUARTERLY else 1
    existing = set(plan.periods.values_list("start", flat=True))
    over = plan.year_end < today.year
    periods = []
    start = date(plan.year_start, 1, 1)
    while start.year <= plan.year_end:
        end = _month_end(_add_months(start, step - 1))
        if start not in existing:
            before = plan.reporting_from is not None and end < plan.reporting_from
            closed = over or before
            period = Period(plan=plan, start=start, end=end, due_date=period_due_date(end, due_day),
                            is_open=not closed, closed_at=timezone.now() if closed else None)
            period._change_reason = str(_("方案已结束，周期创建时关闭") if over
                                        else _("开始填报月份之前，周期创建时关闭") if before else _("创建周期"))
            periods.append(period)
        start = _add_months(start, step)
    bulk_create_with_history(periods, Period)
    return len(periods)


@transaction.atomic
def periods_create_for_new_plan(*, plan: Plan, today: date | None = None) -> int:
    """A new plan's periods, whichever way it came (import, draft, the Django admin).

    A plan created while under way, with no first month to report chosen, reports from the
    period that is now: the months already past are created closed, not ten overdue periods
    on every row. The admin can choose an earlier month on 填报周期.
    """
    today = today or timezone.localdate()
    if plan.reporting_from is None and plan.year_start <= today.year <= plan.year_end:
        current = period_start_containing(plan, today)
        if current > date(plan.year_start, 1, 1):
            plan.reporting_from = current
            Plan.objects.filter(pk=plan.pk).update(reporting_from=current)
    return periods_create_for_plan(plan=plan, today=today)


@transaction.atomic
def periods_follow_reporting_from(*, plan: Plan, was: date | None, today: date | None = None) -> tuple[int, int]:
    """After the first month to report changed: close the open periods before it, and reopen
    those the old month had closed (unless the plan is over). Returns (closed, reopened)."""
    today = today or timezone.localdate()
    periods = plan.periods.select_for_update()
    closed = reopened = 0
    if plan.reporting_from is not None:
        for period in periods.filter(is_open=True, end__lt=plan.reporting_from):
            period.is_open, period.closed_at = False, timezone.now()
            period._change_reason = str(_("开始填报月份改为 %(month)s，此前的周期关闭") % {"month": f"{plan.reporting_from:%Y-%m}"})
            period.save(update_fields=["is_open", "closed_at"])
            closed += 1
    if was is not None and plan.year_end >= today.year:
        again = periods.filter(is_open=False, end__lt=was)
        if plan.reporting_from is not None:
            again = again.filter(end__gte=plan.reporting_from)
        for period in again:
            period.is_open = True
            period._change_reason = str(_("开始填报月份提前，周期重新开放"))
            period.save(update_fields=["is_open"])
            reopened += 1
    return closed, reopened


@transaction.atomic
def period_close(*, period: Period, user) -> Period:
    period = Period.objects.select_for_update(of=("self",)).get(pk=period.pk)
    if not period.is_open:
        raise ReportingError(_("%(period)s 已经关闭。") % {"period": period.label})
    period.is_open = False
    period.closed_at = timezone.now()
    period._history_user = user
    period._change_reason = str(_("关闭"))
    period.save(update_fields=["is_open", "closed_at"])
    return period


@transaction.atomic
def period_reopen(*, period: Period, user, reason: str) -> Period:
    """Reopen a closed period; the reason and the admin are kept in the period's history."""
    reason = reason.strip()
    if not reason:
        raise ReportingError(_("重新开放周期须填写原因。"))
    period = Period.objects.select_for_update(of=("self",)).get(pk=period.pk)
    if period.is_open:
        raise ReportingError(_("%(period)s 已经是开放状态。") % {"period": period.label})
    period.is_open = True
    period._history_user = user
    period._change_reason = str(_("重新开放：%(reason)s") % {"reason": reason})[:100]
    period.save(update_fields=["is_open"])
    return period


@transaction.atomic
def period_set_due_date(*, period: Period, user, due_date: date) -> Period:
    if due_date < period.end:
        raise ReportingError(_("报送截止日期不能早于周期结束日（%(end)s）。") % {"end": period.end})
    period._history_user = user
    period._change_reason = str(_("修改报送截止日期"))
    period.due_date = due_date
    period.save(update_fields=["due_date"])
    return period

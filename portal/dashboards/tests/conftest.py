"""Helpers to file approved progress reports on the seed plans, as the reporting workflow
leaves them, and to run the rollup path."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal

import pytest

from indicators.models import ActualValue, Period, ProgressReport, Target
from tasks.models import Measure, Plan
from units.models import Unit


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


class Reporting:
    """Files reports straight into the tables (the reporting workflow is not under test here)."""

    def __init__(self, user):
        self.user = user

    def period(self, plan: Plan, start: date) -> Period:
        months = 3 if plan.frequency == Plan.Frequency.QUARTERLY else 1
        end = month_end(date(start.year + (start.month + months - 2) // 12, (start.month + months - 2) % 12 + 1, 1))
        period, _created = Period.objects.get_or_create(
            plan=plan, start=start, defaults={"end": end, "due_date": end + timedelta(days=5)}
        )
        return period

    def report(self, measure: Measure, unit: Unit, start: date, values: dict, *, version: int = 1,
               state: str = ProgressReport.State.APPROVED, self_status: str = "") -> ProgressReport:
        report = ProgressReport.objects.create(
            measure=measure, unit=unit, period=self.period(measure.task.plan, start), version=version, state=state,
            created_by=self.user, self_status=self_status,
        )
        for target, figure in values.items():
            if isinstance(figure, tuple):
                numerator, denominator = (Decimal(str(x)) for x in figure)
                ActualValue.objects.create(report=report, target=target, numerator=numerator, denominator=denominator,
                                           value=(numerator / denominator * 100).quantize(Decimal("0.01")))
            else:
                ActualValue.objects.create(report=report, target=target, value=Decimal(str(figure)))
        return report


@pytest.fixture(autouse=True)
def fresh_cache():
    """Dashboards are cached per rollup run; a test's rolled-back runs must not leak pages."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reporting(make_user):
    return Reporting(make_user("rollup_reporter", city="zhongshan"))


def measure_of(plan_slug: str, code: str) -> Measure:
    task_number, seq = (int(x) for x in code.split("."))
    return Measure.objects.select_related("task__plan").get(task__plan__slug=plan_slug, task__number=task_number, seq=seq)


def target_of(measure: Measure, indicator_code: str) -> Target:
    return Target.objects.get(measure=measure, indicator__code=indicator_code)


def point(target: Target, as_of: date):
    """The target's figures at a month's end, as the summary tables hold them."""
    from portal.dashboards.models import TargetSeries

    return TargetSeries.objects.select_related("target").get(target=target).point_at(as_of)


def series(target: Target) -> dict:
    from portal.dashboards.models import TargetSeries

    return {p.as_of: p for p in TargetSeries.objects.select_related("target").get(target=target).series()}


def unit_named(city_code: str, name: str) -> Unit:
    return Unit.objects.get(region__code=city_code, name=name)


@pytest.fixture
def no_broker(monkeypatch):
    """Record the recomputes the web side would queue instead of sending them anywhere."""
    from portal.dashboards import services

    queued = []
    monkeypatch.setattr(services, "rollups_enqueue", lambda: queued.append(True) or True)
    return queued

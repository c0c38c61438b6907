"""Reporting periods: monthly by default, quarterly where the plan says so, due on the 5th of
the next month unless configured, created once, closed for plans already over."""

from datetime import date

import pytest
from django.core.management import call_command

from indicators.models import Period
from indicators.services import period_due_date, periods_create_for_plan
from tasks.models import Plan

pytestmark = pytest.mark.django_db


def test_load_demo_created_the_seed_plans_periods():
    counts = {p.slug: p.periods.count() for p in Plan.objects.all()}
    assert counts == {"jiangmen-2020": 12, "zhongshan-2022": 12, "zhongshan-2023-2027": 20, "guangzhou-2024": 12}


def test_a_quarterly_plan_has_quarters_due_the_5th_of_the_next_month():
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    first, last = plan.periods.order_by("start")[0], plan.periods.order_by("start").last()
    assert (first.start, first.end, first.due_date) == (date(2023, 1, 1), date(2023, 3, 31), date(2023, 4, 5))
    assert (last.start, last.end, last.due_date) == (date(2027, 10, 1), date(2027, 12, 31), date(2028, 1, 5))
    assert first.label == "2023年第1季度"


def test_a_monthly_plan_has_months():
    february = Period.objects.get(plan__slug="guangzhou-2024", start=date(2024, 2, 1))
    assert (february.end, february.due_date, february.label) == (date(2024, 2, 29), date(2024, 3, 5), "2024年2月")


def test_the_due_day_is_configurable(settings):
    settings.REPORTING_DUE_DAY = 10
    assert period_due_date(date(2024, 1, 31)) == date(2024, 2, 10)
    assert period_due_date(date(2024, 1, 31), due_day=31) == date(2024, 2, 29)


def test_creating_again_creates_nothing_and_a_plan_over_gets_closed_periods():
    plan = Plan.objects.get(slug="guangzhou-2024")
    assert periods_create_for_plan(plan=plan, today=date(2026, 1, 1)) == 0
    plan.periods.all().delete()
    assert periods_create_for_plan(plan=plan, today=date(2026, 1, 1)) == 12
    assert not plan.periods.filter(is_open=True).exists()
    plan.periods.all().delete()
    periods_create_for_plan(plan=plan, today=date(2024, 6, 1))
    assert plan.periods.filter(is_open=True).count() == 12


def test_the_command_creates_missing_periods(capsys):
    plan = Plan.objects.get(slug="jiangmen-2020")
    plan.periods.filter(start__month__gte=7).delete()
    call_command("create_periods", "jiangmen-2020")
    assert plan.periods.count() == 12
    assert "新建 6 个周期" in capsys.readouterr().out

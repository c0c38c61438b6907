"""Reporting periods: monthly by default, quarterly where the plan says so, due on the 5th of
the next month unless configured, created once, closed for plans already over."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

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


# --- Periods come with the plan ------------------------------------------------------------


def _new_plan(title="新方案", **fields) -> Plan:
    from units.models import Region

    fields.setdefault("year_start", timezone.localdate().year - 1)
    fields.setdefault("year_end", timezone.localdate().year)
    return Plan.objects.create(city=Region.objects.get(code="jiangmen"), title=title, slug="new-plan", **fields)


def test_a_plan_created_under_way_reports_from_the_month_that_is_now_and_nothing_is_overdue():
    today = timezone.localdate()
    plan = _new_plan()
    assert plan.periods.count() == 24
    assert plan.reporting_from == today.replace(day=1)
    open_ = list(plan.periods.filter(is_open=True).values_list("start", flat=True))
    assert open_ == [date(today.year, m, 1) for m in range(today.month, 13)]
    # closed before the first month to report, so 我的任务 counts none of them late
    assert not plan.periods.filter(is_open=True, due_date__lt=today).exists()
    reason = Period.history.filter(plan_id=plan.pk, start=date(today.year - 1, 1, 1)).get().history_change_reason
    assert reason == "开始填报月份之前，周期创建时关闭"


def test_a_plan_created_ahead_has_every_period_open_and_a_quarterly_one_quarters():
    plan = _new_plan(year_start=timezone.localdate().year + 1, year_end=timezone.localdate().year + 1,
                     frequency=Plan.Frequency.QUARTERLY)
    assert plan.reporting_from is None
    assert [p.is_open for p in plan.periods.all()] == [True] * 4


def test_a_plan_created_in_the_django_admin_comes_with_its_periods(client, django_user_model):
    from units.models import Region

    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    year = timezone.localdate().year + 1
    response = client.post(reverse("admin:tasks_plan_add"), {
        "city": Region.objects.get(code="jiangmen").pk, "slug": "admin-plan", "title": "后台新建方案",
        "year_start": year, "year_end": year, "frequency": "monthly", "source_document": "", "reporting_from": "",
    })
    assert response.status_code == 302
    assert Plan.objects.get(slug="admin-plan").periods.filter(is_open=True).count() == 12


def test_an_imported_plan_comes_with_its_periods(tmp_path):
    from portal.imports.ledger.samples import ledger_xlsx

    path = tmp_path / "台账.xlsx"
    year = timezone.localdate().year + 1
    path.write_bytes(ledger_xlsx([["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", f"{year}年12月", "就业创业"]]))
    call_command("import_ledger", str(path), "--city", "江门", "--plan", "导入的方案", "--years", str(year), stdout=StringIO())
    assert Plan.objects.get(title="导入的方案").periods.filter(is_open=True).count() == 12


def test_the_admin_moves_the_first_month_to_report_on_the_periods_page(client, make_user):
    today = timezone.localdate()
    plan = _new_plan()
    client.force_login(make_user("city_admin", role="admin"))
    earlier = date(today.year - 1, 7, 1)
    response = client.post(reverse("reporting:plan_reporting_from", args=[plan.pk]), {"reporting_from": f"{earlier:%Y-%m}"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.reporting_from == earlier
    assert plan.periods.filter(is_open=True).first().start == earlier  # the months since reopened
    page = client.get(reverse("reporting:periods") + f"?plan={plan.pk}").content.decode()
    assert f'value="{earlier:%Y-%m}"' in page and "自" in page

    later = date(today.year, 1, 1)
    client.post(reverse("reporting:plan_reporting_from", args=[plan.pk]), {"reporting_from": f"{later:%Y-%m}"})
    assert plan.periods.filter(is_open=True).first().start == later
    assert not plan.periods.filter(is_open=True, end__lt=later).exists()


def test_the_django_admin_edits_the_first_month_to_report_and_the_periods_follow(client, django_user_model):
    plan = _new_plan()
    client.force_login(django_user_model.objects.create_superuser("root", password=None))
    month = date(plan.year_start, 3, 1)
    response = client.post(reverse("admin:tasks_plan_change", args=[plan.pk]), {
        "city": plan.city_id, "slug": plan.slug, "title": plan.title, "year_start": plan.year_start,
        "year_end": plan.year_end, "frequency": "monthly", "source_document": "", "reporting_from": f"{month:%Y-%m-%d}",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert plan.periods.filter(is_open=True).first().start == month


def test_no_reminder_for_a_period_before_the_first_month_to_report_even_reopened(make_user):
    from indicators.services import ReportingError, period_reopen, reminder_send_manual, reminders_send

    today = timezone.localdate()
    plan = _new_plan()
    Period.objects.exclude(plan=plan).update(is_open=False)
    early = plan.periods.get(start=date(today.year - 1, 1, 1))
    admin = make_user("city_admin", role="admin")
    period_reopen(period=early, user=admin, reason="补录")
    assert reminders_send(today=today).late == 0
    with pytest.raises(ReportingError, match="在开始填报月份之前，不催办"):
        reminder_send_manual(period=early, user=admin)

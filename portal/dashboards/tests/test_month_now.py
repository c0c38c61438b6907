"""The month that is now: dashboards open on the current month with what has been approved so
far; a target whose period has not ended is never 逾期; a trend runs over the plans in force
at the chosen month, up to it."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import Period
from indicators.services import report_approve, report_save_draft, report_submit
from indicators.tests.reporting_fixtures import report_input
from portal.dashboards import reads, rollups, services
from portal.dashboards.models import MeasureSummary
from units.models import Region

from . import test_rollups as plain

def test_a_per_year_target_is_not_overdue_before_its_year_is_over():
    t = plain.target(kind="flow_annual", value="2000", start=date(2023, 1, 1), end=date(2027, 12, 31))
    rows = [plain.value(date(2026, 1, 1), "1500")]
    december = date(2026, 12, 31)
    now, = rollups.target_series(t, rows, [december], today=date(2026, 12, 2))
    assert now.status != rollups.OVERDUE
    assert now.time_elapsed == pytest.approx((11 + 2 / 31) / 12)
    assert rollups.target_series(t, rows, [december], today=date(2027, 1, 1))[0].status == rollups.OVERDUE
    row = SimpleNamespace(**{f: getattr(t, f) for f in t.__dataclass_fields__})
    assert rollups.figures_at(row, december, now.actual, today=date(2026, 12, 2))[0] == pytest.approx(now.time_elapsed)


def test_a_measure_without_a_number_is_not_overdue_on_the_day_before_its_deadline():
    progress = rollups.measure_from_reports(date(2026, 12, 31), ["on_track"], deadline=date(2026, 12, 31),
                                            recurring=False, today=date(2026, 12, 2))
    assert progress.status == rollups.GREEN


def test_the_default_month_is_the_month_that_is_now():
    months = [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]
    assert reads.pick_month(months, None, today=date(2026, 12, 2)) == date(2026, 12, 31)
    assert reads.pick_month(months[:2], None, today=date(2026, 12, 2)) == date(2026, 11, 30)
    assert reads.pick_month(months, date(2026, 10, 31), today=date(2026, 12, 2)) == date(2026, 10, 31)


def test_a_trend_runs_over_the_plans_in_force_at_the_chosen_month_up_to_it():
    rows = [SimpleNamespace(as_of=m) for m in rollups.month_ends(date(2020, 1, 1), date(2026, 12, 31))]
    plans = [(2020, 2020), (2022, 2022), (2023, 2027)]
    october = reads.trend_window(rows, date(2026, 10, 31), plans)
    assert (october[0].as_of, october[-1].as_of) == (date(2023, 1, 31), date(2026, 10, 31))
    old = reads.trend_window(rows, date(2020, 6, 30), plans)
    assert (old[0].as_of, old[-1].as_of) == (date(2020, 1, 31), date(2020, 6, 30))


@pytest.mark.django_db
def test_an_approval_made_today_shows_on_the_dashboard_opened_without_a_month(client, make_user, people, measure,
                                                                               target):
    today = timezone.localdate()
    period = Period.objects.filter(plan=measure.task.plan).containing(today).get()
    Period.objects.filter(pk=period.pk).update(is_open=True)
    staff, reviewer = people["lead_staff"], people["reviewer"]
    report = report_save_draft(measure=measure, unit=staff.memberships.get().unit, period=period, user=staff,
                               data=report_input(target, Decimal("7")), revision=None)
    report = report_submit(report=report, user=staff, revision=report.revision)
    report_approve(report=report, user=reviewer)
    services.rollups_rebuild()  # what the job queued after the approval does

    now = rollups.month_end(today)
    client.force_login(make_user("zs_leader_now", city="zhongshan", role="leader"))
    body = client.get(reverse("dashboards:city", args=[Region.objects.get(code="zhongshan").pk])).content.decode()
    assert f"截至 {now.year}年{now.month}月" in body
    summary = MeasureSummary.objects.get(measure=measure, as_of=now)
    assert summary.status not in (rollups.NO_DATA, rollups.OVERDUE)  # 7 of 60 this year, the year not over
    chart = client.get(reverse("dashboards:measure", args=[measure.pk])).content.decode()
    assert "7个" in chart or '"7' in chart


@pytest.fixture
def people(person):
    return {"lead_staff": person("lead_staff_now"), "reviewer": person("reviewer_now", role="reviewer")}


from indicators.tests.reporting_fixtures import measure, person, target, unit_of  # noqa: E402,F401,F811

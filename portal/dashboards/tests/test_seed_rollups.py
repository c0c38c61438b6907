"""Rollups on the real seed plans, against figures worked out by hand."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from indicators.models import ProgressReport
from portal.dashboards import services
from portal.dashboards.models import (
    CitySummary, MeasureSummary, PlanSummary, ProgrammeCitySummary, RollupRun, TargetSeries, TaskSummary, UnitSummary,
)
from tasks.signals import notify_progress_changed

from .conftest import measure_of, point, series, target_of, unit_named

pytestmark = pytest.mark.django_db

ZS = "zhongshan-2023-2027"
HALF_WAY = date(2025, 6, 30)


@pytest.fixture
def new_jobs(reporting):
    """中山 1.1 城镇新增就业 (2023—2027 累计 22.5万人), filed quarter by quarter.

    发展改革局 (lead): 2023: 10000+11000+12000+12000 = 45000; 2024: 11000+12000+12000+11000
    = 46000; 2025 Q1–Q2: 10000+11000 = 21000. 三乡镇 (support) adds 1000 in 2025 Q2.
    A report still waiting for review (三角镇, 50000) does not count.
    Total at 2025-06-30: 113000 = 50.2 % of 225000 after 50 % of the time → green.
    """
    measure = measure_of(ZS, "1.1")
    target = target_of(measure, "urban_new_jobs")
    lead = unit_named("zhongshan", "市发展改革局")
    quarters = [(2023, 1, 10000), (2023, 4, 11000), (2023, 7, 12000), (2023, 10, 12000),
                (2024, 1, 11000), (2024, 4, 12000), (2024, 7, 12000), (2024, 10, 11000),
                (2025, 1, 10000), (2025, 4, 11000)]
    first = None
    for year, month, amount in quarters:
        report = reporting.report(measure, lead, date(year, month, 1), {target: amount})
        first = first or report
    reporting.report(measure, unit_named("zhongshan", "三乡镇"), date(2025, 4, 1), {target: 1000})
    reporting.report(measure, unit_named("zhongshan", "三角镇"), date(2025, 4, 1), {target: 50000},
                     state=ProgressReport.State.SUBMITTED)
    services.rollups_rebuild()
    return measure, target, lead, first


def test_a_cumulative_five_year_target_half_way_through_its_period(new_jobs):
    measure, target, _lead, _first = new_jobs
    row = point(target, HALF_WAY)
    assert row.actual == 113000
    assert row.completion == pytest.approx(113000 / 225000)
    assert row.time_elapsed == pytest.approx(0.5)
    assert row.expected == pytest.approx(112500)
    assert row.status == "green"
    assert MeasureSummary.objects.get(measure=measure, as_of=HALF_WAY).status == "green"


def test_the_plan_city_programme_and_units_count_the_measure_once(new_jobs):
    measure, *_ = new_jobs
    plan = measure.task.plan
    plan_row = PlanSummary.objects.get(plan=plan, as_of=HALF_WAY)
    assert (plan_row.n_green, plan_row.n_no_data, plan_row.total) == (1, 48, 49)
    assert plan_row.completion == pytest.approx(113000 / 225000)
    assert plan_row.time_elapsed == pytest.approx(0.5)
    city = CitySummary.objects.get(city=plan.city, as_of=HALF_WAY)
    assert (city.plans_n, city.n_green, city.total) == (1, 1, 49)  # the 2022 plan is over
    jobs = ProgrammeCitySummary.objects.get(programme__code="jobs", city=plan.city, as_of=HALF_WAY)
    assert jobs.n_green == 1
    for unit in ("市发展改革局", "三乡镇"):  # lead and support both answer for it
        assert UnitSummary.objects.get(unit=unit_named("zhongshan", unit), as_of=HALF_WAY).n_green == 1
    assert services.rollups_check() == []


def test_a_ceiling_met_and_then_not_met(reporting):
    """广州 14.7 失业保险费率降至1% (≤ 1 %): 0.9 % in March is met; 1.2 % in June is not, and
    at the end of 2024 the year is over unmet."""
    measure = measure_of("guangzhou-2024", "14.7")
    target = target_of(measure, "unemployment_insurance_rate")
    bureau = unit_named("guangzhou", "市人力资源和社会保障局")
    reporting.report(measure, bureau, date(2024, 3, 1), {target: "0.9"})
    reporting.report(measure, bureau, date(2024, 6, 1), {target: "1.2"})
    services.rollups_rebuild()
    rows = series(target)
    assert (rows[date(2024, 2, 29)].status, rows[date(2024, 2, 29)].actual) == ("no_data", None)
    assert rows[date(2024, 2, 29)].expected is None  # a level has no trajectory
    assert (rows[date(2024, 3, 31)].status, rows[date(2024, 3, 31)].completion) == ("done", 1.0)
    assert (rows[date(2024, 6, 30)].status, rows[date(2024, 6, 30)].actual) == ("red", Decimal("1.2"))
    assert rows[date(2024, 12, 31)].status == "overdue"
    assert CitySummary.objects.get(city=measure.task.plan.city, as_of=date(2024, 3, 31)).n_done == 1


def _measure_page_figure(client, target) -> str:
    """The approved figure the measure page shows for this target."""
    body = client.get(reverse("measure_detail", args=[target.measure_id])).content.decode()
    cells = re.findall(r'<td class="approved-figure">(.*?)</td>', body)
    return cells[[t.pk for t in target.measure.targets.all()].index(target.pk)]


def test_a_level_two_units_report_is_the_lead_units_on_the_measure_page_and_the_dashboards(
    reporting, client, make_user
):
    """中山 13.1 技能人才总量 (a stock, 120万人): the bureau leads, 教育体育局 and 工业和信息化局
    support. In 2024 Q2 the bureau reports 95万 and the supporters 110万 and 2万: the level is
    the lead's, not the highest nor the last filed. In Q3 only the supporters report (100万,
    3万): the highest. Levels are never added up."""
    measure = measure_of(ZS, "13.1")
    target = target_of(measure, "skilled_talent_total")
    lead, education, industry = (unit_named("zhongshan", name) for name in ("市人力资源和社会保障局", "市教育体育局", "市工业和信息化局"))
    client.force_login(make_user("zs_reader", city="zhongshan"))

    reporting.report(measure, education, date(2024, 4, 1), {target: 1100000})
    reporting.report(measure, lead, date(2024, 4, 1), {target: 950000})
    reporting.report(measure, industry, date(2024, 4, 1), {target: 20000})
    services.rollups_rebuild()
    assert _measure_page_figure(client, target) == "95万人"
    assert point(target, date(2024, 6, 30)).actual == 950000

    reporting.report(measure, industry, date(2024, 7, 1), {target: 30000})
    reporting.report(measure, education, date(2024, 7, 1), {target: 1000000})
    services.rollups_rebuild()
    assert _measure_page_figure(client, target) == "100万人"
    assert point(target, date(2024, 9, 30)).actual == 1000000
    assert point(target, date(2024, 6, 30)).actual == 950000  # Q2 still reads as it did


def test_a_per_year_target_starts_again_in_the_new_year(reporting):
    """中山 3.3 每年提供见习岗位3000个以上: 800 a quarter in 2024 makes 3200 (done); 2025
    starts from nothing, 700 in Q1 counts alone: 23 % after one month is green, after three
    months (25 % of the year, amber threshold 20 %) amber."""
    measure = measure_of(ZS, "3.3")
    target = target_of(measure, "traineeship_posts")
    unit = unit_named("zhongshan", "团市委")
    for month in (1, 4, 7, 10):
        reporting.report(measure, unit, date(2024, month, 1), {target: 800})
    reporting.report(measure, unit, date(2025, 1, 1), {target: 700})
    services.rollups_rebuild()
    rows = series(target)
    assert (rows[date(2024, 12, 31)].actual, rows[date(2024, 12, 31)].status) == (3200, "done")
    january = rows[date(2025, 1, 31)]
    assert (january.actual, january.status) == (700, "green")
    assert january.time_elapsed == pytest.approx(1 / 12)
    assert (rows[date(2025, 3, 31)].actual, rows[date(2025, 3, 31)].status) == (700, "amber")
    assert rows[date(2025, 12, 31)].status == "overdue"  # nothing more in 2025


def test_a_late_correction_to_an_earlier_quarter_changes_every_figure_after_it(new_jobs, reporting, no_broker,
                                                                             django_capture_on_commit_callbacks):
    """2023 Q1 is corrected from 10000 to 4000 in 2025: every month from January 2023 loses
    6000. At half-way 107000 = 47.6 % < 50 % (but ≥ 40 %): green turns amber, and so does
    every count above the measure."""
    measure, target, lead, first = new_jobs
    others = set(TargetSeries.objects.exclude(measure=measure).values_list("pk", flat=True))
    runs = RollupRun.objects.filter(kind="incremental").count()
    before = {m: p.actual for m, p in series(target).items()}
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            reporting.report(measure, lead, first.period.start, {target: 4000}, version=2)
            notify_progress_changed([measure.pk])
    assert no_broker == [True]  # one recompute queued, after the commit

    run = services.rollups_recompute_dirty()
    assert (run.kind, run.measures) == ("incremental", 1)
    after = {m: p.actual for m, p in series(target).items()}
    assert after.keys() == before.keys()
    assert all(after[m] == before[m] - 6000 for m in before if before[m] is not None)
    assert after[date(2023, 3, 31)] == 4000 and after[HALF_WAY] == 107000
    assert point(target, HALF_WAY).status == "amber"
    plan = measure.task.plan
    assert MeasureSummary.objects.get(measure=measure, as_of=HALF_WAY).status == "amber"
    assert TaskSummary.objects.get(task=measure.task, as_of=HALF_WAY).n_amber == 1
    assert (PlanSummary.objects.get(plan=plan, as_of=HALF_WAY).n_green,
            PlanSummary.objects.get(plan=plan, as_of=HALF_WAY).n_amber) == (0, 1)
    assert CitySummary.objects.get(city=plan.city, as_of=HALF_WAY).completion == pytest.approx(107000 / 225000)
    assert ProgrammeCitySummary.objects.get(programme__code="jobs", city=plan.city, as_of=HALF_WAY).n_amber == 1
    assert UnitSummary.objects.get(unit=lead, as_of=HALF_WAY).n_amber == 1
    # Only the touched measure was rewritten; the check finds the tables right.
    assert others <= set(TargetSeries.objects.values_list("pk", flat=True))
    assert services.rollups_check() == []
    assert services.rollups_recompute_dirty() is None  # nothing left
    assert RollupRun.objects.filter(kind="incremental").count() == runs + 1

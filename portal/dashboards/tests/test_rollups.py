"""The pure rollup functions, on plain rows: no database."""

from datetime import date
from decimal import Decimal as D

import pytest

from portal.dashboards import rollups
from portal.dashboards.rollups import (
    AMBER, DONE, GREEN, NO_DATA, NOT_STARTED, OVERDUE, RED, MeasureProgress, ReportRow, TargetRow, Thresholds,
    ValueRow,
)


def target(kind="flow_cumulative", value="225000", comparator="gte", start=date(2023, 1, 1), end=date(2027, 12, 31),
           unit="人", value_max=None, pk=1):
    return TargetRow(pk, kind, comparator, D(value), D(value_max) if value_max else None, unit, start, end)


def value(period_start, amount=None, unit_id=1, numerator=None, denominator=None, lead=False, pk=1):
    return ValueRow(pk, unit_id, period_start, None if amount is None else D(amount),
                    None if numerator is None else D(numerator), None if denominator is None else D(denominator), lead)


def at(t, rows, day, thresholds=Thresholds()):
    return rollups.target_series(t, rows, [day], thresholds)[0]


def test_only_the_highest_approved_version_of_a_report_counts():
    # (id, measure, unit, period, version): 11 corrects 10; 12 is another unit's; 13 another period's.
    reports = [(10, 1, 1, 1, 1), (11, 1, 1, 1, 2), (12, 1, 2, 1, 1), (13, 1, 1, 2, 1)]
    assert rollups.counting_reports(reports) == {11, 12, 13}


# --- time elapsed ---------------------------------------------------------------------------


def test_it_counts_half_way_through_a_five_year_plan_at_the_end_of_june_2025():
    assert rollups.time_elapsed(date(2023, 1, 1), date(2027, 12, 31), date(2025, 6, 30)) == pytest.approx(0.5)


def test_it_counts_half_a_year_at_the_end_of_june_and_a_share_of_the_days_within_a_month():
    year = (date(2024, 1, 1), date(2024, 12, 31))
    assert rollups.time_elapsed(*year, date(2024, 6, 30)) == pytest.approx(0.5)
    assert rollups.time_elapsed(*year, date(2024, 7, 16)) == pytest.approx((6 + 16 / 31) / 12)
    assert rollups.time_elapsed(*year, date(2023, 12, 31)) == 0.0
    assert rollups.time_elapsed(*year, date(2025, 3, 1)) == 1.0


def test_it_lists_a_plans_months_up_to_the_current_one_only():
    months = rollups.plan_months(2023, 2027, date(2027, 12, 31), today=date(2026, 11, 28))
    assert months[0] == date(2023, 1, 31) and months[-1] == date(2026, 11, 30) and len(months) == 47
    assert rollups.plan_months(2024, 2024, date(2025, 12, 31), today=date(2026, 11, 28))[-1] == date(2025, 12, 31)
    assert rollups.plan_months(2030, 2030, None, today=date(2026, 11, 28)) == []


# --- completion per kind --------------------------------------------------------------------


def test_it_adds_a_cumulative_target_across_units_and_periods_up_to_the_date():
    t = target()
    rows = [value(date(2023, 1, 1), "40000"), value(date(2024, 1, 1), "50000"), value(date(2024, 1, 1), "3000", unit_id=2),
            value(date(2025, 4, 1), "20000"), value(date(2025, 7, 1), "99999")]  # after the date: not yet
    progress = at(t, rows, date(2025, 6, 30))
    assert progress.actual == D("113000")
    assert progress.completion == pytest.approx(113000 / 225000)
    assert progress.time_elapsed == pytest.approx(0.5)
    assert progress.expected == pytest.approx(112500)
    assert progress.status == GREEN


def test_it_starts_a_per_year_target_again_in_january():
    t = target(kind="flow_annual", value="3000", unit="个")
    rows = [value(date(2024, m, 1), "800") for m in (1, 4, 7, 10)] + [value(date(2025, 1, 1), "700")]
    december, january, june = rollups.target_series(t, rows, [date(2024, 12, 31), date(2025, 1, 31), date(2025, 6, 30)])
    assert (december.actual, december.status) == (D("3200"), DONE)
    assert january.actual == D("700") and january.time_elapsed == pytest.approx(1 / 12)
    assert january.status == GREEN  # 23 % done after 8 % of the year
    assert june.actual == D("700") and june.status == RED  # still 700 at half-year


def test_a_per_year_target_counts_time_within_its_year_from_the_first_year_on():
    t = target(kind="flow_annual", value="3000", unit="个")  # 2023—2027, 3000 a year
    june_2023, june_2025 = rollups.target_series(t, [value(date(2023, 1, 1), "1500")], [date(2023, 6, 30), date(2025, 6, 30)])
    assert june_2023.time_elapsed == pytest.approx(0.5) and june_2023.status == GREEN
    assert june_2025.time_elapsed == pytest.approx(0.5) and june_2025.status == NO_DATA


def test_it_calls_a_per_year_target_missed_in_its_year_overdue_at_the_years_end():
    t = target(kind="flow_annual", value="3000", unit="个")
    progress = at(t, [value(date(2024, 1, 1), "2000")], date(2024, 12, 31))
    assert progress.status == OVERDUE


def test_a_ceiling_is_done_while_met_and_red_then_overdue_when_not():
    t = target(kind="ceiling", comparator="lte", value="1", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31))
    rows = [value(date(2024, 3, 1), "0.9"), value(date(2024, 6, 1), "1.2")]
    march, june, december = rollups.target_series(t, rows, [date(2024, 3, 31), date(2024, 6, 30), date(2024, 12, 31)])
    assert (march.status, march.completion) == (DONE, 1.0)
    assert (june.actual, june.status, june.completion) == (D("1.2"), RED, 0.0)
    assert december.status == OVERDUE


def test_it_combines_a_rate_from_numerators_and_denominators_never_by_averaging():
    t = target(kind="rate", value="90", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31))
    rows = [value(date(2024, 6, 1), "90", unit_id=1, numerator=90, denominator=100),
            value(date(2024, 6, 1), "25", unit_id=2, numerator=100, denominator=400)]
    progress = at(t, rows, date(2024, 6, 30))
    assert progress.actual == D("38.0000")  # 190 / 500, not (90 + 25) / 2
    assert progress.completion == pytest.approx(38 / 90)


def test_one_units_rate_is_its_numerator_over_its_denominator():
    t = target(kind="rate", value="90", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31))
    progress = at(t, [value(date(2024, 3, 1), None, numerator=45, denominator=48)], date(2024, 3, 31))
    assert progress.actual == D("93.7500") and progress.status == DONE


def test_a_level_takes_the_latest_period_and_the_lead_units_figure():
    t = target(kind="stock", value="1200000")
    rows = [value(date(2024, 1, 1), "900000", lead=True), value(date(2024, 4, 1), "950000", lead=True),
            value(date(2024, 4, 1), "10000", unit_id=2)]
    progress = at(t, rows, date(2024, 6, 30))
    assert progress.actual == D("950000")
    assert progress.expected is None  # no trajectory for a level


def test_a_level_no_lead_unit_reports_is_the_highest_one():
    t = target(kind="stock", value="1200000")
    rows = [value(date(2024, 4, 1), "950000", lead=True),
            value(date(2024, 7, 1), "30000", unit_id=2), value(date(2024, 7, 1), "1000000", unit_id=3)]
    assert at(t, rows, date(2024, 9, 30)).actual == D("1000000")


# The measure page (indicators.figures) reads the same rows as the dashboards: (target, rows,
# the latest period's start, the month end the dashboards read).
SAME_FIGURE = {
    "a stock, the lead's level": (
        target(kind="stock", value="1200000"),
        [value(date(2024, 1, 1), "900000", lead=True), value(date(2024, 4, 1), "1100000", unit_id=2),
         value(date(2024, 4, 1), "950000", lead=True), value(date(2024, 4, 1), "20000", unit_id=3)],
        date(2024, 4, 1), date(2024, 6, 30)),
    "a stock, no lead: the highest": (
        target(kind="stock", value="1200000"),
        [value(date(2024, 4, 1), "950000", lead=True),
         value(date(2024, 7, 1), "30000", unit_id=2), value(date(2024, 7, 1), "1000000", unit_id=3)],
        date(2024, 7, 1), date(2024, 9, 30)),
    "a stock, an empty cell keeps the level": (
        target(kind="stock", value="1200000"),
        [value(date(2024, 4, 1), "950000", lead=True), value(date(2024, 7, 1), None, lead=True)],
        date(2024, 7, 1), date(2024, 9, 30)),
    "a rate from two units' numerators and denominators": (
        target(kind="rate", value="90", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31)),
        [value(date(2024, 6, 1), "88.89", numerator=8, denominator=9, lead=True),
         value(date(2024, 6, 1), "25", unit_id=2, numerator=100, denominator=400)],
        date(2024, 6, 1), date(2024, 6, 30)),
    "a rate, one unit without a denominator": (
        target(kind="rate", value="90", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31)),
        [value(date(2024, 6, 1), "88.89", numerator=8, denominator=9), value(date(2024, 6, 1), "99", unit_id=2, lead=True)],
        date(2024, 6, 1), date(2024, 6, 30)),
    "a ceiling in %, two supporters": (
        target(kind="ceiling", comparator="lte", value="1", unit="%", start=date(2024, 1, 1), end=date(2024, 12, 31)),
        [value(date(2024, 3, 1), "0.9", unit_id=2), value(date(2024, 3, 1), "1.2", unit_id=3)],
        date(2024, 3, 1), date(2024, 3, 31)),
    "a per-year flow read after its year": (
        target(kind="flow_annual", value="60", unit="个", start=date(2024, 1, 1), end=date(2024, 12, 31)),
        [value(date(2024, 1, 1), "25"), value(date(2024, 7, 1), "40", unit_id=2)],
        date(2025, 1, 1), date(2025, 3, 31)),
}


@pytest.mark.parametrize("case", SAME_FIGURE)
def test_the_measure_page_reads_the_figure_the_dashboards_read(case):
    from indicators import figures

    t, rows, latest_start, month = SAME_FIGURE[case]
    page_rows = [figures.ValueRow(r.target_id, r.unit_id, r.period_start.month, r.period_start, 1, r.value,
                                  r.numerator, r.denominator, r.lead) for r in rows]
    spec = figures.TargetSpec(t.id, t.kind, t.comparator, t.value, t.value_max, t.unit, t.period_start, t.period_end)
    page = figures.progress(spec, page_rows, as_of=latest_start)
    dashboard = at(t, rows, month)
    assert page.figure is not None and page.figure == dashboard.actual
    assert page.met == (dashboard.status == DONE)


def test_a_range_is_done_from_its_lower_end():
    t = target(kind="range", comparator="between", value="1", value_max="2", unit="个", end=date(2025, 12, 31))
    assert at(t, [value(date(2024, 1, 1), "1")], date(2024, 3, 31)).status == DONE


def test_no_approved_value_is_no_data_even_after_the_deadline_and_before_the_start_not_started():
    t = target(start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert at(t, [], date(2024, 5, 31)).status == NO_DATA
    assert at(t, [], date(2025, 5, 31)).status == NO_DATA
    assert at(t, [], date(2023, 5, 31)).status == NOT_STARTED


def test_the_thresholds_decide_between_green_amber_and_red():
    t = target(kind="flow_annual", value="1200", start=date(2024, 1, 1), end=date(2024, 12, 31))
    rows = [value(date(2024, 1, 1), "510")]  # 42.5 % done at half-year
    assert at(t, rows, date(2024, 6, 30)).status == AMBER  # ≥ 0.8 × 50 %
    assert at(t, rows, date(2024, 6, 30), Thresholds(1.0, 0.9)).status == RED
    assert at(t, rows, date(2024, 6, 30), Thresholds(0.85, 0.5)).status == GREEN


# --- measures and sums ----------------------------------------------------------------------


def progress(status, completion=None, elapsed=0.5):
    return rollups.TargetProgress(date(2024, 6, 30), status, elapsed, None if completion is None else D(1), completion)


def test_a_measure_takes_the_worst_status_of_its_targets_with_data():
    measure = rollups.measure_from_targets(
        date(2024, 6, 30), [progress(GREEN, 0.6), progress(RED, 0.1), progress(NO_DATA), progress(NOT_STARTED)]
    )
    assert measure.status == RED
    assert (measure.completion_sum, measure.completion_n, measure.targets_n) == (pytest.approx(0.7), 2, 3)
    assert measure.lateness == pytest.approx(0.4)
    assert rollups.measure_from_targets(date(2024, 6, 30), [progress(NO_DATA)]).status == NO_DATA


def test_completion_is_capped_at_one_in_the_mean():
    measure = rollups.measure_from_targets(date(2024, 6, 30), [progress(DONE, 2.0), progress(GREEN, 0.6)])
    assert measure.status == GREEN and measure.completion_sum == pytest.approx(1.6)


def test_a_measure_with_no_number_takes_its_status_from_its_reports():
    months = [date(2024, 3, 31), date(2024, 6, 30), date(2024, 12, 31)]
    rows = [ReportRow(1, date(2024, 1, 1), "on_track"), ReportRow(2, date(2024, 4, 1), "behind")]
    series = rollups.report_series(rows, months, deadline=date(2024, 12, 31), recurring=False)
    assert [p.status for p in series] == [GREEN, RED, OVERDUE]
    series = rollups.report_series(rows, months, deadline=date(2024, 12, 31), recurring=True)
    assert series[-1].status == RED  # every year: no final deadline
    assert rollups.report_series([], months, deadline=date(2024, 1, 1), recurring=False)[-1].status == NO_DATA
    done = [ReportRow(1, date(2024, 10, 1), "done")]
    assert rollups.report_series(done, months, deadline=date(2024, 12, 31), recurring=False)[-1].status == DONE


def test_tallies_add_up_measures_and_combine():
    day = date(2024, 6, 30)
    a = rollups.tally([MeasureProgress(day, RED, 0.2, 1), MeasureProgress(day, GREEN, 1.5, 2, sample=True)])
    b = rollups.tally([MeasureProgress(day, NO_DATA)])
    total = rollups.combine([a, b])
    assert (total.red, total.green, total.no_data, total.total) == (1, 1, 1, 3)
    assert total.completion == pytest.approx(1.7 / 3)
    assert total.n_sample == 1


def test_the_lateness_ranking_puts_the_worst_and_furthest_behind_first():
    rows = [(1, GREEN, 0.0), (2, RED, 0.1), (3, RED, 0.4), (4, OVERDUE, None), (5, RED, None), (6, NO_DATA, None)]
    ranked = sorted(rows, key=lambda r: rollups.lateness_rank(r[1], r[2], r[0]))
    assert [key for key, *_rest in ranked] == [4, 3, 2, 5, 1, 6]


def test_a_stored_series_reads_back_the_figures_it_was_computed_with():
    """TargetSeries keeps [actual, status] a month; time elapsed, completion and trajectory
    are worked out again when read, and must be those of target_series."""
    from portal.dashboards.computing import points_json
    from portal.dashboards.models import TargetSeries
    from indicators.models import Target

    for kind, comparator, goal in (("flow_annual", "gte", "3000"), ("flow_cumulative", "gte", "225000"),
                                   ("ceiling", "lte", "3.2"), ("stock", "gte", "1200000")):
        t = target(kind=kind, comparator=comparator, value=goal)
        rows = [value(date(2023, m, 1), "700") for m in (1, 4, 7)] + [value(date(2024, 2, 1), "900")]
        months = rollups.month_ends(date(2023, 1, 1), date(2024, 12, 31))
        computed = rollups.target_series(t, rows, months)
        model = Target(pk=1, kind=kind, comparator=comparator, value=D(goal), value_max=None, unit="人",
                       period_start=t.period_start, period_end=t.period_end)
        stored = TargetSeries(first_as_of=months[0], last_as_of=months[-1], points=points_json(computed))
        for fresh, read in zip(computed, stored.series(model), strict=True):
            assert (read.as_of, read.actual, read.status) == (fresh.as_of, fresh.actual, fresh.status)
            assert (read.time_elapsed, read.completion, read.expected) == (fresh.time_elapsed, fresh.completion,
                                                                           fresh.expected)

"""The figures a report form and a measure page show, on plain rows: no database."""

from datetime import date
from decimal import Decimal as D

from indicators.figures import TargetSpec, ValueRow, counting, progress

Q1, Q2, Q3 = date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1)


def spec(kind="stock", value="1200000", unit="人", comparator="gte", start=date(2023, 1, 1), end=date(2027, 12, 31)):
    return TargetSpec(1, kind, comparator, D(value), None, unit, start, end)


def row(start, value=None, unit_id=1, numerator=None, denominator=None, lead=False, version=1):
    return ValueRow(1, unit_id, start.month, start, version, None if value is None else D(value),
                    None if numerator is None else D(numerator), None if denominator is None else D(denominator), lead)


def test_a_level_several_units_report_is_the_lead_units_else_the_highest_never_their_sum():
    rows = [row(Q1, "900000", unit_id=1, lead=True),
            row(Q2, "1100000", unit_id=2), row(Q2, "950000", unit_id=1, lead=True), row(Q2, "20000", unit_id=3)]
    figure = progress(spec(), rows, as_of=Q2)
    assert (figure.figure, figure.completion, figure.met) == (D("950000"), D("79.2"), False)
    without_lead = [row(Q3, "30000", unit_id=3), row(Q3, "1000000", unit_id=2)]
    assert progress(spec(), rows + without_lead, as_of=Q3).figure == D("1000000")


def test_a_rate_several_units_report_is_their_numerators_over_their_denominators():
    rows = [row(Q2, "90", unit_id=1, numerator=90, denominator=100, lead=True),
            row(Q2, "25", unit_id=2, numerator=100, denominator=400)]
    assert progress(spec(kind="rate", value="90", unit="%"), rows, as_of=Q2).figure == D("38")  # 190 / 500


def test_a_correction_replaces_its_earlier_version():
    rows = counting([row(Q2, "950000", lead=True), row(Q2, "990000", lead=True, version=2)])
    assert progress(spec(), rows, as_of=Q2).figure == D("990000")


def test_a_per_year_target_read_after_its_year_keeps_that_years_figure():
    """2024 only, 60 a year; the measure page reads it when the plan's latest reports are 2025's."""
    target = spec(kind="flow_annual", value="60", unit="个", start=date(2024, 1, 1), end=date(2024, 12, 31))
    rows = [row(Q1, "25"), row(Q3, "40")]
    figure = progress(target, rows, as_of=date(2025, 1, 1))
    assert (figure.figure, figure.met) == (D("65"), True)

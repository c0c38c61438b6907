"""A closed (已销号) measure on the dashboards and in the scores (#14): with no numeric target
it counts as done whatever its reports said; with targets its figures still decide; closing
scores the units again at once, not only at night."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.models import ProgressReport
from portal.dashboards import rollups
from portal.dashboards.models import MeasureSummary, Status
from portal.dashboards.services import rollups_recompute_measures
from portal.supervision.models import Rule, Scheme, ScoreSummary
from portal.supervision.services.closing import closure_apply, closure_check, closure_decide
from portal.tests.workers import celery_conf
from tasks.models import Measure

pytestmark = pytest.mark.django_db


def test_report_series_counts_a_closed_measure_done_from_its_sign_off_whatever_its_reports_say():
    months = [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]
    rows = [rollups.ReportRow(unit_id=1, period_start=date(2024, 1, 1), self_status="behind")]
    open_series = rollups.report_series(rows, months, deadline=None, recurring=False)
    closed = rollups.report_series(rows, months, deadline=None, recurring=False, closed_on=date(2024, 2, 10))
    assert [p.status for p in open_series] == [Status.RED] * 3
    assert [p.status for p in closed] == [Status.RED, Status.DONE, Status.DONE]


@pytest.fixture
def bureau(unit_of):
    return unit_of("市人力资源和社会保障局")


def _close(measure, bureau, people, monkeypatch, met, **apply):
    monkeypatch.setattr("portal.supervision.services.closing.targets_met", lambda m: met)
    closure = closure_apply(measure=measure, unit=bureau, user=people["lead_staff"], statement="已完成", **apply)
    closure = closure_check(closure=closure, user=people["reviewer"], approve=True)
    return closure_decide(closure=closure, user=people["leader"], approve=True, comment="同意")


def _latest_status(measure) -> str:
    return MeasureSummary.objects.filter(measure=measure).order_by("-as_of").values_list("status", flat=True).first()


def qualitative_measure(bureau) -> Measure:
    return (Measure.objects.filter(task__plan__slug="zhongshan-2023-2027", targets__isnull=True,
                                   responsibilities__unit=bureau, responsibilities__role="lead")
            .order_by("pk").first())


def test_a_closed_measure_with_no_target_is_done_on_the_dashboards_and_in_the_check(bureau, people, period, monkeypatch):
    from portal.dashboards.services import rollups_check

    measure = qualitative_measure(bureau)
    ProgressReport.objects.create(measure=measure, unit=bureau, period=period, state="approved", self_status="behind",
                                  created_by=people["lead_staff"], reviewed_by=people["reviewer"])
    rollups_recompute_measures(measure_ids=[measure.pk])
    assert _latest_status(measure) != Status.DONE
    _close(measure, bureau, people, monkeypatch, None)
    rollups_recompute_measures(measure_ids=[measure.pk])
    assert _latest_status(measure) == Status.DONE
    assert not [d for d in rollups_check() if f"measure {measure.pk}" in str(d)]


def test_a_closed_measure_with_unmet_targets_keeps_what_its_figures_say(measure, bureau, people, monkeypatch):
    rollups_recompute_measures(measure_ids=[measure.pk])
    before = _latest_status(measure)
    assert before != Status.DONE
    _close(measure, bureau, people, monkeypatch, False, unmet_reason="指标口径调整")
    rollups_recompute_measures(measure_ids=[measure.pk])
    assert _latest_status(measure) == before


def test_closing_scores_the_units_again_at_once(bureau, people, monkeypatch, django_capture_on_commit_callbacks):
    measure = qualitative_measure(bureau)
    year = timezone.localdate().year
    plan = measure.task.plan
    if not plan.year_start <= year <= plan.year_end:
        pytest.skip("the seed plan does not run this year")
    scheme = Scheme.objects.create(city=plan.city, plan=plan, year=year, name="年度考核", base=Decimal(100))
    Rule.objects.create(scheme=scheme, kind=Rule.Kind.CLOSED_ON_TIME, points=Decimal(1))
    with celery_conf(task_always_eager=True):
        with django_capture_on_commit_callbacks(execute=True):
            _close(measure, bureau, people, monkeypatch, None)
    this_month = rollups.month_end(timezone.localdate())
    summary = ScoreSummary.objects.get(scheme=scheme, as_of=this_month, unit=bureau)
    assert summary.score == Decimal(101)
    assert summary.items.filter(measure=measure, points=Decimal(1)).exists()

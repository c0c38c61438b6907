"""The rollup path through a real `celery worker` on Redis, against the test database.

Needs PostgreSQL (the worker is another process and must see the test database) and Redis
at CELERY_BROKER_URL (CI: redis://127.0.0.1:6379/0). These tests commit, so they run after
the others (see conftest.py).
"""

import os
from datetime import date

import pytest
from django.core.management import call_command

from portal.celery import app
from portal.dashboards import services
from portal.dashboards.models import DirtyScope, RollupRun
from portal.dashboards.tasks import rollups_recompute_dirty_task
from portal.tests.workers import BROKER, queueing_to, wait_for, worker_processes, writes_blocked
from tasks.signals import notify_progress_changed

from .conftest import Reporting, measure_of, point, target_of, unit_named

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ZS = "zhongshan-2023-2027"
JANUARY = date(2025, 1, 31)


@pytest.fixture
def broker(monkeypatch):
    with queueing_to(BROKER, monkeypatch) as url:
        yield url


@pytest.fixture
def workers(broker, tmp_path):
    with worker_processes(broker, tmp_path) as start:
        yield start


@pytest.fixture
def seeds(transactional_db):
    """The seed plans (an earlier transactional test may have flushed them)."""
    call_command("load_demo", "--no-accounts", "--no-sample-progress", stdout=open(os.devnull, "w"))


@pytest.fixture
def filed(seeds, make_user):
    """Summaries built, then an approved 2025 Q1 report on 中山 3.3 (700 见习岗位) not yet in them."""
    services.rollups_rebuild()
    measure = measure_of(ZS, "3.3")
    target = target_of(measure, "traineeship_posts")
    Reporting(make_user("worker_reporter", city="zhongshan")).report(
        measure, unit_named("zhongshan", "团市委"), date(2025, 1, 1), {target: 700}
    )
    assert point(target, JANUARY).actual is None
    return measure, target


def january_actual(target):
    return point(target, JANUARY).actual


def test_a_burst_of_approvals_is_recomputed_once_by_a_real_worker(filed, workers, make_user):
    measure, target = filed
    reporting = Reporting(make_user("worker_reporter_2", city="zhongshan"))
    bureau = unit_named("zhongshan", "市人力资源和社会保障局")
    others = [measure_of(ZS, code) for code in ("2.1", "4.1")]
    for other in others:
        reporting.report(other, bureau, date(2025, 1, 1), {}, self_status="behind")
    runs = RollupRun.objects.count()
    # Three approvals commit (each sends progress_changed after its commit) before the
    # worker is up: three messages wait in Redis.
    for pk in [measure.pk] + [m.pk for m in others]:
        notify_progress_changed([pk])
    assert DirtyScope.objects.count() == 3
    workers()
    wait_for(lambda: not DirtyScope.objects.exists(), "the worker to recompute the dirty measures")
    assert january_actual(target) == 700
    from portal.dashboards.models import MeasureSummary

    assert MeasureSummary.objects.get(measure=others[0], as_of=JANUARY).status == "red"
    # One job recomputed the three, each once (a job that found nothing marked — a sweep, or a
    # message another test left queued — recomputes nothing and is not counted).
    new_runs = [r for r in RollupRun.objects.order_by("pk")[runs:] if r.measures]
    assert [(r.kind, r.measures) for r in new_runs] == [("incremental", 3)]


def test_a_worker_killed_mid_job_loses_no_recompute(filed, workers):
    measure, target = filed
    # Hold the summary table so that the job stops half-way: marks claimed, figures computed,
    # its first write waiting; then its worker is killed.
    with writes_blocked("dashboards_targetseries") as kill_at_write:
        first = workers()
        notify_progress_changed([measure.pk])  # the approval's commit: marked and queued
        kill_at_write(first)
    # Nothing was lost: the job's own transaction died with it, its mark is still there.
    assert list(DirtyScope.objects.values_list("object_id", flat=True)) == [measure.pk]
    assert january_actual(target) is None
    # A new worker; the minutely sweep (celery beat) sends the same job, which finds the mark.
    workers()
    with app.connection_for_write(BROKER) as conn:
        rollups_recompute_dirty_task.apply_async(connection=conn)
    wait_for(lambda: not DirtyScope.objects.exists(), "the sweep to recompute")
    assert january_actual(target) == 700
    assert services.rollups_check() == []


def test_a_worker_killed_mid_rebuild_leaves_the_old_summaries_whole_and_the_next_rebuild_has_no_drift(filed, workers):
    from portal.dashboards.models import TargetSeries
    from portal.dashboards.tasks import rollups_rebuild_task

    measure, target = filed
    rows_before = TargetSeries.objects.count()
    with writes_blocked("dashboards_targetseries") as kill_at_write:
        first = workers()
        with app.connection_for_write(BROKER) as conn:
            rollups_rebuild_task.apply_async(connection=conn)
        kill_at_write(first)
    # The rebuild's transaction died with its worker: the summaries are those of before, whole.
    assert TargetSeries.objects.count() == rows_before
    assert january_actual(target) is None
    # A new worker and the nightly job again (beat sends it): everything, and no drift.
    workers()
    runs_last = RollupRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with app.connection_for_write(BROKER) as conn:
        rollups_rebuild_task.apply_async(connection=conn)
    wait_for(lambda: RollupRun.objects.filter(kind="full", pk__gt=runs_last).exists(), "the second rebuild", timeout=300)
    assert january_actual(target) == 700
    assert services.rollups_check() == []

"""The rollup jobs: incremental after commit, bursts, the sweep when the broker is down,
thresholds, and the drift check."""

import logging
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from portal.celery import app
from portal.dashboards import services
from portal.dashboards.models import (
    CitySummary, DirtyScope, MeasureSummary, PlanSummary, ProgrammeCitySummary, RollupRun, StatusThresholds,
    TargetSeries, TaskSummary, UnitSummary,
)
from tasks.models import Responsibility, Task
from tasks.signals import notify_progress_changed
from units.models import Unit
from portal.dashboards.tasks import rollups_recompute_dirty_task

from .conftest import measure_of, point, target_of, unit_named

pytestmark = pytest.mark.django_db

ZS = "zhongshan-2023-2027"


@pytest.fixture
def broker_down(monkeypatch):
    """The broker is a closed port: nothing listens there."""
    closed = "redis://127.0.0.1:1/0"
    monkeypatch.setenv("CELERY_BROKER_URL", closed)  # Celery reads the environment first
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = closed, False
    yield closed
    app.conf.broker_url, app.conf.task_always_eager = saved


@pytest.fixture
def traineeships(reporting):
    """中山 3.3: 700 of 3000 in 2025 Q1 — at the end of March 23.3 % after 25 % of the year."""
    measure = measure_of(ZS, "3.3")
    target = target_of(measure, "traineeship_posts")
    reporting.report(measure, unit_named("zhongshan", "团市委"), date(2025, 1, 1), {target: 700})
    services.rollups_rebuild()
    return target


def test_a_burst_of_approvals_is_one_recompute_per_measure(reporting, no_broker, django_capture_on_commit_callbacks):
    lead = unit_named("zhongshan", "市人力资源和社会保障局")
    measures = [measure_of(ZS, code) for code in ("2.1", "2.2", "4.1", "5.2", "6.1")]
    approvals = [(m, date(2025, 1, 1)) for m in measures] + [(measures[0], date(2025, 4, 1))]  # 2.1 twice
    for measure, quarter in approvals:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            reporting.report(measure, lead, quarter, {}, self_status="on_track")
            notify_progress_changed([measure.pk])
    assert len(no_broker) == 6 and DirtyScope.objects.count() == 6
    before = RollupRun.objects.count()
    # Six messages reach the worker: the first takes every mark, the others find none.
    results = [rollups_recompute_dirty_task.apply().get() for _ in no_broker]
    assert results == [5, 0, 0, 0, 0, 0]
    assert RollupRun.objects.count() == before + 1
    assert not DirtyScope.objects.exists()


def test_with_the_broker_down_the_request_succeeds_and_the_sweep_does_the_work(
    client, make_user, traineeships, broker_down, caplog, django_capture_on_commit_callbacks
):
    march = point(traineeships, date(2025, 3, 31))
    assert march.status == "amber"
    client.force_login(make_user("prov_admin", city="guangdong", unit="省人力资源和社会保障厅", role="admin"))
    with caplog.at_level(logging.WARNING, logger="portal.dashboards.services"), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboards:thresholds"), {"green_ratio": "1.00", "amber_ratio": "0.95"})
    assert response.status_code == 302  # saved, though nothing could be queued
    assert "could not queue" in caplog.text
    assert str(StatusThresholds.objects.get().amber_ratio) == "0.95"
    assert DirtyScope.objects.filter(kind="all").count() == 1  # the work waits here
    # The minutely sweep (celery beat) runs the same job and finds it.
    rollups_recompute_dirty_task.apply().get()
    assert not DirtyScope.objects.exists()
    assert point(traineeships, date(2025, 3, 31)).status == "red"  # 23.3 < 0.95 × 25


def test_an_approval_with_the_broker_down_leaves_its_mark_for_the_sweep(reporting, broker_down, caplog,
                                                                      django_capture_on_commit_callbacks):
    measure = measure_of(ZS, "3.3")
    target = target_of(measure, "traineeship_posts")
    services.rollups_rebuild()
    with caplog.at_level(logging.WARNING, logger="portal.dashboards.services"):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            reporting.report(measure, unit_named("zhongshan", "团市委"), date(2025, 1, 1), {target: 700})
            notify_progress_changed([measure.pk])
    assert "could not queue" in caplog.text
    assert list(DirtyScope.objects.values_list("kind", "object_id")) == [("measure", measure.pk)]
    rollups_recompute_dirty_task.apply().get()
    assert point(target, date(2025, 1, 31)).actual == 700


def _tallies(measure, unit, as_of):
    """What the task, plan, city, programme and unit pages count at a month: (measures, done)."""
    task = measure.task
    rows = {
        "task": TaskSummary.objects.get(task=task, as_of=as_of),
        "plan": PlanSummary.objects.get(plan_id=task.plan_id, as_of=as_of),
        "city": CitySummary.objects.get(city_id=task.plan.city_id, as_of=as_of),
        "programme": ProgrammeCitySummary.objects.get(programme_id=task.programme_id, city_id=task.plan.city_id,
                                                      as_of=as_of),
        "unit": UnitSummary.objects.get(unit=unit, as_of=as_of),
    }
    return {name: (row.total, row.n_done) for name, row in rows.items()}


def test_a_deleted_measure_stops_counting_everywhere_at_the_next_job(
    reporting, no_broker, admin_client, django_capture_on_commit_callbacks
):
    """中山 3.3 (3000 见习岗位 a year), filed in full for 2025 Q1 by 团市委 and approved: done.
    Deleted in the admin, it leaves its task, plan, city, programme and units as soon as the
    queued job has run, not at the nightly rebuild; a unit that answered for nothing else
    has no figures left."""
    measure = measure_of(ZS, "3.3")
    youth = unit_named("zhongshan", "团市委")
    # A unit of its own: every town answers for the plan's 各镇街 measures.
    loner = Unit.objects.create(region=youth.region, name="市测试办", kind="bureau")
    Responsibility.objects.create(measure=measure, unit=loner, role="support")
    reporting.report(measure, youth, date(2025, 1, 1), {target_of(measure, "traineeship_posts"): 3000})
    services.rollups_rebuild()
    march = date(2025, 3, 31)
    before = _tallies(measure, youth, march)
    assert UnitSummary.objects.get(unit=loner, as_of=march).n_done == 1

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:tasks_measure_delete", args=[measure.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert no_broker == [True]  # one job queued once the deletion committed
    rollups_recompute_dirty_task.apply().get()

    after = _tallies(measure, youth, march)
    assert after == {name: (total - 1, done - 1) for name, (total, done) in before.items()}
    assert not UnitSummary.objects.filter(unit=loner).exists()
    assert not DirtyScope.objects.exists()
    assert services.rollups_check() == []


def test_a_deleted_task_takes_its_measures_out_of_the_plan_with_one_job(
    reporting, no_broker, django_capture_on_commit_callbacks
):
    measure = measure_of(ZS, "3.3")
    task = measure.task
    reporting.report(measure, unit_named("zhongshan", "团市委"), date(2025, 1, 1), {target_of(measure, "traineeship_posts"): 3000})
    services.rollups_rebuild()
    march = date(2025, 3, 31)
    plan_before = PlanSummary.objects.get(plan_id=task.plan_id, as_of=march)
    measures = task.measures.count()
    assert measures > 1  # each of them marks its scopes: still one job
    with django_capture_on_commit_callbacks(execute=True):
        Task.objects.filter(pk=task.pk).delete()
    assert no_broker == [True]
    rollups_recompute_dirty_task.apply().get()
    plan_after = PlanSummary.objects.get(plan_id=task.plan_id, as_of=march)
    assert (plan_after.total, plan_after.n_done) == (plan_before.total - measures, plan_before.n_done - 1)
    assert not TaskSummary.objects.filter(task_id=task.pk).exists()
    assert services.rollups_check() == []


def test_a_target_edited_in_the_admin_is_recounted_at_the_next_job(
    reporting, no_broker, admin_client, django_capture_on_commit_callbacks
):
    """中山 3.3: 3000 见习岗位 filed and approved for 2025 Q1 meets its 3000 a year (done). An
    admin raises the target to 6000 in the Django admin: after the queued job the measure is
    no longer done, and its plan counts one done fewer — without waiting for the nightly rebuild."""
    measure = measure_of(ZS, "3.3")
    target = target_of(measure, "traineeship_posts")
    reporting.report(measure, unit_named("zhongshan", "团市委"), date(2025, 1, 1), {target: 3000})
    services.rollups_rebuild()
    march = date(2025, 3, 31)
    plan_before = PlanSummary.objects.get(plan_id=measure.task.plan_id, as_of=march)
    assert MeasureSummary.objects.get(measure=measure, as_of=march).status == "done"

    form = {
        "measure": target.measure_id, "seq": target.seq, "indicator": target.indicator_id or "",
        "kind": target.kind, "comparator": target.comparator, "value": "6000", "value_max": "",
        "unit": target.unit, "period_start": target.period_start.isoformat(),
        "period_end": target.period_end.isoformat(), "phrase": "每年募集见习岗位6000个",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:indicators_target_change", args=[target.pk]), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert no_broker == [True]
    rollups_recompute_dirty_task.apply().get()

    assert MeasureSummary.objects.get(measure=measure, as_of=march).status != "done"
    plan_after = PlanSummary.objects.get(plan_id=measure.task.plan_id, as_of=march)
    assert plan_after.n_done == plan_before.n_done - 1
    assert services.rollups_check() == []


def test_the_drift_check_finds_a_tampered_row_and_a_rebuild_repairs_it(capsys):
    services.rollups_rebuild()
    call_command("rollup_check")
    assert "一致" in capsys.readouterr().out
    row = CitySummary.objects.filter(n_no_data__gt=0).order_by("pk").first()
    CitySummary.objects.filter(pk=row.pk).update(n_red=row.n_red + 3)
    TargetSeries.objects.filter(pk=TargetSeries.objects.order_by("pk").first().pk).update(points="[]")
    drifts = services.rollups_check()
    assert {(d.table, d.field) for d in drifts} == {("城市", "n_red"), ("目标", "points")}
    with pytest.raises(CommandError, match="2 处"):
        call_command("rollup_check")
    assert "n_red 表中为" in capsys.readouterr().out
    call_command("rollup_rebuild")
    assert services.rollups_check() == []


def test_a_unit_taken_off_a_measure_stops_counting_it(reporting):
    """Units' tallies are adjusted, not summed again: the unit the measure was counted under
    loses it, the unit it now belongs to gains it."""
    measure = measure_of(ZS, "1.1")
    reporting.report(measure, unit_named("zhongshan", "市发展改革局"), date(2025, 4, 1),
                     {target_of(measure, "urban_new_jobs"): 60000})
    services.rollups_rebuild()
    june = date(2025, 6, 30)
    sanxiang, labour = unit_named("zhongshan", "三乡镇"), unit_named("zhongshan", "市民政局")
    before = UnitSummary.objects.get(unit=sanxiang, as_of=june)
    # 三乡镇 answers for it as one of 各镇街: the collective comes off, and every town with it.
    assert Responsibility.objects.filter(measure=measure, unit__name="各镇街").delete()[0] == 1
    Responsibility.objects.get_or_create(measure=measure, unit=labour, defaults={"role": "support"})
    services.rollups_recompute_measures(measure_ids=[measure.pk])
    after = UnitSummary.objects.get(unit=sanxiang, as_of=june)
    assert MeasureSummary.objects.get(measure=measure, as_of=june).status == "red"  # 26.7 % at half-way
    assert (after.total, after.n_red) == (before.total - 1, before.n_red - 1)
    assert MeasureSummary.objects.get(measure=measure, as_of=june).measure_id in set(
        MeasureSummary.objects.filter(as_of=june, measure__responsibilities__unit=labour).values_list("measure_id", flat=True)
    )
    assert services.rollups_check() == []


def test_a_rebuild_removes_the_marks_it_covered():
    services.rollups_mark_dirty(measure_ids=[measure_of(ZS, "1.1").pk])
    run = services.rollups_rebuild()
    assert run.kind == "full" and run.plans == 4
    assert not DirtyScope.objects.exists()

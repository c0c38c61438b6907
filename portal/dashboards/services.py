"""Rollups: what the web side, the Celery jobs and the commands call.

- A change (approval, import, edit) marks its measures dirty after commit; a job recomputes
  them and everything above them (`rollups_recompute_dirty`). A deleted measure takes its
  own rows with it and marks what counted it: its plan, city and units (`on_measure_deleted`).
- A full rebuild (`rollups_rebuild`) computes every plan afresh (computing.compute_plan),
  adds the tallies up in Python (computing.Fresh) and replaces the tables whole.
- The drift check (`rollups_check`) computes the same way and compares with the tables.

Targets and measures are always computed by the pure functions of rollups.py. The
incremental job sums tasks, plans, cities and programmes again from the level below with the
database, and adjusts units by the measures' old and new figures; the check verifies both.
"""

from __future__ import annotations

import logging
import math
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from portal.celery import enqueue
from portal.memory import garbage_collection_paused
from tasks.models import Measure, Responsibility, Task

from . import rollups, versions, writing
from .computing import (
    CITY_FIELDS, KEYS, MEASURE_FIELDS, MEASURE_UNIT_FIELDS, PLAN_FIELDS, PROGRAMME_FIELDS, SERIES_FIELDS, TASK_FIELDS,
    UNIT_FIELDS, Fresh, compute_plan, computed_plans, counting_actual_values, plan_infos, programme_ancestors,
)
from .models import (
    CitySummary, DirtyScope, MeasureSummary, MeasureUnit, PlanSummary, ProgrammeCitySummary, RollupRun,
    StatusThresholds, TargetSeries, TaskSummary, UnitSummary,
)

__all__ = [
    "Drift", "counting_actual_values", "on_measure_deleted", "on_progress_changed", "programme_ancestors", "rollups_check",
    "rollups_enqueue", "rollups_mark_dirty", "rollups_rebuild", "rollups_recompute_dirty",
    "rollups_recompute_measures", "thresholds_current", "thresholds_set",
]

log = logging.getLogger(__name__)


# --- thresholds -------------------------------------------------------------------------


def thresholds_current() -> rollups.Thresholds:
    row = StatusThresholds.objects.filter(pk=1).first()
    if row is None:
        return rollups.Thresholds()
    return rollups.Thresholds(float(row.green_ratio), float(row.amber_ratio))


@transaction.atomic
def thresholds_set(*, green_ratio: Decimal, amber_ratio: Decimal, user) -> StatusThresholds:
    """New thresholds change every status: everything is marked for a recompute."""
    row = StatusThresholds.objects.filter(pk=1).first() or StatusThresholds(pk=1)
    row.green_ratio, row.amber_ratio, row.updated_by = green_ratio, amber_ratio, user
    row._history_user = user  # kept in its history, shown on the thresholds page
    row.save()
    rollups_mark_dirty(everything=True)
    return row


# --- dirty scopes -----------------------------------------------------------------------


def rollups_mark_dirty(
    *, measure_ids: Iterable[int] = (), plan_ids: Iterable[int] = (), city_ids: Iterable[int] = (),
    unit_ids: Iterable[int] = (), everything: bool = False,
) -> None:
    """Record what needs a recompute, then (after commit) ask a worker to do it.

    Measures are recomputed with everything above them; a plan whole; a city's and a unit's
    tallies added up again (what a deleted measure leaves to correct). Only inserts: a web
    request never waits for a running job. If the broker is down the rows stay and the
    periodic sweep picks them up.
    """
    if _insert_marks(measure_ids=measure_ids, plan_ids=plan_ids, city_ids=city_ids, unit_ids=unit_ids,
                     everything=everything):
        transaction.on_commit(rollups_enqueue)


def _insert_marks(*, measure_ids: Iterable[int] = (), plan_ids: Iterable[int] = (), city_ids: Iterable[int] = (),
                  unit_ids: Iterable[int] = (), everything: bool = False) -> bool:
    if everything:
        rows = [DirtyScope(kind=DirtyScope.Kind.ALL)]
    else:
        scopes = ((DirtyScope.Kind.MEASURE, measure_ids), (DirtyScope.Kind.PLAN, plan_ids),
                  (DirtyScope.Kind.CITY, city_ids), (DirtyScope.Kind.UNIT, unit_ids))
        rows = [DirtyScope(kind=kind, object_id=pk) for kind, ids in scopes for pk in sorted(set(ids))]
    DirtyScope.objects.bulk_create(rows)
    return bool(rows)


def rollups_enqueue() -> bool:
    """Queue a recompute of the dirty scopes, a little later so that a burst is one job.

    Returns False (and logs) when the broker cannot be reached; nothing is lost.
    """
    from .tasks import rollups_recompute_dirty_task

    return enqueue(rollups_recompute_dirty_task, countdown=settings.ROLLUP_DEBOUNCE_SECONDS)


def on_progress_changed(sender, measure_ids=frozenset(), **kwargs) -> None:
    """Receiver of tasks.signals.progress_changed (sent after commit)."""
    try:
        rollups_mark_dirty(measure_ids=measure_ids)
    except DatabaseError:
        log.exception("rollups: could not mark measures %s dirty; the nightly rebuild will catch up", sorted(measure_ids))


def on_measure_deleted(sender, instance: Measure, **kwargs) -> None:
    """Receiver of pre_delete for Measure: the admin, an import, or its task or plan deleted.

    The measure's own summary rows are deleted with it (cascade), but the task, plan, city,
    programme and unit tallies that counted it would keep counting it until the nightly
    rebuild. Marked here, before the cascade takes its responsibilities and the units it was
    counted under, and in the deleting transaction: the marks stand or fall with it.
    """
    scope = Task.objects.filter(pk=instance.task_id).values_list("plan_id", "plan__city_id").first()
    units = set(Responsibility.objects.filter(measure_id=instance.pk).values_list("unit_id", flat=True))
    units |= set(MeasureUnit.objects.filter(measure_id=instance.pk).values_list("unit_id", flat=True))
    plan_id, city_id = scope or (None, None)
    if not _insert_marks(plan_ids=[plan_id] if plan_id else [], city_ids=[city_id] if city_id else [], unit_ids=units):
        return
    # One job for the whole deletion: deleting a task or a plan deletes its measures one by
    # one, in one atomic block (Django keeps each callback with the savepoints open then).
    block = set(connection.savepoint_ids)
    if not any(entry[0] == block and entry[1] is rollups_enqueue for entry in connection.run_on_commit):
        transaction.on_commit(rollups_enqueue)


# --- recomputing ------------------------------------------------------------------------


@dataclass
class Recomputed:
    measures: int = 0
    plans: int = 0
    touched: versions.Touched = field(default_factory=versions.Touched)  # the dashboards' cache versions


def _recompute_measures(measure_ids: Iterable[int], thresholds: rollups.Thresholds, today: date | None, *,
                        plan_ids: Iterable[int] = (), city_ids: Iterable[int] = (),
                        unit_ids: Iterable[int] = ()) -> Recomputed:
    """Recompute these measures and every summary above them, in the caller's transaction
    (and these plans whole, these cities' and units' tallies from what they hold now).

    Tasks, plans, cities and programmes are summed again from the level below (few rows);
    a unit's tally is adjusted by the measures' old and new figures (a busy unit has
    thousands of measure-months, too many to add up after every approval).
    """
    writing.lock_everything(shared=True)
    by_plan: dict[int, set[int]] = defaultdict(set)
    for plan_id, pk in Measure.objects.filter(pk__in=list(measure_ids)).values_list("task__plan_id", "pk"):
        by_plan[plan_id].add(pk)
    whole = set(plan_ids)  # a deleted measure's plan: no measure left to name it by
    done = Recomputed()
    cities: set[int] = set(city_ids)  # a deleted plan's city still counted it
    units_to_sum: set[int] = set(unit_ids)  # a deleted measure's units, which counted it
    deltas: dict = {}
    for plan in plan_infos(by_plan.keys() | whole, today):
        writing.lock_plan(plan.id)
        stored = set(PlanSummary.objects.filter(plan_id=plan.id).values_list("as_of", flat=True))
        # A new month (or a plan never computed): the whole plan, so that its months align.
        ids = sorted(by_plan[plan.id]) if plan.id not in whole and stored == set(plan.months) else None
        plan_measures = ids if ids is not None else list(Measure.objects.filter(task__plan_id=plan.id).values_list("pk", flat=True))
        counted_under = writing.units_counted(plan_measures)
        old = [] if ids is None else list(MeasureSummary.objects.filter(measure_id__in=ids).values_list(
            "measure_id", "as_of", "city_id", "status", "completion_sum", "completion_n", "has_sample"))
        rows = compute_plan(plan, ids, thresholds)
        writing.write_measure_rows(plan, ids, rows)
        writing.write_tasks(plan_id=plan.id, task_ids=None if ids is None else rows.task_ids)
        writing.write_plan(plan)
        if ids is None:
            units_to_sum |= rows.unit_ids | {u for units in counted_under.values() for u in units}
        else:
            units_now: dict[int, set[int]] = defaultdict(set)
            for measure_id, unit_id in rows.responsibilities:
                units_now[measure_id].add(unit_id)
            writing.add_unit_contributions(deltas, old, counted_under, -1)
            writing.add_unit_contributions(
                deltas, ((r[0], r[1], r[4], r[6], r[7], r[8], r[11]) for r in rows.measures), units_now, +1
            )
        writing.snapshot_units(plan_measures, rows.responsibilities)
        done.measures += rows.measures_n
        cities.add(plan.city_id)
        done.plans += 1
        done.touched.plans.add(plan.id)
    writing.lock_top()
    if cities:
        writing.write_cities(cities)
        writing.write_programmes(cities)
    writing.apply_unit_deltas({key: d for key, d in deltas.items() if key[0] not in units_to_sum})
    if units_to_sum:
        writing.write_units(units_to_sum)
    done.touched.plans |= whole
    done.touched.cities |= cities
    done.touched.units |= units_to_sum | {key[0] for key in deltas}
    done.touched.deletions = bool(whole or city_ids or unit_ids)
    return done


def rollups_recompute_measures(*, measure_ids: Iterable[int], today: date | None = None) -> RollupRun:
    """Recompute these measures now (every job records its run, and bumps the dashboards'
    cache versions of what it wrote)."""
    started, clock = timezone.now(), time.perf_counter()
    with transaction.atomic():
        done = _recompute_measures(measure_ids, thresholds_current(), today)
        run = RollupRun.objects.create(
            kind=RollupRun.Kind.INCREMENTAL, started_at=started, seconds=time.perf_counter() - clock,
            measures=done.measures, plans=done.plans,
        )
    versions.rollup_written(done.touched)
    return run


def _rebuild_everything(today: date | None, *, prefetch: bool = False) -> Recomputed:
    """Every plan computed afresh and every table replaced, in the caller's transaction."""
    writing.lock_everything(shared=False)
    thresholds = thresholds_current()
    plans = plan_infos(None, today)
    fresh = Fresh(plans)
    with garbage_collection_paused(), writing.TableReplacement(writing.REBUILT) as tables:
        for _plan, rows in computed_plans(plans, thresholds, prefetch=prefetch):
            tables.insert(TargetSeries, SERIES_FIELDS, rows.targets)
            tables.insert(MeasureSummary, MEASURE_FIELDS, rows.measures)
            fresh.add(rows)
        for model, fields, rows in fresh.tables():
            tables.insert(model, fields, rows)
    return Recomputed(fresh.measures_n, len(plans), versions.Touched(everything=True))


def rollups_rebuild(*, today: date | None = None) -> RollupRun:
    """Recompute everything. Dashboards keep reading the old figures until it commits.

    Dirty scopes marked before the start are covered and removed; those marked later stay
    for the next incremental job.
    """
    started, clock = timezone.now(), time.perf_counter()
    high_water = DirtyScope.objects.aggregate(top=Max("id"))["top"] or 0
    # Reading ahead on a second connection is safe only if nothing the caller wrote is
    # still uncommitted (a job or a command: yes; inside a test's transaction: no).
    prefetch = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        covered = list(
            DirtyScope.objects.select_for_update(skip_locked=True).filter(id__lte=high_water).values_list("id", flat=True)
        )
        done = _rebuild_everything(today, prefetch=prefetch)
        DirtyScope.objects.filter(id__in=covered).delete()
        run = RollupRun.objects.create(
            kind=RollupRun.Kind.FULL, started_at=started, seconds=time.perf_counter() - clock,
            measures=done.measures, plans=done.plans,
        )
    versions.rollup_written(done.touched)
    writing.analyze()
    return run


def rollups_recompute_dirty(*, today: date | None = None) -> RollupRun | None:
    """Recompute what is marked dirty; the marks go in the same transaction as the writes.

    A burst of approvals leaves many marks and queues many jobs: the first job takes them
    all (one recompute per measure), the others find nothing to do.
    """
    started, clock = timezone.now(), time.perf_counter()
    with transaction.atomic():
        claimed = list(DirtyScope.objects.select_for_update(skip_locked=True).values_list("id", "kind", "object_id"))
        if not claimed:
            return None
        if any(kind == DirtyScope.Kind.ALL for _pk, kind, _obj in claimed):
            done, kind = _rebuild_everything(today), RollupRun.Kind.FULL
        else:
            scopes: dict[str, set[int]] = defaultdict(set)
            for _pk, scope, obj in claimed:
                scopes[scope].add(obj)
            done = _recompute_measures(
                scopes[DirtyScope.Kind.MEASURE], thresholds_current(), today, plan_ids=scopes[DirtyScope.Kind.PLAN],
                city_ids=scopes[DirtyScope.Kind.CITY], unit_ids=scopes[DirtyScope.Kind.UNIT],
            )
            kind = RollupRun.Kind.INCREMENTAL
        DirtyScope.objects.filter(id__in=[pk for pk, _kind, _obj in claimed]).delete()
        run = RollupRun.objects.create(
            kind=kind, started_at=started, seconds=time.perf_counter() - clock, measures=done.measures, plans=done.plans,
        )
    versions.rollup_written(done.touched)
    if kind == RollupRun.Kind.FULL:
        writing.analyze()
    return run


# --- the drift check --------------------------------------------------------------------


@dataclass(frozen=True)
class Drift:
    table: str
    key: tuple
    field: str
    stored: object
    fresh: object

    def __str__(self) -> str:
        key = "、".join(str(part) for part in self.key)
        return f"{self.table}（{key}）：{self.field} 表中为 {self.stored}，重新计算为 {self.fresh}"


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        # Unit tallies are adjusted step by step: allow for float rounding, nothing more.
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a == b if a is not None and b is not None else a is b
    return a == b


def _compare(table: str, fields: Sequence[str], key_len: int, fresh: Iterable[tuple], stored: Iterable[tuple],
             out: list[Drift]) -> None:
    fresh_by_key = {row[:key_len]: row for row in fresh}
    stored_by_key = {row[:key_len]: row for row in stored}
    for key, row in fresh_by_key.items():
        old = stored_by_key.get(key)
        if old is None:
            out.append(Drift(table, key, "*", None, "缺少"))
            continue
        for i in range(key_len, len(fields)):
            if not _same(old[i], row[i]):
                out.append(Drift(table, key, fields[i], old[i], row[i]))
    for key in stored_by_key.keys() - fresh_by_key.keys():
        out.append(Drift(table, key, "*", "多余", None))


LABELS = {
    TargetSeries: "目标", MeasureSummary: "措施", TaskSummary: "任务", PlanSummary: "方案", CitySummary: "城市",
    ProgrammeCitySummary: "专项", UnitSummary: "单位", MeasureUnit: "措施责任单位",
}


def rollups_check(*, today: date | None = None) -> list[Drift]:
    """Compare every summary table with a fresh computation; the differences, if any."""
    thresholds = thresholds_current()
    drifts: list[Drift] = []
    plans = plan_infos(None, today)
    fresh = Fresh(plans)
    for plan in plans:
        rows = compute_plan(plan, None, thresholds)
        _compare(LABELS[TargetSeries], SERIES_FIELDS, KEYS[TargetSeries], rows.targets,
                 TargetSeries.objects.filter(plan_id=plan.id).values_list(*SERIES_FIELDS), drifts)
        _compare(LABELS[MeasureSummary], MEASURE_FIELDS, KEYS[MeasureSummary], rows.measures,
                 MeasureSummary.objects.filter(plan_id=plan.id).values_list(*MEASURE_FIELDS), drifts)
        fresh.add(rows)
    known = [p.id for p in plans]
    for model in (TargetSeries, MeasureSummary):
        for key in model.objects.exclude(plan_id__in=known).values_list("plan_id", "pk")[:10]:
            drifts.append(Drift(LABELS[model], key, "*", "多余", None))
    for model, fields, rows in fresh.tables():
        _compare(LABELS[model], fields, KEYS[model], rows, model.objects.values_list(*fields), drifts)
    return drifts


# Field lists, for callers that write or compare rows themselves.
FIELDS = {
    TargetSeries: SERIES_FIELDS, MeasureSummary: MEASURE_FIELDS, TaskSummary: TASK_FIELDS, PlanSummary: PLAN_FIELDS,
    CitySummary: CITY_FIELDS, ProgrammeCitySummary: PROGRAMME_FIELDS, UnitSummary: UNIT_FIELDS,
    MeasureUnit: MEASURE_UNIT_FIELDS,
}

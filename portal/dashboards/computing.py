"""Load plain rows for a plan and run the pure functions of rollups.py over them.

`compute_plan` gives a plan's target and measure rows; `Fresh` adds measures up into task,
plan, city, programme and unit tallies in Python. A full rebuild writes what these give; the
drift check compares them with the tables. Nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone

from indicators.models import ActualValue, ProgressReport, Target
from portal.supervision.models import Closure
from tasks.models import Measure, Plan, Programme, Responsibility
from units.collectives import expand_pairs

from . import rollups
from .models import CitySummary, MeasureSummary, MeasureUnit, PlanSummary, ProgrammeCitySummary, Tally, TargetSeries
from .models import TaskSummary, UnitSummary

APPROVED = ProgressReport.State.APPROVED

SERIES_FIELDS = (
    "target_id", "measure_id", "plan_id", "city_id", "programme_id", "indicator_id",
    "first_as_of", "last_as_of", "has_sample", "points",
)
MEASURE_FIELDS = (
    "measure_id", "as_of", "task_id", "plan_id", "city_id", "programme_id",
    "status", "completion_sum", "completion_n", "targets_n", "lateness", "has_sample",
)
TALLY_FIELDS = Tally.TALLY_FIELDS
TASK_FIELDS = ("task_id", "as_of", "plan_id", "city_id", "programme_id") + TALLY_FIELDS
PLAN_FIELDS = ("plan_id", "as_of", "city_id", "time_elapsed", "is_final") + TALLY_FIELDS
CITY_FIELDS = ("city_id", "as_of", "plans_n") + TALLY_FIELDS
PROGRAMME_FIELDS = ("programme_id", "city_id", "as_of") + TALLY_FIELDS
UNIT_FIELDS = ("unit_id", "as_of", "city_id") + TALLY_FIELDS
MEASURE_UNIT_FIELDS = ("measure_id", "unit_id")


@dataclass(frozen=True)
class PlanInfo:
    id: int
    city_id: int
    year_start: int
    year_end: int
    months: tuple[date, ...]
    today: date | None = None  # the month that is now is figured at this day

    def time_elapsed(self, as_of: date) -> float:
        return rollups.time_elapsed(date(self.year_start, 1, 1), date(self.year_end, 12, 31), as_of)


@dataclass(frozen=True)
class MeasureMeta:
    id: int
    task_id: int
    programme_id: int
    deadline: date | None
    recurring: bool
    closed_on: date | None = None  # 已销号 that day (portal.supervision's Closure)


@dataclass
class PlanRows:
    targets: list[tuple]  # SERIES_FIELDS
    measures: list[tuple]  # MEASURE_FIELDS
    task_ids: set[int]
    responsibilities: list[tuple[int, int]]  # (measure, unit), lead or support
    measures_n: int

    @property
    def unit_ids(self) -> set[int]:
        return {unit for _measure, unit in self.responsibilities}


def plan_infos(plan_ids: Iterable[int] | None = None, today: date | None = None) -> list[PlanInfo]:
    today = today or timezone.localdate()
    plans = Plan.objects.annotate(last_target_end=Max("tasks__measures__targets__period_end")).order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=list(plan_ids))
    return [
        PlanInfo(p.pk, p.city_id, p.year_start, p.year_end,
                 tuple(rollups.plan_months(p.year_start, p.year_end, p.last_target_end, today)), today)
        for p in plans
    ]


def counting_actual_values():
    """ActualValue rows that count, as one ORM query: of the highest approved version of
    (measure, unit, period). (The rollups apply the same rule in Python: rollups.counting_reports.)"""
    newer = ProgressReport.objects.filter(
        measure=OuterRef("report__measure"),
        unit=OuterRef("report__unit"),
        period=OuterRef("report__period"),
        state=APPROVED,
        version__gt=OuterRef("report__version"),
    )
    return ActualValue.objects.filter(report__state=APPROVED).filter(~Exists(newer))


def programme_ancestors() -> dict[int, tuple[int, ...]]:
    """Each programme with itself and its parents: 粤菜师傅 counts under 三项工程 too."""
    parents = dict(Programme.objects.values_list("pk", "parent_id"))
    result = {}
    for pk in parents:
        chain, current = [], pk
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        result[pk] = tuple(chain)
    return result


def _tuples(queryset) -> list[tuple]:
    """values_list rows; on PostgreSQL straight from the cursor (psycopg2 already gives
    Decimal and date), sparing the ORM's per-row work on a full rebuild's million values."""
    if connection.vendor != "postgresql":
        return list(queryset)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def load_plan(plan: PlanInfo, measure_ids: Sequence[int] | None):
    """Everything the pure functions need for these measures of one plan (all when None)."""
    measures_qs = Measure.objects.filter(task__plan_id=plan.id)
    targets_qs = Target.objects.filter(measure__task__plan_id=plan.id)
    # Approved reports are reached through the plan's periods (an index), not by scanning.
    reports_qs = ProgressReport.objects.filter(state=APPROVED, period__plan_id=plan.id, measure__task__plan_id=plan.id)
    values_qs = ActualValue.objects.filter(report__state=APPROVED, report__period__plan_id=plan.id)
    responsibilities_qs = Responsibility.objects.filter(measure__task__plan_id=plan.id)
    if measure_ids is not None:
        measures_qs = measures_qs.filter(pk__in=measure_ids)
        targets_qs = targets_qs.filter(measure_id__in=measure_ids)
        reports_qs = reports_qs.filter(measure_id__in=measure_ids)
        values_qs = values_qs.filter(report__measure_id__in=measure_ids)
        responsibilities_qs = responsibilities_qs.filter(measure_id__in=measure_ids)
    closed = Closure.objects.filter(measure=OuterRef("pk"), state=Closure.State.CLOSED).values("decided_at")[:1]
    measures = [
        MeasureMeta(*row, closed_on=timezone.localdate(closed_at) if closed_at else None)
        for *row, closed_at in measures_qs.annotate(closed_at=Subquery(closed)).values_list(
            "pk", "task_id", "task__programme_id", "deadline", "recurring", "closed_at").order_by("pk")
    ]
    targets: dict[int, list[tuple[rollups.TargetRow, int | None]]] = defaultdict(list)
    for pk, measure_id, kind, comparator, value, value_max, unit, start, end, indicator_id in targets_qs.values_list(
        "pk", "measure_id", "kind", "comparator", "value", "value_max", "unit", "period_start", "period_end",
        "indicator_id",
    ).order_by("measure_id", "seq"):
        targets[measure_id].append((rollups.TargetRow(pk, kind, comparator, value, value_max, unit, start, end), indicator_id))
    # A collective (各镇街) counts as each of its member units, as if each were named.
    responsibilities = expand_pairs(responsibilities_qs.values_list("measure_id", "unit_id", "role"))
    leads = {(m, u) for m, u, role in responsibilities if role == Responsibility.Role.LEAD}
    # Only the highest approved version of each (measure, unit, period) counts.
    approved = _tuples(reports_qs.values_list(
        "pk", "measure_id", "unit_id", "period_id", "version", "period__start", "self_status", "sample_marker",
    ).order_by())
    counting = rollups.counting_reports((pk, m, u, p, v) for pk, m, u, p, v, *_rest in approved)
    reports: dict[int, list[rollups.ReportRow]] = defaultdict(list)
    report_info = {}
    for pk, measure_id, unit_id, _period, _version, start, self_status, sample in approved:
        if pk in counting:
            report_info[pk] = (unit_id, start, (measure_id, unit_id) in leads, sample is not None)
            if measure_id not in targets:
                reports[measure_id].append(rollups.ReportRow(unit_id, start, self_status, sample is not None))
    values: dict[int, list[rollups.ValueRow]] = defaultdict(list)
    ValueRow = rollups.ValueRow
    for report_id, target_id, value, numerator, denominator in _tuples(
        values_qs.values_list("report_id", "target_id", "value", "numerator", "denominator").order_by()
    ):
        info = report_info.get(report_id)
        if info is not None:
            values[target_id].append(ValueRow(target_id, info[0], info[1], value, numerator, denominator, info[2], info[3]))
    return measures, targets, values, reports, [(m, u) for m, u, _role in responsibilities]


def points_json(points: Sequence[rollups.TargetProgress]) -> str:
    """TargetSeries.points: [actual, status] a month; time elapsed, completion and the
    trajectory follow from them and the target (rollups.figures_at, when read).

    What json.dumps would write, put together directly: a full rebuild writes a million of
    these entries."""
    return "[" + ",".join(
        f'[null,"{p.status}"]' if p.actual is None else f'["{p.actual}","{p.status}"]' for p in points
    ) + "]"


def compute_plan(plan: PlanInfo, measure_ids: Sequence[int] | None, thresholds: rollups.Thresholds) -> PlanRows:
    """Fresh target and measure rows (tuples in SERIES_FIELDS / MEASURE_FIELDS order)."""
    return compute_loaded(plan, load_plan(plan, measure_ids), thresholds)


def compute_loaded(plan: PlanInfo, loaded: tuple, thresholds: rollups.Thresholds) -> PlanRows:
    measures, targets, values, reports, responsibilities = loaded
    months = plan.months
    target_rows: list[tuple] = []
    measure_rows: list[tuple] = []
    for m in measures:
        if m.id in targets:
            per_target = []
            for target, indicator_id in targets[m.id]:
                series = rollups.target_series(target, values.get(target.id, ()), months, thresholds, plan.today)
                per_target.append(series)
                started = [p for p in series if p.status != rollups.NOT_STARTED]
                if started:
                    target_rows.append((
                        target.id, m.id, plan.id, plan.city_id, m.programme_id, indicator_id,
                        started[0].as_of, started[-1].as_of, any(p.sample for p in started), points_json(started),
                    ))
            measure_series = [
                rollups.measure_from_targets(as_of, [series[i] for series in per_target])
                for i, as_of in enumerate(months)
            ]
        else:
            # With no number, a closed measure counts as done from its sign-off; with targets,
            # its figures still say what it reached (closing then needed them met, or a reason
            # the leader accepted, shown on the closing's page).
            measure_series = rollups.report_series(
                reports.get(m.id, ()), months, deadline=m.deadline, recurring=m.recurring, today=plan.today,
                closed_on=m.closed_on,
            )
        measure_rows.extend(
            (m.id, p.as_of, m.task_id, plan.id, plan.city_id, m.programme_id, p.status, p.completion_sum,
             p.completion_n, p.targets_n, rollups.NO_LATENESS if p.lateness is None else p.lateness, p.sample)
            for p in measure_series
        )
    return PlanRows(target_rows, measure_rows, {m.task_id for m in measures}, responsibilities, len(measures))


def _tally_tuple(t: rollups.Tally) -> tuple:
    return (t.done, t.green, t.amber, t.red, t.overdue, t.no_data, t.completion_sum, t.completion_n, t.n_sample)


def computed_plans(plans: Sequence[PlanInfo], thresholds: rollups.Thresholds, *, prefetch: bool):
    """(plan, rows) for each plan. With `prefetch`, the next plan's rows are read on another
    connection while this one is computed: only when everything read is committed (the
    caller is not inside a transaction of its own)."""
    if not prefetch or len(plans) < 2:
        for plan in plans:
            yield plan, compute_plan(plan, None, thresholds)
        return

    def load(plan: PlanInfo):
        try:
            return load_plan(plan, None)
        finally:
            connection.close()  # the reading thread's own connection

    with ThreadPoolExecutor(max_workers=1) as reader:
        pending = reader.submit(load, plans[0])
        for index, plan in enumerate(plans):
            loaded = pending.result()
            if index + 1 < len(plans):
                pending = reader.submit(load, plans[index + 1])
            yield plan, compute_loaded(plan, loaded, thresholds)


class Fresh:
    """Tasks, plans, cities, programmes and units added up in Python from fresh measure rows,
    plan by plan (only the tallies are kept, not the rows)."""

    def __init__(self, plans: Sequence[PlanInfo]):
        self.plan_by_id = {p.id: p for p in plans}
        self.ancestors = programme_ancestors()
        self.tasks: dict[tuple, rollups.Tally] = defaultdict(rollups.Tally)
        self.plans: dict[tuple, rollups.Tally] = defaultdict(rollups.Tally)
        self.programmes: dict[tuple, rollups.Tally] = defaultdict(rollups.Tally)
        self.units: dict[tuple, rollups.Tally] = defaultdict(rollups.Tally)
        self.measure_units: set[tuple[int, int]] = set()
        self.measures_n = 0

    def add(self, rows: PlanRows) -> None:
        units_of: dict[int, list[int]] = defaultdict(list)
        for measure_id, unit_id in rows.responsibilities:
            units_of[measure_id].append(unit_id)
        self.measure_units.update(rows.responsibilities)
        self.measures_n += rows.measures_n
        MeasureProgress = rollups.MeasureProgress
        for (measure_id, as_of, task_id, plan_id, city_id, programme_id, status, completion_sum, completion_n,
             targets_n, lateness, sample) in rows.measures:
            progress = MeasureProgress(as_of, status, completion_sum, completion_n, targets_n, lateness, sample)
            self.tasks[(task_id, as_of, plan_id, city_id, programme_id)].add(progress)
            self.plans[(plan_id, as_of)].add(progress)
            for programme in self.ancestors.get(programme_id, (programme_id,)):
                self.programmes[(programme, city_id, as_of)].add(progress)
            for unit_id in units_of.get(measure_id, ()):
                self.units[(unit_id, as_of, city_id)].add(progress)

    def tables(self) -> list[tuple[type, tuple[str, ...], list[tuple]]]:
        """(model, fields, rows) of every table above measures."""
        plan_rows, cities, plans_n = [], defaultdict(rollups.Tally), defaultdict(int)
        for (plan_id, as_of), tally in self.plans.items():
            plan = self.plan_by_id[plan_id]
            plan_rows.append((plan_id, as_of, plan.city_id, plan.time_elapsed(as_of), as_of == plan.months[-1])
                             + _tally_tuple(tally))
            cities[(plan.city_id, as_of)].merge(tally)
            plans_n[(plan.city_id, as_of)] += 1
        return [
            (TaskSummary, TASK_FIELDS, [key + _tally_tuple(t) for key, t in self.tasks.items()]),
            (PlanSummary, PLAN_FIELDS, plan_rows),
            (CitySummary, CITY_FIELDS, [key + (plans_n[key],) + _tally_tuple(t) for key, t in cities.items()]),
            (ProgrammeCitySummary, PROGRAMME_FIELDS, [key + _tally_tuple(t) for key, t in self.programmes.items()]),
            (UnitSummary, UNIT_FIELDS, [key + _tally_tuple(t) for key, t in self.units.items()]),
            (MeasureUnit, MEASURE_UNIT_FIELDS, sorted(self.measure_units)),
        ]


# Key length of each table's rows, for comparing them (the drift check).
KEYS = {
    TargetSeries: 1, MeasureSummary: 2, TaskSummary: 5, PlanSummary: 2, CitySummary: 2, ProgrammeCitySummary: 3,
    UnitSummary: 2, MeasureUnit: 2,
}

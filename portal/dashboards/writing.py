"""Writing the summary tables: locks, bulk inserts, the incremental writers, and the whole
table replacement of a full rebuild.

Locks (PostgreSQL advisory locks, held to the end of the transaction), always taken in this
order so that two jobs cannot deadlock: `everything` (shared by incremental jobs, exclusive
for a full rebuild), then each plan's in ascending order, then TOP (the city, programme and
unit tables).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from units.collectives import covering

from . import rollups
from .computing import (
    CITY_FIELDS, MEASURE_FIELDS, MEASURE_UNIT_FIELDS, PROGRAMME_FIELDS, SERIES_FIELDS, TALLY_FIELDS, TASK_FIELDS,
    UNIT_FIELDS, PlanInfo, PlanRows, programme_ancestors,
)
from .models import (
    CitySummary, MeasureSummary, MeasureUnit, PlanSummary, ProgrammeCitySummary, TargetSeries, TaskSummary, UnitSummary,
)

LOCK_SPACE = 505_2026
EVERYTHING, TOP = -1, 0

# Every table a full rebuild replaces.
REBUILT = (TargetSeries, MeasureSummary, TaskSummary, PlanSummary, CitySummary, ProgrammeCitySummary, UnitSummary,
           MeasureUnit)


def _advisory(key: int, *, shared: bool = False) -> None:
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_SPACE, key])


def lock_everything(*, shared: bool) -> None:
    _advisory(EVERYTHING, shared=shared)


def lock_plan(plan_id: int) -> None:
    _advisory(plan_id)


def lock_top() -> None:
    _advisory(TOP)


# --- bulk writes -------------------------------------------------------------------------


def copy_text(rows: Iterable[tuple]) -> io.StringIO:
    """Rows in COPY's text format. Only numbers, dates, booleans, status codes and ASCII
    JSON are written here, so nothing needs escaping; None is \\N."""
    buffer = io.StringIO()
    buffer.writelines("\t".join(["\\N" if v is None else str(v) for v in row]) + "\n" for row in rows)
    buffer.seek(0)
    return buffer


def insert(model, fields: Sequence[str], rows: Sequence[tuple], *, table: str | None = None) -> None:
    """Many rows at once: COPY on PostgreSQL (into `table` if given), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = {f.attname: f.column for f in model._meta.concrete_fields}
        names = ", ".join(connection.ops.quote_name(columns[f]) for f in fields)
        target = connection.ops.quote_name(table or model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {target} ({names}) FROM STDIN", copy_text(rows))
    else:
        model.objects.bulk_create((model(**dict(zip(fields, row))) for row in rows), batch_size=500)


def delete(queryset) -> None:
    # Summary rows have nothing pointing at them: one DELETE, no collecting.
    queryset._raw_delete(queryset.db)


class TableReplacement:
    """Replace whole tables in the caller's transaction.

    On PostgreSQL the rows go into new tables without indexes, the indexes are built once at
    the end and the new tables take the old ones' place: readers see the old figures until
    the commit, and a million rows are not a million index insertions. Elsewhere (the
    embedded SQLite demo) the rows are deleted and inserted.
    """

    def __init__(self, models: Sequence[type]):
        self.models = list(models)
        self.swap = connection.vendor == "postgresql"

    def _shadow(self, model) -> str:
        return f"{model._meta.db_table}__new"

    def __enter__(self) -> TableReplacement:
        with connection.cursor() as cursor:
            for model in self.models:
                if self.swap:
                    table, shadow = (connection.ops.quote_name(n) for n in (model._meta.db_table, self._shadow(model)))
                    cursor.execute(f"DROP TABLE IF EXISTS {shadow}")
                    cursor.execute(f"CREATE TABLE {shadow} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)")
                else:
                    delete(model.objects.all())
        return self

    def insert(self, model, fields: Sequence[str], rows: Sequence[tuple]) -> None:
        insert(model, fields, rows, table=self._shadow(model) if self.swap else None)

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None and self.swap:
            with connection.cursor() as cursor:
                for model in self.models:
                    self._take_place(cursor, model)
        return False

    def _take_place(self, cursor, model) -> None:
        table, shadow = model._meta.db_table, self._shadow(model)
        q = connection.ops.quote_name
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')", [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)", [table],
        )
        indexes = cursor.fetchall()
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {q(shadow)} ADD CONSTRAINT {q(name + '__new')} {definition}")
        for name, definition in indexes:
            head, _sep, tail = definition.partition(" ON ")
            tail = tail.replace(f"{table} ", f"{shadow} ", 1)  # ON public.<table> USING …
            cursor.execute(f"{head.replace(name, q(name + '__new'), 1)} ON {tail}")
        cursor.execute(f"DROP TABLE {q(table)}")
        cursor.execute(f"ALTER TABLE {q(shadow)} RENAME TO {q(table)}")
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {q(table)} RENAME CONSTRAINT {q(name + '__new')} TO {q(name)}")
        for name, _definition in indexes:
            cursor.execute(f"ALTER INDEX {q(name + '__new')} RENAME TO {q(name)}")
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        if sequence:  # the new table's identity sequence, named as Django named the old one
            cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {q(table + '_id_seq')}")


def analyze() -> None:
    """Fresh planner statistics after replacing the tables: the dashboards' queries pick
    their indexes from them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in REBUILT:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- incremental writes ------------------------------------------------------------------


def _measure_tally():
    annotations = {f"n_{s}": Count("id", filter=Q(status=s)) for s in rollups.STATUSES}
    annotations["completion_sum"] = Coalesce(Sum("completion_sum"), 0.0)
    annotations["completion_n"] = Coalesce(Sum("completion_n"), 0)
    annotations["n_sample"] = Count("id", filter=Q(has_sample=True))
    return annotations


def _tally_sums():
    return {f: Sum(f) for f in TALLY_FIELDS}


def _rows(queryset, keys: Sequence[str], annotations: dict) -> list[dict]:
    return list(queryset.values(*keys).annotate(**annotations).order_by())


def write_measure_rows(plan: PlanInfo, measure_ids: Sequence[int] | None, rows: PlanRows) -> None:
    targets = TargetSeries.objects.filter(plan_id=plan.id)
    measures = MeasureSummary.objects.filter(plan_id=plan.id)
    if measure_ids is not None:
        targets = targets.filter(measure_id__in=measure_ids)
        measures = measures.filter(measure_id__in=measure_ids)
    delete(targets)
    delete(measures)
    insert(TargetSeries, SERIES_FIELDS, rows.targets)
    insert(MeasureSummary, MEASURE_FIELDS, rows.measures)


def write_tasks(*, plan_id: int, task_ids: Iterable[int] | None = None) -> None:
    source = MeasureSummary.objects.filter(plan_id=plan_id)
    existing = TaskSummary.objects.filter(plan_id=plan_id)
    if task_ids is not None:
        source = source.filter(task_id__in=list(task_ids))
        existing = existing.filter(task_id__in=list(task_ids))
    rows = _rows(source, TASK_FIELDS[:5], _measure_tally())
    delete(existing)
    insert(TaskSummary, TASK_FIELDS, [tuple(r[f] for f in TASK_FIELDS) for r in rows])


def write_plan(plan: PlanInfo) -> None:
    rows = _rows(TaskSummary.objects.filter(plan_id=plan.id), ("as_of",), _tally_sums())
    delete(PlanSummary.objects.filter(plan_id=plan.id))
    final = plan.months[-1] if plan.months else None
    insert(
        PlanSummary,
        ("plan_id", "as_of", "city_id", "time_elapsed", "is_final") + TALLY_FIELDS,
        [(plan.id, r["as_of"], plan.city_id, plan.time_elapsed(r["as_of"]), r["as_of"] == final)
         + tuple(r[f] for f in TALLY_FIELDS) for r in rows],
    )


def write_cities(city_ids: Iterable[int]) -> None:
    city_ids = list(city_ids)
    rows = _rows(PlanSummary.objects.filter(city_id__in=city_ids), ("city_id", "as_of"),
                 _tally_sums() | {"plans_n": Count("id")})
    delete(CitySummary.objects.filter(city_id__in=city_ids))
    insert(CitySummary, CITY_FIELDS, [tuple(r[f] for f in CITY_FIELDS) for r in rows])


def write_programmes(city_ids: Iterable[int]) -> None:
    city_ids = list(city_ids)
    ancestors = programme_ancestors()
    tallies: dict[tuple, dict] = {}
    for r in _rows(TaskSummary.objects.filter(city_id__in=city_ids), ("programme_id", "city_id", "as_of"), _tally_sums()):
        for programme_id in ancestors.get(r["programme_id"], (r["programme_id"],)):
            into = tallies.setdefault((programme_id, r["city_id"], r["as_of"]), dict.fromkeys(TALLY_FIELDS, 0))
            for f in TALLY_FIELDS:
                into[f] += r[f]
    delete(ProgrammeCitySummary.objects.filter(city_id__in=city_ids))
    insert(ProgrammeCitySummary, PROGRAMME_FIELDS, [key + tuple(t[f] for f in TALLY_FIELDS) for key, t in tallies.items()])


def write_units(unit_ids: Iterable[int]) -> None:
    """These units' tallies added up again from all their measures."""
    unit_ids = list(unit_ids)
    # A town counts the measures of the collectives (各镇街) that stand for it as its own.
    stands_for = covering(unit_ids)
    rows = list(
        MeasureSummary.objects.filter(measure__responsibilities__unit_id__in=[*unit_ids, *stands_for])
        .values("as_of", "city_id", unit=F("measure__responsibilities__unit_id"))
        .annotate(**_measure_tally())
        .order_by()
    )
    tallies: dict[tuple, list] = {}
    for r in rows:
        for unit in stands_for.get(r["unit"], ()) if r["unit"] in stands_for else (r["unit"],):
            into = tallies.setdefault((unit, r["as_of"], r["city_id"]), [0] * len(TALLY_FIELDS))
            for i, f in enumerate(TALLY_FIELDS):
                into[i] += r[f]
    delete(UnitSummary.objects.filter(unit_id__in=unit_ids))
    insert(UnitSummary, UNIT_FIELDS, [key + tuple(values) for key, values in tallies.items()])


STATUS_INDEX = {status: i for i, status in enumerate(rollups.STATUSES)}


def add_unit_contributions(deltas: dict, rows: Iterable[tuple], units_of: dict[int, set[int]], sign: int) -> None:
    """rows: (measure, as_of, city, status, completion_sum, completion_n, sample)."""
    for measure_id, as_of, city_id, status, completion_sum, completion_n, sample in rows:
        for unit_id in units_of.get(measure_id, ()):
            delta = deltas.setdefault((unit_id, as_of, city_id), [0] * 6 + [0.0, 0, 0])
            delta[STATUS_INDEX[status]] += sign
            delta[6] += sign * completion_sum
            delta[7] += sign * completion_n
            delta[8] += sign * int(sample)


def apply_unit_deltas(deltas: dict) -> None:
    """Adjust the units' tallies by the measures' old and new contributions."""
    if not deltas:
        return
    units = {unit for unit, _as_of, _city in deltas}
    months = {as_of for _unit, as_of, _city in deltas}
    existing = {
        (row[0], row[1]): row
        for row in UnitSummary.objects.filter(unit_id__in=units, as_of__in=months).values_list(
            "unit_id", "as_of", "pk", *TALLY_FIELDS
        )
    }
    replaced, rows = [], []
    for (unit_id, as_of, city_id), delta in deltas.items():
        old = existing.get((unit_id, as_of))
        base = old[3:] if old else (0,) * 6 + (0.0, 0, 0)
        if old:
            replaced.append(old[2])
        new = [b + d for b, d in zip(base, delta)]
        if sum(new[:6]):  # a unit left with no measure that month has no row, as in a rebuild
            rows.append((unit_id, as_of, city_id, *new))
    delete(UnitSummary.objects.filter(pk__in=replaced))
    insert(UnitSummary, UNIT_FIELDS, rows)


def snapshot_units(measure_ids: Iterable[int], pairs: Iterable[tuple[int, int]]) -> None:
    delete(MeasureUnit.objects.filter(measure_id__in=list(measure_ids)))
    insert(MeasureUnit, MEASURE_UNIT_FIELDS, sorted(set(pairs)))


def units_counted(measure_ids: Iterable[int]) -> dict[int, set[int]]:
    counted: dict[int, set[int]] = defaultdict(set)
    for measure_id, unit_id in MeasureUnit.objects.filter(measure_id__in=list(measure_ids)).values_list(
        "measure_id", "unit_id"
    ):
        counted[measure_id].add(unit_id)
    return counted

"""Write a validated ledger draft in one transaction, by natural keys.

A plan's rows are keyed the way a bureau reads its ledger: a section by its position, a task
by its number, a measure by (task number, position in the task), a target by its position in
the measure, a responsibility by its unit. compare() reads what the plan holds (a handful of
values_list queries) and says, per key, what the draft would create, update or leave; the
preview shows that, and ledger_write() carries it out: new rows bulk-created, changed rows
bulk-updated with their history kept. A measure no longer in the file is reported, never
deleted; a target no longer in the file is deleted only while no report has a value for it.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import ActualValue, Target
from tasks.models import Measure, Plan, Responsibility, Section, Task
from tasks.signals import notify_progress_changed

from .validate import DraftMeasure, DraftTarget, DraftTask, LedgerDraft

MeasureKey = tuple[int, int]  # (task number, position of the measure in its task)
MEASURE_FIELDS = ("text", "deadline_text", "deadline", "recurring", "goal")
TARGET_FIELDS = (
    "indicator_id", "kind", "comparator", "value", "value_max", "unit", "period_start", "period_end", "phrase"
)
TASK_FIELDS = ("title", "programme_id", "section_seq")
CHANGE_LABELS = {
    "text": "工作措施",
    "deadline_text": "完成时限",
    "deadline": "完成时限",
    "recurring": "完成时限",
    "goal": "目标指标",
    "lead": "牵头单位",
    "support": "配合单位",
    "targets": "目标指标",
    "title": "任务",
    "programme_id": "专项",
    "section_seq": "章节",
}
BATCH = 2000
COPY_BATCH = 10_000


class LedgerNotValid(Exception):
    def __init__(self, draft: LedgerDraft):
        self.draft = draft
        super().__init__("\n".join(str(problem) for problem in draft.problems))


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    missing_measures: list[str] = field(default_factory=list)
    kept_targets: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    results: Counter = field(default_factory=Counter)  # recorded results: created, updated, unchanged

    @property
    def changed(self) -> bool:
        return bool(
            sum(self.created.values()) or sum(self.updated.values()) or sum(self.deleted.values())
            or self.results["created"] or self.results["updated"]
        )

    def as_dict(self) -> dict:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "deleted": dict(self.deleted),
            "missing_measures": self.missing_measures,
            "kept_targets": self.kept_targets,
            "skipped_rows": self.skipped_rows,
            "results": dict(self.results),
        }


@dataclass
class PlanState:
    """What a plan holds, as plain values keyed like the draft."""

    sections: dict[int, tuple[int, str, str]] = field(default_factory=dict)  # seq → (pk, number, title)
    tasks: dict[int, dict] = field(default_factory=dict)  # number → pk, title, programme_id, section_seq
    measures: dict[MeasureKey, dict] = field(default_factory=dict)  # key → pk and MEASURE_FIELDS
    responsibilities: dict[MeasureKey, dict[int, tuple[int, str]]] = field(default_factory=dict)
    targets: dict[MeasureKey, dict[int, dict]] = field(default_factory=dict)  # key → seq → pk and fields
    targets_with_actuals: set[int] = field(default_factory=set)


def load_plan_state(plan: Plan | None) -> PlanState:
    state = PlanState()
    if plan is None or plan.pk is None:
        return state
    section_seq = {}
    for pk, seq, number, title in Section.objects.filter(plan=plan).values_list("pk", "seq", "number", "title"):
        state.sections[seq] = (pk, number, title)
        section_seq[pk] = seq
    task_number = {}
    for pk, number, title, programme_id, section_id in Task.objects.filter(plan=plan).values_list(
        "pk", "number", "title", "programme_id", "section_id"
    ):
        state.tasks[number] = {
            "pk": pk, "title": title, "programme_id": programme_id, "section_seq": section_seq.get(section_id)
        }
        task_number[pk] = number
    measure_key = {}
    for pk, task_id, seq, *values in Measure.objects.filter(task__plan=plan).values_list(
        "pk", "task_id", "seq", *MEASURE_FIELDS
    ):
        key = (task_number[task_id], seq)
        state.measures[key] = {"pk": pk, **dict(zip(MEASURE_FIELDS, values))}
        measure_key[pk] = key
    for pk, measure_id, unit_id, role in Responsibility.objects.filter(measure__task__plan=plan).values_list(
        "pk", "measure_id", "unit_id", "role"
    ):
        state.responsibilities.setdefault(measure_key[measure_id], {})[unit_id] = (pk, role)
    for pk, measure_id, seq, *values in Target.objects.filter(measure__task__plan=plan).values_list(
        "pk", "measure_id", "seq", *TARGET_FIELDS
    ):
        state.targets.setdefault(measure_key[measure_id], {})[seq] = {"pk": pk, **dict(zip(TARGET_FIELDS, values))}
    state.targets_with_actuals = set(
        ActualValue.objects.filter(target__measure__task__plan=plan).values_list("target_id", flat=True).distinct()
    )
    return state


def target_values(target: DraftTarget) -> dict:
    p = target.parsed
    return {
        "indicator_id": target.indicator_id,
        "kind": p.kind,
        "comparator": p.comparator,
        "value": p.value,
        "value_max": p.value_max,
        "unit": p.unit,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "phrase": p.phrase,
    }


def measure_values(measure: DraftMeasure) -> dict:
    return {name: getattr(measure, name) for name in MEASURE_FIELDS}


def task_values(task: DraftTask) -> dict:
    return {"title": task.title, "programme_id": task.programme_id, "section_seq": task.section_seq}


@dataclass
class Change:
    status: str  # create | update | unchanged
    changes: list[str] = field(default_factory=list)  # labels of what differs, in the bureau's words


@dataclass
class LedgerDiff:
    sections: dict[int, Change] = field(default_factory=dict)
    tasks: dict[int, Change] = field(default_factory=dict)
    measures: dict[MeasureKey, Change] = field(default_factory=dict)
    missing: list[MeasureKey] = field(default_factory=list)
    responsibilities_create: list[tuple[MeasureKey, int, str]] = field(default_factory=list)
    responsibilities_update: dict[int, str] = field(default_factory=dict)  # pk → role
    responsibilities_delete: list[int] = field(default_factory=list)
    responsibilities_unchanged: int = 0
    targets_create: list[tuple[MeasureKey, int, DraftTarget]] = field(default_factory=list)
    targets_update: dict[int, dict] = field(default_factory=dict)  # pk → values
    targets_delete: list[int] = field(default_factory=list)
    targets_kept: list[int] = field(default_factory=list)  # stale, but a report has a value for it
    targets_unchanged: int = 0


def _differs(existing: dict, wanted: dict) -> list[str]:
    return [name for name, value in wanted.items() if existing.get(name) != value]


def _labels(names) -> list[str]:
    return list(dict.fromkeys(CHANGE_LABELS[name] for name in names))


def compare(draft: LedgerDraft, state: PlanState) -> LedgerDiff:
    diff = LedgerDiff()
    for section in draft.sections:
        existing = state.sections.get(section.seq)
        if existing is None:
            diff.sections[section.seq] = Change("create")
        elif (existing[1], existing[2]) != (section.number, section.title):
            diff.sections[section.seq] = Change("update", ["章节"])
        else:
            diff.sections[section.seq] = Change("unchanged")
    for task in draft.tasks:
        existing = state.tasks.get(task.number)
        if existing is None:
            diff.tasks[task.number] = Change("create")
        else:
            changed = _differs(existing, task_values(task))
            diff.tasks[task.number] = Change("update" if changed else "unchanged", _labels(changed))
        for measure in task.measures:
            key = (task.number, measure.seq)
            diff.measures[key] = _compare_measure(key, measure, state, diff)
    in_file = set(diff.measures) | draft.skipped_measures
    diff.missing = sorted(
        key for key in state.measures if key not in in_file and key[0] not in draft.skipped_tasks
    )
    return diff


def _compare_measure(key: MeasureKey, measure: DraftMeasure, state: PlanState, diff: LedgerDiff) -> Change:
    existing = state.measures.get(key)
    wanted_roles = {unit_id: "lead" for unit_id in measure.lead_ids}
    wanted_roles.update({unit_id: "support" for unit_id in measure.support_ids if unit_id not in wanted_roles})
    if existing is None:  # all new: nothing to compare
        diff.responsibilities_create.extend((key, unit_id, role) for unit_id, role in wanted_roles.items())
        diff.targets_create.extend((key, seq, target) for seq, target in enumerate(measure.targets, start=1))
        return Change("create")
    changed = _differs(existing, measure_values(measure))
    current = state.responsibilities.get(key, {})
    for unit_id, role in wanted_roles.items():
        if unit_id not in current:
            diff.responsibilities_create.append((key, unit_id, role))
            changed.append(role)
        elif current[unit_id][1] != role:
            diff.responsibilities_update[current[unit_id][0]] = role
            changed += [role, current[unit_id][1]]
        else:
            diff.responsibilities_unchanged += 1
    for unit_id, (pk, role) in current.items():
        if unit_id not in wanted_roles:
            diff.responsibilities_delete.append(pk)
            changed.append(role)

    current_targets = state.targets.get(key, {})
    for seq, target in enumerate(measure.targets, start=1):
        values = target_values(target)
        old = current_targets.get(seq)
        if old is None:
            diff.targets_create.append((key, seq, target))
            changed.append("targets")
        elif _differs(old, values):
            diff.targets_update[old["pk"]] = values
            changed.append("targets")
        else:
            diff.targets_unchanged += 1
    for seq, old in current_targets.items():
        if seq > len(measure.targets):
            if old["pk"] in state.targets_with_actuals:
                diff.targets_kept.append(old["pk"])
            else:
                diff.targets_delete.append(old["pk"])
                changed.append("targets")
    return Change("update" if changed else "unchanged", _labels(changed))


@transaction.atomic
def ledger_write(*, draft: LedgerDraft, plan: Plan, user=None) -> ImportSummary:
    if not draft.ok:
        raise LedgerNotValid(draft)
    if any(uid < 0 for m in draft.measures for uid in (*m.lead_ids, *m.support_ids)):
        raise ValueError("a unit chosen for creation must be created before the ledger is written")
    state = load_plan_state(plan)
    diff = compare(draft, state)
    summary = ImportSummary(skipped_rows=len({p.place.row for p in draft.skipped_problems}))
    history = {"default_user": user}  # for the updates; insert_rows writes its own history rows

    # Sections, then tasks with their history (a renamed task keeps its old title).
    section_pk = {seq: pk for seq, (pk, _number, _title) in state.sections.items()}
    new_sections = [
        {"plan_id": plan.pk, "seq": s.seq, "number": s.number, "title": s.title}
        for s in draft.sections
        if diff.sections[s.seq].status == "create"
    ]
    changed_sections = {s.seq: s for s in draft.sections if diff.sections[s.seq].status == "update"}
    for row, pk in zip(new_sections, insert_rows(Section, new_sections)):
        section_pk[row["seq"]] = pk
    if changed_sections:
        objs = list(Section.objects.filter(plan=plan, seq__in=changed_sections))
        for obj in objs:
            obj.number, obj.title = changed_sections[obj.seq].number, changed_sections[obj.seq].title
        Section.objects.bulk_update(objs, ["number", "title"])
    _count(summary, "sections", diff.sections.values())

    task_pk = {number: values["pk"] for number, values in state.tasks.items()}

    def task_fields(task: DraftTask) -> dict:
        return {
            "title": task.title,
            "programme_id": task.programme_id,
            "section_id": section_pk[task.section_seq] if task.section_seq else None,
        }

    new_tasks = [
        {"plan_id": plan.pk, "number": t.number, **task_fields(t)}
        for t in draft.tasks
        if diff.tasks[t.number].status == "create"
    ]
    for row, pk in zip(new_tasks, insert_rows(Task, new_tasks, user=user)):
        task_pk[row["number"]] = pk
    changed_tasks = {t.number: t for t in draft.tasks if diff.tasks[t.number].status == "update"}
    if changed_tasks:
        objs = list(Task.objects.filter(plan=plan, number__in=changed_tasks))
        for obj in objs:
            for name, value in task_fields(changed_tasks[obj.number]).items():
                setattr(obj, name, value)
        bulk_update_with_history(objs, Task, ["title", "programme_id", "section_id"], batch_size=BATCH, **history)
    _count(summary, "tasks", diff.tasks.values())

    # Measures, with their history.
    measure_pk = {key: values["pk"] for key, values in state.measures.items()}
    by_key = {(t.number, m.seq): m for t in draft.tasks for m in t.measures}
    new_keys = [key for key, change in diff.measures.items() if change.status == "create"]
    new_measures = [{"task_id": task_pk[key[0]], "seq": key[1], **measure_values(by_key[key])} for key in new_keys]
    measure_pk.update(zip(new_keys, insert_rows(Measure, new_measures, user=user)))
    changed_measures = {
        measure_pk[key]: by_key[key]
        for key, change in diff.measures.items()
        if change.status == "update" and _differs(state.measures[key], measure_values(by_key[key]))
    }
    if changed_measures:
        objs = list(Measure.objects.filter(pk__in=changed_measures))
        for obj in objs:
            for name, value in measure_values(changed_measures[obj.pk]).items():
                setattr(obj, name, value)
        bulk_update_with_history(objs, Measure, list(MEASURE_FIELDS), batch_size=BATCH, **history)
    _count(summary, "measures", diff.measures.values())
    summary.missing_measures = [
        f"{key[0]}.{key[1]} {state.measures[key]['text'][:40]}" for key in diff.missing
    ]

    # Responsibilities: who leads and who supports each measure of the file.
    new_responsibilities = [
        {"measure_id": measure_pk[key], "unit_id": unit_id, "role": role}
        for key, unit_id, role in diff.responsibilities_create
    ]
    insert_rows(Responsibility, new_responsibilities, user=user)
    if diff.responsibilities_update:
        objs = list(Responsibility.objects.filter(pk__in=diff.responsibilities_update))
        for obj in objs:
            obj.role = diff.responsibilities_update[obj.pk]
        bulk_update_with_history(objs, Responsibility, ["role"], batch_size=BATCH, **history)
    if diff.responsibilities_delete:
        # A unit taken off a measure: QuerySet.delete() sends post_delete, so history records it.
        Responsibility.objects.filter(pk__in=diff.responsibilities_delete).delete()
    summary.created["responsibilities"] = len(new_responsibilities)
    summary.updated["responsibilities"] = len(diff.responsibilities_update)
    summary.deleted["responsibilities"] = len(diff.responsibilities_delete)
    summary.unchanged["responsibilities"] = diff.responsibilities_unchanged

    # Targets.
    new_targets = [
        {"measure_id": measure_pk[key], "seq": seq, **target_values(target)} for key, seq, target in diff.targets_create
    ]
    insert_rows(Target, new_targets, user=user)
    if diff.targets_update:
        objs = list(Target.objects.filter(pk__in=diff.targets_update))
        for obj in objs:
            for name, value in diff.targets_update[obj.pk].items():
                setattr(obj, name, value)
        bulk_update_with_history(objs, Target, list(TARGET_FIELDS), batch_size=BATCH, **history)
    if diff.targets_delete:
        Target.objects.filter(pk__in=diff.targets_delete).delete()
    summary.created["targets"] = len(new_targets)
    summary.updated["targets"] = len(diff.targets_update)
    summary.deleted["targets"] = len(diff.targets_delete)
    summary.unchanged["targets"] = diff.targets_unchanged
    if diff.targets_kept:
        summary.kept_targets = list(
            Target.objects.filter(pk__in=diff.targets_kept).values_list("phrase", flat=True)
        )

    touched = [measure_pk[key] for key, change in diff.measures.items() if change.status != "unchanged"]
    touched += [
        measure_pk[(t.number, m.seq)]
        for t in draft.tasks
        if diff.tasks[t.number].status == "update"
        for m in t.measures
    ]
    notify_progress_changed(touched)
    return summary


def insert_rows(model, rows: list[dict], *, user=None) -> list[int]:
    """Insert rows (values by attribute name) and, for a model with history, a "+" history
    row each; return the new primary keys, in order.

    On PostgreSQL the keys are drawn from the table's sequence and the rows copied in (COPY)
    as plain values: the model instances an ORM bulk_create builds, and the historical ones
    simple-history builds after it, would cost several times what the database does for a
    large ledger. Elsewhere (the embedded SQLite demo) the ORM does it.
    """
    if not rows:
        return []
    history = getattr(model, "history", None)
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if history is not None:
            bulk_create_with_history(objs, model, batch_size=BATCH, default_user=user)
        else:
            model.objects.bulk_create(objs, batch_size=BATCH)
        return [obj.pk for obj in objs]
    now = timezone.now()
    pks = _next_ids(model, len(rows))
    fields = list(model._meta.concrete_fields)
    if history is not None:
        # A history row is the row itself and four columns of its own.
        extra = {"history_date": now, "history_change_reason": None, "history_type": "+",
                 "history_user_id": user.pk if user is not None else None}
        historical = [f for f in history.model._meta.concrete_fields if not f.primary_key]
        position = {f.attname: index for index, f in enumerate(fields)}
        plan = [(position.get(f.attname, -1), extra.get(f.attname, _default(f, now))) for f in historical]
    for start in range(0, len(rows), COPY_BATCH):  # a batch at a time, to keep memory flat
        values = [
            [pk, *row]
            for pk, row in zip(pks[start : start + COPY_BATCH], _columns(fields[1:], rows[start : start + COPY_BATCH], now))
        ]
        _copy(model, fields, values)
        if history is not None:
            _copy(history.model, historical, [[row[i] if i >= 0 else const for i, const in plan] for row in values])
    return pks


def _default(field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_db_prep_save(field.get_default(), connection)


def _columns(fields, rows: list[dict], now) -> list[list]:
    """Each row's values in the order of the fields; a field the rows do not set takes its
    default, as the ORM would give it."""
    plan = [(f.attname, f.attname in rows[0], _default(f, now)) for f in fields]
    return [[row[name] if given else default for name, given, default in plan] for row in rows]


def _next_ids(model, count: int) -> list[int]:
    """Keys for new rows, taken from the table's own sequence before the rows are copied in."""
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model, fields, rows: list[list]) -> None:
    """COPY rows into the model's table as CSV, written by the csv module's C writer: every
    value quoted, so that an empty text stays empty, and NULL forced where a column allows it."""
    quote = connection.ops.quote_name
    nullable = [quote(f.column) for f in fields if f.null]
    sql = "COPY {} ({}) FROM STDIN WITH (FORMAT csv{})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        f", FORCE_NULL ({', '.join(nullable)})" if nullable else "",
    )
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, buffer)


def _count(summary: ImportSummary, label: str, changes) -> None:
    for change in changes:
        if change.status == "create":
            summary.created[label] += 1
        elif change.status == "update":
            summary.updated[label] += 1
        else:
            summary.unchanged[label] += 1

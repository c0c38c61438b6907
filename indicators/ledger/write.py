"""Write a validated ledger draft in one transaction, by natural keys.

Existing rows are fetched once per kind; new rows are bulk-created and changed rows
bulk-updated with their history kept. A measure no longer in the file is reported, never deleted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from indicators.models import Target
from indicators.signals import notify_progress_changed
from tasks.models import Measure, Plan, Responsibility, Section, Task

from .validate import LedgerDraft


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

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()) or sum(self.deleted.values()))


def _sync(model, existing: dict, wanted: dict, fields: list[str], summary: ImportSummary, label: str):
    """Create what is new, update what differs; return key → saved instance."""
    to_create, to_update = [], []
    for key, values in wanted.items():
        obj = existing.get(key)
        if obj is None:
            obj = model(**values)
            to_create.append(obj)
            existing[key] = obj
        elif any(getattr(obj, name) != values[name] for name in fields):
            for name in fields:
                setattr(obj, name, values[name])
            to_update.append(obj)
        else:
            summary.unchanged[label] += 1
    if to_create:
        if hasattr(model, "history"):
            bulk_create_with_history(to_create, model, batch_size=1000)
        else:
            model.objects.bulk_create(to_create, batch_size=1000)
        summary.created[label] += len(to_create)
    if to_update:
        if hasattr(model, "history"):
            bulk_update_with_history(to_update, model, fields, batch_size=1000)
        else:
            model.objects.bulk_update(to_update, fields, batch_size=1000)
        summary.updated[label] += len(to_update)
    return existing


@transaction.atomic
def ledger_write(*, draft: LedgerDraft, plan: Plan) -> ImportSummary:
    if not draft.ok:
        raise LedgerNotValid(draft)
    summary = ImportSummary()

    sections = _sync(
        Section,
        {s.seq: s for s in plan.sections.all()},
        {s.seq: {"plan": plan, "seq": s.seq, "number": s.number, "title": s.title} for s in draft.sections},
        ["number", "title"],
        summary,
        "sections",
    )
    # Refetch created rows whose primary keys the backend did not return (SQLite < 3.35).
    if any(s.pk is None for s in sections.values()):
        sections = {s.seq: s for s in plan.sections.all()}

    tasks = _sync(
        Task,
        {t.number: t for t in plan.tasks.all()},
        {
            t.number: {
                "plan": plan,
                "number": t.number,
                "title": t.title,
                "programme_id": t.programme_id,
                "section_id": sections[t.section_seq].pk if t.section_seq else None,
            }
            for t in draft.tasks
        },
        ["title", "programme_id", "section_id"],
        summary,
        "tasks",
    )
    if any(t.pk is None for t in tasks.values()):
        tasks = {t.number: t for t in plan.tasks.all()}

    existing_measures = {(m.task.number, m.seq): m for m in Measure.objects.filter(task__plan=plan).select_related("task")}
    wanted_measures = {
        (t.number, m.seq): {
            "task_id": tasks[t.number].pk,
            "seq": m.seq,
            "text": m.text,
            "deadline_text": m.deadline_text,
            "deadline": m.deadline,
            "recurring": m.recurring,
        }
        for t in draft.tasks
        for m in t.measures
    }
    measures = _sync(
        Measure, existing_measures, wanted_measures, ["text", "deadline_text", "deadline", "recurring"], summary, "measures"
    )
    if any(m.pk is None for m in measures.values()):
        measures = {(m.task.number, m.seq): m for m in Measure.objects.filter(task__plan=plan).select_related("task")}
    summary.missing_measures = [
        f"{number}.{seq}" for (number, seq) in existing_measures if (number, seq) not in wanted_measures
    ]

    existing_resp = {
        (r.measure_id, r.unit_id): r for r in Responsibility.objects.filter(measure__task__plan=plan)
    }
    wanted_resp = {}
    for t in draft.tasks:
        for m in t.measures:
            measure = measures[(t.number, m.seq)]
            for role, unit_ids in (("lead", m.lead_ids), ("support", m.support_ids)):
                for unit_id in unit_ids:
                    wanted_resp[(measure.pk, unit_id)] = {"measure_id": measure.pk, "unit_id": unit_id, "role": role}
    _sync(Responsibility, existing_resp, wanted_resp, ["role"], summary, "responsibilities")
    stale = [r.pk for key, r in existing_resp.items() if key not in wanted_resp and r.pk]
    if stale:
        # A unit taken off a measure in the new file: delete one by one so history records it.
        for responsibility in Responsibility.objects.filter(pk__in=stale):
            responsibility.delete()
        summary.deleted["responsibilities"] += len(stale)

    existing_targets = {(t.measure_id, t.seq): t for t in Target.objects.filter(measure__task__plan=plan)}
    wanted_targets = {}
    for t in draft.tasks:
        for m in t.measures:
            measure = measures[(t.number, m.seq)]
            for seq, target in enumerate(m.targets, start=1):
                p = target.parsed
                wanted_targets[(measure.pk, seq)] = {
                    "measure_id": measure.pk,
                    "seq": seq,
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
    target_fields = [
        "indicator_id", "kind", "comparator", "value", "value_max", "unit", "period_start", "period_end", "phrase"
    ]
    _sync(Target, existing_targets, wanted_targets, target_fields, summary, "targets")
    if summary.changed:
        notify_progress_changed(m.pk for m in measures.values())
    return summary

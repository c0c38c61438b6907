"""Stored targets read again from their phrases (`manage.py targets_reread`).

When the target parser learns to read a phrase better (不低于 as at least, a range of
percentages as one range), the targets imported before it still hold the old reading. This
re-reads every stored phrase in its plan's years and the measure's deadline, lists what the
parser now reads differently and, asked to, corrects them in one transaction: each change is
saved with its reason in the target's history, and the measures touched are recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from tasks.signals import notify_progress_changed

from ..models import Target
from ..parsing import ParsedTarget, PlanContext, parse_targets, plain_number

FIELDS = ("kind", "comparator", "value", "value_max", "unit", "period_start", "period_end")
REASON = "按新的目标解析规则重读目标"


@dataclass(frozen=True)
class Reread:
    """One stored target whose phrase now reads differently (`changes`: field → (old, new)),
    or, with `problem`, one that cannot be corrected by itself."""

    target: Target
    changes: dict
    problem: str = ""

    def describe(self) -> str:
        where = f"{self.target.measure.task.plan} · {self.target.measure} · “{self.target.phrase}”"
        if self.problem:
            return f"{where}: {self.problem}"
        parts = "；".join(f"{name}: {_shown(old)} → {_shown(new)}" for name, (old, new) in self.changes.items())
        return f"{where}: {parts}"


def _shown(value) -> str:
    if value is None:
        return "—"
    return plain_number(value) if hasattr(value, "normalize") else str(value)


def targets_reread(*, plan=None) -> list[Reread]:
    """Every stored target that the parser reads differently from its phrase today."""
    targets = Target.objects.select_related("measure__task__plan").order_by("measure_id", "seq")
    if plan is not None:
        targets = targets.filter(measure__task__plan=plan)
    by_phrase: dict[tuple[int, str], list[Target]] = defaultdict(list)
    for target in targets:
        by_phrase[(target.measure_id, target.phrase)].append(target)
    found: list[Reread] = []
    for (_measure_id, phrase), stored in by_phrase.items():
        measure = stored[0].measure
        plan_of = measure.task.plan
        parsed = parse_targets(phrase, PlanContext(plan_of.year_start, plan_of.year_end, measure.deadline)).targets
        if len(parsed) != len(stored):
            found.extend(
                Reread(
                    target,
                    {},
                    _("现在读出 %(new)d 个目标（已存 %(old)d 个），请在台账中核对后重新导入")
                    % {"new": len(parsed), "old": len(stored)},
                )
                for target in stored[:1]
            )
            continue
        for target, reading in zip(stored, parsed, strict=True):
            changes = _changes(target, reading)
            if changes:
                found.append(Reread(target, changes))
    return found


def _changes(target: Target, reading: ParsedTarget) -> dict:
    changes = {}
    for name in FIELDS:
        old, new = getattr(target, name), getattr(reading, name)
        if old != new:
            changes[name] = (old, new)
    return changes


def targets_reread_apply(rereads: list[Reread]) -> int:
    """Write the corrections (not the problems) in one transaction, with history; the
    measures touched are recomputed after the commit. Returns the number of targets changed."""
    correctable = [reread for reread in rereads if reread.changes and not reread.problem]
    with transaction.atomic():
        for reread in correctable:
            target = Target.objects.select_for_update().get(pk=reread.target.pk)
            for name, (_old, new) in reread.changes.items():
                setattr(target, name, new)
            target._change_reason = REASON
            target.save()
        notify_progress_changed(reread.target.measure_id for reread in correctable)
    return len(correctable)

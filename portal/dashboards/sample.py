"""Sample progress for the demo: approved reports on the plans still running, so that a
newcomer sees live dashboards.

Every report made here is marked by a SampleReport row and says so in its narrative
(【示例数据】); the dashboards flag every figure it reaches as 示例数据. The results the seeds
really report (RecordedResult) are never touched or mixed in: sample values are ordinary
ActualValue rows of the marked reports. Running it again adds nothing that is already there,
and a report someone really filed for a (measure, unit, period) is never replaced.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from indicators.models import ActualValue, Period, ProgressReport, Target
from indicators.services import periods_create_for_plan
from tasks.models import Measure, Plan, Responsibility
from units.models import Membership

from . import rollups
from .models import SampleReport

SAMPLE_NARRATIVE = "【示例数据】演示用的模拟进度，并非真实填报。"
BUREAU = "市人力资源和社会保障局"
# How fast each target moves, relative to time elapsed: a mix of done, green, amber and red.
PACES = (1.25, 1.05, 1.0, 0.9, 0.85, 0.6, 0.45)


@dataclass
class SampleSummary:
    plans: int = 0
    reports: int = 0
    values: int = 0


def _rng(*parts) -> random.Random:
    seed = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def _whole(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def sample_value(target: Target, period: Period) -> dict | None:
    """A believable value for one target and one period, the same on every run."""
    pace = _rng("pace", target.pk).choice(PACES)
    noise = _rng("noise", target.pk, period.start).uniform(0.85, 1.15)
    row = rollups.TargetRow(target.pk, target.kind, target.comparator, target.value, target.value_max, target.unit,
                            target.period_start, target.period_end)
    start, end = rollups.window(row, period.start)
    if target.kind in rollups.ADDITIVE:
        # What should have been added in this period so the total follows pace × time elapsed;
        # totals stay whole numbers (5 所 grows 1, 2, 3 …).
        before = rollups.time_elapsed(start, end, period.start - timedelta(days=1))
        after = rollups.time_elapsed(start, end, period.end)
        goal = float(target.value_max or target.value) if target.kind == "range" else float(target.value)
        added = _whole(goal * pace * after * noise) - _whole(goal * pace * before * noise)
        return {"value": max(added, Decimal(0))}
    elapsed = rollups.time_elapsed(target.period_start, target.period_end, period.end)
    if target.kind == "rate":
        denominator = Decimal(_rng("den", target.pk, period.start).randint(800, 5000))
        share = min(Decimal("0.995"), target.value / 100 * Decimal(str(min(pace, 1.08))))
        numerator = (denominator * share).quantize(Decimal(1))
        return {"value": (numerator / denominator * 100).quantize(Decimal("0.01")), "numerator": numerator,
                "denominator": denominator}
    if target.kind == "ceiling":
        return {"value": (target.value * Decimal(str(0.92 if pace >= 0.9 else 1.06))).quantize(Decimal("0.01"))}
    # A stock climbs from about 60 % of the goal.
    level = float(target.value) * (0.6 + 0.4 * min(1.0, elapsed * pace))
    return {"value": _whole(level)}


def _self_status(measure_id: int, period: Period) -> str:
    draw = _rng("self", measure_id, period.start).random()
    if draw < 0.12:
        return ProgressReport.SelfStatus.BEHIND
    if draw < 0.2:
        return ProgressReport.SelfStatus.NOT_STARTED
    return ProgressReport.SelfStatus.ON_TRACK


def _demo_users(city_id: int):
    users = {}
    for role in (Membership.Role.STAFF, Membership.Role.REVIEWER):
        membership = (
            Membership.objects.filter(unit__region_id=city_id, unit__name=BUREAU, role=role)
            .select_related("user").order_by("user_id").first()
        )
        users[role] = membership.user if membership else None
    return users[Membership.Role.STAFF], users[Membership.Role.REVIEWER]


def running_plans(today: date):
    return Plan.objects.filter(year_start__lte=today.year, year_end__gte=today.year).order_by("pk")


@transaction.atomic
def sample_progress_load(*, today: date | None = None) -> SampleSummary:
    """Approved sample reports, by each measure's lead unit, for every period already over
    of the plans still running. Written by the city bureau's staff and approved by its
    reviewer (a plan whose city has neither is left alone)."""
    today = today or timezone.localdate()
    summary = SampleSummary()
    for plan in running_plans(today):
        author, reviewer = _demo_users(plan.city_id)
        if author is None or reviewer is None:
            continue
        periods_create_for_plan(plan=plan, today=today)
        periods = list(Period.objects.filter(plan=plan, end__lt=today).order_by("start"))
        leads = dict(
            Responsibility.objects.filter(measure__task__plan=plan, role=Responsibility.Role.LEAD)
            .order_by("id").values_list("measure_id", "unit_id")
        )
        taken = set(
            ProgressReport.objects.filter(period__plan=plan).values_list("measure_id", "unit_id", "period_id")
        )
        targets: dict[int, list[Target]] = {}
        for target in Target.objects.filter(measure__task__plan=plan).order_by("measure_id", "seq"):
            targets.setdefault(target.measure_id, []).append(target)
        reports, pending_values = [], []
        now = timezone.now()
        for measure in Measure.objects.filter(task__plan=plan).order_by("pk"):
            unit_id = leads.get(measure.pk)
            if unit_id is None:
                continue
            for period in periods:
                if (measure.pk, unit_id, period.pk) in taken:
                    continue
                report = ProgressReport(
                    measure=measure, unit_id=unit_id, period=period, version=1, state=ProgressReport.State.APPROVED,
                    narrative=SAMPLE_NARRATIVE,
                    self_status="" if measure.pk in targets else _self_status(measure.pk, period),
                    created_by=author, submitted_at=now, reviewed_by=reviewer, reviewed_at=now,
                    review_comment="【示例数据】",
                )
                reports.append(report)
                for target in targets.get(measure.pk, ()):
                    if target.period_start <= period.start <= target.period_end:
                        fields = sample_value(target, period)
                        if fields is not None:
                            pending_values.append((report, target, fields))
        if not reports:
            continue
        created = bulk_create_with_history(reports, ProgressReport, default_user=author,
                                           default_change_reason="示例数据")
        # bulk_create_with_history returns the objects with their primary keys on PostgreSQL
        # and SQLite; look them up again to be sure on any backend.
        ids = {
            (r.measure_id, r.unit_id, r.period_id): r.pk
            for r in ProgressReport.objects.filter(period__plan=plan, narrative=SAMPLE_NARRATIVE, version=1)
        }
        SampleReport.objects.bulk_create(
            [SampleReport(report_id=ids[(r.measure_id, r.unit_id, r.period_id)]) for r in created],
            ignore_conflicts=True,
        )
        values = [
            ActualValue(report_id=ids[(report.measure_id, report.unit_id, report.period_id)], target=target, **fields)
            for report, target, fields in pending_values
        ]
        bulk_create_with_history(values, ActualValue, default_user=author, default_change_reason="示例数据")
        summary.plans += 1
        summary.reports += len(created)
        summary.values += len(values)
    return summary

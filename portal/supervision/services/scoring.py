"""考核评分 jobs: load each unit's facts as of a month, score them (portal.supervision.scoring),
write ScoreSummary and ScoreItem rows — what the ranking page reads.

Two ways to the same figures, compared by the tests: `scheme_facts` loads every unit's facts
in a few bulk queries and reads target figures from the rollup summary tables;
`scheme_facts_direct` asks unit by unit and recomputes the targets' figures afresh."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from indicators.models import Period, ProgressReport, Target
from portal.dashboards.computing import compute_plan, plan_infos
from portal.dashboards.models import TargetSeries
from portal.dashboards.rollups import month_end, month_ends
from portal.dashboards.services import thresholds_current
from tasks.models import Measure, Plan, Responsibility
from units.models import Unit

from .. import scoring
from ..models import Closure, Notice, OutsideScore, Rule, Scheme, ScoreItem, ScoreSummary


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def scheme_plans(scheme: Scheme):
    if scheme.plan_id:
        return Plan.objects.filter(pk=scheme.plan_id)
    return Plan.objects.filter(city_id=scheme.city_id, year_start__lte=scheme.year, year_end__gte=scheme.year)


def scheme_measures(scheme: Scheme):
    return Measure.objects.filter(task__plan__in=scheme_plans(scheme)).select_related("task")


def scheme_units(scheme: Scheme) -> dict[int, Unit]:
    ids = Responsibility.objects.filter(measure__in=scheme_measures(scheme)).values_list("unit_id", flat=True)
    return Unit.objects.in_bulk(set(ids))


def scheme_periods(scheme: Scheme, as_of: date) -> list[Period]:
    return list(Period.objects.filter(plan__in=scheme_plans(scheme), start__year=scheme.year, due_date__lte=as_of)
                .select_related("plan"))


def rule_specs(scheme: Scheme) -> list[scoring.RuleSpec]:
    return [scoring.RuleSpec(r.pk, r.kind, r.points, r.cap, r.thresholds) for r in scheme.rules.all()]


def _closures_by(scheme: Scheme, as_of: date):
    return Closure.objects.filter(measure__in=scheme_measures(scheme), state=Closure.State.CLOSED,
                                  decided_at__lte=_end_of(as_of), decided_at__year=scheme.year)


def _returned(scheme: Scheme, as_of: date):
    """Every return of a report: a history record entering 'returned', in the scheme's year."""
    return (ProgressReport.history.filter(measure__in=scheme_measures(scheme), state=ProgressReport.State.RETURNED,
                                          history_date__lte=_end_of(as_of), history_date__year=scheme.year)
            .values_list("id", "reviewed_at", "unit_id", "measure_id", "period_id").distinct())


def _late_notices(scheme: Scheme, as_of: date):
    return Notice.objects.filter(measure__in=scheme_measures(scheme), answer_by__lt=as_of, answer_by__year=scheme.year,
                                 issued_at__lte=_end_of(as_of)).exclude(state=Notice.State.RETURNED).filter(
        Q(answered_at__isnull=True) | Q(answered_at__gt=_end_of(as_of)) | Q(answered_at__date__gt=F("answer_by")))


def _label(measure: Measure, text: str) -> str:
    return f"{measure.code} {measure.text[:24]}：{text}"


def scheme_facts(scheme: Scheme, as_of: date) -> dict[int, scoring.Facts]:
    """Every unit's facts in bulk; target figures from the summary tables (TargetSeries)."""
    units = scheme_units(scheme)
    facts = {u: scoring.Facts(items=defaultdict(list)) for u in units}
    measures = {m.pk: m for m in scheme_measures(scheme)}
    resp = list(Responsibility.objects.filter(measure_id__in=list(measures)).values_list("measure_id", "unit_id", "role"))
    periods = scheme_periods(scheme, as_of)
    first_submitted = {
        (m, u, p): s for m, u, p, s in ProgressReport.objects.filter(period__in=periods, submitted_at__isnull=False)
        .values_list("measure_id", "unit_id", "period_id").annotate(s=Min("submitted_at")).values_list(
            "measure_id", "unit_id", "period_id", "s")
    }
    plan_of = {m.pk: m.task.plan_id for m in measures.values()}
    for measure_id, unit_id, _role in resp:
        for period in periods:
            if period.plan_id != plan_of[measure_id]:
                continue
            f = facts[unit_id]
            f.reports_due += 1
            at = first_submitted.get((measure_id, unit_id, period.pk))
            if at is not None and at <= _end_of(period.due_date) and at <= _end_of(as_of):
                f.reports_on_time += 1
            else:
                f.items["late_report"].append(scoring.Item(_label(measures[measure_id], f"{period.label} 逾期报送"), measure_id))
    closed = {c.measure_id: c for c in _closures_by(scheme, as_of)}
    leads = [(m, u) for m, u, role in resp if role == Responsibility.Role.LEAD]
    for measure_id, unit_id in leads:
        measure = measures[measure_id]
        closure = closed.get(measure_id)
        if measure.deadline and measure.deadline < as_of and measure.deadline.year == scheme.year and closure is None:
            facts[unit_id].items["overdue_measure"].append(scoring.Item(_label(measure, f"逾期未销号（时限 {measure.deadline}）"), measure_id))
        if closure is not None and (measure.deadline is None or timezone.localdate(closure.decided_at) <= measure.deadline):
            facts[unit_id].items["closed_on_time"].append(scoring.Item(_label(measure, "按时销号"), measure_id))
    for _id, _at, unit_id, measure_id, _p in _returned(scheme, as_of):
        if unit_id in facts:
            facts[unit_id].items["returned_report"].append(scoring.Item(_label(measures[measure_id], "报告被退回"), measure_id))
    for notice in _late_notices(scheme, as_of):
        if notice.unit_id in facts:
            facts[notice.unit_id].items["notice_late"].append(
                scoring.Item(_label(measures[notice.measure_id], f"督办单逾期未答复（期限 {notice.answer_by}）"), notice.measure_id))
    targets = Target.objects.filter(measure_id__in=[m for m, _u in leads])
    series = {s.target_id: s for s in TargetSeries.objects.filter(target__in=targets).select_related("target")}
    lead_units = defaultdict(list)
    for measure_id, unit_id in leads:
        lead_units[measure_id].append(unit_id)
    for target in targets:
        s = series.get(target.pk)
        point = s.point_at(as_of) if s is not None else None
        actual = point.actual if point is not None else None
        for unit_id in lead_units[target.measure_id]:
            facts[unit_id].targets.append(_target_fact(measures[target.measure_id], target, actual))
    for f in facts.values():
        f.items = dict(f.items)
        f.targets.sort(key=lambda t: (t.measure_id, t.label))
    return facts


def _target_fact(measure: Measure, target: Target, actual) -> scoring.TargetFact:
    return scoring.TargetFact(_label(measure, target.phrase[:30]), measure.pk, target.value, actual,
                              target.comparator == "lte")


def _fresh_actuals(scheme: Scheme, as_of: date) -> dict[int, Decimal | None]:
    """Target figures at the month, recomputed from the approved values (not the summaries)."""
    actuals: dict[int, Decimal | None] = {}
    thresholds = thresholds_current()
    for info in plan_infos([p.pk for p in scheme_plans(scheme)]):
        for row in compute_plan(info, None, thresholds).targets:
            target_id, first, last, points = row[0], row[6], row[7], json.loads(row[9])
            month = min(as_of, last)
            if month != month_end(month):
                month = month.replace(day=1) - timedelta(days=1)
            if month < first:
                actuals[target_id] = None
                continue
            actual = points[len(month_ends(first, month)) - 1][0]
            actuals[target_id] = None if actual is None else Decimal(actual)
    return actuals


def scheme_facts_direct(scheme: Scheme, as_of: date) -> dict[int, scoring.Facts]:
    """The same facts asked unit by unit, the slow and obvious way."""
    facts = {}
    actuals = _fresh_actuals(scheme, as_of)
    periods = scheme_periods(scheme, as_of)
    for unit_id in scheme_units(scheme):
        f = scoring.Facts(items={})
        mine = scheme_measures(scheme).filter(responsibilities__unit_id=unit_id).distinct()
        for measure in mine:
            for period in (p for p in periods if p.plan_id == measure.task.plan_id):
                f.reports_due += 1
                first = ProgressReport.objects.filter(measure=measure, unit_id=unit_id, period=period,
                                                      submitted_at__isnull=False).order_by("submitted_at").first()
                if first and first.submitted_at <= _end_of(period.due_date) and first.submitted_at <= _end_of(as_of):
                    f.reports_on_time += 1
                else:
                    f.items.setdefault("late_report", []).append(
                        scoring.Item(_label(measure, f"{period.label} 逾期报送"), measure.pk))
        led = mine.filter(responsibilities__unit_id=unit_id, responsibilities__role="lead")
        for measure in led:
            closure = _closures_by(scheme, as_of).filter(measure=measure).first()
            if measure.deadline and measure.deadline < as_of and measure.deadline.year == scheme.year and not closure:
                f.items.setdefault("overdue_measure", []).append(
                    scoring.Item(_label(measure, f"逾期未销号（时限 {measure.deadline}）"), measure.pk))
            if closure and (measure.deadline is None or timezone.localdate(closure.decided_at) <= measure.deadline):
                f.items.setdefault("closed_on_time", []).append(scoring.Item(_label(measure, "按时销号"), measure.pk))
            for target in measure.targets.all():
                f.targets.append(_target_fact(measure, target, actuals.get(target.pk)))
        for _id, _at, u, measure_id, _p in _returned(scheme, as_of):
            if u == unit_id:
                f.items.setdefault("returned_report", []).append(
                    scoring.Item(_label(Measure.objects.select_related("task").get(pk=measure_id), "报告被退回"), measure_id))
        for notice in _late_notices(scheme, as_of).filter(unit_id=unit_id).select_related("measure__task"):
            f.items.setdefault("notice_late", []).append(
                scoring.Item(_label(notice.measure, f"督办单逾期未答复（期限 {notice.answer_by}）"), notice.measure_id))
        f.targets.sort(key=lambda t: (t.measure_id, t.label))
        facts[unit_id] = f
    return facts


def scheme_scores(scheme: Scheme, facts: dict[int, scoring.Facts]) -> dict[int, scoring.Score]:
    rules = rule_specs(scheme)
    outside = dict(OutsideScore.objects.filter(scheme=scheme).values_list("unit_id", "score"))
    return {
        unit_id: scoring.score_unit(base=scheme.base, floor_at_zero=scheme.floor_at_zero,
                                    outside_share=scheme.outside_share, rules=rules, facts=f,
                                    outside=outside.get(unit_id))
        for unit_id, f in facts.items()
    }


def default_as_of(today: date | None = None) -> date:
    """The last month over."""
    today = today or timezone.localdate()
    return today.replace(day=1) - timedelta(days=1)


@transaction.atomic
def scheme_compute(*, scheme: Scheme, as_of: date) -> list[ScoreSummary]:
    """Score every unit of the scheme as of the month end and replace that month's rows."""
    as_of = month_end(as_of)
    scores = scheme_scores(scheme, scheme_facts(scheme, as_of))
    names = {u.pk: u.name for u in Unit.objects.filter(pk__in=list(scores))}
    placed = scoring.rank_and_grade({u: s.total for u, s in scores.items()}, scheme.grades, names=names)
    ScoreSummary.objects.filter(scheme=scheme, as_of=as_of).delete()
    summaries = ScoreSummary.objects.bulk_create([
        ScoreSummary(scheme=scheme, as_of=as_of, unit_id=u, rules_score=s.rules_score, outside_score=s.outside,
                     score=s.total, rank=placed[u][0], grade=placed[u][1]) for u, s in scores.items()
    ])
    ScoreItem.objects.bulk_create([
        ScoreItem(summary=summary, rule_id=line.rule_id, label=line.label[:300], points=line.points,
                  measure_id=line.measure_id)
        for summary in summaries for line in scores[summary.unit_id].lines
    ])
    return summaries


def schemes_compute_all(*, as_of: date | None = None) -> int:
    """The rollup job's part: every scheme as of the last month over (and its year's end)."""
    as_of = as_of or default_as_of()
    n = 0
    for scheme in Scheme.objects.all():
        month = min(as_of, date(scheme.year, 12, 31))
        scheme_compute(scheme=scheme, as_of=month)
        n += 1
    return n


def schemes_for_measure(measure: Measure):
    """The schemes that score a measure: its plan's, and its city's of a year the plan runs."""
    plan = measure.task.plan
    return Scheme.objects.filter(Q(plan_id=plan.pk) | Q(plan__isnull=True, city_id=plan.city_id,
                                                        year__gte=plan.year_start, year__lte=plan.year_end))


def schemes_compute_for_measure(*, measure_id: int, today: date | None = None) -> int:
    """A measure closed (已销号): its schemes scored again now rather than at night, as of the
    last month over and as of this month (where the closing counts), each within its year."""
    today = today or timezone.localdate()
    measure = Measure.objects.select_related("task__plan").get(pk=measure_id)
    n = 0
    for scheme in schemes_for_measure(measure):
        months = {min(default_as_of(today), date(scheme.year, 12, 31)), min(month_end(today), date(scheme.year, 12, 31))}
        for month in sorted(m for m in months if m.year == scheme.year):
            scheme_compute(scheme=scheme, as_of=month)
            n += 1
    return n


@dataclass(frozen=True)
class SchemeScores:
    """A scheme's ranking as of a month, for the Word briefing."""

    scheme: Scheme
    as_of: date
    rows: list  # ScoreSummary, by rank


def briefing_scores(*, user, city_id: int, as_of: date | None) -> list[SchemeScores]:
    """The rankings the viewer may read of the city's schemes, each as of its latest month
    scored up to the briefing's month."""
    from ..access import schemes_visible_to

    result = []
    for scheme in schemes_visible_to(user).filter(city_id=city_id).order_by("-year", "id"):
        months = ScoreSummary.objects.filter(scheme=scheme)
        if as_of is not None:
            months = months.filter(as_of__lte=month_end(as_of))
        latest = months.order_by("-as_of").values_list("as_of", flat=True).first()
        if latest is not None:
            rows = list(ScoreSummary.objects.filter(scheme=scheme, as_of=latest).select_related("unit")
                        .order_by("rank", "unit__name"))
            result.append(SchemeScores(scheme, latest, rows))
    return result


__all__ = ["Rule", "scheme_compute", "scheme_facts", "scheme_facts_direct", "scheme_scores", "schemes_compute_all"]

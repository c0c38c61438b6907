"""考核评分 as pure functions over plain facts: no database, unit-tested by hand.

A unit's score = base + Σ rules (floored at 0 if the scheme says so); with an outside
evaluation share s, total = (1 − s) × that + s × the outside score. Grades go from the top,
each with at most its quota (⌊n × pct⌋ units); a unit over a full quota drops to the next."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
PER_ITEM = {"late_report", "overdue_measure", "closed_on_time", "returned_report", "notice_late"}


@dataclass(frozen=True)
class Item:
    label: str
    measure_id: int | None = None


@dataclass(frozen=True)
class TargetFact:
    label: str
    measure_id: int
    goal: Decimal
    actual: Decimal | None
    ceiling: bool  # "控制在…以内": less is better


@dataclass
class Facts:
    """What one unit did, as of the month scored."""

    items: dict[str, list[Item]] = field(default_factory=dict)  # per-item rule kind → items
    reports_due: int = 0
    reports_on_time: int = 0
    targets: list[TargetFact] = field(default_factory=list)


@dataclass(frozen=True)
class RuleSpec:
    id: int | None
    kind: str
    points: Decimal
    cap: Decimal | None = None
    thresholds: str = ""


@dataclass(frozen=True)
class Line:
    rule_id: int | None
    label: str
    points: Decimal
    measure_id: int | None = None


@dataclass
class Score:
    rules_score: Decimal
    outside: Decimal | None
    total: Decimal
    lines: list[Line]


def q(value) -> Decimal:
    return Decimal(value).quantize(TWO, rounding=ROUND_HALF_UP)


def target_points(weight: Decimal, fact: TargetFact) -> Decimal:
    """weight × actual ÷ target capped at the weight; a ceiling weight × (2 − actual ÷ target),
    floored at 0 (and capped at the weight). No figure: 0."""
    if fact.actual is None or fact.goal <= 0:
        return Decimal(0)
    ratio = fact.actual / fact.goal
    raw = weight * (2 - ratio) if fact.ceiling else weight * ratio
    return max(Decimal(0), min(weight, raw))


def parse_thresholds(text: str) -> list[tuple[Decimal, Decimal]]:
    pairs = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        rate, points = part.split(":")
        pairs.append((Decimal(rate), Decimal(points)))
    return sorted(pairs, reverse=True)


def rule_lines(rule: RuleSpec, facts: Facts) -> list[Line]:
    if rule.kind in PER_ITEM:
        lines = [Line(rule.id, item.label, rule.points, item.measure_id) for item in facts.items.get(rule.kind, [])]
        total = sum((line.points for line in lines), Decimal(0))
        if rule.cap is not None and abs(total) > rule.cap:
            excess = abs(total) - rule.cap
            lines.append(Line(rule.id, f"封顶 {rule.cap} 分", excess if total < 0 else -excess))
        return lines
    if rule.kind == "completion":
        if not facts.targets:
            return [Line(rule.id, "无量化目标，按满分计", rule.points)]
        share = [target_points(rule.points, t) for t in facts.targets]
        lines = [Line(rule.id, f"{t.label}：{q(p / len(share))}", q(p / len(share)), t.measure_id)
                 for t, p in zip(facts.targets, share)]
        exact = sum(share, Decimal(0)) / len(share)
        rounding = q(exact) - sum((line.points for line in lines), Decimal(0))
        if rounding:
            lines.append(Line(rule.id, "四舍五入", rounding))
        return lines
    if rule.kind == "on_time_rate":
        if facts.reports_due == 0:
            rate = Decimal(100)
        else:
            rate = Decimal(facts.reports_on_time * 100) / facts.reports_due
        for threshold, points in parse_thresholds(rule.thresholds):
            if rate >= threshold:
                return [Line(rule.id, f"按时报送率 {q(rate)}%（{facts.reports_on_time}/{facts.reports_due}）≥ {threshold}%",
                             points)]
        return [Line(rule.id, f"按时报送率 {q(rate)}%", Decimal(0))]
    raise ValueError(f"unknown rule kind {rule.kind}")


def score_unit(*, base: Decimal, floor_at_zero: bool, outside_share: Decimal, rules: list[RuleSpec], facts: Facts,
               outside: Decimal | None) -> Score:
    lines = [Line(None, "基础分", base)]
    for rule in rules:
        lines.extend(rule_lines(rule, facts))
    rules_score = sum((line.points for line in lines), Decimal(0))
    if floor_at_zero and rules_score < 0:
        lines.append(Line(None, "最低 0 分", -rules_score))
        rules_score = Decimal(0)
    rules_score = q(rules_score)
    if outside_share:
        total = q((1 - outside_share) * rules_score + outside_share * (outside or Decimal(0)))
    else:
        total = rules_score
    return Score(rules_score, outside, total, lines)


def parse_grades(text: str) -> list[tuple[str, Decimal, Decimal | None]]:
    grades = []
    for part in filter(None, (p.strip() for p in text.replace("，", ",").split(","))):
        bits = part.split(":")
        grades.append((bits[0], Decimal(bits[1]), Decimal(bits[2]) if len(bits) > 2 and bits[2] else None))
    return sorted(grades, key=lambda g: g[1], reverse=True)


def rank_and_grade(scores: dict[int, Decimal], grades_text: str, *, names: dict[int, str] | None = None
                   ) -> dict[int, tuple[int, str]]:
    """unit → (rank, grade). Rank: 1 + the number of units scoring more (ties share a rank);
    grade by score from the top, each grade at most its quota."""
    grades = parse_grades(grades_text)
    order = sorted(scores, key=lambda u: (-scores[u], (names or {}).get(u, ""), u))
    n = len(order)
    taken: dict[str, int] = {}
    result = {}
    for unit in order:
        rank = 1 + sum(1 for other in scores.values() if other > scores[unit])
        grade = grades[-1][0] if grades else ""
        for name, minimum, quota in grades:
            if scores[unit] < minimum:
                continue
            limit = math.floor(n * quota / 100) if quota is not None else n
            if taken.get(name, 0) < limit:
                grade = name
                break
        taken[grade] = taken.get(grade, 0) + 1
        result[unit] = (rank, grade)
    return result

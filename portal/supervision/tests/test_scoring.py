"""考核评分: each rule kind on hand-computed cases (no database), then a scheme over the seed
data computed two ways — the job's summary tables and a direct recomputation."""

from datetime import date
from decimal import Decimal as D

import pytest

from portal.supervision import scoring
from portal.supervision.scoring import Facts, Item, RuleSpec, TargetFact, rank_and_grade, score_unit, target_points


def _score(rules, facts, base=D(100), share=D(0), outside=None, floor=True):
    return score_unit(base=base, floor_at_zero=floor, outside_share=share, rules=rules, facts=facts, outside=outside)


def test_deduct_from_100_per_late_period_and_overdue_measure():
    facts = Facts(items={"late_report": [Item("a"), Item("b"), Item("c")], "overdue_measure": [Item("m")]})
    rules = [RuleSpec(1, "late_report", D(-2)), RuleSpec(2, "overdue_measure", D(-5))]
    assert _score(rules, facts).total == D("89.00")  # 100 − 3×2 − 5


def test_a_capped_rule_deducts_at_most_its_cap_and_the_score_is_floored_at_zero():
    facts = Facts(items={"late_report": [Item(str(i)) for i in range(10)]})
    assert _score([RuleSpec(1, "late_report", D(-2), cap=D(5))], facts).total == D("95.00")
    assert _score([RuleSpec(1, "late_report", D(-20))], facts).total == D("0.00")
    assert _score([RuleSpec(1, "late_report", D(-20))], facts, floor=False).total == D("-100.00")


def test_base_plus_bonus_minus_penalty():
    facts = Facts(items={"closed_on_time": [Item("x"), Item("y")], "returned_report": [Item("r")] * 3})
    rules = [RuleSpec(1, "closed_on_time", D(1)), RuleSpec(2, "returned_report", D(-2))]
    assert _score(rules, facts, base=D(80)).total == D("76.00")  # 80 + 2 − 6


def test_proportional_to_completion_capped_and_the_ceiling_formula():
    w = D(20)
    assert target_points(w, TargetFact("", 1, D(2000), D(1500), False)) == D(15)   # 20 × 1500/2000
    assert target_points(w, TargetFact("", 1, D(2000), D(3000), False)) == D(20)   # capped at the weight
    assert target_points(w, TargetFact("", 1, D("3.2"), D("3.6"), True)) == D("17.5")  # 20 × (2 − 3.6/3.2)
    assert target_points(w, TargetFact("", 1, D("3.2"), D("7"), True)) == D(0)     # floored at 0
    assert target_points(w, TargetFact("", 1, D(100), None, False)) == D(0)
    facts = Facts(targets=[TargetFact("a", 1, D(2000), D(1500), False), TargetFact("b", 2, D("3.2"), D("3.6"), True)])
    # the rule's weight shared by the unit's targets: (15 + 17.5) / 2
    assert _score([RuleSpec(1, "completion", w)], facts, base=D(0)).total == D("16.25")


def test_thresholds_on_the_on_time_rate():
    rule = RuleSpec(1, "on_time_rate", D(0), thresholds="95:10,85:8,0:5")
    assert _score([rule], Facts(reports_due=20, reports_on_time=19), base=D(0)).total == D(10)  # 95 %
    assert _score([rule], Facts(reports_due=20, reports_on_time=18), base=D(0)).total == D(8)   # 90 %
    assert _score([rule], Facts(reports_due=20, reports_on_time=3), base=D(0)).total == D(5)


def test_an_outside_evaluation_share():
    facts = Facts(items={"late_report": [Item("a")] * 5})
    score = _score([RuleSpec(1, "late_report", D(-2))], facts, share=D("0.40"), outside=D(70))
    assert (score.rules_score, score.total) == (D("90.00"), D("82.00"))  # 0.6 × 90 + 0.4 × 70


def test_grades_with_a_quota_and_shared_ranks():
    scores = {1: D(98), 2: D(96), 3: D(95), 4: D(85), 5: D(85), 6: D(70), 7: D(50), 8: D(91), 9: D(60), 10: D(88)}
    placed = rank_and_grade(scores, "优秀:90:20,良好:80,合格:60,不合格:0")
    assert [u for u, (_r, g) in placed.items() if g == "优秀"] == [1, 2]  # ⌊10 × 20 %⌋ = 2
    assert placed[3][1] == placed[8][1] == "良好"  # over the quota: the next grade
    assert placed[4] == (6, "良好") and placed[5] == (6, "良好")
    assert placed[9][1] == "合格" and placed[7][1] == "不合格"


@pytest.mark.django_db
def test_a_scheme_over_the_seed_data_computed_two_ways_gives_the_same_ranking(django_assert_max_num_queries):
    from portal.dashboards.services import rollups_rebuild
    from portal.supervision.models import Rule, Scheme, ScoreSummary
    from portal.supervision.services.scoring import scheme_compute, scheme_facts_direct, scheme_scores
    from tasks.models import Plan

    rollups_rebuild(today=date(2025, 1, 15))
    plan = Plan.objects.get(slug="zhongshan-2023-2027")
    scheme = Scheme.objects.create(city=plan.city, plan=plan, year=2024, name="2024 年度考核", base=D(60),
                                   outside_share=D("0.30"), grades="优秀:85:15,良好:75,合格:60,不合格:0")
    Rule.objects.create(scheme=scheme, kind="late_report", points=D(-1), cap=D(20))
    Rule.objects.create(scheme=scheme, kind="overdue_measure", points=D(-2))
    Rule.objects.create(scheme=scheme, kind="returned_report", points=D(-1))
    Rule.objects.create(scheme=scheme, kind="completion", points=D(30))
    Rule.objects.create(scheme=scheme, kind="on_time_rate", points=D(0), thresholds="95:10,80:6,0:2")
    as_of = date(2024, 12, 31)
    with django_assert_max_num_queries(40):
        scheme_compute(scheme=scheme, as_of=as_of)
    stored = {s.unit_id: (s.score, s.rank, s.grade) for s in ScoreSummary.objects.filter(scheme=scheme, as_of=as_of)}
    direct_scores = scheme_scores(scheme, scheme_facts_direct(scheme, as_of))
    placed = rank_and_grade({u: s.total for u, s in direct_scores.items()}, scheme.grades,
                            names={u: n for u, n in __import__("units.models", fromlist=["Unit"]).Unit.objects.filter(
                                pk__in=list(direct_scores)).values_list("pk", "name")})
    assert len(stored) >= 3
    assert stored == {u: (s.total, *placed[u]) for u, s in direct_scores.items()}
    assert len({score for score, _r, _g in stored.values()}) > 1  # the rules tell units apart
    excellent = sum(1 for _s, _r, g in stored.values() if g == "优秀")
    assert excellent <= int(len(stored) * 0.15)
    # every point of a score is in its drill-down
    for summary in ScoreSummary.objects.filter(scheme=scheme, as_of=as_of).prefetch_related("items"):
        assert scoring.q(sum(i.points for i in summary.items.all())) == summary.rules_score

"""The extraction against the hand-labelled plans (portal/imports/drafting/tests/data): a floor under the
precision and recall that bench/bench_drafting.py records in docs/benchmarks.md."""

import re

import pytest

from portal.imports.drafting.evaluation import Score, kind_agreement, labelled_plans, score_results, score_targets

FLOOR = 0.9
PLANS = labelled_plans()


def total(scores) -> Score:
    result = Score()
    for score in scores:
        result = result + score
    return result


def test_the_labels_quote_their_documents():
    for plan in PLANS:
        text = plan.text()
        for label in plan.labels():
            assert label.sentence in text, (plan.file, label.sentence)
            assert label.figure in label.sentence
            assert label.role in {"target", "result"}


@pytest.mark.parametrize("name", ["guangzhou-2024", "zhongshan-2023-2027"])
def test_targets_of_each_main_labelled_plan_are_found_above_the_floor(name):
    (plan,) = [plan for plan in PLANS if plan.file == name]
    score = score_targets(plan.draft(), plan.labels())
    assert score.labelled >= 17
    assert score.precision >= FLOOR, score.extra
    assert score.recall >= FLOOR, score.missed


def test_targets_of_all_labelled_plans_are_found_above_the_floor():
    score = total(score_targets(plan.draft(), plan.labels()) for plan in PLANS if plan.targets_labelled)
    assert score.labelled == 41
    assert score.precision >= FLOOR, score.extra
    assert score.recall >= FLOOR, score.missed


def test_results_are_found_above_the_floor_and_never_taken_for_targets():
    for plan in (plan for plan in PLANS if plan.results_labelled):
        draft, labels = plan.draft(), plan.labels()
        score = score_results(draft, labels)
        assert score.labelled >= 50
        assert score.precision >= FLOOR, score.extra
        assert score.recall >= FLOOR, score.missed
        result_sentences = {re.sub(r"\s", "", label.sentence) for label in labels if label.role == "result"}
        assert not [t for t in draft.targets if re.sub(r"\s", "", t.sentence) in result_sentences]


def test_the_kind_of_each_target_found_is_the_labelled_one():
    agree = compared = 0
    for plan in PLANS:
        a, c = kind_agreement(plan.draft(), plan.labels())
        agree, compared = agree + a, compared + c
    assert compared >= 40 and agree / compared >= FLOOR

"""Precision and recall of the extraction against hand-labelled plans.

Used by bench/bench_drafting.py (which records the figures) and by the tests (which hold a
floor). A target counts as found when a labelled one of the same sentence has the same value,
unit and comparator; a result, when one of the same sentence has the same value and unit.
Each label is matched at most once (5所…、5所… are two targets). Sentences are compared without
whitespace and in simplified characters (OpenCC t2s): the labels quote the document as it is,
the drafter reads a traditional-character text in simplified. A drafted target that is not
found but has a label of the same sentence, value and unit with the opposite comparator (gte
for lte, lte for gte) is counted as reversed: a ceiling read as a floor, or a floor as a ceiling.

Two sets of labelled plans, each a data directory with plans.csv, plans/ and labels/: the seeds
(tests/data, the documents the rules were written beside) and the unseen plans (tests/data/unseen,
labelled before the drafter was run on them). `evaluate(data_dir)` scores one set.
"""

from __future__ import annotations

import csv
import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from indicators.parsing import PlanContext, find_quantities, parse_targets

from .documents import normalise_text
from .draft import Draft, draft_from_text, guess_years
from .segment import outline, sentences

DATA_DIR = Path(__file__).resolve().parent / "tests" / "data"
SEEDS_DIR = DATA_DIR
UNSEEN_DIR = DATA_DIR / "unseen"
DATA_SETS = {"seeds": SEEDS_DIR, "unseen": UNSEEN_DIR}
OPPOSITE = {"gte": "lte", "lte": "gte"}


@dataclass(frozen=True)
class Label:
    sentence: str
    figure: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    comparator: str
    kind: str
    role: str  # target | result


@dataclass(frozen=True)
class LabelledPlan:
    file: str
    city: str
    year_start: int
    year_end: int
    targets_labelled: bool  # every target of the plan's text has a label
    results_labelled: bool  # every result it reports has a label
    data_dir: Path = DATA_DIR  # the set it belongs to

    def text(self, data_dir: Path | None = None) -> str:
        path = (data_dir or self.data_dir) / "plans" / f"{self.file}.txt"
        return normalise_text(path.read_text(encoding="utf-8"))

    def labels(self, data_dir: Path | None = None) -> list[Label]:
        return load_labels((data_dir or self.data_dir) / "labels" / f"{self.file}.csv")

    def draft(self, data_dir: Path | None = None) -> Draft:
        return draft_from_text(self.text(data_dir), city=self.city, year_start=self.year_start, year_end=self.year_end)


@dataclass
class Score:
    labelled: int = 0
    found: int = 0
    matched: int = 0
    missed: list[str] = field(default_factory=list)  # labels not found: sentence | figure
    extra: list[str] = field(default_factory=list)  # found, not labelled
    reversed: list[str] = field(default_factory=list)  # found with the label's opposite comparator (also in extra)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.labelled + other.labelled,
            self.found + other.found,
            self.matched + other.matched,
            self.missed + other.missed,
            self.extra + other.extra,
            self.reversed + other.reversed,
        )


def labelled_plans(data_dir: Path = DATA_DIR) -> list[LabelledPlan]:
    with (data_dir / "plans.csv").open(encoding="utf-8") as handle:
        return [
            LabelledPlan(
                row["file"],
                row["city"],
                int(row["year_start"]),
                int(row["year_end"]),
                targets_labelled=row["targets"] == "yes",
                results_labelled=row["results"] == "yes",
                data_dir=data_dir,
            )
            for row in csv.DictReader(handle)
        ]


def load_labels(path: Path) -> list[Label]:
    with path.open(encoding="utf-8") as handle:
        return [
            Label(
                sentence=row["sentence"],
                figure=row["figure"],
                value=Decimal(row["value"]),
                value_max=Decimal(row["value_max"]) if row["value_max"] else None,
                unit=row["unit"],
                comparator=row["comparator"],
                kind=row["kind"],
                role=row["role"],
            )
            for row in csv.DictReader(handle)
        ]


def normalise_sentence(text: str) -> str:
    """The sentence as compared: no whitespace, and in simplified characters, so that a label quoting a
    traditional-character document matches the drafter's sentence whichever script it keeps."""
    return _simplified(re.sub(r"\s", "", text))


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    return _t2s().convert(text)


def score(found: list[tuple[str, tuple]], labels: list[tuple[str, tuple, str]]) -> Score:
    """found: (sentence, key) pairs; labels: (sentence, key, figure) triples."""
    wanted = Counter((normalise_sentence(sentence), key) for sentence, key, _figure in labels)
    result = Score(labelled=len(labels), found=len(found))
    for sentence, key in found:
        item = (normalise_sentence(sentence), key)
        if wanted[item] > 0:
            wanted[item] -= 1
            result.matched += 1
        else:
            result.extra.append(f"{sentence} | {_describe(key)}")
    for sentence, key, figure in labels:
        item = (normalise_sentence(sentence), key)
        if wanted[item] > 0:
            wanted[item] -= 1
            result.missed.append(f"{sentence} | {figure}")
    return result


def _describe(key: tuple) -> str:
    """(Decimal('2'), None, '个', 'gte') → 2 个 gte"""
    return " ".join(str(part) for part in key if part is not None)


def target_key(value: Decimal, value_max: Decimal | None, unit: str, comparator: str) -> tuple:
    return (value, value_max, unit, comparator)


def score_targets(draft: Draft, labels: list[Label]) -> Score:
    found = [(t.sentence, target_key(*t.key)) for t in draft.targets]
    wanted = [
        (label.sentence, target_key(label.value, label.value_max, label.unit, label.comparator), label.figure)
        for label in labels
        if label.role == "target"
    ]
    result = score(found, wanted)
    result.reversed = reversed_targets(found, labels)
    return result


def reversed_targets(found: list[tuple[str, tuple]], labels: list[Label]) -> list[str]:
    """Found targets that are not labelled as found but are labelled, in the same sentence with the
    same value and unit, with the opposite comparator (gte ↔ lte): sentence | found key."""
    exact = Counter(
        (normalise_sentence(label.sentence), target_key(label.value, label.value_max, label.unit, label.comparator))
        for label in labels
        if label.role == "target"
    )
    opposite = Counter(
        (normalise_sentence(label.sentence), label.value, label.unit, OPPOSITE[label.comparator])
        for label in labels
        if label.role == "target" and label.comparator in OPPOSITE
    )
    out = []
    for sentence, key in found:
        plain = normalise_sentence(sentence)
        if exact[(plain, key)] > 0:
            exact[(plain, key)] -= 1
            continue
        value, _value_max, unit, comparator = key
        item = (plain, value, unit, comparator)
        if opposite[item] > 0:
            opposite[item] -= 1
            out.append(f"{sentence} | {_describe(key)}")
    return out


def score_results(draft: Draft, labels: list[Label]) -> Score:
    found = [(r.sentence, (r.value, r.unit)) for r in draft.results]
    wanted = [(label.sentence, (label.value, label.unit), label.figure) for label in labels if label.role == "result"]
    return score(found, wanted)


def kind_agreement(draft: Draft, labels: list[Label]) -> tuple[int, int]:
    """Of the targets found and labelled, how many have the labelled kind: (agree, compared)."""
    kinds = {}
    for label in labels:
        if label.role == "target":
            kinds.setdefault((normalise_sentence(label.sentence), label.value, label.unit), label.kind)
    agree = compared = 0
    for target in draft.targets:
        kind = kinds.get((normalise_sentence(target.sentence), target.parsed.value, target.parsed.unit))
        if kind:
            compared += 1
            agree += kind == target.parsed.kind
    return agree, compared


def baseline_targets(plan: LabelledPlan, data_dir: Path | None = None) -> list[tuple[str, tuple]]:
    """The naive extraction the drafter is measured against: the target parser on every sentence
    of the body (what the ledger import does with a measure that has no 目标指标 column)."""
    context = PlanContext(plan.year_start, plan.year_end)
    found = []
    for sentence in _body_sentences(plan.text(data_dir)):
        for target in parse_targets(sentence, context).targets:
            found.append((sentence, target_key(target.value, target.value_max, target.unit, target.comparator)))
    return found


def baseline_results(plan: LabelledPlan, data_dir: Path | None = None) -> list[tuple[str, tuple]]:
    """Every quantity of every sentence of the body counted as a result."""
    return [
        (sentence, (quantity.value, quantity.unit))
        for sentence in _body_sentences(plan.text(data_dir))
        for quantity in find_quantities(sentence)
    ]


def _body_sentences(text: str) -> list[str]:
    document = outline(text)
    found = []
    for node in document.walk():
        if node.level == 0 and node.children:
            continue  # the preamble before the first heading
        if node.heading:
            found.extend(sentences(node.heading + "。"))
        found.extend(sentences(node.text))
        for item in node.items:
            found.extend(sentences(item.text))
    return found


def score_baseline(plan: LabelledPlan, role: str, data_dir: Path | None = None) -> Score:
    labels = [label for label in plan.labels(data_dir) if label.role == role]
    if role == "target":
        found = baseline_targets(plan, data_dir)
        wanted = [
            (label.sentence, target_key(label.value, label.value_max, label.unit, label.comparator), label.figure)
            for label in labels
        ]
    else:
        found = baseline_results(plan, data_dir)
        wanted = [(label.sentence, (label.value, label.unit), label.figure) for label in labels]
    return score(found, wanted)


@dataclass
class PlanScore:
    plan: LabelledPlan
    targets: Score | None  # None when the plan's targets are not all labelled
    results: Score | None


@dataclass
class SetScore:
    """One data directory scored: each plan, and the totals of targets and of results."""

    name: str
    plans: list[PlanScore]

    def total(self, role: str) -> Score:
        result = Score()
        for plan in self.plans:
            part = plan.targets if role == "target" else plan.results
            if part is not None:
                result = result + part
        return result

    @property
    def targets(self) -> Score:
        return self.total("target")

    @property
    def results(self) -> Score:
        return self.total("result")


def evaluate(data_dir: Path = DATA_DIR, name: str | None = None) -> SetScore:
    """Draft every plan of a data directory and score it against its labels."""
    scored = []
    for plan in labelled_plans(data_dir):
        draft, labels = plan.draft(), plan.labels()
        scored.append(
            PlanScore(
                plan,
                score_targets(draft, labels) if plan.targets_labelled else None,
                score_results(draft, labels) if plan.results_labelled else None,
            )
        )
    return SetScore(name or data_dir.name, scored)


def guessed_years(plan: LabelledPlan) -> tuple[int, int] | None:
    """The years the drafter reads from the plan's text (what the upload form proposes), to set
    beside the labelled ones: plans.csv gives each plan's real years as its title or opening says."""
    return guess_years(plan.text())

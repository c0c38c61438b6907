"""Numbers in a plan's sentences: the targets it sets, and the results it reports.

The quantities come from the target parser (indicators.parsing.find_quantities) and every
target line written here is read back by indicators.parsing.parse_targets, so the draft says
exactly what the ledger import will understand. This module only decides which quantities
are targets (or results) and cuts the phrase each one stands in. No database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from indicators.parsing import ParsedTarget, PlanContext, Quantity, find_quantities, parse_targets, strip_quotes

from .segment import inside, protected_spans

# Where a phrase may be cut: between clauses, and between items of a list.
CLAUSE_BREAKS = "，,；;：:。！？!?"
LIST_BREAKS = "、及和与并"
PERIOD_CUE_RE = re.compile(r"每年|全年|年均|年度|累计|(?:到|至|截至)\d{4}年(?:底|末)?|\d{4}年(?:底|末)?前")
# A year in the past tense of a sentence: 2019年, 2019年以来, 2021年度.
YEAR_RE = re.compile(r"(?<!\d)(\d{4})\s*年")
# Words that make a sentence about a past year a plan all the same.
FUTURE_CUES = ("力争", "确保", "目标", "计划", "预计", "争取", "将", "要", "每年")
# A figure the bureau reports (result) never hides behind these: a policy's cap, a met ceiling.
POLICY_PARAMETER_BEFORE = ("最高", "最低", "不超过", "每户最高")
AT_MOST_AFTER = ("以内", "以下", "之内")
AT_MOST_BEFORE = ("控制在", "不超过", "不高于")
# 2024年新建零工驿站30个, 2023年1-3月…: the year says when, it is not part of the indicator's name.
RESULT_YEAR_PREFIX = re.compile(r"^\d{4}年(?:\d{1,2}(?:[-—–~至]\d{1,2})?月)?(?:份|底|末|以来)?[，,、\s]*")
RESULT_SUBJECT_NOISE = re.compile(
    r"^(?:全市|全省|全年|共计|共|累计|其中|另外|同时|此外)+|(?:为|达到|达|至|增至|提高至|突破|超过|超|逾|约|近|共|累计)+$"
)


@dataclass(frozen=True)
class FoundTarget:
    """One numeric target of a sentence, as the ledger's 目标指标 line for it and as parsed."""

    sentence: str
    phrase: str
    parsed: ParsedTarget

    @property
    def key(self) -> tuple[Decimal, Decimal | None, str, str]:
        return (self.parsed.value, self.parsed.value_max, self.parsed.unit, self.parsed.comparator)


@dataclass(frozen=True)
class FoundResult:
    """A figure a plan reports as done (2019年…城镇新增就业47118人): an actual value, not a target."""

    sentence: str
    year: int
    indicator: str
    figure: str  # as written: 47118人, 2.12%, 200多家, 逾1亿元
    value: Decimal
    unit: str
    approximate: bool


@dataclass(frozen=True)
class Skipped:
    """A number not taken as a target (or a target line the import may misread), and why:
    shown to the admin, never decided silently."""

    sentence: str
    text: str
    reason: str


def is_vague(sentence: str, quantity: Quantity) -> bool:
    """一批 (a number of), 四个方面 (four aspects), 3个月 (a duration): counted words, not targets."""
    after = sentence[quantity.end : quantity.end + 2]
    return (
        quantity.text.startswith("一批")
        or after.startswith("方面")
        or (quantity.text.endswith("个") and after.startswith("月"))
    )


# A sentence that reports how far a year got: 完成目标任务的157%, 与去年同期相比增长, 2025年1月至8月累计….
REPORT_RE = re.compile(
    r"完成[^。；;]{0,20}目标任务的\s*\d|(?:与|和)(?:去年|上年)(?:同期)?相比|同比(?:增长|下降|提高|减少)|"
    r"比(?:上年|去年)(?:同期)?(?:增长|下降|提高|减少)|\d{4}年\d{1,2}月至\d{1,2}月|\d{4}年1[-—–~]\d{1,2}月|截至\d{4}年?\d{1,2}月"
)


def reported_year(sentence: str, year_start: int, year_end: int) -> int | None:
    """The year a sentence reports on when it reads as a report of figures reached (REPORT_RE),
    whatever its year: the year it names, else the plan's first year."""
    if not REPORT_RE.search(sentence) or not find_quantities(sentence):
        return None
    years = [int(y) for y in YEAR_RE.findall(sentence) if int(y) <= year_end]
    return max(years) if years else year_start


def past_year(sentence: str, year_start: int) -> int | None:
    """The year a sentence reports on, when every year it names is before the plan, it has no
    word of intent (力争, 确保, 计划 …) and it gives a figure: 2023年全市城镇新增就业5.5万人
    in a 2024 plan."""
    years = [int(y) for y in YEAR_RE.findall(sentence)]
    if not years or max(years) >= year_start or any(cue in sentence for cue in FUTURE_CUES):
        return None
    # A sentence that reports has a figure; 实施2021、2022年度…补贴项目 is an action of this plan.
    if not find_quantities(sentence):
        return None
    return max(years)


def targets_in_sentence(sentence: str, context: PlanContext) -> tuple[list[FoundTarget], list[Skipped]]:
    """The targets of one sentence of a plan, each with the phrase that the ledger will hold."""
    spans = protected_spans(sentence)
    kept: list[Quantity] = []
    skipped: list[Skipped] = []
    for quantity in find_quantities(sentence):
        if inside(quantity.start, spans):
            continue  # an aside ((1次政策宣介…)): not a target, silently; names in quotes
            # (“两个前沿”, “四个一”) find_quantities already leaves out
        if is_vague(sentence, quantity):
            continue
        if quantity.approximate:
            skipped.append(Skipped(sentence, quantity.text, "约数不能作为目标值"))
            continue
        kept.append(quantity)
    found = []
    for index, quantity in enumerate(kept):
        phrase = _phrase(sentence, kept, index, spans)
        read_back = parse_targets(phrase, context).targets
        parsed = [target for target in read_back if target.unit == quantity.unit and target.value == quantity.value]
        if len(read_back) > 1:
            # The ledger import reads every number of a line outside quotes (names such as
            # “四个一” it leaves out, as this does), asides in brackets and counted words
            # (四个方面) included: say so rather than hide it.
            skipped.append(Skipped(sentence, phrase, "此目标行中的其他数字也会被台账导入读作目标，请在预览中核对"))
        if parsed:
            found.append(FoundTarget(sentence, phrase, parsed[0]))
        else:  # pragma: no cover - the phrase holds the quantity, so the parser finds it
            skipped.append(Skipped(sentence, quantity.text, "目标短语无法解析"))
    return found, skipped


def results_in_sentence(
    sentence: str, *, year: int, city_names: tuple[str, ...] = (), indicator_names: tuple[str, ...] = ()
) -> list[FoundResult]:
    """The figures a sentence reports as done. Approximate figures are kept (超47万人次 is what
    was reported); names in quotes, a policy's cap (最高10万元) and a ceiling met (控制在3.2%以内) are not."""
    spans = protected_spans(sentence, brackets=False)
    results = []
    quantities = find_quantities(sentence)
    for index, quantity in enumerate(quantities):
        before = sentence[max(0, quantity.start - 4) : quantity.start]
        after = sentence[quantity.end : quantity.end + 3]
        if inside(quantity.start, spans) or is_vague(sentence, quantity):
            continue
        if before.endswith(POLICY_PARAMETER_BEFORE) or before.endswith(AT_MOST_BEFORE) or after.startswith(AT_MOST_AFTER):
            continue
        clause_start = _clause_start(sentence, quantity.start)
        if index and quantities[index - 1].end > clause_start:
            clause_start = quantities[index - 1].end
        clause_end = _clause_end(sentence, quantity.end)
        following = quantities[index + 1] if index + 1 < len(quantities) else None
        shared = following is not None and following.start < clause_end
        if shared or (index and quantities[index - 1].end > _clause_start(sentence, quantity.start)):
            clause = ""  # several figures in one clause: each is named by its own words only
        else:
            clause = sentence[clause_start:clause_end]
        indicator = _indicator(
            sentence[clause_start : quantity.start],
            sentence[quantity.end : following.start if shared else clause_end],
            city_names=city_names,
            indicator_names=indicator_names,
            clause=clause,
        )
        results.append(
            FoundResult(
                sentence=sentence,
                year=year,
                indicator=indicator,
                figure=quantity.text,
                value=quantity.value,
                unit=quantity.unit,
                # 逾8.7亿元, 超47万人次: a lower bound, so not the exact figure either.
                approximate=quantity.approximate or quantity.text.startswith(("逾", "超")),
            )
        )
    return results


def _phrase(sentence: str, kept: list[Quantity], index: int, spans: list[tuple[int, int]]) -> str:
    """The words of one target: from the start of its clause (or the end of the previous target
    in the same clause) to the next target or the end of the clause.

    全力推进5所高水平技师学院、5所示范性技工学校创建工作 → 全力推进5所高水平技师学院 /
    全力推进5所示范性技工学校创建工作: a verb shared by a list goes with each of its items, and
    a period said once for the sentence (每年, 到2025年) with each of its targets."""
    quantity = kept[index]
    clause_start = _clause_start(sentence, quantity.start, spans)
    clause_end = _clause_end(sentence, quantity.end, spans)
    start = clause_start
    previous = kept[index - 1] if index else None
    shared_verb = ""
    if previous and previous.end > clause_start:
        start = _list_break_after(sentence, previous.end, quantity.start, spans)
        if not sentence[start : quantity.start].strip(LIST_BREAKS + " "):
            first = next(q for q in kept if q.end > clause_start)
            shared_verb = sentence[clause_start : first.start]
    end = clause_end
    following = kept[index + 1] if index + 1 < len(kept) else None
    if following and following.start < clause_end:
        end = _list_break_after(sentence, quantity.end, following.start, spans)
    phrase = (shared_verb + sentence[start:end].lstrip(LIST_BREAKS + " ")).strip().rstrip(LIST_BREAKS + " ")
    if not PERIOD_CUE_RE.search(phrase):
        cue = PERIOD_CUE_RE.search(sentence[:start])
        if cue:
            phrase = cue.group(0) + phrase
    return phrase


def _clause_start(sentence: str, position: int, spans: list[tuple[int, int]] | None = None) -> int:
    spans = spans if spans is not None else protected_spans(sentence)
    for index in range(position - 1, -1, -1):
        if sentence[index] in CLAUSE_BREAKS and not inside(index, spans):
            return index + 1
    return 0


def _clause_end(sentence: str, position: int, spans: list[tuple[int, int]] | None = None) -> int:
    spans = spans if spans is not None else protected_spans(sentence)
    for index in range(position, len(sentence)):
        if sentence[index] in CLAUSE_BREAKS and not inside(index, spans):
            return index
    return len(sentence)


def _list_break_after(sentence: str, begin: int, end: int, spans: list[tuple[int, int]]) -> int:
    """The last 、 (or 及/和) between two targets of one clause: where the first one's words end.
    With none (深化13所技工院校57个专业…), the second target starts at its number."""
    for index in range(end - 1, begin - 1, -1):
        if sentence[index] in "、" and not inside(index, spans):
            return index
    for index in range(end - 1, begin - 1, -1):
        if sentence[index] in "及和与" and not inside(index, spans):
            return index
    return end


def _indicator(
    before: str, after: str, *, city_names: tuple[str, ...], indicator_names: tuple[str, ...], clause: str
) -> str:
    """What a reported figure measures: a known indicator named just before it, else just after
    it (up to the next figure), else in its clause when it is the clause's only figure; failing
    those, the words before the figure (江门市城镇新增就业47118人 → 城镇新增就业), else those after it
    (3184名职工提升技能等级 → 职工提升技能等级)."""
    for words in (before, after, clause):
        plain = strip_quotes(words)
        known = [name for name in indicator_names if name and strip_quotes(name) in plain]
        if known:
            return max(known, key=len)
    text = RESULT_YEAR_PREFIX.sub("", strip_quotes(before).strip())
    for city in city_names:
        for prefix in (f"{city}市", city):
            if city and text.startswith(prefix):
                text = text[len(prefix) :]
    text = RESULT_SUBJECT_NOISE.sub("", text).strip(LIST_BREAKS + " ")
    if len(text) < 2:
        text = RESULT_SUBJECT_NOISE.sub("", strip_quotes(after)).strip(LIST_BREAKS + " ")
    return text

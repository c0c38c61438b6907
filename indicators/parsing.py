"""Numeric targets read from the words of a plan.

Pure functions, no database: a phrase such as 2023—2027年城镇新增就业累计22.5万人以上 becomes
a ParsedTarget in base units (225000 人, at least, cumulative over the plan). What cannot be
taken as a target is returned as a problem with its reason (ParseProblem.code), never guessed.

How a direction is read: by the whole cue, the negated forms first (不低于 is at least, never
the 低于 inside it), the cue right after the figure (以上, 以内) before the one in front of it,
and a 分别 list shares the cue of the list. A figure compared with an earlier one (比上年提高5个
百分点, 增长10%) is relative and refused; a figure hedged (约, 近, 左右, 余, 多) is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from .quantities import (
    _CLAUSE_PUNCT,
    DAY_LIMIT_AFTER,
    LEVEL_UNITS,
    RATE_UNITS,
    UNITS,
    Quantity,
    _clean_decimal,
    find_quantities,
    plain_number,
    quoted_spans,
)
from .textnorm import CHINESE_NUMERAL_CHARS, plain_width

__all__ = [
    "UNITS",
    "Kind",
    "ParseProblem",
    "ParseResult",
    "ParsedTarget",
    "PlanContext",
    "Quantity",
    "find_quantities",
    "parse_result_value",
    "parse_targets",
    "plain_number",
    "quoted_spans",
    "strip_quotes",
]

# Cues of direction, each a whole word. Negated forms are words of their own, so a search that
# tries the longest first at each place never reads 不低于 as 低于.
AT_LEAST_CUES = (
    "不低于", "不少于", "不小于", "不得低于", "不得少于", "不应低于", "不应少于", "不能低于", "不能少于",
    "至少", "最少", "以上", "达到", "力争", "超过", "高于", "多于", "大于", "突破", "不短于", "不得短于", "长于",
)
AT_MOST_CUES = (
    "不高于", "不超过", "不多于", "不大于", "不得超过", "不得高于", "不得多于", "不应超过", "不应高于",
    "不能超过", "以内", "以下", "之内", "低于", "少于", "小于", "控制在", "最多", "最高", "短于", "不长于",
    "不得长于", "可延长", "可以延长",
    "降至", "降到", "降低至", "降低到", "下降至", "下降到", "压缩至", "压缩到", "压减至", "压减到",
    "缩短至", "缩短到", "缩减至", "减少至", "减少到", "压降至", "减至",
)
_DIRECTION = {cue: "gte" for cue in AT_LEAST_CUES} | {cue: "lte" for cue in AT_MOST_CUES}
# Cues after the figure; 内 only there (3个工作日内办结), never 年内 in front of one.
_AFTER_DIRECTION = {"以上": "gte", "以内": "lte", "以下": "lte", "之内": "lte", "内": "lte"}
_CUE_RE = re.compile("|".join(re.escape(cue) for cue in sorted(_DIRECTION, key=len, reverse=True)))
_AFTER_RE = re.compile(r"\s*(以上|以内|以下|之内|内|左右|上下)")
# 失业率5.5%, 办结时限5个工作日: a bare figure of these is a ceiling.
LOWER_IS_BETTER = re.compile(
    r"(?:失业率|失业人数|欠薪|拖欠|事故率|发生率|死亡率|投诉率|差错率|流失率|时限|时长|用时|周期|时间|跑动次数)"
    r"(?:[为是]|保持在?|稳定在)?\s*$"
)
# 不低于当地最低工资标准, 不超过贷款额度上限: a comparison with something that is no figure.
COMPARISON_CUE = re.compile(
    r"不低于|不少于|不小于|不高于|不超过|不多于|不大于|不得低于|不得少于|不得超过|不得高于|高于|低于|快于|好于|优于|多于|少于"
)
# 高技能人才占比高于全省平均水平, 见习岗位总量不低于上年: a comparison with no figure of its own.
RELATIVE_WITHOUT_FIGURE = re.compile(
    r"(?:高于|低于|不低于|不少于|超过|快于|好于|优于|达到|保持)(?:上年|去年|上一年|全省|全国|全市|同期|近几年|往年|历年)"
)
# Compared with an earlier figure: 比上年提高, 较2020年增长, 同比增长; 增长10%, 提高5个百分点.
RELATIVE_BASE = re.compile(r"(?:比|较|同比|环比|相比)(?:上年|去年|上一年|\d{4}年|同期|基期|上期|年初)?")
RELATIVE_CHANGE_BEFORE = re.compile(r"(?:增长|提高|提升|增加|上调|下降|降低|减少|增幅|降幅|扩大|缩小)(?:了)?\s*$")
STANDARD_WORDS = re.compile(r"标准|水平|待遇|养老金|工资|补助|补贴")
RELATIVE_TO_A_LEVEL = re.compile(r"(?:至|到|为|达)\s*$")
# Per-period cues of a multi-year plan: 每年 / 年均 / 全年 / 年培训2万人次; 每季度; 每月.
PER_QUARTER = re.compile(r"每季度?|每个季度|季均")
PER_MONTH = re.compile(r"每月|每个月|月均")
PER_YEAR = re.compile(
    r"每年|年均|年度|全年|(?<!\d)年内|(?:^|[，,、；;：:\s（(]|实现|完成|力争|确保|开展|组织|新增|达到)年(?=[\u4e00-\u9fff])"
)
CUMULATIVE_CUES = re.compile(r"累计|共计|合计|总计|(?:^|[，,；;])共")
# 每人每月1200元, 人均补助500元: an amount per person is a standard, not a sum of the year.
PER_PERSON = re.compile(r"每人|人均|每户|户均|每名|月人均")
STOCK_CUES = re.compile(r"总量|规模|保持|存量|总数|在校生|稳定在|达到.*?(?:万人|人)的?队伍")
# A year that says when: 2023—2025年 (a span), 到2025年, 2025年底前, 2025年 (due that year).
YEAR_SPAN_RE = re.compile(r"(?<!\d)(20\d\d)\s*[-—–~至到]+\s*(20\d\d)\s*年")
YEAR_RE = re.compile(r"(?<![\d比较])(20\d\d)\s*年(?!\s*[-—–~至到]\s*20\d\d)")
QUOTES = str.maketrans("", "", "“”‘’\"'《》「」")
_CLAUSE_BREAK = re.compile(r"[；;]+")
_LIST_JOINERS = re.compile(r"^[\s和、与及,，或]*$")


class Kind:
    FLOW_ANNUAL = "flow_annual"
    FLOW_CUMULATIVE = "flow_cumulative"
    STOCK = "stock"
    CEILING = "ceiling"
    RATE = "rate"
    RANGE = "range"


class ParseProblem(str):
    """A reason a phrase gives no target, as a message; `code` says which reason it is:
    no-quantity, approximate, relative."""

    code: str
    # False for a clause beside the line's targets (…，高技能人才占比高于全省平均水平): the
    # import shows it as a warning, the targets beside it are read.
    blocking: bool

    # True for a comparison with no figure (不低于上年): nothing pretends to be a number.
    without_figure: bool

    def __new__(cls, message: str, code: str, *, blocking: bool = True, without_figure: bool = False):
        problem = super().__new__(cls, message)
        problem.code = code
        problem.blocking = blocking
        problem.without_figure = without_figure
        return problem


@dataclass(frozen=True)
class PlanContext:
    """What the words alone do not say: the plan's years and the measure's deadline."""

    year_start: int
    year_end: int
    deadline: date | None = None



@dataclass(frozen=True)
class ParsedTarget:
    phrase: str
    subject: str
    kind: str
    comparator: str  # gte | lte | between
    value: Decimal
    value_max: Decimal | None
    unit: str
    period_start: date
    period_end: date
    # "quarter" / "month" where the phrase sets a figure per quarter or month (每季度1次):
    # value is then the year's sum of them (4次), as a per-year flow.
    per: str = ""


@dataclass
class ParseResult:
    targets: list[ParsedTarget] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)


def _lines(text: str):
    """The text's lines, each cut at ；/; outside quotation marks (“稳岗位；促就业” stays whole)."""
    for raw_line in text.split("\n"):
        spans = quoted_spans(raw_line)
        start = 0
        for match in _CLAUSE_BREAK.finditer(raw_line):
            if any(begin <= match.start() < end for begin, end in spans):
                continue
            yield raw_line[start : match.start()]
            start = match.end()
        yield raw_line[start:]


def parse_targets(text: str, context: PlanContext) -> ParseResult:
    """Targets of a target cell or a sentence: one per number with a measure word.

    Lines (or sentences separated by ；/;) are read one by one; within a line, the words
    between two numbers belong to the second. Numbers inside quotation or title marks are
    names (“四个一”, “1+N”, 《…》), not targets.
    """
    result = ParseResult()
    for line in _lines(text or ""):
        line = line.strip().strip("，,。 ")
        if not line:
            continue
        quantities = find_quantities(line)
        plain = plain_width(line)
        relative = [
            clause
            for clause in re.split(r"[，,。；;：:！!？?、]", plain)
            if (RELATIVE_WITHOUT_FIGURE.search(clause) or COMPARISON_CUE.search(clause)) and not find_quantities(clause)
        ]
        for clause in relative:
            result.problems.append(
                ParseProblem(
                    _("“%(line)s”中的“%(figure)s”是与上年、平均水平或其他标准的比较，没有目标数值，请写明要达到的数值")
                    % {"line": line, "figure": clause},
                    "relative",
                    blocking=not quantities,
                    without_figure=True,
                )
            )
        if not quantities and relative:
            continue
        if not quantities:
            result.problems.append(
                ParseProblem(
                    _("“%(line)s”中没有可作为目标的数值（需要数字和计量单位，如“2000个”“3.2%%”）") % {"line": line},
                    "no-quantity",
                )
            )
            continue
        groups = _shared_cues(plain, quantities)
        previous_end = 0
        previous_relative = False  # 分别再提高30元和5元: the list shares the first one's reading
        for index, quantity in enumerate(quantities):
            before = plain[previous_end : quantity.start]
            previous_end = quantity.end
            if _is_baseline(plain, quantity):
                continue  # 由5%降至3%: the 5% is where it starts, the 3% the target
            if _is_population(plain, quantities, index) or _is_qualifier(plain, quantities, index) or _in_condition(plain, quantity):
                continue  # 62个县每县培育1个: the 62 counties are who it is for
            if quantity.approximate or APPROXIMATE_RATIO_RE.search(_CLAUSE_PUNCT.split(plain[: quantity.start])[-1]):
                result.problems.append(
                    ParseProblem(
                        _("“%(line)s”中的“%(figure)s”是约数，不能作为目标值，请写明确的数值")
                        % {"line": line, "figure": quantity.text},
                        "approximate",
                    )
                )
                continue
            joined = index > 0 and _LIST_JOINERS.match(before) is not None
            if _is_relative(plain, before, quantity) or (joined and previous_relative):
                previous_relative = True
                result.problems.append(
                    ParseProblem(
                        _("“%(line)s”中的“%(figure)s”是与上年或基期相比的增减，不能作为目标值，请写明要达到的数值")
                        % {"line": line, "figure": quantity.text},
                        "relative",
                    )
                )
                continue
            previous_relative = False
            comparator = groups.get(index) or _comparator(plain, before, quantity)
            target = _target(line, plain, before, quantity, comparator, context)
            result.targets.extend([target] * _subjects_sharing(plain, before, quantities, index))
    return result


def _comparator(plain: str, before: str, quantity: Quantity) -> str:
    """gte, lte or between for one figure: the cue right after it, else the nearest cue in
    front of it within its clause, else what the subject implies."""
    if quantity.value_max is not None:
        return "between"
    after = _AFTER_RE.match(plain, quantity.end)
    if after and after.group(1) in _AFTER_DIRECTION:
        return _AFTER_DIRECTION[after.group(1)]
    if plain_width(quantity.text).startswith(("逾", "超")):
        return "gte"  # 超过5000人, 逾1亿元: the cue is part of the figure's text
    clause = _CLAUSE_PUNCT.split(before)[-1]
    cues = _CUE_RE.findall(clause)
    if cues:
        return _DIRECTION[cues[-1]]
    if quantity.unit == "天" and DAY_LIMIT_AFTER.match(plain, quantity.end):
        return "lte"  # 自受理之日起15日完成: done within it
    # 降低失业保险费率至1%: lowered to, so at most.
    if re.search(r"[降减压缩]", clause) and re.search(r"[至到]\s*$", clause):
        return "lte"
    sentence = plain[: quantity.start]
    if quantity.unit in RATE_UNITS | LEVEL_UNITS and LOWER_IS_BETTER.search(_CLAUSE_PUNCT.split(sentence)[-1]):
        return "lte"
    return "gte"


def _shared_cues(plain: str, quantities: list[Quantity]) -> dict[int, str]:
    """分别不低于90%和85%, 分别控制在3.5%和5.5%以内: the figures of a 分别 list share the cue
    in front of the first or after the last."""
    shared: dict[int, str] = {}
    index = 0
    while index < len(quantities):
        start = quantities[index - 1].end if index else 0
        if "分别" not in _CLAUSE_PUNCT.split(plain[start : quantities[index].start])[-1]:
            index += 1
            continue
        last = index
        while last + 1 < len(quantities) and _LIST_JOINERS.match(plain[quantities[last].end : quantities[last + 1].start]):
            last += 1
        after = _AFTER_RE.match(plain, quantities[last].end)
        cues = _CUE_RE.findall(plain[start : quantities[index].start].split("分别")[-1])
        comparator = (
            _AFTER_DIRECTION[after.group(1)]
            if after and after.group(1) in _AFTER_DIRECTION
            else _DIRECTION[cues[-1]]
            if cues
            else None
        )
        if comparator:
            for member in range(index, last + 1):
                if quantities[member].value_max is None:
                    shared[member] = comparator
        index = last + 1
    return shared


# 每6千人左右配备一名: a ratio whose base is approximate is approximate too.
APPROXIMATE_RATIO_RE = re.compile(rf"每\s*(?:\d|[{CHINESE_NUMERAL_CHARS}])[^，,；;]{{0,6}}?(?:左右|上下)")


def _is_population(plain: str, quantities: list[Quantity], index: int) -> bool:
    """A figure that counts who a later figure of its clause is for (62个县每县至少培育1个)."""
    if index + 1 >= len(quantities):
        return False
    between = plain[quantities[index].end : quantities[index + 1].start]
    each = between.rfind("每")
    return 0 < each < len(between) - 1 and between[each - 1] == between[each + 1] and not _CLAUSE_PUNCT.search(between)


def _is_baseline(plain: str, quantity: Quantity) -> bool:
    """由5%降至3%, 从目前的1185家增至1500家, 从每人每月574元、271元分别提高到…: where a figure
    starts from, not the target."""
    clause_before = _CLAUSE_PUNCT.split(plain[: quantity.start])[-1]
    opened = max(clause_before.rfind("从"), clause_before.rfind("由"))
    if opened < 0 or BASELINE_CHANGE.search(clause_before[opened:]):
        return False
    clause_after = _CLAUSE_PUNCT.split(plain[quantity.end :])[0]
    return BASELINE_CHANGE.search(clause_after) is not None


BASELINE_CHANGE = re.compile(r"(?:分别)?(?:提高|增加|增|降低|降|下降|减少|减|压缩|压降|提升|上调|扩大|缩短)?[至到]")


def _in_condition(plain: str, quantity: Quantity) -> bool:
    """15日内不能做出决定的，…: a clause ending in 的 with no cue states a condition."""
    start = max((m.end() for m in _CLAUSE_PUNCT.finditer(plain, 0, quantity.start)), default=0)
    end_match = _CLAUSE_PUNCT.search(plain, quantity.end)
    clause = plain[start : end_match.start() if end_match else len(plain)]
    return end_match is not None and clause.endswith("的") and not _CUE_RE.search(clause)


def _subjects_sharing(plain: str, before: str, quantities: list[Quantity], index: int) -> int:
    """A和B分别不超过5个: one figure for each subject named before 分别 (2 targets of 5个)."""
    clause = _CLAUSE_PUNCT.split(before)[-1]
    if "分别" not in clause:
        return 1
    listed_next = index + 1 < len(quantities) and _LIST_JOINERS.match(plain[quantities[index].end : quantities[index + 1].start])
    if listed_next:
        return 1
    subjects = [part for part in re.split(r"和|、|及|与", clause.split("分别")[0]) if part.strip()]
    return max(1, len(subjects))


def _is_qualifier(plain: str, quantities: list[Quantity], index: int) -> bool:
    """投资10亿元以上项目10个: 10亿元以上 says which projects; the 10个 is the target."""
    if index + 1 >= len(quantities):
        return False
    between = plain[quantities[index].end : quantities[index + 1].start]
    return re.match(r"\s*(?:以上|以下)[^，,；;。、和及与\d(（]{1,6}$", between) is not None


def _is_relative(plain: str, before: str, quantity: Quantity) -> bool:
    clause = _CLAUSE_PUNCT.split(before)[-1]
    if quantity.value_max is None and RELATIVE_TO_A_LEVEL.search(clause):
        return False  # 提高到90%, 增加至5万人: a level
    if RELATIVE_BASE.search(clause) and RELATIVE_CHANGE_BEFORE.search(clause):
        return True
    change = RELATIVE_CHANGE_BEFORE.search(clause)
    if change and STANDARD_WORDS.search(clause[: change.start()]):
        return True  # 补助标准提高30元, 基础养老金月最低标准提高20元: a raise, not the level
    if change and change.start() == 0 and quantity.unit == "%":
        return True  # …规模9.8万亿元，增长18%: the growth of the amount before it
    # 提高5个百分点: a change of a rate, never a level. (经济增长6.5% is a growth rate to reach.)
    return quantity.unit == "百分点"


def _per(sentence: str, context: PlanContext) -> str:
    if PER_QUARTER.search(sentence):
        return "quarter"
    if PER_MONTH.search(sentence):
        return "month"
    if context.year_start != context.year_end and PER_YEAR.search(sentence):
        return "year"
    return ""


def _target(line: str, plain: str, before: str, q: Quantity, comparator: str, context: PlanContext) -> ParsedTarget:
    sentence = _CLAUSE_PUNCT.split(plain[: q.start])[-1]
    clause_words = sentence + plain[q.end : q.end + 4]
    per = _per(plain[: q.start], context) if q.unit not in RATE_UNITS | LEVEL_UNITS else ""
    value, value_max = q.value, q.value_max
    if comparator == "between":
        kind = Kind.RANGE
    elif comparator == "lte":
        kind = Kind.CEILING
    elif q.unit in RATE_UNITS:
        kind = Kind.RATE
    elif q.unit in LEVEL_UNITS or PER_PERSON.search(sentence):
        kind = Kind.STOCK  # 5个工作日, 每人每月1200元: a level, never a sum
        per = ""
    elif _per(re.split(r"[、]", sentence)[-1], context) == "year":
        kind = Kind.FLOW_ANNUAL  # 年招生学生规模3.5万人: the clause's own 年 before its 规模
    elif STOCK_CUES.search(_subject_clause(before)):
        kind = Kind.STOCK
    elif per in {"quarter", "month"}:
        kind = Kind.FLOW_ANNUAL
        times = 4 if per == "quarter" else 12
        value = _clean_decimal(value * times)
    elif CUMULATIVE_CUES.search(clause_words):
        kind = Kind.FLOW_CUMULATIVE
    elif per == "year" or context.year_start == context.year_end:
        kind = Kind.FLOW_ANNUAL
    else:
        kind = Kind.FLOW_CUMULATIVE
    start, end = _period(plain[: q.start], context)
    if kind == Kind.FLOW_ANNUAL and not per and end.year > start.year:
        kind = Kind.FLOW_CUMULATIVE  # 到2025年新增…5万人 in a 2024 plan: a total by 2025
    return ParsedTarget(
        phrase=line,
        subject=_subject(before),
        kind=kind,
        comparator=comparator,
        value=value,
        value_max=value_max,
        unit=q.unit,
        period_start=start,
        period_end=end,
        per=per if per in {"quarter", "month"} else "",
    )


def _subject_clause(before: str) -> str:
    return _CLAUSE_PUNCT.split(before)[-1]


def _period(text_before: str, context: PlanContext) -> tuple[date, date]:
    """The plan's years, or those the phrase names before the figure: 2023—2025年 is a span,
    到2025年 / 2025年底前 / 2025年 the year it is due (a later year than the plan's included)."""
    start = date(context.year_start, 1, 1)
    end = date(context.year_end, 12, 31)
    unquoted = _unquoted(text_before)
    spans = [m for m in YEAR_SPAN_RE.finditer(unquoted) if int(m.group(2)) >= context.year_start]
    years = [m for m in YEAR_RE.finditer(unquoted) if int(m.group(1)) >= context.year_start and not _in_span(m, spans)]
    last_span = spans[-1] if spans else None
    last_year = years[-1] if years else None
    if last_span and (not last_year or last_span.start() > last_year.start()):
        return date(int(last_span.group(1)), 1, 1), date(int(last_span.group(2)), 12, 31)
    if last_year:
        return start, max(start, date(int(last_year.group(1)), 12, 31))
    if context.deadline and context.deadline >= start:
        # The measure's deadline bounds its targets, before or after the plan's last year.
        end = context.deadline
    return start, end


def _in_span(match: re.Match, spans) -> bool:
    return any(span.start() <= match.start() < span.end() for span in spans)


def _unquoted(text: str) -> str:
    """The text with what quotation and title marks hold blanked out (same length)."""
    chars = list(text)
    for begin, end in quoted_spans(text):
        chars[begin:end] = " " * (end - begin)
    return "".join(chars)


_SUBJECT_NOISE = re.compile(
    r"(\d{4}\s*[—\-–至到]\s*\d{4}年|(?:到|至|截至)?\d{4}年(?:底|末)?(?:前)?|全市|全省|每年|全年|年均|累计|力争|确保|分别|"
    r"不少于|不低于|不小于|不超过|不高于|不多于|达到|达|至少|控制在|保持在|保持|以上|以内|[，,、。：:（）()\s])"
)


def _subject(before: str) -> str:
    return _SUBJECT_NOISE.sub("", before.translate(QUOTES))


def parse_result_value(text: str) -> Quantity | None:
    """A reported figure (47118人, 2.12%, 47.73万人, 超47万人次): approximations accepted."""
    quantities = find_quantities(text)
    return quantities[0] if quantities else None


def strip_quotes(text: str) -> str:
    return text.translate(QUOTES)

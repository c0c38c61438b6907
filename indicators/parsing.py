"""Numeric targets read from the words of a plan.

Pure functions, no database: a phrase such as 2023—2027年城镇新增就业累计22.5万人以上 becomes
a ParsedTarget in base units (225000 人, at least, cumulative over the plan). What cannot be
taken as a target is returned as a problem, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Measure words, longest first so that 人次 wins over 人 and 万元 over 元. Each maps to its
# base unit and the factor to reach it.
UNITS: dict[str, tuple[str, int]] = {
    "亿元": ("元", 100_000_000),
    "万元": ("元", 10_000),
    "人次": ("人次", 1),
    "场次": ("场次", 1),
    "家次": ("家次", 1),
    "个次": ("个次", 1),
    "篇次": ("篇次", 1),
    "百分点": ("百分点", 1),
    "个百分点": ("百分点", 1),
    "元": ("元", 1),
    "人": ("人", 1),
    "名": ("人", 1),
    "位": ("人", 1),
    "个": ("个", 1),
    "家": ("家", 1),
    "场": ("场", 1),
    "所": ("所", 1),
    "张": ("张", 1),
    "户": ("户", 1),
    "项": ("项", 1),
    "宗": ("宗", 1),
    "件": ("件", 1),
    "条": ("条", 1),
    "份": ("份", 1),
    "本": ("本", 1),
    "次": ("次", 1),
    "期": ("期", 1),
    "批": ("批", 1),
    "枚": ("枚", 1),
    "套": ("套", 1),
    "间": ("间", 1),
    "%": ("%", 1),
    "％": ("%", 1),
}
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000}
CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

_unit_alt = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_num = r"\d+(?:\.\d+)?"
# A Chinese numeral up to 99 (五, 十二, 三十, 九十九): 唯一一个 holds no number of two digits.
_cn = r"(?:[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
NUMBER_RE = re.compile(
    rf"(?P<approx>[约近超逾]|大约|接近|超过)?"
    rf"(?P<lo>{_num}|{_cn})"
    rf"(?:\s*(?P<lomult>[万亿千])?\s*[-—–~～至到]\s*(?P<hi>{_num}|{_cn}))?"
    rf"\s*(?P<fuzzy>多|余)?"
    rf"\s*(?P<mult>[万亿千])?(?P<fuzzy2>多|余)?"
    rf"\s*(?P<unit>{_unit_alt})"
)
# Measure words that a Chinese numeral may count (一所技师学院); 九条, 一人一策 are names.
COUNTING_WORDS = {"所", "个", "家", "场", "名", "位", "批", "期", "户", "张"}
# A number glued to these is a name, not a quantity: 第46届, 2.0版, 十大舰队.
NOT_A_QUANTITY_BEFORE = ("第",)
# A Chinese numeral right after one of these is the tail of a longer word or number
# (唯一一个, 三百五十个), not a quantity of its own.
CHINESE_NUMERAL_CHARS = "零一二两三四五六七八九十百千"
# Quotation marks and title marks: what they hold is a name (“四个一”, “1+N”, “双百”, “十四五”,
# 《…2024年…》), never a quantity. Straight quotes pair in order, the others by nesting.
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
STRAIGHT_QUOTES = '"＂'
_QUOTE_CLOSERS = set(QUOTE_PAIRS.values())
_ANY_QUOTE = re.compile("[" + re.escape("".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values()) + STRAIGHT_QUOTES) + "]")

AT_MOST_CUES = ("以内", "以下", "控制在", "不超过", "不高于", "低于", "之内")
AT_LEAST_CUES = ("以上", "不少于", "不低于", "达到", "达", "力争", "至少", "超过", "确保", "保持")
ANNUAL_CUES = ("每年", "全年", "年度", "年均", "年内")
CUMULATIVE_CUES = ("累计",)
STOCK_CUES = ("总量", "规模", "保持", "存量", "总数", "在校生")
BY_YEAR_RE = re.compile(r"(?:到|至|截至)(\d{4})年|(\d{4})年(?:底|末)?(?:前|以前)")
QUOTES = str.maketrans("", "", "“”‘’\"'《》「」")


class Kind:
    FLOW_ANNUAL = "flow_annual"
    FLOW_CUMULATIVE = "flow_cumulative"
    STOCK = "stock"
    CEILING = "ceiling"
    RATE = "rate"
    RANGE = "range"


@dataclass(frozen=True)
class PlanContext:
    """What the words alone do not say: the plan's years and the measure's deadline."""

    year_start: int
    year_end: int
    deadline: date | None = None


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    value_max: Decimal | None
    unit: str
    approximate: bool
    start: int
    end: int
    text: str


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


@dataclass
class ParseResult:
    targets: list[ParsedTarget] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def chinese_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[ones] if ones else 0)
    return CHINESE_DIGITS[text]


def _to_decimal(text: str) -> Decimal:
    return Decimal(text) if text[0].isdigit() else Decimal(chinese_number(text))


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation (“…”, "…", ‘…’, 「…」) and title (《…》) of the text,
    marks included. An opening mark never closed protects nothing; one left open inside a
    closed pair (《…“…》) is dropped when the pair closes."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: dict[str, int] = {}
    for mark in _ANY_QUOTE.finditer(text):
        index, char = mark.start(), mark.group()
        if char in STRAIGHT_QUOTES:
            if char in straight:
                spans.append((straight.pop(char), index + 1))
            else:
                straight[char] = index
        elif char in QUOTE_PAIRS:
            stack.append((char, index))
        elif char in _QUOTE_CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if QUOTE_PAIRS[stack[depth][0]] == char:
                    spans.append((stack[depth][1], index + 1))
                    del stack[depth:]
                    break
    return spans


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a measure word in the text, in base units; none from inside quotation
    or title marks (开展“四个一”活动10场 → 10场 only)."""
    found = []
    spans = quoted_spans(text)
    for match in NUMBER_RE.finditer(text):
        lo_text = match["lo"]
        before = text[max(0, match.start() - 1) : match.start()]
        if before in NOT_A_QUANTITY_BEFORE or (before.isdigit() or before == "."):
            continue
        if any(begin <= match.start() and match.end() <= end for begin, end in spans):
            continue  # a name: “四个一”, “三个一百”, 《…(2024年)》
        # A lone Chinese numeral is only a quantity before a measure word that counts things
        # (一所技师学院), never inside a word like 一体 or 十大.
        if not lo_text[0].isdigit() and (
            match["unit"] not in COUNTING_WORDS or before == "新" or (before and before in CHINESE_NUMERAL_CHARS)
        ):
            continue
        base_unit, factor = UNITS[match["unit"]]
        mult = MULTIPLIERS.get(match["mult"] or "", 1)
        value = _to_decimal(lo_text) * MULTIPLIERS.get(match["lomult"] or match["mult"] or "", 1) * factor
        value_max = _to_decimal(match["hi"]) * mult * factor if match["hi"] else None
        found.append(
            Quantity(
                value=_clean_decimal(value),
                value_max=_clean_decimal(value_max) if value_max is not None else None,
                unit=base_unit,
                approximate=bool(match["approx"] in {"约", "近", "大约", "接近"} or match["fuzzy"] or match["fuzzy2"]),
                start=match.start(),
                end=match.end(),
                text=match.group(0),
            )
        )
    return found


def plain_number(value: Decimal) -> str:
    """A figure as people write it: 47118, 2.39, 100 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def _clean_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _period(kind: str, phrase: str, context: PlanContext) -> tuple[date, date]:
    start = date(context.year_start, 1, 1)
    end = date(context.year_end, 12, 31)
    by_year = BY_YEAR_RE.search(phrase)
    if by_year and int(by_year.group(1) or by_year.group(2)) >= context.year_start:
        end = date(int(by_year.group(1) or by_year.group(2)), 12, 31)
    elif context.deadline and context.deadline >= start:
        # The measure's deadline bounds its targets, before or after the plan's last year.
        end = context.deadline
    return start, end


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
        if not quantities:
            result.problems.append(f"“{line}”中没有可作为目标的数值（需要数字和计量单位，如“2000个”“3.2%”）")
            continue
        previous_end = 0
        for quantity in quantities:
            if quantity.approximate:
                result.problems.append(
                    f"“{line}”中的“{quantity.text}”是约数，不能作为目标值，请写明确的数值"
                )
                previous_end = quantity.end
                continue
            before = line[previous_end : quantity.start]
            after = line[quantity.end : quantity.end + 4]
            clause = line[previous_end : quantity.end + 4]
            result.targets.append(_target(line, before, after, clause, quantity, context))
            previous_end = quantity.end
    return result


def _cues(cues) -> re.Pattern:
    """One search for any of the words (what `any(cue in text for cue in cues)` asks, in C)."""
    return re.compile("|".join(re.escape(cue) for cue in cues))


_AT_MOST_AFTER = _cues(("以内", "以下", "之内"))
_AT_MOST_BEFORE = _cues(("控制在", "不超过", "不高于", "低于"))
_CUMULATIVE = _cues(CUMULATIVE_CUES)
_STOCK = _cues(STOCK_CUES)
_ANNUAL = _cues(ANNUAL_CUES)
_CLAUSE_BREAK = re.compile(r"[；;]+")


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


def _target(line: str, before: str, after: str, clause: str, q: Quantity, context: PlanContext) -> ParsedTarget:
    at_most = (
        _AT_MOST_AFTER.search(after[:3]) is not None
        or _AT_MOST_BEFORE.search(before) is not None
        # 降低失业保险费率至1%: lowered to, so at most.
        or ("降" in before and before.rstrip().endswith("至"))
    )
    subject = _subject(before)
    whole = line
    if q.value_max is not None:
        kind, comparator = Kind.RANGE, "between"
    elif at_most:
        kind, comparator = Kind.CEILING, "lte"
    elif q.unit == "%":
        kind, comparator = Kind.RATE, "gte"
    elif _CUMULATIVE.search(clause):
        kind, comparator = Kind.FLOW_CUMULATIVE, "gte"
    elif _STOCK.search(before):
        kind, comparator = Kind.STOCK, "gte"
    elif _ANNUAL.search(whole) or context.year_start == context.year_end:
        kind, comparator = Kind.FLOW_ANNUAL, "gte"
    else:
        kind, comparator = Kind.FLOW_CUMULATIVE, "gte"
    start, end = _period(kind, line, context)
    return ParsedTarget(
        phrase=line,
        subject=subject,
        kind=kind,
        comparator=comparator,
        value=q.value,  # cleaned by find_quantities
        value_max=q.value_max,
        unit=q.unit,
        period_start=start,
        period_end=end,
    )


_SUBJECT_NOISE = re.compile(
    r"(\d{4}\s*[—\-–至到]\s*\d{4}年|(?:到|至|截至)?\d{4}年(?:底|末)?(?:前)?|全市|每年|全年|累计|力争|确保|"
    r"不少于|不低于|达到|达|至少|控制在|保持|以上|以内|[，,、。：:（）()\s])"
)


def _subject(before: str) -> str:
    return _SUBJECT_NOISE.sub("", before.translate(QUOTES))


def parse_result_value(text: str) -> Quantity | None:
    """A reported figure (47118人, 2.12%, 47.73万人, 超47万人次): approximations accepted."""
    quantities = find_quantities(text)
    return quantities[0] if quantities else None


def strip_quotes(text: str) -> str:
    return text.translate(QUOTES)

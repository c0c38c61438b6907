"""Quantities in the words of a plan: a figure with its measure word, in base units.

Pure functions, no database. 22.5万人 is 225000 人, 85%—90% one range, 五百个 500 个, 3．5％
3.5 %; what quotation marks hold (“四个一”), ordinals (第五届), words (一批, 一次性, 唯一一个),
the base of a ratio (每千人) and a subject's condition (30人以下的企业) are not quantities.
indicators.parsing reads targets from them; the drafter and the results import read figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .textnorm import CHINESE_NUMERAL_CHARS, chinese_to_int, plain_width

# Measure words, longest first so that 人次 wins over 人, 个月 over 个 and 万元 over 元. Each
# maps to its base unit and the factor to reach it.
UNITS: dict[str, tuple[str, int]] = {
    "亿元": ("元", 100_000_000),
    "万元": ("元", 10_000),
    "个百分点": ("百分点", 1),
    "个工作日": ("天", 1),
    "工作日": ("天", 1),
    "百分点": ("百分点", 1),
    "平方米": ("平方米", 1),
    "个月": ("月", 1),
    "人次": ("人次", 1),
    "场次": ("场次", 1),
    "家次": ("家次", 1),
    "个次": ("个次", 1),
    "篇次": ("篇次", 1),
    "户次": ("户次", 1),
    "小时": ("小时", 1),
    "课时": ("课时", 1),
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
    "批次": ("批次", 1),
    "班次": ("班次", 1),
    "批": ("批", 1),
    "道": ("道", 1),
    "枚": ("枚", 1),
    "套": ("套", 1),
    "间": ("间", 1),
    "座": ("座", 1),
    "支": ("支", 1),
    "台": ("台", 1),
    "趟": ("趟", 1),
    "天": ("天", 1),
    "日": ("天", 1),
    "年": ("年", 1),
    "%": ("%", 1),
}
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千": 1_000}
# Durations and levels: a figure in these is a level to reach or keep under, never a sum.
LEVEL_UNITS = {"天", "月", "小时", "年"}
# 年 and 日 are measure words only where the subject is a length of time (受教育年限10.8年,
# 轮候时间不超过5年, 1日内办结); elsewhere 2025年 is a year and 6月1日 a date.
DURATION_SUBJECT = re.compile(r"年限|时间|期限|时限|寿命|周期|工龄|服务期|合同期|最长|最短|短于|长于|通过|期为|延长")
# A time limit in days: 15日内办结, 自受理之日起15日完成 (also an at-most: done within it).
DAY_LIMIT_AFTER = re.compile(r"\s*(?:内|以内|之内)?\s*(?:完成|办结|审结|结案|办理|处理|作出|做出|答复|支付|发放|到账)")
RATE_UNITS = {"%", "百分点"}

_unit_alt = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# 1200, 1,200 (thousands separators kept in place so that positions stay those of the text).
_arabic = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d(?: ?\d)*(?:\.\d+)?"
_chinese = rf"[{CHINESE_NUMERAL_CHARS}]+"
_number = rf"(?:{_arabic}|{_chinese})"
_dash = r"(?:[-—–~至到]+|(?<=\d)一(?=\d))"
RANGE_RE = re.compile(
    rf"(?P<approx>约|近|大约|接近)?(?P<lo>{_number})(?P<lomult>[万亿千])?(?P<lounit>{_unit_alt})?\s*{_dash}\s*"
    rf"(?P<hi>{_number})(?P<mult>[万亿千])?(?P<unit>{_unit_alt})"
)
# 逾8.7亿元, 超47万人次 (a reported figure's lower bound) stay in the figure's text; 不超过 is a cue.
NUMBER_RE = re.compile(
    rf"(?P<over>(?<![不得应能])(?:逾|超过|超))?(?P<approx>约|近|大约|接近)?(?P<lo>{_number})\s*(?P<fuzzy>多|余)?"
    rf"\s*(?P<mult>[万亿千])?(?P<fuzzy2>多|余)?\s*(?P<unit>{_unit_alt})"
)
# 新增就业人数24万, 参保户数3万: the noun says the measure word the figure leaves out.
HEADCOUNT_UNITS = {"人数": "人", "人次": "人次", "户数": "户"}
HEADCOUNT_RE = re.compile(
    rf"(?P<noun>人数|户数)(?:达到|达|为|超过|不少于|不低于)?\s*(?P<lo>{_arabic})\s*(?P<mult>[万亿千])?(?![\d.%万亿千]|\s*(?:{_unit_alt}))"
)
QUALIFIER_AFTER = re.compile(r"\s*(?:[(（]含[)）])?\s*(?:以上|以下|以内)\s*的")
QUALIFIED_NOUNS = re.compile(r"企业|单位|机构|项目|家庭|地区|用人单位|人员|职工")
# Measure words that a Chinese numeral may count (一所技师学院, 二十个驿站); 九条, 一批, 一次性
# are words. With 万 or 亿 (五万人) any measure word.
COUNTING_WORDS = {"所", "个", "家", "场", "名", "位", "户", "张", "座", "支", "期", "次"}
# A number glued to these is a name, not a quantity: 第46届, 唯一一个, 统一, 进一步.
NOT_A_QUANTITY_BEFORE = "第"
NOT_A_CHINESE_QUANTITY_BEFORE = CHINESE_NUMERAL_CHARS + "第唯统同单逐之其万进新任某这那每星"
# Quotation marks and title marks: what they hold is a name (“四个一”, “1+N”, “双百”, “十四五”,
# 《…2024年…》), never a quantity. Straight quotes pair in order, the others by nesting.
QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉"}
STRAIGHT_QUOTES = '"＂'
_QUOTE_CLOSERS = set(QUOTE_PAIRS.values())
_ANY_QUOTE = re.compile("[" + re.escape("".join(QUOTE_PAIRS) + "".join(QUOTE_PAIRS.values()) + STRAIGHT_QUOTES) + "]")

_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！!？?]")


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    value_max: Decimal | None
    unit: str
    approximate: bool
    start: int
    end: int
    text: str


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


def _number(text: str) -> Decimal | None:
    """An Arabic figure (1,200.5) or a Chinese numeral (三百五十); None for a run of Chinese
    digits with no 十/百/千 (唯一一个, 二〇二四), which is a word or a year, not a quantity."""
    if text[0].isdigit():
        return Decimal(text.replace(",", "").replace(" ", ""))
    if len(text) > 1 and not set(text) & set("十百千"):
        return None
    try:
        return Decimal(chinese_to_int(text))
    except ValueError:
        return None


def _clean_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _acceptable(text: str, match: re.Match, spans) -> bool:
    """Whether a match is a quantity, not part of a name, an ordinal, a code or a word."""
    start = match.start("lo")
    before = text[max(0, start - 1) : start]
    if before == NOT_A_QUANTITY_BEFORE or before.isdigit() or before == "." or before.isascii() and before.isalpha():
        return False
    if any(begin <= start and match.end() <= end for begin, end in spans):
        return False  # a name: “四个一”, “三个一百”, 《…(2024年)》
    after = text[match.end() : match.end() + 1]
    if before == "每":
        return False  # 每千人病床数5张, 每6千人配备一名: the base of a ratio
    if match["unit"] in {"年", "日"}:
        lo = match["lo"].replace(" ", "")
        clause = _CLAUSE_PUNCT.split(text[max(0, start - 16) : start])[-1]
        limit = match["unit"] == "日" and DAY_LIMIT_AFTER.match(text, match.end())
        if (lo.isdigit() and len(lo) == 4) or before == "月" or not (limit or DURATION_SUBJECT.search(clause)):
            return False
    if match["unit"] == "次" and after and after in "性最就都也全":
        return False  # 一次性, 一次最长不超过3年: an adverb
    qualifier = QUALIFIER_AFTER.match(text, match.end())
    if qualifier and match["unit"] not in {"家", "个", "所"} and QUALIFIED_NOUNS.search(text, qualifier.end(), qualifier.end() + 12):
        return False  # 30人(含)以下的企业, 留用率50%(含)以上的单位: who, not how many
    if re.search(r"每(?:招用|接收|留用|吸纳|安置|招收|录用|聘用|帮扶|培训)\s*$", text[max(0, start - 4) : start]):
        return False  # 每招用1人补贴1500元: the base of a rate of pay
    if (
        UNITS[match["unit"]][0] in LEVEL_UNITS
        and re.match(r"[\u4e00-\u9fff]", after)
        and after not in "内以之左上后前的"
        and not DAY_LIMIT_AFTER.match(text, match.end())
        and not DURATION_SUBJECT.search(_CLAUSE_PUNCT.split(text[max(0, start - 16) : start])[-1])
    ):
        return False  # 额外发放1个月全额援助金: a length qualifying a noun, not a level to reach
    if match["lo"][0].isdigit():
        return True
    # A Chinese numeral counts things (一所技师学院, 二十个, 五万人), never inside a word
    # (一体, 十大, 唯一一个, 一人一策, 千家万户, 一批).
    if before and before in NOT_A_CHINESE_QUANTITY_BEFORE or after and after in "一二两三四五六七八九十百千万":
        return False
    return match["mult"] is not None or match["unit"] in COUNTING_WORDS | {"年"}


def find_quantities(text: str) -> list[Quantity]:
    """Every number with a measure word in the text, in base units; none from inside quotation
    or title marks (开展“四个一”活动10场 → 10场 only). Positions are those of the text."""
    plain = plain_width(text)
    spans = quoted_spans(plain)
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for match in RANGE_RE.finditer(plain):
        lo, hi = _number(match["lo"]), _number(match["hi"])
        if lo is None or hi is None or not _acceptable(plain, match, spans):
            continue
        if match["lounit"] and UNITS[match["lounit"]][0] != UNITS[match["unit"]][0]:
            continue
        base_unit, factor = UNITS[match["unit"]]
        mult = MULTIPLIERS.get(match["mult"] or "", 1)
        low = lo * MULTIPLIERS.get(match["lomult"] or match["mult"] or "", 1) * factor
        high = hi * mult * factor
        if high <= low:
            continue  # 5%到3%: two figures, not a range
        approximate = bool(match["approx"]) or bool(re.match(r"\s*(?:左右|上下)", plain[match.end() : match.end() + 3]))
        found.append(
            Quantity(_clean_decimal(low), _clean_decimal(high), base_unit, approximate, match.start(), match.end(), text[match.start() : match.end()])
        )
        taken.append((match.start(), match.end()))
    for match in NUMBER_RE.finditer(plain):
        if any(begin <= match.start("lo") < end for begin, end in taken):
            continue
        value = _number(match["lo"])
        if value is None or not _acceptable(plain, match, spans):
            continue
        base_unit, factor = UNITS[match["unit"]]
        value = value * MULTIPLIERS.get(match["mult"] or "", 1) * factor
        approximate = bool(match["approx"] or match["fuzzy"] or match["fuzzy2"]) or bool(
            re.match(r"\s*(?:左右|上下)", plain[match.end() : match.end() + 3])
        )
        found.append(
            Quantity(_clean_decimal(value), None, base_unit, approximate, match.start(), match.end(), text[match.start() : match.end()])
        )
    for match in HEADCOUNT_RE.finditer(plain):
        if any(begin <= match.start("lo") < end for begin, end in taken) or any(q.start <= match.start("lo") < q.end for q in found):
            continue
        value = _clean_decimal(Decimal(match["lo"].replace(",", "")) * MULTIPLIERS.get(match["mult"] or "", 1))
        found.append(Quantity(value, None, HEADCOUNT_UNITS[match["noun"]], False, match.start("lo"), match.end(), text[match.start("lo") : match.end()]))
    return sorted(found, key=lambda quantity: quantity.start)


def plain_number(value: Decimal) -> str:
    """A figure as people write it: 47118, 2.39, 100 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")

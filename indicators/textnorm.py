"""Figures as people type them, made plain before anything reads them.

Two jobs shared by the target parser (indicators.parsing) and the report form's number
inputs (indicators.values): full-width characters become their ASCII forms (３．５％ → 3.5%),
thousands separators inside a number go (1,200 → 1200), and Chinese numerals become digits
(三百五十 → 350, 五万 → 50000).
"""

from __future__ import annotations

import re

# Full-width digits and signs (U+FF10…, the ideographic point 。 is a sentence end, not a
# decimal point, so it is left alone), and the dashes and tildes people put between two figures.
_WIDTH = {chr(0xFF10 + digit): str(digit) for digit in range(10)}
_WIDTH.update({"．": ".", "％": "%", "＋": "+", "－": "-", "～": "~", "〜": "~", "﹪": "%", "＜": "<", "＞": ">", "＝": "="})
_WIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_WIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_WIDTH_TABLE = str.maketrans(_WIDTH)
# 1,200 and 1，200 (a separator between digit groups of three), never 1,2 or 2023，2024.
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL_CHARS = "".join(CHINESE_DIGITS) + "".join(_SMALL_UNITS)


# The traditional forms of the characters that cues, multipliers and measure words are made of
# (不低於, 萬人, 個, 達到): one character for one, so positions in the text stay where they were.
# Whole documents in traditional characters go through OpenCC in the drafter.
_TRADITIONAL = str.maketrans(
    "於萬億個達內過場項約戶張條間兩標確穩總規計點業數歲屆嚴質寬舊減壓縮證審職勞",
    "于万亿个达内过场项约户张条间两标确稳总规计点业数岁届严质宽旧减压缩证审职劳",
)


def plain_width(text: str) -> str:
    """Full-width digits, points and signs as ASCII and the traditional forms of cue and unit
    characters as simplified, one character for one (what the target parser reads)."""
    return (text or "").translate(_WIDTH_TABLE).translate(_TRADITIONAL)


def normalise(text: str) -> str:
    """plain_width, and thousands separators removed (1,200 → 1200): a typed figure."""
    return _THOUSANDS.sub("", plain_width(text))


def chinese_to_int(text: str) -> int:
    """The value of a Chinese numeral of digits and 十/百/千 (and 万/亿 groups): 十二 → 12,
    三百五十 → 350, 一千零五 → 1005, 五万 → 50000. A string of digits alone (二〇二四) reads
    digit by digit. Raises ValueError for anything else."""
    if not text:
        raise ValueError("empty numeral")
    if all(char in CHINESE_DIGITS for char in text) and len(text) > 1:
        return int("".join(str(CHINESE_DIGITS[char]) for char in text))
    total = section = digit = 0
    seen = False
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
            seen = True
        elif char in _SMALL_UNITS:
            section += (digit if seen else 1) * _SMALL_UNITS[char]
            digit, seen = 0, False
        elif char in _LARGE_UNITS:
            total += (section + digit) * _LARGE_UNITS[char]
            section = digit = 0
            seen = False
        else:
            raise ValueError(f"not a Chinese numeral: {text}")
    return total + section + digit

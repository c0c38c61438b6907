"""Values as people type them into the report form, read in the unit of their target.

A filer writes what is on his desk: 1万, 3.5万人, 1.2亿元, 12%, １２００, 1,200, 五万人. The
figure is read in the target's base unit (the ledger keeps 万人 as 人 × 10000): a bare number
is in that unit, a measure word must be one of its names (人, 名 and 位 are 人; 人次 is not
人), and anything else is refused with the unit expected, never guessed.

`read_value` is the pure reading; `TypedNumberField` is the form field built on it, a text
input (so that it can hold 万) that shows stored values as people write them (1, not 1.0000).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _

from .quantities import MULTIPLIERS, UNITS, plain_number
from .textnorm import CHINESE_DIGITS, chinese_to_int, normalise

# What an ActualValue holds (max_digits=20, decimal_places=4).
PLACES = 4
MAX_INTEGER_DIGITS = 16
_DIGITS = re.compile(r"(?P<number>\d+(?:\.\d+)?|\.\d+)(?P<mult>[千万亿]*)")
_CHINESE = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_SPACES = re.compile(r"\s+")
# The measure words a value may end with, longest first (人次 before 人, 亿元 before 元).
_WORDS = sorted(UNITS, key=len, reverse=True)


class ValueRefused(ValueError):
    """A typed value that cannot be read in its target's unit; the message says why."""


def _expected(unit: str) -> str:
    if not unit:
        return str(_("请填写数值，如 1200、1.5万。"))
    if unit in {"%", "百分点"}:
        return str(_("请填写以“%(unit)s”为单位的数值，如 12.5。") % {"unit": unit})
    return str(_("请填写以“%(unit)s”为单位的数值，如 1200、1.5万%(unit)s。") % {"unit": unit})


def _measure_word(text: str, unit: str) -> tuple[str, str | None, int]:
    """The text without its measure word, the base unit that word names and its factor
    (亿元 → 元 × 10^8). The target's own unit is a word too, for units the parser does not
    list (月)."""
    if unit and text.endswith(unit) and unit not in UNITS:
        return text[: -len(unit)], unit, 1
    for word in _WORDS:
        if text.endswith(word) and len(text) > len(word):
            base, factor = UNITS[word]
            return text[: -len(word)], base, factor
    return text, None, 1


def _number(text: str) -> Decimal | None:
    """3.5万 → 35000, 1200 → 1200, 五万 → 50000; None when the text is not a number."""
    match = _DIGITS.fullmatch(text)
    if match:
        value = Decimal(match["number"])
        for mult in match["mult"]:
            value *= MULTIPLIERS[mult]
        return value
    # A numeral needs a digit (五万, 十二); 万 or 千 alone is not one.
    if _CHINESE.fullmatch(text) and (any(c in CHINESE_DIGITS for c in text) or text.startswith("十")):
        try:
            return Decimal(chinese_to_int(text))
        except ValueError:
            return None
    return None


def read_value(text: str | None, unit: str) -> Decimal | None:
    """The figure a person typed, in `unit` (a target's base unit; "" for a plain count such
    as a rate's numerator); None when nothing was typed. Raises ValueRefused."""
    text = _SPACES.sub("", normalise(text or ""))
    if not text:
        return None
    if text.startswith("-"):
        raise ValueRefused(_("数值不能为负数。"))
    text = text.removeprefix("+")
    rest, named, factor = _measure_word(text, unit)
    value = _number(rest)
    if value is None:
        raise ValueRefused(_("无法识别“%(text)s”。") % {"text": text} + _expected(unit))
    if not unit and named == "%":
        raise ValueRefused(_("分子和分母请填写数量（如人数），不带“%”。"))
    if unit and named is not None and named != unit:
        raise ValueRefused(
            _("“%(text)s”的单位是“%(named)s”，本目标以“%(unit)s”计。") % {"text": text, "named": named, "unit": unit}
            + _expected(unit)
        )
    value *= factor
    if value and value.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueRefused(_("数字位数过多。"))
    if value != value.quantize(Decimal(1).scaleb(-PLACES)):
        raise ValueRefused(_("最多保留4位小数。"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def shown(value) -> str:
    """A stored value as people write it: 10000, 2.5 (never 10000.0000 or 1E+4)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value  # what the user typed, shown back as typed
    try:
        return plain_number(Decimal(value))
    except InvalidOperation:
        return str(value)


def amount(value, unit: str = "") -> str:
    """A figure as the pages show it: 225000, 人 → 22.5万人 (万 to at most two decimals:
    210418 → 21.04万); 3.2, % → 3.2%; under 10,000 as it is, never with trailing zeros."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    if unit in {"%", "百分点"}:
        # A combined rate is kept to four places; a leader reads two (33.3333 → 33.33%).
        return f"{plain_number(value.quantize(Decimal('0.01')))}{unit}"
    if abs(value) < 10000:
        return f"{plain_number(value)}{unit}"
    if abs(value) >= 100_000_000 and value % 1_000_000 == 0:
        return f"{plain_number(value / 100_000_000)}亿{unit}"
    return f"{plain_number((value / 10000).quantize(Decimal('0.01')))}万{unit}"


class TypedNumberInput(forms.TextInput):
    """A text input with the decimal keypad on phones: type=number cannot hold 1万."""

    def __init__(self, attrs=None):
        defaults = {"class": "form-control typed-number", "inputmode": "decimal", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        return shown(value) or None


class TypedNumberField(forms.Field):
    """A figure typed as people write it, read in the target's unit by `read_value`."""

    widget = TypedNumberInput

    def __init__(self, *, unit: str = "", **kwargs):
        self.unit = unit
        super().__init__(**kwargs)
        if unit:
            self.widget.attrs.setdefault("placeholder", _("如 1200 或 1.5万"))

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        try:
            return read_value(value, self.unit)
        except ValueRefused as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value):
        return shown(value)

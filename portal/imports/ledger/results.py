"""Results a city has reported (已完成结果: 2019年 城镇新增就业 47118人), read from a
ledger file's results sheet — the draft from a plan's text writes one — checked, compared with
what the portal holds and written as RecordedResult, in the same transaction as the ledger.

Each row names its indicator as the indicator list does (name or alias). A name the portal
does not know is not guessed at and not created: the row is left out until the admin chooses
the indicator it means, or leaves it out for good. Every problem names sheet, row and column.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from indicators.models import Indicator, RecordedResult
from indicators.parsing import parse_result_value, plain_number
from units.models import Region

from .read import LedgerRow, LedgerSheet
from .validate import Place, Problem

YEAR_RE = re.compile(r"^\s*(\d{4})\s*年?\s*$")
FIRST_YEAR, LAST_YEAR = 1949, 2100
PHRASE_LENGTH = RecordedResult._meta.get_field("phrase").max_length
LEAVE_OUT = 0  # the admin's choice for a row: no indicator, do not import
# Counters of places (技师学院 1家 / 1所, 工作室 1家 / 1个) are one unit; 人 and 人次 are not.
SAME_UNITS = ({"个", "家", "所", "座"},)
RESULT_STATUS_LABELS = {"create": "新增", "update": "更新", "unchanged": "未变", "error": "错误", "skip": "不导入"}


@dataclass
class ResultLine:
    """One row of a results sheet, as the preview shows it and the write takes it."""

    key: str  # sheet!row: what the admin's indicator choice is keyed by
    sheet: str
    row: int
    indicator_text: str  # as the file names it
    indicator_id: int | None  # the indicator it counts for; None: left out
    indicator_name: str
    year: int | None
    figure: str  # as written: 47118人, 1.5万人
    value: Decimal | None
    unit: str
    phrase: str
    status: str = "skip"  # create | update | unchanged | error | skip
    problems: list[str] = field(default_factory=list)
    change: str = ""  # what an update changes, 47000人 → 47118人
    note: str = ""  # why a row is left out

    def as_dict(self) -> dict:
        values = asdict(self)
        values["value"] = None if self.value is None else str(self.value)
        return values

    @classmethod
    def from_dict(cls, data: dict) -> ResultLine:
        values = dict(data)
        values["value"] = None if data.get("value") is None else Decimal(data["value"])
        return cls(**values)

    @property
    def label(self) -> str:
        return RESULT_STATUS_LABELS[self.status]

    @property
    def importable(self) -> bool:
        return self.status in ("create", "update", "unchanged")


@dataclass
class ResultsCheck:
    lines: list[ResultLine]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def line_key(sheet: str, row: int) -> str:
    return f"{sheet}!{row}"


def check_results(
    sheets: list[LedgerSheet], *, city: Region, choices: dict[str, int] | None = None
) -> ResultsCheck:
    """Every row of the results sheets, checked and compared with the city's recorded results.
    choices: the admin's indicator for a row (by line_key), LEAVE_OUT to leave it out."""
    choices = choices or {}
    indicators, by_name = Indicator.objects.in_bulk(), Indicator.objects.by_name()
    cities: dict[str, int | None] = {}  # a city as the file names it → its id, looked up once
    lines: list[ResultLine] = []
    problems: list[Problem] = []
    seen: dict[tuple[int, int], int] = {}
    for sheet in sheets:
        for row in sheet.rows:
            line, line_problems = _check_row(
                row, sheet, city=city, cities=cities, indicators=indicators, by_name=by_name, choices=choices
            )
            if line.indicator_id and line.year and not line_problems:
                earlier = seen.setdefault((line.indicator_id, line.year), row.number)
                if earlier != row.number:
                    line_problems.append(
                        Problem(Place(sheet.name, row.number, row.column("indicator"), "indicator"),
                                f"与第{earlier}行重复（同一指标、同一年份只能有一个结果）")
                    )
            if line_problems:
                line.status = "error"
                line.problems = [p.beside_row() for p in line_problems]
                problems += line_problems
            lines.append(line)
    _compare(lines, city)
    return ResultsCheck(lines, problems)


def _check_row(
    row: LedgerRow, sheet: LedgerSheet, *, city: Region, cities: dict[str, int | None],
    indicators: dict[int, Indicator], by_name: dict[str, int], choices: dict[str, int],
) -> tuple[ResultLine, list[Problem]]:
    def place(name: str) -> Place:
        return Place(sheet.name, row.number, row.column(name), name)

    key = line_key(sheet.name, row.number)
    indicator_text = row.get("indicator")
    figure = row.get("result")
    phrase = row.get("phrase") or f"{row.get('year')}{indicator_text}{figure}"
    quantity = parse_result_value(figure) if figure else None
    line = ResultLine(
        key=key, sheet=sheet.name, row=row.number, indicator_text=indicator_text, indicator_id=None,
        indicator_name="", year=None, figure=figure, value=quantity.value if quantity else None,
        unit=quantity.unit if quantity else "", phrase=phrase[:PHRASE_LENGTH],
    )
    chosen = choices.get(key)
    indicator_id = by_name.get(indicator_text.strip()) if chosen is None else chosen
    if indicator_id and indicator_id not in indicators:
        indicator_id = None  # an indicator deleted since the choice was made
    if not indicator_id:
        if chosen == LEAVE_OUT:
            line.note = "已选择不导入"
        elif indicator_text:
            line.note = f"指标库中没有“{indicator_text}”：请选择它对应的指标，或不导入"
        else:
            line.note = "没有填写指标：请选择对应的指标，或不导入"
        return line, []
    indicator = indicators[indicator_id]
    line.indicator_id, line.indicator_name = indicator.pk, indicator.name

    problems = []
    for name, cell in row.cells.items():
        if cell.error:
            problems.append(Problem(place(name), cell.error))
    city_text = row.get("city")
    if city_text and _city_id(city_text, cities) != city.pk:
        problems.append(Problem(place("city"), f"结果属于“{city_text}”，与导入的城市“{city.name}”不符"))
    year_text = row.get("year")
    match = YEAR_RE.match(year_text)
    if not year_text:
        problems.append(Problem(place("year"), "没有填写年份"))
    elif not match or not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
        problems.append(Problem(place("year"), f"年份“{year_text}”应为四位数的年份，如 2019"))
    else:
        line.year = int(match[1])
    if not figure:
        problems.append(Problem(place("result"), "没有填写结果"))
    elif quantity is None:
        problems.append(Problem(place("result"), f"结果“{figure}”中没有数值和计量单位（如 47118人、2.12%）"))
    elif not same_unit(quantity.unit, indicator.unit):
        problems.append(
            Problem(place("result"),
                    f"结果“{figure}”的计量单位是“{quantity.unit}”，指标“{indicator.name}”的计量单位是“{indicator.unit}”")
        )
    return line, problems


def same_unit(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in SAME_UNITS)


def _city_id(text: str, cities: dict[str, int | None]) -> int | None:
    if text not in cities:
        try:
            cities[text] = Region.objects.get_city(text).pk
        except Region.DoesNotExist:
            cities[text] = None
    return cities[text]


def _compare(lines: list[ResultLine], city: Region) -> None:
    keyed = [line for line in lines if line.status != "error" and line.indicator_id and line.year]
    existing = {
        (r.indicator_id, r.year): r
        for r in RecordedResult.objects.filter(city=city, indicator_id__in={line.indicator_id for line in keyed})
    }
    for line in keyed:
        recorded = existing.get((line.indicator_id, line.year))
        if recorded is None:
            line.status = "create"
        elif recorded.value == line.value and recorded.unit == line.unit:
            line.status = "unchanged"
        else:
            line.status = "update"
            line.change = f"{plain_number(recorded.value)}{recorded.unit} → {plain_number(line.value)}{line.unit}"


def results_write(lines: list[ResultLine], *, city: Region, source_document: str = "") -> Counter:
    """Write the importable lines as the city's recorded results: how many were created,
    updated and left unchanged. Call inside the import's transaction."""
    done: Counter = Counter()
    for line in lines:
        if not line.importable:
            continue
        if line.status == "unchanged":
            done["unchanged"] += 1
            continue
        _result, created = RecordedResult.objects.update_or_create(
            indicator_id=line.indicator_id,
            city=city,
            year=line.year,
            defaults={"value": line.value, "unit": line.unit, "phrase": line.phrase,
                      "source_document": source_document[:200]},
        )
        done["created" if created else "updated"] += 1
    return done

"""Turn read rows into a draft ledger, naming every problem by sheet, row and column.

Lookups (units, programmes, indicators) are loaded once per file; nothing is written here.
The preview an admin sees is this layer's output.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from indicators.models import Indicator, IndicatorAlias
from indicators.parsing import ParsedTarget, PlanContext, parse_targets, strip_quotes
from tasks.models import Programme
from units.models import Region, Unit, UnitAlias

from .read import FIELD_LABELS, LedgerRow, LedgerSheet

CHINESE_NUMERALS = "一二三四五六七八九十"
SECTION_NUMBER_RE = re.compile(rf"^[(（]?([{CHINESE_NUMERALS}]+)[)）]?[、.．]?\s*(.*)$", re.S)
TASK_NUMBER_RE = re.compile(r"^\s*(\d+)\s*[.．、]?\s*(.*)$", re.S)
UNIT_SEPARATORS = "、，,；;/／\n"
COLLECTIVE_UNITS = {
    "各镇街": Unit.Kind.TOWN,
    "各镇(街)": Unit.Kind.TOWN,
    "各镇（街）": Unit.Kind.TOWN,
    "各镇区": Unit.Kind.TOWN,
    "各区": Unit.Kind.DISTRICT,
    "各市(区)": Unit.Kind.DISTRICT,
    "各市（区）": Unit.Kind.DISTRICT,
    "各县(市、区)": Unit.Kind.DISTRICT,
    "各县（市、区）": Unit.Kind.DISTRICT,
}


@dataclass(frozen=True)
class Place:
    sheet: str
    row: int
    column: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = f"工作表“{self.sheet}”第{self.row}行"
        if self.column:
            where += f"{self.column}列"
        if self.field:
            where += f"（{FIELD_LABELS.get(self.field, self.field)}）"
        return where


@dataclass(frozen=True)
class Problem:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}"


@dataclass
class DraftTarget:
    parsed: ParsedTarget
    indicator_id: int | None


@dataclass
class DraftMeasure:
    seq: int
    text: str
    deadline_text: str
    deadline: date | None
    recurring: bool
    lead_ids: list[int]
    support_ids: list[int]
    targets: list[DraftTarget]
    place: Place


@dataclass
class DraftSection:
    seq: int
    number: str
    title: str


@dataclass
class DraftTask:
    number: int
    title: str
    programme_id: int | None
    section_seq: int | None
    measures: list[DraftMeasure] = field(default_factory=list)
    place: Place | None = None


@dataclass
class LedgerDraft:
    sections: list[DraftSection] = field(default_factory=list)
    tasks: list[DraftTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unknown_units: dict[str, list[Place]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def measures(self) -> list[DraftMeasure]:
        return [measure for task in self.tasks for measure in task.measures]

    @property
    def target_count(self) -> int:
        return sum(len(measure.targets) for measure in self.measures)


class UnitDirectory:
    """The units of a city (and of its districts and towns) by name and alias."""

    def __init__(self, city: Region):
        region_ids = list(
            Region.objects.filter(pk=city.pk).values_list("pk", flat=True)
        ) + list(Region.objects.filter(parent=city).values_list("pk", flat=True))
        units = list(Unit.objects.filter(region_id__in=region_ids).values_list("pk", "name", "kind"))
        self.by_name = {self.key(name): pk for pk, name, _kind in units}
        for alias, unit_id in UnitAlias.objects.filter(region_id__in=region_ids).values_list("name", "unit_id"):
            self.by_name.setdefault(self.key(alias), unit_id)
        self.by_kind: dict[str, list[int]] = {}
        for pk, _name, kind in units:
            self.by_kind.setdefault(kind, []).append(pk)

    @staticmethod
    def key(name: str) -> str:
        return re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")

    def resolve(self, name: str) -> list[int] | None:
        key = self.key(name)
        if key in self.by_name:
            return [self.by_name[key]]
        for collective, kind in COLLECTIVE_UNITS.items():
            if key == self.key(collective):
                return list(self.by_kind.get(kind, [])) or None
        return None


def split_units(text: str) -> list[str]:
    """Names in one cell, separated by 、，,；/ or line breaks, but not inside brackets."""
    names, current, depth = [], "", 0
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if char in UNIT_SEPARATORS and depth == 0:
            names.append(current)
            current = ""
        else:
            current += char
    names.append(current)
    return [name.strip() for name in names if name.strip()]


def parse_deadline(text: str, year_start: int, year_end: int) -> tuple[date | None, bool]:
    """完成时限 → (deadline, recurring). Raises ValueError when it is neither a date nor a period."""
    text = (text or "").strip()
    plan_end = date(year_end, 12, 31)
    if not text:
        return plan_end, False
    if text in {"每年", "每年度", "年度"} or text.startswith("每年"):
        return plan_end, True
    if any(word in text for word in ("长期", "持续")):
        return plan_end, False
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text), False
    span = re.fullmatch(r"(\d{4})\s*[—\-–~至到]+\s*(\d{4})年?", text)
    if span:
        return date(int(span.group(2)), 12, 31), False
    month = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?(?:底|前|底前|以前)?", text)
    if month:
        year, mon = int(month.group(1)), int(month.group(2))
        if not 1 <= mon <= 12:
            raise ValueError(f"“{text}”中的月份不存在")
        day = int(month.group(3)) if month.group(3) else calendar.monthrange(year, mon)[1]
        return date(year, mon, day), False
    year_only = re.fullmatch(r"(?:到|至)?(\d{4})年(?:底|末)?(?:前|以前)?", text)
    if year_only:
        return date(int(year_only.group(1)), 12, 31), False
    half = re.fullmatch(r"(\d{4})年(上半年|下半年)", text)
    if half:
        year = int(half.group(1))
        return (date(year, 6, 30) if half.group(2) == "上半年" else date(year, 12, 31)), False
    raise ValueError(f"“{text}”既不是日期也不是期限（可写“2024年12月”“2024年6月30日”“每年”“2023—2027年”）")


class IndicatorCatalogue:
    """Links a target phrase to the indicator whose name or alias is its longest substring."""

    def __init__(self):
        names = list(Indicator.objects.values_list("name", "pk"))
        names += list(IndicatorAlias.objects.values_list("name", "indicator_id"))
        self.names = sorted(((strip_quotes(name), pk) for name, pk in names), key=lambda item: -len(item[0]))

    def match(self, phrase: str) -> int | None:
        text = strip_quotes(phrase)
        for name, pk in self.names:
            if name and name in text:
                return pk
        return None


def validate_ledger(
    sheet: LedgerSheet,
    *,
    city: Region,
    year_start: int,
    year_end: int,
    default_programme: Programme | None = None,
) -> LedgerDraft:
    draft = LedgerDraft()
    units = UnitDirectory(city)
    programmes = {name: pk for pk, name in Programme.objects.values_list("pk", "name")}
    catalogue = IndicatorCatalogue()
    has_support_column = "support" in sheet.columns
    seen_rows: dict[tuple, int] = {}
    task: DraftTask | None = None
    section_seq = None

    def problem(row: LedgerRow, field_name: str, message: str) -> None:
        draft.problems.append(Problem(Place(row.sheet, row.number, row.column(field_name), field_name), message))

    for row in sheet.rows:
        section = _section_of(row)
        if section:
            section_seq = len(draft.sections) + 1
            draft.sections.append(DraftSection(section_seq, section[0], section[1]))
            task = None
            continue
        measure_text = row.get("measure")
        if not measure_text:
            problem(row, "measure", "这一行没有工作措施")
            continue
        signature = tuple(cell.value for cell in row.cells.values())
        if signature in seen_rows:
            problem(row, "measure", f"与第{seen_rows[signature]}行完全重复")
            continue
        seen_rows[signature] = row.number

        seq_text, title_text = row.get("seq"), row.get("task")
        number = _task_number(seq_text, title_text)
        title = TASK_NUMBER_RE.sub(r"\2", title_text).strip().rstrip("。") if title_text else ""
        if task is None or (number is not None and number != task.number) or (
            number is None and title and title != task.title
        ):
            if number is None:
                number = (task.number + 1) if task else 1
            if not title:
                problem(row, "task", "任务名称为空")
                continue
            programme_name = row.get("programme")
            programme_id = programmes.get(programme_name) if programme_name else (
                default_programme.pk if default_programme else None
            )
            if programme_id is None:
                problem(
                    row,
                    "programme",
                    f"专项“{programme_name}”不存在" if programme_name else "任务没有指定专项",
                )
            task = DraftTask(number, title, programme_id, section_seq, place=Place(row.sheet, row.number))
            draft.tasks.append(task)

        lead_names = split_units(row.get("lead"))
        support_names = split_units(row.get("support"))
        if not has_support_column and len(lead_names) > 1:
            lead_names, support_names = lead_names[:1], lead_names[1:]
        if not lead_names:
            problem(row, "lead", "工作措施没有责任单位")
        lead_ids = _resolve(units, lead_names, row, "lead", draft)
        support_ids = [uid for uid in _resolve(units, support_names, row, "support", draft) if uid not in lead_ids]

        try:
            deadline, recurring = parse_deadline(row.get("deadline"), year_start, year_end)
        except ValueError as exc:
            problem(row, "deadline", str(exc))
            deadline, recurring = None, False

        targets: list[DraftTarget] = []
        target_text = row.get("targets")
        if target_text:
            parsed = parse_targets(target_text, PlanContext(year_start, year_end, deadline))
            for message in parsed.problems:
                problem(row, "targets", message)
            for target in parsed.targets:
                indicator_id = catalogue.match(target.phrase)
                if indicator_id is None:
                    draft.warnings.append(
                        Problem(
                            Place(row.sheet, row.number, row.column("targets"), "targets"),
                            f"目标“{target.phrase}”未对应到已有指标，将不参与跨城市比较",
                        )
                    )
                targets.append(DraftTarget(target, indicator_id))
        task.measures.append(
            DraftMeasure(
                seq=len(task.measures) + 1,
                text=measure_text,
                deadline_text=row.get("deadline"),
                deadline=deadline,
                recurring=recurring,
                lead_ids=lead_ids,
                support_ids=support_ids,
                targets=targets,
                place=Place(row.sheet, row.number),
            )
        )
    numbers = [t.number for t in draft.tasks]
    for duplicate in sorted({n for n in numbers if numbers.count(n) > 1}):
        places = "、".join(str(t.place.row) for t in draft.tasks if t.number == duplicate)
        draft.problems.append(Problem(Place(sheet.name, draft.tasks[0].place.row), f"任务序号{duplicate}出现多次（第{places}行）"))
    return draft


def _section_of(row: LedgerRow) -> tuple[str, str] | None:
    """A section row: its 序号 is a Chinese numeral, or the row is one text merged across."""
    seq = row.get("seq")
    values = {cell.value for cell in row.cells.values() if cell.value}
    if seq and not seq[0].isdigit():
        match = SECTION_NUMBER_RE.match(seq)
        if match:
            title = match.group(2).strip() or row.get("task")
            if len(values - {seq}) <= 1:
                return match.group(1), title.rstrip("。")
    if len(values) == 1 and not row.get("lead"):
        (text,) = values
        match = SECTION_NUMBER_RE.match(text)
        if match and match.group(2):
            return match.group(1), match.group(2).strip().rstrip("。")
    return None


def _task_number(seq_text: str, title_text: str) -> int | None:
    for text in (seq_text, title_text):
        match = TASK_NUMBER_RE.match(text or "")
        if match:
            return int(match.group(1))
    return None


def _resolve(units: UnitDirectory, names: list[str], row: LedgerRow, field_name: str, draft: LedgerDraft) -> list[int]:
    ids: list[int] = []
    for name in names:
        resolved = units.resolve(name)
        if resolved is None:
            draft.unknown_units.setdefault(name, []).append(Place(row.sheet, row.number, row.column(field_name), field_name))
            draft.problems.append(
                Problem(Place(row.sheet, row.number, row.column(field_name), field_name), f"单位“{name}”不存在，请先对应到已有单位或新建")
            )
            continue
        ids.extend(uid for uid in resolved if uid not in ids)
    return ids

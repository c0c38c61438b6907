"""Turn read rows into a draft ledger, naming every problem by sheet, row and column.

Lookups (units, programmes, indicators) are loaded once per file; nothing is written here.
The preview an admin sees is this layer's output. Every problem belongs to a row (or to the
task a row opens), so that the admin may choose to import only the good rows.
"""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from django.utils.translation import gettext as _

from indicators.models import Indicator, IndicatorAlias
from indicators.parsing import ParsedTarget, PlanContext, parse_targets, plain_number, strip_quotes
from tasks.models import Programme
from units.collectives import collective_kind
from units.models import Region, Unit, UnitAlias

from ..programmes import UNCLASSIFIED_NAME, suggest_programme
from .grouping import TaskLayout, task_layout, task_number_of, task_title
from .qualitative import countable, read_target_cell
from .read import FIELD_LABELS, INFORMATIONAL_FIELDS, RESULT_FIELD_LABELS, LedgerRow, LedgerSheet, serial_date

CHINESE_NUMERALS = "一二三四五六七八九十"
SECTION_NUMBER_RE = re.compile(rf"^[(（]?([{CHINESE_NUMERALS}百千零]+)[)）]?[、.．]?\s*(.*)$", re.S)
DIGITS_RE = re.compile(r"\d+(?:\.\d+)?")
NOTE_RE = re.compile(r"^\s*(注|备注|说明|填表说明|填报说明|附注|填表人|审核人|联系人|制表)\s*[:：]")
UNIT_SEPARATORS = "、，,；;/／\n"


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
            where += f"（{FIELD_LABELS.get(self.field) or RESULT_FIELD_LABELS.get(self.field, self.field)}）"
        return where


@dataclass(frozen=True)
class Problem:
    place: Place
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}"

    def beside_row(self) -> str:
        """The problem as a preview shows it beside its row: the column and field, not the row again."""
        where = self.place.column + "列" if self.place.column else ""
        field = self.place.field
        label = FIELD_LABELS.get(field) or RESULT_FIELD_LABELS.get(field, "") if field else ""
        prefix = f"{where}（{label}）" if where and label else where
        return f"{prefix}：{self.message}" if prefix else self.message


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
    problems: list[Problem] = field(default_factory=list)
    units_text: str = ""  # the unit names as the file gives them, for the preview
    goal: str = ""  # the target cell's lines with no quantity: a qualitative goal


@dataclass
class DraftSection:
    seq: int
    number: str
    title: str
    place: Place | None = None


@dataclass
class DraftTask:
    number: int
    title: str
    programme_id: int | None
    section_seq: int | None
    measures: list[DraftMeasure] = field(default_factory=list)
    place: Place | None = None
    problems: list[Problem] = field(default_factory=list)
    programme_suggested: bool = False  # not the file's 专项: the classifier's, for the admin to confirm


@dataclass
class LedgerDraft:
    sections: list[DraftSection] = field(default_factory=list)
    tasks: list[DraftTask] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    unknown_units: dict[str, list[Place]] = field(default_factory=dict)
    new_collectives: dict[int, tuple[str, str]] = field(default_factory=dict)  # see UnitDirectory
    layout: TaskLayout | None = None
    # Filled by without_bad_rows(): what the file holds but this import leaves alone.
    skipped_measures: set[tuple[int, int]] = field(default_factory=set)
    skipped_tasks: set[int] = field(default_factory=set)
    skipped_problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def measures(self) -> list[DraftMeasure]:
        return [measure for task in self.tasks for measure in task.measures]

    @property
    def target_count(self) -> int:
        return sum(len(measure.targets) for measure in self.measures)

    @property
    def error_rows(self) -> set[int]:
        return {problem.place.row for problem in self.problems}

    def without_bad_rows(self) -> LedgerDraft:
        """The rows that can be written, for an admin who chose to skip the others. A task
        with a problem is skipped with all its measures; rows it leaves out are not flagged
        as missing, and what they hold in the database stays as it is."""
        tasks, skipped_measures, skipped_tasks = [], set(), set()
        for task in self.tasks:
            if task.problems:
                skipped_tasks.add(task.number)
                continue
            good = [m for m in task.measures if not m.problems]
            skipped_measures |= {(task.number, m.seq) for m in task.measures if m.problems}
            tasks.append(replace(task, measures=good))
        return replace(
            self,
            tasks=tasks,
            problems=[],
            skipped_measures=skipped_measures,
            skipped_tasks=skipped_tasks,
            skipped_problems=list(self.problems),
        )


# A unit chosen for creation in the preview has no id yet: it stands in with a negative one.
UnitOverrides = dict[str, int]
NEW_COLLECTIVE_IDS = -1_000_000  # placeholders of collectives to create count down from here


class UnitDirectory:
    """The units of a city (and of its districts and towns) by name and alias."""

    def __init__(self, city: Region, overrides: UnitOverrides | None = None):
        region_ids = [city.pk, *Region.objects.filter(parent=city).values_list("pk", flat=True)]
        units = list(Unit.objects.filter(region_id__in=region_ids).values_list("pk", "name", "kind"))
        self.by_name = {self.key(name): pk for pk, name, _kind in units}
        for alias, unit_id in UnitAlias.objects.filter(region_id__in=region_ids).values_list("name", "unit_id"):
            self.by_name.setdefault(self.key(alias), unit_id)
        for name, unit_id in (overrides or {}).items():
            self.by_name[self.key(name)] = unit_id
        self._resolved: dict[str, list[int] | None] = {}
        # A collective name (各镇街) the city has not used yet: created when the ledger is
        # written; until then it stands in with a negative id of its own.
        self.new_collectives: dict[int, tuple[str, str]] = {}  # placeholder → (name, member kind)

    @staticmethod
    def key(name: str) -> str:
        return re.sub(r"\s", "", name).replace("（", "(").replace("）", ")")

    def resolve(self, name: str) -> list[int] | None:
        if name not in self._resolved:
            self._resolved[name] = self._resolve(name)
        found = self._resolved[name]
        return list(found) if found is not None else None

    def _resolve(self, name: str) -> list[int] | None:
        key = self.key(name)
        if key in self.by_name:
            return [self.by_name[key]]
        kind = collective_kind(name)
        if kind is None:
            return None
        # One responsibility for the whole collective, whose members are found when read.
        placeholder = NEW_COLLECTIVE_IDS - len(self.new_collectives)
        self.new_collectives[placeholder] = (name.strip(), kind)
        self.by_name[key] = placeholder
        return [placeholder]


def split_units(text: str) -> list[str]:
    """Names in one cell, separated by 、，,；/ or line breaks, but not inside brackets."""
    return list(_split_units(text))


@functools.lru_cache(maxsize=8192)
def _split_units(text: str) -> tuple[str, ...]:
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
    return tuple(name.strip() for name in names if name.strip())


RANGE_SEPARATORS = "—–~～至到"
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
DEADLINE_HINT = "可写“2024年12月”“2024年6月30日”“2024-06-30”“每年”“2023—2027年”"


@functools.lru_cache(maxsize=4096)
def parse_deadline(text: str, year_start: int, year_end: int) -> tuple[date | None, bool]:
    """完成时限 → (deadline, recurring). Raises ValueError when it is neither a date nor a period."""
    original = (text or "").strip()
    text = unicodedata.normalize("NFKC", original).replace(" ", "")
    plan_end = date(year_end, 12, 31)
    if not text:
        return plan_end, False
    if text.startswith(("每年", "每季", "每月", "每半年")) or text in {"年度", "每年度", "逐年"}:
        return plan_end, True
    if any(word in text for word in ("长期", "持续", "常态化", "全年", "年内", "贯穿全年")) and not re.search(r"\d{4}", text):
        return plan_end, False
    text = serial_date(text)  # an Excel date serial that lost its date format
    text = re.sub(r"(之前|以前|前|完成|止)$", "", text)
    single = _single_deadline(text, year_start, year_end)
    if single:
        return _checked(single, original), False
    # A span (2023—2027年, 2024年6月至12月, 2024.3-2024.6): it ends where its last part ends.
    parts = [p for p in re.split(rf"[{RANGE_SEPARATORS}]+|(?<=年|月|日)-|-(?=\d{{4}})", text) if p]
    if len(parts) == 2:
        first_year = re.match(r"(\d{4})", parts[0])
        last = parts[1]
        if first_year and not re.match(r"\d{4}", last):
            last = f"{first_year.group(1)}年{last}"
        end = _single_deadline(last, year_start, year_end)
        if end:
            return _checked(end, original), False
    raise ValueError(f"“{original}”既不是日期也不是期限（{DEADLINE_HINT}）")


def _checked(value: date, original: str) -> date:
    if not 2000 <= value.year <= 2100:
        raise ValueError(f"“{original}”的年份{value.year}不合理（{DEADLINE_HINT}）")
    return value


def _month_end(year: int, month: int, original: str) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"“{original}”中的月份不存在")
    return date(year, month, calendar.monthrange(year, month)[1])


def _single_deadline(text: str, year_start: int, year_end: int) -> date | None:
    text = re.sub(r"(底|末|中旬|上旬|下旬)$", "", text)
    numeric = re.fullmatch(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?", text)
    dated = re.fullmatch(r"(\d{4})年(\d{1,2})月(?:(\d{1,2})[日号])?", text)
    for match in (numeric, dated):
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if match.group(3):
                try:
                    return date(year, month, int(match.group(3)))
                except ValueError:
                    raise ValueError(f"“{text}”不是存在的日期") from None
            return _month_end(year, month, text)
    year_only = re.fullmatch(r"(?:到|至|截至)?(\d{4})年?(?:年底|年末)?", text)
    if year_only:
        return date(int(year_only.group(1)), 12, 31)
    half = re.fullmatch(r"(\d{4})年?(上半年|下半年)", text)
    if half:
        year = int(half.group(1))
        return date(year, 6, 30) if half.group(2) == "上半年" else date(year, 12, 31)
    quarter = re.fullmatch(r"(\d{4})年?(?:第)?([一二三四1-4])季度|(\d{4})年?Q([1-4])", text, re.I)
    if quarter:
        year = int(quarter.group(1) or quarter.group(3))
        return _month_end(year, QUARTERS[quarter.group(2) or quarter.group(4)] * 3, text)
    # No year written (6月底, 年底, 三季度): only an annual plan says which year is meant.
    if year_start == year_end:
        month = re.fullmatch(r"(\d{1,2})月(?:(\d{1,2})[日号])?", text)
        if month:
            if month.group(2):
                try:
                    return date(year_end, int(month.group(1)), int(month.group(2)))
                except ValueError:
                    raise ValueError(f"“{text}”不是存在的日期") from None
            return _month_end(year_end, int(month.group(1)), text)
        if text in {"年底", "年末", "年内", "全年", "上半年", "下半年"}:
            return date(year_end, 6, 30) if text == "上半年" else date(year_end, 12, 31)
        quarter = re.fullmatch(r"(?:第)?([一二三四1-4])季度", text)
        if quarter:
            return _month_end(year_end, QUARTERS[quarter.group(1)] * 3, text)
    return None


class IndicatorCatalogue:
    """Links a target phrase to the indicator whose name or alias is its longest substring."""

    def __init__(self):
        names = list(Indicator.objects.values_list("name", "pk"))
        names += list(IndicatorAlias.objects.values_list("name", "indicator_id"))
        # Longest first; of two names as long, the first listed wins (indicators before aliases).
        self.names = sorted(((strip_quotes(name), pk) for name, pk in names), key=lambda item: -len(item[0]))
        self._by_name: dict[str, int] = {}
        self._order: dict[str, int] = {}
        for index, (name, pk) in enumerate(self.names):
            if name and name not in self._by_name:
                self._by_name[name], self._order[name] = pk, index
        # One pass over the phrase: at each position, the longest name starting there (the
        # lookahead lets names overlap), instead of a scan of every name for every target.
        alternatives = "|".join(re.escape(name) for name in sorted(self._by_name, key=len, reverse=True))
        self._pattern = re.compile(f"(?=({alternatives}))") if alternatives else None
        self._digits_in_names = any(DIGITS_RE.search(name) for name in self._by_name)
        self._cache: dict[str, int | None] = {}

    def match(self, phrase: str) -> int | None:
        if self._pattern is None:
            return None
        # The figures of a phrase never decide its indicator (no name holds a digit): phrases
        # that differ only in their numbers are looked up once.
        key = phrase if self._digits_in_names else DIGITS_RE.sub("0", phrase)
        if key not in self._cache:
            found = [m.group(1) for m in self._pattern.finditer(strip_quotes(phrase))]
            self._cache[key] = (
                self._by_name[min(found, key=lambda name: (-len(name), self._order[name]))] if found else None
            )
        return self._cache[key]


def validate_ledger(
    sheet: LedgerSheet,
    *,
    city: Region,
    year_start: int,
    year_end: int,
    default_programme: Programme | None = None,
    unit_overrides: UnitOverrides | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> LedgerDraft:
    draft = LedgerDraft()
    header_place = Place(sheet.name, sheet.header_row)
    for missing in sheet.missing_fields:
        draft.problems.append(
            Problem(header_place, f"表头中没有“{FIELD_LABELS[missing]}”列：请把表头中对应的列名对应到“{FIELD_LABELS[missing]}”")
        )
    if "measure" not in sheet.columns:
        return draft
    if "targets" not in sheet.columns:
        draft.warnings.append(Problem(header_place, "表中没有“目标指标”列：目标从工作措施原文中识别，请逐条核对"))
    units = UnitDirectory(city, unit_overrides)
    programmes = {name: pk for pk, name in Programme.objects.values_list("pk", "name")}
    catalogue = IndicatorCatalogue()
    has_support_column = "support" in sheet.columns
    seen_rows: dict[tuple, int] = {}
    task: DraftTask | None = None
    tasks_by_key: dict[tuple, DraftTask] = {}
    unclassified: list[DraftTask] = []
    layout = task_layout(
        [row for row in sheet.rows if row.get("measure") and not _section_of(row) and not _is_note(row)],
        has_task_column="task" in sheet.columns,
    )
    draft.layout = layout
    if not layout.has_task_column:
        draft.warnings.append(Problem(header_place, layout.description))
    section_seq = None

    def place(row: LedgerRow, field_name: str = "") -> Place:
        return Place(row.sheet, row.number, row.column(field_name) if field_name else "", field_name)

    def problem(row: LedgerRow, field_name: str, message: str, owner=None) -> None:
        found = Problem(place(row, field_name), message)
        draft.problems.append(found)
        if owner is not None:
            owner.problems.append(found)

    for index, row in enumerate(sheet.rows):
        if on_progress and index % 1000 == 0:
            on_progress(index, len(sheet.rows))
        section = _section_of(row)
        if section:
            section_seq = len(draft.sections) + 1
            draft.sections.append(DraftSection(section_seq, section[0], section[1], place(row)))
            task = None
            continue
        if _is_note(row):
            draft.warnings.append(Problem(place(row), "这一行是说明文字，已跳过"))
            continue
        measure_text = row.get("measure")
        if not measure_text:
            cell = row.cells.get("measure")
            problem(row, "measure", cell.error if cell and cell.error else "这一行没有工作措施")
            continue
        signature = tuple((name, cell.value) for name, cell in row.cells.items())
        if signature in seen_rows:
            problem(row, "measure", f"与第{seen_rows[signature]}行完全重复")
            continue
        seen_rows[signature] = row.number

        task = _task_for(row, layout, task, tasks_by_key, draft, section_seq)
        if task.place is None:
            task.place = place(row)
            programme_name = row.get("programme")
            if programme_name:
                task.programme_id = programmes.get(programme_name)
                if task.programme_id is None:
                    problem(row, "programme", f"专项“{programme_name}”不存在", task)
            else:
                unclassified.append(task)  # suggested once its measures are all read
            if not task.title:
                problem(row, "task", "任务名称为空", task)
            for name in ("seq", "task", "programme"):
                if row.cells.get(name) and row.cells[name].error:
                    problem(row, name, row.cells[name].error, task)

        measure = DraftMeasure(
            seq=len(task.measures) + 1,
            text=measure_text,
            deadline_text=row.get("deadline"),
            deadline=None,
            recurring=False,
            lead_ids=[],
            support_ids=[],
            targets=[],
            place=place(row),
        )
        task.measures.append(measure)
        for name, cell in row.cells.items():
            if cell.error and name not in ("seq", "task", "programme", *INFORMATIONAL_FIELDS):
                problem(row, name, cell.error, measure)

        lead_names = split_units(row.get("lead"))
        support_names = split_units(row.get("support"))
        if not has_support_column and len(lead_names) > 1:
            lead_names, support_names = lead_names[:1], lead_names[1:]
        measure.units_text = "、".join(lead_names) + (f"（配合：{'、'.join(support_names)}）" if support_names else "")
        if not lead_names and not (row.cells.get("lead") and row.cells["lead"].error):
            problem(row, "lead", "工作措施没有责任单位", measure)
        measure.lead_ids = _resolve(units, lead_names, row, "lead", draft, measure)
        measure.support_ids = [
            uid for uid in _resolve(units, support_names, row, "support", draft, measure) if uid not in measure.lead_ids
        ]

        try:
            measure.deadline, measure.recurring = parse_deadline(row.get("deadline"), year_start, year_end)
        except ValueError as exc:
            problem(row, "deadline", str(exc), measure)
        context = PlanContext(year_start, year_end, measure.deadline)
        if "targets" in sheet.columns:
            found = []
            if row.get("targets"):
                cell = read_target_cell(row.get("targets"), context)
                for message in cell.problems:
                    problem(row, "targets", message, measure)
                for message in cell.warnings:
                    draft.warnings.append(Problem(place(row, "targets"), message))
                found, measure.goal = cell.targets, "\n".join(cell.goals)
                for goal in cell.goals:
                    draft.warnings.append(
                        Problem(place(row, "targets"), f"“{goal}”没有数值：作为定性目标保留，按各单位自评判断完成情况")
                    )
        else:
            # No target column: the numbers of the measure's own words are its targets. A
            # sentence without one is an ordinary measure; an approximate one is pointed out.
            parsed = parse_targets(measure_text, context)
            found = countable(parsed.targets)
            for message in parsed.problems:
                if message.code == "approximate":
                    draft.warnings.append(Problem(place(row, "measure"), message))
        for target in found:
            if target.per:
                draft.warnings.append(
                    Problem(
                        place(row, "targets" if "targets" in sheet.columns else "measure"),
                        _("目标“%(phrase)s”按%(per)s设定，登记为全年合计 %(value)s%(unit)s（按年考核）")
                        % {
                            "phrase": target.phrase,
                            "per": _("每季度") if target.per == "quarter" else _("每月"),
                            "value": plain_number(target.value),
                            "unit": target.unit,
                        },
                    )
                )
            indicator_id = catalogue.match(target.phrase)
            if indicator_id is None:
                draft.warnings.append(
                    Problem(
                        place(row, "targets" if "targets" in sheet.columns else "measure"),
                        f"目标“{target.phrase}”未对应到已有指标，将不参与跨城市比较",
                    )
                )
            measure.targets.append(DraftTarget(target, indicator_id))

    _suggest_programmes(draft, unclassified, programmes, default_programme)
    by_number: dict[int, list[DraftTask]] = {}
    for t in draft.tasks:
        by_number.setdefault(t.number, []).append(t)
    for number, same in sorted(by_number.items()):
        if len(same) > 1:
            rows = "、".join(str(t.place.row) for t in same)
            for later in same[1:]:
                found = Problem(replace(later.place, column=sheet.columns.get("seq", ""), field="seq"),
                                f"任务序号{number}出现多次（第{rows}行）")
                draft.problems.append(found)
                later.problems.append(found)
    draft.new_collectives = dict(units.new_collectives)
    return draft


def _is_note(row: LedgerRow) -> bool:
    """A note under the table (注：…, 填表人：…) or one text merged across the whole row."""
    values = [cell.value for cell in row.cells.values() if cell.value]
    if values and NOTE_RE.match(values[0]):
        return True
    return row.width > 2 and len(values) == row.width and len(set(values)) == 1


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


def _suggest_programmes(
    draft: LedgerDraft, tasks: list[DraftTask], programmes: dict[str, int], default_programme: Programme | None
) -> None:
    """专项 is suggested, never demanded of the file: the drafter's classifier on the task's
    words, else the default the importer gave, else 未分类 (a warning) for an admin to assign."""
    sections = {section.seq: section.title for section in draft.sections}
    for task in tasks:
        name = suggest_programme(
            task.title, sections.get(task.section_seq, ""), "".join(m.text for m in task.measures[:20])
        )
        if name in programmes:
            task.programme_id, task.programme_suggested = programmes[name], True
        elif default_programme is not None:
            task.programme_id = default_programme.pk
        else:
            task.programme_id, task.programme_suggested = Programme.objects.unclassified().pk, True
            draft.warnings.append(Problem(
                task.place, f"任务“{task.title}”看不出所属专项，暂归入“{UNCLASSIFIED_NAME}”，请在预览中指定",
            ))


def _task_for(
    row: LedgerRow, layout: TaskLayout, current: DraftTask | None, tasks_by_key: dict[tuple, DraftTask],
    draft: LedgerDraft, section_seq: int | None,
) -> DraftTask:
    """The task a measure row belongs to, opened (with no place yet) when it is new."""
    title = task_title(row)
    number = task_number_of(row, layout)
    if not layout.has_task_column:
        key = ("section", section_seq)
        sections = {s.seq: s.title for s in draft.sections}
        title = sections.get(section_seq, "") or "全部措施"
    elif layout.seq_numbers_tasks and number is not None:
        key = ("number", number)
    elif not title and current is not None:
        return current  # the 任务 cell written once, on the task's first row
    else:
        key = ("title", section_seq, title)
    if key in tasks_by_key:
        return tasks_by_key[key]
    if number is None:
        number = max((t.number for t in draft.tasks), default=0) + 1
    task = DraftTask(number, title, None, section_seq)
    tasks_by_key[key] = task
    draft.tasks.append(task)
    return task


def _resolve(
    units: UnitDirectory, names: list[str], row: LedgerRow, field_name: str, draft: LedgerDraft, measure: DraftMeasure
) -> list[int]:
    ids: list[int] = []
    for name in names:
        resolved = units.resolve(name)
        if resolved is None:
            where = Place(row.sheet, row.number, row.column(field_name), field_name)
            draft.unknown_units.setdefault(name, []).append(where)
            found = Problem(where, f"单位“{name}”不存在，请先对应到已有单位或新建")
            draft.problems.append(found)
            measure.problems.append(found)
            continue
        for uid in resolved:
            if uid not in ids:
                ids.append(uid)
    return ids

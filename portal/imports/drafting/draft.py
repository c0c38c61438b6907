"""From a plan's text to a draft ledger: sections, tasks, measures, units, targets and results.

Pure functions, no database: the draft is a proposal an admin checks in the import preview
(or in Excel). Its layout is the bureau ledger of docs/ledger-format.md, so that the ledger
reader and validator take it exactly as they take a file typed by hand.

How the outline becomes a ledger (each rule follows how the seed ledgers were typed):
- Parts (一、…) that report on the past (2019年工作情况, or everything before
  八、2022年工作计划) give results, not tasks.
- Sections are the heading level just above the items (1. / 一是); a part whose sections
  hold no items (三、保障措施 › (一)加强组织领导) is one section whose sub-sections are tasks;
  a plan with no items at all (中山 2022) has one task per sentence.
- A section's words before its first item are context, except the sentences that set a
  target: they become a first task 总体目标.
- A task's title is its first sentence; each further sentence is a measure.
- (责任单位：A、B，C) names the lead (A) and support units of the measures before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.parsing import PlanContext

from ..ledger.validate import split_units
from .documents import normalise_text, to_simplified
from .extract import (
    FoundResult,
    FoundTarget,
    Skipped,
    past_year,
    reported_year,
    results_in_sentence,
    targets_in_sentence,
)
from .segment import Item, Node, outline, sentence_end, sentences

DEFAULT_LEAD_UNIT = "市人力资源和社会保障局"
GOALS_TITLE = "总体目标"
RESPONSIBILITY_RE = re.compile(r"[(（]\s*(责任单位|牵头单位|责任部门|牵头部门|主责单位)\s*[:：]")
SUPPORT_LABEL_RE = re.compile(r"[;；，,]?\s*(?:配合单位|协办单位|配合部门)\s*[:：]")
RESULT_HEADING_WORDS = ("工作情况", "工作总结", "完成情况", "主要成效", "工作回顾", "主要成绩", "工作成效", "进展情况")
PLAN_HEADING_WORDS = ("计划", "思路", "要点", "安排", "打算", "任务", "措施", "目标", "举措")
GOAL_HEADING_WORDS = ("目标",)
# 专项 suggested from the words of a task; the admin confirms in the preview. Earlier
# programmes win ties: 粤菜师傅 is more telling than 就业.
PROGRAMME_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("粤菜师傅", ("粤菜师傅",)),
    ("南粤家政", ("南粤家政", "家政")),
    ("广东技工", ("广东技工", "技工", "技师学院", "技能人才", "职业技能", "技能", "学徒")),
    ("湾区融通", ("湾区", "港澳", "南沙", "跨境")),
    ("百千万工程", ("百千万", "乡村振兴", "对口帮扶", "帮扶", "镇村", "城乡", "涉农", "返乡")),
    ("数字人社", ("数字", "大数据", "信息化", "互联网+", "一网", "智慧人社", "数据")),
    ("劳动关系", ("劳动关系", "欠薪", "仲裁", "劳动监察", "劳资", "工资", "争议", "维权")),
    ("社会保障", ("社保", "社会保障", "养老", "保险", "基金", "参保", "社会保险", "待遇")),
    ("人才人事", ("人才", "职称", "博士", "事业单位", "人事", "表彰", "人力资源服务", "专家")),
    ("就业创业", ("就业", "创业", "招聘", "零工", "岗位", "见习", "失业")),
    ("综合保障", ("组织领导", "资金保障", "正向激励", "党建", "作风", "政风", "行风", "保障措施", "考核")),
]
DEFAULT_PROGRAMME = "就业创业"
TITLE_END_RE = re.compile(r"(工作方案|工作计划|工作要点|工作思路|实施方案|行动方案|行动计划)$")
HEADING_START_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d)")


@dataclass
class DraftedMeasure:
    text: str
    lead: str
    support: list[str]
    deadline: str
    targets: list[FoundTarget] = field(default_factory=list)
    units_named: bool = False  # the units come from the text, not the default


@dataclass
class DraftedTask:
    title: str
    programme: str
    measures: list[DraftedMeasure] = field(default_factory=list)


@dataclass
class DraftedSection:
    title: str  # "" for tasks that stand under no section
    tasks: list[DraftedTask] = field(default_factory=list)


@dataclass
class Draft:
    city: str
    year_start: int
    year_end: int
    title: str
    sections: list[DraftedSection] = field(default_factory=list)
    results: list[FoundResult] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    # "plan", or "summary" for a document that only reports what was done (its figures are
    # results, it sets no target); notices say so, and what was done to the text.
    kind: str = "plan"
    notices: list[str] = field(default_factory=list)

    @property
    def tasks(self) -> list[DraftedTask]:
        return [task for section in self.sections for task in section.tasks]

    @property
    def measures(self) -> list[DraftedMeasure]:
        return [measure for task in self.tasks for measure in task.measures]

    @property
    def targets(self) -> list[FoundTarget]:
        return [target for measure in self.measures for target in measure.targets]


def draft_from_text(
    text: str,
    *,
    city: str,
    year_start: int,
    year_end: int,
    default_lead: str = DEFAULT_LEAD_UNIT,
    indicator_names: tuple[str, ...] = (),
    title: str = "",
) -> Draft:
    """Propose a ledger for a plan's text. city is the city's name (广州, 中山市); the plan runs
    from year_start to year_end. indicator_names, when given, name the results found."""
    if year_end < year_start:
        raise ValueError("结束年不能早于起始年")
    builder = _Builder(
        city=city.removesuffix("市"),
        context=PlanContext(year_start, year_end),
        default_lead=default_lead,
        indicator_names=tuple(indicator_names),
    )
    text, converted = to_simplified(normalise_text(text))
    document = outline(text)
    draft = Draft(
        city=city.removesuffix("市"),
        year_start=year_start,
        year_end=year_end,
        title=title or plan_title(text, city=city, year_start=year_start, year_end=year_end),
    )
    if converted:
        draft.notices.append(_("原文含繁体字，已转换为简体字后识别（%(n)d 个字）") % {"n": converted})
    if is_summary(text):
        draft.kind = "summary"
        builder.build_summary(document, draft)
        draft.notices.append(
            _("这是一份工作总结：全文只报告已完成的情况，其中的数字列为已完成结果（%(n)d 个），没有生成目标")
            % {"n": len(draft.results)}
        )
    else:
        builder.build(document, draft)
    return draft


SUMMARY_TITLE_RE = re.compile(r"(?:工作总结|工作情况|完成情况|工作报告|总结)")
PLAN_TITLE_RE = re.compile(r"(?:计划|要点|思路|方案|安排|打算|规划|意见|措施)")


def opening(text: str) -> str:
    """The document's title and first lines (before its first numbered heading), up to 400
    characters: where its own years and its nature are stated."""
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if HEADING_START_RE.match(line) and lines:
            break
        lines.append(line)
        if sum(map(len, lines)) >= 400:
            break
    return "\n".join(lines)[:400]


def is_summary(text: str) -> bool:
    """A year-end 总结 (2023年工作总结): its title says so, and no part of it is a plan
    (no heading of 计划/打算/思路/要点, nor of a year after the one it reports)."""
    head = opening(text).split("\n")[0:3]
    title = "".join(head)
    if not SUMMARY_TITLE_RE.search(title) or PLAN_TITLE_RE.search(title.split("总结")[0] if "总结" in title else title):
        return False
    headings = [line.strip() for line in text.split("\n") if HEADING_START_RE.match(line.strip())]
    return not any(any(word in heading for word in ("计划", "打算", "思路", "要点", "安排")) for heading in headings)


def plan_title(text: str, *, city: str, year_start: int, year_end: int) -> str:
    """The plan's own title when its first lines name one (a title wrapped over two lines
    included, not a heading nor the covering notice), else 城市+年份+工作方案."""
    lines = [line.strip() for line in text.split("\n")[:60] if line.strip()]
    candidates = [pair for index in range(len(lines)) for pair in ((lines[index],), tuple(lines[index : index + 2]))]
    for pair in candidates:
        title = "".join(pair)
        if (
            6 <= len(title) <= 100
            and TITLE_END_RE.search(title)
            and not HEADING_START_RE.match(title)
            and "通知" not in title
            and title.count("《") == title.count("》")
        ):
            return title
    period = str(year_start) if year_start == year_end else f"{year_start}—{year_end}"
    return f"{city.removesuffix('市')}市{period}年工作方案"


YEAR_SPAN_RE = re.compile(r"(20\d{2})\s*[—\-–~至到]+\s*(20\d{2})\s*年")
PLAN_YEAR_RE = re.compile(r"(20\d{2})\s*年\s*(?:度)?(?:[^\n，。]{0,20}?)(?:工作计划|工作要点|工作思路|工作方案|工作安排|工作总结|计划|要点|总结)")
# A vision year (到2035年基本实现…) is where a plan looks, not the years it runs.
VISION_YEAR = 2030


def guess_years(text: str) -> tuple[int, int] | None:
    """The period a plan's text is about: a span (2023—2025年) or a plan's year (2024年工作要点)
    in its title and opening first, then in its first pages; else the year its text names most
    often, vision years (2035) left out."""
    text = normalise_text(text)
    for region in (opening(text), text[:3000]):
        for span in YEAR_SPAN_RE.finditer(region):
            first, last = int(span.group(1)), int(span.group(2))
            if first < last and (last < VISION_YEAR or region is not text[:3000]):
                return first, last
        plan_year = PLAN_YEAR_RE.search(region)
        if plan_year:
            return int(plan_year.group(1)), int(plan_year.group(1))
    years = [int(y) for y in re.findall(r"(?<!\d)(20\d{2})\s*年", text) if int(y) < VISION_YEAR]
    if not years:
        return None
    year = max(set(years), key=lambda y: (years.count(y), y))
    return year, year


def guess_programme(task_title: str, section_title: str, measures_text: str) -> str:
    best, best_score = DEFAULT_PROGRAMME, 0
    for programme, keywords in PROGRAMME_KEYWORDS:
        score = sum(
            weight * text.count(keyword)
            for keyword in keywords
            for weight, text in ((6, task_title), (3, section_title), (1, measures_text))
        )
        if score > best_score:
            best, best_score = programme, score
    return best


def split_responsibility(text: str) -> list[tuple[str, list[str] | None]]:
    """A task's text cut at each (责任单位：…): pieces of text with the units named after them.
    The last piece has None when no marker closes it."""
    pieces: list[tuple[str, list[str] | None]] = []
    position = 0
    for match in RESPONSIBILITY_RE.finditer(text):
        if match.start() < position:
            continue
        close = _matching_close(text, match.start())
        inner = text[match.end() : close]
        pieces.append((text[position : match.start()], _unit_names(inner)))
        position = close + 1
    pieces.append((text[position:], None))
    return [(piece, units) for piece, units in pieces if piece.strip() or units]


def _matching_close(text: str, open_index: int) -> int:
    depth = 0
    for index in range(open_index, len(text)):
        if text[index] in "(（":
            depth += 1
        elif text[index] in ")）":
            depth -= 1
            if depth == 0:
                return index
    return len(text)


def _unit_names(inner: str) -> list[str]:
    """A、B，C — or 牵头单位：A；配合单位：B、C — as [lead, support…], brackets kept (各镇(街)),
    split as the ledger import splits a 责任单位 cell."""
    return split_units(SUPPORT_LABEL_RE.sub("、", inner))


class _Builder:
    def __init__(self, *, city: str, context: PlanContext, default_lead: str, indicator_names: tuple[str, ...]):
        self.city = city
        self.context = context
        self.default_lead = default_lead
        self.indicator_names = indicator_names

    # -- the outline, part by part -------------------------------------------------------
    def build(self, document: Node, draft: Draft) -> None:
        self.draft = draft
        parts = document.children if any(child.level == 1 for child in document.children) else [document]
        results_parts = self._results_parts(parts)
        plan_parts = [part for part in parts if all(part is not other for other in results_parts)]
        for part in results_parts:
            self._collect_results(part, year=_heading_year(part.heading) or self.context.year_start - 1)
        has_items = any(node.items for part in plan_parts for node in part.walk())
        for part in plan_parts:
            self._plan_part(part, has_items=has_items)
        for section in draft.sections:
            section.tasks = [task for task in section.tasks if task.measures]
        draft.sections = [section for section in draft.sections if section.tasks]

    def _results_parts(self, parts: list[Node]) -> list[Node]:
        """Parts that report what was done: named so (2019年工作情况, a past year), or standing
        before a part that names this plan's year (八、2022年工作计划)."""
        if len(parts) == 1 and parts[0].level == 0:
            return []
        verdicts = []
        for part in parts:
            year = _heading_year(part.heading)
            if any(word in part.heading for word in RESULT_HEADING_WORDS) or (year and year < self.context.year_start):
                verdicts.append("results")
            elif year and year >= self.context.year_start:
                verdicts.append("plan-of-year")
            elif any(word in part.heading for word in PLAN_HEADING_WORDS):
                verdicts.append("plan")
            else:
                verdicts.append(None)
        last_plan_of_year = max((i for i, v in enumerate(verdicts) if v == "plan-of-year"), default=-1)
        return [
            part
            for index, (part, verdict) in enumerate(zip(parts, verdicts))
            if verdict == "results" or (verdict is None and index < last_plan_of_year)
        ]

    def _plan_part(self, part: Node, *, has_items: bool) -> None:
        sections = [child for child in part.children if child.level == 2]
        if part.level == 0 and not sections and not part.items:
            sections = [part]  # a plan with no headings at all: one untitled section
        if sections and any(section.items for section in sections):
            self._goals_section(part)
            for section in sections:
                drafted = self._section(section.heading, section.text, section.items)
                self.draft.sections.append(drafted)
        elif sections and has_items:
            # 三、保障措施 › (一)加强组织领导。…: the part is the section, its sub-sections the tasks.
            drafted = DraftedSection(part.heading)
            self._goals_into(drafted, part.text)
            for section in sections:
                drafted.tasks.append(self._task(section.heading, section.text, part.heading))
            self.draft.sections.append(drafted)
        elif sections:
            # No items anywhere (中山 2022): each sentence of a section is a task.
            self._goals_section(part)
            for section in sections:
                drafted = DraftedSection(section.heading)
                for sentence, units in self._sentences_with_units(section.text):
                    task = self._sentence_task(sentence, units, section.heading)
                    if task is not None:
                        drafted.tasks.append(task)
                self.draft.sections.append(drafted)
        elif part.items:
            self.draft.sections.append(self._section(part.heading, part.text, part.items))
        elif part.level == 1 and part.text:
            # 一、主要目标: a part of prose, one task of its sentences.
            drafted = DraftedSection(part.heading)
            drafted.tasks.append(self._task(part.heading, part.text, part.heading))
            self.draft.sections.append(drafted)

    def _goals_section(self, part: Node) -> None:
        """A part's own words before its sections, when they set targets (二、主要目标 … as prose)."""
        if part.level == 1 and part.text:
            drafted = DraftedSection(part.heading)
            self._goals_into(drafted, part.text)
            self.draft.sections.append(drafted)

    def _section(self, title: str, intro: str, items: list[Item]) -> DraftedSection:
        drafted = DraftedSection(title)
        self._goals_into(drafted, intro)
        for item in items:
            first = _first_sentence_raw(item.text)
            body = item.text[len(first) :]
            drafted.tasks.append(self._task(item.title, body, title, whole=item.text, first=first))
        return drafted

    def _goals_into(self, section: DraftedSection, intro: str) -> None:
        """The sentences of a section's introduction that set targets, as a task 总体目标."""
        measures = [measure for measure in self._measures(intro) if measure.targets]
        if measures:
            section.tasks.append(
                DraftedTask(GOALS_TITLE, guess_programme(GOALS_TITLE, section.title, "".join(m.text for m in measures)), measures)
            )

    def _task(self, title: str, body: str, section_title: str, *, whole: str = "", first: str = "") -> DraftedTask:
        measures = self._measures(body)
        if measures and first:
            # 1.稳定就业规模，全年城镇新增就业5万人以上。…: the first sentence is the title and,
            # when it sets a target, a measure as well.
            measures = [measure for measure in self._measures(first) if measure.targets] + measures
        if not measures and whole:
            # 一是落实就业创业扶持政策，持续完善…。 — one sentence: it is the measure, its first clause the title.
            measures = self._measures(_first_sentence_raw(whole))
            title = re.split(r"[，,；;]", title, maxsplit=1)[0]
        text = "".join(measure.text for measure in measures)
        return DraftedTask(title, guess_programme(title, section_title, text), measures)

    def _sentence_task(self, sentence: str, units: list[str] | None, section_title: str) -> DraftedTask | None:
        measure = self._measure(sentence, units)
        if measure is None:
            return None
        title = re.split(r"[，,；;]", sentence, maxsplit=1)[0].rstrip("。")
        return DraftedTask(title, guess_programme(title, section_title, sentence), [measure])

    # -- sentences ------------------------------------------------------------------------
    def _sentences_with_units(self, text: str) -> list[tuple[str, list[str] | None]]:
        found = []
        for piece, units in split_responsibility(text):
            for sentence in sentences(piece):
                found.append([sentence, None])
            # The units named after a run of sentences belong to each of them.
            for entry in reversed(found):
                if entry[1] is not None:
                    break
                entry[1] = units
        return [(sentence, units) for sentence, units in found]

    def _measures(self, text: str) -> list[DraftedMeasure]:
        measures = (self._measure(sentence, units) for sentence, units in self._sentences_with_units(text))
        return [measure for measure in measures if measure is not None]

    def _measure(self, sentence: str, units: list[str] | None) -> DraftedMeasure | None:
        """A sentence as a measure with its targets; None when it reports a past year's results
        (2023年全市城镇新增就业5.5万人。), which go to the draft's results instead."""
        year = past_year(sentence, self.context.year_start)
        if year is None and not any(cue in sentence for cue in ("力争", "确保", "目标为")):
            year = reported_year(sentence, self.context.year_start, self.context.year_end)
        if year is not None:
            self.draft.results.extend(self._results(sentence, year))
            return None
        targets, skipped = targets_in_sentence(sentence, self.context)
        self.draft.skipped.extend(skipped)
        names = units or []
        return DraftedMeasure(
            text=sentence,
            lead=names[0] if names else self.default_lead,
            support=names[1:],
            deadline=self._deadline(sentence, targets),
            targets=targets,
            units_named=bool(names),
        )

    def _deadline(self, sentence: str, targets: list[FoundTarget]) -> str:
        """完成时限 as docs/ledger-format.md writes it."""
        start, end = self.context.year_start, self.context.year_end
        by_year = re.search(r"(?:到|至|截至)(\d{4})年|(\d{4})年(?:底|末)?前", sentence)
        if by_year:
            year = int(by_year.group(1) or by_year.group(2))
            if start <= year <= end:
                return f"{year}年12月"
        if start == end:
            return f"{end}年12月"
        if "每年" in sentence or any(t.parsed.kind == "flow_annual" for t in targets):
            return "每年"
        return f"{start}—{end}年"

    def _results(self, sentence: str, year: int) -> list[FoundResult]:
        return results_in_sentence(
            sentence, year=year, city_names=(self.city,), indicator_names=self.indicator_names
        )

    def build_summary(self, document: Node, draft: Draft) -> None:
        """A 总结: every figure of every part is a result of the year it reports."""
        self.draft = draft
        self._collect_results(document, year=self.context.year_end)

    def _collect_results(self, node: Node, *, year: int) -> None:
        for current in node.walk():
            texts = [current.text] + [item.text for item in current.items]
            for text in texts:
                for sentence in sentences(text):
                    self.draft.results.extend(self._results(sentence, _sentence_year(sentence) or year))


def _heading_year(heading: str) -> int | None:
    match = re.search(r"(?<!\d)(20\d{2})\s*年", heading)
    return int(match.group(1)) if match else None


def _sentence_year(sentence: str) -> int | None:
    """A result's own year when its sentence opens with one (2021年共获得…)."""
    match = re.match(r"\s*(20\d{2})\s*年", sentence)
    return int(match.group(1)) if match else None


def _first_sentence_raw(text: str) -> str:
    end = sentence_end(text, 0)
    return text[:end] if end else text

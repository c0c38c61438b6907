"""A target cell read line by line: numeric targets, qualitative goals, and real errors.

A line with no quantity at all (第六届…大赛, 2.0版, 零就业家庭动态清零, 完成省下达任务) is the
measure's qualitative goal, judged by the units' self-assessment: kept, with a warning. 一批 /
若干 / 一系列 are amounts no one can count, never the number 1. What cannot be used as a target
but pretends to be one — 约10万, a number with no unit — stays an error, never a guessed value.
No database here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.parsing import ParsedTarget, PlanContext, parse_targets

VAGUE_RE = re.compile(r"一(批|系列|揽子)")
VAGUE_UNITS = {"批", "系列", "揽子"}
# A number standing alone, with no measure word after it (培训1000, 完成 3.5).
BARE_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?\s*(?=$|[，,。；;、)）\s])")
QUOTED_LINE_RE = re.compile(r"^“(.+?)”中")


@dataclass
class TargetCell:
    targets: list[ParsedTarget] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)  # qualitative goals, as written
    problems: list[str] = field(default_factory=list)  # errors, naming what is wrong
    warnings: list[str] = field(default_factory=list)  # a figureless comparison beside targets


def is_vague(target: ParsedTarget) -> bool:
    """一批 read as 1 批: an amount no one counts."""
    return target.value == 1 and target.unit in VAGUE_UNITS and bool(VAGUE_RE.search(target.phrase))


def countable(targets: list[ParsedTarget]) -> list[ParsedTarget]:
    return [target for target in targets if not is_vague(target)]


def _no_quantity(problem: str) -> bool:
    code = getattr(problem, "code", None)
    return code == "no-quantity" if code else "没有可作为目标的数值" in problem


def read_target_cell(text: str, context: PlanContext) -> TargetCell:
    cell = TargetCell()
    for line in (part.strip() for part in text.split("\n")):
        if not line:
            continue
        parsed = parse_targets(line, context)
        found = countable(parsed.targets)
        cell.targets += found
        vague = len(found) < len(parsed.targets)
        for problem in parsed.problems:
            match = QUOTED_LINE_RE.match(str(problem))
            clause = match.group(1) if match else line
            if getattr(problem, "without_figure", False):
                # 见习岗位总量不低于上年: a goal without a figure; beside targets, a note.
                (cell.goals if problem.blocking else cell.warnings).append(clause if problem.blocking else str(problem))
            elif not _no_quantity(problem):
                cell.problems.append(str(problem))
            elif BARE_NUMBER_RE.search(clause):
                cell.problems.append(f"“{clause}”中的数字没有计量单位，不能作为目标值：请写明单位（如“1000人”），或去掉数字作为定性目标")
            else:
                cell.goals.append(clause)
        if vague and not found and not parsed.problems:
            cell.goals.append(line)
    return cell

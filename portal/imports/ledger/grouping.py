"""How a ledger groups its measures into tasks, read from the file itself.

A task is a distinct value of the 任务 column (merged cells already copied down by the
reader). 序号 is a task number only where it behaves like one: it changes exactly when the
task does, or it is hierarchical (1 / 1.1 / 1.2, the task being the first part). A 序号 that
changes on every row under one task numbers the measures, and says nothing about tasks. A
ledger with no 任务 column groups its measures by section, and the preview says so.
No database here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .read import LedgerRow

HIERARCHICAL_RE = re.compile(r"^\s*(\d+)\s*[.．]\s*\d+")
PLAIN_NUMBER_RE = re.compile(r"^\s*(\d+)\s*[.．、]?\s*$")
TASK_NUMBER_RE = re.compile(r"^\s*(\d+)\s*[.．、]?\s*(.*)$", re.S)


@dataclass(frozen=True)
class TaskLayout:
    has_task_column: bool
    seq_numbers_tasks: bool  # 序号 is the task's number (plain, or the first part of 1.2)
    hierarchical: bool = False

    @property
    def description(self) -> str:
        if not self.has_task_column:
            return "表中没有“任务”列：措施按章节归为任务，请核对任务划分"
        if self.hierarchical:
            return "“序号”是分级编号（1、1.1、1.2）：按第一级编号归为任务"
        if self.seq_numbers_tasks:
            return "“序号”随任务变化：作为任务编号"
        return "“序号”逐行编号：作为措施的编号，任务按“任务”列归并"


def _seq(row: LedgerRow) -> str:
    return unicodedata.normalize("NFKC", row.get("seq")).strip()


def task_title(row: LedgerRow) -> str:
    """The task's title as the 任务 cell gives it, without its leading number."""
    text = row.get("task")
    return TASK_NUMBER_RE.sub(r"\2", text).strip().rstrip("。") if text else ""


def task_layout(rows: list[LedgerRow], *, has_task_column: bool) -> TaskLayout:
    """rows: the measure rows only (no sections, notes or blank measures), in file order."""
    seqs = [_seq(row) for row in rows]
    if any(HIERARCHICAL_RE.match(seq) for seq in seqs):
        return TaskLayout(has_task_column, seq_numbers_tasks=True, hierarchical=True)
    if not has_task_column:
        return TaskLayout(False, seq_numbers_tasks=False)
    numbered = [PLAIN_NUMBER_RE.match(seq) for seq in seqs if seq]
    if not numbered or not all(numbered):
        return TaskLayout(True, seq_numbers_tasks=False)
    previous_seq, previous_title = None, None
    for row, seq in zip(rows, seqs):
        title = task_title(row)
        if previous_title is not None:
            # A blank 序号 under a task (only its first row numbered) is no change.
            seq_changed = bool(seq) and seq != previous_seq
            if seq_changed != (title != previous_title):
                return TaskLayout(True, seq_numbers_tasks=False)
        previous_seq, previous_title = (seq or previous_seq), title
    return TaskLayout(True, seq_numbers_tasks=True)


def task_number_of(row: LedgerRow, layout: TaskLayout) -> int | None:
    """The number the file gives the row's task: its 序号 where that numbers tasks, else the
    number leading the task's title (3.强化青年群体就业扶持), else None."""
    if layout.seq_numbers_tasks:
        seq = _seq(row)
        match = HIERARCHICAL_RE.match(seq) or PLAIN_NUMBER_RE.match(seq) or TASK_NUMBER_RE.match(seq)
        if match:
            return int(match.group(1))
    match = TASK_NUMBER_RE.match(unicodedata.normalize("NFKC", row.get("task") or ""))
    return int(match.group(1)) if match and match.group(2).strip() else None

"""The admin's corrections to a ledger's rows, laid over the file as read, and the rows'
identities across uploads (for corrections remembered from a plan's earlier imports).

No database here: the corrections come in as plain dicts keyed "sheet!row".
"""

from __future__ import annotations

import hashlib

from .read import Cell, LedgerRow, LedgerSheet, cell_text


EDITABLE_FIELDS = ("task", "programme", "measure", "lead", "support", "targets", "deadline")


def apply_cell_edits(sheet: LedgerSheet, edits: dict[str, dict[str, str]]) -> set[int]:
    """The admin's corrections typed in the preview, laid over the file's cells: edits are
    keyed "sheet!row", then by field (任务, 专项, 工作措施 …). The file itself is not changed;
    an emptied value empties the cell. Returns the numbers of the rows edited."""
    edited: set[int] = set()
    for row in sheet.rows:
        changes = edits.get(f"{sheet.name}!{row.number}")
        if not changes:
            continue
        edited.add(row.number)
        for name, value in changes.items():
            if name not in EDITABLE_FIELDS:
                continue
            value = cell_text(value)
            if value:
                row.cells[name] = Cell(value, sheet.columns.get(name, ""))
            else:
                row.cells.pop(name, None)
    return edited


def row_key(row: LedgerRow) -> str:
    """What the file holds in a row, as a short digest: the row's identity across uploads."""
    content = "\x1f".join(f"{name}\x1e{cell.value}" for name, cell in sorted(row.cells.items()))
    return hashlib.sha1(content.encode("utf-8")).hexdigest()


def remembered_edits(sheet: LedgerSheet, remembered: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The corrections remembered for the plan, keyed sheet!row for the rows of this file that
    hold what the corrected rows held."""
    if not remembered:
        return {}
    return {
        f"{sheet.name}!{row.number}": remembered[key] for row in sheet.rows if (key := row_key(row)) in remembered
    }

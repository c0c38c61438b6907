"""From a plan document's text to a draft ledger (issue 6).

    text = read_plan_file(path)                       # .txt or .docx, or pasted text
    draft = draft_from_text(text, city="广州", year_start=2024, year_end=2024)
    data = draft_to_xlsx(draft)                       # the bureau ledger layout, + 已完成结果
    sheet = draft_to_sheet(draft)                     # the same rows for portal.imports.ledger.validate
"""

from .documents import PlanFileError, read_plan_bytes, read_plan_file
from .draft import Draft, DraftedMeasure, DraftedSection, DraftedTask, draft_from_text, guess_years
from .extract import FoundResult, FoundTarget
from .ledger import draft_rows, draft_to_sheet, draft_to_xlsx, result_rows

__all__ = [
    "Draft",
    "DraftedMeasure",
    "DraftedSection",
    "DraftedTask",
    "FoundResult",
    "FoundTarget",
    "PlanFileError",
    "draft_from_text",
    "draft_rows",
    "draft_to_sheet",
    "draft_to_xlsx",
    "guess_years",
    "read_plan_bytes",
    "read_plan_file",
    "result_rows",
]

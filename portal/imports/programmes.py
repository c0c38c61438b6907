"""The 专项 a task seems to belong to, shared by the ledger import and the drafter.

The classifier is the drafter's (portal.imports.drafting.draft.guess_programme, keyword
weights over the task's title, its section's title and its measures); this module only says
when it found nothing to go on, so that the import can file such a task under 未分类 for an
admin to assign, instead of guessing the drafter's default.
"""

from __future__ import annotations

UNCLASSIFIED_NAME = "未分类"


def suggest_programme(task_title: str, section_title: str = "", measures_text: str = "") -> str | None:
    """The name of the programme the words suggest, or None when no keyword occurs in them."""
    # Imported here: the drafter builds on the ledger's validate module, which calls this.
    from .drafting.draft import PROGRAMME_KEYWORDS, guess_programme

    texts = (task_title, section_title, measures_text)
    if not any(keyword in text for _name, keywords in PROGRAMME_KEYWORDS for keyword in keywords for text in texts):
        return None
    return guess_programme(task_title, section_title, measures_text)

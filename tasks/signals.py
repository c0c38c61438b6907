"""The one signal rollups listen to, so that data flows units → tasks → indicators → portal and
never back: it lives beside the measures it names, where every app that changes figures (a
plan or a measure edited in the admin, a report approved, a ledger imported) can send it.

`progress_changed` is sent after a transaction commits that changed anything a rollup reads:
an approval (or a correction of an approved report), an import, an edit of a measure, a
target or a responsibility. Receivers get `measure_ids`, a frozenset of the measures touched.
"""

from collections.abc import Iterable

from django.db import transaction
from django.dispatch import Signal

progress_changed = Signal()


def notify_progress_changed(measure_ids: Iterable[int]) -> None:
    """Send progress_changed once the current transaction commits (at once outside one)."""
    ids = frozenset(measure_ids)
    if ids:
        transaction.on_commit(lambda: progress_changed.send(sender=None, measure_ids=ids))

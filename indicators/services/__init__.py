"""Writes of the indicators app, one module per job:

- `reference` — the indicator catalogue and the results cities reported, from the fixtures;
- `periods` — reporting periods: created with a plan, closed, reopened, their due dates;
- `reports` — a unit's report for a period: draft, values, evidence, submit, correction;
- `doubts` — values that look implausible, confirmed by the filer and shown to the reviewer;
- `review` — the lead unit's reviewers approve or return a report;
- `reminders` — 催办: the daily job, escalation and an admin's reminder by hand;
- `notifications` — 通知 sent to the people of a unit, and marked read.

Callers import the public names from here (`from indicators.services import report_submit`).
"""

from .doubts import ValuesInDoubt, value_doubts
from .errors import ReportConflict, ReportingError
from .notifications import notification_mark_read, notifications_mark_all_read
from .periods import (
    period_close,
    period_due_date,
    period_reopen,
    period_set_due_date,
    period_start_containing,
    periods_create_for_new_plan,
    periods_create_for_plan,
    periods_follow_reporting_from,
)
from .reference import ReferenceDataError, indicators_load_csv, results_load_csv
from .reminders import ReminderSummary, missing_reports, reminder_send_manual, reminders_send
from .reports import (
    ReportInput,
    ValueInput,
    evidence_add,
    evidence_delete,
    fillable_targets,
    report_correct,
    report_save_draft,
    report_submit,
)
from .review import report_approve, report_return

__all__ = [
    "ReferenceDataError",
    "ReminderSummary",
    "ReportConflict",
    "ReportInput",
    "ReportingError",
    "ValueInput",
    "ValuesInDoubt",
    "evidence_add",
    "evidence_delete",
    "fillable_targets",
    "indicators_load_csv",
    "missing_reports",
    "notification_mark_read",
    "notifications_mark_all_read",
    "period_close",
    "period_due_date",
    "period_reopen",
    "period_set_due_date",
    "period_start_containing",
    "periods_create_for_new_plan",
    "periods_create_for_plan",
    "periods_follow_reporting_from",
    "reminder_send_manual",
    "reminders_send",
    "report_approve",
    "report_correct",
    "report_return",
    "report_save_draft",
    "report_submit",
    "results_load_csv",
    "value_doubts",
]

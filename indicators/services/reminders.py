"""Reminders (催办): the daily job for reports due soon or late, escalation of long-late ones to
the lead unit's reviewers, and an admin's reminder by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Responsibility
from units.access import scope_for
from units.collectives import covering, expand_pairs
from units.models import Membership, Unit

from ..models import Notification, Period, ProgressReport, Reminder
from .errors import ReportingError
from .notifications import notify, unit_users


@dataclass
class ReminderSummary:
    due_soon: int = 0
    late: int = 0
    escalated: int = 0
    manual: int = 0
    notifications: int = 0
    emails: int = 0


def missing_reports(*, periods: Iterable[Period], unit_ids: Iterable[int] | None = None) -> list[tuple[int, int, Period]]:
    """(measure id, unit id, period) of every report expected and not yet submitted.

    Each responsible unit (lead and support) reports on each measure of the plan every
    period; a report counts as in once it is submitted (or approved).
    """
    periods = list(periods)
    if not periods:
        return []
    responsibilities = Responsibility.objects.filter(measure__task__plan_id__in={p.plan_id for p in periods})
    if unit_ids is not None:
        unit_ids = set(unit_ids)
        responsibilities = responsibilities.filter(unit_id__in=unit_ids | set(covering(unit_ids)))
    by_plan: dict[int, list[tuple[int, int]]] = defaultdict(list)
    # A collective (各镇街) is chased through each of its member units.
    for measure_id, unit_id, plan_id in expand_pairs(
        responsibilities.values_list("measure_id", "unit_id", "measure__task__plan_id")
    ):
        if unit_ids is None or unit_id in unit_ids:
            by_plan[plan_id].append((measure_id, unit_id))
    done = set(
        ProgressReport.objects.filter(
            period__in=periods, state__in=[ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED]
        ).values_list("measure_id", "unit_id", "period_id")
    )
    return [
        (measure_id, unit_id, period)
        for period in periods
        for measure_id, unit_id in by_plan[period.plan_id]
        if (measure_id, unit_id, period.pk) not in done
    ]


def _send_reminder_mail(users, subject: str, body: str) -> int:
    """Mail after the commit, so that a rolled-back run sends nothing."""
    messages = [(subject, body, None, [u.email]) for u in users if u.email]
    if messages:
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    return len(messages)


def _remind_units(items: list[tuple[int, int, Period]], *, kind: str, summary: ReminderSummary, sender=None) -> None:
    """One notification (and one mail) per staff member, listing his units' missing reports."""
    by_unit: dict[int, list[tuple[int, Period]]] = defaultdict(list)
    for measure_id, unit_id, period in items:
        by_unit[unit_id].append((measure_id, period))
    per_user: dict[int, list] = defaultdict(list)
    users = {}
    for membership in Membership.objects.filter(
        unit_id__in=by_unit, role=Membership.Role.STAFF, user__is_active=True
    ).select_related("user", "unit"):
        users[membership.user_id] = membership.user
        per_user[membership.user_id].extend((membership.unit, period) for _m, period in by_unit[membership.unit_id])
    url = reverse("reporting:my_tasks") + "?status=overdue"
    for user_id, rows in per_user.items():
        counts = defaultdict(int)
        for unit, period in rows:
            counts[(unit.name, period.label, period.due_date)] += 1
        lines = [
            str(_("%(unit)s · %(period)s：%(n)s 项未报（截止 %(due)s）") % {"unit": u, "period": p, "n": n, "due": d})
            for (u, p, d), n in sorted(counts.items(), key=lambda item: item[0][2])
        ]
        title = {
            Reminder.Kind.DUE_SOON: _("催办：%(n)s 项报告即将到期"),
            Reminder.Kind.LATE: _("催办：%(n)s 项报告已逾期"),
            Reminder.Kind.MANUAL: _("催办：管理员提醒您报送 %(n)s 项报告"),
        }[kind] % {"n": len(rows)}
        body = "\n".join(lines)
        summary.notifications += notify([users[user_id]], kind=Notification.Kind.REMINDER, title=str(title), body=body, url=url)
        summary.emails += _send_reminder_mail([users[user_id]], str(title), body)


def _escalate(items: list[tuple[int, int, Period]], summary: ReminderSummary) -> None:
    """Tell the reviewers of the lead units which reports are long overdue."""
    leads: dict[int, set[int]] = defaultdict(set)
    for measure_id, unit_id in Responsibility.objects.filter(
        measure_id__in={m for m, _u, _p in items}, role=Responsibility.Role.LEAD
    ).values_list("measure_id", "unit_id"):
        leads[measure_id].add(unit_id)
    unit_names = dict(Unit.objects.filter(pk__in={u for _m, u, _p in items}).values_list("pk", "name"))
    per_lead: dict[int, list[str]] = defaultdict(list)
    for measure_id, unit_id, period in items:
        for lead in leads[measure_id]:
            per_lead[lead].append(f"{unit_names[unit_id]} · {period.label}")
    for lead, rows in per_lead.items():
        reviewers = list(unit_users([lead], Membership.Role.REVIEWER))
        counts = defaultdict(int)
        for row in rows:
            counts[row] += 1
        title = str(_("逾期提醒：%(n)s 项报告逾期 %(days)s 天以上仍未报送")
                    % {"n": len(rows), "days": settings.REPORTING_ESCALATE_AFTER_DAYS})
        body = "\n".join(f"{row}：{n}" for row, n in sorted(counts.items()))
        summary.notifications += notify(reviewers, kind=Notification.Kind.ESCALATION, title=title, body=body,
                                         url=reverse("reporting:review_queue"))
        summary.emails += _send_reminder_mail(reviewers, title, body)


def before_reporting() -> Q:
    """Periods before their plan's first month to report: nobody is reminded of them, even
    if an admin reopened one."""
    return Q(plan__reporting_from__isnull=False, end__lt=F("plan__reporting_from"))


@transaction.atomic
def reminders_send(*, today: date | None = None) -> ReminderSummary:
    """The daily job: remind units of reports due soon or late, escalate long-late ones.

    Each (measure, unit, period) gets each kind of automatic reminder once; notifications
    are grouped so that a staff member gets one message per run, not one per report.
    """
    today = today or timezone.localdate()
    summary = ReminderSummary()
    periods = Period.objects.filter(
        is_open=True, start__lte=today,
        due_date__lte=today + timedelta(days=settings.REPORTING_REMIND_DAYS_BEFORE_DUE),
    ).exclude(before_reporting()).select_related("plan")
    missing = missing_reports(periods=periods)
    if not missing:
        return summary
    sent = set(
        Reminder.objects.filter(period__in=periods).exclude(kind=Reminder.Kind.MANUAL)
        .values_list("measure_id", "unit_id", "period_id", "kind")
    )
    escalate_after = timedelta(days=settings.REPORTING_ESCALATE_AFTER_DAYS)
    new: dict[str, list] = defaultdict(list)
    for measure_id, unit_id, period in missing:
        kinds = [Reminder.Kind.LATE] if today > period.due_date else [Reminder.Kind.DUE_SOON]
        if today > period.due_date + escalate_after:
            kinds.append(Reminder.Kind.ESCALATED)
        for kind in kinds:
            if (measure_id, unit_id, period.pk, kind) not in sent:
                new[kind].append((measure_id, unit_id, period))
    Reminder.objects.bulk_create(
        Reminder(measure_id=m, unit_id=u, period=p, kind=kind) for kind, items in new.items() for m, u, p in items
    )
    summary.due_soon = len(new[Reminder.Kind.DUE_SOON])
    summary.late = len(new[Reminder.Kind.LATE])
    summary.escalated = len(new[Reminder.Kind.ESCALATED])
    for kind in (Reminder.Kind.DUE_SOON, Reminder.Kind.LATE):
        if new[kind]:
            _remind_units(new[kind], kind=kind, summary=summary)
    if new[Reminder.Kind.ESCALATED]:
        _escalate(new[Reminder.Kind.ESCALATED], summary)
    return summary


@transaction.atomic
def reminder_send_manual(*, period: Period, user, unit_ids: Iterable[int] | None = None) -> ReminderSummary:
    """An admin's reminder (催办) to every unit whose report for the period is not in."""
    if not scope_for(user).is_admin_of(period.plan.city_id):
        raise ReportingError(_("只有本市管理员可以发送催办。"))
    if period.plan.reporting_from and period.end < period.plan.reporting_from:
        raise ReportingError(_("%(period)s 在开始填报月份之前，不催办。") % {"period": period.label})
    summary = ReminderSummary()
    missing = missing_reports(periods=[period], unit_ids=unit_ids)
    if not missing:
        return summary
    Reminder.objects.bulk_create(
        Reminder(measure_id=m, unit_id=u, period=p, kind=Reminder.Kind.MANUAL, sent_by=user) for m, u, p in missing
    )
    summary.manual = len(missing)
    _remind_units(missing, kind=Reminder.Kind.MANUAL, summary=summary)
    return summary

"""What a person can do today: for staff, the reports the period that is now takes, or, plan by
plan, why there is nothing to report and who can reopen a period; for reviewers, the reports
waiting for them. The landing page and the demo accounts on the login page say it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.models import Measure, Plan, Responsibility
from units.access import scope_for
from units.models import Membership, Region

from .filters import DONE, answered_by, with_period_state
from .models import Period, ProgressReport


@dataclass
class PlanWork:
    plan: Plan
    to_fill: int = 0
    overdue: int = 0
    why_nothing: str = ""


@dataclass
class Worklist:
    plans: list[PlanWork] = field(default_factory=list)
    reopeners: list[str] = field(default_factory=list)
    to_review: int = 0

    @property
    def to_fill(self) -> int:
        return sum(p.to_fill for p in self.plans)

    @property
    def overdue(self) -> int:
        return sum(p.overdue for p in self.plans)

    @property
    def is_staff(self) -> bool:
        return bool(self.plans)

    def summary(self) -> str:
        """One line: what the person can do now, or why there is nothing."""
        parts = []
        if self.to_fill:
            parts.append(_("本期可填报 %(n)s 项") % {"n": self.to_fill})
        if self.overdue:
            parts.append(_("逾期未报 %(n)s 期次") % {"n": self.overdue})
        if self.to_review:
            parts.append(_("待审核 %(n)s 份报告") % {"n": self.to_review})
        if not parts and self.plans:
            parts.append(_("现在没有可填报的报告：%(why)s") % {"why": "；".join(
                f"“{p.plan.title}”{p.why_nothing}" for p in self.plans if p.why_nothing)})
        return "，".join(parts)


def _why_nothing(plan: Plan, current: Period | None, today: date) -> str:
    if plan.year_end < today.year:
        return str(_("已于 %(year)s 年结束，填报周期均已关闭") % {"year": plan.year_end})
    if plan.year_start > today.year or current is None:
        return str(_("自 %(year)s 年开始填报") % {"year": plan.year_start})
    if not current.is_open:
        return str(_("本期（%(period)s）已关闭") % {"period": current.label})
    return str(_("本期（%(period)s）的报告均已提交") % {"period": current.label})


def reopeners_of(city_ids) -> list[str]:
    """Who can reopen a period of these cities: their admins, then the province's."""
    admins = Membership.objects.filter(role=Membership.Role.ADMIN, user__is_active=True).filter(
        Q(unit__region_id__in=city_ids) | Q(unit__region__kind=Region.Kind.PROVINCE)
    ).select_related("user", "unit").order_by("unit__region__kind", "user__username")
    names = []
    for membership in admins:
        name = membership.user.get_full_name() or membership.user.username
        label = f"{name}（{membership.unit.name}）"
        if label not in names:
            names.append(label)
    return names


def worklist_for(user, today: date | None = None) -> Worklist:
    today = today or timezone.localdate()
    scope = scope_for(user)
    worklist = Worklist(to_review=ProgressReport.objects.reviewable_by(user).count())
    staff_units = scope.unit_ids(Membership.Role.STAFF)
    if not staff_units:
        return worklist
    rows = with_period_state(
        answered_by(scope, Membership.Role.STAFF).filter(measure__in=Measure.objects.visible_to(user)),
        day=today, today=today,
    ).values_list("measure__task__plan_id", "period_id", "period_open", "report_state", "overdue_count")
    by_plan: dict[int, PlanWork] = {}
    plans = Plan.objects.in_bulk({row[0] for row in rows})
    for plan_id, period_id, period_open, state, overdue in rows:
        work = by_plan.setdefault(plan_id, PlanWork(plans[plan_id]))
        if period_id and period_open and state not in DONE:
            work.to_fill += 1
        work.overdue += overdue
    current = {p.plan_id: p for p in Period.objects.filter(plan_id__in=by_plan).containing(today)}
    for work in by_plan.values():
        if not work.to_fill:
            work.why_nothing = _why_nothing(work.plan, current.get(work.plan.pk), today)
    worklist.plans = sorted(by_plan.values(), key=lambda w: (not w.to_fill, -w.plan.year_end, w.plan.pk))
    if not worklist.to_fill:
        worklist.reopeners = reopeners_of({w.plan.city_id for w in worklist.plans})
    return worklist


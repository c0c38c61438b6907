"""What a user may touch on the reporting side. Views call these; templates only hide buttons.

Not visible at all → 404; visible but not the user's to change (a leader, a reviewer on the
fill page, a staff member on the review buttons) → 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from tasks.models import Measure, Plan, Responsibility
from units.access import scope_for
from units.collectives import expand_pairs
from units.models import Membership, Unit

from .models import Evidence, Notification, Period, ProgressReport
from .querysets import FILING_STATES

STAFF, REVIEWER = Membership.Role.STAFF, Membership.Role.REVIEWER


def lead_unit_ids(measure: Measure) -> set[int]:
    return {r.unit_id for r in measure.responsibilities.all() if r.role == Responsibility.Role.LEAD}


def responsible_roles(measure: Measure) -> dict[int, str]:
    """Each unit that reports on the measure, with its role: a collective's (各镇街) members
    in its place; a member that also answers in its own name keeps that role."""
    rows = [(measure.pk, r.unit_id, r.role) for r in measure.responsibilities.all()]
    return {unit_id: role for _measure, unit_id, role in expand_pairs(rows)}


def responsible_unit_ids(measure: Measure) -> set[int]:
    return set(responsible_roles(measure))


def fill_units(user, measure: Measure) -> set[int]:
    """The units the user may file this measure's reports for: his staff units that answer for
    it, in their own name or as members of a collective (各镇街) that does."""
    scope = scope_for(user)
    return {unit for r in measure.responsibilities.all() for unit in scope.acting_units(r.unit_id, STAFF)}


def can_fill(user, measure: Measure, unit_id: int) -> bool:
    return unit_id in fill_units(user, measure)


def reviews(user, measure: Measure) -> bool:
    """Reviewers of a unit that leads the measure review its reports, support units' included."""
    return bool(set(scope_for(user).unit_ids(REVIEWER)) & lead_unit_ids(measure))


def is_city_admin(user, city_id: int) -> bool:
    return user.is_authenticated and scope_for(user).is_admin_of(city_id)


def filers_of(report: ProgressReport) -> set[int]:
    """Everyone who saved or submitted this version of the report: none of them may approve it."""
    saved = report.history.filter(state__in=FILING_STATES).values_list("history_user_id", flat=True)
    return {report.created_by_id, report.updated_by_id, *saved} - {None}


def reviews_report(user, report: ProgressReport) -> bool:
    """A reviewer of the measure's lead unit; or the plan's admin, when every such reviewer filed
    the report (a unit whose only reviewer is a filer)."""
    if reviews(user, report.measure):
        return True
    return is_city_admin(user, report.measure.task.plan.city_id) and (
        ProgressReport.objects.filter(pk=report.pk).without_free_reviewer().exists()
    )


def _report_queryset():
    return ProgressReport.objects.select_related(
        "measure__task__plan__city", "unit", "period", "created_by", "reviewed_by", "updated_by"
    ).prefetch_related("measure__responsibilities__unit")


def get_report_for_user(user, pk: int, *, action: str = "read") -> ProgressReport:
    """The report, if the user may do `action` (read, edit, review) to it; else 404 or 403."""
    report = get_object_or_404(_report_queryset().filter(pk__in=ProgressReport.objects.visible_to(user).values("pk")), pk=pk)
    if action == "edit" and not can_fill(user, report.measure, report.unit_id):
        raise PermissionDenied
    if action == "review" and not reviews_report(user, report):
        raise PermissionDenied
    return report


def get_fill_context_for_user(user, measure_id: int, period_id: int, unit_id: int):
    """(measure, period, unit) for the fill page: 404 unless the user may read that unit's
    reports on this measure, 403 unless he is its staff."""
    measure = get_object_or_404(
        Measure.objects.visible_to(user).select_related("task__plan__city", "task__programme")
        .prefetch_related("responsibilities__unit", "targets__indicator"),
        pk=measure_id,
    )
    period = get_object_or_404(Period.objects.select_related("plan"), pk=period_id, plan_id=measure.task.plan_id)
    unit = next((r.unit for r in measure.responsibilities.all() if r.unit_id == unit_id), None)
    if unit is None and unit_id in responsible_unit_ids(measure):  # a member of a collective
        unit = Unit.objects.get(pk=unit_id)
    if unit is None or unit.is_collective:  # a collective reports through its members
        raise Http404
    scope = scope_for(user)
    own = set(scope.unit_ids(STAFF, REVIEWER))
    readable = (
        unit_id in own
        or bool(own & lead_unit_ids(measure))
        or scope.superuser
        or scope.is_admin_of(measure.task.plan.city_id)
        or measure.task.plan.city_id in scope.cities_by_role.get(Membership.Role.LEADER, frozenset())
        or (scope.all_cities and Membership.Role.LEADER in scope.roles)
    )
    if not readable:
        raise Http404
    if not can_fill(user, measure, unit_id):
        raise PermissionDenied
    return measure, period, unit


def get_evidence_for_user(user, pk: int, *, action: str = "read") -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("report"), pk=pk)
    report = get_report_for_user(user, evidence.report_id, action=action)
    evidence.report = report
    return evidence


def get_plan_for_admin(user, pk: int) -> Plan:
    plan = get_object_or_404(Plan.objects.visible_to(user).select_related("city"), pk=pk)
    if not is_city_admin(user, plan.city_id):
        raise PermissionDenied
    return plan


def get_period_for_admin(user, pk: int) -> Period:
    period = get_object_or_404(Period.objects.filter(plan__in=Plan.objects.visible_to(user)).select_related("plan__city"), pk=pk)
    if not is_city_admin(user, period.plan.city_id):
        raise PermissionDenied
    return period


def get_notification_for_user(user, pk: int) -> Notification:
    return get_object_or_404(Notification.objects.filter(user=user), pk=pk)

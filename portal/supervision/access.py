"""Who may see and act on 督办 objects. Views call these; templates only hide buttons.

Not visible → 404; visible but not the user's to act on → 403. A notice is visible to its
unit's people and to the city's supervisors (its admins and leaders, and the province's)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from indicators.access import lead_unit_ids, reviews
from tasks.models import Measure
from units.access import scope_for
from units.models import Membership, Region, Unit

from .models import Attachment, Closure, Extension, Notice, Scheme

ADMIN, LEADER, STAFF, REVIEWER = (Membership.Role.ADMIN, Membership.Role.LEADER,
                                  Membership.Role.STAFF, Membership.Role.REVIEWER)


def supervises(user, city_id: int) -> bool:
    """A city's admins and leaders (and the province's) issue notices and decide requests."""
    scope = scope_for(user)
    if scope.superuser or scope.is_admin_of(city_id):
        return True
    if city_id in scope.cities_by_role.get(LEADER, frozenset()):
        return True
    return scope.all_cities and LEADER in scope.roles


def leads_city(user, city_id: int) -> bool:
    """Leaders sign off closings and approve extensions."""
    scope = scope_for(user)
    return scope.superuser or city_id in scope.cities_by_role.get(LEADER, frozenset()) or (
        scope.all_cities and LEADER in scope.roles)


def files_for(user, unit_id: int) -> bool:
    return unit_id in scope_for(user).unit_ids(STAFF, REVIEWER)


def notices_visible_to(user):
    scope = scope_for(user)
    if scope.superuser or (scope.all_cities and (ADMIN in scope.roles or LEADER in scope.roles)):
        return Notice.objects.all()
    supervised = set(scope.cities_by_role.get(ADMIN, ())) | set(scope.cities_by_role.get(LEADER, ()))
    return Notice.objects.filter(Q(city_id__in=supervised) | Q(unit_id__in=scope.unit_ids(STAFF, REVIEWER)))


def get_city_for_user(user, pk: int) -> Region:
    city = get_object_or_404(Region, pk=pk, kind=Region.Kind.CITY)
    if not scope_for(user).sees_city(city.pk):
        raise Http404
    return city


def get_measure_for_user(user, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.visible_to(user).select_related("task__plan__city").prefetch_related("responsibilities__unit"),
        pk=pk,
    )


def get_notice_for_user(user, pk: int, *, action: str = "read") -> Notice:
    """action: read; answer (签收, 退回, 答复: the unit's people); supervise (close, reissue)."""
    notice = get_object_or_404(
        notices_visible_to(user).select_related("measure__task__plan", "unit", "city", "issued_by", "suggested_unit"),
        pk=pk,
    )
    if action == "answer" and not files_for(user, notice.unit_id):
        raise PermissionDenied
    if action == "supervise" and not supervises(user, notice.city_id):
        raise PermissionDenied
    return notice


def get_attachment_for_user(user, pk: int) -> Attachment:
    attachment = get_object_or_404(Attachment, pk=pk)
    if attachment.notice_id:
        get_notice_for_user(user, attachment.notice_id)
    else:
        get_closure_for_user(user, attachment.closure_id)
    return attachment


def get_closure_for_user(user, pk: int, *, action: str = "read") -> Closure:
    """read: who sees the measure; check: the lead unit's reviewers; decide: the city's leaders."""
    closure = get_object_or_404(Closure.objects.select_related("measure__task__plan__city", "unit"), pk=pk)
    measure = get_measure_for_user(user, closure.measure_id)
    closure.measure = measure
    if action == "check" and not reviews(user, measure):
        raise PermissionDenied
    if action == "decide" and not leads_city(user, measure.task.plan.city_id):
        raise PermissionDenied
    return closure


def get_extension_for_user(user, pk: int, *, action: str = "read") -> Extension:
    extension = get_object_or_404(Extension.objects.select_related("unit"), pk=pk)
    measure = get_measure_for_user(user, extension.measure_id)
    extension.measure = measure
    if action == "decide" and not leads_city(user, measure.task.plan.city_id):
        raise PermissionDenied
    return extension


def lead_units_of_user(user, measure: Measure) -> list[Unit]:
    """The lead units of the measure the user files for (办结 and 延期 are theirs to ask)."""
    mine = scope_for(user).unit_ids(STAFF, REVIEWER) & lead_unit_ids(measure)
    return [r.unit for r in measure.responsibilities.all() if r.unit_id in mine]


def schemes_visible_to(user):
    scope = scope_for(user)
    return Scheme.objects.all() if scope.all_cities else Scheme.objects.filter(city_id__in=scope.city_ids)


def get_scheme_for_user(user, pk: int, *, action: str = "read") -> Scheme:
    scheme = get_object_or_404(schemes_visible_to(user).select_related("city", "plan"), pk=pk)
    if action == "edit" and not scope_for(user).is_admin_of(scheme.city_id):
        raise PermissionDenied
    return scheme


def sees_unit_score(user, unit: Unit, city_id: int) -> bool:
    """A unit's drill-down: its own people, the city's supervisors."""
    return unit.pk in scope_for(user).unit_ids() or supervises(user, city_id)

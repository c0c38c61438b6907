"""Notifications (通知): sent to the people of a unit in a role, and marked read by their owner."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Notification, ProgressReport
from .errors import ReportingError


def unit_users(unit_ids: Iterable[int], role: str):
    User = get_user_model()
    return User.objects.filter(
        is_active=True, memberships__unit_id__in=list(unit_ids), memberships__role=role
    ).distinct()


def city_admins(city_id: int):
    """The admins of a city: of its units, or of its districts' and towns' units."""
    User = get_user_model()
    return User.objects.filter(
        Q(memberships__unit__region_id=city_id) | Q(memberships__unit__region__parent_id=city_id),
        is_active=True, memberships__role="admin",
    ).distinct()


def notify(users, *, kind: str, title: str, body: str = "", url: str = "", report=None) -> int:
    rows = [Notification(user=u, kind=kind, title=title[:200], body=body, url=url, report=report) for u in users]
    Notification.objects.bulk_create(rows)
    return len(rows)


def report_title(report: ProgressReport) -> str:
    return f"{report.measure.code} {report.measure.text[:30]} · {report.unit.name} · {report.period.label}"


@transaction.atomic
def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.user_id != user.pk:
        raise ReportingError(_("这不是您的通知。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())

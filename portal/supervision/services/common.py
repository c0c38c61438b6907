"""What the services share: evidence files, people to notify, the city of a measure."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from indicators.evidence import EvidenceRefused, check_evidence_file
from units.models import Membership

from ..models import Attachment
from . import SupervisionError


def check_files(files) -> list:
    files = list(files)
    for file in files:  # every file judged before anything is written
        try:
            check_evidence_file(file)
        except EvidenceRefused as exc:
            raise SupervisionError(str(exc)) from None
    return files


def attach(files, *, user, notice=None, closure=None) -> None:
    for file in files:
        checked = check_evidence_file(file)
        Attachment.objects.create(notice=notice, closure=closure, file=file, name=file.name[:200],
                                  kind=checked.kind, size=file.size, uploaded_by=user)


def users_of(unit_ids, *roles: str):
    return get_user_model().objects.filter(
        is_active=True, memberships__unit_id__in=list(unit_ids), memberships__role__in=list(roles)
    ).distinct()


def leaders_for(unit, city_id: int):
    """The unit's own leaders; without any, the leaders of its city."""
    own = users_of([unit.pk], Membership.Role.LEADER) if unit is not None else get_user_model().objects.none()
    if own.exists():
        return own
    return get_user_model().objects.filter(
        is_active=True, memberships__role=Membership.Role.LEADER, memberships__unit__region_id=city_id
    ).distinct() | get_user_model().objects.filter(
        is_active=True, memberships__role=Membership.Role.LEADER, memberships__unit__region__parent_id=city_id
    ).distinct()


def require(condition: bool, message: str) -> None:
    if not condition:
        raise SupervisionError(message)


__all__ = ["attach", "check_files", "leaders_for", "require", "users_of", "_"]

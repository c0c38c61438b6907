"""The demo accounts load_demo creates, and what each can do now (shown on the login page
when DEBUG is on, so a newcomer knows which account to try)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from indicators.worklist import worklist_for
from units.access import scope_for
from units.models import Membership

DEMO_PASSWORD = "demo-2026"
CITY_PREFIXES = ("jm", "zs", "gz")
ROLES = (Membership.Role.STAFF, Membership.Role.REVIEWER, Membership.Role.LEADER)
DEMO_USERNAMES = ["admin"] + [f"{prefix}_{role}" for prefix in CITY_PREFIXES for role in ROLES]


@dataclass
class DemoAccount:
    username: str
    who: str
    can_do: str


def _can_do(user) -> str:
    roles = scope_for(user).roles
    if Membership.Role.ADMIN in roles:
        return str(_("导入台账，管理填报周期与催办，进入后台"))
    if Membership.Role.LEADER in roles:
        return str(_("查看本市驾驶舱、简报和各项措施进度"))
    worklist = worklist_for(user)
    if Membership.Role.REVIEWER in roles:
        return worklist.summary() or str(_("现在没有待审核的报告"))
    return worklist.summary()


def demo_accounts_now() -> list[DemoAccount]:
    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES, is_active=True)
    memberships = {}
    for membership in Membership.objects.filter(user__in=users).select_related("unit__region"):
        memberships.setdefault(membership.user_id, membership)
    order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
    accounts = []
    for user in sorted(users, key=lambda u: order[u.username]):
        membership = memberships.get(user.pk)
        who = (f"{membership.unit.region.short_name} · {membership.unit.name} {membership.get_role_display()}"
               if membership else "")
        accounts.append(DemoAccount(user.username, who, _can_do(user)))
    return accounts

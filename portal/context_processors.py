from django.urls import reverse
from django.utils.translation import gettext as _

from units.access import scope_for


def navigation(request):
    """Navigation entries by role; the views themselves check access."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_roles": []}
    scope = scope_for(user)
    items = [(_("首页"), reverse("home"))]
    if scope.all_cities or scope.city_ids:
        items.append((_("驾驶舱"), reverse("dashboards:overview")))
    # Progress reporting (indicators): tasks, review, periods, notifications with unread count.
    if scope.unit_ids("staff", "reviewer"):
        items.append((_("我的任务"), reverse("reporting:my_tasks")))
    if scope.unit_ids("reviewer"):
        items.append((_("审核"), reverse("reporting:review_queue")))
    if "admin" in scope.roles:
        items.append((_("填报周期"), reverse("reporting:periods")))
    unread = user.notifications.filter(read_at__isnull=True).count()
    items.append((_("通知（%(n)s）") % {"n": unread} if unread else _("通知"), reverse("reporting:notifications")))
    if "admin" in scope.roles:  # ledger import (portal.imports): the view checks the plan's city
        items.append((_("导入台账"), reverse("imports:index")))
        items.append((_("方案生成台账"), reverse("drafting:draft")))  # portal.imports.drafting → the same preview
        items.append((_("接口令牌"), reverse("api:tokens")))  # portal.api: tokens for other systems
    if user.is_staff:
        items.append((_("后台管理"), reverse("admin:index")))
    role_labels = {"staff": _("填报员"), "reviewer": _("审核员"), "leader": _("领导"), "admin": _("管理员")}
    return {"nav_items": items, "user_roles": [role_labels[r] for r in sorted(scope.roles)]}

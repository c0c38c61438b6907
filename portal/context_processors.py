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
    if scope.unit_ids("staff", "reviewer"):
        items.append((_("我的措施"), reverse("my_measures")))
    if user.is_staff:
        items.append((_("后台管理"), reverse("admin:index")))
    role_labels = {"staff": _("填报员"), "reviewer": _("审核员"), "leader": _("领导"), "admin": _("管理员")}
    return {"nav_items": items, "user_roles": [role_labels[r] for r in sorted(scope.roles)]}

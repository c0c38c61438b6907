from collections import defaultdict

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.utils.translation import gettext as _

from indicators.baselines import baselines_for
from indicators.history import plan_task_history
from indicators.progress_page import measure_progress_context
from indicators.models import Target
from indicators.worklist import worklist_for
from tasks.models import Measure, Plan, Responsibility

from .demo import DEMO_PASSWORD, demo_accounts_now
from .tables import MeasureTable, PlanTable


def _measures_with_details(queryset):
    return queryset.select_related("task").prefetch_related(
        Prefetch("responsibilities", queryset=Responsibility.objects.select_related("unit").order_by("role", "id")),
        Prefetch("targets", queryset=Target.objects.select_related("indicator")),
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).select_related("city").with_counts().order_by("city_id", "year_start")
    by_city = defaultdict(list)
    for plan in plans:
        by_city[plan.city].append(plan)
    cities = [(city, PlanTable(city_plans)) for city, city_plans in by_city.items()]
    return render(request, "portal/home.html", {"cities": cities, "worklist": worklist_for(request.user)})


class LoginView(auth_views.LoginView):
    """With DEBUG on, the demo accounts and what each can do now, for a newcomer's first minute."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEBUG:
            context.update(demo_accounts=demo_accounts_now(), demo_password=DEMO_PASSWORD)
        return context


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_object_or_404(Plan.objects.visible_to(request.user).select_related("city"), pk=pk)
    measures = list(_measures_with_details(Measure.objects.filter(task__plan=plan)))
    baselines = baselines_for([t for m in measures for t in m.targets.all()], plan.city_id)
    for measure in measures:
        for target in measure.targets.all():
            target.baseline = baselines.get(target.pk)
    by_task = defaultdict(list)
    for measure in measures:
        by_task[measure.task_id].append(measure)
    sections = []
    current = None
    for task in plan.tasks.select_related("section", "programme").order_by("number"):
        if current is None or current["section"] != task.section:
            current = {"section": task.section, "tasks": []}
            sections.append(current)
        current["tasks"].append((task, MeasureTable(by_task[task.pk])))
    return render(request, "portal/plan_detail.html", {"plan": plan, "sections": sections, "task_history": plan_task_history(plan)})


@login_required
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(
        _measures_with_details(Measure.objects.visible_to(request.user)).select_related(
            "task__plan__city", "task__programme", "task__section"
        ),
        pk=pk,
    )
    targets = list(measure.targets.all())
    baselines = baselines_for(targets, measure.task.plan.city_id)
    for target in targets:
        target.baseline = baselines.get(target.pk)
    return render(
        request,
        "portal/measure_detail.html",
        {"measure": measure, "targets": targets, **measure_progress_context(request.user, measure, targets)},
    )


# --- Error pages: in Chinese, in the site's layout, with a way back ---------------------


def _error(request, status: int, title: str, message: str, hint: str = "", template: str = "") -> HttpResponse:
    context = {"status": status, "title": title, "message": message, "hint": hint}
    response = render(request, template or f"{status}.html", context, status=status)
    response.portal_error_page = True  # DebugErrorPagesMiddleware leaves it alone
    return response


def not_found(request, exception=None) -> HttpResponse:
    return _error(request, 404, _("页面不存在"), _("您要找的页面不存在，或已被移除。"),
                  _("请检查网址；如果是从平台内的链接进入的，请告诉管理员。"))


def permission_denied(request, exception=None) -> HttpResponse:
    return _error(request, 403, _("没有权限"), _("您的账号没有权限查看或操作这个页面。"),
                  _("可查看的内容取决于您所在的单位和角色；如需开通，请联系本市管理员。"))


def csrf_failure(request, reason: str = "") -> HttpResponse:
    return _error(request, 403, _("页面已过期"), _("表单已过期或来源无法验证，未做任何修改。"),
                  _("请返回上一页，刷新后重新提交；如果仍然出现，请确认浏览器允许本站的 Cookie。"), template="403_csrf.html")


def server_error(request) -> HttpResponse:
    """Rendered without the request's context processors: whatever failed may fail again."""
    context = {"status": 500, "title": _("服务器出错了"), "message": _("处理您的请求时出错，错误已记录。"),
               "hint": _("请稍后重试；如果一直出现，请联系管理员并告知出错的时间。")}
    response = HttpResponse(loader.get_template("500.html").render(context), status=500)
    response.portal_error_page = True
    return response

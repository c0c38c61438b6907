from collections import defaultdict

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from indicators.baselines import baselines_for
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
    return render(request, "portal/plan_detail.html", {"plan": plan, "sections": sections})


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

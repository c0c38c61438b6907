"""Dashboards: plain views over reads.py. Each object a user may open goes through one
helper that returns it or answers 404."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from portal.supervision.links import issue_links
from portal.supervision.services.scoring import briefing_scores
from tasks.models import Measure, Plan, Programme
from units.access import scope_for
from units.models import Membership, Region, Unit

from . import briefing, briefing_docx, charts, reads, services, versions
from .forms import MeasureFilterForm, ThresholdsForm
from .models import MeasureSummary, StatusThresholds
from .tables import MeasureStatusTable

# --- what the user may open --------------------------------------------------------------


def visible_cities(user) -> list[Region]:
    scope = scope_for(user)
    cities = Region.objects.cities().order_by("id")
    return list(cities if scope.all_cities else cities.filter(pk__in=scope.city_ids))


def get_city_for_user(user, pk: int) -> Region:
    city = get_object_or_404(Region.objects.cities(), pk=pk)
    if not scope_for(user).sees_city(city.pk):
        raise Http404
    return city


def get_plan_for_user(user, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.visible_to(user).select_related("city"), pk=pk)


def get_measure_for_user(user, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.visible_to(user).select_related("task__plan__city", "task__programme"), pk=pk
    )


def may_see_unit(user, unit: Unit) -> bool:
    """Leaders and admins of the unit's city see every unit; others only their own."""
    scope = scope_for(user)
    city_id = reads.city_of_unit(unit)
    if scope.superuser or (scope.all_cities and scope.roles & {Membership.Role.LEADER, Membership.Role.ADMIN}):
        return True
    for role in (Membership.Role.LEADER, Membership.Role.ADMIN):
        if city_id in scope.cities_by_role.get(role, frozenset()):
            return True
    return unit.pk in scope.unit_ids()


def get_unit_for_user(user, pk: int) -> Unit:
    unit = get_object_or_404(Unit.objects.select_related("region"), pk=pk)
    if not may_see_unit(user, unit):
        raise Http404
    return unit


def _wanted_month(request: HttpRequest) -> date | None:
    text = request.GET.get("as_of", "").strip()
    if not text:
        return None
    try:
        return reads.parse_month(text)
    except reads.BadMonth:
        messages.warning(request, _("日期“%(text)s”无效，应为“年-月”，例如 2026-10；已显示最近一个月。") % {"text": text[:20]})
        return None


# --- pages ----------------------------------------------------------------------------------


def cache_key(prefix: str, key: tuple, scopes) -> str:
    """The key of a dashboard's cached body: what it names (the object, the month asked for,
    what the viewer may see), the language, and the versions of the scopes it shows
    (versions.py) — or, with a cache of each process's own, the latest rollup run."""
    version = versions.current(scopes) if versions.scoped() else reads.summary_version()
    return prefix + ":".join(str(part) for part in (*key, version, get_language()))


def _page(request: HttpRequest, template: str, build, *, key: tuple | None = None, scopes=()) -> HttpResponse:
    """A dashboard: its body rendered from the summary tables and kept in the cache until a
    rollup changes the scopes it shows, inside the site's page (navigation per user).
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    page_key = None
    page = None
    if key is not None and seconds:
        page_key = cache_key("dashboards:", key, scopes)
        page = cache.get(page_key)
    if page is None:
        context = build()
        page = {"title": context["title"], "body": render_to_string(template, context, request if key is None else None)}
        if page_key:
            cache.set(page_key, page, seconds)
    # The body is shared by every viewer; the 督办 links in it are each viewer's own.
    return render(request, "dashboards/page.html", {**page, "body": issue_links(page["body"], request.user)})


def _month_key(request: HttpRequest) -> str:
    return request.GET.get("as_of", "").strip()[:10]


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    cities = visible_cities(request.user)
    wanted = _wanted_month(request)

    def build():
        data = reads.overview(cities, wanted)
        return {
            "title": _("驾驶舱"), "data": data, "as_of": data.as_of, "months": data.months,
            "chart": charts.cities_chart(data.rows),
            "sample": any(summary is not None and summary.has_sample for _city, summary, _latest in data.rows),
        }

    return _page(request, "dashboards/overview.html", build,
                 key=("overview", ",".join(str(c.pk) for c in cities), _month_key(request)),
                 scopes=versions.city_scopes(c.pk for c in cities))


@login_required
def city(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_city_for_user(request.user, pk)
    wanted = _wanted_month(request)

    def build():
        board = reads.city_dashboard(item, wanted)
        return {
            "title": _("%(city)s驾驶舱") % {"city": item.name},
            "board": board, "as_of": board.as_of, "months": board.months,
            "sample": bool(board.summary and board.summary.has_sample),
            "charts": {
                "status": charts.status_chart(board.summary),
                "trend": charts.trend_chart(board.trend),
                "programmes": charts.programmes_chart(board.programmes),
            },
        }

    return _page(request, "dashboards/city.html", build, key=("city", item.pk, _month_key(request)),
                 scopes=versions.city_scopes([item.pk]))


@login_required
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Programme.objects.select_related("parent"), pk=pk)
    cities = visible_cities(request.user)
    wanted = _wanted_month(request)

    def build():
        board = reads.programme_dashboard(item, cities, wanted)
        return {
            "title": item.name, "board": board, "as_of": board.as_of, "months": board.months,
            "children": list(item.children.all()),
            "sample": any(summary is not None and summary.has_sample for _city, summary in board.rows),
            "charts": {"cities": charts.programme_cities_chart(board.rows), "trend": charts.programme_trend_chart(board)},
        }

    return _page(request, "dashboards/programme.html", build,
                 key=("programme", item.pk, ",".join(str(c.pk) for c in cities), _month_key(request)),
                 scopes=versions.programme_scopes(item.pk))


def _summary_page(request: HttpRequest, template: str, item, title: str, read, scope: str) -> HttpResponse:
    """A plan's or a unit's dashboard: its tallies at the month asked for, and their trend."""
    wanted = _wanted_month(request)

    def build():
        board = read(item, wanted)
        return {
            "title": title, "board": board, "as_of": board.as_of, "months": board.months,
            "sample": bool(board.summary and board.summary.has_sample),
            "charts": {"trend": charts.trend_chart(board.trend)},
        }

    kind = template.removeprefix("dashboards/").removesuffix(".html")
    return _page(request, template, build, key=(kind, item.pk, _month_key(request)), scopes=[(scope, item.pk)])


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_plan_for_user(request.user, pk)
    return _summary_page(request, "dashboards/plan.html", item, item.title, reads.plan_dashboard, "plan")


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_unit_for_user(request.user, pk)
    return _summary_page(request, "dashboards/unit.html", item, item.name, reads.unit_dashboard, "unit")


@login_required
def measure(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_measure_for_user(request.user, pk)

    def build():
        statuses, by_target = reads.measure_figures(item)
        targets = list(item.targets.select_related("indicator").order_by("seq"))
        panels = [
            (t, by_target.get(t.pk, []), charts.target_chart(t, by_target.get(t.pk, [])), f"target-{t.pk}-data")
            for t in targets
        ]
        return {
            "title": _("%(code)s 进度图表") % {"code": item.code}, "measure": item, "statuses": statuses,
            "panels": panels, "latest": statuses[-1] if statuses else None,
            "sample": any(s.has_sample for s in statuses),
        }

    return _page(request, "dashboards/measure.html", build, key=("measure", item.pk),
                 scopes=[("plan", item.task.plan_id)])  # a measure's figures are rewritten with its plan's


@login_required
def measures(request: HttpRequest) -> HttpResponse:
    """The measures behind a count: one status, one city / plan / task / programme / unit."""
    form = MeasureFilterForm(request.GET)
    if not form.is_valid():
        body = render_to_string("dashboards/measures.html", {"form": form, "table": None}, request)
        return render(request, "dashboards/page.html", {"title": _("措施清单"), "body": body}, status=400)
    data = form.cleaned_data
    cities = visible_cities(request.user)
    rows = MeasureSummary.objects.filter(city__in=cities, as_of=data["as_of"])
    title = []
    if data["status"]:
        rows = rows.filter(status=data["status"])
    if data["city"]:
        rows = rows.filter(city_id=get_city_for_user(request.user, data["city"]).pk)
    if data["plan"]:
        plan_obj = get_plan_for_user(request.user, data["plan"])
        rows = rows.filter(plan=plan_obj)
        title.append(plan_obj.title)
    if data["task"]:
        rows = rows.filter(task_id=data["task"])
    if data["programme"]:
        item = get_object_or_404(Programme, pk=data["programme"])
        rows = rows.filter(programme_id__in=reads.programme_subtree(item))
        title.append(item.name)
    if data["unit"]:
        unit_obj = get_unit_for_user(request.user, data["unit"])
        rows = rows.filter(measure__in=Measure.objects.of_units([unit_obj.pk]))
        title.append(unit_obj.name)
    rows = rows.annotate(severity=reads.SEVERITY_ORDER).select_related("measure", "task", "plan", "city").order_by(
        "severity", "-lateness", "plan_id", "task__number", "measure__seq"
    )
    table = MeasureStatusTable(rows)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return _page(request, "dashboards/measures.html", lambda: {
        "title": _("措施清单"), "form": form, "table": table, "as_of": data["as_of"], "status": data["status"],
        "title_parts": title,
    })


def _briefing_response(request: HttpRequest, brief: briefing.Briefing, fmt: str, board=None, city=None) -> HttpResponse:
    if fmt == "docx":
        scores = ()
        if city is not None:  # a city's 通报 carries its units' scores, where a scheme scores them
            scores = briefing_scores(user=request.user, city_id=city.pk, as_of=brief.as_of)
        response = HttpResponse(
            briefing_docx.document_bytes(brief, board.lagging_measures if board else (), scores),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = briefing.content_disposition(brief, "docx")
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            briefing.workbook_bytes(brief),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = briefing.content_disposition(brief)
        return response
    return render(request, "dashboards/briefing.html", {"brief": brief})


@login_required
def city_briefing(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    city = get_city_for_user(request.user, pk)
    board = reads.city_dashboard(city, _wanted_month(request), limit=None)
    return _briefing_response(request, briefing.city_briefing(board), fmt, board, city)


@login_required
def programme_briefing(request: HttpRequest, pk: int, fmt: str = "html") -> HttpResponse:
    item = get_object_or_404(Programme, pk=pk)
    board = reads.programme_dashboard(item, visible_cities(request.user), _wanted_month(request), limit=None)
    return _briefing_response(request, briefing.programme_briefing(board), fmt, board)


@login_required
def thresholds(request: HttpRequest) -> HttpResponse:
    """The status thresholds: the province's admins set them for everyone."""
    scope = scope_for(request.user)
    if not (scope.superuser or (scope.all_cities and Membership.Role.ADMIN in scope.roles)):
        raise PermissionDenied
    current = StatusThresholds.objects.filter(pk=1).first()
    form = ThresholdsForm(request.POST or None, instance=current or StatusThresholds())
    if request.method == "POST" and form.is_valid():
        services.thresholds_set(
            green_ratio=form.cleaned_data["green_ratio"], amber_ratio=form.cleaned_data["amber_ratio"], user=request.user
        )
        messages.success(request, _("阈值已保存，各驾驶舱将在重新计算后按新阈值显示。"))
        return redirect("dashboards:thresholds")
    changes = current.history.select_related("history_user").order_by("-history_date")[:20] if current else []
    return render(request, "dashboards/thresholds.html", {"form": form, "current": current, "changes": changes})

"""The dashboards' figures as JSON: the same summary tables and the same access helpers as
the 驾驶舱 pages, for a month (?as_of=2025-06; by default the latest one computed)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.dashboards import reads, versions
from portal.dashboards.models import Tally
from portal.dashboards.views import cache_key, get_city_for_user, get_plan_for_user, get_unit_for_user, visible_cities
from tasks.models import Programme

AS_OF = OpenApiParameter("as_of", OpenApiTypes.STR, description=gettext_lazy("月份，如 2025-06；缺省为最近一个已汇总的月份"))


def tally(row: Tally | None) -> dict | None:
    if row is None:
        return None
    counts = {status: getattr(row, f"n_{status}") for status in ("done", "green", "amber", "red", "overdue", "no_data")}
    return {**counts, "total": row.total, "completion": row.completion, "has_sample": row.has_sample}


def months(values: list[date]) -> list[str]:
    return [f"{d:%Y-%m}" for d in values]


def month(value: date | None) -> str | None:
    return f"{value:%Y-%m}" if value else None


class DashboardView(APIView):
    def cached(self, key: tuple, build, scopes) -> Response:
        """The figures, kept in the cache until a rollup changes the scopes they show, as the
        pages keep theirs (access is checked before: the key names the object and what the
        caller may see)."""
        seconds = settings.DASHBOARD_CACHE_SECONDS
        if not seconds:
            return Response(build())
        body_key = cache_key("api:dashboards:", (*key, self.request.query_params.get("as_of", "").strip()[:10]), scopes)
        body = cache.get(body_key)
        if body is None:
            body = build()
            cache.set(body_key, body, seconds)
        return Response(body)

    def wanted(self) -> date | None:
        text = self.request.query_params.get("as_of", "").strip()
        if not text:
            return None
        try:
            return reads.parse_month(text)
        except reads.BadMonth:
            raise ValidationError({"as_of": _("日期“%(text)s”无效，应为“年-月”，例如 2026-10。") % {"text": text[:20]}}) from None


def head(key: str, obj, label: str, board) -> dict:
    """What every dashboard answers first: the object, the month shown, the months there are,
    and (where it has one) its own tally."""
    out = {key: obj.pk, label: getattr(obj, label), "as_of": month(board.as_of), "months": months(board.months)}
    if hasattr(board, "summary"):
        out["tally"] = tally(board.summary)
    return out


def measure_row(row) -> dict:
    return {"measure": row.measure_id, "code": row.measure.code if hasattr(row, "measure") else None,
            "plan": row.plan_id, "status": row.status, "completion": row.completion, "lateness": row.lateness,
            "has_sample": row.has_sample}


class CitiesView(DashboardView):
    @extend_schema(summary=gettext_lazy("各城市进度汇总"), parameters=[AS_OF], responses=OpenApiTypes.OBJECT, operation_id="dashboards_cities_list")
    def get(self, request):
        cities, wanted = visible_cities(request.user), self.wanted()

        def build():
            data = reads.overview(cities, wanted)
            return {
                "as_of": month(data.as_of), "months": months(data.months),
                "cities": [{"city": city.pk, "name": city.name, "latest": month(latest), "tally": tally(summary)}
                           for city, summary, latest in data.rows],
            }

        return self.cached(("cities", ",".join(str(c.pk) for c in cities)), build,
                           versions.city_scopes(c.pk for c in cities))


class CityView(DashboardView):
    @extend_schema(summary=gettext_lazy("城市驾驶舱：方案、专项、滞后单位和措施"), parameters=[AS_OF], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        city, wanted = get_city_for_user(request.user, pk), self.wanted()
        return self.cached(("city", city.pk), lambda: self.figures(reads.city_dashboard(city, wanted)),
                           versions.city_scopes([city.pk]))

    @staticmethod
    def figures(board) -> dict:
        return {
            **head("city", board.city, "name", board),
            "trend": [{"as_of": month(s.as_of), "tally": tally(s)} for s in board.trend],
            "plans": [{"plan": s.plan_id, "title": s.plan.title, "time_elapsed": s.time_elapsed, "tally": tally(s)}
                      for s in board.plans],
            "programmes": [{"programme": s.programme_id, "name": s.programme.name, "tally": tally(s)} for s in board.programmes],
            "lagging_units": [{"unit": s.unit_id, "name": s.unit.name, "tally": tally(s)} for s in board.lagging_units],
            "lagging_measures": [measure_row(s) for s in board.lagging_measures],
        }


class ProgrammeView(DashboardView):
    @extend_schema(summary=gettext_lazy("专项：各城市对比"), parameters=[AS_OF], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        programme, cities, wanted = get_object_or_404(Programme, pk=pk), visible_cities(request.user), self.wanted()
        return self.cached(("programme", programme.pk, ",".join(str(c.pk) for c in cities)),
                           lambda: self.figures(programme, reads.programme_dashboard(programme, cities, wanted)),
                           versions.programme_scopes(programme.pk))

    @staticmethod
    def figures(programme, board) -> dict:
        return {
            **head("programme", programme, "name", board),
            "cities": [{"city": city.pk, "name": city.name, "tally": tally(summary)} for city, summary in board.rows],
            "indicators": [{
                "indicator": c.indicator.pk, "name": c.indicator.name, "unit": c.indicator.unit,
                "cities": {str(city_id): [{"target": row.target_id, "plan": row.plan_id,
                                           "actual": row.point.actual if row.point else None,
                                           "completion": row.point.completion if row.point else None,
                                           "status": row.point.status if row.point else None} for row in rows]
                           for city_id, rows in c.cells.items()},
                "results": {str(city_id): [{"year": r.year, "value": r.value} for r in results]
                            for city_id, results in c.results.items()},
            } for c in board.comparisons],
            "lagging_measures": [measure_row(s) for s in board.lagging_measures],
        }


class PlanView(DashboardView):
    @extend_schema(summary=gettext_lazy("方案：任务和措施的状态"), parameters=[AS_OF], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        plan, wanted = get_plan_for_user(request.user, pk), self.wanted()
        return self.cached(("plan", plan.pk), lambda: self.figures(reads.plan_dashboard(plan, wanted)),
                           [("plan", plan.pk)])

    @staticmethod
    def figures(board) -> dict:
        return {
            **head("plan", board.plan, "title", board),
            "tasks": [{"task": task.pk, "number": task.number, "light": task.light, "tally": tally(task.summary),
                       "measures": [{"measure": m.pk, "code": m.code,
                                     "status": m.summary.status if m.summary else None,
                                     "completion": m.summary.completion if m.summary else None} for m in task.measure_list]}
                      for section in board.sections for task in section["tasks"]],
        }


class UnitView(DashboardView):
    @extend_schema(summary=gettext_lazy("单位：牵头和配合的措施，按滞后程度"), parameters=[AS_OF], responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        unit, wanted = get_unit_for_user(request.user, pk), self.wanted()
        return self.cached(("unit", unit.pk), lambda: self.figures(reads.unit_dashboard(unit, wanted)),
                           [("unit", unit.pk)])

    @staticmethod
    def figures(board) -> dict:
        return {
            **head("unit", board.unit, "name", board),
            "measures": [{**measure_row(row), "role": row.role} for row in board.measures],
        }

"""ECharts options built from summary rows: plain dicts, rendered with json_script and drawn
by static/dashboards/charts.js. A chart may carry links: a click on a slice or a bar opens
the list of measures behind it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import rollups
from .models import Status
from .templatetags.dashboards_tags import measures_url, month

COLORS = {
    Status.DONE: "#0d6efd",
    Status.GREEN: "#198754",
    Status.AMBER: "#ffc107",
    Status.RED: "#dc3545",
    Status.OVERDUE: "#6f1d1b",
    Status.NO_DATA: "#adb5bd",
}
LABELS = dict(Status.choices)


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 1)


def _label(status) -> str:
    return str(LABELS[status])


def status_chart(summary, **filters) -> dict | None:
    if summary is None:
        return None
    data, links = [], {}
    for status in rollups.STATUSES:
        count = summary.count(status)
        if count:
            data.append({"name": _label(status), "value": count, "itemStyle": {"color": COLORS[status]}})
            links[_label(status)] = measures_url(summary.as_of, status, city=getattr(summary, "city_id", None), **filters)
    return {
        "option": {
            "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
            "legend": {"bottom": 0},
            "series": [{"type": "pie", "radius": ["45%", "72%"], "data": data, "label": {"formatter": "{b}\n{c}"}}],
        },
        "links": links,
    }


def trend_chart(rows) -> dict | None:
    """Measures per status month by month (stacked), with the mean completion as a line."""
    if not rows:
        return None
    months = [month(r.as_of) for r in rows]
    series = [
        {"name": _label(s), "type": "bar", "stack": "status", "itemStyle": {"color": COLORS[s]},
         "data": [r.count(s) for r in rows]}
        for s in rollups.STATUSES
    ]
    series.append({"name": _("平均完成率"), "type": "line", "yAxisIndex": 1, "smooth": True,
                   "data": [_pct(r.completion) for r in rows], "itemStyle": {"color": "#212529"}})
    return {"option": {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 50, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": months},
        "yAxis": [{"type": "value", "name": _("措施数"), "minInterval": 1},
                  {"type": "value", "name": _("完成率"), "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": series,
    }}


def programmes_chart(rows) -> dict | None:
    rows = [r for r in rows if r.programme.parent_id is None and r.total]
    if not rows:
        return None
    return {"option": {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 90, "right": 30, "top": 10, "bottom": 30},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "inverse": True, "data": [r.programme.name for r in rows]},
        "series": [{"type": "bar", "name": _("平均完成率"), "data": [_pct(r.completion) for r in rows],
                    "itemStyle": {"color": "#0d6efd"}, "label": {"show": True, "position": "right", "formatter": "{c}%"}}],
    }}


def _stacked_by_city(rows, as_of_of) -> dict | None:
    rows = [(city, s) for city, s in rows if s is not None]
    if not rows:
        return None
    names = [city.short_name for city, _s in rows]
    links = {}
    series = []
    for status in rollups.STATUSES:
        series.append({"name": _label(status), "type": "bar", "stack": "status", "itemStyle": {"color": COLORS[status]},
                       "data": [s.count(status) for _c, s in rows]})
        for city, s in rows:
            links[f"{_label(status)}|{city.short_name}"] = as_of_of(city, s, status)
    series.append({"name": _("平均完成率"), "type": "line", "yAxisIndex": 1,
                   "data": [_pct(s.completion) for _c, s in rows], "itemStyle": {"color": "#212529"}})
    return {"option": {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 50, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": names},
        "yAxis": [{"type": "value", "name": _("措施数"), "minInterval": 1},
                  {"type": "value", "name": _("完成率"), "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": series,
    }, "links": links}


def cities_chart(rows) -> dict | None:
    return _stacked_by_city([(city, s) for city, s, _latest in rows],
                            lambda city, s, status: measures_url(s.as_of, status, city=city.pk))


def programme_cities_chart(rows) -> dict | None:
    return _stacked_by_city(rows, lambda city, s, status: measures_url(s.as_of, status, city=city.pk,
                                                                         programme=s.programme_id))


def programme_trend_chart(board) -> dict | None:
    if not board.months:
        return None
    months = board.months
    series = []
    for city in board.cities:
        by_month = {s.as_of: s for s in board.trend.get(city.pk, [])}
        if by_month:
            series.append({"name": city.short_name, "type": "line", "connectNulls": False,
                           "data": [_pct(by_month[m].completion) if m in by_month else None for m in months]})
    return {"option": {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 50, "right": 20, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": [month(m) for m in months]},
        "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "series": series,
    }}


def target_chart(target, rows) -> dict | None:
    """Actual against the target and, for additive targets, the path it should follow."""
    if not rows:
        return None
    months = [month(r.as_of) for r in rows]
    series = [{
        "name": _("实际完成"), "type": "line", "itemStyle": {"color": "#0d6efd"},
        "data": [None if r.actual is None else float(r.actual) for r in rows],
        "markLine": {"symbol": "none", "lineStyle": {"color": "#dc3545"},
                     "data": [{"yAxis": float(target.value), "name": _("目标")}],
                     "label": {"formatter": _("目标 {c}")}},
    }]
    if any(r.expected is not None for r in rows):
        series.append({"name": _("时序目标"), "type": "line", "lineStyle": {"type": "dashed"},
                       "itemStyle": {"color": "#6c757d"},
                       "data": [None if r.expected is None else round(r.expected, 2) for r in rows]})
    return {"option": {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 70, "right": 30, "top": 30, "bottom": 50},
        "xAxis": {"type": "category", "data": months},
        "yAxis": {"type": "value", "name": target.unit},
        "series": series,
    }}

"""What the dashboards read: the summary tables only (plus names from the ledger), a fixed
number of queries per page whatever the number of values behind them.

`as_of` is always the last day of a month. Who may see what is decided in views.py; these
functions take the cities (and units) already allowed.
"""

from __future__ import annotations

import calendar
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from indicators.models import RecordedResult, Target
from tasks.models import Measure, Plan, Programme, Responsibility, Task
from units.collectives import covering
from units.models import Region, Unit

from . import rollups
from .models import (
    CitySummary,
    MeasureSummary,
    PlanSummary,
    ProgrammeCitySummary,
    RollupRun,
    Status,
    TargetSeries,
    TaskSummary,
    UnitSummary,
)

LAGGING = (Status.OVERDUE, Status.RED)
SEVERITY_ORDER = Case(
    *[When(status=s, then=Value(rank)) for s, rank in rollups.SEVERITY.items()],
    output_field=IntegerField(),
)


class BadMonth(ValueError):
    pass


@functools.lru_cache(maxsize=1)
def _measures_url() -> str:
    return reverse("dashboards:measures")


@dataclass(frozen=True, slots=True)
class Cell:
    """A count of measures in one status, rendered as a link to the list of those measures."""

    status: str
    count: int
    url: str

    def __str__(self) -> str:  # the template engine calls str() before it looks for __html__
        return mark_safe(self.__html__())

    def __html__(self) -> str:
        if not self.count:
            return f'<span class="status-count status-{self.status} zero">0</span>'
        return f'<a class="status-count status-{self.status}" href="{escape(self.url)}">{self.count}</a>'


def measures_link(as_of: date | None, status: str = "", **filters) -> str:
    params = {"as_of": f"{as_of:%Y-%m}"} if as_of else {}
    if status:
        params["status"] = status
    params.update({k: v for k, v in filters.items() if v not in (None, "")})
    return f"{_measures_url()}?{urlencode(params)}"


def with_cells(rows, as_of: date | None, **filters_from_row):
    """Give each tally row its cells: filters_from_row maps a list filter to the row's
    attribute (plan="plan_id"), or to a fixed value."""
    for row in rows:
        if row is None:
            continue
        filters = {k: getattr(row, v) if isinstance(v, str) else v for k, v in filters_from_row.items()}
        base = measures_link(as_of, "", **filters)
        row.cells = [Cell(s, row.count(s), f"{base}&status={s}") for s in rollups.STATUSES]
    return rows


def summary_version() -> int:
    """Changes whenever a rollup job writes: the id of the latest run."""
    return RollupRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def parse_month(text: str) -> date:
    """'2026-10' → 2026-10-31."""
    try:
        year, month = (int(part) for part in text.strip().split("-")[:2])
        return date(year, month, calendar.monthrange(year, month)[1])
    except (ValueError, TypeError, calendar.IllegalMonthError):
        raise BadMonth(text) from None


def pick_month(available: list[date], wanted: date | None, today: date | None = None) -> date | None:
    """The month asked for if it has figures; else the month that is now, with what has been
    approved so far (an approval made today shows today); else the last month before it;
    else the latest there is."""
    if not available:
        return None
    if wanted is not None and wanted in available:
        return wanted
    today = today or timezone.localdate()
    now = rollups.month_end(today)
    if now in available:
        return now
    over = [m for m in available if m < now]
    return max(over) if over else max(available)


def trend_window(rows: list, as_of: date | None, plans) -> list:
    """A trend over the months of the plans in force at the chosen month, up to it: from the
    first January of those plans (never a 2020 plan's months and a 2026 plan's on one axis)."""
    if as_of is None:
        return []
    starts = [start for start, end in plans if start <= as_of.year <= end]
    first = date(min(starts) if starts else as_of.year, 1, 1)
    return [row for row in rows if first <= row.as_of <= as_of]


def _plan_years(plans) -> list[tuple[int, int]]:
    return list(plans.values_list("year_start", "year_end"))


def city_of_unit(unit: Unit) -> int:
    region = unit.region
    return region.pk if region.kind in (Region.Kind.CITY, Region.Kind.PROVINCE) else region.parent_id


def worst_status(tally) -> str:
    """A task's or a plan's light: the worst status it has, no data only when nothing else."""
    for status in sorted(rollups.STATUSES, key=rollups.SEVERITY.__getitem__):
        if tally.count(status):
            return status
    return Status.NO_DATA


# --- overview --------------------------------------------------------------------------


@dataclass
class Overview:
    as_of: date | None
    months: list[date]
    rows: list[tuple[Region, CitySummary | None, date | None]]  # city, its summary, its latest month
    programmes: list[Programme]


def overview(cities: list[Region], wanted: date | None) -> Overview:
    summaries = list(CitySummary.objects.filter(city__in=cities).order_by("as_of"))
    months = sorted({s.as_of for s in summaries})
    as_of = pick_month(months, wanted)
    by_city: dict[int, dict[date, CitySummary]] = defaultdict(dict)
    for s in summaries:
        by_city[s.city_id][s.as_of] = s
    rows = [
        (city, by_city[city.pk].get(as_of), max(by_city[city.pk]) if by_city[city.pk] else None) for city in cities
    ]
    with_cells([summary for _city, summary, _latest in rows], as_of, city="city_id")
    programmes = list(Programme.objects.filter(parent__isnull=True).prefetch_related("children"))
    return Overview(as_of, months, rows, programmes)


# --- city ------------------------------------------------------------------------------


@dataclass
class CityDashboard:
    city: Region
    as_of: date | None
    months: list[date]
    summary: CitySummary | None
    trend: list[CitySummary]
    plans: list[PlanSummary] = field(default_factory=list)
    programmes: list[ProgrammeCitySummary] = field(default_factory=list)
    lagging_units: list[UnitSummary] = field(default_factory=list)
    lagging_measures: list[MeasureSummary] = field(default_factory=list)


def _lagging_measures(queryset, limit: int | None):
    """Overdue, then red, each by how far behind time elapsed; the first `limit` of them.

    The order comes from an index on the summary alone (overdue sorts before red by itself);
    only the rows shown are then joined to their measures.
    """
    assert sorted(LAGGING) == [Status.OVERDUE, Status.RED]
    ordered = queryset.filter(status__in=LAGGING).order_by("status", "-lateness", "measure_id")
    if limit:
        ids = list(ordered.values_list("pk", flat=True)[:limit])
        ordered = MeasureSummary.objects.filter(pk__in=ids).order_by(
            "status", "-lateness", "measure_id"
        )
    return list(
        ordered.select_related("measure", "task", "plan").prefetch_related(
            Prefetch("measure__responsibilities", queryset=Responsibility.objects.select_related("unit").order_by("role", "id"))
        )
    )


def city_dashboard(city: Region, wanted: date | None, *, limit: int | None = 10) -> CityDashboard:
    trend = list(CitySummary.objects.filter(city=city).order_by("as_of"))
    months = [s.as_of for s in trend]
    as_of = pick_month(months, wanted)
    summary = next((s for s in trend if s.as_of == as_of), None)
    trend = trend_window(trend, as_of, _plan_years(Plan.objects.filter(city=city)))
    board = CityDashboard(city, as_of, months, summary, trend)
    if as_of is None:
        return board
    with_cells([summary], as_of, city=city.pk)
    board.plans = list(PlanSummary.objects.filter(city=city, as_of=as_of).select_related("plan").order_by("plan__year_start", "plan_id"))
    board.programmes = list(
        ProgrammeCitySummary.objects.filter(city=city, as_of=as_of).select_related("programme")
        .order_by("programme__order", "programme_id")
    )
    units = (
        UnitSummary.objects.filter(city=city, as_of=as_of)
        .filter(Q(n_red__gt=0) | Q(n_overdue__gt=0))
        .select_related("unit")
        .order_by("-n_overdue", "-n_red", "unit__name")
    )
    board.lagging_units = list(units[:limit] if limit else units)
    board.lagging_measures = _lagging_measures(MeasureSummary.objects.filter(city=city, as_of=as_of), limit)
    with_cells(board.plans, as_of, plan="plan_id")
    with_cells(board.programmes, as_of, city=city.pk, programme="programme_id")
    with_cells(board.lagging_units, as_of, unit="unit_id")
    return board


# --- programme -------------------------------------------------------------------------


@dataclass
class Comparison:
    """One indicator across cities: targets with their figures, and published results."""

    indicator: object
    cells: dict[int, list[TargetSeries]]  # each with .point, the target at the month
    results: dict[int, list[RecordedResult]]


@dataclass
class ProgrammeDashboard:
    programme: Programme
    as_of: date | None
    months: list[date]
    cities: list[Region]
    rows: list[tuple[Region, ProgrammeCitySummary | None]]
    trend: dict[int, list[ProgrammeCitySummary]]
    comparisons: list[Comparison]
    lagging_measures: list[MeasureSummary] = field(default_factory=list)


def programme_subtree(programme: Programme) -> list[int]:
    parents = dict(Programme.objects.values_list("pk", "parent_id"))
    ids, frontier = {programme.pk}, [programme.pk]
    while frontier:
        frontier = [pk for pk, parent in parents.items() if parent in frontier and pk not in ids]
        ids.update(frontier)
    return sorted(ids)


def programme_dashboard(programme: Programme, cities: list[Region], wanted: date | None, *,
                        limit: int | None = 10) -> ProgrammeDashboard:
    summaries = list(ProgrammeCitySummary.objects.filter(programme=programme, city__in=cities).order_by("as_of"))
    months = sorted({s.as_of for s in summaries})
    as_of = pick_month(months, wanted)
    trend: dict[int, list[ProgrammeCitySummary]] = defaultdict(list)
    for s in trend_window(summaries, as_of, _plan_years(Plan.objects.filter(city__in=cities))):
        trend[s.city_id].append(s)
    current = {s.city_id: s for s in summaries if s.as_of == as_of}
    rows = [(city, current.get(city.pk)) for city in cities]
    with_cells([summary for _city, summary in rows], as_of, city="city_id", programme=programme.pk)
    subtree = programme_subtree(programme)
    comparisons: list[Comparison] = []
    lagging: list[MeasureSummary] = []
    if as_of is not None:
        # The indicators this programme's targets measure, in any city; then every city's
        # targets of those indicators, whatever task they sit under (广州 puts 粤菜师傅
        # training under 百千万工程), each as it stands at the month, or at its plan's end
        # if that came before.
        indicators = Target.objects.filter(measure__task__programme_id__in=subtree, indicator__isnull=False).values(
            "indicator_id"
        )
        figures = (
            TargetSeries.objects.filter(indicator_id__in=indicators, city__in=cities, first_as_of__lte=as_of)
            .select_related("target", "indicator", "plan")
            .order_by("indicator__name", "city_id", "plan__year_start", "target_id")
        )
        by_indicator: dict[int, Comparison] = {}
        for row in figures:
            row.point = row.point_at(as_of)
            comparison = by_indicator.setdefault(row.indicator_id, Comparison(row.indicator, defaultdict(list), defaultdict(list)))
            comparison.cells[row.city_id].append(row)
        for result in RecordedResult.objects.filter(indicator_id__in=by_indicator, city__in=cities).order_by("year"):
            by_indicator[result.indicator_id].results[result.city_id].append(result)
        comparisons = list(by_indicator.values())
        lagging = _lagging_measures(
            MeasureSummary.objects.filter(programme_id__in=subtree, city__in=cities, as_of=as_of), limit
        )
    return ProgrammeDashboard(programme, as_of, months, cities, rows, trend, comparisons, lagging)


# --- plan ------------------------------------------------------------------------------


@dataclass
class PlanDashboard:
    plan: object
    as_of: date | None
    months: list[date]
    summary: PlanSummary | None
    trend: list[PlanSummary]
    sections: list[dict]


def plan_dashboard(plan, wanted: date | None) -> PlanDashboard:
    trend = list(PlanSummary.objects.filter(plan=plan).order_by("as_of"))
    months = [s.as_of for s in trend]
    as_of = pick_month(months, wanted)
    summary = next((s for s in trend if s.as_of == as_of), None)
    with_cells([summary], as_of, plan=plan.pk)
    tasks_at = {t.task_id: t for t in with_cells(TaskSummary.objects.filter(plan=plan, as_of=as_of), as_of, task="task_id")}
    measures_at = {m.measure_id: m for m in MeasureSummary.objects.filter(plan=plan, as_of=as_of)}
    measures_of: dict[int, list] = defaultdict(list)
    for measure in Measure.objects.filter(task__plan=plan).order_by("task_id", "seq"):
        measure.summary = measures_at.get(measure.pk)
        measures_of[measure.task_id].append(measure)
    sections: list[dict] = []
    for task in Task.objects.filter(plan=plan).select_related("section", "programme").order_by("number"):
        if not sections or sections[-1]["section"] != task.section:
            sections.append({"section": task.section, "tasks": []})
        task.summary = tasks_at.get(task.pk)
        task.light = worst_status(task.summary) if task.summary else Status.NO_DATA
        task.measure_list = measures_of[task.pk]
        sections[-1]["tasks"].append(task)
    return PlanDashboard(plan, as_of, months, summary, trend_window(trend, as_of, [(plan.year_start, plan.year_end)]),
                         sections)


# --- unit ------------------------------------------------------------------------------


@dataclass
class UnitDashboard:
    unit: Unit
    as_of: date | None
    months: list[date]
    summary: UnitSummary | None
    trend: list[UnitSummary]
    measures: list[MeasureSummary]


def unit_dashboard(unit: Unit, wanted: date | None) -> UnitDashboard:
    trend = list(UnitSummary.objects.filter(unit=unit).order_by("as_of"))
    months = [s.as_of for s in trend]
    as_of = pick_month(months, wanted)
    summary = next((s for s in trend if s.as_of == as_of), None)
    with_cells([summary], as_of, unit=unit.pk)
    answering = [unit.pk, *covering([unit.pk])]  # its own name, and the collectives (各镇街) it is in
    roles = {}
    for measure_id, unit_id, role in Responsibility.objects.filter(unit_id__in=answering).values_list(
        "measure_id", "unit_id", "role"
    ):
        if unit_id == unit.pk or measure_id not in roles:
            roles[measure_id] = role
    measures = sorted(
        MeasureSummary.objects.filter(as_of=as_of, measure_id__in=list(roles)).select_related("measure", "task", "plan"),
        key=lambda row: rollups.lateness_rank(row.status, row.lateness, row.measure_id),
    ) if as_of else []
    for row in measures:
        row.role = roles.get(row.measure_id)
    plans = Plan.objects.filter(tasks__measures__responsibilities__unit_id__in=answering).distinct()
    return UnitDashboard(unit, as_of, months, summary, trend_window(trend, as_of, _plan_years(plans)), measures)


# --- measure ---------------------------------------------------------------------------


def measure_figures(measure) -> tuple[list[MeasureSummary], dict[int, list]]:
    statuses = list(MeasureSummary.objects.filter(measure=measure).order_by("as_of"))
    by_target = {row.target_id: row.series() for row in TargetSeries.objects.filter(measure=measure).select_related("target")}
    return statuses, by_target

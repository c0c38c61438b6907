"""Filters of the API's lists (django-filter): ?plan=…&programme=… and the like."""

import django_filters as filters

from indicators.models import Indicator, Period, ProgressReport, RecordedResult
from tasks.models import Measure, Plan, Task


class PlanFilter(filters.FilterSet):
    year = filters.NumberFilter(method="in_force", label="年份")

    class Meta:
        model = Plan
        fields = ["city", "frequency"]

    def in_force(self, queryset, name, value):
        return queryset.filter(year_start__lte=value, year_end__gte=value)


class TaskFilter(filters.FilterSet):
    class Meta:
        model = Task
        fields = ["plan", "programme", "section"]


class MeasureFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="task__plan")
    programme = filters.NumberFilter(field_name="task__programme")
    city = filters.NumberFilter(field_name="task__plan__city")
    unit = filters.NumberFilter(method="of_unit", label="责任单位")

    class Meta:
        model = Measure
        fields = ["task", "plan", "programme", "city", "unit"]

    def of_unit(self, queryset, name, value):
        return queryset.filter(responsibilities__unit_id=value).distinct()


class IndicatorFilter(filters.FilterSet):
    class Meta:
        model = Indicator
        fields = ["code"]


class PeriodFilter(filters.FilterSet):
    start_after = filters.DateFilter(field_name="start", lookup_expr="gte")
    start_before = filters.DateFilter(field_name="start", lookup_expr="lte")

    class Meta:
        model = Period
        fields = ["plan", "is_open", "start_after", "start_before"]


class RecordedResultFilter(filters.FilterSet):
    class Meta:
        model = RecordedResult
        fields = ["city", "indicator", "year"]


class ReportFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="measure__task__plan")
    updated_after = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")

    class Meta:
        model = ProgressReport
        fields = ["measure", "unit", "period", "state", "plan", "updated_after"]

from datetime import date

import django_filters
from django import forms
from django.db.models import BigIntegerField, Case, CharField, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks.models import Plan, Programme, Responsibility
from units.models import Unit

from .models import Period, ProgressReport

DONE = [ProgressReport.State.SUBMITTED, ProgressReport.State.APPROVED]


def month_choices(today: date) -> list[tuple[str, str]]:
    """Months from 2020 to the end of next year, newest first."""
    months = []
    for year in range(today.year + 1, 2019, -1):
        for month in range(12, 0, -1):
            months.append((f"{year}-{month:02d}", f"{year}年{month}月"))
    return months


def answered_by(scope, *roles: str):
    """The responsibilities a user reports on (or reviews, by role): his units' own, and those
    of a collective (各镇街) that stands for one of them, each with the unit that answers for it
    (acting_unit_id, acting_unit_name): the unit itself, or his member of the collective."""
    own = scope.unit_ids(*roles)
    rows = Responsibility.objects.filter(unit_id__in=scope.answering_unit_ids(*roles))
    members = {c: min(m & own) for c, m in scope.collectives.items() if m & own and c not in own}
    if not members:
        return rows.annotate(acting_unit_id=F("unit_id"), acting_unit_name=F("unit__name"))
    names = dict(Unit.objects.filter(pk__in=set(members) | set(members.values())).values_list("pk", "name"))
    for collective, member in members.items():
        # A town that answers for the measure in its own name has its own row already.
        rows = rows.exclude(Q(unit_id=collective) & Exists(
            Responsibility.objects.filter(measure=OuterRef("measure"), unit_id=member)))
    return rows.annotate(
        acting_unit_id=Case(*(When(unit_id=c, then=Value(m)) for c, m in members.items()), default=F("unit_id"),
                            output_field=BigIntegerField()),
        acting_unit_name=Case(*(When(unit_id=c, then=Value(f"{names[m]}（{names[c]}）")) for c, m in members.items()),
                              default=F("unit__name"), output_field=CharField()),
    )


def with_period_state(responsibilities, *, day: date, today: date):
    """Annotate each (measure, acting unit: see answered_by) with the plan's period containing `day`, the state of the
    unit's newest report for it, and how many open periods are past due with nothing submitted."""
    plan = OuterRef("measure__task__plan")
    period = Period.objects.filter(plan=plan, start__lte=day, end__gte=day)
    latest = ProgressReport.objects.filter(
        measure=OuterRef("measure"), unit=OuterRef("acting_unit_id"), period__plan=plan, period__start__lte=day, period__end__gte=day
    ).order_by("-version")
    submitted = ProgressReport.objects.filter(
        period=OuterRef("pk"), measure=OuterRef(OuterRef("measure")), unit=OuterRef(OuterRef("acting_unit_id")), state__in=DONE
    )
    overdue = (
        Period.objects.filter(plan=plan, is_open=True, due_date__lt=today)
        .filter(~Exists(submitted))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return responsibilities.annotate(
        period_id=Subquery(period.values("pk")[:1]),
        period_start=Subquery(period.values("start")[:1]),
        period_end=Subquery(period.values("end")[:1]),
        period_due=Subquery(period.values("due_date")[:1]),
        period_open=Subquery(period.values("is_open")[:1]),
        report_id=Subquery(latest.values("pk")[:1]),
        report_state=Subquery(latest.values("state")[:1]),
        overdue_count=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    )


class MyTaskFilter(django_filters.FilterSet):
    """我的任务: plan, programme, status and period. The period is a month; each plan shows
    its period containing it (a quarter where the plan reports quarterly)."""

    STATUS_CHOICES = [
        ("missing", _("未填报")),
        ("draft", _("草稿")),
        ("returned", _("已退回")),
        ("submitted", _("已提交")),
        ("approved", _("已通过")),
        ("overdue", _("有逾期")),
    ]

    month = django_filters.ChoiceFilter(label=_("周期"), method="filter_nothing", empty_label=_("本期"))
    plan = django_filters.ModelChoiceFilter(label=_("工作方案"), field_name="measure__task__plan", queryset=Plan.objects.none())
    programme = django_filters.ModelChoiceFilter(label=_("专项"), method="filter_programme", queryset=Programme.objects.all())
    status = django_filters.ChoiceFilter(label=_("状态"), choices=STATUS_CHOICES, method="filter_status")

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.today = timezone.localdate()
        self.filters["month"].extra["choices"] = month_choices(self.today)
        self.filters["plan"].queryset = Plan.objects.visible_to(request.user).order_by("city_id", "-year_start")
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    @property
    def day(self) -> date:
        value = self.form.cleaned_data.get("month") if self.form.is_valid() else None
        if value:
            year, month = map(int, value.split("-"))
            return date(year, month, 1)
        return self.today

    def filter_queryset(self, queryset):
        queryset = with_period_state(queryset, day=self.day, today=self.today)
        return super().filter_queryset(queryset)

    def filter_nothing(self, queryset, name, value):
        return queryset  # the month is applied by the annotation above

    def filter_programme(self, queryset, name, value):
        return queryset.filter(Q(measure__task__programme=value) | Q(measure__task__programme__parent=value))

    def filter_status(self, queryset, name, value):
        if value == "overdue":
            return queryset.filter(overdue_count__gt=0)
        if value == "missing":
            return queryset.filter(period_id__isnull=False, report_state__isnull=True)
        return queryset.filter(report_state=value)


class ReviewFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(label=_("工作方案"), field_name="period__plan", queryset=Plan.objects.none())
    unit = django_filters.CharFilter(label=_("填报单位"), field_name="unit__name", lookup_expr="icontains",
                                     widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))

    class Meta:
        model = ProgressReport
        fields = ["plan", "unit"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        self.filters["plan"].queryset = Plan.objects.visible_to(request.user)
        self.form.fields["plan"].widget.attrs["class"] = "form-select form-select-sm"

"""Summary tables the dashboards read, the dirty scopes waiting for a recompute, and the
status thresholds an admin sets.

Every summary row is keyed by `as_of`, the last day of a month: the figures as they stood at
the end of that month, counting the approved values of periods started by then (a target
keeps its months in one TargetSeries row). The
denormalised columns (plan, city, programme …) are there so that a dashboard is one indexed
read; they carry no database constraint so that a full rebuild of a million rows is not a
million foreign-key checks. Deleting a plan, a measure or a target still deletes its rows
(Django cascades them).
"""

import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator, ProgressReport, Target
from tasks.models import Measure, Plan, Programme, Task
from units.models import Region, Unit

from .rollups import TargetRow, figures_at, month_end, month_ends


class Status(models.TextChoices):
    DONE = "done", _("已完成")
    GREEN = "green", _("正常")
    AMBER = "amber", _("预警")
    RED = "red", _("滞后")
    OVERDUE = "overdue", _("逾期")
    NO_DATA = "no_data", _("无数据")


def _ref(model, *, owner: bool = False, **kwargs):
    """A foreign key without a database constraint or an index of its own (each table
    declares the composite indexes it is read by): cascaded by Django when `owner`."""
    return models.ForeignKey(
        model,
        on_delete=models.CASCADE if owner else models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        **kwargs,
    )


class Tally(models.Model):
    """Counts of measures per status and the sum of their targets' capped completion."""

    n_done = models.PositiveIntegerField(_("已完成"), default=0)
    n_green = models.PositiveIntegerField(_("正常"), default=0)
    n_amber = models.PositiveIntegerField(_("预警"), default=0)
    n_red = models.PositiveIntegerField(_("滞后"), default=0)
    n_overdue = models.PositiveIntegerField(_("逾期"), default=0)
    n_no_data = models.PositiveIntegerField(_("无数据"), default=0)
    completion_sum = models.FloatField(default=0)
    completion_n = models.PositiveIntegerField(default=0)
    n_sample = models.PositiveIntegerField(_("含示例数据的措施"), default=0)

    TALLY_FIELDS = (
        "n_done", "n_green", "n_amber", "n_red", "n_overdue", "n_no_data", "completion_sum", "completion_n", "n_sample",
    )

    class Meta:
        abstract = True

    @property
    def total(self) -> int:
        return self.n_done + self.n_green + self.n_amber + self.n_red + self.n_overdue + self.n_no_data

    @property
    def completion(self) -> float | None:
        return self.completion_sum / self.completion_n if self.completion_n else None

    @property
    def has_sample(self) -> bool:
        return self.n_sample > 0

    @property
    def lagging(self) -> int:
        return self.n_red + self.n_overdue

    def count(self, status: str) -> int:
        return getattr(self, f"n_{status}")


@dataclass(frozen=True)
class Point:
    """A target at one month's end (one entry of TargetSeries.points)."""

    as_of: date
    actual: Decimal | None
    expected: float | None
    completion: float | None
    time_elapsed: float
    status: str
    sample: bool

    def get_status_display(self) -> str:
        return Status(self.status).label


class TargetSeries(models.Model):
    """A target month by month, in one row: what the measure chart and the cross-city
    comparison read. (One row per target rather than per target and month keeps a full
    rebuild of a million values to tens of thousands of rows.)

    `points` is compact JSON, one entry per month from `first_as_of` to `last_as_of`:
    [actual, status]; time elapsed, completion and trajectory follow from them and the target.
    """

    target = models.OneToOneField(Target, on_delete=models.CASCADE, db_constraint=False, related_name="+")
    measure = _ref(Measure, owner=True)
    plan = _ref(Plan, owner=True)
    city = _ref(Region)
    programme = _ref(Programme)
    indicator = _ref(Indicator, null=True)
    first_as_of = models.DateField(_("起始月"))
    last_as_of = models.DateField(_("截止月"))
    has_sample = models.BooleanField(_("含示例数据"), default=False)
    points = models.TextField(_("逐月数据"))

    class Meta:
        verbose_name = _("目标逐月进度")
        verbose_name_plural = _("目标逐月进度")
        indexes = [
            models.Index(fields=["measure"], name="targetseries_measure"),
            models.Index(fields=["plan"], name="targetseries_plan"),
            # The programme dashboard compares cities on the targets that have an indicator.
            models.Index(fields=["indicator", "city"], condition=Q(indicator__isnull=False), name="targetseries_indicator"),
        ]

    def series(self, target: Target | None = None) -> list[Point]:
        """The months, with time elapsed, completion and (additive targets) trajectory."""
        target = target or self.target
        row = TargetRow(target.pk, target.kind, target.comparator, target.value, target.value_max, target.unit,
                        target.period_start, target.period_end)
        points = []
        for as_of, (actual, status) in zip(month_ends(self.first_as_of, self.last_as_of), json.loads(self.points)):
            actual = None if actual is None else Decimal(actual)
            elapsed, completion, expected = figures_at(row, as_of, actual, timezone.localdate())
            points.append(Point(as_of, actual, expected, completion, elapsed, status, self.has_sample))
        return points

    def point_at(self, as_of: date) -> Point | None:
        """The target at a month; at its last month if the month is later; None if earlier.

        Worked out for the one month as series() works out every month (a programme page
        reads one month of hundreds of targets). A day within a month reads the month
        before, as series() does: the last month's end the figures were taken at.
        """
        month = min(as_of, self.last_as_of)
        if month != month_end(month):
            month = month.replace(day=1) - timedelta(days=1)
        if month < self.first_as_of:
            return None
        index = (month.year - self.first_as_of.year) * 12 + month.month - self.first_as_of.month
        actual, status = json.loads(self.points)[index]
        actual = None if actual is None else Decimal(actual)
        target = self.target
        row = TargetRow(target.pk, target.kind, target.comparator, target.value, target.value_max, target.unit,
                        target.period_start, target.period_end)
        elapsed, completion, expected = figures_at(row, month, actual, timezone.localdate())
        return Point(month, actual, expected, completion, elapsed, status, self.has_sample)


class MeasureSummary(models.Model):
    measure = _ref(Measure, owner=True)
    as_of = models.DateField(_("截至"))
    task = _ref(Task)
    plan = _ref(Plan, owner=True)
    city = _ref(Region)
    programme = _ref(Programme)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    completion_sum = models.FloatField(default=0)
    completion_n = models.PositiveSmallIntegerField(default=0)
    targets_n = models.PositiveSmallIntegerField(default=0)
    lateness = models.FloatField(
        _("滞后程度"), default=-2.0, help_text=_("时序进度减完成率，取各目标中最大者；没有数字时为 -2")
    )
    has_sample = models.BooleanField(_("含示例数据"), default=False)

    class Meta:
        verbose_name = _("措施进度汇总")
        verbose_name_plural = _("措施进度汇总")
        constraints = [models.UniqueConstraint(fields=["measure", "as_of"], name="measuresummary_unique")]
        # Few indexes: each one costs an incremental write a little. The city and programme
        # ones hand the lagging list over in order (worst first).
        indexes = [
            models.Index(fields=["plan", "as_of", "status"], name="measuresummary_plan"),
            models.Index(
                F("city"), F("as_of"), F("status"), F("lateness").desc(), name="measuresummary_city"
            ),
            models.Index(
                F("programme"), F("as_of"), F("status"), F("lateness").desc(),
                name="measuresummary_programme",
            ),
        ]

    @property
    def completion(self) -> float | None:
        return self.completion_sum / self.completion_n if self.completion_n else None


class TaskSummary(Tally):
    task = _ref(Task, owner=True)
    as_of = models.DateField(_("截至"))
    plan = _ref(Plan, owner=True)
    city = _ref(Region)
    programme = _ref(Programme)

    class Meta:
        verbose_name = _("任务进度汇总")
        verbose_name_plural = _("任务进度汇总")
        constraints = [models.UniqueConstraint(fields=["task", "as_of"], name="tasksummary_unique")]
        indexes = [
            models.Index(fields=["plan", "as_of"], name="tasksummary_plan"),
            models.Index(fields=["city", "programme", "as_of"], name="tasksummary_programme"),
        ]


class PlanSummary(Tally):
    plan = _ref(Plan, owner=True)
    as_of = models.DateField(_("截至"))
    city = _ref(Region)
    time_elapsed = models.FloatField(_("时序进度"))
    is_final = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("方案进度汇总")
        verbose_name_plural = _("方案进度汇总")
        constraints = [models.UniqueConstraint(fields=["plan", "as_of"], name="plansummary_unique")]
        indexes = [models.Index(fields=["city", "as_of"], name="plansummary_city")]


class CitySummary(Tally):
    """A city at a month: the plans in force then."""

    city = _ref(Region, owner=True)
    as_of = models.DateField(_("截至"))
    plans_n = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("城市进度汇总")
        verbose_name_plural = _("城市进度汇总")
        constraints = [models.UniqueConstraint(fields=["city", "as_of"], name="citysummary_unique")]


class ProgrammeCitySummary(Tally):
    """A programme and everything under it (三项工程 counts 粤菜师傅 …) in one city."""

    programme = _ref(Programme, owner=True)
    city = _ref(Region, owner=True)
    as_of = models.DateField(_("截至"))

    class Meta:
        verbose_name = _("专项进度汇总")
        verbose_name_plural = _("专项进度汇总")
        constraints = [
            models.UniqueConstraint(fields=["programme", "city", "as_of"], name="programmecitysummary_unique")
        ]
        indexes = [models.Index(fields=["city", "as_of"], name="programmecitysummary_city")]


class UnitSummary(Tally):
    """The measures a unit leads or supports."""

    unit = _ref(Unit, owner=True)
    as_of = models.DateField(_("截至"))
    city = _ref(Region)

    class Meta:
        verbose_name = _("单位进度汇总")
        verbose_name_plural = _("单位进度汇总")
        constraints = [models.UniqueConstraint(fields=["unit", "as_of"], name="unitsummary_unique")]
        indexes = [models.Index(fields=["city", "as_of"], name="unitsummary_city")]


class MeasureUnit(models.Model):
    """The units a measure was last counted under (its responsibilities then).

    An incremental recompute takes the measure's old figures out of these units' tallies
    and adds its new ones to its current units, instead of adding up every measure of a
    busy unit again.
    """

    measure = _ref(Measure, owner=True)
    unit = _ref(Unit, owner=True)

    class Meta:
        verbose_name = _("措施责任单位（汇总时）")
        verbose_name_plural = _("措施责任单位（汇总时）")
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], name="measureunit_unique")]


class DirtyScope(models.Model):
    """Measures whose figures changed and wait for a recompute (or, after a measure is
    deleted, the plan, city and units that counted it).

    Rows are only ever inserted by the web side (never updated, so marking never waits for a
    running job) and deleted by the job that recomputed them, in the same transaction as its
    writes: a job that dies leaves them here for the next job or the periodic sweep.
    """

    class Kind(models.TextChoices):
        MEASURE = "measure", _("措施")
        PLAN = "plan", _("方案")
        CITY = "city", _("城市")
        UNIT = "unit", _("单位")
        ALL = "all", _("全部")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.MEASURE)
    object_id = models.BigIntegerField(null=True, blank=True)
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("待重算范围")
        verbose_name_plural = _("待重算范围")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id or ''}"


class RollupRun(models.Model):
    """One run of a rollup job: what it recomputed and how long it took."""

    class Kind(models.TextChoices):
        INCREMENTAL = "incremental", _("增量重算")
        FULL = "full", _("全量重建")

    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    started_at = models.DateTimeField(_("开始"))
    seconds = models.FloatField(_("耗时（秒）"))
    measures = models.PositiveIntegerField(_("措施数"), default=0)
    plans = models.PositiveIntegerField(_("方案数"), default=0)

    class Meta:
        verbose_name = _("汇总运行记录")
        verbose_name_plural = _("汇总运行记录")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"


class StatusThresholds(models.Model):
    """How far behind time elapsed a target may be before it turns amber, then red.

    One row (pk=1). green: completion ≥ green_ratio × time elapsed; amber: ≥ amber_ratio ×
    time elapsed; red below that.
    """

    green_ratio = models.DecimalField(_("绿灯系数"), max_digits=4, decimal_places=2, default=1)
    amber_ratio = models.DecimalField(_("黄灯系数"), max_digits=4, decimal_places=2, default="0.80")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()  # every change of the lights, who made it and when

    class Meta:
        verbose_name = _("红黄绿灯阈值")
        verbose_name_plural = _("红黄绿灯阈值")
        constraints = [
            models.CheckConstraint(
                condition=Q(amber_ratio__gt=0) & Q(amber_ratio__lte=models.F("green_ratio")) & Q(green_ratio__lte=2),
                name="thresholds_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.green_ratio} / {self.amber_ratio}"


class SampleReport(models.Model):
    """Marks a progress report the demo made up (load_demo): shown as 示例数据 wherever it counts."""

    report = models.OneToOneField(ProgressReport, on_delete=models.CASCADE, related_name="sample_marker")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("示例进度报告")
        verbose_name_plural = _("示例进度报告")

    def __str__(self) -> str:
        return str(self.report_id)

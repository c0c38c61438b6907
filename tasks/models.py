from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from units.models import Region, Unit

from .querysets import MeasureQuerySet, PlanQuerySet, ProgrammeQuerySet, TaskQuerySet


class Programme(models.Model):
    """A cross-city classification of tasks (专项): 就业创业, 三项工程 › 粤菜师傅 …"""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级专项"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("专项")
        verbose_name_plural = _("专项")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """A city's work plan (工作方案 / 工作计划) for one year or several."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("按月")
        QUARTERLY = "quarterly", _("按季度")

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="plans")
    slug = models.SlugField(_("代码"), max_length=60, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    year_start = models.PositiveSmallIntegerField(_("起始年"))
    year_end = models.PositiveSmallIntegerField(_("结束年"))
    frequency = models.CharField(_("报告周期"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY)
    source_document = models.CharField(_("来源文件"), max_length=200, blank=True)
    # A plan taken in while under way reports from this month on: its earlier periods are
    # created closed, never overdue, and no reminder is sent for them.
    reporting_from = models.DateField(
        _("开始填报月份"), null=True, blank=True,
        help_text=_("此前的周期关闭、不计逾期、不催办；留空则从方案起始月份开始填报。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作方案")
        verbose_name_plural = _("工作方案")
        ordering = ["city_id", "-year_start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["city", "title"], name="plan_unique_title_in_city"),
            models.CheckConstraint(condition=Q(year_end__gte=F("year_start")), name="plan_years_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years_label(self) -> str:
        if self.year_start == self.year_end:
            return f"{self.year_start}"
        return f"{self.year_start}—{self.year_end}"


class Section(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    seq = models.PositiveSmallIntegerField(_("顺序"))
    number = models.CharField(_("编号"), max_length=10)
    title = models.CharField(_("标题"), max_length=300)

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["plan_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["plan", "seq"], name="section_unique_seq")]

    def __str__(self) -> str:
        return f"{self.number}、{self.title}"


class Task(models.Model):
    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section, verbose_name=_("章节"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("任务"), max_length=500)
    programme = models.ForeignKey(Programme, verbose_name=_("专项"), on_delete=models.PROTECT, related_name="tasks")

    objects = TaskQuerySet.as_manager()
    history = HistoricalRecords()  # a renamed task keeps its old title (#16.7)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan_id", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Measure(models.Model):
    """A work measure (工作措施) of a task: what is done, by whom, by when."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="measures")
    seq = models.PositiveSmallIntegerField(_("顺序"))
    text = models.TextField(_("工作措施"))
    deadline_text = models.CharField(_("完成时限"), max_length=50, blank=True)
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    recurring = models.BooleanField(_("每年"), default=False, help_text=_("每年重复的措施"))
    goal = models.TextField(
        _("定性目标"), blank=True, help_text=_("没有数值的目标（如“零就业家庭动态清零”），按各单位自评判断完成情况")
    )

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("工作措施")
        verbose_name_plural = _("工作措施")
        ordering = ["task_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["task", "seq"], name="measure_unique_seq")]

    def __str__(self) -> str:
        return f"{self.task.number}.{self.seq} {self.text[:40]}"

    @property
    def code(self) -> str:
        return f"{self.task.number}.{self.seq}"


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        SUPPORT = "support", _("配合")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="responsibilities")
    role = models.CharField(_("职责"), max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["measure_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit"], name="responsibility_unique_unit"),
            models.CheckConstraint(condition=Q(role__in=["lead", "support"]), name="responsibility_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}（{self.get_role_display()}）"

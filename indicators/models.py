from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tasks.models import Measure, Plan
from units.models import Region, Unit

from .querysets import IndicatorQuerySet, NotificationQuerySet, PeriodQuerySet, ProgressReportQuerySet


class Indicator(models.Model):
    """Something measured the same way in every city (城镇新增就业, 城镇登记失业率 …)."""

    code = models.SlugField(_("代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    unit = models.CharField(_("计量单位"), max_length=10)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IndicatorAlias(models.Model):
    name = models.CharField(_("别名"), max_length=100, unique=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        verbose_name = _("指标别名")
        verbose_name_plural = _("指标别名")

    def __str__(self) -> str:
        return self.name


class TargetKind(models.TextChoices):
    FLOW_ANNUAL = "flow_annual", _("年度流量")
    FLOW_CUMULATIVE = "flow_cumulative", _("累计流量")
    STOCK = "stock", _("存量")
    CEILING = "ceiling", _("上限")
    RATE = "rate", _("比率")
    RANGE = "range", _("区间")


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"
    BETWEEN = "between", _("区间")


class Target(models.Model):
    """A number a measure must reach, in base units, with the sentence it came from."""

    measure = models.ForeignKey(Measure, verbose_name=_("工作措施"), on_delete=models.CASCADE, related_name="targets")
    seq = models.PositiveSmallIntegerField(_("顺序"))
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=TargetKind.choices)
    comparator = models.CharField(_("比较"), max_length=10, choices=Comparator.choices)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    value_max = models.DecimalField(_("上限值"), max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10)
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    phrase = models.CharField(_("目标指标"), max_length=500, help_text=_("目标的原文表述"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["measure_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "seq"], name="target_unique_seq"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_non_negative"),
            models.CheckConstraint(
                condition=Q(comparator__in=["gte", "lte", "between"]), name="target_comparator_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k for k, _label in TargetKind.choices]), name="target_kind_valid"
            ),
            # A range has both ends in order; nothing else has an upper end.
            models.CheckConstraint(
                condition=(Q(comparator="between", value_max__isnull=False, value_max__gte=F("value")))
                | (~Q(comparator="between") & Q(value_max__isnull=True)),
                name="target_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ceiling") | Q(comparator="lte"), name="target_ceiling_is_at_most"
            ),
            models.CheckConstraint(
                condition=~Q(kind="range") | Q(comparator="between"), name="target_range_is_between"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="target_period_ordered"),
        ]

    def __str__(self) -> str:
        return self.phrase

    @property
    def is_additive(self) -> bool:
        return self.kind in {TargetKind.FLOW_ANNUAL, TargetKind.FLOW_CUMULATIVE, TargetKind.RANGE}


class RecordedResult(models.Model):
    """A result a city reported for a year (江门 2019 城镇新增就业 47118 人), from a public document."""

    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="results")
    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="results")
    year = models.PositiveSmallIntegerField(_("年份"))
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("计量单位"), max_length=10)
    phrase = models.CharField(_("原文"), max_length=500)
    source_document = models.CharField(_("来源文件"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("实际完成（已公布）")
        verbose_name_plural = _("实际完成（已公布）")
        ordering = ["city_id", "indicator_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "city", "year"], name="result_unique_per_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="result_value_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year} {self.indicator}: {self.value}{self.unit}"


def period_label(start, end) -> str:
    """2024年3月, or 2024年第1季度 for a quarter."""
    if (end - start).days > 31:
        return _("%(year)s年第%(quarter)s季度") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
    return _("%(year)s年%(month)s月") % {"year": start.year, "month": start.month}


class Period(models.Model):
    """A reporting period of a plan (a month, or a quarter where the plan says so).

    Admins open and close periods; reopening a closed one needs a reason, which the
    period's history keeps (history_change_reason).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    start = models.DateField(_("开始"))
    end = models.DateField(_("结束"))
    due_date = models.DateField(_("报送截止"))
    is_open = models.BooleanField(_("开放填报"), default=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("填报周期")
        verbose_name_plural = _("填报周期")
        ordering = ["plan_id", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "start"], name="period_unique_start"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def is_quarter(self) -> bool:
        return (self.end - self.start).days > 31

    @property
    def label(self) -> str:
        return period_label(self.start, self.end)

    def has_started(self, today) -> bool:
        return self.start <= today

    def is_late(self, today) -> bool:
        return today > self.due_date


class ProgressReport(models.Model):
    """One unit's report on one measure for one period. Approved versions are never edited."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已提交")
        APPROVED = "approved", _("已通过")
        RETURNED = "returned", _("已退回")

    class SelfStatus(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        ON_TRACK = "on_track", _("正常推进")
        BEHIND = "behind", _("滞后")
        DONE = "done", _("已完成")

    measure = models.ForeignKey(Measure, verbose_name=_("工作措施"), on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, verbose_name=_("填报周期"), on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    narrative = models.TextField(_("进展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下一步计划"), blank=True)
    self_status = models.CharField(_("自评状态"), max_length=12, choices=SelfStatus.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Optimistic locking: every save bumps it; a save based on an older revision is refused.
    revision = models.PositiveIntegerField(_("修订号"), default=0)

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("进度报告")
        verbose_name_plural = _("进度报告")
        ordering = ["period_id", "measure_id", "unit_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "unit", "period", "version"], name="report_unique_version"),
            # At most one version in the works (draft, submitted or returned) at a time;
            # earlier approved versions stay as they were.
            models.UniqueConstraint(
                fields=["measure", "unit", "period"], condition=~Q(state="approved"), name="report_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "submitted", "approved", "returned"]), name="report_state_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_version_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} · {self.unit} · {self.period} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.state in {self.State.DRAFT, self.State.RETURNED}


class ActualValue(models.Model):
    """The value a report gives for one target; it counts once its report is approved.

    Rates are carried as numerator and denominator so that units combine honestly. A value
    the filer confirmed although it looked implausible (indicators.services.doubts) keeps
    the reason it was doubted, for the reviewer and the history.
    """

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="actuals")
    value = models.DecimalField(_("实际值"), max_digits=20, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("分子"), max_digits=20, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("分母"), max_digits=20, decimal_places=4, null=True, blank=True)
    doubt = models.CharField(_("存疑原因"), max_length=500, blank=True,
                             help_text=_("数值异常、经填报人确认提交的原因"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("实际值")
        verbose_name_plural = _("实际值")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="actual_unique_per_report"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="actual_non_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="actual_denominator_positive"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0), name="actual_numerator_non_negative"
            ),
        ]


class Evidence(models.Model):
    """A file attached to a report (a notice, a photo, a table), its type read from its content."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        PNG = "png", _("PNG 图片")
        JPEG = "jpeg", _("JPEG 图片")
        DOCX = "docx", _("Word 文档")
        XLSX = "xlsx", _("Excel 表格")
        OLE = "ole", _("Word/Excel 97-2003 文档")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["report_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["pdf", "png", "jpeg", "docx", "xlsx", "ole"]), name="evidence_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message to one user in the portal: a reminder, a report to review, a report returned."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("催办")
        ESCALATION = "escalation", _("逾期提醒")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已通过")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class Reminder(models.Model):
    """A reminder sent for one missing report; automatic ones are sent once per kind."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        LATE = "late", _("逾期未报")
        ESCALATED = "escalated", _("逾期上报审核员")
        MANUAL = "manual", _("人工催办")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminders")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "unit", "period", "kind"], condition=~Q(kind="manual"), name="reminder_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.period}"

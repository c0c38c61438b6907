"""督办: supervision notices (督办单) with 签收 and answers, closing (销号) and extension (延期)
requests, warnings (预警) with their webhook deliveries, and the scoring (考核评分) of units.

Every row that moves through states keeps its history (django-simple-history); the measure's
page merges them into its change log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Period
from tasks.models import Measure, Plan
from units.models import Region, Unit

USER = settings.AUTH_USER_MODEL


class Notice(models.Model):
    """A 督办单 to one responsible unit of a measure: what is asked, by when, how loudly."""

    class Level(models.TextChoices):
        REMIND = "remind", _("提醒")
        SUPERVISE = "supervise", _("督办")
        LISTED = "listed", _("挂牌督办")

    class State(models.TextChoices):
        OPEN = "open", _("待签收")
        ACKNOWLEDGED = "acknowledged", _("已签收")
        RETURNED = "returned", _("已退回")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已办结")

    measure = models.ForeignKey(Measure, verbose_name=_("工作措施"), on_delete=models.CASCADE, related_name="notices")
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="notices")
    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("督办级别"), max_length=10, choices=Level.choices, default=Level.SUPERVISE)
    request = models.TextField(_("督办事项"))
    answer_by = models.DateField(_("答复期限"))
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.OPEN)
    issued_by = models.ForeignKey(USER, verbose_name=_("发出人"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("发出时间"), default=timezone.now)
    acknowledged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    suggested_unit = models.ForeignKey(Unit, verbose_name=_("建议承办单位"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    answer = models.TextField(_("答复内容"), blank=True)
    answered_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The reminder job's compare-and-swap: the next time an unanswered notice is repeated.
    next_nag_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报领导时间"), null=True, blank=True)
    reissued_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["answer_by", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=["remind", "supervise", "listed"]), name="notice_level_valid"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "acknowledged", "returned", "answered", "closed"]), name="notice_state_valid"
            ),
        ]
        indexes = [models.Index(fields=["city", "state"], name="notice_city_state")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.measure.code} · {self.unit.name}"

    @property
    def is_pending(self) -> bool:
        return self.state in {self.State.OPEN, self.State.ACKNOWLEDGED}

    def is_overdue(self, today=None) -> bool:
        return self.is_pending and (today or timezone.localdate()) > self.answer_by


def evidence_path(instance, filename: str) -> str:
    return timezone.now().strftime("supervision/%Y/%m/") + filename


class Attachment(models.Model):
    """Evidence attached to a notice's answer or to a closing request, checked by content."""

    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    closure = models.ForeignKey("Closure", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("督办佐证材料")
        verbose_name_plural = _("督办佐证材料")
        constraints = [
            models.CheckConstraint(condition=Q(notice__isnull=False) | Q(closure__isnull=False), name="attachment_has_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Closure(models.Model):
    """办结申请 → reviewer check → leader sign-off (已销号) or return, with a reason."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        CHECKED = "checked", _("待领导审定")
        CLOSED = "closed", _("已销号")
        RETURNED = "returned", _("已退回")

    measure = models.ForeignKey(Measure, verbose_name=_("工作措施"), on_delete=models.CASCADE, related_name="closures")
    unit = models.ForeignKey(Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    statement = models.TextField(_("完成情况说明"))
    unmet_reason = models.TextField(_("目标未达标的理由"), blank=True)
    targets_met = models.BooleanField(_("目标已达标"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    applied_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    checked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("销号申请")
        verbose_name_plural = _("销号申请")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["measure"], condition=Q(state__in=["submitted", "checked", "closed"]),
                                    name="closure_one_live_per_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} · {self.get_state_display()}"


class Extension(models.Model):
    """延期申请: filed before the deadline; approved, it moves the measure's deadline."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    measure = models.ForeignKey(Measure, verbose_name=_("工作措施"), on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey(Unit, verbose_name=_("申请单位"), on_delete=models.PROTECT, related_name="+")
    original_deadline = models.DateField(_("原完成时限"))
    requested_deadline = models.DateField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    applied_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    comment = models.TextField(_("审批意见"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-applied_at", "-id"]

    def __str__(self) -> str:
        return f"{self.measure.code} → {self.requested_deadline}"


class Webhook(models.Model):
    """An outgoing group-robot webhook of a unit or of a whole city."""

    class Format(models.TextChoices):
        WECOM = "wecom", _("企业微信群机器人")
        DINGTALK = "dingtalk", _("钉钉群机器人")
        JSON = "json", _("通用 JSON")

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text=_("留空表示全市"))
    name = models.CharField(_("名称"), max_length=100)
    format = models.CharField(_("格式"), max_length=10, choices=Format.choices)
    url = models.URLField(_("地址"), max_length=500)
    secret = models.CharField(_("签名密钥"), max_length=200, blank=True, help_text=_("钉钉“加签”密钥；通用 JSON 用作 HMAC 密钥"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("推送地址")
        verbose_name_plural = _("推送地址")
        ordering = ["city_id", "unit_id", "id"]

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    """A 预警, sent once: its `key` says what it is about (measure, unit, period, kind)."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("措施临近完成时限")
        PERIOD_DUE = "period_due", _("填报临近截止")
        RED_TWICE = "red_twice", _("连续两期滞后")
        NOTICE_REPEAT = "notice_repeat", _("督办单未答复")
        NOTICE_ESCALATED = "notice_escalated", _("督办单逾期上报领导")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    measure = models.ForeignKey(Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="warnings")
    city = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    to_leader = models.BooleanField(_("送领导"), default=False)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One alert posted to one webhook: its body, status and attempts."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已送达")
        FAILED = "failed", _("失败")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    response_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["alert", "webhook"], name="delivery_once_per_webhook")]


class Scheme(models.Model):
    """A scoring scheme (考核方案) of a city for a year, or of one plan."""

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text=_("留空表示该市当年全部方案"))
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("名称"), max_length=100)
    base = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=100,
                               help_text=_("扣分制填 100；基础分加减分制填基础分"))
    floor_at_zero = models.BooleanField(_("最低 0 分"), default=True)
    outside_share = models.DecimalField(_("外部评议占比"), max_digits=4, decimal_places=2, default=0,
                                        help_text=_("如 0.40 表示群众评议占 40%"))
    grades = models.CharField(_("等次"), max_length=200, default="优秀:90:15,良好:80,合格:60,不合格:0",
                              help_text=_("名称:最低分[:名额百分比]，由高到低，逗号分隔"))
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["city_id", "-year", "id"]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    """One rule of a scheme; `points` per item (signed), or the weight of a proportional rule."""

    class Kind(models.TextChoices):
        LATE_REPORT = "late_report", _("每期逾期报送")
        OVERDUE_MEASURE = "overdue_measure", _("每项逾期未完成措施")
        CLOSED_ON_TIME = "closed_on_time", _("每项按时销号措施")
        RETURNED_REPORT = "returned_report", _("每次报告被退回")
        NOTICE_LATE = "notice_late", _("每张督办单逾期未答复")
        COMPLETION = "completion", _("目标完成率（按权重）")
        ON_TIME_RATE = "on_time_rate", _("按时报送率（分档）")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("规则"), max_length=20, choices=Kind.choices)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=2,
                                 help_text=_("每项加分为正、扣分为负；完成率规则为权重"))
    cap = models.DecimalField(_("上限"), max_digits=6, decimal_places=2, null=True, blank=True,
                              help_text=_("本规则最多加（扣）的分数"))
    thresholds = models.CharField(_("分档"), max_length=200, blank=True,
                                  help_text=_("按时报送率分档，如 95:10,85:8,0:5（率≥95% 得 10 分…）"))

    class Meta:
        verbose_name = _("评分规则")
        verbose_name_plural = _("评分规则")
        ordering = ["scheme_id", "id"]


class OutsideScore(models.Model):
    """A unit's score from an outside evaluation (群众评议), entered by the admin, 0–100."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="outside_scores")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(_("评议得分"), max_digits=6, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="outside_score_unique")]


class ScoreSummary(models.Model):
    """A unit's score under a scheme as of a month end: written by the scoring job."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="summaries")
    as_of = models.DateField(_("截至"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    rules_score = models.DecimalField(_("规则得分"), max_digits=8, decimal_places=2)
    outside_score = models.DecimalField(_("评议得分"), max_digits=8, decimal_places=2, null=True)
    score = models.DecimalField(_("总分"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    grade = models.CharField(_("等次"), max_length=20)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "as_of", "unit"], name="score_summary_unique")]


class ScoreItem(models.Model):
    """One line of a score's drill-down: which rule, about what, how many points."""

    summary = models.ForeignKey(ScoreSummary, on_delete=models.CASCADE, related_name="items")
    rule = models.ForeignKey(Rule, null=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=300)
    points = models.DecimalField(max_digits=8, decimal_places=2)
    measure = models.ForeignKey(Measure, null=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["summary_id", "id"]

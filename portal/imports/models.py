from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tasks.models import Plan
from units.models import Region

from .ledger.read import FIELD_LABELS


class QueuedJob(models.Model):
    """A job whose row is the queue (the broker only wakes a worker): when it last asked for a
    worker, when a worker took it (one conditional UPDATE; empty while it waits) and how many
    times. ImportJob and DraftJob share it, and the sweep re-sends what waited."""

    enqueued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("开始处理时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("处理次数"), default=0)

    class Meta:
        abstract = True

    @classmethod
    def claim(cls, pk: int, *, waiting: str, running: str, **values) -> bool:
        """Take the job if it waits in `waiting` and nobody holds it: exactly one caller wins."""
        return bool(
            cls.objects.filter(pk=pk, status=waiting, claimed_at=None).update(
                status=running, claimed_at=timezone.now(), attempts=F("attempts") + 1, **values
            )
        )


class ImportJob(QueuedJob):
    """One uploaded ledger on its way into a plan: the file, the admin's choices, the preview
    and, once confirmed, what the import did. A Celery job does the work; the page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        READING = "reading", _("正在读取")
        NEEDS_SHEET = "needs_sheet", _("请选择工作表")
        PREVIEWED = "previewed", _("待确认")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    RUNNING = (Status.QUEUED, Status.READING, Status.IMPORTING)

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        Plan, verbose_name=_("工作方案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    plan_title = models.CharField(_("工作方案"), max_length=200)
    year_start = models.PositiveSmallIntegerField(_("起始年"), null=True, blank=True)
    year_end = models.PositiveSmallIntegerField(_("结束年"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200)
    # Kept in the database, so that a worker on another machine reads the same bytes.
    content = models.BinaryField(_("文件内容"))
    size = models.PositiveIntegerField(_("大小（字节）"))
    sheet = models.CharField(_("工作表"), max_length=100, blank=True)
    sheets = models.JSONField(_("可选工作表"), default=list, blank=True)
    header_mapping = models.JSONField(_("列名对应"), default=dict, blank=True)
    unit_choices = models.JSONField(_("单位对应"), default=dict, blank=True)
    # sheet!row of a results sheet → the indicator the admin chose for it (0: leave the row out)
    result_choices = models.JSONField(_("已完成结果对应指标"), default=dict, blank=True)
    # sheet!row → field → value: what the admin corrected in the preview (the file is kept as sent)
    cell_edits = models.JSONField(_("预览中的修改"), default=dict, blank=True)
    skip_bad_rows = models.BooleanField(_("跳过有错误的行"), default=False)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    progress_label = models.CharField(_("当前步骤"), max_length=50, blank=True)
    preview = models.JSONField(_("预览"), null=True, blank=True)
    summary = models.JSONField(_("导入结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who pressed 确认导入: the import's changes are recorded in the history under his name.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("台账导入")
        verbose_name_plural = _("台账导入")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="importjob_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.plan_title}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def years(self) -> tuple[int, int] | None:
        return (self.year_start, self.year_end) if self.year_start else None


class Remembered(models.Model):
    """What an admin decided once and the import applies again: who decided it last, and when."""

    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class HeaderMapping(Remembered):
    """A column header a bureau uses that the reader did not know, and the field the bureau's
    admin said it means (or nothing, to leave the column out): remembered for the next file."""

    FIELD_CHOICES = [(name, label) for name, label in FIELD_LABELS.items()] + [("", _("忽略此列"))]

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.CASCADE, related_name="+")
    header = models.CharField(_("列名"), max_length=100)
    field = models.CharField(_("对应字段"), max_length=20, choices=FIELD_CHOICES, blank=True)

    class Meta:
        verbose_name = _("列名对应")
        verbose_name_plural = _("列名对应")
        ordering = ["city_id", "header"]
        constraints = [models.UniqueConstraint(fields=["city", "header"], name="headermapping_unique_in_city")]

    def __str__(self) -> str:
        return f"{self.header} → {self.get_field_display()}"

    @classmethod
    def for_city(cls, city_id: int) -> dict[str, str]:
        return dict(cls.objects.filter(city_id=city_id).values_list("header", "field"))


class RememberedCorrection(Remembered):
    """A row correction (or 专项 choice) an admin made in a preview and imported: applied
    again to the same row when the plan's ledger is uploaded again, so that an unchanged
    re-upload has nothing to do. The row is known by what the file held in it (row_key), not
    by its number: a row moved by a corrected file keeps its correction; a row the bureau
    changed in the file is taken as the file now has it."""

    plan = models.ForeignKey(Plan, verbose_name=_("工作方案"), on_delete=models.CASCADE, related_name="+")
    row_key = models.CharField(_("原行内容摘要"), max_length=64)
    changes = models.JSONField(_("修改"), default=dict)

    class Meta:
        verbose_name = _("记住的修改")
        verbose_name_plural = _("记住的修改")
        constraints = [models.UniqueConstraint(fields=["plan", "row_key"], name="correction_unique_row_in_plan")]

    def __str__(self) -> str:
        return f"{self.plan} · {self.row_key[:8]}"

    @classmethod
    def for_plan(cls, plan: Plan | None) -> dict[str, dict[str, str]]:
        if plan is None or plan.pk is None:
            return {}
        return dict(cls.objects.filter(plan=plan).values_list("row_key", "changes"))


class DraftJob(QueuedJob):
    """A plan text too long to draft within a request (DRAFTING_MAX_CHARACTERS), drafted by a
    Celery job. As with ImportJob the row is the queue: a worker claims it with one conditional
    UPDATE and the sweep sends again what waited. Once drafted, a ledger opens in an import job
    (`import_job`), a download or a 总结's results are kept here (`result`)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        DRAFTING = "drafting", _("正在生成")
        DONE = "done", _("已生成")
        FAILED = "failed", _("失败")

    class Action(models.TextChoices):
        PREVIEW = "preview", _("生成并预览")
        DOWNLOAD = "download", _("下载 Excel 草稿")

    RUNNING = (Status.QUEUED, Status.DRAFTING)

    city = models.ForeignKey(Region, verbose_name=_("城市"), on_delete=models.PROTECT, related_name="+")
    year_start = models.PositiveSmallIntegerField(_("起始年"))
    year_end = models.PositiveSmallIntegerField(_("结束年"))
    title = models.CharField(_("方案标题"), max_length=200, blank=True)
    text = models.TextField(_("方案正文"))
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices, default=Action.PREVIEW)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_label = models.CharField(_("当前步骤"), max_length=80, blank=True)
    error = models.TextField(_("错误"), blank=True)
    notices = models.JSONField(_("提示"), default=list, blank=True)
    is_summary = models.BooleanField(_("年度总结"), default=False)
    results = models.JSONField(_("已完成结果"), default=list, blank=True)
    result_name = models.CharField(_("文件名"), max_length=250, blank=True)
    result = models.BinaryField(_("生成的台账"), null=True, blank=True)
    import_job = models.ForeignKey(
        ImportJob, verbose_name=_("台账导入"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("方案生成台账")
        verbose_name_plural = _("方案生成台账")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title or f"{self.city} {self.year_start}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

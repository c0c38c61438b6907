"""Plan texts drafted into ledgers, in the request or, past DRAFTING_MAX_CHARACTERS, by a
Celery job (DraftJob) with a page that follows it. Both end the same way (draft_outcome): a
ledger opens in an import job's preview or downloads as .xlsx; a 总结 gives its results.

The job's row is the queue, as for import jobs (services.py): the request records it and
answers whatever the broker does; a worker claims it with one conditional UPDATE, so a message
sent twice drafts once; beat's sweep sends again what waited past IMPORTS_RESEND_AFTER_SECONDS
and fails, with a message, a job whose worker has held it past IMPORTS_STALE_AFTER_SECONDS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from portal.celery import enqueue
from tasks.models import Plan
from units.models import Region

from . import services
from .drafting import Draft, draft_from_text, draft_to_xlsx
from .models import DraftJob, ImportJob

WAITING_FOR_BROKER = "排队中，服务恢复后自动继续"


@dataclass
class DraftOutcome:
    drafted: Draft
    content: bytes = b""
    file_name: str = ""
    import_job: ImportJob | None = None
    error: str = ""


def draft_text(*, text: str, city: Region, year_start: int, year_end: int, title: str = "") -> Draft:
    return draft_from_text(
        text, city=city.name, year_start=year_start, year_end=year_end, title=title.strip(),
        indicator_names=tuple(Indicator.objects.values_list("name", flat=True)),
    )


def draft_outcome(*, drafted: Draft, user, city: Region, year_start: int, year_end: int, action: str) -> DraftOutcome:
    """What a draft becomes: a 总结's results workbook, a ledger workbook to download, or an
    import job previewing it (the same title in the city is that plan: a re-draft updates it)."""
    if drafted.kind == "summary":
        # A 总结 sets no target: its figures are results, in the workbook's 已完成结果 sheet.
        return DraftOutcome(drafted, draft_to_xlsx(drafted), f"{drafted.title}（已完成结果）.xlsx")
    if not drafted.measures:
        return DraftOutcome(drafted, error=_("正文中没有识别出任务或措施：方案应有（一）、一、或 1. / 一是 等编号，或以句号分句"))
    outcome = DraftOutcome(drafted, draft_to_xlsx(drafted), f"{drafted.title}（草稿）.xlsx")
    if action == DraftJob.Action.DOWNLOAD:
        return outcome
    plan = Plan.objects.filter(city=city, title=drafted.title).first()
    try:
        outcome.import_job = services.import_job_create(
            user=user, city=city, plan=plan, title=drafted.title, years=None if plan else (year_start, year_end),
            file_name=outcome.file_name, content=outcome.content,
        )
    except services.UploadRefused as exc:
        outcome.error = str(exc)
    return outcome


def draft_job_create(*, user, city: Region, year_start: int, year_end: int, title: str, text: str, action: str) -> DraftJob:
    job = DraftJob.objects.create(city=city, year_start=year_start, year_end=year_end, title=title[:200], text=text,
                                  action=action if action in DraftJob.Action.values else DraftJob.Action.PREVIEW,
                                  created_by=user)
    transaction.on_commit(lambda: _send(job))
    return job


def draft_job_run(*, job_id: int) -> DraftJob | None:
    """The worker's part: claim the job (once, however often it was sent), draft, record."""
    claimed = DraftJob.claim(job_id, waiting=DraftJob.Status.QUEUED, running=DraftJob.Status.DRAFTING,
                             progress_label="正在识别部分、任务、措施和目标")
    if not claimed:
        return None
    job = DraftJob.objects.select_related("city", "created_by").get(pk=job_id)
    try:
        drafted = draft_text(text=job.text, city=job.city, year_start=job.year_start, year_end=job.year_end,
                             title=job.title)
        DraftJob.objects.filter(pk=job.pk).update(progress_label="正在生成台账")
        outcome = draft_outcome(drafted=drafted, user=job.created_by, city=job.city, year_start=job.year_start,
                                year_end=job.year_end, action=job.action)
    except Exception as exc:  # noqa: BLE001 — the admin sees the failure on the job's page
        DraftJob.objects.filter(pk=job.pk).update(status=DraftJob.Status.FAILED, finished_at=timezone.now(),
                                                  error=f"生成失败：{exc}", progress_label="")
        raise
    values = {
        "status": DraftJob.Status.FAILED if outcome.error else DraftJob.Status.DONE,
        "error": outcome.error, "finished_at": timezone.now(), "progress_label": "",
        "notices": list(drafted.notices), "is_summary": drafted.kind == "summary",
        "results": [{"year": r.year, "indicator": r.indicator, "figure": r.figure, "sentence": r.sentence}
                    for r in drafted.results] if drafted.kind == "summary" else [],
        "result_name": outcome.file_name[:250], "result": outcome.content or None, "import_job": outcome.import_job,
        "text": "" if not outcome.error else job.text,  # the text is kept only while it may be needed again
    }
    DraftJob.objects.filter(pk=job.pk).update(**values)
    job.refresh_from_db()
    return job


def draft_jobs_sweep() -> int:
    """Celery beat (with the import jobs' sweep): fail what a worker held too long, send again
    what waited past IMPORTS_RESEND_AFTER_SECONDS. Drafting is pure: sending again is safe."""
    now = timezone.now()
    DraftJob.objects.filter(
        status=DraftJob.Status.DRAFTING, claimed_at__lt=now - timedelta(seconds=settings.IMPORTS_STALE_AFTER_SECONDS)
    ).update(status=DraftJob.Status.FAILED, finished_at=now, progress_label="",
             error="生成的处理进程中断，已停止：请重新提交；如仍失败，请联系系统管理员")
    waited = Q(enqueued_at=None) | Q(enqueued_at__lt=now - timedelta(seconds=settings.IMPORTS_RESEND_AFTER_SECONDS))
    return sum(_send(job) for job in DraftJob.objects.filter(waited, status=DraftJob.Status.QUEUED, claimed_at=None).only("pk"))


def _send(job: DraftJob) -> bool:
    from .tasks import draft_job_run_task

    DraftJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    if enqueue(draft_job_run_task, job.pk):
        return True
    DraftJob.objects.filter(pk=job.pk, claimed_at=None).update(progress_label=WAITING_FOR_BROKER)
    return False

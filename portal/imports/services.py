"""Import jobs: an uploaded ledger is previewed, adjusted by the admin (sheet, headers,
units), then confirmed and written. The heavy work runs in Celery jobs (tasks.py), which call
import_job_preview and import_job_run; the rest is quick and runs in the request.

The job's row is the queue; the broker only wakes a worker. A request records what it wants
(status QUEUED: a preview; IMPORTING with no claim: the write) and answers whatever the broker
does. A worker claims the job with one conditional UPDATE, so a message sent twice runs once,
and holds a PostgreSQL advisory lock while it works, so that the sweep (celery beat, every
minute: import_jobs_sweep) can tell a job whose worker died from one still running. The sweep
sends again what waited past IMPORTS_RESEND_AFTER_SECONDS, and resumes a job whose worker
died (reading and writing again are safe: the write is one transaction and re-importing the
same file changes nothing), or fails it after IMPORTS_MAX_ATTEMPTS with a message on its page."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from portal.celery import enqueue

from tasks.models import Plan
from units.models import Region

from .ledger.importing import LedgerFileError, LedgerImportError, SheetChoiceRequired, UnitChoice, ledger_import
from .ledger.read import LedgerLimits, normalise_header
from .models import HeaderMapping, ImportJob, RememberedCorrection


class UploadRefused(Exception):
    """The upload breaks a limit; the message says which, in words an admin understands."""


def import_job_create(
    *, user, city: Region, plan: Plan | None, title: str, years: tuple[int, int] | None, file_name: str, content: bytes
) -> ImportJob:
    limits = LedgerLimits.from_settings()
    if len(content) > limits.max_bytes:
        raise UploadRefused(
            f"文件“{file_name}”有 {len(content) / 1024 / 1024:.1f} MB，超过上限 {limits.max_bytes / 1024 / 1024:.1f} MB"
        )
    job = ImportJob.objects.create(
        city=city,
        plan=plan,
        plan_title=plan.title if plan else title,
        year_start=years[0] if years and not plan else None,
        year_end=years[1] if years and not plan else None,
        file_name=file_name[:200],
        content=content,
        size=len(content),
        created_by=user,
    )
    _enqueue(job)
    return job


def import_job_choose_sheet(job: ImportJob, *, sheet: str) -> None:
    job.sheet = sheet
    _requeue(job, ["sheet"])


def import_job_map_headers(job: ImportJob, *, mapping: dict[str, str]) -> None:
    job.header_mapping = {**job.header_mapping, **{normalise_header(k): v for k, v in mapping.items()}}
    _requeue(job, ["header_mapping"])


def import_job_choose_units(job: ImportJob, *, choices: dict[str, UnitChoice]) -> None:
    job.unit_choices = {**job.unit_choices, **{name: choice.as_dict() for name, choice in choices.items()}}
    _requeue(job, ["unit_choices"])


def import_job_choose_results(job: ImportJob, *, choices: dict[str, int]) -> None:
    """The indicator each row of the results sheet counts for (0: leave it out)."""
    job.result_choices = {**job.result_choices, **choices}
    _requeue(job, ["result_choices"])


def import_job_edit_rows(job: ImportJob, *, edits: dict[str, dict[str, str]]) -> None:
    """Corrections to rows of the ledger sheet (keyed sheet!row), laid over the file's cells."""
    merged = dict(job.cell_edits)
    for key, changes in edits.items():
        merged[key] = {**merged.get(key, {}), **changes}
    job.cell_edits = merged
    _requeue(job, ["cell_edits"])


def import_job_undo_edits(job: ImportJob) -> None:
    """Back to the file as it was sent."""
    job.cell_edits = {}
    _requeue(job, ["cell_edits"])


def import_job_confirm(job: ImportJob, *, skip_bad_rows: bool, user) -> bool:
    """Ask for the write, in the confirming admin's name. False when the job no longer waits for
    a confirm: another confirm (a second click, a second tab) won, and that one runs."""
    values = {"skip_bad_rows": skip_bad_rows, "confirmed_by": user, "status": ImportJob.Status.IMPORTING, "progress": 0,
              "progress_label": "排队等待导入", "claimed_at": None, "attempts": 0}
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED).update(**values):
        return False
    for name, value in values.items():
        setattr(job, name, value)
    _enqueue(job)
    return True


WAITING_FOR_BROKER = "排队中，服务恢复后自动继续"
WORKER_LOCK_CLASS = 16_001  # the first key of the import jobs' advisory locks (the second is the job's id)


def _failing_loudly(work):
    """A job that breaks for an unforeseen reason says so on its page instead of polling forever."""

    def run(*, job_id: int) -> ImportJob:
        try:
            return work(job_id=job_id)
        except Exception:
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.FAILED, progress=100, finished_at=timezone.now(),
                error="导入因系统错误中断，没有写入任何数据：请稍后重试；如仍失败，请联系系统管理员",
            )
            raise

    run.__doc__ = work.__doc__
    return run


@_failing_loudly
def import_job_preview(*, job_id: int) -> ImportJob | None:
    """The Celery job's work: read and validate the file, store the preview. None when the
    job is not waiting for a preview (another worker took it, or it was done already)."""
    with _claimed(job_id, waiting=ImportJob.Status.QUEUED, running=ImportJob.Status.READING) as job:
        return job and _preview(job)


@_failing_loudly
def import_job_run(*, job_id: int) -> ImportJob | None:
    """The Celery job's work: validate again (the database may have changed) and write. None
    when the job is not waiting for its write."""
    with _claimed(job_id, waiting=ImportJob.Status.IMPORTING, running=ImportJob.Status.IMPORTING) as job:
        return job and _run(job)


def _preview(job: ImportJob) -> ImportJob:
    _set(job, status=ImportJob.Status.READING, progress=0, progress_label="读取文件", error="")
    try:
        result = ledger_import(dry_run=True, **_import_options(job), on_progress=_progress(job))
    except SheetChoiceRequired as exc:
        _set(job, status=ImportJob.Status.NEEDS_SHEET, sheets=exc.names, progress=100, progress_label="")
        return job
    except (LedgerFileError, LedgerImportError) as exc:
        _set(job, status=ImportJob.Status.FAILED, error=str(exc), progress=100, finished_at=timezone.now())
        return job
    _set(
        job,
        status=ImportJob.Status.PREVIEWED,
        preview=result.preview.as_dict(),
        sheets=[s.name for s in result.file.data_sheets] if len(result.file.data_sheets) > 1 else job.sheets,
        sheet=result.sheet.name,
        progress=100,
        progress_label="",
    )
    return job


def _run(job: ImportJob) -> ImportJob:
    try:
        result = ledger_import(
            **_import_options(job), skip_bad_rows=job.skip_bad_rows, user=job.confirmed_by or job.created_by,
            on_progress=_progress(job),
        )
    except (LedgerFileError, LedgerImportError) as exc:
        _set(job, status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now())
        return job
    if result.summary is None:
        # The database changed since the preview and the file now has problems: show them.
        job = _preview(job)
        if job.status == ImportJob.Status.PREVIEWED:
            _set(job, error="数据在预览之后有变化，文件现在有错误，未写入任何数据：请查看下方的错误")
        return job
    _remember_headers(job)
    _remember_corrections(job, result.plan, result.row_keys or {})
    _set(
        job,
        status=ImportJob.Status.DONE,
        plan=result.plan,
        summary=result.summary.as_dict(),
        progress=100,
        progress_label="",
        finished_at=timezone.now(),
    )
    return job


@contextmanager
def _claimed(job_id: int, *, waiting: str, running: str):
    """The job, claimed by this worker, or None when it is not waiting (or another worker holds
    it). The lock is taken before the claim, so a claimed job whose lock is free has lost its worker."""
    with _worker_lock(job_id) as locked:
        claimed = locked and ImportJob.claim(job_id, waiting=waiting, running=running)
        yield ImportJob.objects.select_related("city", "plan", "created_by", "confirmed_by").get(pk=job_id) if claimed else None


@contextmanager
def _worker_lock(job_id: int):
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [WORKER_LOCK_CLASS, job_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [WORKER_LOCK_CLASS, job_id])


def _worker_gone(job: ImportJob) -> bool:
    """Has the worker that claimed the job died? On PostgreSQL its advisory lock went with its
    session; elsewhere (no separate workers) only a claim older than IMPORTS_STALE_AFTER_SECONDS."""
    if connection.vendor != "postgresql":
        return job.claimed_at < timezone.now() - timedelta(seconds=settings.IMPORTS_STALE_AFTER_SECONDS)
    with _worker_lock(job.pk) as free:
        return free


def import_jobs_sweep() -> int:
    """Celery beat, every minute: resume (or fail) the jobs whose worker died, and send again
    the jobs that waited for a worker past IMPORTS_RESEND_AFTER_SECONDS. Returns how many were sent."""
    now = timezone.now()
    running = ImportJob.objects.filter(status__in=[ImportJob.Status.READING, ImportJob.Status.IMPORTING],
                                       claimed_at__isnull=False)
    for job in running.only("pk", "status", "claimed_at", "attempts"):
        if not _worker_gone(job):
            continue
        same_claim = ImportJob.objects.filter(pk=job.pk, status=job.status, claimed_at=job.claimed_at)
        if job.attempts >= settings.IMPORTS_MAX_ATTEMPTS:
            same_claim.update(
                status=ImportJob.Status.FAILED, progress=100, finished_at=now,
                error=f"导入的处理进程中断了 {job.attempts} 次，已停止：请稍后重新上传；如仍失败，请联系系统管理员",
            )
        else:
            waiting = ImportJob.Status.QUEUED if job.status == ImportJob.Status.READING else job.status
            same_claim.update(status=waiting, claimed_at=None, enqueued_at=None,
                              progress_label=f"处理进程中断，已重新排队（第 {job.attempts + 1} 次）")
    waited = Q(enqueued_at=None) | Q(enqueued_at__lt=now - timedelta(seconds=settings.IMPORTS_RESEND_AFTER_SECONDS))
    waiting = ImportJob.objects.filter(waited, status__in=[ImportJob.Status.QUEUED, ImportJob.Status.IMPORTING],
                                       claimed_at=None).only("pk", "status")
    sent = 0
    for job in waiting:
        sent += _send(job)
    return sent


def _import_options(job: ImportJob) -> dict:
    return {
        "data": bytes(job.content),
        "filename": job.file_name,
        "city": job.city,
        "title": job.plan.title if job.plan else job.plan_title,
        "years": job.years,
        "sheet_name": job.sheet,
        "header_mapping": {**HeaderMapping.for_city(job.city_id), **job.header_mapping},
        "unit_choices": {name: UnitChoice(**choice) for name, choice in job.unit_choices.items()},
        "result_choices": job.result_choices,
        "cell_edits": job.cell_edits,
        "remembered": RememberedCorrection.for_plan(
            job.plan or Plan.objects.filter(city=job.city, title=job.plan_title).first()
        ),
    }


def _remember_corrections(job: ImportJob, plan: Plan, row_keys: dict[str, str]) -> None:
    """The rows corrected in this preview, known by what the file held there, for next time."""
    remembered = RememberedCorrection.for_plan(plan)
    for key, changes in job.cell_edits.items():
        if key in row_keys:
            merged = {**remembered.get(row_keys[key], {}), **changes}
            RememberedCorrection.objects.update_or_create(
                plan=plan, row_key=row_keys[key], defaults={"changes": merged, "updated_by": job.created_by}
            )


def _remember_headers(job: ImportJob) -> None:
    for header, field in job.header_mapping.items():
        HeaderMapping.objects.update_or_create(
            city=job.city, header=header, defaults={"field": field, "updated_by": job.confirmed_by or job.created_by}
        )


def _requeue(job: ImportJob, fields: list[str]) -> None:
    job.status, job.progress, job.progress_label, job.error = ImportJob.Status.QUEUED, 0, "排队等待预览", ""
    job.claimed_at, job.attempts = None, 0
    job.save(update_fields=[*fields, "status", "progress", "progress_label", "error", "claimed_at", "attempts"])
    _enqueue(job)


def _enqueue(job: ImportJob) -> None:
    transaction.on_commit(lambda: _send(job))


def _send(job: ImportJob) -> bool:
    """Wake a worker for what the job waits for; if the broker is down, say so on the job's page."""
    from .tasks import import_job_preview_task, import_job_run_task

    task = import_job_preview_task if job.status == ImportJob.Status.QUEUED else import_job_run_task
    ImportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now())
    if enqueue(task, job.pk):
        return True
    ImportJob.objects.filter(pk=job.pk, claimed_at=None).update(progress_label=WAITING_FOR_BROKER)
    job.progress_label = WAITING_FOR_BROKER
    return False


def _set(job: ImportJob, **values) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**values)


def _progress(job: ImportJob):
    """Store the job's progress for the page to poll, at most twice a second. Inside a
    transaction the row would not be seen before the commit: nothing is stored then."""
    last = {"at": 0.0, "percent": -1}

    def report(label: str, share: float) -> None:
        percent = min(99, int(share * 100))
        now = time.monotonic()
        if connection.in_atomic_block or percent == last["percent"] or now - last["at"] < 0.5:
            return
        last.update(at=now, percent=percent)
        ImportJob.objects.filter(pk=job.pk).update(progress=percent, progress_label=label)

    return report

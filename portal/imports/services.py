"""Import jobs: an uploaded ledger is previewed, adjusted by the admin (sheet, headers,
units), then confirmed and written. The heavy work runs in Celery jobs (tasks.py), which call
import_job_preview and import_job_run; the rest is quick and runs in the request."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

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
    _enqueue_preview(job)
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


def import_job_confirm(job: ImportJob, *, skip_bad_rows: bool) -> None:
    from .tasks import import_job_run_task

    job.skip_bad_rows = skip_bad_rows
    job.status = ImportJob.Status.IMPORTING
    job.progress, job.progress_label = 0, "排队等待导入"
    job.save(update_fields=["skip_bad_rows", "status", "progress", "progress_label"])
    transaction.on_commit(lambda: import_job_run_task.delay(job.pk))


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
def import_job_preview(*, job_id: int) -> ImportJob:
    """The Celery job's work: read and validate the file, store the preview."""
    job = ImportJob.objects.select_related("city", "plan").get(pk=job_id)
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


@_failing_loudly
def import_job_run(*, job_id: int) -> ImportJob:
    """The Celery job's work: validate again (the database may have changed) and write."""
    job = ImportJob.objects.select_related("city", "plan", "created_by").get(pk=job_id)
    try:
        result = ledger_import(
            **_import_options(job), skip_bad_rows=job.skip_bad_rows, user=job.created_by, on_progress=_progress(job)
        )
    except (LedgerFileError, LedgerImportError) as exc:
        _set(job, status=ImportJob.Status.FAILED, error=str(exc), finished_at=timezone.now())
        return job
    if result.summary is None:
        # The database changed since the preview and the file now has problems: show them.
        job = import_job_preview(job_id=job.pk)
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
            city=job.city, header=header, defaults={"field": field, "updated_by": job.created_by}
        )


def _requeue(job: ImportJob, fields: list[str]) -> None:
    job.status, job.progress, job.progress_label, job.error = ImportJob.Status.QUEUED, 0, "排队等待预览", ""
    job.save(update_fields=[*fields, "status", "progress", "progress_label", "error"])
    _enqueue_preview(job)


def _enqueue_preview(job: ImportJob) -> None:
    from .tasks import import_job_preview_task

    transaction.on_commit(lambda: import_job_preview_task.delay(job.pk))


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

"""Celery jobs of ledger imports: thin, they fetch the job by id and call the service."""

from celery import shared_task

from . import draft_jobs, services


@shared_task(acks_late=True)
def import_job_preview_task(job_id: int) -> None:
    services.import_job_preview(job_id=job_id)


@shared_task(acks_late=True)
def import_job_run_task(job_id: int) -> None:
    services.import_job_run(job_id=job_id)


@shared_task(name="imports.sweep")
def import_jobs_sweep_task() -> int:
    """Celery beat, every minute: jobs that waited past their time are sent again, jobs whose
    worker died are resumed or failed (import jobs, then plan texts being drafted)."""
    return services.import_jobs_sweep() + draft_jobs.draft_jobs_sweep()


@shared_task(acks_late=True)
def draft_job_run_task(job_id: int) -> None:
    """A plan text too long for the request, drafted (portal.imports.draft_jobs)."""
    draft_jobs.draft_job_run(job_id=job_id)

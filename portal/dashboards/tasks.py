"""Celery jobs of the rollups: thin wrappers around the services.

acks_late + reject_on_worker_lost (also the project's defaults): a worker killed in the
middle of a job leaves the message to be delivered again, and the job's dirty scopes, whose
deletion is part of the job's own transaction, stay for the next job or the minutely sweep.
"""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    name="dashboards.recompute_dirty",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def rollups_recompute_dirty_task() -> int:
    """Recompute the dirty scopes (queued after each change; also the periodic sweep)."""
    run = services.rollups_recompute_dirty()
    return run.measures if run else 0


@shared_task(name="dashboards.rebuild", acks_late=True, reject_on_worker_lost=True)
def rollups_rebuild_task() -> float:
    """Rebuild every summary table (nightly: new months, time elapsed, any drift)."""
    return services.rollups_rebuild().seconds


@shared_task(name="dashboards.bump_versions", acks_late=True, ignore_result=True)
def dashboards_bump_versions_task(scopes: list) -> int:
    """Bump these dashboards' cache versions again, once the read replicas have the job's
    writes (a page rendered from a lagging replica in between is not kept)."""
    from . import versions

    versions.bump([(kind, int(pk)) for kind, pk in scopes])
    return len(scopes)

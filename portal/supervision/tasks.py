"""Celery tasks of 督办: thin — fetch by id, call the service, retry."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .services.alerts import alerts_dispatch, alerts_scan
from .services.notices import notices_remind
from .services.scoring import schemes_compute_all, schemes_compute_for_measure
from .services.webhooks import delivery_attempt


class DeliveryRetry(Exception):
    pass


@shared_task(bind=True, name="supervision.deliver", max_retries=None, acks_late=True)
def deliver_task(self, delivery_id: int) -> bool:
    """Post one delivery; retried with exponential backoff up to SUPERVISION_WEBHOOK_RETRIES."""
    if delivery_attempt(delivery_id=delivery_id):
        return True
    if self.request.retries >= settings.SUPERVISION_WEBHOOK_RETRIES:
        return False  # the row says failed, with its attempts and last error
    countdown = settings.SUPERVISION_WEBHOOK_BACKOFF * (2 ** self.request.retries)
    raise self.retry(exc=DeliveryRetry(delivery_id), countdown=countdown)


@shared_task(name="supervision.daily")
def supervision_run_task() -> dict:
    """The hourly 督办 run (CELERY_BEAT_SCHEDULE "supervision-alerts"): repeat and escalate
    unanswered notices, find the warnings due, send what quiet hours allow."""
    reminded = notices_remind()
    created = alerts_scan()
    sent = alerts_dispatch()
    return {**reminded, "alerts_created": created, "alerts_sent": sent}


@shared_task(name="supervision.scores")
def scores_compute_task() -> int:
    """Nightly, after the rollups (CELERY_BEAT_SCHEDULE "supervision-scores")."""
    return schemes_compute_all()


@shared_task(name="supervision.scores_for_measure", acks_late=True)
def scores_for_measure_task(measure_id: int) -> int:
    """A measure was closed: its rollups first (the scores read them), then its schemes' scores."""
    from portal.dashboards.services import rollups_recompute_measures

    rollups_recompute_measures(measure_ids=[measure_id])
    return schemes_compute_for_measure(measure_id=measure_id)

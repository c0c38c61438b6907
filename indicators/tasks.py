"""Celery jobs of the reporting side: thin wrappers around services."""

from dataclasses import asdict

from celery import shared_task

from .services import reminders_send


@shared_task(autoretry_for=(Exception,), retry_backoff=60, max_retries=3, acks_late=True)
def reminders_send_task() -> dict:
    """The daily reminder run (CELERY_BEAT_SCHEDULE "reporting-reminders")."""
    return asdict(reminders_send())

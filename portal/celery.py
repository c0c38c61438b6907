import logging
import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")


class PrimaryDatabaseTask(Task):
    """Every job reads and writes the primary database, even run in process from a request
    that reads from a replica: a rollup recomputes from what is committed, not from a copy
    a little behind (portal.db)."""

    def __call__(self, *args, **kwargs):
        from portal.db import primary_reads

        with primary_reads():
            return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=PrimaryDatabaseTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

log = logging.getLogger(__name__)


def enqueue(task, *args, **options) -> bool:
    """Hand a job to the broker from a web request, or say it could not (False, logged).

    A connection of our own that gives up at the first refusal: kombu would otherwise keep
    retrying for broker_connection_timeout while the request waits, then answer 500. Callers
    keep what the job must do in the database, and a periodic sweep sends it again. In process
    (no broker configured) the job runs here, and a job that breaks is logged the same way: what
    it committed before is the request's, and the job records its own failure.
    """
    connection = task.app.connection_for_write(transport_options={"max_retries": 0, "socket_connect_timeout": 1})
    try:
        with connection:
            task.apply_async(args, retry=False, connection=connection, **options)
    except Exception:  # noqa: BLE001 — any broker failure: the job's row stays for the sweep
        log.warning("could not queue or run %s%s; the periodic sweep will send it again", task.name, args, exc_info=True)
        return False
    return True

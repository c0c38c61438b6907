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

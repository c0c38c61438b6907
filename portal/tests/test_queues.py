"""Celery's queues: imports, rollups and notifications each on their own; brokers."""

import subprocess
import sys

from django.conf import settings

from portal.celery import app


def queue_of(task_name: str) -> str:
    route = app.amqp.router.route({}, task_name)
    return route["queue"].name


def test_each_kind_of_job_has_its_own_queue():
    app.loader.import_default_modules()
    assert queue_of("portal.imports.tasks.import_job_preview_task") == "imports"
    assert queue_of("portal.imports.tasks.import_job_run_task") == "imports"
    assert queue_of("dashboards.recompute_dirty") == "rollups"
    assert queue_of("dashboards.rebuild") == "rollups"
    assert queue_of("indicators.tasks.reminders_send_task") == "notifications"
    assert queue_of("something.else") == "default"


def test_a_worker_without_q_consumes_every_queue():
    assert {q.name for q in app.conf.task_queues} == {"default", "imports", "rollups", "notifications"}


def test_every_task_of_the_project_is_routed_to_a_declared_queue():
    app.loader.import_default_modules()
    declared = {q.name for q in settings.CELERY_TASK_QUEUES}
    project = [name for name in app.tasks if not name.startswith("celery.")]
    assert project and all(queue_of(name) in declared for name in project)


def settings_with(env: dict) -> str:
    code = ("import django, json; django.setup(); from portal.celery import app; "
            "c = app.connection_for_write(); print(type(c.transport).__module__, c.transport_options.get('master_name'))")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
    ).stdout.strip()


def test_a_sentinel_broker_url_is_taken_with_its_master_name():
    out = settings_with({"CELERY_BROKER_URL": "sentinel://127.0.0.1:26379;sentinel://127.0.0.2:26379/0",
                         "CELERY_SENTINEL_MASTER": "portal-redis"})
    assert out == "kombu.transport.redis portal-redis"


def test_with_no_broker_the_jobs_run_in_process():
    out = settings_with({})
    assert out.startswith("kombu.transport.memory")

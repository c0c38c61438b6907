"""Import jobs whose row is the queue: a broker outage, a message sent twice, a worker that
died, a second confirm (#16.1). The jobs run in process here; test_worker.py runs them
through a real worker and Redis."""

from datetime import timedelta

import psycopg2
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.imports import services
from portal.imports.models import ImportJob
from portal.tests.workers import celery_conf
from tasks.models import Measure, Plan

from .test_views import ROW, latest_job, new_plan

pytestmark = pytest.mark.django_db

REFUSING_BROKER = "redis://127.0.0.1:6399/0"  # nothing listens there


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("jm_admin", city="jiangmen", role="admin"))
    return client


def refusing_broker():
    """A real broker configured, and refusing: what a request sees while Redis is down."""
    return celery_conf(broker_url=REFUSING_BROKER, broker_write_url=REFUSING_BROKER, task_always_eager=False)


@pytest.fixture
def broker_down():
    with refusing_broker():
        yield


def page_of(client, job) -> str:
    return client.get(reverse("imports:job", args=[job.pk])).content.decode()


def previewed_job(admin_client, django_capture_on_commit_callbacks) -> ImportJob:
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports:index"), new_plan([ROW]))
    job = latest_job()
    assert job.status == "previewed"
    return job


def test_with_the_broker_down_an_upload_is_queued_and_says_it_will_continue(admin_client, broker_down,
                                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports:index"), new_plan([ROW]))
    assert response.status_code == 302
    job = latest_job()
    assert job.status == "queued" and job.claimed_at is None
    assert "排队中，服务恢复后自动继续" in page_of(admin_client, job)


def test_with_the_broker_down_a_confirm_is_recorded_and_says_it_will_continue(
    admin_client, django_capture_on_commit_callbacks, monkeypatch
):
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    with refusing_broker(), django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("imports:job_confirm", args=[job.pk]), {})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "importing" and job.claimed_at is None
    assert "排队中，服务恢复后自动继续" in page_of(admin_client, job)
    # A second confirm while it waits: told it is on its way, not refused.
    response = admin_client.post(reverse("imports:job_confirm", args=[job.pk]), {}, follow=True)
    assert response.status_code == 200 and "该文件正在导入，请等待完成" in response.content.decode()


def test_the_sweep_sends_again_a_job_that_waited_past_its_time_and_it_finishes(
    admin_client, broker_down, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports:index"), new_plan([ROW]))
    job = latest_job()
    with celery_conf(task_always_eager=True):  # the broker is back
        assert services.import_jobs_sweep() == 0  # it has not waited long enough yet
        ImportJob.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(minutes=5))
        assert services.import_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "previewed" and "新增 1" in page_of(admin_client, job)


def test_a_job_is_claimed_once_however_often_its_message_arrives(admin_client, django_capture_on_commit_callbacks,
                                                                  monkeypatch):
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **options: True)  # the message, not yet delivered
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("imports:job_confirm", args=[job.pk]), {})
    first = services.import_job_run(job_id=job.pk)
    again = services.import_job_run(job_id=job.pk)  # the same message delivered again, or sent again by the sweep
    assert first.status == "done" and again is None
    job.refresh_from_db()
    assert job.status == "done" and job.error == "" and job.attempts == 1
    assert Measure.objects.filter(task__plan__title="新导入方案").count() == 1
    assert services.import_job_preview(job_id=job.pk) is None  # nor does a stale preview message undo it


def test_several_confirms_run_one_import_and_tell_the_rest(admin_client, django_capture_on_commit_callbacks,
                                                            monkeypatch):
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    sent = []
    monkeypatch.setattr(services, "enqueue", lambda task, *args, **options: sent.append(args) or True)
    with django_capture_on_commit_callbacks(execute=True):
        pages = [admin_client.post(reverse("imports:job_confirm", args=[job.pk]), {}, follow=True) for _ in range(3)]
    assert sent == [(job.pk,)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert all("该文件正在导入，请等待完成" in p.content.decode() for p in pages[1:])
    # Two requests that both read "previewed": the conditional update lets one through.
    assert services.import_job_confirm(job, skip_bad_rows=False, user=job.created_by) is False


def claimed(job: ImportJob, *, status: str, attempts: int = 1) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(status=status, claimed_at=timezone.now(), attempts=attempts)
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_resumed(admin_client, django_capture_on_commit_callbacks):
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    claimed(job, status="importing")  # its worker was killed: its session, and lock, are gone
    services.import_jobs_sweep()
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 2
    assert Measure.objects.filter(task__plan__title="新导入方案").count() == 1


def test_a_job_whose_worker_keeps_dying_fails_with_a_message_the_admin_sees(admin_client,
                                                                             django_capture_on_commit_callbacks):
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    claimed(job, status="importing", attempts=3)
    services.import_jobs_sweep()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "导入的处理进程中断了 3 次，已停止" in page_of(admin_client, job)
    assert not Plan.objects.filter(title="新导入方案").exists()


def test_a_job_whose_worker_is_alive_is_left_alone(admin_client, django_capture_on_commit_callbacks):
    assert connection.vendor == "postgresql"
    job = previewed_job(admin_client, django_capture_on_commit_callbacks)
    claimed(job, status="importing")
    db = connection.settings_dict
    worker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                              host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    try:
        with worker.cursor() as cursor:  # what the live worker holds while it works
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.WORKER_LOCK_CLASS, job.pk])
        services.import_jobs_sweep()
    finally:
        worker.close()
    job.refresh_from_db()
    assert job.status == "importing" and job.attempts == 1


def test_an_imports_changes_are_recorded_under_the_admin_who_confirmed_it(client, make_user,
                                                                         django_capture_on_commit_callbacks):
    uploader, confirmer = make_user("jm_uploader", city="jiangmen", role="admin"), make_user("jm_confirmer", city="jiangmen", role="admin")
    client.force_login(uploader)
    job = previewed_job(client, django_capture_on_commit_callbacks)
    client.force_login(confirmer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:job_confirm", args=[job.pk]), {})
    measure = Measure.objects.get(task__plan__title="新导入方案")
    assert {h.history_user for h in measure.history.all()} == {confirmer}
    page = page_of(client, job)
    assert "上传人 jm_uploader" in page and "确认导入 jm_confirmer" in page

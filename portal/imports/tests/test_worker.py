"""Import jobs through a real `celery worker` and a Redis of the test's own (#16.1): the broker
stopped during an upload and a confirm and started again; the worker killed (-9) in the middle
of the write. Commits: runs after the others."""

import os
import subprocess

import pytest
import redis
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from portal.dashboards import services as rollups
from portal.dashboards.models import DirtyScope
from portal.imports import services
from portal.imports.models import ImportJob
from portal.tests.workers import celery_conf, queueing_to, stop, wait_for, worker_processes, writes_blocked
from tasks.models import Measure, Plan

from .test_views import new_plan

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PORT = 6391  # a Redis of this test's own (the shared one stays up for the others)
ROWS = [
    ["1", "稳就业", "开展招聘活动。", "市人社局", "举办招聘会100场以上", "2025年12月", "就业创业"],
    ["1", "稳就业", "发放创业担保贷款。", "市人社局", "", "2025年12月", "就业创业"],
    ["2", "强技能", "开展职业技能培训。", "市人社局", "培训1000人次以上", "2025年12月", "就业创业"],
]


class Broker:
    """redis-server on PORT, without persistence: what it held is gone when it stops."""

    url = f"redis://127.0.0.1:{PORT}/0"

    def __init__(self, log_dir):
        self.log_dir, self.process = log_dir, None

    def start(self) -> None:
        log = open(self.log_dir / "redis.log", "a")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(PORT), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        wait_for(self.up, "redis-server to start", timeout=30)

    def stop(self) -> None:
        stop(self.process)

    def up(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False


@pytest.fixture
def broker(tmp_path):
    broker = Broker(tmp_path)
    broker.start()
    yield broker
    broker.stop()


def status(job: ImportJob) -> str:
    job.refresh_from_db()
    return job.status


@override_settings(IMPORTS_RESEND_AFTER_SECONDS=0)
def test_jobs_survive_a_broker_outage_during_an_upload_and_a_confirm(broker, client, make_user, tmp_path,
                                                                     monkeypatch):
    call_command("load_demo", "--no-accounts", "--no-sample-progress", stdout=open(os.devnull, "w"))
    client.force_login(make_user("chaos_admin", city="jiangmen", role="admin"))
    with queueing_to(broker.url, monkeypatch), worker_processes(broker.url, tmp_path) as start_worker:
        start_worker()
        broker.stop()
        response = client.post(reverse("imports:index"), new_plan(ROWS, title="断线方案"))
        assert response.status_code == 302
        job = ImportJob.objects.get()
        assert "排队中，服务恢复后自动继续" in client.get(response["Location"]).content.decode()
        assert status(job) == "queued"

        broker.start()
        services.import_jobs_sweep()  # what beat does every minute
        wait_for(lambda: status(job) == "previewed", "the preview", timeout=120)
        assert job.preview["rows"] and not Plan.objects.filter(title="断线方案").exists()

        broker.stop()
        confirm = reverse("imports:job_confirm", args=[job.pk])
        assert client.post(confirm, {}).status_code == 302
        assert "排队中，服务恢复后自动继续" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
        again = client.post(confirm, {}, follow=True)
        assert again.status_code == 200 and "该文件正在导入，请等待完成" in again.content.decode()

        broker.start()
        services.import_jobs_sweep()
        wait_for(lambda: status(job) == "done", "the import", timeout=120)
    assert job.error == "" and job.attempts == 1
    plan = Plan.objects.get(title="断线方案")
    assert sorted(Measure.objects.filter(task__plan=plan).values_list("text", flat=True)) == sorted(
        row[2] for row in ROWS
    )


def test_an_import_whose_worker_is_killed_mid_write_is_resumed_with_no_drift(broker, client, make_user, tmp_path,
                                                                            monkeypatch):
    call_command("load_demo", "--no-accounts", "--no-sample-progress", stdout=open(os.devnull, "w"))
    rollups.rollups_rebuild()
    client.force_login(make_user("chaos_admin_k", city="jiangmen", role="admin"))
    with celery_conf(task_always_eager=True):
        client.post(reverse("imports:index"), new_plan(ROWS, title="中断方案"))
    job = ImportJob.objects.get()
    assert status(job) == "previewed"
    with queueing_to(broker.url, monkeypatch), worker_processes(broker.url, tmp_path) as start_worker:
        with writes_blocked("tasks_measure") as kill_at_write:  # the write stops at its first measure
            first = start_worker()
            assert client.post(reverse("imports:job_confirm", args=[job.pk]), {}).status_code == 302
            kill_at_write(first)
        assert status(job) == "importing" and not Plan.objects.filter(title="中断方案").exists()

        start_worker()
        services.import_jobs_sweep()  # beat: the job's worker is gone, its lock with it
        wait_for(lambda: status(job) == "done", "the resumed import", timeout=120)
        wait_for(lambda: not DirtyScope.objects.exists(), "the import's recompute", timeout=120)
    assert job.attempts == 2 and job.error == ""
    plan = Plan.objects.get(title="中断方案")
    assert sorted(Measure.objects.filter(task__plan=plan).values_list("text", flat=True)) == sorted(r[2] for r in ROWS)
    assert rollups.rollups_check() == []

"""Real `celery worker` processes on Redis against the test database, for the tests that
follow a job through the broker (dashboards' and imports' test_worker.py). They need
PostgreSQL, since the worker is another process, and they commit: mark them `worker`."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager

import redis
from django.conf import settings
from django.db import connection

from portal.celery import app

BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"


def wait_for(condition, what: str, timeout: float = 90) -> None:
    """Poll until the condition holds (the pause only paces the polling)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what} after {timeout} s")


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def queueing_to(broker: str, monkeypatch, *, ping: bool = True):
    """Queue to this broker for real, from this process too (no eager run)."""
    assert connection.vendor == "postgresql", "a worker process needs the test database on PostgreSQL (DATABASE_URL)"
    if ping:
        redis.Redis.from_url(broker).ping()
    monkeypatch.setenv("CELERY_BROKER_URL", broker)
    with celery_conf(broker_url=broker, broker_write_url=broker, task_always_eager=False):
        yield broker


@contextmanager
def celery_conf(**values):
    """The Celery app's settings changed for a while (monkeypatch cannot put them back)."""
    saved = {name: getattr(app.conf, name) for name in values}
    app.conf.update(values)
    try:
        yield
    finally:
        app.conf.update(saved)


@contextmanager
def worker_processes(broker: str, log_dir):
    """A function that starts a worker (one job at a time, like a small deployment); all are
    stopped at the end."""
    started: list[subprocess.Popen] = []
    env = {**os.environ, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker, "LOG_LEVEL": "INFO"}

    def start() -> subprocess.Popen:
        log = open(log_dir / f"worker-{len(started)}.log", "w")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-heartbeat", "--without-mingle", "--without-gossip", "-n", f"test-{len(started)}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

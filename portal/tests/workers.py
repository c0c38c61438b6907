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

import psycopg2
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


@contextmanager
def writes_blocked(table: str):
    """While inside, another session holds the table, so that a job stops at its first write
    there. Yields kill(worker): once the job waits there, kill -9 its worker, let the orphaned
    transaction run on (it cannot commit) and wait for its database session to end."""
    db = connection.settings_dict
    blocker = psycopg2.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None,
                               host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432)
    with blocker.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")

    def waiting() -> list[int]:
        # Asked on the test's own connection: inside the blocker's transaction
        # pg_stat_activity would be a snapshot frozen at its first read.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
                           "AND wait_event_type = 'Lock' AND query ILIKE %s", [db["NAME"], f"%{table}%"])
            return [row[0] for row in cursor.fetchall()]

    def gone(backend: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend])
            return cursor.fetchone() is None

    def kill(process: subprocess.Popen) -> None:
        wait_for(waiting, "the job to reach its writes", timeout=120)
        (backend,) = waiting()
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        blocker.rollback()
        blocker.autocommit = True
        wait_for(lambda: gone(backend), "the killed worker's database session to end")

    try:
        yield kill
    finally:
        blocker.close()

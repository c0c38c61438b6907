"""A broker behind Redis Sentinel: a sentinel of our own (redis-server --sentinel) watching the
local Redis, and a message sent and received through `sentinel://` with the project's Celery
settings."""

import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings

REDIS = "127.0.0.1", 6379


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sentinel(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    config = tmp_path / "sentinel.conf"
    config.write_text(f"port {port}\nbind 127.0.0.1\ndir {tmp_path}\n"
                      f"sentinel monitor portal-test {REDIS[0]} {REDIS[1]} 1\n")
    process = subprocess.Popen([server, str(config), "--sentinel"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_message_goes_through_a_sentinel_broker_url(sentinel):
    url = f"sentinel://127.0.0.1:{sentinel}/7"
    code = (
        "import django; django.setup()\n"
        "from portal.celery import app\n"
        "with app.connection_for_write() as c:\n"
        "    q = c.SimpleQueue('portal-sentinel-test')\n"
        "    q.put({'hello': '哨兵'})\n"
        "    m = q.get(timeout=5); m.ack(); print(m.payload['hello']); q.close()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings", "CELERY_BROKER_URL": url,
             "CELERY_SENTINEL_MASTER": "portal-test"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "哨兵"

"""A bounded load run on the city dashboard: gunicorn (5 workers, production settings) on
loopback, wrk as the client, against the 1M-value data bench_rollups.py leaves behind.

    .venv/bin/python bench/bench_rollups.py --sizes 1m     # once: the data
    .venv/bin/python bench/bench_load.py [--seconds 30] [--connections 8]

wrk comes from Debian (apt-get install wrk). The leader's session cookie is made here, so
that every request is an authenticated dashboard view. Prints requests/s, latency p50/p95/
p99 and errors; writes bench/results-load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_rollups")
SECRET = "bench-load-secret-key-for-loopback-only-0123456789abcdef"
PORT = int(os.environ.get("BENCH_PORT", "8799"))
AS_OF = "2026-08"

ENV = {
    **os.environ,
    "DATABASE_URL": BENCH_DB,
    "DEBUG": "0",
    "SECRET_KEY": SECRET,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "portal.settings",
    "PYTHONPATH": str(ROOT),
}
ENV.pop("CELERY_BROKER_URL", None)
os.environ.update({k: v for k, v in ENV.items() if k in {"DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                                                          "SECURE_SSL_REDIRECT"}})
os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings"

LUA = r"""
wrk.headers["Cookie"] = "sessionid=%(session)s"
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format('RESULT {"requests": %%d, "seconds": %%.3f, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f, "max_ms": %%.1f, "errors": %%d, "non_2xx": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, errors, summary.errors.status))
end
"""


def session_cookie() -> tuple[str, str]:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from indicators.models import ActualValue
    from units.models import Region

    if ActualValue.objects.count() < 900_000:
        sys.exit("bench_rollups: load the 1M data first (bench/bench_rollups.py --sizes 1m)")
    user = get_user_model().objects.get(username="bench_leader")
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    city = Region.objects.get(code="zhongshan")
    return session.session_key, reverse("dashboards:city", args=[city.pk]) + f"?as_of={AS_OF}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=5)
    args = parser.parse_args()
    session, path = session_cookie()
    url = f"http://127.0.0.1:{PORT}{path}"
    static_root = tempfile.mkdtemp(prefix="bench-static-")
    env = {**ENV, "STATIC_ROOT": static_root}
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{PORT}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )
    try:
        request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assert response.status == 200 and "驾驶舱" in response.read().decode()
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        for _ in range(50):  # every worker connected and warm
            urllib.request.urlopen(request, timeout=5).read()
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(LUA % {"session": session})
        out = subprocess.run(
            ["wrk", "-t1", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", "-s", script.name, url],
            capture_output=True, text=True, check=True,
        ).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT ")).removeprefix("RESULT "))
    result.update({"rps": round(result["requests"] / result["seconds"], 1), "connections": args.connections,
                   "workers": args.workers, "url": path, "load_before": os.getloadavg()})
    print(out)
    print(json.dumps(result, ensure_ascii=False))
    (ROOT / "bench" / "results-load.json").write_text(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

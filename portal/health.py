"""Probes for a load balancer: /healthz (the process answers) and /readyz (it can serve:
the database and the broker answer; the age of the oldest dirty rollup mark says whether
the rollup workers keep up).

A middleware answers both before anything else runs, so that a probe is not redirected to
HTTPS, refused for its Host header (a balancer often probes by address), or logged in.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connections
from django.db.models import Min
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

PATHS = {"/healthz": "healthz", "/healthz/": "healthz", "/readyz": "readyz", "/readyz/": "readyz"}


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict:
    started = time.monotonic()
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 — any failure means not ready
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_broker() -> dict:
    from portal.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    started = time.monotonic()
    connection = app.connection_for_write(url=settings.CELERY_BROKER_URL, transport_options={"max_retries": 0, "socket_connect_timeout": 1})
    try:
        with connection:
            connection.ensure_connection(max_retries=1, timeout=1)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_rollups() -> dict:
    """The oldest mark still waiting for a recompute. A dead rollup worker does not stop a
    web node from serving, so this fails readiness only past READYZ_DIRTY_MAX_AGE_SECONDS
    (0: never, the default) — a monitor reads the age either way."""
    from portal.dashboards.models import DirtyScope

    try:
        oldest = DirtyScope.objects.using("default").aggregate(oldest=Min("marked_at"))["oldest"]
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    limit = settings.READYZ_DIRTY_MAX_AGE_SECONDS
    return {"ok": not (limit and age > limit), "oldest_dirty_seconds": round(age, 1), "limit_seconds": limit or None}


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database()}
    checks["broker"] = _check_broker()
    checks["rollups"] = _check_rollups() if checks["database"]["ok"] else {"ok": False, "error": "database"}
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


class HealthMiddleware:
    """First in MIDDLEWARE: answers the probes before security redirects and host checks."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        view = PATHS.get(request.path_info)
        if view is not None and request.method in {"GET", "HEAD"}:
            return healthz(request) if view == "healthz" else readyz(request)
        return self.get_response(request)

"""The load balancer's probes and the structured logs."""

import json
import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from portal import health
from portal.dashboards.models import DirtyScope
from portal.logs import JsonFormatter

pytestmark = pytest.mark.django_db


def test_it_says_the_process_is_up_without_a_login_or_a_known_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_it_is_ready_when_the_database_and_the_broker_answer(client):
    # The suite runs on a real broker (CELERY_BROKER_URL), so this asks Redis.
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["ok"] and body["checks"]["broker"]["ok"]
    assert body["checks"]["rollups"]["oldest_dirty_seconds"] == 0


def test_it_reports_the_age_of_the_oldest_dirty_mark_and_fails_past_the_limit(client, settings):
    mark = DirtyScope.objects.create(kind=DirtyScope.Kind.MEASURE, object_id=1)
    DirtyScope.objects.filter(pk=mark.pk).update(marked_at=timezone.now() - timedelta(minutes=20))
    body = client.get("/readyz").json()
    assert 1190 < body["checks"]["rollups"]["oldest_dirty_seconds"] < 1300
    assert body["status"] == "ok"  # only reported by default: a dead worker does not stop the web
    settings.READYZ_DIRTY_MAX_AGE_SECONDS = 600
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["rollups"]["ok"] is False


def test_it_is_not_ready_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = "redis://127.0.0.1:1/0", False
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


def test_it_is_not_ready_when_the_database_is_down(monkeypatch, rf):
    monkeypatch.setattr(health, "_check_database", lambda: {"ok": False, "error": "OperationalError"})
    response = health.readyz(rf.get("/readyz"))
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["rollups"] == {"ok": False, "error": "database"}


def test_a_log_record_is_one_json_line_with_its_extra_fields():
    record = logging.LogRecord("portal.request", logging.INFO, __file__, 1, "GET %s %s", ("/api/", 200), None)
    record.status, record.duration_ms = 200, 3.5
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert entry["message"] == "GET /api/ 200" and entry["status"] == 200 and entry["duration_ms"] == 3.5
    assert entry["level"] == "INFO" and entry["logger"] == "portal.request" and "\n" not in line


def test_each_request_is_logged_with_its_status_and_user(client, make_user, caplog):
    user = make_user("logged_staff")
    client.force_login(user)
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, "portal.logs.RequestLogMiddleware"]):
        with caplog.at_level(logging.INFO, logger="portal.request"):
            client.get("/reports/")
    entry = next(r for r in caplog.records if r.name == "portal.request")
    assert entry.status == 200 and entry.user_id == user.pk and entry.path == "/reports/"

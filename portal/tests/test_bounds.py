"""Bounded work per request (#16.5): database connect and statement timeouts, a body-size
limit before login, per-user rate limits on uploads and saves, the plan-text page's limit."""

import socket
import threading

import psycopg2
import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from portal.imports.models import ImportJob
from portal.imports.tests.test_views import ROW, new_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_a_database_that_accepts_and_never_answers_fails_the_connection_instead_of_hanging():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["connect_timeout"] == settings.DATABASE_CONNECT_TIMEOUT
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    try:
        with pytest.raises(psycopg2.OperationalError, match="timeout"):
            psycopg2.connect(host="127.0.0.1", port=silent.getsockname()[1], dbname="x", user="x",
                             **{**options, "connect_timeout": 1})
    finally:
        silent.close()


def test_every_statement_has_a_time_limit():
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        shown = cursor.fetchone()[0]
    limit = settings.DATABASE_STATEMENT_TIMEOUT_MS
    assert shown == (f"{limit // 1000}s" if limit % 1000 == 0 else f"{limit}ms") if limit else shown == "0"


def test_a_big_body_from_someone_not_logged_in_is_refused_before_it_is_read(client):
    response = client.post(reverse("login"), {"username": "x", "password": "y", "pad": "x" * 70_000})
    assert response.status_code == 413
    assert client.post(reverse("login"), {"username": "x", "password": "y"}).status_code == 200


def test_a_logged_in_user_may_send_more(client, make_user, settings):
    settings.ANONYMOUS_MAX_BODY_BYTES = 10
    client.force_login(make_user("jm_admin_b", city="jiangmen", role="admin"))
    assert client.post(reverse("imports:index"), new_plan([ROW])).status_code == 302


def test_uploads_are_rate_limited_per_user(client, make_user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upload": (2, 3600)}
    admin, other = make_user("jm_admin_r", city="jiangmen", role="admin"), make_user("jm_admin_o", city="jiangmen", role="admin")
    client.force_login(admin)
    statuses = [client.post(reverse("imports:index"), new_plan([ROW])).status_code for _ in range(3)]
    assert statuses == [302, 302, 429] and ImportJob.objects.count() == 2
    refused = client.post(reverse("imports:index"), new_plan([ROW]))
    assert "操作过于频繁" in refused.content.decode() and int(refused["Retry-After"]) > 0
    assert client.get(reverse("imports:index")).status_code == 200  # reading is not counted
    client.force_login(other)
    assert client.post(reverse("imports:index"), new_plan([ROW])).status_code == 302


def test_report_saves_are_rate_limited_per_user(client, make_user, settings):
    from tasks.models import Measure

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "save": (1, 60)}
    measure = Measure.objects.filter(task__plan__slug="jiangmen-2020").first()
    unit = measure.responsibilities.first().unit
    client.force_login(make_user("jm_staff_r", city="jiangmen", unit=unit.name))
    url = reverse("reporting:report_edit", args=[measure.pk, measure.task.plan.periods.first().pk, unit.pk])
    client.post(url, {"narrative": "一", "action": "save"})
    assert client.post(url, {"narrative": "二", "action": "save"}).status_code == 429


def test_the_plan_text_page_drafts_in_time_or_sends_the_text_to_a_job_and_refuses_past_the_jobs_limit(
        client, make_user, settings):
    from portal.imports.models import DraftJob

    settings.DRAFTING_MAX_CHARACTERS, settings.DRAFTING_JOB_MAX_CHARACTERS = 1000, 1200
    client.force_login(make_user("gz_admin_d", city="guangzhou", role="admin"))
    city = client.get("/imports/draft/").context["form"].fields["city"].queryset.get().pk
    long_text = "（一）稳就业。" + "开展招聘活动。" * 160  # 1127 characters: past the request, within a job
    response = client.post("/imports/draft/", {"text": long_text, "city": city, "years": "2025"})
    assert response.status_code == 302 and response["Location"].startswith("/imports/draft/jobs/")
    assert DraftJob.objects.count() == 1
    too_long = long_text + "开展招聘活动。" * 20
    page = client.post("/imports/draft/", {"text": too_long, "city": city, "years": "2025"}).content.decode()
    assert "粘贴的正文超过 1200 字" in page
    file = SimpleUploadedFile("方案.txt", too_long.encode("utf-8"))
    page = client.post("/imports/draft/", {"file": file, "city": city, "years": "2025"}).content.decode()
    assert "文件正文超过 1200 字" in page
    assert DraftJob.objects.count() == 1 and not ImportJob.objects.exists()

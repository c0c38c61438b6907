"""The dashboards' cache versions (versions.py): an approval in one city renders that city's
pages again and leaves every other city's leaders their cached ones; a full rebuild renders
everything again; with a cache of each process's own, the latest rollup run dates the pages."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.dashboards import services, versions
from tasks.models import Plan, Programme, Task
from units.models import Region

from .conftest import measure_of, target_of, unit_named

pytestmark = pytest.mark.django_db

ZS, JM = "zhongshan-2023-2027", "jiangmen-2020"
OCTOBER = "2026-10"


@pytest.fixture
def scoped(settings):
    settings.DASHBOARD_CACHE_SCOPED = True
    settings.DASHBOARD_CACHE_SECONDS = 600


@pytest.fixture
def rolled_up(reporting):
    new_jobs = measure_of(ZS, "1.1")
    reporting.report(new_jobs, unit_named("zhongshan", "市发展改革局"), date(2026, 1, 1),
                     {target_of(new_jobs, "urban_new_jobs"): 10000})
    services.rollups_rebuild()
    return new_jobs


def main(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    return body[body.index("<main"):]  # without the per-request CSRF tokens


def served_from_cache(client, url: str) -> bool:
    with CaptureQueriesContext(connection) as captured:
        main(client.get(url))
    return not any("summary" in q["sql"] and "dashboards_" in q["sql"] for q in captured.captured_queries)


def approve_in_zhongshan(reporting, measure) -> None:
    """An approved report and the job the approval queues: marked dirty, then recomputed."""
    reporting.report(measure, unit_named("zhongshan", "市发展改革局"), date(2026, 4, 1),
                     {target_of(measure, "urban_new_jobs"): 200000})
    services.rollups_mark_dirty(measure_ids=[measure.pk])
    assert services.rollups_recompute_dirty() is not None


def test_an_approval_in_one_city_renders_its_pages_again_and_another_citys_stay_cached(
        client, make_user, rolled_up, reporting, scoped, no_broker):
    zs, jm = Region.objects.get(code="zhongshan"), Region.objects.get(code="jiangmen")
    zs_leader = make_user("zs_leader_v", city="zhongshan", role="leader")
    jm_leader = make_user("jm_leader_v", city="jiangmen", role="leader")
    from django.test import Client

    jm_client = Client()
    jm_client.force_login(jm_leader)
    client.force_login(zs_leader)
    zs_city = reverse("dashboards:city", args=[zs.pk]) + f"?as_of={OCTOBER}"
    zs_plan = reverse("dashboards:plan", args=[Plan.objects.get(slug=ZS).pk]) + f"?as_of={OCTOBER}"
    jm_city = reverse("dashboards:city", args=[jm.pk])
    jm_plan = reverse("dashboards:plan", args=[Plan.objects.get(slug=JM).pk])
    before = {url: main(c.get(url)) for c, url in ((client, zs_city), (client, zs_plan), (jm_client, jm_city),
                                                  (jm_client, jm_plan))}
    assert all(served_from_cache(c, url) for c, url in ((client, zs_city), (client, zs_plan), (jm_client, jm_city),
                                                         (jm_client, jm_plan)))

    approve_in_zhongshan(reporting, rolled_up)

    # 江门's leader keeps his cached pages: nothing of 江门 was written.
    assert served_from_cache(jm_client, jm_city) and served_from_cache(jm_client, jm_plan)
    assert main(jm_client.get(jm_city)) == before[jm_city]
    # 中山's pages are rendered again, with the approval in them.
    with CaptureQueriesContext(connection) as captured:
        after = main(client.get(zs_city))
    assert any("dashboards_citysummary" in q["sql"] for q in captured.captured_queries)
    assert after != before[zs_city]
    assert not served_from_cache(client, zs_plan)
    assert served_from_cache(client, zs_city)  # and cached again under the new version


def test_the_api_figures_follow_the_same_versions(api_client_for, rolled_up, reporting, scoped, no_broker):
    zs, jm = Region.objects.get(code="zhongshan"), Region.objects.get(code="jiangmen")
    zs_api, jm_api = api_client_for("zhongshan"), api_client_for("jiangmen")
    zs_url = reverse("api:dashboard_city", args=[zs.pk]) + f"?as_of={OCTOBER}"
    jm_url = reverse("api:dashboard_city", args=[jm.pk])
    zs_before, jm_before = zs_api.get(zs_url).json(), jm_api.get(jm_url).json()

    approve_in_zhongshan(reporting, rolled_up)

    with CaptureQueriesContext(connection) as captured:
        assert jm_api.get(jm_url).json() == jm_before
    assert not any("dashboards_citysummary" in q["sql"] for q in captured.captured_queries)
    assert zs_api.get(zs_url).json() != zs_before


@pytest.fixture
def api_client_for(make_user):
    from rest_framework.test import APIClient

    from portal.api.services import api_token_issue

    def client(city: str):
        user = make_user(f"{city}_api_leader_v", city=city, role="leader")
        c = APIClient()
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_issue(user=user, name='v', days=1, issued_by=None).key}")
        return c

    return client


def test_a_job_bumps_only_the_scopes_it_wrote(rolled_up, reporting, scoped, no_broker):
    zs = Region.objects.get(code="zhongshan")
    plan = Plan.objects.get(slug=ZS)
    in_plan = set(Task.objects.filter(plan=plan).values_list("programme_id", flat=True))
    elsewhere = Programme.objects.exclude(pk__in=in_plan).exclude(children__pk__in=in_plan).first()
    watched = [("city", zs.pk), ("plan", plan.pk), ("city", Region.objects.get(code="jiangmen").pk),
               ("plan", Plan.objects.get(slug=JM).pk), ("programme", Task.objects.filter(plan=plan).first().programme_id),
               ("unit", unit_named("zhongshan", "市发展改革局").pk)]
    if elsewhere is not None:
        watched.append(("programme", elsewhere.pk))
    before = {scope: versions.current([scope]) for scope in watched}

    approve_in_zhongshan(reporting, rolled_up)

    changed = {scope for scope in watched if versions.current([scope]) != before[scope]}
    expected = {watched[0], watched[1], watched[4], watched[5]}
    assert changed == expected
    # A full rebuild dates everything again.
    services.rollups_rebuild()
    assert all(versions.current([scope]) != before[scope] for scope in watched)


def test_with_read_replicas_a_job_bumps_again_once_they_should_have_its_writes(
        rolled_up, reporting, scoped, no_broker, settings, monkeypatch, django_capture_on_commit_callbacks):
    from portal import celery as portal_celery

    settings.DATABASE_REPLICAS = ["replica"]
    queued = []
    monkeypatch.setattr(portal_celery, "enqueue", lambda task, *args, **options: queued.append((task.name, args, options)))
    zs = Region.objects.get(code="zhongshan")
    with django_capture_on_commit_callbacks(execute=True):
        approve_in_zhongshan(reporting, rolled_up)
    [(name, (scopes,), options)] = queued
    assert name == "dashboards.bump_versions" and options["countdown"] == settings.DATABASE_REPLICA_PIN_SECONDS
    assert ["city", zs.pk] in scopes
    from portal.dashboards.tasks import dashboards_bump_versions_task

    before = versions.current([("city", zs.pk)])
    dashboards_bump_versions_task(scopes)
    assert versions.current([("city", zs.pk)]) != before


def test_a_lost_version_is_a_miss_never_a_stale_page(client, make_user, rolled_up, scoped):
    client.force_login(make_user("zs_leader_l", city="zhongshan", role="leader"))
    url = reverse("dashboards:city", args=[Region.objects.get(code="zhongshan").pk])
    main(client.get(url))
    assert served_from_cache(client, url)
    cache.delete(versions._key(("city", Region.objects.get(code="zhongshan").pk)))
    assert not served_from_cache(client, url)


def test_with_a_cache_of_each_process_the_latest_run_dates_every_page(client, make_user, rolled_up, reporting,
                                                                       settings, no_broker):
    settings.DASHBOARD_CACHE_SCOPED = False
    client.force_login(make_user("jm_leader_p", city="jiangmen", role="leader"))
    url = reverse("dashboards:city", args=[Region.objects.get(code="jiangmen").pk])
    main(client.get(url))
    assert served_from_cache(client, url)
    approve_in_zhongshan(reporting, rolled_up)  # a run in another city: a new date for every page
    assert not served_from_cache(client, url)


def test_in_production_the_cache_is_the_brokers_redis_on_another_database_unless_told(monkeypatch):
    from portal import settings as portal_settings

    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.delenv("CACHE_REDIS_DB", raising=False)
    monkeypatch.setattr(portal_settings, "CELERY_BROKER_URL", "redis://10.0.0.5:6379/3")
    monkeypatch.setattr(portal_settings, "DEBUG", True)  # development and the tests: only if told
    assert portal_settings._cache_location() == ""
    monkeypatch.setattr(portal_settings, "DEBUG", False)
    assert portal_settings._cache_location() == "redis://10.0.0.5:6379/4"
    monkeypatch.setenv("CACHE_REDIS_DB", "9")
    assert portal_settings._cache_location() == "redis://10.0.0.5:6379/9"
    monkeypatch.setenv("CACHE_URL", "redis://cache.internal:6380/0")
    assert portal_settings._cache_location() == "redis://cache.internal:6380/0"
    monkeypatch.setenv("CACHE_URL", "locmem://")
    assert portal_settings._cache_location() == ""
    monkeypatch.delenv("CACHE_URL")
    monkeypatch.setattr(portal_settings, "CELERY_BROKER_URL", "memory://")  # `make run`: no Redis
    assert portal_settings._cache_location() == ""

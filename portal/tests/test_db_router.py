"""Which database a read goes to (portal.db): a replica for dashboards, exports and API reads;
the primary for writes, transactions, jobs and a client that has just written."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from indicators.models import ProgressReport
from portal import db
from portal.celery import app
from portal.db import PIN_COOKIE, PrimaryReplicaRouter, ReplicaReadsMiddleware, primary_reads, replica_reads

router = PrimaryReplicaRouter()


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICAS = ["replica"]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def read_alias() -> str:
    return router.db_for_read(ProgressReport)


def through_middleware(request):
    seen = {}

    def view(request):
        seen["alias"] = read_alias()
        return HttpResponse("ok")

    response = ReplicaReadsMiddleware(view)(request)
    return seen["alias"], response


def test_reads_go_to_the_primary_unless_a_replica_is_asked_for(replicas):
    assert read_alias() == "default"
    with replica_reads():
        assert read_alias() == "replica"
        with primary_reads():
            assert read_alias() == "default"
    assert router.db_for_write(ProgressReport) == "default"


def test_with_no_replica_configured_everything_is_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    with replica_reads():
        assert read_alias() == "default"


@pytest.mark.django_db
def test_a_read_inside_a_transaction_stays_on_the_primary(replicas):
    with replica_reads():
        assert read_alias() == "default"  # the test runs in a transaction


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "indicators") and not router.allow_migrate("replica", "indicators")


@pytest.mark.parametrize("path, replica", [
    ("/dashboards/cities/3/", True), ("/api/dashboards/cities/3/", True), ("/api/reports/", True),
    ("/imports/plans/4/export/", True), ("/reports/?_export=xlsx", True), ("/reports/", False),
    ("/measures/4/", False),
])
def test_dashboards_exports_and_api_reads_go_to_a_replica(replicas, path, replica):
    alias, _response = through_middleware(RequestFactory().get(path))
    assert alias == ("replica" if replica else "default")


def test_a_client_that_just_wrote_reads_from_the_primary_for_a_few_seconds(replicas, monkeypatch):
    factory = RequestFactory()
    clock = [1000.0]
    monkeypatch.setattr(db.time, "time", lambda: clock[0])
    alias, response = through_middleware(factory.post("/api/reports/", HTTP_AUTHORIZATION="Bearer wp_a"))
    assert alias == "default"
    cookie = response.cookies[PIN_COOKIE]
    assert float(cookie.value) == 1005.0 and cookie["max-age"] == 5

    clock[0] = 1003.0  # the same browser (cookie), the same token (cache): primary
    assert through_middleware(factory.get("/dashboards/", HTTP_COOKIE=f"{PIN_COOKIE}={cookie.value}"))[0] == "default"
    assert through_middleware(factory.get("/api/reports/", HTTP_AUTHORIZATION="Bearer wp_a"))[0] == "default"
    assert through_middleware(factory.get("/api/reports/", HTTP_AUTHORIZATION="Bearer wp_other"))[0] == "replica"
    clock[0] = 1006.0  # pinned no more
    assert through_middleware(factory.get("/api/reports/", HTTP_AUTHORIZATION="Bearer wp_a"))[0] == "replica"


def test_a_refused_write_does_not_pin(replicas):
    def refused(request):
        return HttpResponse(status=409)

    response = ReplicaReadsMiddleware(refused)(RequestFactory().post("/api/reports/", HTTP_AUTHORIZATION="Bearer wp_b"))
    assert PIN_COOKIE not in response.cookies


def test_a_job_reads_the_primary_even_when_run_in_process_from_a_replica_read(replicas):
    @app.task(name="tests.read_alias", bind=True)
    def job(self):
        return read_alias()

    with replica_reads():
        assert job.apply().get() == "default"
        assert read_alias() == "replica"

"""A real streaming replica (scripts/pg-replica.sh starts one of the local PostgreSQL on port
5433, or REPLICA_PORT): a write committed on the primary is seen on a dashboard read over the
API from the replica, and the reads of that request went to the replica.

The test database lives in the primary's cluster, so the replica streams it too. The write and
the read run in threads of their own: each has its own connections, outside the test's
transaction, so what is written is committed (and undone at the end).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal.api.services import api_token_issue
from portal.dashboards.models import CitySummary, RollupRun
from tasks.models import Plan
from units.models import Membership, Unit

ALIAS = "replica_live"
# Declared when this module is collected, as a test mirror of the primary (no test database
# of its own is made for it); the fixture then points it at the replica's port.
connections.settings.setdefault(ALIAS, {**connections.settings["default"],
                                        "TEST": {**connections.settings["default"].get("TEST", {}), "MIRROR": "default"}})
pytestmark = pytest.mark.django_db(databases=["default", ALIAS])


@pytest.fixture(scope="module", autouse=True)
def close_the_alias():
    """The test case opens the alias in this thread too (as a mirror of the primary): closed
    once it is done, so that the test database can be dropped at the end of the run."""
    yield
    connections[ALIAS].close()


def in_thread(work):
    """Run `work` in a thread of its own (its own connections, autocommit); its result."""
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 — handed back to the test
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@pytest.fixture
def live_replica(settings):
    if connection.vendor != "postgresql":
        pytest.skip("a streaming replica needs PostgreSQL (DATABASE_URL)")
    primary = connections["default"].settings_dict
    port = os.environ.get("REPLICA_PORT", "5433")
    env = {**os.environ, "PRIMARY_HOST": primary["HOST"] or "127.0.0.1", "PRIMARY_PORT": str(primary["PORT"] or 5432),
           "PRIMARY_USER": primary["USER"] or "postgres", "REPLICA_PORT": port}
    started = subprocess.run([str(settings.BASE_DIR / "scripts" / "pg-replica.sh"), "start"], env=env,
                             capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stdout + started.stderr
    mirror = connections.settings[ALIAS]
    connections.settings[ALIAS] = {**primary, "HOST": "127.0.0.1", "PORT": port, "TEST": mirror["TEST"]}
    settings.DATABASE_REPLICAS = [ALIAS]
    yield ALIAS
    connections.settings[ALIAS] = mirror


def test_a_write_on_the_primary_is_seen_on_a_dashboard_read_from_the_replica(live_replica):
    city_id = Plan.objects.get(slug="zhongshan-2023-2027").city_id
    row = CitySummary.objects.filter(city_id=city_id).order_by("-as_of").first()
    assert row is not None, "the seeds' summaries"
    month = f"{row.as_of:%Y-%m}"

    def arrange():
        user = get_user_model().objects.create_user("replica_leader", password=None)
        Membership.objects.create(user=user, unit=Unit.objects.get(region_id=city_id, name="市人力资源和社会保障局"),
                                  role="leader")
        key = api_token_issue(user=user, name="replica", days=1, issued_by=None).key
        # The write: what a rollup job leaves on the primary — new figures and its run (which
        # also dates the dashboards' cached bodies).
        CitySummary.objects.filter(pk=row.pk).update(n_done=F("n_done") + 1000)
        run = RollupRun.objects.create(kind=RollupRun.Kind.INCREMENTAL, started_at=timezone.now(), seconds=0)
        return key, run.pk

    def read_dashboard(key):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        with CaptureQueriesContext(connections[ALIAS]) as on_replica:
            response = client.get(reverse("api:dashboard_city", args=[city_id]) + f"?as_of={month}")
        done = response.json()["tally"]["done"] if response.status_code == 200 else None
        return response.status_code, done, [q["sql"] for q in on_replica.captured_queries]

    key, run_id = in_thread(arrange)
    try:
        deadline, seen = time.monotonic() + 15, None
        while time.monotonic() < deadline:
            seen = in_thread(lambda: read_dashboard(key))
            if seen[1] == row.n_done + 1000:
                break
            time.sleep(0.2)
        status, done, replica_sql = seen
        assert status == 200 and done == row.n_done + 1000, seen[:2]
        assert any("dashboards_citysummary" in sql for sql in replica_sql), "the dashboard was read on the replica"
    finally:
        def undo():
            CitySummary.objects.filter(pk=row.pk).update(n_done=F("n_done") - 1000)
            RollupRun.objects.filter(pk=run_id).delete()
            get_user_model().objects.filter(username="replica_leader").delete()

        in_thread(undo)


def test_the_replica_is_a_read_only_standby_of_the_test_database(live_replica):
    def probe():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("select pg_is_in_recovery(), current_database()")
            return cursor.fetchone()

    in_recovery, name = in_thread(probe)
    assert in_recovery is True and name == settings.DATABASES["default"]["NAME"]

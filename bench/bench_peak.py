"""The month-end peak of a province on one instance (#15).

    .venv/bin/python bench/bench_peak.py build                 # the province: ≥ 3 M approved values
    .venv/bin/python bench/bench_peak.py build --db bench_peak_10k --only 中山市 --measures 20   # 中山 at ~10,000 values
    .venv/bin/python bench/bench_peak.py measure               # rebuild, one recompute, the city dashboard
    .venv/bin/python bench/bench_peak.py dashboard [--db …]    # the city dashboard alone (back to back)
    .venv/bin/python bench/bench_peak.py peak [--staff 400 --leaders 50 --seconds 120]
    .venv/bin/python bench/bench_peak.py api [--seconds 20]    # wrk on the API's city figures

The province: 广东省 and its 21 cities, 20 units each, one plan a year 2022—2026 each, 300
measures a plan (5 targets each, the seeds' mix of kinds), monthly reports approved by each
measure's lead unit and one support unit (support units report the additive targets) up to
October 2026; November 2026 is open, due on 5 December: the peak. Bulk-loaded with COPY into
its own database (BENCH_PEAK_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_peak).

`peak` starts gunicorn (production settings) and a real Celery worker on Redis
(BENCH_PEAK_BROKER_URL, default redis://127.0.0.1:6379/7; their shared cache BENCH_PEAK_CACHE_URL,
default db 8, flushed with the broker before a run), on loopback: `--staff` people,
each with an API token, file and submit one November report each at moments spread over
`--seconds`, while `--leaders` people read city and plan dashboards (a page every 1–3 s), and
the reviewers approve each submitted report; an approval is visible once the rollup job that
took its measure has committed (its dirty mark gone, a run started after it): dashboards read
only those tables. Results go to bench/results-peak.json and, by hand, docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("BENCH_PORT", "8797"))
SECRET = "bench-peak-secret-key-for-loopback-only-0123456789abcdef"
BROKER = os.environ.get("BENCH_PEAK_BROKER_URL", "redis://127.0.0.1:6379/7")
CACHE = os.environ.get("BENCH_PEAK_CACHE_URL", "redis://127.0.0.1:6379/8")  # shared by gunicorn and the worker
YEARS = range(2022, 2027)
OPEN_MONTH = date(2026, 11, 1)
AS_OF = "2026-10"
UNITS_PER_REGION = 20
TARGETS_PER_MEASURE = 5
KINDS = [("flow_annual", 40), ("flow_cumulative", 25), ("stock", 15), ("rate", 10), ("ceiling", 5), ("range", 5)]
ADDITIVE = {"flow_annual", "flow_cumulative", "range"}
CITIES = ["广州市", "深圳市", "珠海市", "汕头市", "佛山市", "韶关市", "河源市", "梅州市", "惠州市", "汕尾市", "东莞市",
          "中山市", "江门市", "阳江市", "湛江市", "茂名市", "肇庆市", "清远市", "潮州市", "揭阳市", "云浮市"]


def setup(db_name: str) -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db_name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ["AXES_ENABLED"] = "0"
    os.environ["SECRET_KEY"] = SECRET  # the sessions made here are read by the server
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{db_name}"')
    admin.close()
    import django

    django.setup()


# --- build -------------------------------------------------------------------------------------


class Copier:
    """COPY rows (tuples in the given column order) into a table, in chunks."""

    def __init__(self, table: str, columns: list[str], chunk: int = 200_000):
        self.table, self.columns, self.chunk, self.rows, self.count = table, columns, chunk, [], 0

    def add(self, *values) -> None:
        self.rows.append("\t".join("\\N" if v is None else ("t" if v is True else "f" if v is False else str(v))
                                   for v in values))
        if len(self.rows) >= self.chunk:
            self.flush()

    def flush(self) -> None:
        from django.db import connection

        if not self.rows:
            return
        buffer = io.StringIO("\n".join(self.rows) + "\n")
        cols = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f'COPY "{self.table}" ({cols}) FROM STDIN', buffer)
        self.count += len(self.rows)
        self.rows = []


def month_starts(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


def month_end(start: date) -> date:
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def build(measures_per_plan: int, seed: int = 15, only: frozenset[str] = frozenset()) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from indicators.models import Indicator
    from indicators.services import indicators_load_csv
    from tasks.models import Programme
    from tasks.services import programmes_load_csv
    from units.models import Region, Unit
    from units.services import regions_load_csv, units_load_csv

    rng = random.Random(seed)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'django_migrations'"
                       " AND tablename NOT LIKE 'django_content_type' AND tablename NOT LIKE 'auth_permission'")
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    fixtures = ROOT / "fixtures"
    regions_load_csv(path=fixtures / "regions.csv")
    programmes_load_csv(path=fixtures / "programmes.csv")
    units_load_csv(paths=sorted((fixtures / "units").glob("*.csv")))
    indicators_load_csv(paths=sorted((fixtures / "indicators").glob("*.csv")))
    province = Region.objects.get(kind=Region.Kind.PROVINCE)
    for number, name in enumerate(CITIES):
        if not Region.objects.filter(kind=Region.Kind.CITY, name=name).exists():
            Region.objects.create(code=f"city{number:02d}", name=name, kind=Region.Kind.CITY, parent=province)
    regions = [province, *Region.objects.filter(kind=Region.Kind.CITY).order_by("pk")]
    assert len(regions) == 22, len(regions)
    units_of: dict[int, list[int]] = {}
    for region in regions:
        bureau, _created = Unit.objects.get_or_create(region=region, name="市人力资源和社会保障局" if region != province
                                                      else "省人力资源和社会保障厅")
        have = list(Unit.objects.filter(region=region).exclude(pk=bureau.pk).values_list("pk", flat=True))
        for i in range(len(have), UNITS_PER_REGION - 1):
            have.append(Unit.objects.create(region=region, name=f"基准单位{i + 1:02d}").pk)
        units_of[region.pk] = [bureau.pk, *have[: UNITS_PER_REGION - 1]]
    programmes = list(Programme.objects.values_list("pk", flat=True))
    indicators = list(Indicator.objects.values_list("pk", flat=True)[:30])
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    User = get_user_model()
    author = User.objects.create_user("bench_author", password=None)
    now = timezone.now().isoformat()

    plan = Copier("tasks_plan", ["id", "city_id", "slug", "title", "year_start", "year_end", "frequency",
                                 "source_document", "created_at"])
    task = Copier("tasks_task", ["id", "plan_id", "section_id", "number", "title", "programme_id"])
    measure = Copier("tasks_measure", ["id", "task_id", "seq", "text", "deadline_text", "deadline", "recurring"])
    resp = Copier("tasks_responsibility", ["id", "measure_id", "unit_id", "role"])
    target = Copier("indicators_target", ["id", "measure_id", "seq", "indicator_id", "kind", "comparator", "value",
                                          "value_max", "unit", "period_start", "period_end", "phrase"])
    period = Copier("indicators_period", ["id", "plan_id", "start", "end", "due_date", "is_open", "closed_at"])
    report = Copier("indicators_progressreport", [
        "id", "measure_id", "unit_id", "period_id", "version", "state", "narrative", "problems", "next_steps",
        "self_status", "created_by_id", "submitted_at", "reviewed_by_id", "reviewed_at", "review_comment", "created_at",
        "updated_at", "updated_by_id", "revision"])
    value = Copier("indicators_actualvalue", ["id", "report_id", "target_id", "value", "numerator", "denominator", "doubt"])
    ids = {k: 0 for k in ("plan", "task", "measure", "resp", "target", "period", "report", "value")}

    def new(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    with transaction.atomic():
        for region in regions:
            if only and region.name not in only:
                continue  # a smaller province: the same city, fewer values (the 10,000-value comparison)
            for year in YEARS:
                plan_id = new("plan")
                plan.add(plan_id, region.pk, f"peak-{region.pk}-{year}", f"{region.name}{year}年人社工作要点", year, year,
                         "monthly", "", now)
                periods = []
                for start in month_starts(year):
                    end, period_id = month_end(start), new("period")
                    is_open = start == OPEN_MONTH
                    due = (end + timedelta(days=5)).isoformat()
                    period.add(period_id, plan_id, start.isoformat(), end.isoformat(), due, is_open,
                               None if is_open else now)
                    periods.append((period_id, start))
                for t in range(-(-measures_per_plan // 10)):
                    task_id = new("task")
                    task.add(task_id, plan_id, None, t + 1, f"任务{t + 1}", rng.choice(programmes))
                    for s in range(min(10, measures_per_plan - t * 10)):
                        measure_id = new("measure")
                        measure.add(measure_id, task_id, s + 1, f"措施{t + 1}.{s + 1}：推进重点工作", f"{year}年12月",
                                    f"{year}-12-31", False)
                        lead, support = rng.sample(units_of[region.pk], 2)
                        resp.add(new("resp"), measure_id, lead, "lead")
                        resp.add(new("resp"), measure_id, support, "support")
                        targets = []
                        for seq in range(TARGETS_PER_MEASURE):
                            kind = rng.choice(kinds)
                            goal = {"rate": 90, "ceiling": 3}.get(kind, rng.randint(100, 50_000))
                            comparator = {"ceiling": "lte", "range": "between"}.get(kind, "gte")
                            target_id = new("target")
                            indicator = indicators[target_id % len(indicators)] if kind in ADDITIVE and seq == 0 else None
                            target.add(target_id, measure_id, seq + 1, indicator, kind, comparator, goal,
                                       goal * 2 if kind == "range" else None, "%" if kind in ("rate", "ceiling") else "人",
                                       f"{year}-01-01", f"{year}-12-31", f"目标{target_id}")
                            targets.append((target_id, kind, goal, rng.choice([1.2, 1.0, 0.9, 0.7, 0.5])))
                        for month, (period_id, start) in enumerate(periods):
                            if start >= OPEN_MONTH:
                                break
                            for unit, share in ((lead, 0.7), (support, 0.3)):
                                report_id = new("report")
                                report.add(report_id, measure_id, unit, period_id, 1, "approved", "进展顺利", "", "", "",
                                           author.pk, now, author.pk, now, "", now, now, author.pk, 3)
                                for target_id, kind, goal, pace in targets:
                                    if unit == support and kind not in ADDITIVE:
                                        continue
                                    v = num = den = None
                                    if kind in ADDITIVE:
                                        v = round(goal * pace * share / 12 * rng.uniform(0.8, 1.2), 2)
                                    elif kind == "stock":
                                        v = round(goal * (0.6 + 0.4 * min(1.0, (month + 1) / 12 * pace)), 2)
                                    elif kind == "rate":
                                        den = rng.randint(500, 5000)
                                        num = int(den * min(0.99, 0.9 * pace))
                                        v = round(num / den * 100, 2)
                                    else:
                                        v = 2.7 if pace >= 0.9 else 3.3
                                    value.add(new("value"), report_id, target_id, v, num, den, "")
        for copier in (plan, task, measure, resp, target, period, report, value):
            copier.flush()
        with connection.cursor() as cursor:
            for copier in (plan, task, measure, resp, target, period, report, value):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{copier.table}\"', 'id'), "
                               f"(SELECT coalesce(max(id), 1) FROM \"{copier.table}\"))")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    loaded = time.monotonic() - started
    return {"regions": len(regions), "units": sum(map(len, units_of.values())), "plans": plan.count,
            "measures": measure.count, "targets": target.count, "reports": report.count, "values": value.count,
            "load_seconds": round(loaded, 1)}


# --- measures in process ---------------------------------------------------------------------


def city_dashboard_times(repeat: int = 30) -> dict:
    """Server time of the city dashboard (rendered, cache off) through Django's test client."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from units.models import Membership, Region, Unit

    settings.DASHBOARD_CACHE_SECONDS = 0
    city = Region.objects.get(kind=Region.Kind.CITY, name="中山市")
    leader, _ = get_user_model().objects.get_or_create(username="bench_city_leader")
    Membership.objects.get_or_create(user=leader, unit=Unit.objects.get(region=city, name="市人力资源和社会保障局"),
                                     role="leader")
    client = Client()
    client.force_login(leader)
    url = reverse("dashboards:city", args=[city.pk]) + f"?as_of={AS_OF}"
    times = []
    for _ in range(repeat + 3):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    times = times[3:]
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(sorted(times)[int(0.95 * len(times))], 1)}


def measure_in_process() -> dict:
    from django.db.models import Count

    from indicators.models import ActualValue
    from portal.dashboards import services
    from tasks.models import Measure

    result = {"values": ActualValue.objects.count()}
    rebuilds = []
    for _ in range(2):
        run = services.rollups_rebuild()
        rebuilds.append(round(run.seconds, 2))
    result["rebuild_seconds"] = rebuilds
    ids = list(Measure.objects.filter(task__plan__year_start=2026).annotate(n=Count("targets")).values_list("pk", flat=True)[:2000])
    times = []
    for measure_id in random.Random(1).sample(ids, min(20, len(ids))):
        started = time.perf_counter()
        services.rollups_recompute_measures(measure_ids=[measure_id])
        times.append((time.perf_counter() - started) * 1000)
    result["recompute_one_median_ms"] = round(statistics.median(times), 1)
    result["recompute_one_p95_ms"] = round(sorted(times)[int(0.95 * len(times))], 1)
    result["city_dashboard"] = city_dashboard_times()
    return result


# --- the peak, on gunicorn and a real worker -----------------------------------------------


def server_env(db_name: str, static_root: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db_name}", "DEBUG": "0",
           "SECRET_KEY": SECRET, "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
           "CONN_MAX_AGE": "600", "LOG_LEVEL": "WARNING", "CELERY_BROKER_URL": BROKER, "CACHE_URL": CACHE,
           "STATIC_ROOT": static_root,
           "AXES_ENABLED": "0", "API_RATE_PER_TOKEN": "100000/min", "DJANGO_SETTINGS_MODULE": "portal.settings",
           "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_REPLICA_URLS", None)
    return env


class Stack:
    """gunicorn and a Celery worker (every queue), started and stopped together."""

    def __init__(self, db_name: str, workers: int):
        self.static_root = tempfile.mkdtemp(prefix="bench-peak-static-")
        self.env = server_env(db_name, self.static_root)
        self.workers = workers
        self.processes: list[subprocess.Popen] = []

    def __enter__(self):
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True)
        for url in (BROKER, CACHE):  # no job and no cached page of an earlier run
            subprocess.run(["redis-cli", "-u", url, "flushdb"], check=True, capture_output=True)
        self.processes.append(subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "portal.wsgi", "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{PORT}", "--log-level", "warning", "--backlog", "1024"], cwd=ROOT, env=self.env))
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-Q", "rollups,default,notifications,imports",
             "--concurrency", "1", "--loglevel", "WARNING", "-n", "bench-peak@%h"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect (to the login page) is answered as it is, and counted as an error


_opener = urllib.request.build_opener(_NoRedirect)


def call(method: str, path: str, *, token: str | None = None, cookie: str | None = None, body: dict | None = None):
    """(status, json or None, milliseconds) of one request on loopback."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", data=data, headers=headers, method=method)
    started = time.perf_counter()
    try:
        with _opener.open(request, timeout=30) as response:
            payload, status = response.read(), response.status
    except urllib.error.HTTPError as exc:
        payload, status = exc.read(), exc.code
    except OSError:
        return 0, None, (time.perf_counter() - started) * 1000
    elapsed = (time.perf_counter() - started) * 1000
    try:
        return status, json.loads(payload), elapsed
    except ValueError:
        return status, None, elapsed


def cast(staff_n: int, leaders_n: int) -> dict:
    """The people of the run: one staff member per chosen November report, a reviewer per
    region, leaders spread over the cities; tokens and sessions made fresh each run."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from indicators.models import ActualValue, Period, ProgressReport
    from portal.api.services import api_token_issue
    from tasks.models import Responsibility
    from units.models import Membership, Region, Unit

    User = get_user_model()
    ProgressReport.objects.filter(period__start=OPEN_MONTH).delete()  # the previous run's November
    User.objects.filter(username__startswith="peak_").delete()
    rng = random.Random(7)
    leads = list(Responsibility.objects.filter(role="lead", measure__task__plan__year_start=2026)
                 .values_list("measure_id", "unit_id", "unit__region_id", "measure__task__plan_id"))
    chosen = rng.sample(leads, staff_n)
    periods = dict(Period.objects.filter(start=OPEN_MONTH).values_list("plan_id", "pk"))
    october = {(m, u): {} for m, u, _r, _p in chosen}
    for measure_id, unit_id, target_id, kind, v, num, den in ActualValue.objects.filter(
            report__period__start=date(2026, 10, 1), report__measure_id__in=[c[0] for c in chosen]).values_list(
            "report__measure_id", "report__unit_id", "target_id", "target__kind", "value", "numerator", "denominator"):
        if (measure_id, unit_id) in october:
            october[(measure_id, unit_id)][target_id] = (kind, v, num, den)
    admin = User.objects.create_user("peak_admin", password=None, is_superuser=True)
    staff = []
    for i, (measure_id, unit_id, region_id, plan_id) in enumerate(chosen):
        user = User.objects.create_user(f"peak_staff_{i}", password=None)
        Membership.objects.create(user=user, unit_id=unit_id, role="staff")
        values = []
        for target_id, (kind, v, num, den) in october[(measure_id, unit_id)].items():
            if kind == "rate":
                values.append({"target": target_id, "numerator": str(num), "denominator": str(den)})
            else:
                values.append({"target": target_id, "value": str(v + 1 if kind == "stock" else v)})
        staff.append({"token": api_token_issue(user=user, name="peak", days=1, issued_by=admin).key,
                      "body": {"measure": measure_id, "unit": unit_id, "period": periods[plan_id], "revision": None,
                               "narrative": "11月进展：按计划推进", "values": values},
                      "region": region_id})
    reviewers = {}
    for region in Region.objects.filter(kind__in=["province", "city"]):
        user = User.objects.create_user(f"peak_reviewer_{region.pk}", password=None)
        Membership.objects.bulk_create([Membership(user=user, unit=unit, role="reviewer")
                                        for unit in Unit.objects.filter(region=region)])
        reviewers[region.pk] = api_token_issue(user=user, name="peak", days=1, issued_by=admin).key
    cities = list(Region.objects.filter(kind="city").order_by("pk"))
    leaders = []
    for i in range(leaders_n):
        city = cities[i % len(cities)]
        user = User.objects.create_user(f"peak_leader_{i}", password=None)
        Membership.objects.create(user=user, unit=Unit.objects.get(region=city, name="市人力资源和社会保障局"), role="leader")
        session = SessionStore()
        session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        plan_ids = list(city.plans.filter(year_start=2026).values_list("pk", flat=True))
        leaders.append({"cookie": session.session_key, "pages": [f"/dashboards/city/{city.pk}/",
                                                                 f"/dashboards/plan/{plan_ids[0]}/"]})
    return {"staff": staff, "reviewers": reviewers, "leaders": leaders, "city": cities[11].pk}


def percentile(samples: list[float], share: float) -> float | None:
    return round(sorted(samples)[min(len(samples) - 1, int(share * len(samples)))], 1) if samples else None


def peak(db_name: str, staff_n: int, leaders_n: int, seconds: int, workers: int) -> dict:
    from django.db import connections

    from portal.dashboards.models import DirtyScope

    people = cast(staff_n, leaders_n)
    lock = threading.Lock()
    times: dict[str, list[float]] = {"save": [], "submit": [], "approve": [], "dashboard": []}
    errors: list[str] = []
    approvals: list[tuple[int, float]] = []  # (measure, when the approval answered)
    doubts_confirmed = [0]
    stop = threading.Event()

    def record(kind: str, status: int, ms: float, ok=(200, 201)) -> bool:
        with lock:
            if status in ok:
                times[kind].append(ms)
                return True
            errors.append(f"{kind} {status}")
            return False

    def file(person: dict, delay: float, began: float) -> None:
        time.sleep(max(0.0, began + delay - time.monotonic()))
        status, saved, ms = call("POST", "/api/reports/", token=person["token"], body=person["body"])
        if status == 422:  # a value the rules doubt: confirmed, as a filer would
            doubts_confirmed[0] += 1
            body = {**person["body"], "confirmed_doubts": list(saved["doubts"].values())}
            status, saved, ms = call("POST", "/api/reports/", token=person["token"], body=body)
        if not record("save", status, ms):
            return
        status, submitted, ms = call("POST", f"/api/reports/{saved['id']}/submit/", token=person["token"],
                                     body={"revision": saved["revision"]})
        if not record("submit", status, ms):
            return
        status, _approved, ms = call("POST", f"/api/reports/{saved['id']}/approve/",
                                     token=people["reviewers"][person["region"]], body={"comment": ""})
        if record("approve", status, ms):
            with lock:
                approvals.append((saved["measure"], time.monotonic()))

    def read(leader: dict, rng: random.Random) -> None:
        while not stop.is_set():
            status, _body, ms = call("GET", rng.choice(leader["pages"]), cookie=leader["cookie"])
            record("dashboard", status, ms)
            stop.wait(rng.uniform(1, 3))

    visible: list[float] = []

    def watch() -> None:
        pending: dict[int, float] = {}
        taken = 0
        while True:
            with lock:
                for measure_id, when in approvals[taken:]:
                    pending.setdefault(measure_id, when)
                taken = len(approvals)
            if stop.is_set() and not pending:
                break
            if pending:
                dirty = set(DirtyScope.objects.filter(kind="measure", object_id__in=list(pending))
                            .values_list("object_id", flat=True))
                now = time.monotonic()
                for measure_id in [m for m in pending if m not in dirty]:
                    visible.append(now - pending.pop(measure_id))
                if stop.is_set() and now - min(pending.values(), default=now) > 60:
                    break
            time.sleep(0.2)
        connections.close_all()

    with Stack(db_name, workers):
        for leader in people["leaders"][: 2 * workers]:  # every worker warm, on pages and the API
            call("GET", leader["pages"][0], cookie=leader["cookie"])
            call("GET", "/api/periods/?page_size=1", token=people["reviewers"][people["staff"][0]["region"]])
        load_before = os.getloadavg()
        rng = random.Random(3)
        began = time.monotonic()
        watcher = threading.Thread(target=watch)
        watcher.start()
        with ThreadPoolExecutor(max_workers=leaders_n) as readers, ThreadPoolExecutor(max_workers=64) as filers:
            for i, leader in enumerate(people["leaders"]):
                readers.submit(read, leader, random.Random(i))
            jobs = [filers.submit(file, person, rng.uniform(0, seconds), began) for person in people["staff"]]
            for job in jobs:
                job.result()
            filing = time.monotonic() - began
            stop.set()
        watcher.join(120)
        load_after = os.getloadavg()
    return {
        "staff": staff_n, "leaders": leaders_n, "seconds": seconds, "gunicorn_workers": workers,
        "filing_seconds": round(filing, 1), "requests": sum(map(len, times.values())), "errors": len(errors),
        "error_sample": errors[:10], "doubts_confirmed": doubts_confirmed[0],
        **{f"{kind}_p50_ms": percentile(t, 0.5) for kind, t in times.items()},
        **{f"{kind}_p95_ms": percentile(t, 0.95) for kind, t in times.items()},
        "dashboard_reads": len(times["dashboard"]), "approvals": len(approvals), "approvals_visible": len(visible),
        "visible_p95_s": percentile(visible, 0.95), "visible_max_s": round(max(visible), 1) if visible else None,
        "load_before": load_before, "load_after": load_after,
    }


def api_throughput(db_name: str, seconds: int, connections_n: int, workers: int) -> dict:
    """wrk (Debian's) on the API's figures of one city, with a leader's token."""
    from django.contrib.auth import get_user_model

    from portal.api.services import api_token_issue
    from units.models import Membership, Region, Unit

    city = Region.objects.get(kind="city", name="中山市")
    user, _ = get_user_model().objects.get_or_create(username="peak_api_leader")
    Membership.objects.get_or_create(user=user, unit=Unit.objects.get(region=city, name="市人力资源和社会保障局"), role="leader")
    token = api_token_issue(user=user, name="wrk", days=1, issued_by=None).key
    path = f"/api/dashboards/cities/{city.pk}/?as_of={AS_OF}"
    lua = ('wrk.headers["Authorization"] = "Bearer %s"\n'
           "done = function(summary, latency, requests)\n"
           "  io.write(string.format('RESULT %%d %%.3f %%.1f %%.1f %%d %%d\\n', summary.requests, summary.duration / 1e6,\n"
           "    latency:percentile(50) / 1000, latency:percentile(95) / 1000,\n"
           "    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,\n"
           "    summary.errors.status))\nend\n") % token
    with Stack(db_name, workers):
        for _ in range(30):
            status, _body, _ms = call("GET", path, token=token)
            assert status == 200, status
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua)
        load_before = os.getloadavg()
        out = subprocess.run(["wrk", "-t2", f"-c{connections_n}", f"-d{seconds}s", "-s", script.name,
                              f"http://127.0.0.1:{PORT}{path}"], capture_output=True, text=True, check=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, errors, non_2xx = line.split()[1:]
    return {"url": path, "requests": int(requests), "rps": round(int(requests) / float(duration), 1),
            "p50_ms": float(p50), "p95_ms": float(p95), "errors": int(errors), "non_2xx": int(non_2xx),
            "connections": connections_n, "gunicorn_workers": workers, "load_before": load_before}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["build", "measure", "dashboard", "peak", "api"])
    parser.add_argument("--db", default=os.environ.get("BENCH_PEAK_DB", "bench_peak"))
    parser.add_argument("--measures", type=int, default=300, help="measures a plan")
    parser.add_argument("--only", default="", help="build: plans only for these regions (comma-separated names)")
    parser.add_argument("--staff", type=int, default=400)
    parser.add_argument("--leaders", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn workers")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (api)")
    args = parser.parse_args()
    setup(args.db)
    out = ROOT / "bench" / "results-peak.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    if args.command == "build":
        figures = build(args.measures, only=frozenset(filter(None, args.only.split(","))))
    elif args.command == "measure":
        figures = measure_in_process()
    elif args.command == "dashboard":  # the city dashboard alone, for back-to-back comparisons
        figures = city_dashboard_times(repeat=100)
    elif args.command == "peak":
        figures = peak(args.db, args.staff, args.leaders, args.seconds, args.workers)
    else:
        figures = api_throughput(args.db, args.seconds if args.seconds != 120 else 20, args.connections, args.workers)
    figures.update({"when": datetime.now(dt_timezone.utc).isoformat(timespec="seconds"), "load": os.getloadavg()})
    results[f"{args.command}:{args.db}"] = figures
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    out.write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

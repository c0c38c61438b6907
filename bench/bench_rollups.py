"""Rollups and dashboards at 10,000 and 1,000,000 actual values, on PostgreSQL.

    .venv/bin/python bench/bench_rollups.py            # both sizes (about 10 minutes)
    .venv/bin/python bench/bench_rollups.py --sizes 10k

Both sizes have the same 29 plans (10, 10 and 9 in the three cities), units and programmes:
only the number of targets and values differs, so the dashboards show the same structure.
Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_rollups),
created if missing; the synthetic plans are bulk-loaded with COPY. For each size it measures:
the full rebuild; one approval's incremental recompute (the Celery job's work); the server
time (median, p95) and queries of each dashboard through Django's test client; and, in the
same run, the city dashboard's figures computed on the fly with ORM aggregates from the raw
reports (the baseline), checked equal to the summary tables. The data of the last size is
left in place for bench/bench_load.py. Results: printed, and written to bench/results-rollups.json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_rollups")
os.environ["DATABASE_URL"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.pop("CELERY_BROKER_URL", None)  # jobs in process: the bench times the job's own work
os.environ.setdefault("AXES_ENABLED", "0")

SIZES = {"10k": 500, "1m": 50_000}  # targets; × 20 periods = actual values
PERIODS = 20  # monthly, 2025-01 … 2026-08
AS_OF = date(2026, 8, 31)
TARGETS_PER_MEASURE = 4
MEASURES_PER_TASK = 10
PLANS = 29  # both sizes: the same cities, plans and units; only the number of values differs
KINDS = [("flow_annual", 40), ("flow_cumulative", 25), ("stock", 15), ("rate", 10), ("ceiling", 5), ("range", 5)]


def ensure_database() -> None:
    import psycopg2
    from dj_database_url import parse

    cfg = parse(BENCH_DB)
    admin = psycopg2.connect(dbname="postgres", user=cfg["USER"], password=cfg["PASSWORD"] or None,
                             host=cfg["HOST"], port=cfg["PORT"] or 5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()


ensure_database()
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Max, Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from indicators.models import ActualValue, Indicator, Period, ProgressReport, Target  # noqa: E402
from indicators.services import indicators_load_csv  # noqa: E402
from portal.dashboards import rollups, services  # noqa: E402
from portal.dashboards.models import CitySummary, PlanSummary, ProgrammeCitySummary  # noqa: E402
from tasks.models import Measure, Plan, Programme, Responsibility, Task  # noqa: E402
from tasks.services import programmes_load_csv  # noqa: E402
from units.models import Membership, Region, Unit  # noqa: E402
from units.services import regions_load_csv, units_load_csv  # noqa: E402

# --- loading ---------------------------------------------------------------------------------


def copy_rows(model, rows: list[dict]) -> None:
    """COPY dicts of attnames into the model's table; every other column gets its default."""
    if not rows:
        return
    fields = model._meta.concrete_fields
    given = set(rows[0])
    defaults = {f.attname: f.get_default() for f in fields if f.attname not in given}
    names = [f.attname for f in fields if f.attname in given or f.attname in defaults]
    columns = {f.attname: f.column for f in fields}
    buffer = io.StringIO()
    for row in rows:
        values = []
        for name in names:
            value = row[name] if name in given else defaults[name]
            if value is None:
                values.append("\\N")
            elif isinstance(value, bool):
                values.append("t" if value else "f")
            else:
                text = value.isoformat() if hasattr(value, "isoformat") else str(value)
                values.append(text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " "))
        buffer.write("\t".join(values) + "\n")
    buffer.seek(0)
    cols = ", ".join(f'"{columns[n]}"' for n in names)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f'COPY "{model._meta.db_table}" ({cols}) FROM STDIN', buffer)


def reset_database() -> None:
    call_command("migrate", verbosity=0)
    tables = [m._meta.db_table for m in django.apps.apps.get_models()
              if m._meta.app_label in {"indicators", "tasks", "dashboards"} or m._meta.db_table.startswith("units_")]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        cursor.execute("DELETE FROM auth_user")
    fixtures = ROOT / "fixtures"
    regions_load_csv(path=fixtures / "regions.csv")
    programmes_load_csv(path=fixtures / "programmes.csv")
    units_load_csv(paths=sorted((fixtures / "units").glob("*.csv")))
    indicators_load_csv(paths=sorted((fixtures / "indicators").glob("*.csv")))


def generate(targets_total: int, rng: random.Random) -> dict:
    """Plans of 2025—2026 in the three cities, with monthly reports by each measure's lead."""
    User = get_user_model()
    author = User.objects.create_user("bench_author", password="x")
    leader = User.objects.create_user("bench_leader", password="x")
    admin = User.objects.create_user("bench_admin", password="x", is_superuser=True, is_staff=True)
    cities = list(Region.objects.cities().order_by("pk"))
    units_of = {c.pk: list(Unit.objects.filter(region__in=[c, *c.children.all()]).values_list("pk", flat=True)) for c in cities}
    bureau = Unit.objects.get(region=cities[1], name="市人力资源和社会保障局")
    Membership.objects.create(user=leader, unit=bureau, role=Membership.Role.LEADER)
    programmes = list(Programme.objects.values_list("pk", flat=True))
    indicators = list(Indicator.objects.values_list("pk", "unit")[:30])
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    n_plans = PLANS
    plans, tasks, measures, responsibilities, targets, periods = [], [], [], [], [], []
    reports, values = [], []
    ids = defaultdict(int)

    def next_id(kind):
        ids[kind] += 1
        return ids[kind]

    months = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(PERIODS)]
    now = timezone.now()
    per_plan = [targets_total // n_plans + (1 if i < targets_total % n_plans else 0) for i in range(n_plans)]
    for p, plan_targets in enumerate(per_plan):
        city = cities[p % len(cities)]
        plan_id = next_id("plan")
        plans.append({"id": plan_id, "city_id": city.pk, "slug": f"bench-{plan_id}", "title": f"基准测试工作方案{plan_id}",
                      "year_start": 2025, "year_end": 2026, "frequency": "monthly", "source_document": "",
                      "created_at": now})
        plan_periods = []
        for start in months:
            end = rollups.month_end(start)
            period_id = next_id("period")
            plan_periods.append((period_id, start, end))
            periods.append({"id": period_id, "plan_id": plan_id, "start": start, "end": end, "due_date": end,
                            "is_open": False})
        n_measures = -(-plan_targets // TARGETS_PER_MEASURE)
        left = plan_targets
        for t in range(-(-n_measures // MEASURES_PER_TASK)):
            task_id = next_id("task")
            tasks.append({"id": task_id, "plan_id": plan_id, "section_id": None, "number": t + 1,
                          "title": f"任务{t + 1}", "programme_id": rng.choice(programmes)})
            for s in range(MEASURES_PER_TASK):
                if left <= 0:
                    break
                measure_id = next_id("measure")
                measures.append({"id": measure_id, "task_id": task_id, "seq": s + 1, "text": f"措施{t + 1}.{s + 1}：推进重点工作",
                                 "deadline_text": "2026年12月", "deadline": date(2026, 12, 31), "recurring": False})
                lead, *support = rng.sample(units_of[city.pk], 3)
                responsibilities.append({"id": next_id("resp"), "measure_id": measure_id, "unit_id": lead, "role": "lead"})
                for unit in support[: rng.randint(0, 2)]:
                    responsibilities.append({"id": next_id("resp"), "measure_id": measure_id, "unit_id": unit, "role": "support"})
                measure_targets = []
                for seq in range(min(TARGETS_PER_MEASURE, left)):
                    kind = rng.choice(kinds)
                    # A plan names a shared indicator on a handful of its headline targets.
                    headline = plan_targets - left + seq < 10 and kind in rollups.ADDITIVE
                    indicator, unit = indicators[len(targets) % len(indicators)] if headline else (None, "个")
                    comparator = {"ceiling": "lte", "range": "between"}.get(kind, "gte")
                    goal = Decimal({"rate": 90, "ceiling": 3}.get(kind, rng.randint(10, 50_000)))
                    target_id = next_id("target")
                    targets.append({"id": target_id, "measure_id": measure_id, "seq": seq + 1, "indicator_id": indicator,
                                    "kind": kind, "comparator": comparator, "value": goal,
                                    "value_max": goal * 2 if kind == "range" else None, "unit": "%" if kind in ("rate", "ceiling") else unit,
                                    "period_start": date(2025, 1, 1), "period_end": date(2026, 12, 31),
                                    "phrase": f"目标{target_id}"})
                    measure_targets.append((target_id, kind, goal, rng.choice([1.2, 1.0, 0.9, 0.7, 0.5])))
                left -= len(measure_targets)
                for i, (period_id, start, _end) in enumerate(plan_periods):
                    report_id = next_id("report")
                    reports.append({"id": report_id, "measure_id": measure_id, "unit_id": lead, "period_id": period_id,
                                    "version": 1, "state": "approved", "narrative": "", "problems": "", "next_steps": "",
                                    "self_status": "", "created_by_id": author.pk, "submitted_at": now,
                                    "reviewed_by_id": author.pk, "reviewed_at": now, "review_comment": "", "updated_at": now})
                    elapsed = (i + 1) / 24
                    for target_id, kind, goal, pace in measure_targets:
                        row = {"id": next_id("value"), "report_id": report_id, "target_id": target_id,
                               "value": None, "numerator": None, "denominator": None}
                        if kind in rollups.ADDITIVE:
                            share = 12 if kind == "flow_annual" else 24
                            row["value"] = round(float(goal) * pace / share * rng.uniform(0.8, 1.2), 2)
                        elif kind == "stock":
                            row["value"] = round(float(goal) * (0.6 + 0.4 * min(1, elapsed * pace)), 2)
                        elif kind == "rate":
                            den = rng.randint(500, 5000)
                            row["numerator"], row["denominator"] = int(den * min(0.99, 0.9 * pace)), den
                            row["value"] = round(row["numerator"] / den * 100, 2)
                        else:
                            row["value"] = 2.7 if pace >= 0.9 else 3.3
                        values.append(row)
    with transaction.atomic():
        for model, rows in ((Plan, plans), (Task, tasks), (Measure, measures), (Responsibility, responsibilities),
                            (Target, targets), (Period, periods), (ProgressReport, reports), (ActualValue, values)):
            copy_rows(model, rows)
        with connection.cursor() as cursor:
            for model in (Plan, Task, Measure, Responsibility, Target, Period, ProgressReport, ActualValue):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"plans": len(plans), "measures": len(measures), "targets": len(targets), "reports": len(reports),
            "values": len(values), "leader": leader, "admin": admin, "author": author, "city": cities[1]}


def existing_data() -> dict:
    User = get_user_model()
    return {"plans": Plan.objects.count(), "measures": Measure.objects.count(), "targets": Target.objects.count(),
            "reports": ProgressReport.objects.count(), "values": ActualValue.objects.count(),
            "leader": User.objects.get(username="bench_leader"), "admin": User.objects.get(username="bench_admin"),
            "author": User.objects.get(username="bench_author"), "city": Region.objects.cities().order_by("pk")[1]}


# --- measuring -------------------------------------------------------------------------------


def timed(fn, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def approve_correction(measure_id: int, author, rng: random.Random) -> None:
    """What report_approve leaves behind: a new approved version, then progress_changed."""
    measure = Measure.objects.get(pk=measure_id)
    lead = Responsibility.objects.get(measure=measure, role="lead").unit_id
    period = Period.objects.filter(plan_id=measure.task.plan_id).order_by("?").first()
    version = (ProgressReport.objects.filter(measure=measure, unit_id=lead, period=period).aggregate(v=Max("version"))["v"] or 0) + 1
    with transaction.atomic():
        report = ProgressReport.objects.create(measure=measure, unit_id=lead, period=period, version=version,
                                               state="approved", created_by=author, reviewed_by=author,
                                               reviewed_at=timezone.now())
        for target in measure.targets.all():
            if target.kind == "rate":
                ActualValue.objects.create(report=report, target=target, numerator=45, denominator=100, value=45)
            else:
                ActualValue.objects.create(report=report, target=target, value=Decimal(rng.randint(1, 1000)))
        services.rollups_mark_dirty(measure_ids=[measure_id])


def onthefly_city(city_id: int, as_of: date) -> dict:
    """The city dashboard's figures straight from the reports, with ORM aggregates."""
    thresholds = services.thresholds_current()
    plans = list(Plan.objects.filter(city_id=city_id, year_start__lte=as_of.year, year_end__gte=as_of.year))
    targets = list(Target.objects.filter(measure__task__plan__in=plans).values_list(
        "pk", "measure_id", "kind", "comparator", "value", "value_max", "unit", "period_start", "period_end",
        "measure__task__plan_id", "measure__task__programme_id"))
    counting = services.counting_actual_values().filter(target__measure__task__plan__in=plans, report__period__start__lte=as_of)
    year_start = date(as_of.year, 1, 1)
    sums = dict(counting.filter(target__kind__in=["flow_cumulative", "range"]).values("target_id")
                .annotate(s=Sum("value")).values_list("target_id", "s"))
    sums.update(counting.filter(target__kind="flow_annual", report__period__start__gte=year_start).values("target_id")
                .annotate(s=Sum("value")).values_list("target_id", "s"))
    latest = dict(counting.filter(target__kind__in=["stock", "rate", "ceiling"]).values("target_id")
                  .annotate(m=Max("report__period__start")).values_list("target_id", "m"))
    levels = defaultdict(list)
    for target_id, start, value, numerator, denominator in counting.filter(
        target__kind__in=["stock", "rate", "ceiling"], report__period__start__gte=date(as_of.year - 1, 1, 1)
    ).values_list("target_id", "report__period__start", "value", "numerator", "denominator"):
        if start == latest.get(target_id):
            levels[target_id].append(rollups.ValueRow(target_id, 0, start, value, numerator, denominator))
    by_measure = defaultdict(list)
    meta = {}
    for pk, measure_id, kind, comparator, value, value_max, unit, start, end, plan_id, programme_id in targets:
        target = rollups.TargetRow(pk, kind, comparator, value, value_max, unit, start, end)
        if kind in rollups.ADDITIVE:
            actual = sums.get(pk)
        else:
            actual = rollups._level(levels[pk], unit)[0] if levels.get(pk) else None
        window_start, window_end = rollups.window(target, as_of)
        elapsed = rollups.time_elapsed(window_start, window_end, as_of)
        completion = None if actual is None else (
            (1.0 if actual <= value else 0.0) if comparator == "lte" else float(actual / value))
        status = rollups._status(target, actual, completion, elapsed, as_of >= window_end, thresholds)
        by_measure[measure_id].append(rollups.TargetProgress(as_of, status, elapsed, actual, completion))
        meta[measure_id] = (plan_id, programme_id)
    city, per_plan, per_programme = rollups.Tally(), defaultdict(rollups.Tally), defaultdict(rollups.Tally)
    ancestors = services.programme_ancestors()
    for measure_id, progress in by_measure.items():
        measure = rollups.measure_from_targets(as_of, progress)
        plan_id, programme_id = meta[measure_id]
        city.add(measure)
        per_plan[plan_id].add(measure)
        for programme in ancestors[programme_id]:
            per_programme[programme].add(measure)
    return {"city": city, "plans": per_plan, "programmes": per_programme}


def summary_city(city_id: int, as_of: date) -> dict:
    def tally(row):
        return (row.n_done, row.n_green, row.n_amber, row.n_red, row.n_overdue, row.n_no_data)

    return {
        "city": tally(CitySummary.objects.get(city_id=city_id, as_of=as_of)),
        "plans": {r.plan_id: tally(r) for r in PlanSummary.objects.filter(city_id=city_id, as_of=as_of)},
        "programmes": {r.programme_id: tally(r) for r in ProgrammeCitySummary.objects.filter(city_id=city_id, as_of=as_of)},
    }


def as_counts(t: rollups.Tally) -> tuple:
    return (t.done, t.green, t.amber, t.red, t.overdue, t.no_data)


def run(size: str, rng: random.Random, reuse: bool = False) -> dict:
    # The approval's job is timed by calling it; nothing is queued (or run eagerly) meanwhile.
    services.rollups_enqueue = lambda: True
    print(f"== {size}: loading …", flush=True)
    start = time.perf_counter()
    if reuse and Target.objects.count() == SIZES[size]:
        data = existing_data()
    else:
        reset_database()
        data = generate(SIZES[size], rng)
    load_seconds = time.perf_counter() - start
    print(f"   {data['values']:,} actual values, {data['targets']:,} targets, {data['reports']:,} reports, "
          f"{data['plans']} plans; loaded in {load_seconds:.1f} s", flush=True)
    result = {"size": size, "values": data["values"], "targets": data["targets"], "measures": data["measures"],
              "reports": data["reports"], "plans": data["plans"], "load_seconds": round(load_seconds, 1)}

    rebuilds = [services.rollups_rebuild().seconds for _ in range(2)]
    result["rebuild_seconds"] = [round(s, 2) for s in rebuilds]
    print(f"   full rebuild: {rebuilds[0]:.2f} s (empty tables), {rebuilds[1]:.2f} s (replacing)", flush=True)

    measure_ids = list(Measure.objects.order_by("?").values_list("pk", flat=True)[:20])
    incremental = []
    for measure_id in measure_ids:
        approve_correction(measure_id, data["author"], rng)
        incremental.append(timed(services.rollups_recompute_dirty, 1)[0])
    result["incremental_median_ms"] = round(statistics.median(incremental) * 1000, 1)
    result["incremental_p95_ms"] = round(p95(incremental) * 1000, 1)
    print(f"   incremental recompute of one approval: median {result['incremental_median_ms']} ms, "
          f"p95 {result['incremental_p95_ms']} ms", flush=True)
    assert services.rollups_check() == [] if size == "10k" else True

    city = data["city"]
    programme = Programme.objects.get(code="jobs")
    plan = Plan.objects.filter(city=city).order_by("pk").first()
    unit = Unit.objects.get(region=city, name="市人力资源和社会保障局")
    month = f"?as_of={AS_OF:%Y-%m}"
    pages = {
        "city": (data["leader"], reverse("dashboards:city", args=[city.pk]) + month),
        "overview": (data["admin"], reverse("dashboards:overview") + month),
        "programme": (data["admin"], reverse("dashboards:programme", args=[programme.pk]) + month),
        "plan": (data["leader"], reverse("dashboards:plan", args=[plan.pk]) + month),
        "unit": (data["leader"], reverse("dashboards:unit", args=[unit.pk]) + month),
    }
    result["pages"] = {}
    from django.conf import settings
    from django.core.cache import cache

    for mode, seconds in (("render", 0), ("served", 600)):
        settings.DASHBOARD_CACHE_SECONDS = seconds  # render: every request reads and renders; served: as deployed
        cache.clear()
        for name, (user, url) in pages.items():
            client = Client()
            client.force_login(user)
            for _ in range(5):
                assert client.get(url).status_code == 200
            connection.queries_log.clear()  # a full log (9000 entries) would hide new queries
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            samples = timed(lambda: client.get(url), 60)
            figures = {"median_ms": round(statistics.median(samples) * 1000, 1), "p95_ms": round(p95(samples) * 1000, 1),
                       "queries": len(queries.captured_queries)}
            result["pages"][f"{name} ({mode})"] = figures
            print(f"   {name:<9} {mode:<6} median {figures['median_ms']:6.1f} ms, p95 {figures['p95_ms']:6.1f} ms, "
                  f"{figures['queries']} queries", flush=True)

    figures = summary_city(city.pk, AS_OF)
    fly = onthefly_city(city.pk, AS_OF)
    assert as_counts(fly["city"]) == figures["city"], (as_counts(fly["city"]), figures["city"])
    assert {k: as_counts(v) for k, v in fly["plans"].items()} == figures["plans"]
    assert {k: as_counts(v) for k, v in fly["programmes"].items()} == figures["programmes"]
    summary_times = timed(lambda: summary_city(city.pk, AS_OF), 20)
    fly_times = timed(lambda: onthefly_city(city.pk, AS_OF), 5 if size == "1m" else 20)
    result["figures_from_summaries_ms"] = round(statistics.median(summary_times) * 1000, 2)
    result["figures_on_the_fly_ms"] = round(statistics.median(fly_times) * 1000, 1)
    result["on_the_fly_over_dashboard"] = round(
        statistics.median(fly_times) / (result["pages"]["city (render)"]["median_ms"] / 1000), 1)
    print(f"   city figures: from the summary tables {result['figures_from_summaries_ms']} ms; on the fly "
          f"{result['figures_on_the_fly_ms']} ms (the same counts); on the fly / whole dashboard = "
          f"{result['on_the_fly_over_dashboard']}×", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10k,1m")
    parser.add_argument("--reuse", action="store_true", help="keep the data already loaded for the (single) size")
    args = parser.parse_args()
    results = [run(size, random.Random(2026), reuse=args.reuse) for size in args.sizes.split(",")]
    by_size = {r["size"]: r for r in results}
    if {"10k", "1m"} <= by_size.keys():
        for mode in ("render", "served"):
            ratio = by_size["1m"]["pages"][f"city ({mode})"]["median_ms"] / by_size["10k"]["pages"][f"city ({mode})"]["median_ms"]
            print(f"== city dashboard ({mode}) median 1M / 10k = {ratio:.2f}")
    out = ROOT / "bench" / "results-rollups.json"
    out.write_text(json.dumps({"when": timezone.now().isoformat(), "results": results}, ensure_ascii=False, indent=1))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

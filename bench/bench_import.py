"""Ledger import as a bureau sends it, measured on PostgreSQL: the whole `manage.py
import_ledger` command on 20,000 measures, with the README's defaults (no broker: Celery jobs,
the rollup included, run in the command's process) and with a broker (the rollup queued for a
worker), its peak RSS (the process's own, rollup included), the preview (--dry-run), and in the
same run a plain django-import-export ModelResource import of the same measures as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/bench_import.py
    ... bench/bench_import.py --dry-run          # print only, leave docs/benchmarks.md alone
    ... BENCH_BROKER_URL=redis://127.0.0.1:6379/2  # the broker of the second mode (its queue is emptied)

The database named in DATABASE_URL is dropped and created anew (its name must contain
"bench"), migrated and loaded with the reference data. The ledgers are what bureaus send: no
专项 column, 200 units the portal does not know (--create-units), 序号 numbering the measures,
task cells merged down their measures, the phrase shapes of real plans (以上 / 不低于 / 以内 /
ranges / qualitative goals); one city's ledger of 20,000 measures, and a provincial ledger of
20,000 measures over three cities (a 地市 column). Each command runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

HEADING = "## Ledger import"
BENCH_CITY, PROVINCIAL = "zhongshan", "provincial"
DOC = ROOT / "docs" / "benchmarks.md"
CITIES = ["jiangmen", "zhongshan", "guangzhou"]
UNITS = 200
MEASURES_PER_TASK = 10
TASKS_PER_SECTION = 50
GOALS = {"import": 15.0, "preview": 5.0, "rss": 300.0, "ratio": 5.0}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--measures", type=int, default=20_000)
    parser.add_argument("--dry-run", action="store_true", help="print only, do not touch docs/benchmarks.md")
    parser.add_argument("--phase", choices=["baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = run_baseline()
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    fresh_database()
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/2")
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), args.measures)
        runs = {}
        for mode, url in (("no broker", ""), ("broker", broker)):
            for name, info in files.items():
                title = f"基准测试台账（{mode}）"
                runs[(mode, name, "preview")] = command(info, title, url, dry_run=True)
                runs[(mode, name, "import")] = command(info, title, url)
                runs[(mode, name, "reimport")] = command(info, title, url)
            if url:
                empty_queue(url)
        baseline = phase("baseline")
    lines = report(args.measures, files, runs, baseline, broker)
    print("\n".join(lines))
    if not args.dry_run:
        write_section(lines)


def command(info: dict, title: str, broker: str, *, dry_run: bool = False) -> dict:
    """The whole command in its own process, as an admin runs it: seconds, peak RSS, output."""
    argv = [sys.executable, str(ROOT / "manage.py"), "import_ledger", info["path"], "--plan", title,
            "--years", "2025", "--create-units"]
    if info.get("city"):
        argv += ["--city", info["city"]]
    if dry_run:
        argv.append("--dry-run")
    env = {key: value for key, value in os.environ.items() if key not in ("CELERY_BROKER_URL", "REDIS_URL")}
    if broker:
        env["CELERY_BROKER_URL"] = broker
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)  # this child's own peak RSS
        seconds = time.perf_counter() - started
        out.seek(0), err.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"import_ledger failed:\n{err.read()[-3000:]}")
        return {"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "out": out.read()}


def empty_queue(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def phase(name: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name], capture_output=True, text=True, check=True,
                         env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def fresh_database() -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(os.environ.get("DATABASE_URL", ""))
    if config["ENGINE"] != "django.db.backends.postgresql" or "bench" not in config["NAME"]:
        sys.exit("DATABASE_URL must name a PostgreSQL database whose name contains “bench”: it is dropped and recreated")
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-accounts", verbosity=0, stdout=open(os.devnull, "w"))


TARGET_SHAPES = (
    "全年城镇新增就业{a}人以上",
    "开展职业技能培训不低于{b}人次",
    "城镇登记失业率控制在3.{c}%以内",
    "建设{c}-{d}个就业驿站",
    "零就业家庭动态清零",
)


def ledger_rows(total: int, *, unit_prefix: str, cities: list[str] | None = None) -> tuple[list[list], list[str]]:
    """Rows as a bureau writes them: 序号 numbering the measures, each task's cell merged down
    its measures, no 专项, units the portal does not know, the phrase shapes of real plans.
    With cities, a 地市 column first and the rows shared out between them in blocks."""
    rows, merges = [], []
    offset = 1 if cities else 0
    per_city = -(-total // len(cities)) if cities else total
    for m in range(total):
        city = cities[m // per_city] if cities else None
        if m % (MEASURES_PER_TASK * TASKS_PER_SECTION) == 0:
            section = m // (MEASURES_PER_TASK * TASKS_PER_SECTION)
            rows.append([city] * offset + [f"{_numeral(section + 1)}、第{section + 1}部分重点工作"] + [None] * 5)
        number = m // MEASURES_PER_TASK + 1
        if m % MEASURES_PER_TASK == 0:
            start = len(rows) + 4  # title, blank, header above, 1-based
            last = min(m + MEASURES_PER_TASK, total) - m
            column = "C" if cities else "B"
            if last > 1:
                merges.append(f"{column}{start}:{column}{start + last - 1}")
        unit = m % UNITS
        rows.append([city] * offset + [
            str(m + 1),
            f"{number}.推进就业重点任务{number}" if m % MEASURES_PER_TASK == 0 else None,
            f"第{number}项任务的第{m % MEASURES_PER_TASK + 1}条措施：组织开展就业专项行动，落实各项政策。",
            "、".join(dict.fromkeys([f"{unit_prefix}{unit:03d}局", f"{unit_prefix}{(unit + 7) % UNITS:03d}局"])),
            TARGET_SHAPES[m % len(TARGET_SHAPES)].format(a=1000 + m, b=500 + m, c=m % 5 + 1, d=m % 5 + 3),
            ("2025年12月", "每年", "2025年6月")[m % 3],
        ])
    return rows, merges


def generate(folder: Path, total: int) -> dict:
    """One city's ledger of 20,000 measures, and a provincial one of 20,000 over three cities."""
    from portal.imports.ledger.samples import ledger_xlsx

    header = ["序号", "任务", "工作措施", "责任单位", "目标指标", "完成时限"]
    rows, merges = ledger_rows(total, unit_prefix="基准新单位")
    one = folder / "bench-city.xlsx"
    one.write_bytes(ledger_xlsx(rows, header=header, title="中山市基准测试工作台账", merges=tuple(merges), sheet="工作台账"))
    rows, merges = ledger_rows(total, unit_prefix="省基准新单位", cities=CITIES)
    several = folder / "bench-provincial.xlsx"
    several.write_bytes(ledger_xlsx(rows, header=["地市", *header], title="全省基准测试工作台账", merges=tuple(merges),
                                    sheet="工作台账"))
    return {
        BENCH_CITY: {"path": str(one), "measures": total, "bytes": one.stat().st_size, "city": BENCH_CITY},
        PROVINCIAL: {"path": str(several), "measures": total, "bytes": several.stat().st_size, "city": ""},
    }


def _numeral(n: int) -> str:
    digits = "一二三四五六七八九"
    if n <= 9:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return (digits[tens - 1] if tens > 1 else "") + "十" + (digits[ones - 1] if ones else "")


def run_baseline() -> dict:
    """A plain ModelResource for Measure, row by row as import-export does it, on the same
    measures (their tasks made beforehand, untimed). It writes measures only: no units, no
    targets, which the ledger import writes too."""
    import django

    django.setup()
    import tablib
    from import_export import resources

    from tasks.models import Measure, Plan, Task

    class MeasureBaselineResource(resources.ModelResource):
        class Meta:
            model = Measure
            fields = ("task", "seq", "text", "deadline_text", "deadline", "recurring")
            import_id_fields = ("task", "seq")

    dataset = tablib.Dataset(headers=["task", "seq", "text", "deadline_text", "deadline", "recurring"])
    for plan in Plan.objects.filter(title="基准测试台账（no broker）", city__code=BENCH_CITY):
        copy = Plan.objects.create(city=plan.city, title=f"基线{plan.title}", slug=f"baseline-{plan.pk}",
                                   year_start=plan.year_start, year_end=plan.year_end)
        tasks = {t.number: t for t in Task.objects.bulk_create([
            Task(plan=copy, number=t.number, title=t.title, programme_id=t.programme_id) for t in plan.tasks.all()
        ])}
        for m in Measure.objects.filter(task__plan=plan).select_related("task").order_by("task__number", "seq"):
            dataset.append([tasks[m.task.number].pk, m.seq, m.text, m.deadline_text, m.deadline.isoformat(), m.recurring])
    started = time.perf_counter()
    result = MeasureBaselineResource().import_data(dataset, dry_run=False, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors() and not result.has_validation_errors()
    return {"import": seconds, "measures": len(dataset), "totals": dict(result.totals)}


def report(total: int, files: dict, runs: dict, baseline: dict, broker: str) -> list[str]:
    from django import get_version

    def ok(value, goal, lower=True):
        return "met" if (value <= goal if lower else value >= goal) else "**missed**"

    def cell(run):
        return f"{run['seconds']:.2f} s, {run['rss_mb']:.0f} MB"

    label = {BENCH_CITY: f"one city ({BENCH_CITY})", PROVINCIAL: "provincial (3 cities, 地市 column)"}
    lines = [
        HEADING,
        "",
        f"`bench/bench_import.py`, run {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} cores, "
        f"shared with other work: load average {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}, "
        f"Django {get_version()}, PostgreSQL. Ledgers as bureaus send them: .xlsx with title rows and sections, no 专项 "
        f"column, {UNITS} units new to the portal (created by --create-units), 序号 numbering the measures, task cells "
        "merged down their measures, targets in five shapes (以上, 不低于, 以内, a range, a qualitative goal). Each "
        "figure is the whole `manage.py import_ledger FILE --plan T --years 2025 --create-units` command in its own "
        "process (Django start-up included) and that process's peak RSS. *No broker*: the README's defaults, Celery "
        "jobs in process, so the rollup recompute an import asks for runs inside the command. *Broker*: "
        f"CELERY_BROKER_URL={broker}, the recompute queued for a worker (none running; the queue emptied after).",
        "",
        "| ledger | mode | preview (--dry-run) | import (new plan) | re-import (unchanged) |",
        "|---|---|---|---|---|",
    ]
    for name in files:
        for mode in ("no broker", "broker"):
            lines.append(f"| {label[name]} | {mode} | {cell(runs[(mode, name, 'preview')])} | "
                         f"{cell(runs[(mode, name, 'import')])} | {cell(runs[(mode, name, 'reimport')])} |")
    single = {mode: runs[(mode, BENCH_CITY, "import")] for mode in ("no broker", "broker")}
    preview = max(runs[(mode, name, "preview")]["seconds"] for mode in ("no broker", "broker") for name in files)
    slowest = max(runs[(mode, name, "import")]["seconds"] for mode in ("no broker", "broker") for name in files)
    peak = max(run["rss_mb"] for run in runs.values())
    ratio = baseline["import"] / single["no broker"]["seconds"]
    lines += [
        "",
        "| figure (20,000 measures) | measured | goal | |",
        "|---|---|---|---|",
        f"| preview, whole command, slowest | {preview:.2f} s | ≤ {GOALS['preview']:.0f} s | {ok(preview, GOALS['preview'])} |",
        f"| import, whole command, slowest (both ledgers, both modes) | {slowest:.2f} s | ≤ {GOALS['import']:.0f} s | "
        f"{ok(slowest, GOALS['import'])} |",
        f"| peak RSS of any command above | {peak:.0f} MB | ≤ {GOALS['rss']:.0f} MB | {ok(peak, GOALS['rss'])} |",
        f"| baseline: plain `ModelResource` import of the same 20,000 measures | {baseline['import']:.2f} s "
        f"(peak RSS {baseline['peak_rss_mb']:.0f} MB) | | |",
        f"| speed-up over the baseline (whole command, no broker, vs the baseline's import alone) | {ratio:.1f}× | "
        f"≥ {GOALS['ratio']:.0f}× | {ok(ratio, GOALS['ratio'], lower=False)} |",
        "",
        "The baseline writes the measures only (task, seq, text, deadline), row by row as django-import-export does, and "
        "is timed without Django's start-up; the command also reads the file, creates the units, writes targets, "
        "sections and responsibilities, and (no broker) recomputes the rollups, so the ratio understates the "
        "difference. How the import gets there: a streaming .xlsx reader (portal/imports/ledger/xlsx.py), lookups cached "
        "per file, and on PostgreSQL new rows and their history rows written with COPY (portal/imports/ledger/write.py); "
        "the cyclic garbage collector is paused during an import.",
    ]
    return lines


def write_section(lines: list[str]) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    start = text.find(HEADING)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    else:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + "\n".join(lines) + "\n" + (text[end:] if end != -1 else "")
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Backups that are proven (#16.10): scripts/backup.sh dumps a small database and its evidence
files, scripts/restore.sh brings them into an empty scratch database and a new MEDIA_ROOT and
runs evidence_check and rollup_check. Two scratch databases of unique names, dropped at the end."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest

from portal.imports.ledger.samples import ledger_csv

ROOT = Path(__file__).resolve().parents[2]
URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")) or not shutil.which("pg_dump"),
    reason="backups are of PostgreSQL databases, with pg_dump",
)

REFERENCE = """
from pathlib import Path
from django.conf import settings
from tasks.services import programmes_load_csv
from units.services import regions_load_csv, units_load_csv

root = Path(settings.FIXTURES_ROOT)
regions_load_csv(path=root / "regions.csv")
programmes_load_csv(path=root / "programmes.csv")
units_load_csv(paths=sorted((root / "units").glob("*.csv")))
"""

SEED = """
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management import call_command
from indicators.models import ActualValue, Evidence, Period, ProgressReport
from tasks.models import Measure

User = get_user_model()
staff, reviewer = User.objects.create_user("bk_staff"), User.objects.create_user("bk_reviewer")
measure = Measure.objects.get(task__plan__title="备份测试方案")
lead = measure.responsibilities.get(role="lead").unit
period = Period.objects.filter(plan=measure.task.plan).order_by("start").first()
report = ProgressReport.objects.create(measure=measure, unit=lead, period=period, state="approved",
                                       narrative="备份测试", created_by=staff, reviewed_by=reviewer)
ActualValue.objects.create(report=report, target=measure.targets.get(), value=40)
content = b"%PDF-1.4 evidence of the backup test"
evidence = Evidence(report=report, name="证明.pdf", kind="pdf", size=len(content), uploaded_by=staff)
evidence.file.save("proof.pdf", ContentFile(content), save=False)
evidence.save()
call_command("rollup_rebuild", verbosity=0)
"""


def _url(name: str) -> str:
    return urlsplit(URL)._replace(path="/" + name, query="").geturl()


def _admin(sql: str) -> None:
    connection = psycopg2.connect(_url("postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _run(args: list, *, database: str, media: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("CELERY_BROKER_URL", "REDIS_URL")}
    env.update(DATABASE_URL=_url(database), MEDIA_ROOT=str(media), PYTHON=sys.executable, DEBUG="1")
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def _count(database: str, sql: str):
    connection = psycopg2.connect(_url(database))
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    finally:
        connection.close()


@pytest.fixture
def scratch():
    names = [f"bk_{uuid.uuid4().hex[:10]}_{role}" for role in ("source", "restored")]
    for name in names:
        _admin(f'CREATE DATABASE "{name}"')
    yield names
    for name in names:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_it_backs_up_and_restores_into_an_empty_database_and_proves_it(scratch, tmp_path):
    source, restored = scratch
    media, media_restored, backups = tmp_path / "media", tmp_path / "restored-media", tmp_path / "backups"
    manage = [sys.executable, "manage.py"]
    ledger = tmp_path / "ledger.csv"
    ledger.write_bytes(ledger_csv([["1", "稳就业", "举办招聘会。", "市人社局", "举办招聘会100场以上", "2024年12月", "就业创业"]]))
    _run(manage + ["migrate", "--noinput", "-v0"], database=source, media=media)
    _run(manage + ["shell", "-c", REFERENCE], database=source, media=media)
    _run(manage + ["import_ledger", str(ledger), "--city", "江门", "--plan", "备份测试方案", "--years", "2024"],
         database=source, media=media)
    _run(manage + ["shell", "-c", SEED], database=source, media=media)

    folder = Path(_run(["scripts/backup.sh", str(backups)], database=source, media=media).stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "database.dump", "manifest.txt", "media.tar.gz"]
    assert "evidence files: 1" in (folder / "manifest.txt").read_text()

    done = _run(["scripts/restore.sh", str(folder)], database=restored, media=media_restored)
    assert "1 个佐证材料的文件都在" in done.stdout
    assert "汇总表与重新计算的结果一致" in done.stdout
    assert _count(restored, "select count(*) from indicators_progressreport") == 1
    assert _count(restored, "select narrative from indicators_progressreport") == "备份测试"
    stored = _count(restored, "select file from indicators_evidence")
    assert (media_restored / stored).read_bytes() == (media / stored).read_bytes()
    assert _count(restored, "select count(*) from tasks_measure") == _count(source, "select count(*) from tasks_measure")

    # Never over what is there: the restored database is no longer empty.
    again = _run(["scripts/restore.sh", str(folder)], database=restored, media=tmp_path / "third", check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_damaged_backup_is_refused_before_anything_is_written(scratch, tmp_path):
    source, restored = scratch
    media = tmp_path / "media"
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], database=source, media=media)
    folder = Path(_run(["scripts/backup.sh", str(tmp_path / "b")], database=source, media=media).stdout.split()[-1])
    with open(folder / "database.dump", "ab") as dump:
        dump.write(b"x")
    damaged = _run(["scripts/restore.sh", str(folder)], database=restored, media=tmp_path / "r", check=False)
    assert damaged.returncode != 0 and "damaged" in damaged.stderr
    assert _count(restored, "select count(*) from pg_tables where schemaname = 'public'") == 0

#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database and an empty MEDIA_ROOT,
# bring the schema up to this code's migrations, and prove it: every evidence row has its
# file (manage.py evidence_check) and the summary tables match a fresh computation
# (manage.py rollup_check). Exits non-zero when any step fails.
#
#   createdb portal_restored
#   DATABASE_URL=postgres://portal@db:5432/portal_restored MEDIA_ROOT=/srv/restored/media \
#     scripts/restore.sh backups/portal-20260101-023000
#
# It refuses a database that holds any table, and a MEDIA_ROOT that holds any file: a restore
# never mixes with what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

backup="${1:?usage: scripts/restore.sh BACKUP_FOLDER}"
: "${DATABASE_URL:?DATABASE_URL must name the EMPTY PostgreSQL database to restore into}"
MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media}"
PYTHON="${PYTHON:-.venv/bin/python}"
export MEDIA_ROOT
# A rebuild or a check of a large database may take longer than a web request is allowed.
export DATABASE_STATEMENT_TIMEOUT_MS="${DATABASE_STATEMENT_TIMEOUT_MS:-0}"
fail() { echo "restore.sh: $*" >&2; exit 1; }

[ -f "$backup/database.dump" ] && [ -f "$backup/media.tar.gz" ] && [ -f "$backup/SHA256SUMS" ] \
  || fail "$backup is not a backup (database.dump, media.tar.gz and SHA256SUMS expected)"
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || fail "$backup is damaged: its checksums do not match"

tables="$(psql "$DATABASE_URL" -XAtqc "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")" \
  || fail "cannot reach the database of DATABASE_URL"
[ "$tables" = "0" ] || fail "the database is not empty ($tables tables): restore into a new one (createdb)"
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  fail "MEDIA_ROOT ($MEDIA_ROOT) is not empty"
fi

echo "== database"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$DATABASE_URL" "$backup/database.dump"
echo "== evidence files"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$backup/media.tar.gz"
echo "== migrations"
"$PYTHON" manage.py migrate --noinput -v0  # a backup of an earlier release
echo "== checks"
"$PYTHON" manage.py evidence_check
"$PYTHON" manage.py rollup_check
echo "restored $backup"

#!/usr/bin/env bash
# Back up the portal: its PostgreSQL database (pg_dump, custom format) and its evidence files
# (MEDIA_ROOT), into one new folder with their checksums. scripts/restore.sh brings a backup
# back into an empty database and proves it (rollup_check).
#
#   DATABASE_URL=postgres://portal@db:5432/portal MEDIA_ROOT=/srv/portal/media scripts/backup.sh [DEST]
#
# DEST defaults to ./backups; the backup is DEST/portal-YYYYmmdd-HHMMSS/ with database.dump,
# media.tar.gz, SHA256SUMS and manifest.txt. It is written under a temporary name and renamed
# when complete, so a folder with that name is a whole backup. The database is dumped first,
# then the files: an evidence file uploaded in between is in the archive without its row
# (harmless); restore.sh lists any row whose file is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL is not a PostgreSQL URL (postgres://…); an embedded SQLite demo is backed up by copying db.sqlite3 and media/" >&2; exit 2 ;;
esac
MEDIA_ROOT="${MEDIA_ROOT:-$PWD/media}"
dest_root="${1:-backups}"
stamp="$(date +%Y%m%d-%H%M%S)"
final="$dest_root/portal-$stamp"
partial="$dest_root/.portal-$stamp.partial"
[ ! -e "$final" ] || { echo "backup.sh: $final already exists" >&2; exit 1; }

mkdir -p "$partial"
trap 'rm -rf "$partial"' EXIT

pg_dump --format=custom --no-owner --no-privileges --file="$partial/database.dump" --dbname="$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$partial/media.tar.gz" .
else
  tar -czf "$partial/media.tar.gz" --files-from=/dev/null  # no evidence yet: an empty archive
fi
{
  echo "created: $(date --iso-8601=seconds)"
  echo "server: PostgreSQL $(pg_restore --list "$partial/database.dump" | sed -n 's/^; *Dumped from database version: *//p')"
  echo "tables: $(pg_restore --list "$partial/database.dump" | grep -c ' TABLE DATA ')"
  echo "evidence files: $(tar -tzf "$partial/media.tar.gz" | grep -vc '/$' || true)"
  echo "code: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$partial/manifest.txt"
(cd "$partial" && sha256sum database.dump media.tar.gz > SHA256SUMS)

mv "$partial" "$final"
trap - EXIT
echo "$final"

#!/usr/bin/env bash
# The README's test command (make test) after installing: the suite runs against PostgreSQL
# and Redis, as the portal runs in a bureau. DATABASE_URL and CELERY_BROKER_URL default to
# the local services (127.0.0.1:5432 database "test", 127.0.0.1:6379), which are started
# here when they are installed but down. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"

local_service() { [[ "$1" == *"@127.0.0.1:"* || "$1" == *"@localhost:"* || "$1" == *"://127.0.0.1:"* || "$1" == *"://localhost:"* ]]; }

if [[ "$DATABASE_URL" == postgres* ]] && local_service "$DATABASE_URL" && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || {
    echo "The tests need PostgreSQL on 127.0.0.1:5432 (or DATABASE_URL set to one): it is not running and could not be started." >&2
    exit 1
  }
fi
if local_service "$CELERY_BROKER_URL" && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  if command -v redis-server >/dev/null 2>&1; then
    mkdir -p /tmp/portal-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp/portal-redis --logfile /tmp/portal-redis/redis.log
    for _ in $(seq 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || {
    echo "The tests need Redis on 127.0.0.1:6379 (or CELERY_BROKER_URL set to one): it is not running and could not be started." >&2
    exit 1
  }
fi

.venv/bin/python manage.py makemigrations --check --dry-run
exec .venv/bin/pytest "$@"

#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL on another port, for the replica tests and
# for trying the read-replica settings (DATABASE_REPLICA_URLS) on one machine.
#
#   scripts/pg-replica.sh start    # pg_basebackup -R of the primary, started on REPLICA_PORT
#   scripts/pg-replica.sh status   # prints the port when the replica is up and streaming
#   scripts/pg-replica.sh stop
#
# PRIMARY_HOST (127.0.0.1), PRIMARY_PORT (5432), PRIMARY_USER (postgres), REPLICA_PORT (5433),
# REPLICA_DIR (/var/tmp/portal-replica-$REPLICA_PORT). Run as root (the server runs as the
# postgres OS user) or as postgres. The primary must accept replication connections from
# 127.0.0.1: when its pg_hba.conf has no such line and is writable here, one is added
# (`host replication all 127.0.0.1/32 trust`, the same trust it gives 127.0.0.1 already)
# and the configuration reloaded. Started again, it reuses the replica it made.
set -euo pipefail

PRIMARY_HOST=${PRIMARY_HOST:-127.0.0.1}
PRIMARY_PORT=${PRIMARY_PORT:-5432}
PRIMARY_USER=${PRIMARY_USER:-postgres}
REPLICA_PORT=${REPLICA_PORT:-5433}
REPLICA_DIR=${REPLICA_DIR:-/var/tmp/portal-replica-$REPLICA_PORT}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[ -n "$PGBIN" ] && [ -x "$PGBIN/pg_ctl" ] || PGBIN=$(dirname "$(command -v pg_ctl)")

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

primary_sql() { psql -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" -d postgres -XAtqc "$1"; }
replica_sql() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U "$PRIMARY_USER" -d postgres -XAtqc "$1" 2>/dev/null; }

# Up as a standby and receiving the primary's WAL (a replica left from long ago may be up but
# unable to catch up: the primary keeps no WAL for it).
streaming() { [ "$(replica_sql "select status from pg_stat_wal_receiver")" = "streaming" ]; }

wait_streaming() {
    for _ in $(seq "${1:-40}"); do
        streaming && return 0
        sleep 0.5
    done
    return 1
}

stop() {
    if [ -f "$REPLICA_DIR/postmaster.pid" ]; then
        as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null || true
    fi
}

allow_replication() {
    local hba
    hba=$(primary_sql "show hba_file")
    if [ -w "$hba" ] && ! grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$hba"; then
        echo "pg-replica: allowing replication from 127.0.0.1 in $hba"
        printf '\n# scripts/pg-replica.sh: streaming replicas on this machine\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
        primary_sql "select pg_reload_conf()" >/dev/null
    fi
}

configure() {
    # A Debian cluster keeps its configuration outside the data directory: the replica gets
    # its own, with the settings a hot standby must have at least as high as its primary.
    local settings=""
    for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
        settings+="$name = $(primary_sql "show $name")"$'\n'
    done
    as_postgres tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<CONF
# written by scripts/pg-replica.sh
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$REPLICA_DIR'
hot_standby = on
shared_buffers = 64MB
logging_collector = off
$settings
CONF
    as_postgres tee "$REPLICA_DIR/pg_hba.conf" >/dev/null <<'HBA'
local all all trust
host all all 127.0.0.1/32 trust
HBA
    as_postgres touch "$REPLICA_DIR/pg_ident.conf"
}

start() {
    if streaming; then
        echo "pg-replica: already streaming on port $REPLICA_PORT"
        return
    fi
    allow_replication
    if [ -f "$REPLICA_DIR/standby.signal" ]; then
        # The replica made before: started again if it can catch up, else made anew.
        [ -f "$REPLICA_DIR/postmaster.pid" ] || as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 60 start >/dev/null || true
        if wait_streaming 20; then
            echo "pg-replica: streaming on port $REPLICA_PORT"
            return
        fi
        echo "pg-replica: the old replica cannot catch up; making a new one"
        stop
        rm -rf "$REPLICA_DIR"
    fi
    if [ ! -f "$REPLICA_DIR/standby.signal" ]; then
        rm -rf "$REPLICA_DIR"
        install -d -o postgres -g postgres -m 700 "$REPLICA_DIR" 2>/dev/null || mkdir -p -m 700 "$REPLICA_DIR"
        echo "pg-replica: base backup of $PRIMARY_HOST:$PRIMARY_PORT into $REPLICA_DIR"
        as_postgres "$PGBIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PRIMARY_USER" \
            -D "$REPLICA_DIR" -R -X stream -c fast
        configure
    fi
    as_postgres "$PGBIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/server.log" -w -t 60 start >/dev/null
    if wait_streaming 60; then
        echo "pg-replica: streaming on port $REPLICA_PORT"
        return
    fi
    echo "pg-replica: the replica did not come up; see $REPLICA_DIR/server.log" >&2
    exit 1
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) streaming && echo "$REPLICA_PORT" || { echo "pg-replica: not running" >&2; exit 1; } ;;
    *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

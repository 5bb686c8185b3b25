#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite.
#
#   eval "$(.ci/postgres.sh)"        # start (installing PostgreSQL if absent), export the URL
#   .ci/postgres.sh stop             # stop it and delete its data
#
# Start prints exactly one line on stdout:
#   export CLIPPINGS_TEST_POSTGRES_URL=postgresql+psycopg://clippings@127.0.0.1:54329/clippings_test
# and everything else on stderr. The cluster listens on 127.0.0.1 only, trusts
# local connections (no password: it holds nothing but test data), and runs with
# fsync off. It runs as the invoking user, or as `postgres` when invoked as root
# (PostgreSQL refuses to run as root). Starting twice reuses the running cluster.
#
# Settings (environment): CLIPPINGS_PG_DIR (default /tmp/clippings-pg),
# CLIPPINGS_PG_PORT (default 54329).
set -euo pipefail

PGDIR="${CLIPPINGS_PG_DIR:-/tmp/clippings-pg}"
PORT="${CLIPPINGS_PG_PORT:-54329}"
DB=clippings_test
ROLE=clippings

say() { echo "postgres.sh: $*" >&2; }

find_bindir() {
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ]; then
            echo "$dir"
            return
        fi
    done
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

BIN="$(find_bindir)"
if [ -z "$BIN" ]; then
    say "PostgreSQL not found: installing it with apt-get"
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >&2
    $SUDO apt-get install -y -qq postgresql >&2
    BIN="$(find_bindir)"
    [ -n "$BIN" ] || { say "PostgreSQL installed but initdb not found"; exit 1; }
fi

# PostgreSQL will not run as root: hand the cluster to the postgres user then.
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    as_owner() { runuser -u postgres -- "$@"; }
else
    as_owner() { "$@"; }
fi

running() { as_owner "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; }

if [ "${1:-start}" = "stop" ]; then
    if [ -d "$PGDIR" ] && running; then
        as_owner "$BIN/pg_ctl" -D "$PGDIR" -m immediate stop >&2
    fi
    rm -rf "$PGDIR"
    say "stopped"
    exit 0
fi

if [ ! -f "$PGDIR/PG_VERSION" ]; then
    mkdir -p "$PGDIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PGDIR"
    as_owner "$BIN/initdb" -D "$PGDIR" -U "$ROLE" -A trust -E UTF8 --no-sync >/dev/null
fi
if ! running; then
    as_owner "$BIN/pg_ctl" -D "$PGDIR" -w -l "$PGDIR/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >&2
fi
if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$ROLE" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$ROLE" "$DB"
fi
say "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $PGDIR"
echo "export CLIPPINGS_TEST_POSTGRES_URL=postgresql+psycopg://$ROLE@127.0.0.1:$PORT/$DB"

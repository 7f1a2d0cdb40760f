#!/usr/bin/env bash
# A throw-away PostgreSQL for rel's team tests: a fresh cluster in a temp folder, reached only
# through a Unix socket in that folder (no TCP), removed on exit.
#
#   source tests/pg/start.sh        # starts it, exports REL_TEST_PG, stops it when the shell exits
#   tests/pg/start.sh cargo test    # starts it, runs the command with REL_TEST_PG set, stops it
#
# PostgreSQL comes from Debian's packages; when it is missing and we are root (CI), it is
# installed once (apt-get update, apt-get install -y postgresql).

rel_pg_find_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

rel_pg_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "tests/pg/start.sh: PostgreSQL is not installed; as root: apt-get install postgresql" >&2
        return 1
    fi
    echo "tests/pg/start.sh: installing PostgreSQL from Debian's packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null >&2
}

# Runs a PostgreSQL program as the cluster's owner: the `postgres` user when we are root
# (PostgreSQL refuses to run as root), ourselves otherwise.
rel_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

rel_pg_stop() {
    [ -n "${REL_PG_DIR:-}" ] || return 0
    if [ -f "$REL_PG_DIR/data/postmaster.pid" ]; then
        rel_pg_as_owner "$REL_PG_BIN/pg_ctl" -D "$REL_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$REL_PG_DIR"
    unset REL_PG_DIR REL_TEST_PG
}

rel_pg_start() {
    REL_PG_BIN=$(rel_pg_find_bin) || { rel_pg_install && REL_PG_BIN=$(rel_pg_find_bin); } || return 1
    REL_PG_DIR=$(mktemp -d /tmp/rel-pg.XXXXXX) || return 1
    if [ "$(id -u)" = 0 ]; then chown postgres "$REL_PG_DIR"; fi
    chmod 700 "$REL_PG_DIR"
    # The superuser `rel` logs in without a password over the socket; the database
    # `rel_password_test` asks for one (scram), so tests can check PGPASSWORD, ~/.pgpass and a
    # wrong password against a real server.
    rel_pg_as_owner "$REL_PG_BIN/initdb" -D "$REL_PG_DIR/data" -U rel -A trust \
        --no-sync -E UTF8 --locale=C >"$REL_PG_DIR/initdb.log" 2>&1 || {
        cat "$REL_PG_DIR/initdb.log" >&2
        return 1
    }
    printf '%s\n' 'local rel_password_test all scram-sha-256' 'local all all trust' \
        >"$REL_PG_DIR/data/pg_hba.conf"
    rel_pg_as_owner "$REL_PG_BIN/pg_ctl" -D "$REL_PG_DIR/data" -l "$REL_PG_DIR/server.log" -w \
        -o "-c listen_addresses='' -k $REL_PG_DIR -p 5432 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || {
        cat "$REL_PG_DIR/server.log" >&2
        return 1
    }
    export REL_PG_DIR REL_PG_BIN
    export REL_TEST_PG="host=$REL_PG_DIR port=5432 user=rel dbname=postgres"
    echo "tests/pg/start.sh: PostgreSQL running; REL_TEST_PG=\"$REL_TEST_PG\"" >&2
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
    # Sourced: leave the server running for the caller's shell and stop it when that exits.
    rel_pg_start || return 1
    trap rel_pg_stop EXIT
else
    set -euo pipefail
    rel_pg_start
    trap rel_pg_stop EXIT
    if [ $# -gt 0 ]; then
        "$@"
    else
        echo "tests/pg/start.sh: nothing to run; 'source' this script to keep the server" >&2
    fi
fi

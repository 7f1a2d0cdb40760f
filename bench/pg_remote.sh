#!/usr/bin/env bash
# The PostgreSQL remote's numbers (bench/RESULTS.md, "Team"): push and pull of 10,000
# operations and a no-op round over a Unix socket, against a throw-away server.
set -euo pipefail
cd "$(dirname "$0")/.."
# A dev build: the time goes to PostgreSQL and the socket, not to our code.
cargo build --quiet --example pg_remote_bench
source tests/pg/start.sh
url="$REL_TEST_PG dbname=rel_bench"
psql "$REL_TEST_PG" -qc "CREATE DATABASE rel_bench"
target/debug/rel team setup "$url" >/dev/null
REL_BENCH_PG="$url" target/debug/examples/pg_remote_bench

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

# The same through the release binary, as a member runs it: a journal of about 10,000
# operations (bench/generate.py, 1,000 contacts, 9,000 interactions) pushes them all, a second,
# empty journal pulls and folds them, and then `rel sync` with nothing new, 20 times.
command -v hyperfine >/dev/null || { echo "bench: install hyperfine for the rel sync numbers" >&2; exit 0; }
cargo build --release --quiet
REL=$PWD/target/release/rel
WORK=$(mktemp -d)
export REL_NOW=2026-11-27T12:00:00Z TZ=UTC XDG_DATA_HOME=$WORK/xdg
python3 bench/generate.py --contacts 1000 --interactions 9000 --seed 5 -o "$WORK/10k.json" >/dev/null
"$REL" --db "$WORK/a.db" -q import "$WORK/10k.json"
"$REL" --db "$WORK/a.db" -q sync init --postgres "$url" --workspace bench
"$REL" --db "$WORK/b.db" -q sync init --postgres "$url" --workspace bench
ops=$(sqlite3 "$WORK/a.db" "SELECT count(*) FROM sync_ops")
timed() { local start end; start=$(date +%s.%N); "$@"; end=$(date +%s.%N); python3 -c "print('%.2f s' % ($end - $start))"; }
echo "rel sync pushing $ops operations	$(timed "$REL" --db "$WORK/a.db" -q sync)"
echo "rel sync pulling and folding them into an empty journal	$(timed "$REL" --db "$WORK/b.db" -q sync)"
hyperfine -N --style basic --warmup 3 --runs 20 --export-json "$WORK/noop.json" \
    "$REL --db $WORK/b.db -q sync" >/dev/null 2>&1
python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('rel sync with nothing new (median of 20)\t%.1f ms (min %.1f, max %.1f)' % (r['median']*1000, r['min']*1000, r['max']*1000))" "$WORK/noop.json"
rm -rf "$WORK"

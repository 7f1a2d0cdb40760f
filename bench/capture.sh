#!/usr/bin/env bash
# Capture at L (issue 25): a 100,000-message mbox and a 10,000-event calendar imported into the
# L journal, each twice (the second run has nothing to write), with wall time and peak RSS.
# Targets: under 30 s each, peak memory <= 128 MB whatever the mailbox size, the second run at
# least 5x faster than the first. Not part of `cargo test`; no timing is asserted anywhere.
#   bench/capture.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
mkdir -p "$OUT"
cargo build --release --quiet
REL=$ROOT/target/release/rel
export REL_NOW=2026-11-27T12:00:00Z TZ=UTC

[ -f "$OUT/L.json" ] || python3 bench/generate.py --scale L -o "$OUT/L.json"
base=$OUT/capture-L.db
if [ ! -f "$base" ]; then
    "$REL" --db "$base" -q import "$OUT/L.json"
fi
python3 - "$base" "$OUT/capture-addresses.txt" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT email FROM contact_emails LIMIT 20000")
open(sys.argv[2], "w").write("".join(r[0] + "\n" for r in rows))
PY
python3 bench/capture_generate.py mbox --messages 100000 --addresses "$OUT/capture-addresses.txt" -o "$OUT/capture.mbox"
python3 bench/capture_generate.py ics --events 10000 --addresses "$OUT/capture-addresses.txt" -o "$OUT/capture.ics"

measure() { # label, then the command
    local label=$1; shift
    /usr/bin/time -f "$label	%e s wall	%M KB peak RSS" "$@" 2>&1 >/dev/null | tail -1
}
for kind in mbox ics; do
    db=$OUT/capture-$kind.db
    cp "$base" "$db"
    measure "$kind first run " "$REL" --db "$db" import "$OUT/capture.$kind" --me me@example.com
    measure "$kind second run" "$REL" --db "$db" import "$OUT/capture.$kind" --me me@example.com
    rm -f "$db"
done

#!/usr/bin/env bash
# rel sync timings (issue 14): `rel sync` with nothing new on a folder remote (target at L:
# <= 50 ms), and receiving 10,000 operations (target <= 2 s), into an empty journal and into
# the S/L journal. Appends its numbers to bench/out/sync.txt; copy them into RESULTS.md.
#   bench/sync.sh             # S and L (L builds bench/out/L.db the way run.sh does, once)
#   SCALES=S bench/sync.sh    # only S
# Not part of `cargo test`; no timing is asserted anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
WORK=$OUT/sync
SCALES=${SCALES:-"S L"}
command -v hyperfine >/dev/null || { echo "bench: install hyperfine (bench/run.sh does)" >&2; exit 1; }
cargo build --release --quiet
REL=$ROOT/target/release/rel
export REL_NOW=2026-11-27T12:00:00Z TZ=UTC
unset REL_FORMAT REL_DB
# rel's sync cache (and lock) for these replicas lives here, not in the user's data folder.
export XDG_DATA_HOME=$WORK/xdg
rm -rf "$WORK"
mkdir -p "$WORK"
REPORT=$OUT/sync.txt
: >"$REPORT"

say() { echo "$*" | tee -a "$REPORT"; }
# mean_ms NAME: hyperfine's mean of the last export, in milliseconds.
mean_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('%.1f ms (± %.1f, min %.1f)' % (r['mean']*1000, r['stddev']*1000, r['min']*1000))" "$WORK/$1.json"; }

# A journal with about 10,000 operations, sent to its own folder remote once.
python3 "$ROOT/bench/generate.py" --contacts 1000 --interactions 9000 --seed 5 -o "$WORK/10k.json"
"$REL" --db "$WORK/sender.db" -q import "$WORK/10k.json"
"$REL" --db "$WORK/sender.db" -q sync init --folder "$WORK/remote-10k" 2>/dev/null
"$REL" --db "$WORK/sender.db" -q sync
OPS=$(sqlite3 "$WORK/sender.db" "SELECT count(*) FROM sync_ops")
KEY=$("$REL" --db "$WORK/sender.db" sync key)
say "sender journal: 1000 contacts, 9000 interactions = $OPS operations on the remote"

# receive_into NAME BASE_DB: time `rel sync` receiving every operation of remote-10k into a
# fresh copy of BASE_DB (already set up with the key, never synced) each run.
receive_into() {
    local name=$1 base=$2 runs=$3
    "$REL" --db "$base" -q sync init --folder "$WORK/remote-10k" --key "$KEY"
    hyperfine -N --style basic --warmup 0 --runs "$runs" --export-json "$WORK/$name.json" \
        --prepare "sh -c 'rm -f $WORK/$name.db $WORK/$name.db-wal $WORK/$name.db-shm; cp $base $WORK/$name.db; sync'" \
        "$REL --db $WORK/$name.db sync" >"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log"; exit 1; }
    say "receiving $OPS operations into $4: $(mean_ms "$name")"
}

"$REL" --db "$WORK/empty.db" -q config default-channel call
receive_into receive-empty "$WORK/empty.db" 5 "an empty journal"

for scale in $SCALES; do
    db=$OUT/$scale.db
    if [ ! -f "$db" ]; then
        [ -f "$OUT/$scale.json" ] || python3 "$ROOT/bench/generate.py" --scale "$scale" -o "$OUT/$scale.json"
        "$REL" --db "$db" -q import "$OUT/$scale.json"
    fi
    copy=$WORK/$scale-sync.db
    "$REL" --db "$db" backup "$copy" >/dev/null
    # The sender's key, so the sender's segments can be added to this remote below.
    "$REL" --db "$copy" -q sync init --folder "$WORK/remote-$scale" --key "$KEY"
    start=$(date +%s.%N)
    "$REL" --db "$copy" -q sync
    end=$(date +%s.%N)
    say "$scale first sync (sends the whole journal): $(python3 -c "print('%.1f s' % ($end - $start))"), remote $(du -sh "$WORK/remote-$scale" | cut -f1)"
    hyperfine -N --style basic --warmup 3 --runs 20 --export-json "$WORK/idle-$scale.json" \
        "$REL --db $copy sync" >"$WORK/idle-$scale.log" 2>&1 || { cat "$WORK/idle-$scale.log"; exit 1; }
    say "$scale rel sync with nothing new (folder remote): $(mean_ms "idle-$scale")$( [ "$scale" = L ] && echo '; target <= 50 ms')"
    # Receiving into this journal as it stands after its first sync (its own operations
    # already on the remote): the sender's segments are added beside its own. A run may send
    # operations of its own (handles renamed on arrival), so its folder is put back each run
    # (segment files are written once, never edited: hard links are safe). The copy is
    # flushed to disk before each timed run (`sync`): otherwise the kernel writes the 730 MB
    # copy back while rel runs, and its fsyncs wait behind that (2.2-2.5 s instead of 1.7 s).
    base=$WORK/$scale-base.db
    "$REL" --db "$copy" backup "$base" >/dev/null
    layout=$WORK/remote-$scale/rel-sync/v1
    own=$(sqlite3 "$base" "SELECT uuid FROM sync_replicas WHERE n = 1")
    sender=$(sqlite3 "$WORK/sender.db" "SELECT uuid FROM sync_replicas WHERE n = 1")
    cp -al "$WORK/remote-10k/rel-sync/v1/$sender" "$layout/"
    cp -al "$layout/$own" "$WORK/own-$scale"
    name=receive-$scale
    hyperfine -N --style basic --warmup 0 --runs 3 --export-json "$WORK/$name.json" \
        --prepare "sh -c 'rm -rf $layout/$own $WORK/$name.db $WORK/$name.db-wal $WORK/$name.db-shm; cp -al $WORK/own-$scale $layout/$own; cp $base $WORK/$name.db; sync'" \
        "$REL --db $WORK/$name.db -q sync" >"$WORK/$name.log" 2>&1 || { cat "$WORK/$name.log"; exit 1; }
    say "receiving $OPS operations into the $scale journal (synced before): $(mean_ms "$name")$( [ "$scale" = L ] && echo '; target <= 2 s')"
done

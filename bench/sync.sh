#!/usr/bin/env bash
# rel sync timings (issue 14): `rel sync` with nothing new on a folder remote (target at L:
# <= 50 ms), and receiving 10,000 operations (target <= 2 s), into an empty journal and into
# the S/L journal. Appends its numbers to bench/out/sync.txt; copy them into RESULTS.md.
#   bench/sync.sh             # S and L (L builds bench/out/L.db the way run.sh does, once)
#   SCALES=S bench/sync.sh    # only S (SCALES= : only the 10k rows)
# Not part of `cargo test`; no timing is asserted anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
WORK=$OUT/sync
SCALES=${SCALES-"S L"}
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
# mean_ms NAME: hyperfine's min, median and mean of the last export, in milliseconds.
mean_ms() { python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('min %.1f ms, median %.1f, mean %.1f (± %.1f)' % (r['min']*1000, r['median']*1000, r['mean']*1000, r['stddev']*1000))" "$WORK/$1.json"; }
# peak_mb CMD...: the peak resident memory of one run, in MiB (/usr/bin/time counts KiB).
peak_mb() { { /usr/bin/time -v "$@" >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {printf "%.1f MiB", $2 / 1024}'; }
load=$(cut -d' ' -f1 /proc/loadavg)
say "load average at the start: $load$(python3 -c "import sys; print(' (above 1: these numbers are not a quiet machine\'s)' if float(sys.argv[1]) > 1 else '')" "$load")"

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
say "  peak memory of that receive: $(cp "$WORK/empty.db" "$WORK/peak.db"; peak_mb "$REL" --db "$WORK/peak.db" sync)"

# Issue 26's rows, against TaskChampion 3.1 (push 10k 72-84 ms, fresh receive 321-420 ms,
# no-op 34-46 ms, 10-14 MB): pushing the same 10k operations from a journal that never synced
# into an empty folder remote, each run from a fresh copy of the journal, the remote and rel's
# sync cache (so no run sees the one before it).
"$REL" --db "$WORK/push-base.db" -q import "$WORK/10k.json"
(
    export XDG_DATA_HOME=$WORK/xdg-push
    "$REL" --db "$WORK/push-base.db" -q sync init --folder "$WORK/remote-push" --key "$KEY"
    cp -a "$WORK/remote-push" "$WORK/remote-push-init"
    hyperfine -N --style basic --warmup 1 --runs 10 --export-json "$WORK/push.json" \
        --prepare "sh -c 'rm -rf $WORK/remote-push $WORK/xdg-push $WORK/push.db $WORK/push.db-wal $WORK/push.db-shm; cp -a $WORK/remote-push-init $WORK/remote-push; cp $WORK/push-base.db $WORK/push.db; sync'" \
        "$REL --db $WORK/push.db -q sync" >"$WORK/push.log" 2>&1 || { cat "$WORK/push.log"; exit 1; }
    rm -rf "$WORK/remote-push" "$WORK/xdg-push"
    cp -a "$WORK/remote-push-init" "$WORK/remote-push"
    cp "$WORK/push-base.db" "$WORK/push.db"
    say "pushing $OPS operations into an empty folder remote: $(mean_ms push); peak $(peak_mb "$REL" --db "$WORK/push.db" -q sync); target <= 70 ms, <= 20 MB"
    hyperfine -N --style basic --warmup 3 --runs 30 --export-json "$WORK/idle-small.json" \
        "$REL --db $WORK/push.db sync" >"$WORK/idle-small.log" 2>&1 || { cat "$WORK/idle-small.log"; exit 1; }
    say "rel sync with nothing new, that journal (folder remote): $(mean_ms idle-small); target <= 10 ms"
)

# The same journal over git (a local bare repository: the git processes rel starts are the
# cost, not a network), then a sync with nothing new, and how many git processes it starts.
if command -v git >/dev/null; then
    (
        export XDG_DATA_HOME=$WORK/xdg-git
        git init -q --bare "$WORK/remote.git"
        "$REL" --db "$WORK/git.db" -q import "$WORK/10k.json"
        "$REL" --db "$WORK/git.db" -q sync init --git "file://$WORK/remote.git" --key "$KEY"
        "$REL" --db "$WORK/git.db" -q sync
        hyperfine -N --style basic --warmup 2 --runs 15 --export-json "$WORK/idle-git.json" \
            "$REL --db $WORK/git.db sync" >"$WORK/idle-git.log" 2>&1 || { cat "$WORK/idle-git.log"; exit 1; }
        # Every execve after rel's own is a process it started (git and git's helpers).
        strace -f -qq -e trace=execve -o "$WORK/git.strace" "$REL" --db "$WORK/git.db" -q sync
        spawned=$(( $(grep -c 'execve(' "$WORK/git.strace") - 1 ))
        say "rel sync with nothing new, git remote: $(mean_ms idle-git); $spawned processes started; target <= 100 ms"
    )
fi

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

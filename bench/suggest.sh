#!/usr/bin/env bash
# Times `rel suggest`, `rel accounts` and `rel intro` beside a sqlite3 query computing the same
# rows on the same file (bench/sql/suggest.sql, accounts.sql, intro.sql), and measures the peak
# memory of `rel suggest` (issue 24: at L each under a second and within 1.5x its floor;
# suggest <= 30 MB). Uses the databases bench/run.sh builds (bench/out/S.db, L.db), building
# them the same way when missing. Not part of `cargo test`; nothing here asserts a timing.
#   bench/suggest.sh            # S and L
#   SCALES=S bench/suggest.sh   # only S
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
SQL=$ROOT/bench/sql
SCALES=${SCALES:-"S L"}
RUNS=${RUNS:-10}
mkdir -p "$OUT/json"
for tool in hyperfine sqlite3 python3; do
    command -v "$tool" >/dev/null || { echo "bench: install $tool first" >&2; exit 1; }
done
cargo build --release --quiet
REL=$ROOT/target/release/rel
export REL_NOW=2026-11-27T12:00:00Z TZ=UTC
unset REL_FORMAT REL_DB

bench() {
    local name=$1 rel_cmd=$2 floor_cmd=$3
    echo "== $name"
    hyperfine -N --style basic --warmup 2 --runs "$RUNS" \
        --export-json "$OUT/json/$name.json" -n rel "$rel_cmd" -n floor "$floor_cmd" \
        >"$OUT/hyperfine-suggest.log" 2>&1 || { cat "$OUT/hyperfine-suggest.log"; exit 1; }
    grep -E "Time \(|faster" "$OUT/hyperfine-suggest.log" || true
}

for scale in $SCALES; do
    db=$OUT/$scale.db
    if [ ! -f "$db" ]; then
        [ -f "$OUT/$scale.json" ] || python3 "$ROOT/bench/generate.py" --scale "$scale" -o "$OUT/$scale.json"
        "$REL" --db "$db" -q import "$OUT/$scale.json" >/dev/null
    fi
    # The rel this script builds migrates the file first (schema 9 adds dismissed_until), so
    # rel and the floor read the same schema.
    "$REL" --db "$db" suggest >/dev/null
    # A target you do not know well (fewer than 3 touches in the last year, else rel answers
    # "you know them" without a search) with the most links around it.
    who=$(sqlite3 "$db" "SELECT c.handle FROM contacts c WHERE c.archived_at IS NULL
        AND (SELECT count(*) FROM interaction_contacts y JOIN interactions i ON i.id = y.interaction_id
             WHERE y.contact_id = c.id AND i.at > 1795780800 - 31536000) < 3
        ORDER BY (SELECT count(*) FROM contacts v WHERE v.via_id = c.id) + (c.via_id IS NOT NULL)
                 + (SELECT count(*) FROM interaction_contacts y WHERE y.contact_id = c.id) DESC, c.id
        LIMIT 1")
    sed "s/@WHO@/$who/g" "$SQL/intro.sql" >"$OUT/intro-$scale.sql"

    bench "$scale-suggest" "$REL --db $db suggest" "sqlite3 -batch $db '.read $SQL/suggest.sql'"
    bench "$scale-suggest-all" "$REL --db $db suggest --limit 0" "sqlite3 -batch $db '.read $SQL/suggest.sql'"
    bench "$scale-accounts" "$REL --db $db accounts" "sqlite3 -batch $db '.read $SQL/accounts.sql'"
    bench "$scale-intro" "$REL --db $db intro $who" "sqlite3 -batch $db '.read $OUT/intro-$scale.sql'"

    rss=$( { /usr/bin/time -v "$REL" --db "$db" suggest >/dev/null; } 2>&1 | awk -F': ' '/Maximum resident/ {print $2}')
    echo "$scale peak RSS of rel suggest: $(( rss / 1024 )) MB$( [ "$scale" = L ] && echo '; target <= 30 MB')"
    # The same rows: rel's handles in order against the floor's.
    rel_rows=$("$REL" --db "$db" suggest --limit 0 --format tsv | tail -n +2 | cut -f2)
    floor_rows=$(sqlite3 -batch "$db" ".read $SQL/suggest.sql" | cut -d'|' -f1)
    if [ "$(sort <<<"$rel_rows")" = "$(sort <<<"$floor_rows")" ]; then
        echo "$scale suggest: rel and the floor list the same $(wc -l <<<"$rel_rows") contacts"
    else
        echo "$scale suggest: rel and the floor differ:"
        diff <(sort <<<"$rel_rows") <(sort <<<"$floor_rows") | head -20
    fi
done

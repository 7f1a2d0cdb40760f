//! `rel search`: full-text search over notes and contact fields, best match first.

use super::Ctx;
use crate::cli::SearchArgs;
use crate::db::search::{self, Hit, HitKind, MATCH_END, MATCH_START};
use crate::error::Result;
use crate::output::{Cap, Format, ListRow, Listing, Tone, join, relative, rfc3339, rfc3339_opt};
use serde_json::json;

const HEADERS: [&str; 6] = ["kind", "id", "handle", "at", "snippet", "score"];

const TABLE_HEADERS: [&str; 5] = ["kind", "id", "who", "when", "match"];
const NOTHING: &str =
    "Nothing matches. Try a prefix (renew*), fewer words, or OR: rel search 'renewal OR contract'";

pub fn run(ctx: &Ctx, args: SearchArgs) -> Result<()> {
    let query = args.query.join(" ");
    let db = ctx.open()?;
    let cap = Cap::new(ctx.out.format, args.limit);
    let now = ctx.now_unix();
    if ctx.out.format != Format::Table {
        // csv/tsv/json print each hit as it is read, as `rel list` and `rel due` do (a table
        // needs every row for its widths); no cap unless --limit is given.
        // Asked for one more than printed, as the table does: which of the hits tied at the
        // cap FTS5 hands over depends on how many it is asked for.
        return search::each_hit(db.conn(), &query, cap.query_limit(), |hits| {
            let shown = hits.take(cap.rows().unwrap_or(usize::MAX));
            let rows = shown.map(|hit| hit.map(|hit| hit_row(&hit, now)));
            ctx.out
                .list_streamed(&HEADERS, &TABLE_HEADERS, rows, NOTHING)
        });
    }
    let mut hits = search::search(db.conn(), &query, cap.query_limit())?;
    let more = cap.apply(&mut hits);
    let mut listing = Listing::new(&HEADERS, hits.iter().map(|h| hit_row(h, now)).collect());
    listing.table_headers = TABLE_HEADERS.to_vec();
    listing.more = more;
    ctx.out.list(&listing, NOTHING)
}

/// The snippet on one line, the matched words in brackets: `…about the [renewal] and…`.
/// Output escapes whatever control characters the user's text holds.
fn marked_snippet(snippet: &str) -> String {
    snippet
        .chars()
        .map(|c| match c {
            MATCH_START => '[',
            MATCH_END => ']',
            '\n' | '\r' | '\t' => ' ',
            c => c,
        })
        .collect()
}

/// bm25 turned so that higher is better. In a small journal most words are common enough that
/// bm25 gives tiny scores; the order is still best first.
fn score(hit: &Hit) -> f64 {
    -hit.bm25
}

fn hit_row(hit: &Hit, now: i64) -> ListRow {
    let snippet = marked_snippet(&hit.snippet);
    let score = score(hit);
    let (kind, json) = match hit.kind {
        HitKind::Interaction => (
            "interaction",
            json!({
                "kind": "interaction",
                "id": hit.id,
                "contacts": hit.handles,
                "at": rfc3339_opt(hit.at),
                "snippet": snippet,
                "score": score,
            }),
        ),
        HitKind::Contact => (
            "contact",
            json!({
                "kind": "contact",
                "id": hit.id,
                "handle": hit.handles.first(),
                "name": hit.name,
                "at": rfc3339_opt(hit.at),
                "snippet": snippet,
                "score": score,
            }),
        ),
    };
    let when = match (hit.kind, hit.at) {
        (_, Some(at)) => relative(at, now),
        (HitKind::Contact, None) => "never".to_string(),
        (HitKind::Interaction, None) => String::new(),
    };
    ListRow {
        json,
        plain: vec![
            kind.to_string(),
            hit.id.to_string(),
            join(&hit.handles),
            hit.at.map(rfc3339).unwrap_or_default(),
            snippet.clone(),
            score.to_string(),
        ],
        pretty: vec![
            (kind.to_string(), Tone::Dim),
            (hit.id.to_string(), Tone::Dim),
            (join(&hit.handles), Tone::Plain),
            (when, Tone::Plain),
            (snippet, Tone::Plain),
        ],
    }
}

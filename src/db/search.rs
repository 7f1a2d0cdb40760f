//! Full-text search over interaction notes and contact fields (the FTS5 indexes of
//! `sql/0002_search.sql`), best match first.

use crate::error::{Error, Result};
use rusqlite::{Connection, ErrorCode, params};
use std::cmp::Ordering;

/// Marks FTS5 puts around each matched word in a snippet. Private-use characters, so the command
/// can escape the user's text first and then draw the marks as brackets or bold.
mod query;
pub mod upkeep;

pub const MATCH_START: char = '\u{E000}';
pub const MATCH_END: char = '\u{E001}';

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    Interaction,
    Contact,
}

/// One search result.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: HitKind,
    pub id: i64,
    /// Contact hits: the handle and name; interaction hits: the participants' handles.
    pub handles: Vec<String>,
    pub name: Option<String>,
    /// Interaction hits: when it happened; contact hits: the last touch (None if never).
    pub at: Option<i64>,
    /// The best-matching passage, matched words between `MATCH_START` and `MATCH_END`.
    pub snippet: String,
    /// bm25 as SQLite computes it: lower (more negative) is a better match.
    pub bm25: f64,
}

/// The best hits of the notes index, then the joins for those rows only. `{order}` is filled
/// in by [`interaction_sql`].
const INTERACTION_SQL: &str = "
    SELECT f.id, i.at, f.snippet, f.score,
           (SELECT json_group_array(handle) FROM (SELECT c.handle FROM interaction_contacts ic
              JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = f.id ORDER BY ic.position, c.uid))
    FROM (SELECT rowid AS id, rank AS score,
                 snippet(interactions_fts, 0, ?3, ?4, '…', 12) AS snippet
          FROM interactions_fts WHERE interactions_fts MATCH ?1 ORDER BY {order} LIMIT ?2) f
    JOIN interactions i ON i.id = f.id
    ORDER BY f.score, f.id DESC";

const CONTACT_SQL: &str = "
    SELECT f.id, c.last_touch, f.snippet, f.score, c.handle, c.name
    FROM (SELECT rowid AS id, rank AS score,
                 snippet(contacts_fts, -1, ?3, ?4, '…', 12) AS snippet
          FROM contacts_fts WHERE contacts_fts MATCH ?1 ORDER BY {order} LIMIT ?2) f
    JOIN contacts c ON c.id = f.id
    ORDER BY f.score, f.id DESC";

/// How the FTS query orders what it hands on. With a limit, `rank, rowid DESC`: the best N,
/// the newest first among equal scores (the full list's own order), kept by SQLite's sorter as
/// it goes (at L, `--limit 50` 666 -> 228 ms against FTS5 sorting every match). Without one,
/// FTS5's own `rank`: it sorts (rowid, rank) pairs and makes each snippet as its row is read;
/// SQLite's sorter would hold every snippet (110 MiB for 449k hits at L, against 34).
fn order(limited: bool) -> &'static str {
    if limited { "rank, rowid DESC" } else { "rank" }
}

/// The interactions' search SQL, for a search with or without a limit.
pub fn interaction_sql(limited: bool) -> String {
    INTERACTION_SQL.replace("{order}", order(limited))
}

/// The contacts' search SQL, for a search with or without a limit.
pub fn contact_sql(limited: bool) -> String {
    CONTACT_SQL.replace("{order}", order(limited))
}

/// Runs `query` (FTS5 syntax) against both indexes; at most `limit` hits, best first.
pub fn search(conn: &Connection, query: &str, limit: Option<usize>) -> Result<Vec<Hit>> {
    each_hit(conn, query, limit, |hits| hits.collect())
}

/// Hands `body` the hits of [`search`] one at a time, best first, as SQLite reads them: each
/// index's hits come ordered by score, and the two are merged as they go, so csv, tsv and
/// json print hundreds of thousands of hits without holding them (1 GB at L, collected).
pub fn each_hit<R>(
    conn: &Connection,
    query: &str,
    limit: Option<usize>,
    body: impl FnOnce(&mut dyn Iterator<Item = Result<Hit>>) -> Result<R>,
) -> Result<R> {
    if query.trim().is_empty() {
        return Err(Error::usage("invalid search query: it is empty")
            .with_hint("give words, \"a phrase\" or a prefix*"));
    }
    let typed = query;
    let query = &query::fts_query(typed);
    let sql_limit = limit.map_or(-1, |n| n as i64);
    let (start, end) = (MATCH_START.to_string(), MATCH_END.to_string());
    let mut interactions = conn.prepare_cached(&interaction_sql(limit.is_some()))?;
    let interaction_hits = interactions
        .query_map(params![query, sql_limit, start, end], |row| {
            let handles: String = row.get(4)?;
            Ok(Hit {
                kind: HitKind::Interaction,
                id: row.get(0)?,
                at: row.get(1)?,
                snippet: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                bm25: row.get(3)?,
                handles: serde_json::from_str(&handles).unwrap_or_default(),
                name: None,
            })
        })
        .map_err(|err| query_error(typed, err))?;
    let mut contacts = conn.prepare_cached(&contact_sql(limit.is_some()))?;
    let contact_hits = contacts
        .query_map(params![query, sql_limit, start, end], |row| {
            Ok(Hit {
                kind: HitKind::Contact,
                id: row.get(0)?,
                at: row.get(1)?,
                snippet: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                bm25: row.get(3)?,
                handles: vec![row.get(4)?],
                name: Some(row.get(5)?),
            })
        })
        .map_err(|err| query_error(typed, err))?;
    let mut left = interaction_hits.peekable();
    let mut right = contact_hits.peekable();
    // An error comes out first (the interactions' before the contacts'), as a full read of
    // the interactions and then the contacts would meet it.
    let merged = std::iter::from_fn(|| {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => return None,
            (Some(Err(_)), _) | (Some(_), None) => true,
            (_, Some(Err(_))) | (None, Some(_)) => false,
            (Some(Ok(a)), Some(Ok(b))) => best_first(a, b) != Ordering::Greater,
        };
        let next = if take_left { left.next() } else { right.next() };
        next.map(|hit| hit.map_err(|err| query_error(typed, err)))
    });
    let mut hits = merged.take(limit.unwrap_or(usize::MAX)).peekable();
    // FTS5 refuses a query it cannot parse at the first step: say so before anything prints.
    if let Some(Err(_)) = hits.peek()
        && let Some(Err(err)) = hits.next()
    {
        return Err(err);
    }
    body(&mut hits)
}

/// Both indexes score with bm25; contacts first on a tie (a person before what was said),
/// then the newer record first. Each index's SQL orders its own hits the same way.
fn best_first(a: &Hit, b: &Hit) -> Ordering {
    a.bm25
        .total_cmp(&b.bm25)
        .then((a.kind == HitKind::Interaction).cmp(&(b.kind == HitKind::Interaction)))
        .then(b.id.cmp(&a.id))
}

/// FTS5 reports a query it cannot parse (`"open`, `AND`, `col:x` for an unknown column) as a
/// plain SQL error while the statement runs: that is the user's input, so exit 2.
fn query_error(query: &str, err: rusqlite::Error) -> Error {
    match &err {
        rusqlite::Error::SqliteFailure(failure, message) if failure.code == ErrorCode::Unknown => {
            let detail = message.as_deref().unwrap_or("syntax error");
            Error::usage(format!("invalid search query '{query}': {detail}")).with_hint(
                "words match anywhere; use \"a phrase\", prefix*, AND, OR, NOT, (…); see 'rel search --help'",
            )
        }
        _ => Error::from(err),
    }
}

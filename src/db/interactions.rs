//! Interactions: inserting, amending and deleting touches, and the timeline queries.

use super::upkeep;
use crate::error::{Error, Result};
use crate::model::{Reith, Trait};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// One logged touch.
#[derive(Debug, Clone)]
pub struct Interaction {
    pub id: i64,
    pub uid: String,
    pub at: i64,
    pub channel: String,
    pub note: String,
    /// Handles in the order they were named.
    pub contacts: Vec<String>,
    pub marks: Reith,
    /// The member who logged it in a team workspace; None outside one.
    pub author: Option<String>,
    /// Where a captured interaction came from; None when it was typed.
    pub source: Option<Source>,
}

/// A captured interaction's origin: `kind` `ics` or `mail`, `id` the event's
/// `UID[/instance start]` or the thread's first `Message-ID`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub kind: String,
    pub id: String,
}

const COLUMNS: &str = "i.id, i.uid, i.at, i.channel, i.note, i.respect, i.empathy, i.integrity, i.trust, i.honesty, \
    (SELECT json_group_array(handle) FROM (SELECT c.handle FROM interaction_contacts ic \
       JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id ORDER BY ic.position, c.uid)), i.author, i.source_kind, i.source_id";

fn from_row(row: &Row) -> rusqlite::Result<Interaction> {
    let handles: String = row.get(10)?;
    Ok(Interaction {
        id: row.get(0)?,
        uid: row.get(1)?,
        at: row.get(2)?,
        channel: row.get(3)?,
        note: row.get(4)?,
        marks: super::reith_at(row, 5)?,
        contacts: serde_json::from_str(&handles).unwrap_or_default(),
        author: row.get(11)?,
        source: match (row.get(12)?, row.get(13)?) {
            (Some(kind), Some(id)) => Some(Source { kind, id }),
            _ => None,
        },
    })
}

/// What `rel log` and `rel import` write.
#[derive(Debug, Clone)]
pub struct NewInteraction {
    pub uid: Option<String>,
    pub at: i64,
    pub channel: String,
    pub note: String,
    pub marks: Reith,
    pub contact_ids: Vec<i64>,
    /// The member logging it (`rel log` in a team workspace).
    pub author: Option<String>,
}

/// Inserts an interaction with its participants and refreshes their maintained columns.
pub fn insert(conn: &Connection, new: &NewInteraction, now: i64) -> Result<i64> {
    let uid = new.uid.clone().unwrap_or_else(super::contacts::new_uid);
    let m = &new.marks;
    conn.prepare_cached(
        "INSERT INTO interactions (uid, at, channel, note, respect, empathy, integrity, trust, honesty, created_at, author)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![uid, new.at, new.channel, new.note, m.respect, m.empathy, m.integrity, m.trust, m.honesty, now, new.author])?;
    let id = conn.last_insert_rowid();
    add_participants(conn, id, &new.contact_ids)?;
    upkeep::add_touch(conn, &new.contact_ids, id, new.at, &new.marks)?;
    Ok(id)
}

fn add_participants(conn: &Connection, id: i64, contact_ids: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, contact_id) in contact_ids.iter().enumerate() {
        stmt.execute(params![id, contact_id, position as i64])?;
    }
    Ok(())
}

pub fn get(conn: &Connection, id: i64) -> Result<Interaction> {
    let sql = format!("SELECT {COLUMNS} FROM interactions i WHERE i.id = ?1");
    conn.query_row(&sql, [id], from_row)
        .optional()?
        .ok_or_else(|| {
            Error::not_found(format!("no interaction {id}")).with_hint("see 'rel timeline'")
        })
}

fn participant_ids(conn: &Connection, id: i64) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT ic.contact_id FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
         WHERE ic.interaction_id = ?1 ORDER BY ic.position, c.uid",
    )?;
    let rows = stmt.query_map([id], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes to a logged interaction; `None` keeps the current value.
#[derive(Debug, Clone, Default)]
pub struct Amendment {
    pub at: Option<i64>,
    pub channel: Option<String>,
    pub note: Option<String>,
    pub marks: Option<Reith>,
    pub contact_ids: Option<Vec<i64>>,
}

pub fn amend(conn: &Connection, id: i64, change: &Amendment) -> Result<()> {
    let current = get(conn, id)?;
    let before = participant_ids(conn, id)?;
    let marks = change.marks.unwrap_or(current.marks);
    conn.execute(
        "UPDATE interactions SET at = ?2, channel = ?3, note = ?4, respect = ?5, empathy = ?6,
            integrity = ?7, trust = ?8, honesty = ?9 WHERE id = ?1",
        params![
            id,
            change.at.unwrap_or(current.at),
            change.channel.as_deref().unwrap_or(&current.channel),
            change.note.as_deref().unwrap_or(&current.note),
            marks.respect,
            marks.empathy,
            marks.integrity,
            marks.trust,
            marks.honesty
        ],
    )?;
    let mut touched = before;
    if let Some(ids) = &change.contact_ids {
        conn.execute(
            "DELETE FROM interaction_contacts WHERE interaction_id = ?1",
            [id],
        )?;
        add_participants(conn, id, ids)?;
        touched.extend(ids);
    }
    touched.sort_unstable();
    touched.dedup();
    upkeep::refresh_many(conn, &touched)
}

/// Deletes interactions (all must exist) and refreshes everyone who took part.
pub fn delete(conn: &Connection, ids: &[i64]) -> Result<()> {
    let mut touched = Vec::new();
    for id in ids {
        get(conn, *id)?;
        touched.extend(participant_ids(conn, *id)?);
        conn.execute("DELETE FROM interactions WHERE id = ?1", [id])?;
    }
    touched.sort_unstable();
    touched.dedup();
    upkeep::refresh_many(conn, &touched)
}

/// Filters for `rel timeline` and `rel show`.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    pub contact_ids: Vec<i64>,
    pub since: Option<i64>,
    /// Exclusive upper bound.
    pub until: Option<i64>,
    pub traits: Option<Trait>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    pub limit: Option<usize>,
}

/// The SQL `timeline` runs for `query` (public so tests can check its query plan). With
/// contacts named, it starts from their index entries instead of walking every interaction.
pub fn timeline_sql(query: &TimelineQuery) -> String {
    let trait_filter = match query.traits {
        // Column names come from the Trait enum, never from input.
        Some(t) => format!("i.{} != 0", t.name()),
        None => "1".to_string(),
    };
    let (source, joiner) = if query.contact_ids.is_empty() {
        ("interactions i", "WHERE")
    } else {
        (
            "interactions i WHERE i.id IN (SELECT ic.interaction_id FROM interaction_contacts ic \
             WHERE ic.contact_id IN (SELECT value FROM json_each(?6)))",
            "AND",
        )
    };
    format!(
        "SELECT {COLUMNS} FROM {source} {joiner}
             (?1 IS NULL OR i.at >= ?1) AND (?2 IS NULL OR i.at < ?2)
             AND (?3 IS NULL OR i.channel = ?3) AND {trait_filter}
             AND (?4 IS NULL OR EXISTS (SELECT 1 FROM interaction_contacts ic2
                  JOIN contact_tags t ON t.contact_id = ic2.contact_id
                  WHERE ic2.interaction_id = i.id AND t.tag = ?4))
         ORDER BY i.at DESC, i.id DESC LIMIT ?5"
    )
}

/// Interactions newest first.
pub fn timeline(conn: &Connection, query: &TimelineQuery) -> Result<Vec<Interaction>> {
    each_in_timeline(conn, query, |found| found.collect())
}

/// Hands `body` the interactions of [`timeline`] one at a time, as SQLite reads them: csv, tsv
/// and json print every one of a million without holding them all (1.4 GB at L, collected).
pub fn each_in_timeline<R>(
    conn: &Connection,
    query: &TimelineQuery,
    body: impl FnOnce(&mut dyn Iterator<Item = Result<Interaction>>) -> Result<R>,
) -> Result<R> {
    let sql = timeline_sql(query);
    let ids = serde_json::to_string(&query.contact_ids)?;
    let limit = query.limit.map_or(-1, |n| n as i64);
    let mut stmt = conn.prepare(&sql)?;
    let filters = params![query.since, query.until, query.channel, query.tag, limit];
    let mut rows = if query.contact_ids.is_empty() {
        stmt.query_map(filters, from_row)?
    } else {
        stmt.query_map(
            params![
                query.since,
                query.until,
                query.channel,
                query.tag,
                limit,
                ids
            ],
            from_row,
        )?
    };
    body(&mut (&mut rows).map(|row| row.map_err(Into::into)))
}

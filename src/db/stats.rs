//! The numbers behind `rel stats`: REITH counts, touches per channel and per month, and the
//! relationships going cold or strained.

use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, params};

/// Which interactions count: one contact's (or everyone's), from `since` on.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub contact_id: Option<i64>,
    pub since: Option<i64>,
}

/// The interactions in scope, as a filter on `interactions i` (parameters ?1 and ?2).
const IN_SCOPE: &str =
    "(?1 IS NULL OR i.id IN (SELECT ic.interaction_id FROM interaction_contacts ic
                          WHERE ic.contact_id = ?1))
     AND (?2 IS NULL OR i.at >= ?2)";

/// Per trait: how many touches showed it and how many strained it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TraitCounts {
    pub shown: Reith,
    pub strained: Reith,
}

pub fn trait_counts(conn: &Connection, scope: Scope) -> Result<TraitCounts> {
    let sql = format!(
        "SELECT sum(i.respect = 1), sum(i.empathy = 1), sum(i.integrity = 1), sum(i.trust = 1),
                sum(i.honesty = 1), sum(i.respect = -1), sum(i.empathy = -1),
                sum(i.integrity = -1), sum(i.trust = -1), sum(i.honesty = -1)
         FROM interactions i WHERE {IN_SCOPE}"
    );
    let counts = conn.query_row(&sql, params![scope.contact_id, scope.since], |row| {
        let mut values = [0i64; 10];
        for (index, value) in values.iter_mut().enumerate() {
            // sum() over no rows is NULL.
            *value = row.get::<_, Option<i64>>(index)?.unwrap_or(0);
        }
        Ok(values)
    })?;
    let reith = |v: &[i64]| Reith {
        respect: v[0],
        empathy: v[1],
        integrity: v[2],
        trust: v[3],
        honesty: v[4],
    };
    Ok(TraitCounts {
        shown: reith(&counts[..5]),
        strained: reith(&counts[5..]),
    })
}

/// Touches per channel, only channels used, most used first.
pub fn channel_counts(conn: &Connection, scope: Scope) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT i.channel, count(*) FROM interactions i WHERE {IN_SCOPE}
         GROUP BY i.channel ORDER BY count(*) DESC, i.channel"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![scope.contact_id, scope.since], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Touches per local calendar month ("YYYY-MM"), oldest first, months without touches absent.
/// SQLite's `localtime` reads the same TZ as the rest of rel.
pub fn month_counts(conn: &Connection, scope: Scope) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT strftime('%Y-%m', i.at, 'unixepoch', 'localtime') AS month, count(*)
         FROM interactions i WHERE {IN_SCOPE} GROUP BY month ORDER BY month"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params![scope.contact_id, scope.since], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A contact with a cadence, and how long since it was last touched.
#[derive(Debug, Clone)]
pub struct Cold {
    pub handle: String,
    pub name: String,
    pub every: String,
    pub last_touch: Option<i64>,
    /// Since the last touch, or since creation for a contact never touched.
    pub days_since: i64,
}

/// Active contacts with a cadence, longest since their last touch (or creation) first.
pub fn going_cold(
    conn: &Connection,
    contact_id: Option<i64>,
    now: i64,
    limit: usize,
) -> Result<Vec<Cold>> {
    let mut stmt = conn.prepare(
        "SELECT c.handle, c.name, c.due_every, c.last_touch, coalesce(c.last_touch, c.created_at) AS since
         FROM contacts c
         WHERE c.archived_at IS NULL AND c.due_every IS NOT NULL AND (?1 IS NULL OR c.id = ?1)
         ORDER BY since, c.handle LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![contact_id, limit as i64], |row| {
        let since: i64 = row.get(4)?;
        Ok(Cold {
            handle: row.get(0)?,
            name: row.get(1)?,
            every: row.get(2)?,
            last_touch: row.get(3)?,
            days_since: (now - since).max(0) / 86_400,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An active contact whose REITH profile is below zero on some trait.
#[derive(Debug, Clone)]
pub struct Strained {
    pub handle: String,
    pub name: String,
    pub reith: Reith,
}

/// Strained contacts, the most negative trait first (the maintained all-time sums).
pub fn strained(conn: &Connection, contact_id: Option<i64>) -> Result<Vec<Strained>> {
    let mut stmt = conn.prepare(
        "SELECT c.handle, c.name, c.reith_respect, c.reith_empathy, c.reith_integrity,
                c.reith_trust, c.reith_honesty,
                min(c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust,
                    c.reith_honesty) AS lowest
         FROM contacts c
         WHERE c.archived_at IS NULL AND (?1 IS NULL OR c.id = ?1)
           AND min(c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust,
                   c.reith_honesty) < 0
         ORDER BY lowest, c.handle",
    )?;
    let rows = stmt.query_map(params![contact_id], |row| {
        Ok(Strained {
            handle: row.get(0)?,
            name: row.get(1)?,
            reith: super::reith_at(row, 2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

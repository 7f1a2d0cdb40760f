//! The numbers behind `rel stats`: REITH counts, touches per channel and per month, and the
//! relationships going cold or strained.

use crate::error::Result;
use crate::model::Reith;
use crate::when::Cadence;
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

/// Everything `rel stats` counts over the interactions in scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tallies {
    pub traits: TraitCounts,
    /// Touches per channel, only channels used, most used first (ties by name).
    pub channels: Vec<(String, i64)>,
    /// Touches per local calendar month ("YYYY-MM"), oldest first, months without touches absent.
    pub months: Vec<(String, i64)>,
}

/// Counts traits, channels and months in one streaming pass over the interactions in scope.
/// One scan instead of three, and no `GROUP BY`: SQLite's sorter held every row of a
/// million-touch journal in memory (93 MB at L); the maps here hold at most one entry per
/// channel and per month.
pub fn tallies(conn: &Connection, scope: Scope) -> Result<Tallies> {
    if scope.contact_id.is_none() && scope.since.is_none() {
        return super::stats_counters::tallies(conn);
    }
    tallies_by_scan(conn, scope)
}

/// [`tallies`] counted from the interactions themselves (a WHO or `--since` narrows them; the
/// whole journal reads the counters the triggers keep, which the tests hold equal to this).
pub fn tallies_by_scan(conn: &Connection, scope: Scope) -> Result<Tallies> {
    use chrono::{Datelike, Local, TimeZone};
    use std::collections::{BTreeMap, HashMap};
    let sql = format!(
        "SELECT i.at, i.channel, i.respect, i.empathy, i.integrity, i.trust, i.honesty
         FROM interactions i WHERE {IN_SCOPE}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(params![scope.contact_id, scope.since])?;
    let mut traits = TraitCounts::default();
    let mut channels: HashMap<String, i64> = HashMap::new();
    let mut months: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    while let Some(row) = rows.next()? {
        let at: i64 = row.get(0)?;
        let channel = row.get_ref(1)?.as_str().unwrap_or_default();
        match channels.get_mut(channel) {
            Some(count) => *count += 1,
            None => {
                channels.insert(channel.to_string(), 1);
            }
        }
        // Local time as the rest of rel shows it (TZ honoured); stored dates are in range.
        if let Some(local) = Local.timestamp_opt(at, 0).earliest() {
            *months.entry((local.year(), local.month())).or_default() += 1;
        }
        let marks = crate::db::reith_at(row, 2)?;
        tally(&mut traits, marks);
    }
    Ok(finish(traits, channels, months))
}

/// Orders the counts as `rel stats` shows them: channels most used first (ties by name),
/// months oldest first as "YYYY-MM".
pub(super) fn finish(
    traits: TraitCounts,
    channels: std::collections::HashMap<String, i64>,
    months: std::collections::BTreeMap<(i32, u32), i64>,
) -> Tallies {
    let mut channels: Vec<(String, i64)> = channels.into_iter().filter(|c| c.1 > 0).collect();
    channels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let months = months
        .into_iter()
        .filter(|month| month.1 > 0)
        .map(|((year, month), count)| (format!("{year:04}-{month:02}"), count))
        .collect();
    Tallies {
        traits,
        channels,
        months,
    }
}

/// Adds one touch's marks (+1 shown, −1 strained, 0 unmarked) to the counts.
fn tally(counts: &mut TraitCounts, marks: Reith) {
    for t in crate::model::Trait::ALL {
        let side = match marks.get(t) {
            1 => &mut counts.shown,
            -1 => &mut counts.strained,
            _ => continue,
        };
        side.set(t, side.get(t) + 1);
    }
}

/// A contact past its cadence, and how long since it was last touched.
#[derive(Debug, Clone)]
pub struct Cold {
    pub handle: String,
    pub name: String,
    pub every: String,
    pub last_touch: Option<i64>,
    /// Since the last touch, or since creation for a contact never touched.
    pub days_since: i64,
    /// `days_since / cadence days` (a month counting 30 days, a year 365).
    pub ratio: f64,
}

/// The contacts of cadence ?1 that are due at ?2 and were not touched since ?3 (the start of
/// today), longest untouched first (contact ?4 or all), at most ?5: within one cadence that
/// is the order of `days_since / cadence`.
pub const COLD_OF_CADENCE_SQL: &str = "SELECT c.handle, c.name, c.due_every, c.last_touch,
            (?2 - coalesce(c.last_touch, c.created_at)) / 86400 AS days
     FROM contacts c
     WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_every = ?1 AND c.due_at <= ?2
       AND (c.last_touch IS NULL OR c.last_touch < ?3) AND (?4 IS NULL OR c.id = ?4)
     ORDER BY days DESC, c.handle LIMIT ?5";

/// Active contacts with a cadence that are past it, most overdue relative to their cadence
/// first (`days_since / cadence days`), ties by `days_since` then handle; nobody touched since
/// `start_of_today`. One bounded query per distinct cadence, merged.
pub fn going_cold(
    conn: &Connection,
    contact_id: Option<i64>,
    now: i64,
    start_of_today: i64,
    limit: usize,
) -> Result<Vec<Cold>> {
    let mut cold = Vec::new();
    let mut stmt = conn.prepare_cached(COLD_OF_CADENCE_SQL)?;
    for every in super::due::cadences(conn)? {
        let Some(span) = Cadence::parse(&every).ok().and_then(|c| c.span()) else {
            continue;
        };
        let rows = stmt.query_map(
            params![every, now, start_of_today, contact_id, limit as i64],
            |row| {
                let days_since: i64 = row.get::<_, i64>(4)?.max(0);
                Ok(Cold {
                    handle: row.get(0)?,
                    name: row.get(1)?,
                    every: row.get(2)?,
                    last_touch: row.get(3)?,
                    days_since,
                    ratio: days_since as f64 / span.approx_days(),
                })
            },
        )?;
        for row in rows {
            cold.push(row?);
        }
    }
    cold.sort_by(|a, b| {
        b.ratio
            .total_cmp(&a.ratio)
            .then(b.days_since.cmp(&a.days_since))
            .then_with(|| a.handle.cmp(&b.handle))
    });
    cold.truncate(limit);
    Ok(cold)
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

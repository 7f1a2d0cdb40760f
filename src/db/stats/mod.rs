//! The numbers behind `rel stats`: REITH counts, touches per channel and per month, and the
//! relationships going cold or strained.

pub mod counters;

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
/// (`rel stats` for the whole journal reads `stats_counters`, which the tests hold equal to this.)
pub fn tallies(conn: &Connection, scope: Scope) -> Result<Tallies> {
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
/// today), contact ?4 or all, longest untouched first: a walk of `contacts_cold` in its order
/// (ties of that order unsorted), which the caller stops. The whole days since the last touch
/// (or creation) never grow along the walk.
pub const COLD_OF_CADENCE_SQL: &str = "SELECT c.handle, c.name, c.due_every, c.last_touch,
            (?2 - coalesce(c.last_touch, c.created_at)) / 86400
     FROM contacts c INDEXED BY contacts_cold
     WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_every = ?1 AND c.due_at <= ?2
       AND (c.last_touch IS NULL OR c.last_touch < ?3) AND (?4 IS NULL OR c.id = ?4)
     ORDER BY coalesce(c.last_touch, c.created_at)";

/// Active contacts with a cadence that are past it, most overdue relative to their cadence
/// first (`days_since / cadence days`), ties by `days_since` then handle; nobody touched since
/// `start_of_today`. Per distinct cadence (where that order is days since, then handle), the
/// `limit` longest untouched and their ties are read; the lists are merged.
pub fn going_cold(
    conn: &Connection,
    contact_id: Option<i64>,
    now: i64,
    start_of_today: i64,
    limit: usize,
) -> Result<Vec<Cold>> {
    let mut cold = Vec::new();
    if limit == 0 {
        return Ok(cold);
    }
    let mut stmt = conn.prepare_cached(COLD_OF_CADENCE_SQL)?;
    for every in super::due::cadences(conn)? {
        let Some(span) = Cadence::parse(&every).ok().and_then(|c| c.span()) else {
            continue;
        };
        // The `limit` longest untouched and everyone as long untouched as the last of them
        // (ties are ordered by handle below).
        let mut found: Vec<(i64, Cold)> = Vec::new();
        let mut rows = stmt.query(params![every, now, start_of_today, contact_id])?;
        while let Some(row) = rows.next()? {
            let days: i64 = row.get(4)?;
            if found.len() >= limit && found.last().is_some_and(|(last, _)| days < *last) {
                break;
            }
            let days_since = days.max(0);
            let cold = Cold {
                handle: row.get(0)?,
                name: row.get(1)?,
                every: row.get(2)?,
                last_touch: row.get(3)?,
                days_since,
                ratio: days_since as f64 / span.approx_days(),
            };
            found.push((days, cold));
        }
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.handle.cmp(&b.1.handle)));
        cold.extend(found.into_iter().take(limit).map(|(_, cold)| cold));
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

/// Active contacts below zero on some trait, the most negative trait first, then handle (the
/// maintained all-time sums): one walk of the covering index `contacts_strained`.
pub const STRAINED_SQL: &str = "SELECT c.handle, c.name, c.reith_respect, c.reith_empathy,
        c.reith_integrity, c.reith_trust, c.reith_honesty,
        min(c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust,
            c.reith_honesty) AS lowest
     FROM contacts c
     WHERE c.archived_at IS NULL
       AND min(c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust,
               c.reith_honesty) < 0
     ORDER BY lowest, c.handle";

/// The same for contact ?1 alone, by its key (a walk of the whole index for one row would be
/// the plan SQLite keeps for any value of a `?1 IS NULL OR` filter).
pub const STRAINED_ONE_SQL: &str = "SELECT c.handle, c.name, c.reith_respect, c.reith_empathy,
        c.reith_integrity, c.reith_trust, c.reith_honesty
     FROM contacts c
     WHERE c.id = ?1 AND c.archived_at IS NULL
       AND min(c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust,
               c.reith_honesty) < 0";

/// Strained contacts, the most negative trait first (the maintained all-time sums).
pub fn strained(conn: &Connection, contact_id: Option<i64>) -> Result<Vec<Strained>> {
    let (mut stmt, contact) = match contact_id {
        Some(id) => (conn.prepare(STRAINED_ONE_SQL)?, vec![id]),
        None => (conn.prepare(STRAINED_SQL)?, vec![]),
    };
    let rows = stmt.query_map(rusqlite::params_from_iter(contact), |row| {
        Ok(Strained {
            handle: row.get(0)?,
            name: row.get(1)?,
            reith: super::reith_at(row, 2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

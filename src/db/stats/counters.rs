//! `rel stats` for the whole journal from the counters that triggers keep on every write
//! (`sql/0014_stats_counters.sql`): a read of a few thousand rows, flat in the number of
//! interactions (the scan it replaces took 0.6 s at L).

use super::{Tallies, TraitCounts, finish};
use crate::error::Result;
use crate::model::Trait;
use chrono::{DateTime, Datelike, Local, TimeZone};
use rusqlite::{Connection, params};
use std::collections::{BTreeMap, HashMap};

/// For a bulk import: when the journal holds no interaction yet, drops the counting triggers
/// (one recount at the end costs a fraction of a million per-row updates) and says so.
pub fn suspend_for_bulk(conn: &Connection) -> Result<bool> {
    let empty: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM interactions)",
        [],
        |row| row.get(0),
    )?;
    if empty {
        conn.execute_batch(
            "DROP TRIGGER stats_count_insert; DROP TRIGGER stats_count_delete;
             DROP TRIGGER stats_count_update;",
        )?;
    }
    Ok(empty)
}

/// Undoes [`suspend_for_bulk`] inside the same transaction: counts everything once and puts
/// the triggers back.
pub fn resume_after_bulk(conn: &Connection) -> Result<()> {
    conn.execute_batch(concat!(
        include_str!("../sql/stats_recount.sql"),
        include_str!("../sql/stats_triggers.sql")
    ))?;
    Ok(())
}

/// Traits, channels and local months over every interaction.
pub fn tallies(conn: &Connection) -> Result<Tallies> {
    let mut traits = TraitCounts::default();
    let mut channels = HashMap::new();
    let mut totals = conn.prepare("SELECT key, count FROM stats_totals WHERE count <> 0")?;
    let mut rows = totals.query([])?;
    while let Some(row) = rows.next()? {
        let key: String = row.get(0)?;
        let count: i64 = row.get(1)?;
        match key.split_once(':') {
            Some(("channel", channel)) => {
                channels.insert(channel.to_string(), count);
            }
            Some((side, name)) => {
                let Some(t) = Trait::ALL.into_iter().find(|t| t.name() == name) else {
                    continue;
                };
                let counts = if side == "shown" {
                    &mut traits.shown
                } else {
                    &mut traits.strained
                };
                counts.set(t, count);
            }
            None => {}
        }
    }
    Ok(finish(traits, channels, months(conn)?))
}

/// Touches per local month from the daily counters. A UTC day that a local month boundary
/// cuts (outside UTC, about 12 a year) is recounted from its interactions.
fn months(conn: &Connection) -> Result<BTreeMap<(i32, u32), i64>> {
    let mut months: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    let mut days = conn.prepare("SELECT day, touches FROM stats_days WHERE touches <> 0")?;
    let mut rows = days.query([])?;
    let mut cut_days = Vec::new();
    while let Some(row) = rows.next()? {
        let day: i64 = row.get(0)?;
        let touches: i64 = row.get(1)?;
        match (month_of(day), month_of(day + 86_399)) {
            (Some(first), Some(last)) if first == last => {
                *months.entry(first).or_default() += touches;
            }
            _ => cut_days.push(day),
        }
    }
    let mut at_of_day =
        conn.prepare("SELECT at FROM interactions WHERE at >= ?1 AND at < ?1 + 86400")?;
    for day in cut_days {
        let mut rows = at_of_day.query(params![day])?;
        while let Some(row) = rows.next()? {
            if let Some(month) = month_of(row.get(0)?) {
                *months.entry(month).or_default() += 1;
            }
        }
    }
    Ok(months)
}

/// The local (year, month) of an instant, as the rest of rel shows it (TZ honoured).
fn month_of(at: i64) -> Option<(i32, u32)> {
    let local: DateTime<Local> = Local.timestamp_opt(at, 0).earliest()?;
    Some((local.year(), local.month()))
}

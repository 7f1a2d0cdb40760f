//! Keeps each contact's maintained columns (last touch, REITH sums, effective cadence, due
//! date) true inside the same transaction as the write that changed them, so reads such as
//! `rel due` never scan interactions.

use super::settings;
use crate::error::Result;
use crate::when::{Cadence, Span};
use chrono::DateTime;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// The cadence settings in force: `every.TAG` and `default-every`.
#[derive(Debug, Default)]
pub struct CadenceRules {
    by_tag: HashMap<String, (String, Cadence)>,
    default: Option<(String, Cadence)>,
}

impl CadenceRules {
    pub fn load(conn: &Connection) -> Result<CadenceRules> {
        let mut rules = CadenceRules::default();
        for (key, value) in settings::cadence_settings(conn)? {
            // Values were validated when set; an unreadable one is ignored rather than fatal.
            let Ok(cadence) = Cadence::parse(&value) else {
                continue;
            };
            match key.strip_prefix("every.") {
                Some(tag) => {
                    rules.by_tag.insert(tag.to_string(), (value, cadence));
                }
                None => rules.default = Some((value, cadence)),
            }
        }
        Ok(rules)
    }

    /// The contact's own cadence, else the shortest of its tags', else the default.
    pub fn effective(&self, own: Option<&str>, tags: &[String]) -> Option<(String, Span)> {
        if let Some(own) = own {
            return match Cadence::parse(own).ok()? {
                Cadence::Never => None,
                Cadence::Every(span) => Some((own.to_string(), span)),
            };
        }
        let shortest_tag = tags
            .iter()
            .filter_map(|tag| self.by_tag.get(tag))
            .filter_map(|(text, cadence)| Some((text.clone(), cadence.span()?)))
            .min_by(|a, b| a.1.approx_days().total_cmp(&b.1.approx_days()));
        shortest_tag.or_else(|| {
            let (text, cadence) = self.default.as_ref()?;
            Some((text.clone(), cadence.span()?))
        })
    }
}

/// When a cadence runs out: last touch (or creation) + cadence, pushed to a later snooze.
pub fn compute_due(
    span: Span,
    last_touch: Option<i64>,
    created_at: i64,
    snoozed: Option<i64>,
) -> Option<i64> {
    let base = DateTime::from_timestamp(last_touch.unwrap_or(created_at), 0)?;
    let due = span.shift(base, true)?.timestamp();
    Some(snoozed.map_or(due, |s| s.max(due)))
}

/// Recomputes every maintained column of one contact from the tables they summarise.
pub fn refresh(conn: &Connection, contact_id: i64, rules: &CadenceRules) -> Result<()> {
    let last: Option<(i64, i64)> = conn
        .prepare_cached(
            "SELECT i.id, i.at FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
             WHERE ic.contact_id = ?1 ORDER BY i.at DESC, i.id DESC LIMIT 1",
        )?
        .query_row([contact_id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    let sums: [i64; 5] = conn
        .prepare_cached(
            "SELECT coalesce(sum(i.respect), 0), coalesce(sum(i.empathy), 0), coalesce(sum(i.integrity), 0),
                    coalesce(sum(i.trust), 0), coalesce(sum(i.honesty), 0)
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id
             WHERE ic.contact_id = ?1",
        )?
        .query_row([contact_id], |row| {
            Ok([row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?])
        })?;
    let last_touch = last.map(|(_, at)| at);
    let (due_every, due_at) = due_columns(conn, contact_id, last_touch, rules)?;
    conn.prepare_cached(
        "UPDATE contacts SET last_touch = ?2, last_interaction_id = ?3, due_every = ?4, due_at = ?5,
            reith_respect = ?6, reith_empathy = ?7, reith_integrity = ?8, reith_trust = ?9, reith_honesty = ?10
         WHERE id = ?1",
    )?
    .execute(params![
        contact_id,
        last_touch,
        last.map(|(id, _)| id),
        due_every,
        due_at,
        sums[0],
        sums[1],
        sums[2],
        sums[3],
        sums[4]
    ])?;
    Ok(())
}

fn due_columns(
    conn: &Connection,
    contact_id: i64,
    last_touch: Option<i64>,
    rules: &CadenceRules,
) -> Result<(Option<String>, Option<i64>)> {
    let (every, tags_json, created_at, snoozed): (Option<String>, String, i64, Option<i64>) = conn
        .prepare_cached(
            "SELECT every, (SELECT json_group_array(tag) FROM contact_tags WHERE contact_id = c.id),
                    created_at, snoozed_until
             FROM contacts c WHERE id = ?1",
        )?
        .query_row([contact_id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
    let tags: Vec<String> = serde_json::from_str(&tags_json).unwrap_or_default();
    Ok(match rules.effective(every.as_deref(), &tags) {
        Some((text, span)) => {
            let due = compute_due(span, last_touch, created_at, snoozed);
            (Some(text), due)
        }
        None => (None, None),
    })
}

/// Refreshes several contacts with one read of the cadence settings.
pub fn refresh_many(conn: &Connection, contact_ids: &[i64]) -> Result<()> {
    let rules = CadenceRules::load(conn)?;
    for id in contact_ids {
        refresh(conn, *id, &rules)?;
    }
    Ok(())
}

/// Recomputes every contact's due date after a cadence setting changed.
pub fn refresh_all_due(conn: &Connection) -> Result<()> {
    let rules = CadenceRules::load(conn)?;
    let ids: Vec<(i64, Option<i64>)> = {
        let mut stmt = conn.prepare("SELECT id, last_touch FROM contacts")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update =
        conn.prepare("UPDATE contacts SET due_every = ?2, due_at = ?3 WHERE id = ?1")?;
    for (id, last_touch) in ids {
        let (due_every, due_at) = due_columns(conn, id, last_touch, &rules)?;
        update.execute(params![id, due_every, due_at])?;
    }
    Ok(())
}

/// Recomputes every contact's maintained columns in two streaming passes (all participations
/// in contact order, then all contacts) instead of three queries per contact: what a large
/// import calls once at its end.
pub fn refresh_all(conn: &Connection) -> Result<()> {
    #[derive(Default)]
    struct Touches {
        last: Option<(i64, i64)>,
        sums: [i64; 5],
    }
    let rules = CadenceRules::load(conn)?;
    let mut touches: HashMap<i64, Touches> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT ic.contact_id, i.at, i.id, i.respect, i.empathy, i.integrity, i.trust, i.honesty
             FROM interaction_contacts ic JOIN interactions i ON i.id = ic.interaction_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let entry = touches.entry(row.get(0)?).or_default();
            let at_id: (i64, i64) = (row.get(1)?, row.get(2)?);
            // The latest touch, ties broken by the higher id, as `refresh` orders them.
            if entry.last.is_none_or(|last| at_id > last) {
                entry.last = Some(at_id);
            }
            for (index, sum) in entry.sums.iter_mut().enumerate() {
                *sum += row.get::<_, i64>(3 + index)?;
            }
        }
    }
    let mut update = conn.prepare(
        "UPDATE contacts SET last_touch = ?2, last_interaction_id = ?3, due_every = ?4, due_at = ?5,
            reith_respect = ?6, reith_empathy = ?7, reith_integrity = ?8, reith_trust = ?9, reith_honesty = ?10
         WHERE id = ?1",
    )?;
    let mut stmt = conn.prepare(
        "SELECT id, every, (SELECT json_group_array(tag) FROM contact_tags WHERE contact_id = c.id),
                created_at, snoozed_until
         FROM contacts c",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        let every: Option<String> = row.get(1)?;
        let tags: Vec<String> = serde_json::from_str(&row.get::<_, String>(2)?).unwrap_or_default();
        let created_at: i64 = row.get(3)?;
        let snoozed: Option<i64> = row.get(4)?;
        let seen = touches.remove(&id).unwrap_or_default();
        let last_touch = seen.last.map(|(at, _)| at);
        let (due_every, due_at) = match rules.effective(every.as_deref(), &tags) {
            Some((text, span)) => (
                Some(text),
                compute_due(span, last_touch, created_at, snoozed),
            ),
            None => (None, None),
        };
        let s = seen.sums;
        update.execute(params![
            id,
            last_touch,
            seen.last.map(|(_, id)| id),
            due_every,
            due_at,
            s[0],
            s[1],
            s[2],
            s[3],
            s[4]
        ])?;
    }
    Ok(())
}

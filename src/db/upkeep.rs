//! Keeps each contact's maintained columns (last touch, REITH sums, effective cadence, due
//! date) true inside the same transaction as the write that changed them, so reads such as
//! `rel due` never scan interactions.

use super::settings;
use crate::error::Result;
use crate::model::{Reith, Trait};
use crate::when::{Cadence, Span};
use chrono::DateTime;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};

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

/// After inserting interaction `interaction_id` (at `at`, with `marks`), moves its participants'
/// maintained columns forward without re-reading their history: a new interaction can only
/// become the latest touch or add to the REITH sums. `refresh` reads every interaction of the
/// contact; this reads one contact row, so `rel log` costs the same after ten years as on day
/// one. Gives exactly what `refresh` would (tested against it). A new touch also ends a
/// snooze: the cadence counts from this touch again, even when the snooze date lies further out.
pub fn add_touch(
    conn: &Connection,
    contact_ids: &[i64],
    interaction_id: i64,
    at: i64,
    marks: &Reith,
) -> Result<()> {
    let rules = CadenceRules::load(conn)?;
    let mut ids = contact_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        // Every expression sees the row as it was, so both CASEs ask the same question:
        // is (at, id) later than the stored latest touch (ordered by at, then id)?
        let last_touch: Option<i64> = conn
            .prepare_cached(
                "UPDATE contacts SET
                    last_touch = CASE WHEN last_touch IS NULL OR ?2 > last_touch
                        OR (?2 = last_touch AND ?3 > last_interaction_id) THEN ?2 ELSE last_touch END,
                    last_interaction_id = CASE WHEN last_touch IS NULL OR ?2 > last_touch
                        OR (?2 = last_touch AND ?3 > last_interaction_id) THEN ?3 ELSE last_interaction_id END,
                    reith_respect = reith_respect + ?4, reith_empathy = reith_empathy + ?5,
                    reith_integrity = reith_integrity + ?6, reith_trust = reith_trust + ?7,
                    reith_honesty = reith_honesty + ?8,
                    snoozed_until = NULL
                 WHERE id = ?1 RETURNING last_touch",
            )?
            .query_row(
                params![
                    id,
                    at,
                    interaction_id,
                    marks.respect,
                    marks.empathy,
                    marks.integrity,
                    marks.trust,
                    marks.honesty
                ],
                |row| row.get(0),
            )?;
        let (due_every, due_at) = due_columns(conn, id, last_touch, &rules)?;
        conn.prepare_cached("UPDATE contacts SET due_every = ?2, due_at = ?3 WHERE id = ?1")?
            .execute(params![id, due_every, due_at])?;
    }
    Ok(())
}

/// After a batch of changes (a sync's fold, an undo): refreshes the touched contacts that still
/// exist, and every due date when a cadence setting changed.
pub fn refresh_after_batch(
    conn: &Connection,
    touched: &std::collections::BTreeSet<i64>,
    cadence_changed: bool,
) -> Result<()> {
    // Existence only: reading whole contacts (a statement prepared anew each time) cost a
    // tenth of receiving 10,000 operations at L.
    let mut exists = conn.prepare_cached("SELECT 1 FROM contacts WHERE id = ?1")?;
    let mut ids = Vec::with_capacity(touched.len());
    for &id in touched {
        if exists.exists([id])? {
            ids.push(id);
        }
    }
    drop(exists);
    let mut every_due_fresh = false;
    if most_contacts(conn, ids.len())? {
        refresh_in_one_pass(conn, &ids)?;
        // Every contact's due date was just computed under the cadences now in force.
        every_due_fresh = cadence_changed
            && conn.query_row("SELECT count(*) FROM contacts", [], |row| {
                row.get::<_, i64>(0)
            })? == ids.len() as i64;
    } else {
        refresh_many(conn, &ids)?;
    }
    if cadence_changed && !every_due_fresh {
        refresh_all_due(conn)?;
    }
    Ok(())
}

/// Whether `count` contacts are at least half of the journal's: ids are never reused, so the
/// largest bounds how many there are (one seek, where counting them reads an index).
fn most_contacts(conn: &Connection, count: usize) -> Result<bool> {
    let largest: Option<i64> =
        conn.query_row("SELECT max(id) FROM contacts", [], |row| row.get(0))?;
    Ok(count > 0 && count as i64 * 2 >= largest.unwrap_or(0))
}

/// Refreshes `contact_ids` (in ascending order) from one pass over every interaction, as
/// [`refresh_all`] does, instead of one [`refresh`] each. For a batch that touched most contacts
/// (a first sync into a new journal: all of them): per contact, each of its interactions is a
/// row read at random from a table larger than the page cache (11,000 pages read back from
/// the WAL for 1,000 contacts and 9,000 interactions); in one pass, each page once.
fn refresh_in_one_pass(conn: &Connection, contact_ids: &[i64]) -> Result<()> {
    let wanted: HashSet<i64> = contact_ids.iter().copied().collect();
    refresh_from(conn, &histories(conn, Some(&wanted))?, Some(&wanted))
}

/// Every contact's history (or only those in `only`'s) from one pass over the interactions.
fn histories(conn: &Connection, only: Option<&HashSet<i64>>) -> Result<HashMap<i64, History>> {
    let mut history: HashMap<i64, History> = HashMap::new();
    // CROSS JOIN keeps interactions the outer loop, read in rowid order: driven by the
    // participants' contact index, SQLite reads interactions at random again.
    let mut stmt = conn.prepare_cached(
        "SELECT ic.contact_id, i.at, i.id, i.respect, i.empathy, i.integrity, i.trust, i.honesty
         FROM interactions i CROSS JOIN interaction_contacts ic ON ic.interaction_id = i.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let contact: i64 = row.get(0)?;
        if only.is_none_or(|only| only.contains(&contact)) {
            let marks = super::reith_at(row, 3)?;
            history
                .entry(contact)
                .or_default()
                .add(row.get(1)?, row.get(2)?, &marks);
        }
    }
    Ok(history)
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

/// What one contact's interactions sum up to: the latest (at, id) and the REITH sums.
#[derive(Debug, Default, Clone, Copy)]
pub struct History {
    latest: Option<(i64, i64)>,
    sums: [i64; 5],
}

impl History {
    /// Counts one more interaction of the contact.
    pub fn add(&mut self, at: i64, id: i64, marks: &Reith) {
        // Latest by time, then by id, as `refresh` orders them.
        if self.latest.is_none_or(|latest| (at, id) > latest) {
            self.latest = Some((at, id));
        }
        for (slot, t) in self.sums.iter_mut().zip(Trait::ALL) {
            *slot += marks.get(t);
        }
    }
}

/// Recomputes every contact's maintained columns in one pass over the participants (bulk
/// loads such as the benchmark generator): the same values `refresh` gives each contact, at
/// a fraction of the cost of calling it per contact.
pub fn refresh_all(conn: &Connection) -> Result<()> {
    refresh_all_from(conn, &histories(conn, None)?)
}

/// Writes every contact's maintained columns from histories already known: a load into an
/// empty interactions table has seen every interaction go in and need not read them back.
/// A contact missing from `history` has no interactions.
pub fn refresh_all_from(conn: &Connection, history: &HashMap<i64, History>) -> Result<()> {
    refresh_from(conn, history, None)
}

/// Writes the maintained columns of every contact, or of those in `only`, from `history`.
fn refresh_from(
    conn: &Connection,
    history: &HashMap<i64, History>,
    only: Option<&HashSet<i64>>,
) -> Result<()> {
    let rules = CadenceRules::load(conn)?;
    let mut tags: HashMap<i64, Vec<String>> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT contact_id, tag FROM contact_tags")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            tags.entry(row.get(0)?).or_default().push(row.get(1)?);
        }
    }
    let contacts: Vec<(i64, Option<String>, i64, Option<i64>)> = {
        let mut stmt = conn.prepare("SELECT id, every, created_at, snoozed_until FROM contacts")?;
        let rows = stmt.query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update = conn.prepare(
        "UPDATE contacts SET last_touch = ?2, last_interaction_id = ?3, due_every = ?4, due_at = ?5,
            reith_respect = ?6, reith_empathy = ?7, reith_integrity = ?8, reith_trust = ?9, reith_honesty = ?10
         WHERE id = ?1",
    )?;
    let no_tags = Vec::new();
    for (id, every, created_at, snoozed) in contacts {
        if only.is_some_and(|only| !only.contains(&id)) {
            continue;
        }
        let past = history.get(&id).copied().unwrap_or_default();
        let last_touch = past.latest.map(|(at, _)| at);
        let contact_tags = tags.get(&id).unwrap_or(&no_tags);
        let (due_every, due_at) = match rules.effective(every.as_deref(), contact_tags) {
            Some((text, span)) => (
                Some(text),
                compute_due(span, last_touch, created_at, snoozed),
            ),
            None => (None, None),
        };
        let s = past.sums;
        update.execute(params![
            id,
            last_touch,
            past.latest.map(|(_, interaction)| interaction),
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

//! What `rel suggest` reads: the contacts that may be suggested at all (the contract's
//! exclusions, stated once in SQL), each with its touches, in one pass ordered by contact;
//! the introducers (`via`) for `thanks`; and the dismissal column `rel suggest dismiss` writes.
//!
//! Why one streamed join and no per-contact query: at L (100k contacts, 1M interactions) a
//! query per contact costs 100k round trips; one join ordered by contact id walks
//! `interaction_contacts_contact` once and hands each contact's touches over as a group, so
//! memory holds one contact at a time. The exclusions that need no history (archived, `every
//! never`, due today, dismissed, snoozed, touched in the last 3 days) are tested on the contact
//! row before any interaction is read.

use super::owner::OwnerFilter;
use crate::error::Result;
use rusqlite::{Connection, params};

/// One touch of a candidate, as the rules read it.
#[derive(Debug, Clone)]
pub struct Touch {
    pub at: i64,
    pub channel: String,
    /// REITH marks in `Trait::ALL` order: +1 shown, -1 strained, 0 unmarked.
    pub marks: [i64; 5],
}

/// A contact that may be suggested, with every touch (in time order).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub handle: String,
    pub name: String,
    /// Its own cadence (None: it inherits from tags or `default-every`).
    pub every: Option<String>,
    /// The effective cadence (own, tag or default).
    pub due_every: Option<String>,
    pub last_touch: Option<i64>,
    pub key_account: bool,
    pub owner: Option<String>,
    pub touches: Vec<Touch>,
}

/// Who may be suggested today: the bounds every exclusion is tested against.
#[derive(Clone)]
pub struct Scope<'a> {
    pub now: i64,
    /// The first instant of tomorrow: a contact or follow-up due before it is in today's due.
    pub end_of_today: i64,
    /// Today's birthday keys (`MM-DD`, JSON array): a birthday today is a row of today's due.
    pub birthdays_today: String,
    pub owner: &'a OwnerFilter,
    /// Latest allowed last touch (now − 3 days for repair, now − 14 days for the rest).
    pub touched_before: i64,
}

/// The exclusions of the contract that need no history, on contacts `c`. Parameters: ?1 now,
/// ?2 end of today, ?3 today's birthday keys, ?4 the owner filter's value.
fn eligible(owner: &OwnerFilter) -> String {
    format!(
        "c.archived_at IS NULL
         AND (c.every IS NULL OR c.every != 'never')
         AND (c.due_at IS NULL OR c.due_at >= ?2)
         AND (c.dismissed_until IS NULL OR c.dismissed_until <= ?1)
         AND (c.snoozed_until IS NULL OR c.snoozed_until <= ?1)
         AND (c.birthday IS NULL OR substr(c.birthday, -5) NOT IN (SELECT value FROM json_each(?3)))
         AND NOT EXISTS (SELECT 1 FROM followups f
                         WHERE f.contact_id = c.id AND f.done_at IS NULL AND f.due_at < ?2)
         AND {}",
        owner.sql(4)
    )
}

/// Candidates and their touches, one row per (contact, interaction), grouped by contact.
/// `CROSS JOIN` fixes the join order: left to choose, SQLite walked every index entry of
/// `interaction_contacts` first, read each interaction and contact, and sorted the whole
/// result by contact in a temporary B-tree (a million rows at L); contacts first, in rowid
/// order, needs no sort and skips the history of every excluded contact.
pub fn candidates_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT c.id, c.handle, c.name, c.every, c.due_every, c.last_touch,
            EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = 'key-account'),
            c.owner, i.at, i.channel, i.respect, i.empathy, i.integrity, i.trust, i.honesty
         FROM contacts c
         CROSS JOIN interaction_contacts ic ON ic.contact_id = c.id
         CROSS JOIN interactions i ON i.id = ic.interaction_id
         WHERE c.last_touch IS NOT NULL AND c.last_touch <= ?5 AND {}
         ORDER BY c.id",
        eligible(owner)
    )
}

/// Calls `visit` once per candidate, touches sorted by time (ties by nothing that matters: the
/// rules read days, channels and marks).
pub fn each_candidate(
    conn: &Connection,
    scope: &Scope,
    mut visit: impl FnMut(Candidate) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&candidates_sql(scope.owner))?;
    let mut rows = stmt.query(params![
        scope.now,
        scope.end_of_today,
        scope.birthdays_today,
        scope.owner.bound(),
        scope.touched_before
    ])?;
    let mut current: Option<Candidate> = None;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        if current.as_ref().is_some_and(|c| c.id != id)
            && let Some(done) = current.take()
        {
            visit(sorted(done))?;
        }
        let candidate = match &mut current {
            Some(candidate) => candidate,
            None => current.insert(Candidate {
                id,
                handle: row.get(1)?,
                name: row.get(2)?,
                every: row.get(3)?,
                due_every: row.get(4)?,
                last_touch: row.get(5)?,
                key_account: row.get(6)?,
                owner: row.get(7)?,
                touches: Vec::new(),
            }),
        };
        candidate.touches.push(Touch {
            at: row.get(8)?,
            channel: row.get(9)?,
            marks: [
                row.get(10)?,
                row.get(11)?,
                row.get(12)?,
                row.get(13)?,
                row.get(14)?,
            ],
        });
    }
    if let Some(done) = current {
        visit(sorted(done))?;
    }
    Ok(())
}

fn sorted(mut candidate: Candidate) -> Candidate {
    candidate.touches.sort_by_key(|t| t.at);
    candidate
}

/// A contact who introduced at least 2 others, the latest after your latest touch with them.
#[derive(Debug, Clone)]
pub struct Introducer {
    pub handle: String,
    pub name: String,
    pub last_touch: Option<i64>,
    /// The handles they introduced, latest first.
    pub introduced: Vec<String>,
    /// When the latest of them was added.
    pub latest: i64,
    pub owner: Option<String>,
}

/// Introducers (?5: latest allowed last touch), through the `contacts_via` index.
pub fn introducers_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT c.handle, c.name, c.last_touch, v.handles, v.latest, c.owner
         FROM (SELECT via_id, count(*) AS n, max(created_at) AS latest,
                      json_group_array(handle) AS handles
               FROM (SELECT via_id, created_at, handle FROM contacts
                     WHERE via_id IS NOT NULL ORDER BY via_id, created_at DESC, handle)
               GROUP BY via_id HAVING count(*) >= 2) v
         JOIN contacts c ON c.id = v.via_id
         WHERE (c.last_touch IS NULL OR (c.last_touch <= ?5 AND c.last_touch < v.latest))
           AND {}",
        eligible(owner)
    )
}

pub fn introducers(conn: &Connection, scope: &Scope) -> Result<Vec<Introducer>> {
    let mut stmt = conn.prepare(&introducers_sql(scope.owner))?;
    let rows = stmt.query_map(
        params![
            scope.now,
            scope.end_of_today,
            scope.birthdays_today,
            scope.owner.bound(),
            scope.touched_before
        ],
        |row| {
            let handles: String = row.get(3)?;
            Ok(Introducer {
                handle: row.get(0)?,
                name: row.get(1)?,
                last_touch: row.get(2)?,
                introduced: serde_json::from_str(&handles).unwrap_or_default(),
                latest: row.get(4)?,
                owner: row.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hides a contact's suggestions until `until` (None: shows them again).
pub fn set_dismissed(conn: &Connection, id: i64, until: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET dismissed_until = ?2 WHERE id = ?1",
        params![id, until],
    )?;
    Ok(())
}

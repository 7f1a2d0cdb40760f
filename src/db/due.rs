//! What is due: open follow-ups, contacts whose cadence ran out, and birthdays. Every query
//! reads the maintained columns through partial indexes, so its cost does not grow with history.
//! Bounds (`before`) are exclusive: "due by the end of today" is "due before tomorrow's start".

use super::owner::OwnerFilter;
use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::rc::Rc;

/// Which kind of due row (JSON `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueKind {
    FollowUp,
    Birthday,
    Contact,
}

impl DueKind {
    pub fn name(self) -> &'static str {
        match self {
            DueKind::FollowUp => "follow-up",
            DueKind::Birthday => "birthday",
            DueKind::Contact => "contact",
        }
    }
}

/// A raw due row before ranking; `followup_id` is None for contact and birthday rows. Text is
/// held as `Box<str>` (no spare capacity, 8 bytes less than a `String` each): `rel due` at L
/// holds 60k of these at once to rank them.
#[derive(Debug, Clone)]
pub struct DueItem {
    pub kind: DueKind,
    pub followup_id: Option<i64>,
    pub handle: Box<str>,
    pub name: Box<str>,
    pub due_at: i64,
    pub last_touch: Option<i64>,
    /// Shared between rows: a journal has a handful of cadences and 60k rows may name them.
    pub every: Option<Rc<str>>,
    pub reith: Reith,
    /// The follow-up's text (follow-up rows), the birthday as stored (birthday rows).
    pub text: Option<Box<str>>,
    /// The contact's latest interaction, whose note is read with `note` only when the row is
    /// printed: at 100k contacts, holding every due contact's note at once costs hundreds of MB.
    pub note_of: Option<i64>,
    /// The contact's owner in a team workspace (None = unowned).
    pub owner: Option<Box<str>>,
}

/// One `Rc<str>` per distinct cadence of a query's rows (a handful), instead of an allocation
/// per row.
#[derive(Default)]
struct Cadences(Vec<Rc<str>>);

impl Cadences {
    fn get(&mut self, every: Option<String>) -> Option<Rc<str>> {
        let every = every?;
        if let Some(known) = self.0.iter().find(|known| ***known == *every) {
            return Some(Rc::clone(known));
        }
        let shared: Rc<str> = every.into();
        self.0.push(Rc::clone(&shared));
        Some(shared)
    }
}

fn from_row(row: &Row, cadences: &mut Cadences) -> rusqlite::Result<DueItem> {
    let followup_id: Option<i64> = row.get(0)?;
    Ok(DueItem {
        kind: if followup_id.is_some() {
            DueKind::FollowUp
        } else {
            DueKind::Contact
        },
        followup_id,
        handle: row.get::<_, String>(1)?.into(),
        name: row.get::<_, String>(2)?.into(),
        due_at: row.get(3)?,
        last_touch: row.get(4)?,
        every: cadences.get(row.get(5)?),
        reith: super::reith_at(row, 6)?,
        text: row.get::<_, Option<String>>(11)?.map(Into::into),
        note_of: row.get(12)?,
        owner: row.get::<_, Option<String>>(13)?.map(Into::into),
    })
}

/// Open follow-ups of active contacts due in [?3, ?1) (tag ?2 or any, owners as ?5 filters),
/// soonest first (ties by id), at most ?4 (-1: all). The `followups_open` partial index holds
/// them in that order (due date, then rowid), so a screenful stops after its rows instead of
/// reading thousands.
pub fn followups_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT f.id, c.handle, c.name, f.due_at, c.last_touch, c.due_every,
            c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, f.text,
            NULL, c.owner
         FROM followups f JOIN contacts c ON c.id = f.contact_id
         WHERE f.done_at IS NULL AND f.due_at < ?1 AND f.due_at >= ?3 AND c.archived_at IS NULL
           AND (?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))
           AND {}
         ORDER BY f.due_at, f.id LIMIT ?4",
        owner.sql(5)
    )
}

const CONTACT_COLUMNS: &str = "SELECT NULL, c.handle, c.name, c.due_at, c.last_touch, c.due_every,
        c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, NULL,
        c.last_interaction_id, c.owner
     FROM contacts c";

const TAG_FILTER: &str = "(?2 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?2))";

/// Active contacts whose maintained due date is in [?3, ?1) (tag ?2 or any, owners as ?4
/// filters); walks the `contacts_due` partial index and never touches interactions.
pub fn contacts_sql(owner: &OwnerFilter) -> String {
    format!(
        "{CONTACT_COLUMNS}
         WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_at < ?1 AND c.due_at >= ?3
           AND {TAG_FILTER} AND {}",
        owner.sql(4)
    )
}

/// [`contacts_sql`] soonest first (ties by handle), at most ?5: what `--within` shows after
/// the rows due today, when only a screenful is wanted.
pub fn soonest_contacts_sql(owner: &OwnerFilter) -> String {
    format!(
        "{} ORDER BY c.due_at, c.handle LIMIT ?5",
        contacts_sql(owner)
    )
}

/// The distinct effective cadences of active due-able contacts, one index seek each (a loose
/// index scan over `contacts_due_by_cadence`), however many contacts share them.
pub const CADENCES_SQL: &str = "WITH RECURSIVE cadence(every) AS (
        SELECT min(due_every) FROM contacts
         WHERE archived_at IS NULL AND due_at IS NOT NULL AND due_every IS NOT NULL
        UNION ALL
        SELECT (SELECT min(due_every) FROM contacts
                 WHERE archived_at IS NULL AND due_at IS NOT NULL AND due_every > cadence.every)
          FROM cadence WHERE cadence.every IS NOT NULL)
     SELECT every FROM cadence WHERE every IS NOT NULL";

/// The due date of the (?3 + 1)-th contact of cadence ?4 due before ?1 (tag ?2 or any, owners
/// as ?5 filters), in due order: a walk of `contacts_due_by_cadence` that stops there.
pub fn nth_of_cadence_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT c.due_at FROM contacts c
         WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_every = ?4 AND c.due_at < ?1
           AND {TAG_FILTER} AND {}
         ORDER BY c.due_at LIMIT 1 OFFSET ?3",
        owner.sql(5)
    )
}

/// Contacts of cadence ?3 due before ?1 (tag ?2 or any, owners as ?4 filters), through
/// `contacts_due_by_cadence`.
pub fn of_cadence_sql(owner: &OwnerFilter) -> String {
    format!(
        "{CONTACT_COLUMNS}
         WHERE c.archived_at IS NULL AND c.due_at IS NOT NULL AND c.due_every = ?3 AND c.due_at < ?1
           AND {TAG_FILTER} AND {}",
        owner.sql(4)
    )
}

/// Active contacts whose birthday (`MM-DD`) is one of the JSON array ?1, or any when ?1 is
/// NULL (tag ?2 or any, owners as ?3 filters); through `contacts_birthday_day`.
pub fn birthdays_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT NULL, c.handle, c.name, 0, c.last_touch, c.due_every,
            c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty,
            c.birthday, c.last_interaction_id, c.owner
         FROM contacts c
         WHERE c.archived_at IS NULL AND c.birthday IS NOT NULL
           AND (?1 IS NULL OR substr(c.birthday, -5) IN (SELECT value FROM json_each(?1)))
           AND {TAG_FILTER} AND {}",
        owner.sql(3)
    )
}

/// One interaction's note by id (a rowid lookup).
pub const NOTE_SQL: &str = "SELECT note FROM interactions WHERE id = ?1";

fn collect(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<Vec<DueItem>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut cadences = Cadences::default();
    let rows = stmt.query_map(params, |row| from_row(row, &mut cadences))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Open follow-ups of active contacts due in [`from`, `before`), soonest first, at most `limit`.
pub fn followups(
    conn: &Connection,
    from: i64,
    before: i64,
    tag: Option<&str>,
    owner: &OwnerFilter,
    limit: Option<usize>,
) -> Result<Vec<DueItem>> {
    collect(
        conn,
        &followups_sql(owner),
        params![before, tag, from, sql_limit(limit), owner.bound()],
    )
}

/// SQLite's LIMIT for an optional count (-1 is no limit).
fn sql_limit(limit: Option<usize>) -> i64 {
    limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// Active contacts whose maintained due date is in [`from`, `before`).
pub fn contacts(
    conn: &Connection,
    from: i64,
    before: i64,
    tag: Option<&str>,
    owner: &OwnerFilter,
) -> Result<Vec<DueItem>> {
    collect(
        conn,
        &contacts_sql(owner),
        params![before, tag, from, owner.bound()],
    )
}

/// Active contacts due in [`from`, `before`), soonest first (ties by handle), at most `limit`.
pub fn soonest_contacts(
    conn: &Connection,
    from: i64,
    before: i64,
    tag: Option<&str>,
    owner: &OwnerFilter,
    limit: usize,
) -> Result<Vec<DueItem>> {
    let sql = soonest_contacts_sql(owner);
    collect(
        conn,
        &sql,
        params![before, tag, from, owner.bound(), sql_limit(Some(limit))],
    )
}

/// The distinct effective cadences in use.
pub fn cadences(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(CADENCES_SQL)?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The due date of the `index`-th (0-based) contact of `every` due before `before`, in due order.
pub fn nth_of_cadence(
    conn: &Connection,
    every: &str,
    before: i64,
    index: usize,
    tag: Option<&str>,
    owner: &OwnerFilter,
) -> Result<Option<i64>> {
    let index = i64::try_from(index).unwrap_or(i64::MAX);
    Ok(conn
        .prepare_cached(&nth_of_cadence_sql(owner))?
        .query_row(params![before, tag, index, every, owner.bound()], |row| {
            row.get(0)
        })
        .optional()?)
}

/// The contacts of cadence `every` due before `before`.
pub fn of_cadence(
    conn: &Connection,
    every: &str,
    before: i64,
    tag: Option<&str>,
    owner: &OwnerFilter,
) -> Result<Vec<DueItem>> {
    collect(
        conn,
        &of_cadence_sql(owner),
        params![before, tag, every, owner.bound()],
    )
}

/// Active contacts with a birthday on one of `days` (`MM-DD`; None = every birthday). The rows'
/// `text` holds the stored birthday and `due_at` is left for the caller to set.
pub fn birthdays(
    conn: &Connection,
    days: Option<&[String]>,
    tag: Option<&str>,
    owner: &OwnerFilter,
) -> Result<Vec<DueItem>> {
    let days = days.map(serde_json::to_string).transpose()?;
    let mut rows = collect(
        conn,
        &birthdays_sql(owner),
        params![days, tag, owner.bound()],
    )?;
    for row in &mut rows {
        row.kind = DueKind::Birthday;
    }
    Ok(rows)
}

/// The note of a contact row's latest interaction (None if it is gone).
pub fn note(conn: &Connection, interaction_id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(NOTE_SQL)?
        .query_row([interaction_id], |row| row.get(0))
        .optional()?)
}

/// Whether any contact has a cadence at all (for the first-run hint of `rel due`).
pub fn any_contact_has_cadence(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM contacts WHERE due_at IS NOT NULL)",
        [],
        |row| row.get(0),
    )?)
}

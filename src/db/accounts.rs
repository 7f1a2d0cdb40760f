//! What `rel accounts` and `rel account ORG` read: active contacts that have an organisation,
//! one row each from the maintained columns (last touch, due date, REITH sums), so an
//! organisation's roll-up never reads an interaction. Grouping (case and accents ignored) is
//! done by the caller over these rows.

use super::owner::OwnerFilter;
use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, params};

/// One person at an organisation.
#[derive(Debug, Clone)]
pub struct Person {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub org: String,
    pub role: Option<String>,
    pub last_touch: Option<i64>,
    pub due_at: Option<i64>,
    pub key_account: bool,
    /// Whether the person has the tag `rel accounts --tag` asked for (true without one).
    pub tagged: bool,
    pub reith: Reith,
    pub owner: Option<String>,
}

/// Every active contact with an organisation (?1: a tag to mark, or NULL), in
/// [`people_sql`]'s organisations.
pub const PEOPLE_SQL: &str = "SELECT c.id, c.handle, c.name, c.org, c.role, c.last_touch,
        c.due_at, EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = 'key-account'),
        (?1 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?1)),
        c.reith_respect, c.reith_empathy, c.reith_integrity, c.reith_trust, c.reith_honesty, c.owner
     FROM contacts c
     WHERE c.archived_at IS NULL AND c.org IS NOT NULL AND c.org != ''";

/// [`PEOPLE_SQL`] for every organisation, or (`one`) for the spellings in the JSON array ?2,
/// found through `contacts_org`; the owner filter reads ?3.
pub fn people_sql(one: bool, owner: &OwnerFilter) -> String {
    let org = if one {
        "AND c.org IN (SELECT value FROM json_each(?2))"
    } else {
        "AND ?2 IS NULL"
    };
    format!("{PEOPLE_SQL} {org} AND {}", owner.sql(3))
}

pub fn people(
    conn: &Connection,
    tag: Option<&str>,
    spellings: Option<&[String]>,
    owner: &OwnerFilter,
) -> Result<Vec<Person>> {
    let sql = people_sql(spellings.is_some(), owner);
    let spellings = spellings.map(serde_json::to_string).transpose()?;
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![tag, spellings, owner.bound()], |row| {
        Ok(Person {
            id: row.get(0)?,
            handle: row.get(1)?,
            name: row.get(2)?,
            org: row.get(3)?,
            role: row.get(4)?,
            last_touch: row.get(5)?,
            due_at: row.get(6)?,
            key_account: row.get(7)?,
            tagged: row.get(8)?,
            reith: super::reith_at(row, 9)?,
            owner: row.get(14)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The distinct organisation spellings of active contacts (through `contacts_org`).
pub fn spellings(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT org FROM contacts
         WHERE archived_at IS NULL AND org IS NOT NULL AND org != ''",
    )?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

//! Reading everything out for `rel export`, one row at a time in id order, so an export of a
//! million interactions never holds them all in memory and two exports of the same data are
//! identical.

use super::contacts::{self, CONTACT_COLUMN_COUNT, CONTACT_COLUMNS, Contact};
use crate::error::Result;
use crate::model::Reith;
use rusqlite::Connection;

/// Calls `each` for every contact, archived ones included, by id, with the uid of the
/// contact who introduced them (records refer to each other by uid in an export).
pub fn each_contact(
    conn: &Connection,
    mut each: impl FnMut(Contact, Option<String>) -> Result<()>,
) -> Result<()> {
    let sql = format!(
        "SELECT {CONTACT_COLUMNS}, (SELECT v.uid FROM contacts v WHERE v.id = c.via_id)
         FROM contacts c ORDER BY c.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let via_uid = row.get(CONTACT_COLUMN_COUNT)?;
        each(contacts::from_row(row)?, via_uid)?;
    }
    Ok(())
}

/// An interaction with its participants (uids and handles, in the order they were named).
#[derive(Debug, Clone)]
pub struct InteractionRow {
    pub id: i64,
    pub uid: String,
    pub at: i64,
    pub channel: String,
    pub note: String,
    pub marks: Reith,
    pub contact_uids: Vec<String>,
    pub contact_handles: Vec<String>,
    pub created_at: i64,
    pub author: Option<String>,
    /// Capture's `source_kind`, `source_id`, `source_print` (None when typed).
    pub source: Option<(String, String, Option<String>)>,
}

/// Calls `each` for every interaction, by id.
pub fn each_interaction(
    conn: &Connection,
    mut each: impl FnMut(InteractionRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT i.id, i.uid, i.at, i.channel, i.note, i.respect, i.empathy, i.integrity, i.trust,
            i.honesty, i.created_at,
            (SELECT json_group_array(json_array(uid, handle)) FROM (SELECT c.uid, c.handle
               FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
               WHERE ic.interaction_id = i.id ORDER BY ic.position, c.uid)), i.author,
            i.source_kind, i.source_id, i.source_print
         FROM interactions i ORDER BY i.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let pairs: String = row.get(11)?;
        let pairs: Vec<(String, String)> = serde_json::from_str(&pairs).unwrap_or_default();
        let (contact_uids, contact_handles) = pairs.into_iter().unzip();
        each(InteractionRow {
            id: row.get(0)?,
            uid: row.get(1)?,
            at: row.get(2)?,
            channel: row.get(3)?,
            note: row.get(4)?,
            marks: super::reith_at(row, 5)?,
            created_at: row.get(10)?,
            author: row.get(12)?,
            source: match (row.get(13)?, row.get(14)?) {
                (Some(kind), Some(id)) => Some((kind, id, row.get(15)?)),
                _ => None,
            },
            contact_uids,
            contact_handles,
        })?;
    }
    Ok(())
}

/// A follow-up with its contact and interaction named by uid.
#[derive(Debug, Clone)]
pub struct FollowUpRow {
    pub id: i64,
    pub uid: String,
    pub contact_uid: String,
    pub contact_name: String,
    pub interaction_uid: Option<String>,
    pub due_at: i64,
    pub text: String,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

/// Calls `each` for every follow-up (only open ones when `open_only`), by id.
pub fn each_followup(
    conn: &Connection,
    open_only: bool,
    mut each: impl FnMut(FollowUpRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT f.id, f.uid, c.uid, c.name, (SELECT i.uid FROM interactions i WHERE i.id = f.interaction_id),
            f.due_at, f.text, f.done_at, f.created_at
         FROM followups f JOIN contacts c ON c.id = f.contact_id
         WHERE NOT ?1 OR f.done_at IS NULL ORDER BY f.id",
    )?;
    let mut rows = stmt.query([open_only])?;
    while let Some(row) = rows.next()? {
        each(FollowUpRow {
            id: row.get(0)?,
            uid: row.get(1)?,
            contact_uid: row.get(2)?,
            contact_name: row.get(3)?,
            interaction_uid: row.get(4)?,
            due_at: row.get(5)?,
            text: row.get(6)?,
            done_at: row.get(7)?,
            created_at: row.get(8)?,
        })?;
    }
    Ok(())
}

//! Reading everything out for `rel export`, one row at a time in id order, so an export of a
//! million interactions never holds them all in memory and two exports of the same data are
//! identical.

use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, Row};

/// A contact with every stored (not maintained) field; `via_uid` names the introducer.
#[derive(Debug, Clone)]
pub struct ContactRow {
    pub id: i64,
    pub uid: String,
    pub handle: String,
    pub name: String,
    pub org: Option<String>,
    pub role: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub every: Option<String>,
    pub birthday: Option<String>,
    pub via_uid: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub snoozed_until: Option<i64>,
    /// Maintained: the cadence in force and when it runs out (for the calendar export).
    pub due_every: Option<String>,
    pub due_at: Option<i64>,
}

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

/// Calls `each` for every contact, archived ones included, by id.
pub fn each_contact(
    conn: &Connection,
    mut each: impl FnMut(ContactRow) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT c.id, c.uid, c.handle, c.name, c.org, c.role,
            (SELECT json_group_array(email) FROM (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY rowid)),
            (SELECT json_group_array(phone) FROM (SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY rowid)),
            (SELECT json_group_array(tag) FROM (SELECT tag FROM contact_tags WHERE contact_id = c.id ORDER BY tag)),
            c.every, c.birthday, (SELECT v.uid FROM contacts v WHERE v.id = c.via_id), c.note,
            c.created_at, c.archived_at, c.snoozed_until, c.due_every, c.due_at
         FROM contacts c ORDER BY c.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(contact_row(row)?)?;
    }
    Ok(())
}

fn contact_row(row: &Row) -> rusqlite::Result<ContactRow> {
    Ok(ContactRow {
        id: row.get(0)?,
        uid: row.get(1)?,
        handle: row.get(2)?,
        name: row.get(3)?,
        org: row.get(4)?,
        role: row.get(5)?,
        emails: json_list(row.get(6)?),
        phones: json_list(row.get(7)?),
        tags: json_list(row.get(8)?),
        every: row.get(9)?,
        birthday: row.get(10)?,
        via_uid: row.get(11)?,
        note: row.get(12)?,
        created_at: row.get(13)?,
        archived_at: row.get(14)?,
        snoozed_until: row.get(15)?,
        due_every: row.get(16)?,
        due_at: row.get(17)?,
    })
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
               WHERE ic.interaction_id = i.id ORDER BY ic.position))
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

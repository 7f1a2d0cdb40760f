//! SQL for capture (`rel import FILE.ics|MBOX|MAILDIR`): who an address is, and captured
//! interactions found by uid, written, moved and removed. A captured interaction's uid is
//! derived from its source, so the same event captured on two machines of one journal is one
//! record after they sync: the fold takes a creation whose uid exists as the same record
//! created twice (field by field, the larger value wins on both sides).

use super::contacts::{self, NewContact};
use super::upkeep;
use crate::error::Result;
use crate::model::Reith;
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A uid in UUID form (version 8, "custom") made from `parts`: the same parts give the same
/// uid on every machine.
pub fn derived_uid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"rel-capture");
    for part in parts {
        hasher.update([0]);
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).to_string()
}

/// Active contacts by address (lower-cased): an address two of them share maps to both.
pub fn contacts_by_email(conn: &Connection) -> Result<HashMap<String, Vec<i64>>> {
    let mut stmt = conn.prepare(
        "SELECT lower(e.email), c.id FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
         WHERE c.archived_at IS NULL ORDER BY c.id",
    )?;
    let mut map: HashMap<String, Vec<i64>> = HashMap::new();
    let rows = stmt.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get(1)?)))?;
    for row in rows {
        let (email, id) = row?;
        let ids = map.entry(email).or_default();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(map)
}

/// Contact ids → uids (what a captured interaction's print is made of).
pub fn contact_uids(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, uid FROM contacts")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A contact for an unknown address (`--add-unknown`); its uid comes from the address, so two
/// machines that add the same person make one contact once they sync.
pub fn add_unknown(conn: &Connection, email: &str, name: &str, now: i64) -> Result<(i64, String)> {
    let uid = derived_uid(&["contact", email]);
    if let Some(id) = super::entity::id_of(conn, super::entity::Kind::Contact, &uid)? {
        return Ok((id, uid));
    }
    let new = NewContact {
        uid: Some(uid.clone()),
        name: name.to_string(),
        handle: None,
        org: None,
        role: None,
        emails: vec![email.to_string()],
        phones: Vec::new(),
        tags: Vec::new(),
        every: None,
        birthday: None,
        via_id: None,
        note: None,
        owner: None,
    };
    let id = contacts::insert(conn, &new, now)?;
    Ok((id, uid))
}

/// A captured interaction as stored.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub at: i64,
    pub channel: String,
    pub note: String,
    pub marks: Reith,
    pub source_id: Option<String>,
    pub print: Option<String>,
    /// Participants in the order they were named.
    pub contact_ids: Vec<i64>,
}

/// The interaction with this uid, if any.
pub fn stored(conn: &Connection, uid: &str) -> Result<Option<Stored>> {
    // One statement, the participants as a correlated subquery: a separate query bound to the
    // interaction id was re-prepared by SQLite on every call (its plan depends on the bound
    // value once statistics exist), two thirds of a re-import's time.
    let found = conn
        .prepare_cached(
            "SELECT i.id, i.at, i.channel, i.note, i.respect, i.empathy, i.integrity, i.trust,
                i.honesty, i.source_id, i.source_print,
                (SELECT json_group_array(contact_id) FROM (SELECT ic.contact_id
                   FROM interaction_contacts ic WHERE ic.interaction_id = i.id
                   ORDER BY ic.position))
             FROM interactions i WHERE i.uid = ?1",
        )?
        .query_row([uid], |row| {
            let ids: String = row.get(11)?;
            Ok(Stored {
                id: row.get(0)?,
                at: row.get(1)?,
                channel: row.get(2)?,
                note: row.get(3)?,
                marks: super::reith_at(row, 4)?,
                source_id: row.get(9)?,
                print: row.get(10)?,
                contact_ids: serde_json::from_str(&ids).unwrap_or_default(),
            })
        })
        .optional()?;
    Ok(found)
}

/// What capture writes for one event or thread.
#[derive(Debug, Clone)]
pub struct Touch {
    pub uid: String,
    pub kind: &'static str,
    pub source_id: String,
    pub at: i64,
    pub channel: &'static str,
    pub note: String,
    pub contact_ids: Vec<i64>,
    pub print: String,
}

/// Inserts a captured interaction (its participants' maintained columns are refreshed by the
/// caller once, at the end). `author`: the member capturing, in a team workspace.
pub fn insert(conn: &Connection, touch: &Touch, now: i64, author: Option<&str>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO interactions (uid, at, channel, note, created_at, source_kind, source_id,
            source_print, author) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        touch.uid,
        touch.at,
        touch.channel,
        touch.note,
        now,
        touch.kind,
        touch.source_id,
        touch.print,
        author
    ])?;
    let id = conn.last_insert_rowid();
    set_participants(conn, id, &touch.contact_ids)?;
    Ok(id)
}

/// Moves, renames or re-peoples a captured interaction.
pub fn update(conn: &Connection, id: i64, touch: &Touch, participants_changed: bool) -> Result<()> {
    conn.prepare_cached(
        "UPDATE interactions SET at = ?2, note = ?3, source_id = ?4, source_print = ?5
         WHERE id = ?1",
    )?
    .execute(params![
        id,
        touch.at,
        touch.note,
        touch.source_id,
        touch.print
    ])?;
    if participants_changed {
        conn.prepare_cached("DELETE FROM interaction_contacts WHERE interaction_id = ?1")?
            .execute([id])?;
        set_participants(conn, id, &touch.contact_ids)?;
    }
    Ok(())
}

fn set_participants(conn: &Connection, id: i64, contact_ids: &[i64]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position)
         VALUES (?1, ?2, ?3)",
    )?;
    for (position, contact_id) in contact_ids.iter().enumerate() {
        stmt.execute(params![id, contact_id, position as i64])?;
    }
    Ok(())
}

/// Removes a captured interaction (cancelled since it was captured).
pub fn remove(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM interactions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Captured instances of recurring event `event_uid` that started in `since ..= now`: uid,
/// source id.
pub fn instances(
    conn: &Connection,
    event_uid: &str,
    since: i64,
    now: i64,
) -> Result<Vec<(String, String)>> {
    // A range on the index instead of LIKE, which would need escaping of `%` and `_`.
    let low = format!("{event_uid}/");
    let high = format!("{event_uid}0");
    let mut stmt = conn.prepare_cached(
        "SELECT uid, source_id FROM interactions
         WHERE source_kind = 'ics' AND source_id >= ?1 AND source_id < ?2 AND at >= ?3 AND at <= ?4",
    )?;
    let rows = stmt.query_map(params![low, high, since, now], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Sets where an interaction came from (a rel JSON export carries it); true when it changed.
pub fn set_source(
    conn: &Connection,
    id: i64,
    source: Option<(&str, &str, Option<&str>)>,
) -> Result<bool> {
    let (kind, source_id, print) = match source {
        Some((kind, source_id, print)) => (Some(kind), Some(source_id), print),
        None => (None, None, None),
    };
    let changed = conn
        .prepare_cached(
            "UPDATE interactions SET source_kind = ?2, source_id = ?3, source_print = ?4
             WHERE id = ?1 AND (source_kind IS NOT ?2 OR source_id IS NOT ?3
                OR source_print IS NOT ?4)",
        )?
        .execute(params![id, kind, source_id, print])?;
    Ok(changed > 0)
}

/// Refreshes the maintained columns (last touch, due, REITH) of the contacts a capture touched.
pub fn refresh(conn: &Connection, contact_ids: &[i64]) -> Result<()> {
    upkeep::refresh_many(conn, contact_ids)
}

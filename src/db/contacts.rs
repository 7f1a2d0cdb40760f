//! Contacts: rows, handles, tags, emails, phones and the mapping to `Contact`. How a name
//! becomes a handle is in `naming`; reading many contacts at once (`rel list`, completion) in
//! `listing`.

mod listing;
mod naming;

use crate::error::{Error, Result};
use crate::model::Reith;
pub use listing::{
    ListQuery, ListSort, all_handles, all_tags, archived_handles, each_listed, list,
};
pub use naming::{check_new_handle, fold, handle_taken, slug, unique_handle};
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A contact as stored, with its maintained last touch, due date and REITH sums.
#[derive(Debug, Clone)]
pub struct Contact {
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
    pub via: Option<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub snoozed_until: Option<i64>,
    pub last_touch: Option<i64>,
    pub last_interaction_id: Option<i64>,
    pub due_every: Option<String>,
    pub due_at: Option<i64>,
    pub reith: Reith,
    /// The member who owns it in a team workspace; None = unowned.
    pub owner: Option<String>,
}

/// The columns `from_row` reads, in order; `c` is the contacts table.
pub const CONTACT_COLUMNS: &str = "c.id, c.uid, c.handle, c.name, c.org, c.role, \
    (SELECT json_group_array(email) FROM (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY rowid)), \
    (SELECT json_group_array(phone) FROM (SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY rowid)), \
    (SELECT json_group_array(tag) FROM (SELECT tag FROM contact_tags WHERE contact_id = c.id ORDER BY tag)), \
    c.every, c.birthday, (SELECT v.handle FROM contacts v WHERE v.id = c.via_id), c.note, \
    c.created_at, c.archived_at, c.snoozed_until, c.last_touch, c.last_interaction_id, \
    c.due_every, c.due_at, c.reith_respect, c.reith_empathy, c.reith_integrity, \
    c.reith_trust, c.reith_honesty, c.owner";

fn json_list(text: String) -> Vec<String> {
    serde_json::from_str(&text).unwrap_or_default()
}

/// How many columns `CONTACT_COLUMNS` selects (a query may add its own after them).
pub const CONTACT_COLUMN_COUNT: usize = 26;

/// Maps a row selected with `CONTACT_COLUMNS`.
pub fn from_row(row: &Row) -> rusqlite::Result<Contact> {
    Ok(Contact {
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
        via: row.get(11)?,
        note: row.get(12)?,
        created_at: row.get(13)?,
        archived_at: row.get(14)?,
        snoozed_until: row.get(15)?,
        last_touch: row.get(16)?,
        last_interaction_id: row.get(17)?,
        due_every: row.get(18)?,
        due_at: row.get(19)?,
        reith: super::reith_at(row, 20)?,
        owner: row.get(25)?,
    })
}

/// Fields for a new contact; the handle is derived from the name unless given.
#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub uid: Option<String>,
    pub name: String,
    pub handle: Option<String>,
    pub org: Option<String>,
    pub role: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub every: Option<String>,
    pub birthday: Option<String>,
    pub via_id: Option<i64>,
    pub note: Option<String>,
    /// The member who owns it (`rel add` in a team workspace: the adder).
    pub owner: Option<String>,
}

/// Inserts a contact and its lists; returns its id. The caller refreshes maintained columns.
pub fn insert(conn: &Connection, new: &NewContact, now: i64) -> Result<i64> {
    let handle = match &new.handle {
        Some(handle) => {
            check_new_handle(conn, handle)?;
            handle.clone()
        }
        None => unique_handle(conn, &slug(&new.name))?,
    };
    let uid = new.uid.clone().unwrap_or_else(new_uid);
    conn.execute(
        "INSERT INTO contacts (uid, handle, name, org, role, every, birthday, via_id, note, created_at, owner)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![uid, handle, new.name, new.org, new.role, new.every, new.birthday, new.via_id, new.note, now, new.owner],
    )?;
    let id = conn.last_insert_rowid();
    add_list_items(conn, id, List::Emails, &new.emails)?;
    add_list_items(conn, id, List::Phones, &new.phones)?;
    add_list_items(conn, id, List::Tags, &new.tags)?;
    Ok(id)
}

/// A fresh time-ordered unique id for records that must match across devices.
pub fn new_uid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The three per-contact lists.
#[derive(Debug, Clone, Copy)]
pub enum List {
    Emails,
    Phones,
    Tags,
}

impl List {
    fn table_and_column(self) -> (&'static str, &'static str) {
        match self {
            List::Emails => ("contact_emails", "email"),
            List::Phones => ("contact_phones", "phone"),
            List::Tags => ("contact_tags", "tag"),
        }
    }
}

pub fn add_list_items(conn: &Connection, id: i64, list: List, items: &[String]) -> Result<()> {
    let (table, column) = list.table_and_column();
    // Table and column names come from the enum above, never from input.
    let sql = format!("INSERT OR IGNORE INTO {table} (contact_id, {column}) VALUES (?1, ?2)");
    let mut stmt = conn.prepare_cached(&sql)?;
    for item in items {
        stmt.execute(params![id, item])?;
    }
    Ok(())
}

pub fn remove_list_items(conn: &Connection, id: i64, list: List, items: &[String]) -> Result<()> {
    let (table, column) = list.table_and_column();
    let sql = format!("DELETE FROM {table} WHERE contact_id = ?1 AND {column} = ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    for item in items {
        stmt.execute(params![id, item])?;
    }
    Ok(())
}

/// One contact by id, archived or not.
pub fn get(conn: &Connection, id: i64) -> Result<Contact> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.id = ?1");
    conn.query_row(&sql, [id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no contact #{id}")))
}

pub fn get_by_handle(conn: &Connection, handle: &str) -> Result<Option<Contact>> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts c WHERE c.handle = ?1");
    Ok(conn.query_row(&sql, [handle], from_row).optional()?)
}

/// The contact a merged contact's old handle now names (`rel merge`).
pub fn get_by_alias(conn: &Connection, handle: &str) -> Result<Option<Contact>> {
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c JOIN contact_aliases a ON a.contact_id = c.id
         WHERE a.handle = ?1"
    );
    Ok(conn.query_row(&sql, [handle], from_row).optional()?)
}

/// Sets one text column of a contact. `column` comes from the fixed list below, never input.
pub fn set_column(conn: &Connection, id: i64, column: &str, value: Option<&str>) -> Result<()> {
    const EDITABLE: [&str; 8] = [
        "handle", "name", "org", "role", "note", "every", "birthday", "owner",
    ];
    if !EDITABLE.contains(&column) {
        return Err(Error::runtime(format!(
            "internal: '{column}' is not an editable column"
        )));
    }
    conn.execute(
        &format!("UPDATE contacts SET {column} = ?2 WHERE id = ?1"),
        params![id, value],
    )?;
    Ok(())
}

/// Archives (with the time) or unarchives a contact.
pub fn set_archived(conn: &Connection, id: i64, at: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET archived_at = ?2 WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

pub fn set_snooze(conn: &Connection, id: i64, until: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET snoozed_until = ?2 WHERE id = ?1",
        params![id, until],
    )?;
    Ok(())
}

/// Deletes a contact and the interactions that involve only them; shared interactions lose
/// this participant. Returns how many interactions were deleted.
pub fn delete(conn: &Connection, id: i64) -> Result<usize> {
    let deleted = conn.execute(
        "DELETE FROM interactions WHERE id IN (
            SELECT ic.interaction_id FROM interaction_contacts ic WHERE ic.contact_id = ?1
              AND NOT EXISTS (SELECT 1 FROM interaction_contacts o
                              WHERE o.interaction_id = ic.interaction_id AND o.contact_id != ?1))",
        [id],
    )?;
    conn.execute("DELETE FROM contacts WHERE id = ?1", [id])?;
    Ok(deleted)
}

//! Records as field maps, by uid: what an operation carries and what the fold writes back.
//! A record's fields are its synced columns (local ids become uids), one `tag:`/`email:`/
//! `phone:` item per list entry, and an interaction's participants as `with:UID` = position.
//! Maintained columns (last touch, due, REITH sums) are never fields: upkeep derives them.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};

/// A record's fields, sorted by name (serde_json's map is ordered), so bodies are canonical.
pub type Fields = Map<String, Value>;

/// The kinds of record an operation can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Contact,
    Interaction,
    FollowUp,
    Setting,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Contact => "contact",
            Kind::Interaction => "interaction",
            Kind::FollowUp => "followup",
            Kind::Setting => "setting",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Some(match text {
            "contact" => Kind::Contact,
            "interaction" => Kind::Interaction,
            "followup" => Kind::FollowUp,
            "setting" => Kind::Setting,
            _ => return None,
        })
    }

    fn table(self) -> &'static str {
        match self {
            Kind::Contact => "contacts",
            Kind::Interaction => "interactions",
            Kind::FollowUp => "followups",
            Kind::Setting => "settings",
        }
    }
}

/// Contact columns that are fields under the same name (text). `owner`: the member who
/// owns the contact in a team workspace (NULL = unowned).
pub const CONTACT_TEXT: [&str; 8] = [
    "handle", "name", "org", "role", "every", "birthday", "note", "owner",
];
/// Contact columns that are fields under the same name (integer times).
/// `dismissed_until`: `rel suggest dismiss` hides suggestions until then.
pub const CONTACT_TIMES: [&str; 4] = [
    "created_at",
    "archived_at",
    "snoozed_until",
    "dismissed_until",
];
/// Interaction columns that are fields under the same name. `author`: the member who logged
/// it in a team workspace (NULL outside one). `source_*`: where a captured interaction came
/// from (NULL when typed; see `db/capture.rs`).
pub const INTERACTION_COLUMNS: [&str; 13] = [
    "at",
    "channel",
    "note",
    "respect",
    "empathy",
    "integrity",
    "trust",
    "honesty",
    "created_at",
    "author",
    "source_kind",
    "source_id",
    "source_print",
];
/// Follow-up columns that are fields under the same name.
pub const FOLLOWUP_COLUMNS: [&str; 4] = ["due_at", "text", "done_at", "created_at"];

/// The local id of a record (settings: 0 when the key is set).
pub fn id_of(conn: &Connection, kind: Kind, uid: &str) -> Result<Option<i64>> {
    let sql = match kind {
        Kind::Setting => "SELECT 0 FROM settings WHERE key = ?1",
        Kind::Contact => "SELECT id FROM contacts WHERE uid = ?1",
        Kind::Interaction => "SELECT id FROM interactions WHERE uid = ?1",
        Kind::FollowUp => "SELECT id FROM followups WHERE uid = ?1",
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

/// The uid of a record by local id (not for settings).
pub fn uid_of(conn: &Connection, kind: Kind, id: i64) -> Result<Option<String>> {
    // The table name comes from the enum, never from input.
    let sql = format!("SELECT uid FROM {} WHERE id = ?1", kind.table());
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

/// Every field of a record as it stands, or None when there is no such record.
pub fn read(conn: &Connection, kind: Kind, uid: &str) -> Result<Option<Fields>> {
    match kind {
        Kind::Contact => read_contact(conn, uid),
        Kind::Interaction => read_interaction(conn, uid),
        Kind::FollowUp => read_followup(conn, uid),
        Kind::Setting => Ok(super::settings::get(conn, uid)?.map(|value| {
            let mut fields = Fields::new();
            fields.insert("value".into(), Value::String(value));
            fields
        })),
    }
}

fn value_of(row: &rusqlite::Row, index: usize) -> rusqlite::Result<Value> {
    use rusqlite::types::ValueRef;
    Ok(match row.get_ref(index)? {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::from(n),
        ValueRef::Real(x) => Value::from(x),
        ValueRef::Text(t) | ValueRef::Blob(t) => Value::String(String::from_utf8_lossy(t).into()),
    })
}

fn read_contact(conn: &Connection, uid: &str) -> Result<Option<Fields>> {
    let found = conn
        .prepare_cached(
            "SELECT id, handle, name, org, role, every, birthday, note, owner, created_at,
                    archived_at, snoozed_until, dismissed_until,
                    (SELECT v.uid FROM contacts v WHERE v.id = c.via_id)
             FROM contacts c WHERE uid = ?1",
        )?
        .query_row([uid], |row| {
            let mut fields = Fields::new();
            for (i, name) in CONTACT_TEXT.iter().chain(CONTACT_TIMES.iter()).enumerate() {
                fields.insert((*name).into(), value_of(row, i + 1)?);
            }
            fields.insert("via".into(), value_of(row, 13)?);
            Ok((row.get::<_, i64>(0)?, fields))
        })
        .optional()?;
    let Some((id, mut fields)) = found else {
        return Ok(None);
    };
    for (prefix, table, column) in LISTS {
        let sql = format!("SELECT {column} FROM {table} WHERE contact_id = ?1");
        let mut stmt = conn.prepare_cached(&sql)?;
        let items = stmt.query_map([id], |row| row.get::<_, String>(0))?;
        for item in items {
            fields.insert(format!("{prefix}{}", item?), Value::Bool(true));
        }
    }
    Ok(Some(fields))
}

/// The per-contact lists: field prefix, table, column.
pub const LISTS: [(&str, &str, &str); 4] = [
    ("email:", "contact_emails", "email"),
    ("phone:", "contact_phones", "phone"),
    ("tag:", "contact_tags", "tag"),
    // Handles of contacts merged into this one (`rel merge`): they keep resolving here.
    ("alias:", "contact_aliases", "handle"),
];

fn read_interaction(conn: &Connection, uid: &str) -> Result<Option<Fields>> {
    let found = conn
        .prepare_cached(
            "SELECT id, at, channel, note, respect, empathy, integrity, trust, honesty, created_at,
                    author, source_kind, source_id, source_print
             FROM interactions WHERE uid = ?1",
        )?
        .query_row([uid], |row| {
            let mut fields = Fields::new();
            for (i, name) in INTERACTION_COLUMNS.iter().enumerate() {
                fields.insert((*name).into(), value_of(row, i + 1)?);
            }
            Ok((row.get::<_, i64>(0)?, fields))
        })
        .optional()?;
    let Some((id, mut fields)) = found else {
        return Ok(None);
    };
    fields.insert("alive".into(), Value::Bool(true));
    let mut stmt = conn.prepare_cached(
        "SELECT c.uid, ic.position FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
         WHERE ic.interaction_id = ?1",
    )?;
    let rows = stmt.query_map([id], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
    })?;
    for row in rows {
        let (contact, position) = row?;
        fields.insert(format!("with:{contact}"), Value::from(position));
    }
    Ok(Some(fields))
}

fn read_followup(conn: &Connection, uid: &str) -> Result<Option<Fields>> {
    Ok(conn
        .prepare_cached(
            "SELECT f.due_at, f.text, f.done_at, f.created_at, c.uid, i.uid
             FROM followups f JOIN contacts c ON c.id = f.contact_id
             LEFT JOIN interactions i ON i.id = f.interaction_id WHERE f.uid = ?1",
        )?
        .query_row([uid], |row| {
            let mut fields = Fields::new();
            for (i, name) in FOLLOWUP_COLUMNS.iter().enumerate() {
                fields.insert((*name).into(), value_of(row, i)?);
            }
            fields.insert("contact".into(), value_of(row, 4)?);
            fields.insert("interaction".into(), value_of(row, 5)?);
            fields.insert("alive".into(), Value::Bool(true));
            Ok(fields)
        })
        .optional()?)
}

/// What happened when a field was written to its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    Done,
    /// It names a record this replica does not hold (yet): keep the value for later.
    Pending,
    /// The record is gone (an interaction or follow-up marked not alive).
    Removed,
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Writes one field of an existing record (`id` from [`id_of`]). Handles are written as given;
/// the fold settles handle collisions before it calls this.
pub fn set_field(
    conn: &Connection,
    kind: Kind,
    id: i64,
    field: &str,
    value: &Value,
) -> Result<Applied> {
    match kind {
        Kind::Contact => set_contact_field(conn, id, field, value),
        Kind::Interaction => set_interaction_field(conn, id, field, value),
        Kind::FollowUp => set_followup_field(conn, id, field, value),
        Kind::Setting => Ok(Applied::Done),
    }
}

fn set_contact_field(conn: &Connection, id: i64, field: &str, value: &Value) -> Result<Applied> {
    if CONTACT_TEXT.contains(&field) {
        if field == "name" && value.is_null() {
            return Ok(Applied::Done);
        }
        let sql = format!("UPDATE contacts SET {field} = ?2 WHERE id = ?1");
        conn.prepare_cached(&sql)?
            .execute(params![id, text(value)])?;
    } else if CONTACT_TIMES.contains(&field) {
        if field == "created_at" && value.is_null() {
            return Ok(Applied::Done);
        }
        let sql = format!("UPDATE contacts SET {field} = ?2 WHERE id = ?1");
        conn.prepare_cached(&sql)?
            .execute(params![id, value.as_i64()])?;
    } else if field == "via" {
        let via = match value.as_str() {
            Some(uid) => match id_of(conn, Kind::Contact, uid)? {
                Some(via) if via != id => Some(via),
                Some(_) => None,
                None => return Ok(Applied::Pending),
            },
            None => None,
        };
        conn.prepare_cached("UPDATE contacts SET via_id = ?2 WHERE id = ?1")?
            .execute(params![id, via])?;
    } else if let Some((table, column, item)) = list_item(field) {
        let sql = if value.as_bool() == Some(true) {
            format!("INSERT OR IGNORE INTO {table} (contact_id, {column}) VALUES (?1, ?2)")
        } else {
            format!("DELETE FROM {table} WHERE contact_id = ?1 AND {column} = ?2")
        };
        conn.prepare_cached(&sql)?.execute(params![id, item])?;
    }
    // Other fields (removed, merged_into, fields of a newer rel) are registers only.
    Ok(Applied::Done)
}

/// `tag:x` → (table, column, "x").
pub fn list_item(field: &str) -> Option<(&'static str, &'static str, &str)> {
    LISTS.iter().find_map(|(prefix, table, column)| {
        field
            .strip_prefix(prefix)
            .map(|item| (*table, *column, item))
    })
}

fn set_interaction_field(
    conn: &Connection,
    id: i64,
    field: &str,
    value: &Value,
) -> Result<Applied> {
    if INTERACTION_COLUMNS.contains(&field) {
        let bound = match field {
            "channel" | "note" => rusqlite::types::Value::Text(text(value).unwrap_or_default()),
            "author" | "source_kind" | "source_id" | "source_print" => {
                text(value).map_or(rusqlite::types::Value::Null, rusqlite::types::Value::Text)
            }
            _ => match value.as_i64() {
                Some(n) => rusqlite::types::Value::Integer(n),
                None => return Ok(Applied::Done),
            },
        };
        let sql = format!("UPDATE interactions SET {field} = ?2 WHERE id = ?1");
        conn.prepare_cached(&sql)?.execute(params![id, bound])?;
    } else if field == "alive" && value.as_bool() == Some(false) {
        conn.prepare_cached("DELETE FROM interactions WHERE id = ?1")?
            .execute([id])?;
        return Ok(Applied::Removed);
    } else if let Some(contact) = field.strip_prefix("with:") {
        let Some(contact_id) = id_of(conn, Kind::Contact, contact)? else {
            return Ok(if value.is_null() {
                Applied::Done
            } else {
                Applied::Pending
            });
        };
        match value.as_i64() {
            Some(position) => conn
                .prepare_cached(
                    "INSERT INTO interaction_contacts (interaction_id, contact_id, position)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT DO UPDATE SET position = excluded.position",
                )?
                .execute(params![id, contact_id, position])?,
            None => conn
                .prepare_cached(
                    "DELETE FROM interaction_contacts WHERE interaction_id = ?1 AND contact_id = ?2",
                )?
                .execute(params![id, contact_id])?,
        };
    }
    Ok(Applied::Done)
}

fn set_followup_field(conn: &Connection, id: i64, field: &str, value: &Value) -> Result<Applied> {
    if FOLLOWUP_COLUMNS.contains(&field) {
        let bound = match field {
            "text" => rusqlite::types::Value::Text(text(value).unwrap_or_default()),
            _ => match value.as_i64() {
                Some(n) => rusqlite::types::Value::Integer(n),
                None if field == "done_at" => rusqlite::types::Value::Null,
                None => return Ok(Applied::Done),
            },
        };
        let sql = format!("UPDATE followups SET {field} = ?2 WHERE id = ?1");
        conn.prepare_cached(&sql)?.execute(params![id, bound])?;
    } else if field == "alive" && value.as_bool() == Some(false) {
        conn.prepare_cached("DELETE FROM followups WHERE id = ?1")?
            .execute([id])?;
        return Ok(Applied::Removed);
    } else if field == "contact" {
        let Some(contact_id) = value
            .as_str()
            .map(|u| id_of(conn, Kind::Contact, u))
            .transpose()?
            .flatten()
        else {
            return Ok(Applied::Pending);
        };
        conn.prepare_cached("UPDATE followups SET contact_id = ?2 WHERE id = ?1")?
            .execute(params![id, contact_id])?;
    } else if field == "interaction" {
        let interaction = match value.as_str() {
            Some(uid) => id_of(conn, Kind::Interaction, uid)?,
            None => None,
        };
        conn.prepare_cached("UPDATE followups SET interaction_id = ?2 WHERE id = ?1")?
            .execute(params![id, interaction])?;
    }
    Ok(Applied::Done)
}

/// Writes a setting (None removes it).
pub fn set_setting(conn: &Connection, key: &str, value: &Value) -> Result<()> {
    match text(value) {
        Some(value) => super::settings::set(conn, key, &value),
        None => super::settings::unset(conn, key).map(|_| ()),
    }
}

/// Creates a record from its fields; None when a field it cannot do without is missing (a
/// contact's name, an interaction's time, a follow-up's contact). Contact handles must be
/// free (the fold settles collisions first); list items and participants are written too.
pub fn insert(conn: &Connection, kind: Kind, uid: &str, fields: &Fields) -> Result<Option<i64>> {
    let int = |name: &str| fields.get(name).and_then(Value::as_i64);
    let txt = |name: &str| fields.get(name).and_then(text);
    let id = match kind {
        Kind::Setting => {
            if let Some(value) = fields.get("value") {
                set_setting(conn, uid, value)?;
            }
            return Ok(Some(0));
        }
        Kind::Contact => {
            let (Some(name), Some(handle), Some(created_at)) =
                (txt("name"), txt("handle"), int("created_at"))
            else {
                return Ok(None);
            };
            conn.prepare_cached(
                "INSERT INTO contacts (uid, handle, name, org, role, every, birthday, note, created_at,
                    archived_at, snoozed_until, owner, dismissed_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                uid, handle, name, txt("org"), txt("role"), txt("every"), txt("birthday"), txt("note"),
                created_at, int("archived_at"), int("snoozed_until"), txt("owner"),
                int("dismissed_until")
            ])?;
            conn.last_insert_rowid()
        }
        Kind::Interaction => {
            let (Some(at), Some(created_at)) = (int("at"), int("created_at")) else {
                return Ok(None);
            };
            conn.prepare_cached(
                "INSERT INTO interactions (uid, at, channel, note, respect, empathy, integrity, trust,
                    honesty, created_at, author, source_kind, source_id, source_print)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                uid, at, txt("channel").unwrap_or_else(|| "other".into()), txt("note").unwrap_or_default(),
                int("respect").unwrap_or(0), int("empathy").unwrap_or(0), int("integrity").unwrap_or(0),
                int("trust").unwrap_or(0), int("honesty").unwrap_or(0), created_at, txt("author"),
                txt("source_kind"), txt("source_id"), txt("source_print")
            ])?;
            conn.last_insert_rowid()
        }
        Kind::FollowUp => {
            let contact = match txt("contact") {
                Some(contact) => id_of(conn, Kind::Contact, &contact)?,
                None => None,
            };
            let (Some(contact_id), Some(due_at), Some(created_at)) =
                (contact, int("due_at"), int("created_at"))
            else {
                return Ok(None);
            };
            let interaction = match txt("interaction") {
                Some(uid) => id_of(conn, Kind::Interaction, &uid)?,
                None => None,
            };
            conn.prepare_cached(
                "INSERT INTO followups (uid, contact_id, interaction_id, due_at, text, done_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![uid, contact_id, interaction, due_at, txt("text").unwrap_or_default(), int("done_at"), created_at])?;
            conn.last_insert_rowid()
        }
    };
    Ok(Some(id))
}

/// Fields that belong to the row itself and were written by [`insert`]; the others (list
/// items, participants, via) are written one by one with [`set_field`] afterwards.
pub fn is_row_field(kind: Kind, field: &str) -> bool {
    match kind {
        Kind::Contact => CONTACT_TEXT.contains(&field) || CONTACT_TIMES.contains(&field),
        Kind::Interaction => INTERACTION_COLUMNS.contains(&field) || field == "alive",
        Kind::FollowUp => {
            FOLLOWUP_COLUMNS.contains(&field)
                || matches!(field, "alive" | "contact" | "interaction")
        }
        Kind::Setting => true,
    }
}

/// Deletes a record (the fold's removal of a contact; cascades as `rel rm` does).
pub fn delete(conn: &Connection, kind: Kind, id: i64) -> Result<()> {
    let sql = format!("DELETE FROM {} WHERE id = ?1", kind.table());
    conn.prepare_cached(&sql)?.execute([id])?;
    Ok(())
}

/// Whether a contact takes part in any interaction.
pub fn has_interactions(conn: &Connection, contact_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM interaction_contacts WHERE contact_id = ?1 LIMIT 1")?
        .query_row([contact_id], |_| Ok(()))
        .optional()?
        .is_some())
}

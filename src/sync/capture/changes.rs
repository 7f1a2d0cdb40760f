//! What the staged rows of one write say changed, record by record: each record's fields
//! before and after, compared into the fields its operation sets and what `rel undo` needs to
//! put back (see `mod.rs` for how they become operations).

use crate::db::entity::{self, Fields, Kind};
use crate::db::settings;
use crate::db::synced::{self, Shape};
use crate::error::Result;
use crate::sync::log::undo_image::UndoImage;
use rusqlite::Connection;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A contact removed by `rel merge` (its handle became another contact's alias in the same
/// write) says so: `merged_into` = the target's uid, in the removal's operation, so every
/// replica hands what another machine did to it meanwhile to the target (`fold/merge_fold.rs`).
pub(super) fn mark_merges(changes: &mut [Change]) {
    let aliases: Vec<(String, String)> = changes
        .iter()
        .filter(|c| c.kind == Kind::Contact)
        .flat_map(|c| {
            c.set.iter().filter_map(|(field, value)| {
                let handle = field.strip_prefix("alias:")?;
                (*value == Value::Bool(true)).then(|| (handle.to_string(), c.uid.clone()))
            })
        })
        .collect();
    for change in changes.iter_mut() {
        if change.kind != Kind::Contact || !change.set.contains_key("removed") {
            continue;
        }
        let handle = match &change.undo {
            UndoImage::Deleted(whole) => whole.get("handle"),
            _ => None,
        };
        let target = aliases.iter().find(|(alias, into)| {
            Some(alias.as_str()) == handle.and_then(Value::as_str) && *into != change.uid
        });
        if let Some((_, into)) = target {
            change
                .set
                .insert("merged_into".into(), Value::String(into.clone()));
        }
    }
}

/// One record's change: the fields it sets, what they were before, and for a removed contact
/// its fields (kept so it can come back if another replica logged with it meanwhile).
pub(super) struct Change {
    pub(super) kind: Kind,
    pub(super) uid: String,
    pub(super) set: Fields,
    pub(super) undo: UndoImage,
    pub(super) dump: Option<Fields>,
}

/// What was staged about one record, in staging order.
#[derive(Default)]
struct Staged {
    first_n: i64,
    before: Option<Fields>,
    deleted: bool,
    restored: bool,
    /// field → (present before, value before): the first staged change of each list item
    /// or participant tells what it was before the write.
    items: BTreeMap<String, Value>,
}

/// One row of `temp.sync_staged`: n, tbl, change, row_id, ref, item, old.
type StagedRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
);

/// What the staged rows say each record's change was, in staging order.
pub(super) fn changes(conn: &Connection, now_ms: i64) -> Result<Vec<Change>> {
    let mut records: HashMap<(Kind, String), Staged> = HashMap::new();
    let mut contact_uids: HashMap<i64, String> = HashMap::new();
    let rows: Vec<StagedRow> = {
        let mut stmt = conn.prepare_cached(
            "SELECT n, tbl, change, row_id, ref, item, old FROM temp.sync_staged ORDER BY n",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Contacts deleted by this write are found by their staged old row.
    let contacts = i64::from(Kind::Contact.table().code);
    for (_, tbl, change, row_id, _, _, old) in &rows {
        if *tbl == contacts
            && change == "D"
            && let (Some(id), Some(uid)) = (row_id, old_uid(old.as_deref()))
        {
            contact_uids.insert(*id, uid);
        }
    }
    let mut contact_uid = |id: i64| -> Result<Option<String>> {
        if let Some(uid) = contact_uids.get(&id) {
            return Ok(Some(uid.clone()));
        }
        let uid = entity::uid_of(conn, Kind::Contact, id)?;
        if let Some(uid) = &uid {
            contact_uids.insert(id, uid.clone());
        }
        Ok(uid)
    };
    for (n, tbl, change, row_id, reference, item, old) in rows {
        let Some(table) = synced::coded(tbl) else {
            continue;
        };
        let kind = table.kind;
        let uid = match (kind, table.is_record(), row_id) {
            (Kind::Setting, _, _) => item.clone().unwrap_or_default(),
            (_, true, Some(id)) => match old_uid(old.as_deref()) {
                Some(uid) => uid,
                None => match entity::uid_of(conn, kind, id)? {
                    Some(uid) => uid,
                    None => continue,
                },
            },
            (Kind::Contact, _, Some(id)) => match contact_uid(id)? {
                Some(uid) => uid,
                None => continue,
            },
            (_, _, Some(id)) => match entity::uid_of(conn, kind, id)? {
                Some(uid) => uid,
                None => match deleted_interaction_uid(conn, id)? {
                    Some(uid) => uid,
                    None => continue,
                },
            },
            _ => continue,
        };
        let entry = records.entry((kind, uid)).or_insert_with(|| Staged {
            first_n: n,
            ..Staged::default()
        });
        match table.shape {
            Shape::Record { .. } => {
                if change == "R" {
                    entry.restored = true;
                }
                if change == "D" {
                    entry.deleted = true;
                }
                if entry.before.is_none()
                    && let Some(Value::Object(mut fields)) =
                        old.as_deref().and_then(|o| serde_json::from_str(o).ok())
                {
                    fields.remove("uid");
                    // A follow-up removed with its contact: the contact row was gone when the
                    // trigger looked it up, so it is named from the staged removal (`ref`).
                    if let Some(owner) = table.references().find(|r| r.required)
                        && fields.get(owner.field).is_none_or(Value::is_null)
                        && let Some(contact) =
                            reference.map(&mut contact_uid).transpose()?.flatten()
                    {
                        fields.insert(owner.field.into(), Value::String(contact));
                    }
                    entry.before = Some(fields);
                }
            }
            Shape::List { prefix, .. } => {
                let field = format!("{prefix}{}", item.unwrap_or_default());
                entry
                    .items
                    .entry(field)
                    .or_insert(Value::Bool(change == "D"));
            }
            Shape::Participants { .. } => {
                let Some(contact) = reference.map(&mut contact_uid).transpose()?.flatten() else {
                    continue;
                };
                let before = if change == "D" {
                    old.as_deref()
                        .and_then(|p| p.parse::<i64>().ok())
                        .map_or(Value::Null, Value::from)
                } else {
                    Value::Null
                };
                entry
                    .items
                    .entry(format!("with:{contact}"))
                    .or_insert(before);
            }
            Shape::Settings { .. } if entry.before.is_none() => {
                let mut fields = Fields::new();
                let before = if change == "I" {
                    Value::Null
                } else {
                    old.map_or(Value::Null, Value::String)
                };
                fields.insert("value".into(), before);
                entry.before = Some(fields);
            }
            Shape::Settings { .. } => {}
        }
    }
    let mut ordered: Vec<((Kind, String), Staged)> = records.into_iter().collect();
    ordered.sort_by_key(|(_, staged)| staged.first_n);
    let mut out = Vec::new();
    for ((kind, uid), staged) in ordered {
        if let Some(change) = describe(conn, kind, uid, staged, now_ms)? {
            out.push(change);
        }
    }
    Ok(out)
}

fn old_uid(old: Option<&str>) -> Option<String> {
    let value: Value = serde_json::from_str(old?).ok()?;
    value.get("uid")?.as_str().map(str::to_string)
}

/// The uid of an interaction deleted by this write (its participants are staged after it).
fn deleted_interaction_uid(conn: &Connection, id: i64) -> Result<Option<String>> {
    let old: Option<String> = conn
        .prepare_cached(
            "SELECT old FROM temp.sync_staged WHERE tbl = ?2 AND change = 'D' AND row_id = ?1 LIMIT 1",
        )?
        .query_row([id, i64::from(Kind::Interaction.table().code)], |row| {
            row.get(0)
        })
        .ok();
    Ok(old_uid(old.as_deref()))
}

/// The operation a record's staged changes make, comparing before and after.
fn describe(
    conn: &Connection,
    kind: Kind,
    uid: String,
    staged: Staged,
    now_ms: i64,
) -> Result<Option<Change>> {
    let now = entity::read(conn, kind, &uid)?;
    if kind == Kind::Setting {
        let before = staged.before.unwrap_or_default();
        let old = before.get("value").cloned().unwrap_or(Value::Null);
        let new = settings::get(conn, &uid)?.map_or(Value::Null, Value::String);
        if old == new {
            return Ok(None);
        }
        let mut set = Fields::new();
        set.insert("value".into(), new);
        return Ok(Some(Change {
            kind,
            uid,
            set,
            undo: UndoImage::Fields(before),
            dump: None,
        }));
    }
    let mut before = staged.before.unwrap_or_default();
    for (field, was) in &staged.items {
        before.insert(field.clone(), was.clone());
    }
    let Some(now) = now else {
        // Removed by this write.
        let mut set = Fields::new();
        let mut whole = before.clone();
        whole.retain(|_, v| !v.is_null() && *v != Value::Bool(false));
        match kind {
            Kind::Contact => {
                let at = Value::from(now_ms.div_euclid(1000));
                set.insert("removed".into(), at.clone());
                set.insert("archived_at".into(), at);
            }
            _ => {
                set.insert("alive".into(), Value::Bool(false));
            }
        }
        let dump = (kind == Kind::Contact).then(|| whole.clone());
        return Ok(Some(Change {
            kind,
            uid,
            set,
            undo: UndoImage::Deleted(whole),
            dump,
        }));
    };
    if staged.restored {
        let mut set = now.clone();
        // A restored contact whose handle was taken meanwhile waits parked: it asks for its
        // own, and `record` settles who holds it.
        if kind == Kind::Contact
            && set
                .get("handle")
                .and_then(Value::as_str)
                .is_some_and(|h| h.starts_with(' '))
            && let Some(asked) = crate::sync::fold::handles::asked(conn, &uid)?
        {
            set.insert("handle".into(), Value::String(asked));
        }
        match kind {
            Kind::Contact => {
                set.insert("removed".into(), Value::Null);
            }
            _ => {
                set.insert("alive".into(), Value::Bool(true));
            }
        }
        return Ok(Some(Change {
            kind,
            uid,
            set,
            undo: UndoImage::Restored,
            dump: None,
        }));
    }
    let mut set = Fields::new();
    let mut undo = Fields::new();
    for (field, was) in &before {
        let is_item = field.contains(':');
        let current = now
            .get(field)
            .cloned()
            .unwrap_or(if is_item && field.starts_with("with:") {
                Value::Null
            } else if is_item {
                Value::Bool(false)
            } else {
                Value::Null
            });
        if &current != was {
            set.insert(field.clone(), current);
            undo.insert(field.clone(), was.clone());
        }
    }
    if set.is_empty() {
        return Ok(None);
    }
    Ok(Some(Change {
        kind,
        uid,
        set,
        undo: UndoImage::Fields(undo),
        dump: None,
    }))
}

//! Turning what a write changed into this replica's operations, inside the same transaction
//! (called by `Db::write`; the changes are seen by `capture_hook.rs`). Creations are recorded
//! in bulk with no body (the record is its own body); every other change becomes one operation
//! per record that sets the fields that changed, with what they were before kept for
//! `rel undo`.

use super::capture_sql::{
    self, ALIASES, CONTACTS, EMAILS, FOLLOWUPS, INTERACTIONS, PARTICIPANTS, PHONES, SETTINGS, TAGS,
};
use super::fold::{Fold, ends_participation};
use super::{capture_hook, clock, oplog, registers};
use crate::db::entity::{self, Fields, Kind};
use crate::db::settings;
use crate::error::Result;
use rusqlite::Connection;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

/// Creates the staging table and starts watching this connection's writes (outside any
/// transaction, so a rolled-back write does not take the table away).
///
/// # Safety
/// The returned [`Watch`](capture_hook::Watch) must be dropped before `conn` is closed.
pub unsafe fn install(conn: &Connection) -> Result<capture_hook::Watch> {
    conn.execute_batch(capture_sql::CREATE)?;
    // SAFETY: passed on to our caller.
    unsafe { capture_hook::install(conn) }
}

/// A write begins: what an earlier, rolled-back write left seen is forgotten.
pub fn begin(conn: &Connection) {
    capture_hook::forget(conn);
}

/// Brings the staging table up to date with every change made so far (before reading it).
pub fn stage(conn: &Connection) -> Result<()> {
    capture_hook::flush(conn)
}

/// Forgets whatever was staged (the fold's own writes are not this replica's operations).
pub fn discard(conn: &Connection) -> Result<()> {
    capture_hook::forget(conn);
    conn.prepare_cached("DELETE FROM temp.sync_staged")?
        .execute([])?;
    Ok(())
}

/// Marks a record re-created by `rel undo`: it is sent whole, as a change, not as a creation
/// (other replicas already saw it created and removed).
pub fn mark_restored(conn: &Connection, tbl: i64, row_id: i64) -> Result<()> {
    stage(conn)?;
    capture_hook::forget_created(conn, tbl, row_id);
    conn.prepare_cached(
        "UPDATE temp.sync_staged SET change = 'R' WHERE tbl = ?1 AND row_id = ?2 AND change = 'I'",
    )?
    .execute([tbl, row_id])?;
    Ok(())
}

/// What one write recorded: its own operations' first and last seq.
#[derive(Debug, Clone, Copy)]
pub struct Recorded {
    pub first_seq: i64,
    pub last_seq: i64,
}

/// Records the staged changes as operations stamped at `now_ms`, and the write as one undo
/// step labelled `label` (when `label` is Some). Returns None when nothing changed.
pub fn record(conn: &Connection, now_ms: i64, label: Option<&str>) -> Result<Option<Recorded>> {
    stage(conn)?;
    let staged: i64 = conn
        .prepare_cached("SELECT count(*) FROM temp.sync_staged")?
        .query_row([], |row| row.get(0))?;
    if staged == 0 {
        return Ok(None);
    }
    let local = oplog::replica_id(conn)?;
    let first_seq = oplog::last_own_seq(conn)? + 1;
    let mut seq = first_seq - 1;
    // A clock corrected after running ahead stamps by the clock again (see `skew.rs`).
    let (mut last, corrected) = super::skew::stamp_base(conn, now_ms)?;
    let first_stamp = clock::tick(last, now_ms);
    let created = conn
        .prepare_cached(capture_sql::RECORD_CREATIONS)?
        .execute([seq, first_stamp - 1])? as i64;
    if created > 0 {
        seq += created;
        last = first_stamp + created - 1;
    }
    conn.prepare_cached(capture_sql::FORGET_CREATED)?
        .execute([])?;
    // What follows from these changes the way the fold derives it on every replica (not
    // operations of their own, so it is settled after the changes were read): the families of
    // handles freed or asked for (see `handles.rs`; a creation takes a free handle and changes
    // no one else's), and removed contacts an interaction no longer holds.
    let mut derived = Fold::new(conn);
    let mut all = changes(conn, now_ms)?;
    mark_merges(&mut all);
    for change in all {
        seq += 1;
        last = clock::tick(last, now_ms);
        let body = oplog::Body::new(change.kind, &change.uid, false, change.set);
        oplog::append_own(
            conn,
            seq,
            last,
            change.kind,
            &change.uid,
            Some(&body),
            Some(&change.undo),
        )?;
        registers::stamp_all(conn, &change.uid, &body.set, last, &local)?;
        if let Some(dump) = &change.dump {
            registers::keep_unstamped(conn, &change.uid, dump)?;
        }
        match change.kind {
            Kind::Contact => {
                if change.undo.get("restored").is_some() {
                    derived.relink(&change.uid)?;
                }
                // Merged away here: settled as every other machine settles it on receipt (what
                // it holds is handed to the target by the same rule), so they agree.
                if body.set.contains_key("merged_into") {
                    derived.settle_later(&change.uid);
                }
                if body.set.contains_key("merged_into") || body.set.contains_key("removed") {
                    derived.chains_may_change();
                }
                let was = change.undo.get("fields").and_then(|f| f.get("handle"));
                let dumped = change.dump.as_ref().and_then(|d| d.get("handle"));
                for handle in [body.set.get("handle"), was, dumped]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    derived.settle_handle_later(handle);
                }
            }
            Kind::Interaction => {
                if let Some(Value::Object(whole)) = change.undo.get("deleted") {
                    // Kept as the fold keeps an unlogged interaction (see `fold.rs`).
                    let whole: Fields = whole.clone().into_iter().collect();
                    registers::keep_unstamped(conn, &change.uid, &whole)?;
                }
                if change.undo.get("restored").is_some() {
                    // Brought back naming a contact gone meanwhile: it comes back archived.
                    for (field, _, value) in registers::all(conn, &change.uid)? {
                        if let Some(contact) = field.strip_prefix("with:")
                            && !value.is_null()
                        {
                            derived.settle_later(contact);
                        }
                    }
                }
                let deleted = change.undo.get("deleted").and_then(Value::as_object);
                let before = deleted.or(change.undo.get("fields").and_then(Value::as_object));
                let ended = body
                    .set
                    .iter()
                    .any(|(field, value)| ends_participation(field, value));
                for field in before.into_iter().flat_map(|f| f.keys()) {
                    if let Some(contact) = field.strip_prefix("with:")
                        && ended
                    {
                        derived.settle_later(contact);
                    }
                }
            }
            _ => {}
        }
    }
    derived.finish()?;
    // What the derived upkeep changed is not an operation either.
    discard(conn)?;
    if seq < first_seq {
        return Ok(None);
    }
    if corrected {
        super::skew::after_correction(conn, first_seq, first_stamp, last)?;
    } else {
        clock::store(conn, last)?;
    }
    if let Some(label) = label {
        conn.prepare_cached(
            "INSERT INTO sync_steps (first_seq, last_seq, at, label) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(rusqlite::params![first_seq, seq, now_ms / 1000, label])?;
    }
    Ok(Some(Recorded {
        first_seq,
        last_seq: seq,
    }))
}

/// A contact removed by `rel merge` (its handle became another contact's alias in the same
/// write) says so: `merged_into` = the target's uid, in the removal's operation, so every
/// replica hands what another machine did to it meanwhile to the target (`merge_fold.rs`).
fn mark_merges(changes: &mut [Change]) {
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
        let handle = change.undo.get("deleted").and_then(|d| d.get("handle"));
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
struct Change {
    kind: Kind,
    uid: String,
    set: Fields,
    undo: Value,
    dump: Option<Fields>,
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

fn changes(conn: &Connection, now_ms: i64) -> Result<Vec<Change>> {
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
    for (_, tbl, change, row_id, _, _, old) in &rows {
        if *tbl == CONTACTS
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
        let kind = match tbl {
            CONTACTS | TAGS | EMAILS | PHONES | ALIASES => Kind::Contact,
            INTERACTIONS | PARTICIPANTS => Kind::Interaction,
            FOLLOWUPS => Kind::FollowUp,
            SETTINGS => Kind::Setting,
            _ => continue,
        };
        let uid = match (kind, tbl, row_id) {
            (Kind::Setting, _, _) => item.clone().unwrap_or_default(),
            (_, CONTACTS | INTERACTIONS | FOLLOWUPS, Some(id)) => match old_uid(old.as_deref()) {
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
        match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
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
                    // trigger looked it up, so it is named from the staged removal.
                    if tbl == FOLLOWUPS
                        && fields.get("contact").is_none_or(Value::is_null)
                        && let Some(contact) =
                            reference.map(&mut contact_uid).transpose()?.flatten()
                    {
                        fields.insert("contact".into(), Value::String(contact));
                    }
                    entry.before = Some(fields);
                }
            }
            TAGS | EMAILS | PHONES | ALIASES => {
                let prefix = match tbl {
                    TAGS => "tag:",
                    EMAILS => "email:",
                    ALIASES => "alias:",
                    _ => "phone:",
                };
                let field = format!("{prefix}{}", item.unwrap_or_default());
                entry
                    .items
                    .entry(field)
                    .or_insert(Value::Bool(change == "D"));
            }
            PARTICIPANTS => {
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
            SETTINGS if entry.before.is_none() => {
                let mut fields = Fields::new();
                let before = if change == "I" {
                    Value::Null
                } else {
                    old.map_or(Value::Null, Value::String)
                };
                fields.insert("value".into(), before);
                entry.before = Some(fields);
            }
            _ => {}
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
            "SELECT old FROM temp.sync_staged WHERE tbl = 5 AND change = 'D' AND row_id = ?1 LIMIT 1",
        )?
        .query_row([id], |row| row.get(0))
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
            undo: json!({ "fields": before }),
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
            undo: json!({ "deleted": whole }),
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
            && let Some(asked) = super::handles::asked(conn, &uid)?
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
            undo: json!({ "restored": true }),
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
        undo: json!({ "fields": undo }),
        dump: None,
    }))
}

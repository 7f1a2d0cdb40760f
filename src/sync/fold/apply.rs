//! Folding operations into the tables. Every field is a last-writer-wins register ordered by
//! (hybrid logical clock, replica id), so the result does not depend on the order or number of
//! times operations arrive; the tables and their maintained columns are updated in the
//! caller's transaction. Received operations come through `receive.rs`; whether removed
//! contacts stay, and what waited for a contact, is settled in `settle.rs`.

use super::handles::{self, Settler};
use super::{merge_fold, merge_give_back};
use crate::db::entity::{self, Applied, Fields, Kind};
use crate::db::participants;
use crate::error::Result;
use crate::sync::log::oplog::Body;
use crate::sync::log::registers::{self, Stamp};
use rusqlite::Connection;
use serde_json::Value;
use std::collections::BTreeSet;

/// An operation SQLite's constraints rejected: (replica, seq, reason).
pub type Rejected = (String, i64, String);

/// Folding state for one batch.
pub struct Fold<'c> {
    pub(super) conn: &'c Connection,
    /// Contacts whose maintained columns must be recomputed.
    pub(super) touched: BTreeSet<i64>,
    /// Contacts whose existence must be settled at the end (removed, or named while absent).
    pub(super) settle: BTreeSet<String>,
    pub(super) cadence_changed: bool,
    /// Whether a contact's `merged_into` or `removed` changed: only then can the end of a merge
    /// chain move, and only then is `sync_handed` read for what must move with it (not on
    /// every `rel log`).
    pub(super) chains_changed: bool,
    pub(super) handles: Settler,
}

impl<'c> Fold<'c> {
    pub fn new(conn: &'c Connection) -> Fold<'c> {
        Fold {
            conn,
            touched: BTreeSet::new(),
            settle: BTreeSet::new(),
            cadence_changed: false,
            chains_changed: false,
            handles: Settler::default(),
        }
    }

    pub(super) fn apply(&mut self, kind: Kind, stamp: &Stamp, body: &Body) -> Result<()> {
        let uid = body.uid.as_str();
        let stamp = if body.new {
            Stamp::CREATION
        } else {
            stamp.clone()
        };
        // The record's registers in one read, not one per field (most records have none).
        let held = registers::all(self.conn, uid)?;
        let mut winners = Fields::new();
        for (field, value) in &body.set {
            let current = held.iter().find(|(name, _, _)| name == field);
            let wins = match current {
                None => true,
                Some((_, held_stamp, held_value)) => {
                    stamp > *held_stamp
                        || (stamp == *held_stamp && json_text(value) > json_text(held_value))
                }
            };
            if wins {
                if !body.new {
                    registers::put(self.conn, uid, field, &stamp, value)?;
                }
                winners.insert(field.clone(), value.clone());
            } else if kind == Kind::Contact && !body.new {
                merge_give_back::lost_to_hand_over(self.conn, uid, field, &stamp, value)?;
            }
        }
        self.chains_changed |= kind == Kind::Contact
            && (winners.contains_key("merged_into") || winners.contains_key("removed"));
        if kind == Kind::Setting {
            if let Some(value) = winners.get("value") {
                if body.new
                    && entity::id_of(self.conn, kind, uid)?.is_some()
                    && !beats_current(self.conn, kind, uid, "value", value)?
                {
                    return Ok(());
                }
                entity::set_setting(self.conn, uid, value)?;
                self.cadence_changed |= uid == "default-every" || uid.starts_with("every.");
            }
            return Ok(());
        }
        match entity::id_of(self.conn, kind, uid)? {
            Some(id) => {
                if body.new {
                    // The same record created twice (the same file imported on two machines):
                    // equal stamps, so the larger value wins everywhere. A contact's handle is
                    // the one it asks for, not the one a collision left it holding.
                    let mut current = entity::read(self.conn, kind, uid)?.unwrap_or_default();
                    if kind == Kind::Contact
                        && let Some(asked) = handles::asked(self.conn, uid)?
                    {
                        current.insert("handle".into(), Value::String(asked));
                    }
                    winners.retain(|field, value| {
                        let held = current.get(field).cloned().unwrap_or(Value::Null);
                        json_text(value) > json_text(&held)
                    });
                }
                self.write_fields(kind, id, uid, &winners, false)
            }
            None => {
                // A creation wrote no register above, so `held` is still what is stored.
                let (mut fields, held) = if body.new {
                    (winners, held)
                } else {
                    (Fields::new(), registers::all(self.conn, uid)?)
                };
                for (field, _, value) in held {
                    fields.insert(field, value);
                }
                self.materialize(kind, uid, fields)
            }
        }
    }

    /// Writes winning fields into an existing record (`created`: by this operation, just now).
    fn write_fields(
        &mut self,
        kind: Kind,
        id: i64,
        uid: &str,
        fields: &Fields,
        created: bool,
    ) -> Result<()> {
        // An interaction created just now has no participants yet (ids are never reused): none
        // to touch or settle before the write (one read saved per interaction received).
        if kind == Kind::Interaction && !created {
            self.touch_participants(id)?;
            if fields
                .iter()
                .any(|(field, value)| ends_participation(field, value))
            {
                self.settle_participants(id)?;
            }
        }
        if kind == Kind::Interaction {
            // A part ended after the fold handed it to a merge target: the target's goes too.
            for (field, value) in fields {
                if let (Some(contact), true) = (field.strip_prefix("with:"), value.is_null()) {
                    for target in merge_fold::end_part(self.conn, uid, contact)? {
                        self.touched.insert(target);
                    }
                }
            }
            // Unlogged: its fields stay in registers (participants included), so an undo
            // elsewhere that brings it back brings it back whole, whatever arrived first.
            if fields.get("alive") == Some(&Value::Bool(false))
                && let Some(current) = entity::read(self.conn, kind, uid)?
            {
                registers::keep_unstamped(self.conn, uid, &current)?;
            }
        }
        for (field, value) in fields {
            match (kind, field.as_str()) {
                (Kind::Contact, "removed") => {
                    self.settle.insert(uid.to_string());
                }
                (Kind::Contact, "handle") => {
                    if let Some(handle) = value.as_str() {
                        self.handles.ask(self.conn, id, uid, handle)?;
                    }
                }
                (Kind::Contact, "created_at") => {
                    // The creation order decides who keeps a contested handle.
                    entity::set_field(self.conn, kind, id, field, value)?;
                    if let Some(asked) = handles::asked(self.conn, uid)? {
                        self.handles.touch(&asked);
                    }
                }
                _ => match entity::set_field(self.conn, kind, id, field, value)? {
                    Applied::Done => {}
                    Applied::Removed => return Ok(()),
                    Applied::Pending => {
                        let mut pending = Fields::new();
                        pending.insert(field.clone(), value.clone());
                        registers::keep_unstamped(self.conn, uid, &pending)?;
                        if let Some(contact) = field.strip_prefix("with:") {
                            self.settle.insert(contact.to_string());
                        }
                        // The latest `via` names someone not here: no one, until they arrive
                        // (not whoever an older write named).
                        if kind == Kind::Contact && field == "via" {
                            entity::set_field(self.conn, kind, id, field, &Value::Null)?;
                        }
                        // A follow-up moved to a contact not here waits for it (in registers),
                        // rather than stay with the contact an older write named.
                        if kind == Kind::FollowUp && field == "contact" {
                            // This write's values first: what is kept never overwrites.
                            registers::keep_unstamped(self.conn, uid, fields)?;
                            if let Some(current) = entity::read(self.conn, kind, uid)? {
                                registers::keep_unstamped(self.conn, uid, &current)?;
                            }
                            entity::delete(self.conn, kind, id)?;
                            return Ok(());
                        }
                    }
                },
            }
        }
        match kind {
            Kind::Contact => {
                self.touched.insert(id);
            }
            Kind::Interaction => self.touch_participants(id)?,
            _ => {}
        }
        Ok(())
    }

    /// A removed contact that came back archived only because this interaction held it must
    /// go again when the interaction no longer does (as a fresh fold would never bring it back).
    fn settle_participants(&mut self, interaction_id: i64) -> Result<()> {
        self.settle
            .extend(participants::uids_in(self.conn, interaction_id)?);
        Ok(())
    }

    /// Has the contact `uid` settled by [`Fold::finish`]: removed, it stays only while an
    /// interaction holds it.
    pub fn settle_later(&mut self, uid: &str) {
        self.settle.insert(uid.to_string());
    }

    /// A write here set a contact's `merged_into` or `removed` (a merge, an `rm`, an undo of
    /// either): merge chains may end elsewhere now.
    pub fn chains_may_change(&mut self) {
        self.chains_changed = true;
    }

    /// Links what named contact `uid` while it was away (a contact `rel undo` brought back
    /// here: what came back elsewhere through the fold links the same way).
    pub fn relink(&mut self, uid: &str) -> Result<()> {
        if let Some(id) = entity::id_of(self.conn, Kind::Contact, uid)? {
            self.link_waiting(uid, id)?;
        }
        Ok(())
    }

    /// Has the family of `handle` settled by [`Fold::finish`] (see `handles.rs`).
    pub fn settle_handle_later(&mut self, handle: &str) {
        self.handles.touch(handle);
    }

    fn touch_participants(&mut self, interaction_id: i64) -> Result<()> {
        self.touched
            .extend(participants::ids_in(self.conn, interaction_id)?);
        Ok(())
    }

    /// Creates a record that is not here yet from its fields, when it is alive and complete.
    pub(super) fn materialize(&mut self, kind: Kind, uid: &str, mut fields: Fields) -> Result<()> {
        let dead = match kind {
            Kind::Contact => fields.get("removed").is_some_and(|r| !r.is_null()),
            _ => fields.get("alive") == Some(&Value::Bool(false)),
        };
        if dead || fields.is_empty() {
            registers::keep_unstamped(self.conn, uid, &fields)?;
            if kind == Kind::Contact {
                self.settle.insert(uid.to_string());
            }
            return Ok(());
        }
        if kind == Kind::Contact
            && let Some(handle) = fields.get("handle").and_then(Value::as_str)
        {
            let handle = self.handles.for_new(self.conn, uid, handle)?;
            fields.insert("handle".into(), Value::String(handle));
        }
        // A follow-up set (elsewhere, concurrently) on a contact merged away here goes to the
        // merge target.
        if kind == Kind::FollowUp
            && let Some(contact) = fields.get("contact").and_then(Value::as_str)
            && entity::id_of(self.conn, Kind::Contact, contact)?.is_none()
            && let Some(target) = merge_fold::target(self.conn, contact)?
            && let Some(target_id) = self.bring_back(&target)?
        {
            merge_fold::moved_followup(self.conn, contact, &target, uid)?;
            self.settle.insert(target.clone());
            fields.insert("contact".into(), Value::String(target));
            self.touched.insert(target_id);
        }
        let Some(id) = entity::insert(self.conn, kind, uid, &fields)? else {
            registers::keep_unstamped(self.conn, uid, &fields)?;
            return Ok(());
        };
        let rest: Fields = fields
            .into_iter()
            .filter(|(field, _)| !entity::is_row_field(kind, field))
            .collect();
        self.write_fields(kind, id, uid, &rest, true)?;
        if kind == Kind::Contact {
            self.link_waiting(uid, id)?;
        }
        Ok(())
    }
}

/// Whether `value` is larger (as JSON text) than the field's current value: the tie-break of
/// two creations of one record.
fn beats_current(
    conn: &Connection,
    kind: Kind,
    uid: &str,
    field: &str,
    value: &Value,
) -> Result<bool> {
    let current = entity::read(conn, kind, uid)?.unwrap_or_default();
    Ok(json_text(value) > json_text(current.get(field).unwrap_or(&Value::Null)))
}

/// Whether setting `field` to `value` ends an interaction or one contact's part in it.
pub fn ends_participation(field: &str, value: &Value) -> bool {
    (field == "alive" && *value == Value::Bool(false))
        || (field.starts_with("with:") && value.is_null())
}

/// A value's JSON text: how equal stamps are broken (the same everywhere).
fn json_text(value: &Value) -> String {
    value.to_string()
}

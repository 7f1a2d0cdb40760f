//! `rel undo`: each write is one step (its own operations first_seq..last_seq). Undoing one
//! writes the records back as they were before it, through the same capture, so the undo is
//! itself a change that syncs. A field another replica changed later is left alone: its later
//! change keeps winning, as it does everywhere else.

use super::capture;
use super::log::oplog;
use super::log::registers;
use super::log::undo_image::UndoImage;
use crate::db::entity::{self, Fields, Kind};
use crate::db::{contacts, handles, participants, removal, upkeep};
use crate::error::Result;
use rusqlite::{Connection, params};
use serde_json::Value;
use std::collections::BTreeSet;

/// One step of `rel undo --list`.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: i64,
    pub at: i64,
    pub label: String,
    pub operations: i64,
    /// The step this one undid, for an undo.
    pub undoes: Option<i64>,
    /// The undo that reverted this step.
    pub undone_by: Option<i64>,
}

/// The most recent steps, newest first (`limit` 0 = all).
pub fn steps(conn: &Connection, limit: usize) -> Result<Vec<Step>> {
    let limit = if limit == 0 { -1 } else { limit as i64 };
    let mut stmt = conn.prepare(
        "SELECT id, at, label, last_seq - first_seq + 1, undoes, undone_by FROM sync_steps
         ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |row| {
        Ok(Step {
            id: row.get(0)?,
            at: row.get(1)?,
            label: row.get(2)?,
            operations: row.get(3)?,
            undoes: row.get(4)?,
            undone_by: row.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What one `rel undo` did.
#[derive(Debug, Clone)]
pub struct Undone {
    pub step: Step,
    /// False when nothing changed: later changes from other machines already replaced all
    /// the step did (it is still marked undone, so the next undo walks further back).
    pub changed: bool,
    /// Handles of contacts the step created that are archived instead of removed: another
    /// machine logged with them (or set them a follow-up) since.
    pub archived: Vec<String>,
}

/// One operation of a step: hlc, kind (None: one this rel does not know), uid, whether it has
/// a body (a creation has none), undo image (None: none kept, or one this rel cannot read).
type StepOp = (i64, Option<Kind>, String, bool, Option<UndoImage>);

/// Reverts the latest step that is neither an undo nor undone; None when there is none.
pub fn undo_last(tx: &Connection, now_ms: i64) -> Result<Option<Undone>> {
    let Some(step) = steps(tx, 0)?
        .into_iter()
        .find(|s| s.undoes.is_none() && s.undone_by.is_none())
    else {
        return Ok(None);
    };
    let (first, last): (i64, i64) = tx.query_row(
        "SELECT first_seq, last_seq FROM sync_steps WHERE id = ?1",
        [step.id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let local = oplog::replica_id(tx)?;
    let ops: Vec<StepOp> = {
        let mut stmt = tx.prepare(
            "SELECT hlc, kind, uid, body, undo FROM sync_ops
             WHERE replica = 1 AND seq BETWEEN ?1 AND ?2 ORDER BY seq DESC",
        )?;
        let rows = stmt.query_map([first, last], |r| {
            let undo = r.get::<_, Option<String>>(4)?;
            Ok((
                r.get(0)?,
                Kind::parse(&r.get::<_, String>(1)?),
                r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                r.get::<_, Option<String>>(3)?.is_some(),
                undo.and_then(|undo| serde_json::from_str(&undo).ok()),
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut reverter = Reverter {
        conn: tx,
        local,
        touched: BTreeSet::new(),
        cadence: false,
        now: now_ms.div_euclid(1000),
        archived: Vec::new(),
    };
    // Records the step removed come back first, contacts before what refers to them.
    for wanted in [Kind::Contact, Kind::Interaction, Kind::FollowUp] {
        for (hlc, kind, uid, _, undo) in &ops {
            if *kind == Some(wanted)
                && let Some(UndoImage::Deleted(fields)) = undo
            {
                reverter.restore(wanted, uid, fields, *hlc)?;
            }
        }
    }
    for (hlc, kind, uid, has_body, undo) in &ops {
        let Some(kind) = *kind else {
            continue;
        };
        if !has_body {
            reverter.remove_created(kind, uid)?;
        } else if let Some(UndoImage::Fields(fields)) = undo {
            reverter.revert_fields(kind, uid, fields, *hlc)?;
        }
    }
    let archived = std::mem::take(&mut reverter.archived);
    reverter.finish()?;
    let label = format!("undo {}", step.label);
    let changed = capture::record(tx, now_ms, Some(&label))?.is_some();
    if !changed {
        // Nothing visible changed (later changes from elsewhere win): still a step, so the
        // next undo walks further back.
        tx.execute(
            "INSERT INTO sync_steps (first_seq, last_seq, at, label) VALUES (?1, ?1 - 1, ?2, ?3)",
            params![oplog::last_own_seq(tx)? + 1, now_ms / 1000, label],
        )?;
    }
    let undo_id = tx.last_insert_rowid();
    tx.execute(
        "UPDATE sync_steps SET undoes = ?1 WHERE id = ?2",
        [step.id, undo_id],
    )?;
    tx.execute(
        "UPDATE sync_steps SET undone_by = ?1 WHERE id = ?2",
        [undo_id, step.id],
    )?;
    Ok(Some(Undone {
        step,
        changed,
        archived,
    }))
}

struct Reverter<'c> {
    conn: &'c Connection,
    local: String,
    touched: BTreeSet<i64>,
    cadence: bool,
    /// The time of the undo (unix seconds): when a contact kept archived is archived.
    now: i64,
    archived: Vec<String>,
}

impl Reverter<'_> {
    /// Brings back a record the step removed (with its operation stamped `hlc`), as it was
    /// then, but for what other machines changed of it since, received here after the step:
    /// a field the image does not hold (a participant another machine's merge moved the
    /// interaction to) is taken from its register, as every other machine, which folds the
    /// undo on top of those registers, has it; a field another machine changed after the step
    /// keeps that change, as it does for a field the step changed. Only whether the record
    /// exists is this undo's to say.
    fn restore(&mut self, kind: Kind, uid: &str, fields: &Fields, hlc: i64) -> Result<()> {
        if entity::id_of(self.conn, kind, uid)?.is_some() {
            return Ok(());
        }
        let mut fields = fields.clone();
        for (field, stamp, value) in registers::all(self.conn, uid)? {
            let existence = matches!(field.as_str(), "removed" | "merged_into" | "alive");
            let others = stamp.replica != self.local && stamp != registers::Stamp::CREATION;
            if !existence && others && (stamp.hlc > hlc || !fields.contains_key(&field)) {
                fields.insert(field, value);
            }
        }
        if kind == Kind::Contact
            && let Some(handle) = fields.get("handle").and_then(Value::as_str)
        {
            // Taken meanwhile: it waits parked, and the write settles who holds it.
            let handle =
                super::fold::handles::Settler::default().for_new(self.conn, uid, handle)?;
            fields.insert("handle".into(), Value::String(handle));
        }
        let Some(id) = entity::insert(self.conn, kind, uid, &fields)? else {
            return Ok(());
        };
        capture::mark_restored(self.conn, kind, id)?;
        for (field, value) in fields
            .iter()
            .filter(|(f, _)| !entity::is_row_field(kind, f))
        {
            entity::set_field(self.conn, kind, id, field, value)?;
        }
        self.touch(kind, id)?;
        Ok(())
    }

    fn remove_created(&mut self, kind: Kind, uid: &str) -> Result<()> {
        // What this step created and what it did after are undone by now (newest first), so
        // what still names a contact it created came from another machine: the contact stays,
        // archived, with it, rather than take another machine's note with it.
        if kind == Kind::Contact
            && let Some(id) = entity::id_of(self.conn, kind, uid)?
            && removal::is_named(self.conn, id)?
        {
            removal::archive_unless_archived(self.conn, id, Some(self.now))?;
            self.touch(kind, id)?;
            self.archived.push(handles::handle_of(self.conn, id)?);
            return Ok(());
        }
        if let Some(id) = entity::id_of(self.conn, kind, uid)? {
            self.touch(kind, id)?;
            if kind == Kind::Contact {
                self.touched.remove(&id);
            }
            entity::delete(self.conn, kind, id)?;
        }
        Ok(())
    }

    fn revert_fields(&mut self, kind: Kind, uid: &str, fields: &Fields, hlc: i64) -> Result<()> {
        let id = entity::id_of(self.conn, kind, uid)?;
        for (field, old) in fields {
            // Another replica changed it after this step: that change stands.
            if let Some((stamp, _)) = registers::get(self.conn, uid, field)?
                && stamp.replica != self.local
                && stamp.hlc > hlc
            {
                continue;
            }
            match (kind, id) {
                (Kind::Setting, _) => {
                    entity::set_setting(self.conn, uid, old)?;
                    self.cadence |= uid == "default-every" || uid.starts_with("every.");
                }
                (_, Some(id)) => {
                    if kind == Kind::Contact
                        && field == "handle"
                        && let Some(handle) = old.as_str()
                        && contacts::handle_taken(self.conn, handle)?
                    {
                        continue;
                    }
                    self.touch(kind, id)?;
                    entity::set_field(self.conn, kind, id, field, old)?;
                    self.touch(kind, id)?;
                }
                (_, None) => {}
            }
        }
        Ok(())
    }

    fn touch(&mut self, kind: Kind, id: i64) -> Result<()> {
        match kind {
            Kind::Contact => {
                self.touched.insert(id);
            }
            Kind::Interaction => {
                self.touched.extend(participants::ids_in(self.conn, id)?);
            }
            Kind::FollowUp | Kind::Setting => {}
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        upkeep::refresh_after_batch(self.conn, &self.touched, self.cadence)
    }
}

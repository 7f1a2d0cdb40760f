//! Applying operations received from other replicas: store them (idempotent by (replica,
//! seq)), then fold them into the tables. Every field is a last-writer-wins register ordered by
//! (hybrid logical clock, replica id), so the result does not depend on the order or number of
//! times operations arrive; the tables, their maintained columns and the search index are
//! updated in the caller's transaction.

use super::handles::{self, Settler};
use super::{merge_fold, quarantine, search_upkeep, validate};
use crate::db::entity::{self, Applied, Fields, Kind};
use crate::db::upkeep;
use crate::error::Result;
use crate::sync::capture;
use crate::sync::log::clock;
use crate::sync::log::oplog::{self, Body};
use crate::sync::log::registers::{self, Stamp};
use crate::sync::remote::WireOp;
use rusqlite::{Connection, params};
use serde_json::Value;
use std::collections::{BTreeSet, HashSet};

/// What [`apply_received`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Operations that were new here.
    pub received: usize,
    /// How many replicas those came from.
    pub replicas: usize,
    /// Contacts that had to take another handle: (the handle they asked for, the one they got).
    pub renamed: Vec<(String, String)>,
    /// Operations kept but not applied: stamped more than a day ahead of this clock.
    pub held_back: usize,
}

/// Stores `ops` and applies those not seen before, in the caller's write transaction (run it
/// in a write of its own: it forgets the changes staged so far, since what it writes are other
/// replicas' operations, not this one's). Operations stamped more than a day ahead of `now`
/// are stored and applied by a later call once the clock reaches them.
pub fn apply_received(
    tx: &Connection,
    ops: &[WireOp],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<ApplyReport> {
    let now_ms = now.timestamp_millis();
    let local = oplog::replica_id(tx)?;
    let mut report = ApplyReport::default();
    let mut senders = HashSet::new();
    // Bodies are parsed and checked once, here; one that fails is stored, quarantined and
    // never applied (see `validate.rs`). Each ready body carries its seq, to name it.
    let mut ready: Vec<(Stamp, Body, i64)> = Vec::new();
    // Whether any operation is due to be applied (parsed or not: the search indexes are set
    // aside for the batch as soon as one is).
    let mut any_due = false;
    let mut seen = clock::load(tx)?;
    let any_quarantined = quarantine::any(tx)?;
    for op in ops.iter().filter(|op| op.replica != local) {
        let n = oplog::replica_number(tx, &op.replica)?;
        let checked = validate::check(&op.body);
        let kind = checked
            .as_ref()
            .map_or("unknown".to_string(), |b| b.k.name().to_string());
        let uid = checked.as_ref().ok().map(|b| b.uid.clone());
        // A refused operation is never applied, so it never waits for the clock either.
        let held = checked.is_ok() && clock::too_far_ahead(op.hlc, now_ms);
        let inserted = tx
            .prepare_cached(
                "INSERT OR IGNORE INTO sync_ops (replica, seq, hlc, kind, uid, body, held)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                n,
                op.seq,
                op.hlc,
                kind,
                uid,
                kept_body(&op.body),
                held
            ])?;
        if inserted == 0 {
            continue;
        }
        report.received += 1;
        senders.insert(op.replica.clone());
        // The remote refused a row at this place before (a forgery under this replica's id);
        // the replica's own operation has now arrived there.
        if any_quarantined && checked.is_ok() {
            quarantine::release(tx, &op.replica, op.seq)?;
        }
        match checked {
            Err(reason) => quarantine::keep(tx, &op.replica, op.seq, &reason)?,
            Ok(_) if held => {}
            Ok(body) => {
                seen = seen.max(op.hlc);
                any_due = true;
                let stamp = Stamp {
                    hlc: op.hlc,
                    replica: op.replica.clone(),
                };
                ready.push((stamp, body, op.seq));
            }
        }
    }
    // Operations held back before whose time has come.
    let waiting: Vec<(i64, i64, i64, String, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT o.replica, o.seq, o.hlc, r.uuid, o.body FROM sync_ops o
             JOIN sync_replicas r ON r.n = o.replica WHERE o.held = 1",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (n, seq, hlc, replica, body) in waiting {
        if clock::too_far_ahead(hlc, now_ms) {
            report.held_back += 1;
            continue;
        }
        tx.prepare_cached("UPDATE sync_ops SET held = 0 WHERE replica = ?1 AND seq = ?2")?
            .execute([n, seq])?;
        seen = seen.max(hlc);
        any_due = true;
        // Checked again: it may have been kept by a rel that did not check yet.
        match validate::check(&body) {
            Ok(body) => ready.push((Stamp { hlc, replica }, body, seq)),
            Err(reason) => quarantine::keep(tx, &replica, seq, &reason)?,
        }
    }
    report.replicas = senders.len();
    clock::store(tx, seen)?;
    // The search indexes are brought up to date once, at the end (see `search_upkeep`).
    let search = any_due.then(|| search_upkeep::defer(tx)).transpose()?;
    let mut fold = Fold::new(tx);
    for (replica, seq, reason) in fold.apply_all(ready)? {
        quarantine::keep(tx, &replica, seq, &reason)?;
    }
    report.renamed = fold.finish()?;
    if let Some(search) = search {
        search.restore(tx)?;
    }
    capture::discard(tx)?;
    Ok(report)
}

/// What is stored of a received body: all of it, but for one larger than any rel writes
/// (refused unread): its bytes would only bloat the journal.
pub(super) fn kept_body(body: &str) -> Option<&str> {
    (body.len() <= validate::MAX_BODY_BYTES).then_some(body)
}

/// How many times [`Fold::finish`] settles one contact at most.
const MAX_SETTLES: usize = 4;

/// An operation SQLite's constraints rejected: (replica, seq, reason).
pub type Rejected = (String, i64, String);

/// Folding state for one batch.
pub struct Fold<'c> {
    conn: &'c Connection,
    /// Contacts whose maintained columns must be recomputed.
    touched: BTreeSet<i64>,
    /// Contacts whose existence must be settled at the end (removed, or named while absent).
    settle: BTreeSet<String>,
    cadence_changed: bool,
    /// Whether a contact's `merged_into` or `removed` changed: only then can the end of a merge
    /// chain move, and only then is `sync_handed` read for what must move with it (not on
    /// every `rel log`).
    chains_changed: bool,
    handles: Settler,
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

    /// Applies operation bodies stamped as given (with their seq). Contacts first, then
    /// interactions, then follow-ups (what they refer to is then present); order does not
    /// change the result. Returns the operations SQLite's constraints rejected, as (replica,
    /// seq, reason): each is undone alone, so one bad body never stops a sync.
    pub fn apply_all(&mut self, mut ops: Vec<(Stamp, Body, i64)>) -> Result<Vec<Rejected>> {
        let mut parsed: Vec<(Kind, Stamp, Body, i64)> = Vec::new();
        for (stamp, body, seq) in ops.drain(..) {
            // Versions this rel does not know are kept in the log and skipped here.
            if body.v != oplog::BODY_VERSION {
                continue;
            }
            if let Some(kind) = body.k.known() {
                parsed.push((kind, stamp, body, seq));
            }
        }
        parsed.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        let mut rejected = Vec::new();
        for (kind, stamp, body, seq) in parsed {
            // Cached statements: a batch of 10,000 operations would otherwise parse these
            // 20,000 times.
            self.conn.prepare_cached("SAVEPOINT fold_op")?.execute([])?;
            match self.apply(kind, &stamp, &body) {
                Ok(()) => {
                    self.conn.prepare_cached("RELEASE fold_op")?.execute([])?;
                }
                Err(err) if validate::is_constraint(&err) => {
                    self.conn
                        .execute_batch("ROLLBACK TO fold_op; RELEASE fold_op")?;
                    let cause = err.message.trim_start_matches("database error: ");
                    let reason = format!("the journal's constraints refuse it ({cause})");
                    rejected.push((stamp.replica, seq, reason));
                }
                Err(err) => return Err(err),
            }
        }
        Ok(rejected)
    }

    fn apply(&mut self, kind: Kind, stamp: &Stamp, body: &Body) -> Result<()> {
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
                self.write_fields(kind, id, uid, &winners)
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

    /// Writes winning fields into an existing record.
    fn write_fields(&mut self, kind: Kind, id: i64, uid: &str, fields: &Fields) -> Result<()> {
        if kind == Kind::Interaction {
            self.touch_participants(id)?;
            if fields
                .iter()
                .any(|(field, value)| ends_participation(field, value))
            {
                self.settle_participants(id)?;
            }
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.uid FROM interaction_contacts ic JOIN contacts c ON c.id = ic.contact_id
             WHERE ic.interaction_id = ?1",
        )?;
        let uids = stmt.query_map([interaction_id], |row| row.get::<_, String>(0))?;
        for uid in uids {
            self.settle.insert(uid?);
        }
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT contact_id FROM interaction_contacts WHERE interaction_id = ?1",
        )?;
        let ids = stmt.query_map([interaction_id], |row| row.get::<_, i64>(0))?;
        for id in ids {
            self.touched.insert(id?);
        }
        Ok(())
    }

    /// Creates a record that is not here yet from its fields, when it is alive and complete.
    fn materialize(&mut self, kind: Kind, uid: &str, mut fields: Fields) -> Result<()> {
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
        self.write_fields(kind, id, uid, &rest)?;
        if kind == Kind::Contact {
            self.link_waiting(uid, id)?;
        }
        Ok(())
    }

    /// Participants, follow-ups and contacts (`via`) that named this contact before it was here.
    fn link_waiting(&mut self, uid: &str, id: i64) -> Result<()> {
        let named = Value::String(uid.to_string());
        for (introduced, _) in registers::referring(self.conn, "via", &named)? {
            if let Some(introduced_id) = entity::id_of(self.conn, Kind::Contact, &introduced)? {
                entity::set_field(self.conn, Kind::Contact, introduced_id, "via", &named)?;
                self.touched.insert(introduced_id);
            }
        }
        let field = format!("with:{uid}");
        for (interaction, position) in registers::with_field(self.conn, &field)? {
            if let Some(interaction_id) = entity::id_of(self.conn, Kind::Interaction, &interaction)?
            {
                entity::set_field(
                    self.conn,
                    Kind::Interaction,
                    interaction_id,
                    &field,
                    &position,
                )?;
            }
        }
        for (followup, _) in
            registers::referring(self.conn, "contact", &Value::String(uid.to_string()))?
        {
            match entity::id_of(self.conn, Kind::FollowUp, &followup)? {
                None => {
                    let mut fields = Fields::new();
                    for (field, _, value) in registers::all(self.conn, &followup)? {
                        fields.insert(field, value);
                    }
                    self.materialize(Kind::FollowUp, &followup, fields)?;
                }
                // Moved here (by a merge elsewhere) while this contact was not here yet.
                Some(followup_id) => {
                    entity::set_field(self.conn, Kind::FollowUp, followup_id, "contact", &named)?;
                }
            }
        }
        // Back after its merge was undone: what was handed to the target comes back here.
        let targets = merge_fold::take_back(self.conn, uid)?;
        self.resettle(targets)?;
        // Contacts merged into this one before it was here: what names them comes here now.
        for (merged, _) in registers::referring(self.conn, "merged_into", &named)? {
            self.settle.insert(merged);
        }
        self.touched.insert(id);
        Ok(())
    }

    /// Contacts a merge's give-back took something off: their maintained columns change, and
    /// one that was brought back (archived) only to hold it goes again, as on a machine that
    /// never handed it over.
    fn resettle(&mut self, contacts: Vec<i64>) -> Result<()> {
        for id in contacts {
            self.touched.insert(id);
            if let Some(uid) = entity::uid_of(self.conn, Kind::Contact, id)? {
                self.settle.insert(uid);
            }
        }
        Ok(())
    }

    /// Settles removed contacts (gone unless an interaction still holds them: then archived,
    /// at the time of the removal) and contested handles, and refreshes maintained columns.
    /// Returns the handles that had to change. The caller forgets the staged changes of these
    /// writes (after the search indexes have been brought up to date from them).
    pub fn finish(mut self) -> Result<Vec<(String, String)>> {
        // Settling one contact may bring another back (a merge target), which must then be
        // settled again, and may have contacts merged into it to settle: a contact is settled
        // a few times at most, so a cycle of merges ends.
        let mut settled: std::collections::HashMap<String, usize> = Default::default();
        loop {
            while let Some(uid) = self.settle.pop_first() {
                let times = settled.entry(uid.clone()).or_default();
                if *times < MAX_SETTLES {
                    *times += 1;
                    self.settle_contact(&uid)?;
                }
            }
            // What was handed to a target that is no longer the end of the chain moves on.
            let stale = match self.chains_changed {
                true => merge_fold::stale(self.conn)?,
                false => Vec::new(),
            };
            for merged in stale {
                if settled
                    .get(&merged)
                    .is_none_or(|times| *times < MAX_SETTLES)
                {
                    self.settle.insert(merged);
                }
            }
            if self.settle.is_empty() {
                break;
            }
        }
        let renamed = std::mem::take(&mut self.handles).finish(self.conn)?;
        upkeep::refresh_after_batch(self.conn, &self.touched, self.cadence_changed)?;
        Ok(renamed)
    }

    /// Keeps what names a contact about to go in registers: its follow-ups (their rows go
    /// with it) and the contacts it introduced (their `via` is cleared), so they come back
    /// with it if a later interaction brings the contact back, as on a replica where it
    /// never went.
    fn keep_references(&mut self, contact_id: i64, uid: &str) -> Result<()> {
        let introduced: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT uid FROM contacts WHERE via_id = ?1")?;
            let rows = stmt.query_map([contact_id], |row| row.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut via = Fields::new();
        via.insert("via".into(), Value::String(uid.to_string()));
        for other in introduced {
            registers::keep_unstamped(self.conn, &other, &via)?;
        }
        let uids: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT uid FROM followups WHERE contact_id = ?1")?;
            let rows = stmt.query_map([contact_id], |row| row.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for uid in uids {
            if let Some(fields) = entity::read(self.conn, Kind::FollowUp, &uid)? {
                registers::keep_unstamped(self.conn, &uid, &fields)?;
            }
        }
        Ok(())
    }

    /// The local id of merge target `uid`, bringing it back (archived at its removal) when it
    /// was removed here; None while it has not arrived.
    fn bring_back(&mut self, uid: &str) -> Result<Option<i64>> {
        if let Some(id) = entity::id_of(self.conn, Kind::Contact, uid)? {
            return Ok(Some(id));
        }
        let mut fields = Fields::new();
        for (field, _, value) in registers::all(self.conn, uid)? {
            fields.insert(field, value);
        }
        let Some(removed_at) = fields.remove("removed").filter(|r| !r.is_null()) else {
            return Ok(None);
        };
        if fields.get("archived_at").is_none_or(Value::is_null) {
            fields.insert("archived_at".into(), removed_at);
        }
        if !fields.contains_key("name") {
            return Ok(None);
        }
        self.materialize(Kind::Contact, uid, fields)?;
        entity::id_of(self.conn, Kind::Contact, uid)
    }

    fn settle_contact(&mut self, uid: &str) -> Result<()> {
        let removed = registers::get(self.conn, uid, "removed")?
            .map(|(_, value)| value)
            .filter(|value| !value.is_null());
        let mut present = entity::id_of(self.conn, Kind::Contact, uid)?;
        // No longer merged (removed again by `rm` after its merge): what was handed to a
        // target comes back to it (brought back archived to hold it), as on a machine that
        // never handed it; whether it stays is settled below.
        if removed.is_some() && merge_fold::target(self.conn, uid)?.is_none() {
            let targets = merge_fold::handed_to(self.conn, uid)?;
            if !targets.is_empty() {
                match present {
                    Some(_) => {
                        let targets = merge_fold::take_back(self.conn, uid)?;
                        self.resettle(targets)?;
                    }
                    None => present = self.bring_back(uid)?,
                }
                // A target brought back only to hold it goes again.
                self.settle.extend(targets);
                // Whatever did not come back (nothing needed it here) is forgotten.
                merge_fold::take_back(self.conn, uid)?;
            }
        }
        // Merged away: what still names it goes to the target, and it goes (as `rel merge`
        // removes it) rather than coming back archived.
        if removed.is_some()
            && let Some(target) = merge_fold::target(self.conn, uid)?
            && (entity::id_of(self.conn, Kind::Contact, &target)?.is_some()
                || merge_fold::holds_anything(self.conn, present, uid)?)
            && let Some(target_id) = self.bring_back(&target)?
        {
            // Handed elsewhere before a later merge moved the end of its chain: moved here.
            for (old_id, old) in merge_fold::rehand(self.conn, uid, present, &target, target_id)? {
                self.touched.insert(old_id);
                self.settle.insert(old);
            }
            merge_fold::hand_over(self.conn, present, uid, target_id, &target)?;
            self.touched.insert(target_id);
            // A target removed in turn keeps what it now holds archived, or goes.
            self.settle.insert(target);
            // Contacts merged into this one end their chain at the target now: what of theirs
            // lost to this contact's own value (and so was never handed here) may win there.
            let named = Value::String(uid.to_string());
            for (merged, _) in registers::referring(self.conn, "merged_into", &named)? {
                if merge_fold::target(self.conn, &merged)?.is_some() {
                    self.settle.insert(merged);
                }
            }
            if present.is_none() {
                // Follow-ups that waited for it (made while neither it nor the target was
                // here) are made now, on the target.
                let named = Value::String(uid.to_string());
                for (followup, _) in registers::referring(self.conn, "contact", &named)? {
                    if entity::id_of(self.conn, Kind::FollowUp, &followup)?.is_none() {
                        let mut fields = Fields::new();
                        for (field, _, value) in registers::all(self.conn, &followup)? {
                            fields.insert(field, value);
                        }
                        self.materialize(Kind::FollowUp, &followup, fields)?;
                    }
                }
                return Ok(());
            }
        }
        match (present, removed) {
            (Some(id), Some(removed_at)) => {
                if entity::has_interactions(self.conn, id)? {
                    self.conn
                        .prepare_cached("UPDATE contacts SET archived_at = coalesce(archived_at, ?2) WHERE id = ?1")?
                        .execute(params![id, removed_at.as_i64()])?;
                } else {
                    let fields = entity::read(self.conn, Kind::Contact, uid)?;
                    if let Some(fields) = &fields {
                        registers::keep_unstamped(self.conn, uid, fields)?;
                    }
                    self.keep_references(id, uid)?;
                    entity::delete(self.conn, Kind::Contact, id)?;
                    self.touched.remove(&id);
                    // Its handle may go back to one that lost it to this contact.
                    if let Some(handle) = fields
                        .as_ref()
                        .and_then(|f| f.get("handle"))
                        .and_then(Value::as_str)
                    {
                        self.handles.touch(handle);
                    }
                    if let Some(asked) = handles::asked(self.conn, uid)? {
                        self.handles.touch(&asked);
                    }
                }
            }
            (None, removed) => {
                let field = format!("with:{uid}");
                let mut held = false;
                for (interaction, _) in registers::with_field(self.conn, &field)? {
                    held |= entity::id_of(self.conn, Kind::Interaction, &interaction)?.is_some();
                }
                if !held {
                    return Ok(());
                }
                let mut fields = Fields::new();
                for (field, _, value) in registers::all(self.conn, uid)? {
                    fields.insert(field, value);
                }
                if let Some(removed_at) = removed {
                    fields.remove("removed");
                    if fields.get("archived_at").is_none_or(Value::is_null) {
                        fields.insert("archived_at".into(), removed_at);
                    }
                }
                if fields.contains_key("name") {
                    self.materialize(Kind::Contact, uid, fields)?;
                }
            }
            (Some(_), None) => {}
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

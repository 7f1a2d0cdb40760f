//! The end of a fold: whether removed contacts stay (archived while an interaction holds
//! them) or go, what a merged-away contact hands to its merge target, what waited for a
//! contact that has now arrived, and the handles and maintained columns that follow.

use super::apply::Fold;
use super::handles;
use super::merge_fold;
use crate::db::entity::{self, Fields, Kind};
use crate::db::{followups, removal, upkeep};
use crate::error::Result;
use crate::sync::log::registers;
use serde_json::Value;

/// How many times [`Fold::finish`] settles one contact at most.
const MAX_SETTLES: usize = 4;

impl Fold<'_> {
    /// Participants, follow-ups and contacts (`via`) that named this contact before it was here.
    pub(super) fn link_waiting(&mut self, uid: &str, id: i64) -> Result<()> {
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
        let introduced = removal::introduced_by(self.conn, contact_id)?;
        let mut via = Fields::new();
        via.insert("via".into(), Value::String(uid.to_string()));
        for other in introduced {
            registers::keep_unstamped(self.conn, &other, &via)?;
        }
        for uid in followups::uids_for(self.conn, contact_id)? {
            if let Some(fields) = entity::read(self.conn, Kind::FollowUp, &uid)? {
                registers::keep_unstamped(self.conn, &uid, &fields)?;
            }
        }
        Ok(())
    }

    /// The local id of merge target `uid`, bringing it back (archived at its removal) when it
    /// was removed here; None while it has not arrived.
    pub(super) fn bring_back(&mut self, uid: &str) -> Result<Option<i64>> {
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
                    removal::archive_unless_archived(self.conn, id, removed_at.as_i64())?;
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

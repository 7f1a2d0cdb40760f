//! Handing what names a merged-away contact to the end of its chain of merges (see
//! `merge_fold.rs` for the rule): its participations, follow-ups, fields and list items, each
//! remembered in `sync_handed` with what the target had before, so that it can be given back
//! (`merge_give_back.rs`) or moved on to a new end of the chain ([`rehand`]).

use super::merge_give_back::{self, Part};
use crate::db::entity::{self, Fields, Kind};
use crate::db::record_fields::LISTS;
use crate::db::{followups, participants};
use crate::error::Result;
use crate::sync::log::registers::{self, Stamp};
use rusqlite::{Connection, params};
use serde_json::Value;

/// Hands what names the merged contact `from` to `to`: participations and follow-ups of the
/// row when `from_id` is here, participations kept in registers when it is not; then its
/// fields and list items. (Follow-ups waiting for an absent `from` are redirected when they
/// are made: see `apply.rs`.)
pub fn hand_over(
    conn: &Connection,
    from_id: Option<i64>,
    from: &str,
    to_id: i64,
    to: &str,
) -> Result<()> {
    let fields = match from_id {
        Some(id) => {
            for (interaction_id, position) in participants::parts_of(conn, id)? {
                join(conn, from, to, to_id, interaction_id, position)?;
            }
            participants::leave_all(conn, id)?;
            for followup in followups::uids_for(conn, id)? {
                moved_followup(conn, from, to, &followup)?;
            }
            followups::move_all(conn, id, to_id)?;
            entity::read(conn, Kind::Contact, from)?.unwrap_or_default()
        }
        None => {
            for (interaction, position) in registers::with_field(conn, &format!("with:{from}"))? {
                if let (Some(interaction_id), Some(position)) = (
                    entity::id_of(conn, Kind::Interaction, &interaction)?,
                    position.as_i64(),
                ) {
                    join(conn, from, to, to_id, interaction_id, position)?;
                }
            }
            registers::all(conn, from)?
                .into_iter()
                .map(|(field, _, value)| (field, value))
                .collect::<Fields>()
        }
    };
    take_fields(conn, &fields, from, to_id, to)
}

/// Fields and list items of the merged contact that land on the target (see the module).
pub(super) fn take_fields(
    conn: &Connection,
    fields: &Fields,
    from: &str,
    to_id: i64,
    to: &str,
) -> Result<()> {
    let current = entity::read(conn, Kind::Contact, to)?.unwrap_or_default();
    for (field, value) in fields {
        let is_item = LISTS.iter().any(|(prefix, _, _)| field.starts_with(prefix));
        let is_field = matches!(
            field.as_str(),
            "org" | "role" | "every" | "birthday" | "note"
        );
        if !(is_item || is_field) {
            continue;
        }
        if value.is_null() || (is_item && *value != Value::Bool(true)) {
            // A later change of the merged contact cleared what an earlier one handed over:
            // the target gets back what it had, as a fresh fold never handed it.
            merge_give_back::give_back_one(conn, from, to, field)?;
            continue;
        }
        let stamp = registers::get(conn, from, field)?
            .map(|(stamp, _)| stamp)
            .unwrap_or(Stamp::CREATION);
        // A field's value the merge itself saw (the duplicate's creation) was taken by the
        // merge already, if the target lacked it: only changes to the duplicate compete.
        if is_field && stamp == Stamp::CREATION {
            continue;
        }
        let wins = match registers::get(conn, to, field)? {
            Some((held, _)) if held != Stamp::CREATION => stamp > held,
            // The target's own value (from its creation) stays; a missing one is taken.
            _ => current.get(field).is_none_or(Value::is_null),
        };
        if !wins {
            continue;
        }
        let before = registers::get(conn, to, field)?;
        let before_value = current.get(field).cloned().unwrap_or(Value::Null);
        entity::set_field(conn, Kind::Contact, to_id, field, value)?;
        if stamp != Stamp::CREATION {
            registers::put(conn, to, field, &stamp, value)?;
        }
        let (before_hlc, before_by) = match &before {
            Some((held, _)) => (Some(held.hlc), Some(held.replica.clone())),
            None => (None, None),
        };
        record(
            conn,
            from,
            to,
            field,
            &stamp,
            (&before_value, before_hlc, before_by),
        )?;
    }
    Ok(())
}

/// Adds the target to one interaction the merged contact took part in, and remembers it (with
/// the merged contact's position, to put it back if the merge is undone). A target that took
/// part already on its own is remembered as such ([`ALREADY`]): what was handed may move on
/// to another target (see [`rehand`]) or back, the target's own part stays.
fn join(
    conn: &Connection,
    from: &str,
    to: &str,
    to_id: i64,
    interaction_id: i64,
    position: i64,
) -> Result<()> {
    let Some(interaction) = entity::uid_of(conn, Kind::Interaction, interaction_id)? else {
        return Ok(());
    };
    let field = format!("part:{interaction}");
    let added = participants::join(conn, interaction_id, to_id, position)?;
    let own = added == 0 && handed_by_others(conn, from, to, &field)? == 0;
    let before = (
        &Value::from(position),
        None,
        own.then(|| ALREADY.to_string()),
    );
    record(conn, from, to, &field, &Stamp::CREATION, before)
}

/// A change ended the merged contact `merged`'s part in `interaction` after the fold handed
/// it to a target: the target's part goes too (unless it took part on its own, or by another
/// merge, or a change of its own put it there), as a fresh fold never hands it. Returns the
/// targets touched.
pub fn end_part(conn: &Connection, interaction: &str, merged: &str) -> Result<Vec<i64>> {
    let field = format!("part:{interaction}");
    let rows: Vec<(String, Option<String>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT target, before_by FROM sync_handed WHERE merged = ?1 AND field = ?2",
        )?;
        let rows = stmt.query_map([merged, &field], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut touched = Vec::new();
    let Some(interaction_id) = entity::id_of(conn, Kind::Interaction, interaction)? else {
        return Ok(touched);
    };
    let part = Part {
        interaction,
        interaction_id,
        field: &field,
    };
    for (target, before_by) in rows {
        part.take_off(conn, merged, &target, before_by.as_deref(), &mut touched, 0)?;
    }
    conn.prepare_cached("DELETE FROM sync_handed WHERE merged = ?1 AND field = ?2")?
        .execute([merged, &field])?;
    Ok(touched)
}

/// Whether a change ended `contact`'s part in `interaction` (its `with:` register is null):
/// nothing of it is handed on or brought back.
pub(super) fn ended(conn: &Connection, interaction: &str, contact: &str) -> Result<bool> {
    Ok(
        registers::get(conn, interaction, &format!("with:{contact}"))?
            .is_some_and(|(_, position)| position.is_null()),
    )
}

/// Marks (as `before_by`) a participation handed to a target that took part already.
pub(super) const ALREADY: &str = "already";

/// How many other merged contacts handed `field` (a participation) to `to` too.
pub(super) fn handed_by_others(
    conn: &Connection,
    from: &str,
    to: &str,
    field: &str,
) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM sync_handed WHERE target = ?2 AND field = ?3 AND merged <> ?1",
        )?
        .query_row([from, to, field], |row| row.get(0))?)
}

/// Remembers a follow-up of `from` that now belongs to `to` (moved, or made there).
pub fn moved_followup(conn: &Connection, from: &str, to: &str, followup: &str) -> Result<()> {
    let before = (&Value::Null, None, None);
    record(
        conn,
        from,
        to,
        &format!("followup:{followup}"),
        &Stamp::CREATION,
        before,
    )
}

/// Remembers one thing handed from `from` to `to` (see `sync_handed`).
fn record(
    conn: &Connection,
    from: &str,
    to: &str,
    field: &str,
    handed: &Stamp,
    (before, before_hlc, before_by): (&Value, Option<i64>, Option<String>),
) -> Result<()> {
    // Handed again (a later change of the merged contact): the stamp is the new one, what the
    // target had before the first hand-over stays what it gets back.
    conn.prepare_cached(
        "INSERT INTO sync_handed
         (merged, target, field, handed_hlc, handed_by, before, before_hlc, before_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (merged, target, field) DO UPDATE
         SET handed_hlc = excluded.handed_hlc, handed_by = excluded.handed_by",
    )?
    .execute(params![
        from,
        to,
        field,
        handed.hlc,
        handed.replica,
        serde_json::to_string(before)?,
        before_hlc,
        before_by
    ])?;
    Ok(())
}

/// The end of the merged contact's chain is now `to` (local id `to_id`): what was handed to
/// another target comes off it (as `take_back` gives it back), and the participations and
/// follow-ups go to `to` (when the merged contact is not here to take them back itself);
/// fields and list items follow with the hand-over that comes next. Returns the contacts
/// touched (the old targets, to be settled again: one brought back only to hold what was
/// handed goes).
pub fn rehand(
    conn: &Connection,
    merged: &str,
    merged_id: Option<i64>,
    to: &str,
    to_id: i64,
) -> Result<Vec<(i64, String)>> {
    let rows: Vec<(String, String, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT target, field, before FROM sync_handed
             WHERE merged = ?1 AND target <> ?2 ORDER BY 1, 2",
        )?;
        let rows = stmt.query_map([merged, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut old: Vec<(i64, String)> = Vec::new();
    for (target, _, _) in &rows {
        if let Some(id) = entity::id_of(conn, Kind::Contact, target)?
            && !old.iter().any(|(_, uid)| uid == target)
        {
            old.push((id, target.clone()));
        }
    }
    // Follow-ups still on an old target that are there only by the hand-over.
    let mut followups = Vec::new();
    for (target, field, _) in &rows {
        if let Some(followup) = field.strip_prefix("followup:") {
            let moved_there = registers::get(conn, followup, "contact")?
                .is_some_and(|(_, contact)| contact.as_str() == Some(target.as_str()));
            if !moved_there {
                followups.push((target.clone(), followup.to_string()));
            }
        }
    }
    merge_give_back::give_back(conn, merged, Some(to))?;
    if merged_id.is_some() {
        // Back on the merged contact: the hand-over takes them from there.
        return Ok(old);
    }
    for (_, followup) in followups {
        // Wherever the hand-overs took it (the old target, or what that was merged into
        // since, taking the follow-up along), it is `to`'s by this hand-over now, and goes
        // back from there if the merge is undone; unless a change moved it elsewhere.
        let moved_by_change = registers::get(conn, &followup, "contact")?
            .is_some_and(|(_, contact)| contact.as_str() != Some(merged));
        if moved_by_change {
            continue;
        }
        let moved = followups::move_to(conn, &followup, to_id)?;
        if moved > 0 {
            moved_followup(conn, merged, to, &followup)?;
        }
    }
    for (_, field, before) in &rows {
        if let (Some(interaction), Some(position)) = (
            field.strip_prefix("part:"),
            serde_json::from_str::<Value>(before)
                .ok()
                .and_then(|p| p.as_i64()),
        ) && !ended(conn, interaction, merged)?
            && let Some(interaction_id) = entity::id_of(conn, Kind::Interaction, interaction)?
        {
            join(conn, merged, to, to_id, interaction_id, position)?;
        }
    }
    Ok(old)
}

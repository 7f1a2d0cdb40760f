//! Taking back what a merge handed over (see `merge_fold.rs`): the merged contact is back (its
//! merge undone, or removed again by `rm`), or the end of its chain moved. Everything the fold
//! handed to a target comes off it, unless the target changed it since, so every machine ends
//! as one that never handed it over.
//!
//! A target may itself have been merged on since (Cy merged into Bo, then Bo into Ed): what it
//! was handed then travelled on with its own things, and comes off the next target too, with
//! the same care (issue 22's last gap: a machine that received Bo's merge between Cy's merge
//! and its undo kept Cy's org, tags, part or follow-up on Ed, where a fresh fold never put
//! them).

use super::merge_hand_over::{ALREADY, ended, handed_by_others, take_fields};
use crate::db::entity::{self, Fields, Kind};
use crate::db::record_fields::LISTS;
use crate::db::{followups, participants};
use crate::error::Result;
use crate::sync::log::registers::{self, Stamp};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

/// How many merges in a row are followed (a merged into b merged into c…); a loop ends it.
pub(super) const MAX_CHAIN: usize = 16;

/// One row of `sync_handed` as given back: target, field, handed stamp, before (value, hlc,
/// replica).
type Row = (
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
);

/// Gives back what was handed from `merged` (see `merge_fold::take_back`); with `keep`, only
/// what was handed to other targets than `keep`. Returns the contacts touched.
pub(super) fn give_back(conn: &Connection, merged: &str, keep: Option<&str>) -> Result<Vec<i64>> {
    let rows: Vec<Row> = {
        let mut stmt = conn.prepare_cached(
            "SELECT target, field, handed_hlc, handed_by, before, before_hlc, before_by
             FROM sync_handed WHERE merged = ?1 AND target IS NOT ?2",
        )?;
        let rows = stmt.query_map(params![merged, keep], |r| r.try_into())?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut touched = Vec::new();
    let merged_id = entity::id_of(conn, Kind::Contact, merged)?;
    for (target, field, hlc, by, before, before_hlc, before_by) in rows {
        touched.extend(entity::id_of(conn, Kind::Contact, &target)?);
        if let Some(followup) = field.strip_prefix("followup:") {
            // Where it is now: on the target, or on what the target was merged into since.
            let holders = onward(conn, &target, &field)?;
            // Back to the merged contact, unless a later change moved it to a holder.
            let moved_there =
                registers::get(conn, followup, "contact")?.is_some_and(|(_, contact)| {
                    holders.iter().any(|h| contact.as_str() == Some(h.as_str()))
                });
            if let (false, Some(merged_id)) = (moved_there, merged_id) {
                for holder in &holders {
                    if let Some(holder_id) = entity::id_of(conn, Kind::Contact, holder)? {
                        followups::move_from(conn, followup, holder_id, merged_id)?;
                        touched.push(holder_id);
                    }
                }
            }
            continue;
        }
        if let Some(interaction) = field.strip_prefix("part:") {
            let Some(interaction_id) = entity::id_of(conn, Kind::Interaction, interaction)? else {
                continue;
            };
            let part = Part {
                interaction,
                interaction_id,
                field: &field,
            };
            part.take_off(conn, merged, &target, before_by.as_deref(), &mut touched, 0)?;
            // Back where it was (a participation its own machine made has no register to
            // bring it back by), unless a later change ended it.
            if !ended(conn, interaction, merged)?
                && let (Some(merged_id), Some(position)) = (
                    merged_id,
                    serde_json::from_str::<Value>(&before)
                        .ok()
                        .and_then(|p| p.as_i64()),
                )
            {
                participants::join(conn, interaction_id, merged_id, position)?;
            }
            continue;
        }
        let handed = Stamp { hlc, replica: by };
        let before = (before.as_str(), before_hlc, before_by);
        give_back_field(
            conn,
            merged,
            &target,
            &field,
            handed,
            before,
            &mut touched,
            0,
        )?;
    }
    conn.prepare_cached("DELETE FROM sync_handed WHERE merged = ?1 AND target IS NOT ?2")?
        .execute(params![merged, keep])?;
    if keep.is_some() {
        return Ok(touched);
    }
    // A contact brought back by this machine's own undo is written from its image at its
    // removal: list items other machines added since (kept as registers) are its own too, as
    // on a machine that folds them from scratch.
    if let Some(merged_id) = merged_id {
        for (field, stamp, value) in registers::all(conn, merged)? {
            let is_item = LISTS.iter().any(|(prefix, _, _)| field.starts_with(prefix));
            if is_item && stamp != Stamp::CREATION && value == Value::Bool(true) {
                entity::set_field(conn, Kind::Contact, merged_id, &field, &value)?;
            }
        }
        touched.push(merged_id);
    }
    Ok(touched)
}

/// `holder` and the contacts it handed `field` on to since (merged on in turn), following the
/// chain; the rows of those onward hand-overs are forgotten (what they moved goes back).
fn onward(conn: &Connection, holder: &str, field: &str) -> Result<Vec<String>> {
    let mut holders = vec![holder.to_string()];
    let mut at = 0;
    while at < holders.len() && holders.len() <= MAX_CHAIN {
        let next: Vec<String> = {
            let mut stmt = conn.prepare_cached(
                "SELECT target FROM sync_handed WHERE merged = ?1 AND field = ?2 ORDER BY 1",
            )?;
            let rows = stmt.query_map([&holders[at], field], |row| row.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        conn.prepare_cached("DELETE FROM sync_handed WHERE merged = ?1 AND field = ?2")?
            .execute([&holders[at], field])?;
        holders.extend(
            next.into_iter()
                .filter(|n| !holders.contains(n))
                .collect::<Vec<_>>(),
        );
        at += 1;
    }
    Ok(holders)
}

/// A participation handed over by a merge that comes off again.
pub(super) struct Part<'a> {
    pub interaction: &'a str,
    pub interaction_id: i64,
    /// `part:` and the interaction's uid (the `sync_handed` field).
    pub field: &'a str,
}

impl Part<'_> {
    /// `from` handed its part to `holder` (marked `before_by`): the holder's part goes, unless
    /// it took part on its own, by another merge, or a change of its own put it there; and
    /// what the holder handed on of it since (merged on in turn) goes the same way.
    pub(super) fn take_off(
        &self,
        conn: &Connection,
        from: &str,
        holder: &str,
        before_by: Option<&str>,
        touched: &mut Vec<i64>,
        depth: usize,
    ) -> Result<()> {
        let backed = registers::get(conn, self.interaction, &format!("with:{holder}"))?
            .is_some_and(|(_, position)| !position.is_null());
        let kept = backed
            || before_by == Some(ALREADY)
            || handed_by_others(conn, from, holder, self.field)? > 0;
        if kept || depth > MAX_CHAIN {
            return Ok(());
        }
        if let Some(holder_id) = entity::id_of(conn, Kind::Contact, holder)? {
            participants::leave(conn, self.interaction_id, holder_id)?;
            touched.push(holder_id);
        }
        let next: Vec<(String, Option<String>)> = {
            let mut stmt = conn.prepare_cached(
                "SELECT target, before_by FROM sync_handed WHERE merged = ?1 AND field = ?2
                 ORDER BY 1",
            )?;
            let rows = stmt.query_map([holder, self.field], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        conn.prepare_cached("DELETE FROM sync_handed WHERE merged = ?1 AND field = ?2")?
            .execute([holder, self.field])?;
        for (next, before_by) in next {
            self.take_off(
                conn,
                holder,
                &next,
                before_by.as_deref(),
                touched,
                depth + 1,
            )?;
        }
        Ok(())
    }
}

/// A change of the target's own `field` that arrived after a merge handed it a newer value
/// (so it lost, and no register keeps it) is what the target would hold without that
/// hand-over: it becomes the `before` of every hand-over of the field it lost to and is newer
/// than, so giving the hand-over back restores it, as on a machine that received the change
/// first (issue 22: seed 24 of the simulation cleared an archived target's org this way).
pub(super) fn lost_to_hand_over(
    conn: &Connection,
    target: &str,
    field: &str,
    change: &Stamp,
    value: &Value,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_handed SET before = ?3, before_hlc = ?4, before_by = ?5
         WHERE target = ?1 AND field = ?2
           AND (handed_hlc, handed_by) > (?4, ?5)
           AND (before_hlc IS NULL OR (before_hlc, before_by) < (?4, ?5))",
    )?
    .execute(params![
        target,
        field,
        serde_json::to_string(value)?,
        change.hlc,
        change.replica
    ])?;
    Ok(())
}

/// A hand-over's stamp and what the target had before: hlc, replica, value, hlc, replica.
type Handed = (i64, String, String, Option<i64>, Option<String>);

/// Gives back the field or list item `field` handed from `merged` to `target`, if it was
/// (see [`give_back_field`]), and forgets the hand-over.
pub(super) fn give_back_one(
    conn: &Connection,
    merged: &str,
    target: &str,
    field: &str,
) -> Result<()> {
    let row: Option<Handed> = conn
        .prepare_cached(
            "SELECT handed_hlc, handed_by, before, before_hlc, before_by FROM sync_handed
             WHERE merged = ?1 AND target = ?2 AND field = ?3",
        )?
        .query_row([merged, target, field], |r| r.try_into())
        .optional()?;
    let Some((hlc, by, before, before_hlc, before_by)) = row else {
        return Ok(());
    };
    conn.prepare_cached(
        "DELETE FROM sync_handed WHERE merged = ?1 AND target = ?2 AND field = ?3",
    )?
    .execute([merged, target, field])?;
    let handed = Stamp { hlc, replica: by };
    let before = (before.as_str(), before_hlc, before_by);
    give_back_field(
        conn,
        merged,
        target,
        field,
        handed,
        before,
        &mut Vec::new(),
        0,
    )
}

/// Gives back one field or list item handed from `merged` to `target` with stamp `handed`,
/// unless the target changed it since; a target not here holds its fields in registers only.
/// What the target handed on of it (merged on in turn) is given back the same way, and the
/// target's own change of it, if any, then goes on as a fresh hand-over takes it.
#[allow(clippy::too_many_arguments)]
fn give_back_field(
    conn: &Connection,
    merged: &str,
    target: &str,
    field: &str,
    handed: Stamp,
    (before, before_hlc, before_by): (&str, Option<i64>, Option<String>),
    touched: &mut Vec<i64>,
    depth: usize,
) -> Result<()> {
    let now = registers::get(conn, target, field)?.map(|(stamp, _)| stamp);
    if now.unwrap_or(Stamp::CREATION) != handed {
        // The target changed it since: that change stands. A hand-over from another
        // merged contact on top of this one goes back, when it does, to what this one
        // found (not to this value, given back now).
        conn.prepare_cached(
            "UPDATE sync_handed SET before = ?1, before_hlc = ?2, before_by = ?3
             WHERE target = ?4 AND field = ?5 AND before_hlc = ?6 AND before_by = ?7
               AND merged <> ?8",
        )?
        .execute(params![
            before,
            before_hlc,
            before_by,
            target,
            field,
            handed.hlc,
            handed.replica,
            merged
        ])?;
        return Ok(());
    }
    let target_id = entity::id_of(conn, Kind::Contact, target)?;
    let before: Value = serde_json::from_str(before).unwrap_or(Value::Null);
    let is_item = field.contains(':');
    // A list item the target held already (a later change of its own lost to the merged
    // contact's only by stamp) stays; one it lacked goes.
    let restored = if is_item {
        Value::Bool(before == Value::Bool(true))
    } else {
        before.clone()
    };
    if let Some(target_id) = target_id {
        entity::set_field(conn, Kind::Contact, target_id, field, &restored)?;
        touched.push(target_id);
    }
    match (before_hlc, before_by) {
        (Some(hlc), Some(replica)) => {
            registers::put(conn, target, field, &Stamp { hlc, replica }, &before)?
        }
        // A target not here keeps its creation value in an unstamped register.
        _ if target_id.is_none() && !is_item => {
            registers::put(conn, target, field, &Stamp::CREATION, &before)?
        }
        _ => {
            conn.prepare_cached("DELETE FROM sync_fields WHERE uid = ?1 AND field = ?2")?
                .execute([target, field])?;
        }
    }
    if depth >= MAX_CHAIN {
        return Ok(());
    }
    // Merged on since: what it handed on with this stamp comes off the next target too.
    let onward: Vec<(String, String, Option<i64>, Option<String>)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT target, before, before_hlc, before_by FROM sync_handed
             WHERE merged = ?1 AND field = ?2 AND handed_hlc = ?3 AND handed_by = ?4 ORDER BY 1",
        )?;
        let rows = stmt.query_map(params![target, field, handed.hlc, handed.replica], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (next, next_before, next_before_hlc, next_before_by) in onward {
        conn.prepare_cached(
            "DELETE FROM sync_handed WHERE merged = ?1 AND target = ?2 AND field = ?3",
        )?
        .execute([target, &next, field])?;
        let next_before = (next_before.as_str(), next_before_hlc, next_before_by);
        give_back_field(
            conn,
            target,
            &next,
            field,
            handed.clone(),
            next_before,
            touched,
            depth + 1,
        )?;
        // The target's own change of the field, given back to it above, goes on instead.
        if let (Some(next_id), Some((stamp, value))) = (
            entity::id_of(conn, Kind::Contact, &next)?,
            registers::get(conn, target, field)?,
        ) && stamp != Stamp::CREATION
        {
            let mut own = Fields::new();
            own.insert(field.to_string(), value);
            take_fields(conn, &own, target, next_id, &next)?;
            touched.push(next_id);
        }
    }
    Ok(())
}

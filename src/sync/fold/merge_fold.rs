//! A contact merged away on one machine while another worked with it (issue 22, point 5).
//!
//! `rel merge` records the removal of the duplicate with `merged_into` = the target's uid (in
//! the same operation as `removed`, see `capture.rs`). When the fold settles such a contact,
//! whatever still names it — an interaction or a follow-up another machine added concurrently,
//! tags and fields it gave it — is handed to the target instead of bringing the duplicate back
//! archived, on every machine, whichever arrives first: the duplicate then goes as a merge
//! leaves it. The merge's own rule decides fields: a change made to the duplicate fills a
//! field the target lacks, and wins over the target's value only when that value was itself a
//! change stamped earlier (the target keeps what it was created with). List items (tags,
//! emails, phones, aliases) are a union, as `rel merge` makes them.

use super::merge_give_back::{self, MAX_CHAIN};
use crate::db::entity::{self, Kind};
use crate::db::removal;
use crate::error::Result;
use crate::sync::log::registers;
use rusqlite::Connection;
use serde_json::Value;

// What is handed over, and how, is `merge_hand_over.rs`; it is named from here, the fold's
// one door to merges.
pub(super) use super::merge_hand_over::{end_part, hand_over, moved_followup, rehand};

/// The contact what names `uid` belongs to, when `uid` was removed by a merge: the end of its
/// chain of merges (a merged into b merged into c…), wherever that contact is (here or not,
/// removed or not), so every machine picks the same one whatever arrived first. Merges that
/// went both ways on two machines (a cycle) end at the smallest uid of the cycle. None when
/// `uid` was not merged away, or is that end itself.
pub fn target(conn: &Connection, uid: &str) -> Result<Option<String>> {
    let mut chain = vec![uid.to_string()];
    while chain.len() <= MAX_CHAIN {
        let current = chain.last().cloned().unwrap_or_default();
        let Some(next) = merged_into(conn, &current)? else {
            return Ok(Some(current).filter(|end| end != uid));
        };
        if let Some(start) = chain.iter().position(|c| *c == next) {
            let end = chain[start..].iter().min().cloned();
            return Ok(end.filter(|end| end != uid));
        }
        chain.push(next);
    }
    Ok(None)
}

/// Whether the merged contact `uid` (local id `present`, if here) still holds something a
/// target absent here would have to come back for: an interaction, a follow-up (here, or
/// waiting for it). Fields and list items alone never bring a removed target back.
pub fn holds_anything(conn: &Connection, present: Option<i64>, uid: &str) -> Result<bool> {
    if let Some(id) = present {
        return removal::is_named(conn, id);
    }
    for (interaction, _) in registers::with_field(conn, &format!("with:{uid}"))? {
        if entity::id_of(conn, Kind::Interaction, &interaction)?.is_some() {
            return Ok(true);
        }
    }
    for (followup, _) in registers::referring(conn, "contact", &Value::String(uid.into()))? {
        if entity::id_of(conn, Kind::FollowUp, &followup)?.is_none() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `merged_into` counts only as part of the removal it came with: a contact brought back (an
/// undone merge) and removed again with `rm` is no merge.
fn merged_into(conn: &Connection, uid: &str) -> Result<Option<String>> {
    let (Some((merged_stamp, into)), Some((removed_stamp, removed))) = (
        registers::get(conn, uid, "merged_into")?,
        registers::get(conn, uid, "removed")?,
    ) else {
        return Ok(None);
    };
    if merged_stamp != removed_stamp || removed.is_null() {
        return Ok(None);
    }
    Ok(into
        .as_str()
        .filter(|into| *into != uid)
        .map(str::to_string))
}

/// A merged contact is back (its merge undone): what was handed from it to its target goes
/// back, unless the target changed it since, so every machine ends as one that never handed
/// it over (its own participations and follow-ups come back through its registers). Returns
/// the targets touched.
pub fn take_back(conn: &Connection, merged: &str) -> Result<Vec<i64>> {
    merge_give_back::give_back(conn, merged, None)
}

/// The targets something was handed to from `merged`.
pub fn handed_to(conn: &Connection, merged: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT DISTINCT target FROM sync_handed WHERE merged = ?1")?;
    let rows = stmt.query_map([merged], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Merged contacts whose chain of merges now ends elsewhere than where the fold handed what
/// named them (a later merge of them, or of a contact further up their chain, won the
/// `merged_into` register): they must be settled again, so that what was handed moves to the
/// new end, as on a machine that received the merges in the other order.
pub fn stale(conn: &Connection) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = {
        let mut stmt =
            conn.prepare_cached("SELECT DISTINCT merged, target FROM sync_handed ORDER BY 1, 2")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut stale = Vec::new();
    for (merged, handed_to) in rows {
        // No end at all: no longer merged (removed again by `rm`, say), it takes back what
        // was handed, as a fresh fold never handed it.
        if target(conn, &merged)?.is_none_or(|end| end != handed_to)
            && stale.last() != Some(&merged)
        {
            stale.push(merged);
        }
    }
    Ok(stale)
}

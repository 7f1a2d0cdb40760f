//! Two contacts created on different machines with the same handle: the one created first
//! (creation time, then uid) keeps it, the others take the next free `-2`, `-3`… in that same
//! order. The whole group asking for a handle is settled at once, so every replica ends with
//! the same handles whatever order the contacts arrived in. A contact keeps the handle it
//! asked for as a creation-time register, so a later arrival can settle the group again.

use super::registers;
use crate::db::contacts;
use crate::db::entity::Fields;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;

struct Member {
    created_at: i64,
    uid: String,
    id: Option<i64>,
    current: Option<String>,
}

/// The handle `uid` (created at `created_at`, not necessarily written yet) gets when it asks
/// for `wanted`; other contacts of the group are renamed, each rename added to `renamed` as
/// (asked for, got).
pub fn settle(
    conn: &Connection,
    uid: &str,
    created_at: i64,
    wanted: &str,
    renamed: &mut Vec<(String, String)>,
) -> Result<String> {
    settle_reserving(conn, uid, created_at, wanted, renamed, &[])
}

/// [`settle`], never dealing out a handle of `reserved` (given to a contact not written yet).
fn settle_reserving(
    conn: &Connection,
    uid: &str,
    created_at: i64,
    wanted: &str,
    renamed: &mut Vec<(String, String)>,
    reserved: &[String],
) -> Result<String> {
    // Those asking for `wanted`: holding it as created (no other handle asked for since), or
    // asking for it by a register.
    let mut members: Vec<Member> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, uid, created_at, handle FROM contacts c WHERE handle = ?1
               AND NOT EXISTS (SELECT 1 FROM sync_fields f WHERE f.uid = c.uid
                               AND f.field = 'handle' AND f.value != json_quote(?1))
             UNION SELECT c.id, c.uid, c.created_at, c.handle FROM sync_fields f
                   JOIN contacts c ON c.uid = f.uid
                   WHERE f.field = 'handle' AND f.value = json_quote(?1)",
        )?;
        let rows = stmt.query_map([wanted], |row| {
            Ok(Member {
                id: Some(row.get(0)?),
                uid: row.get(1)?,
                created_at: row.get(2)?,
                current: Some(row.get(3)?),
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // A contact holding `wanted` only because it lost its own handle earlier (`bob-2`, asked
    // for `bob`) gives it up to one that asks for it, and is dealt a handle of its own group
    // again. So every replica ends the same whichever arrived first.
    let squatter: Option<(i64, String, i64, String)> = conn
        .prepare_cached(
            "SELECT c.id, c.uid, c.created_at, f.value FROM contacts c
             JOIN sync_fields f ON f.uid = c.uid AND f.field = 'handle'
             WHERE c.handle = ?1 AND f.value != json_quote(?1)",
        )?
        .query_row([wanted], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })
        .optional()?;
    if let Some((id, squatter_uid, _, _)) = &squatter
        && squatter_uid != uid
    {
        conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE id = ?1")?
            .execute(params![id, format!(" {squatter_uid}")])?;
    }
    if !members.iter().any(|m| m.uid == uid) {
        members.push(Member {
            created_at,
            uid: uid.to_string(),
            id: None,
            current: None,
        });
    }
    if members.len() == 1 && squatter.as_ref().is_none_or(|s| s.1 == uid) {
        return Ok(wanted.to_string());
    }
    members.sort_by(|a, b| (a.created_at, &a.uid).cmp(&(b.created_at, &b.uid)));
    // Step aside first, so the handles can be dealt out in order without a UNIQUE clash. A
    // space never occurs in a handle.
    for member in &members {
        if let Some(id) = member.id {
            conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE id = ?1")?
                .execute(params![id, format!(" {}", member.uid)])?;
        }
        let mut asked = Fields::new();
        asked.insert("handle".into(), Value::String(wanted.to_string()));
        registers::keep_unstamped(conn, &member.uid, &asked)?;
    }
    let mut mine = wanted.to_string();
    // Handles dealt to contacts not written yet are not in the table: keep them out of reach.
    let mut dealt = reserved.to_vec();
    for (place, member) in members.iter().enumerate() {
        let handle = if place == 0 {
            wanted.to_string()
        } else {
            next_free(conn, wanted, &dealt)?
        };
        dealt.push(handle.clone());
        if let Some(id) = member.id {
            conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE id = ?1")?
                .execute(params![id, handle])?;
        }
        if member.current.as_deref() != Some(handle.as_str()) && handle != wanted {
            renamed.push((wanted.to_string(), handle.clone()));
        }
        if member.uid == uid {
            mine = handle;
        }
    }
    if let Some((id, squatter_uid, created, asked)) = squatter
        && squatter_uid != uid
        && let Ok(Value::String(asked)) = serde_json::from_str::<Value>(&asked)
    {
        let before = format!(" {squatter_uid}");
        let mut keep = reserved.to_vec();
        keep.push(mine.clone());
        let handle = settle_reserving(conn, &squatter_uid, created, &asked, renamed, &keep)?;
        conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE id = ?1 AND handle = ?3")?
            .execute(params![id, handle, before])?;
    }
    Ok(mine)
}

fn next_free(conn: &Connection, base: &str, reserved: &[String]) -> Result<String> {
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !reserved.contains(&candidate) && !contacts::handle_taken(conn, &candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// After the contact holding `handle` is gone: the first of those still asking for it (a
/// contact that lost it to the one removed) takes it back, as a replica that never saw the
/// removed contact would have dealt it.
pub fn release(conn: &Connection, handle: &str, renamed: &mut Vec<(String, String)>) -> Result<()> {
    if contacts::handle_taken(conn, handle)? {
        return Ok(());
    }
    let first: Option<(String, i64)> = conn
        .prepare_cached(
            "SELECT c.uid, c.created_at FROM sync_fields f JOIN contacts c ON c.uid = f.uid
             WHERE f.field = 'handle' AND f.value = json_quote(?1)
             ORDER BY c.created_at, c.uid LIMIT 1",
        )?
        .query_row([handle], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    if let Some((uid, created_at)) = first {
        let got = settle(conn, &uid, created_at, handle, renamed)?;
        conn.prepare_cached("UPDATE contacts SET handle = ?2 WHERE uid = ?1")?
            .execute(params![uid, got])?;
    }
    Ok(())
}

//! Two contacts created on different machines with the same handle: the one created first
//! (creation time, then uid) keeps it, the others take the next free `-2`, `-3`… in that same
//! order. The whole group asking for a handle is settled at once, so every replica ends with
//! the same handles whatever order the contacts arrived in. A contact keeps the handle it
//! asked for as a creation-time register, so a later arrival can settle the group again.

use super::registers;
use crate::db::contacts;
use crate::db::entity::Fields;
use crate::error::Result;
use rusqlite::{Connection, params};
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
    let mut members: Vec<Member> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, uid, created_at, handle FROM contacts WHERE handle = ?1
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
    if !members.iter().any(|m| m.uid == uid) {
        members.push(Member {
            created_at,
            uid: uid.to_string(),
            id: None,
            current: None,
        });
    }
    if members.len() == 1 {
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
    for (place, member) in members.iter().enumerate() {
        let handle = if place == 0 {
            wanted.to_string()
        } else {
            next_free(conn, wanted)?
        };
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
    Ok(mine)
}

fn next_free(conn: &Connection, base: &str) -> Result<String> {
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !contacts::handle_taken(conn, &candidate)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

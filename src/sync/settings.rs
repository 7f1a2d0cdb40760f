//! The sync settings kept in the database: which remote, the key, and how far the last sync
//! got. SQL for the `sync_remote*` tables lives here, beside the sync code that owns them.

use super::remote::RemoteKind;
use super::remote::sealed::seal::SyncKey;
use crate::error::{Error, Result};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The remote and key `rel sync init` recorded.
#[derive(Debug, Clone)]
pub struct SyncSettings {
    pub remote: RemoteKind,
    /// Folder and git remotes are encrypted; PostgreSQL is not (the business's database is the
    /// boundary), so it has none.
    pub key: Option<SyncKey>,
    pub sent_seq: i64,
    pub last_sync_at: Option<i64>,
}

/// The settings, or None when `rel sync init` has not run.
pub fn load(conn: &Connection) -> Result<Option<SyncSettings>> {
    let row = conn
        .query_row(
            "SELECT kind, location, branch, workspace, key, sent_seq, last_sync_at
             FROM sync_remote WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, Option<String>>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, Option<i64>>(6)?,
                ))
            },
        )
        .optional()?;
    let Some((kind, location, branch, workspace, key, sent_seq, last_sync_at)) = row else {
        return Ok(None);
    };
    let remote = match kind.as_str() {
        "folder" => RemoteKind::Folder {
            dir: PathBuf::from(location),
        },
        "git" => RemoteKind::Git {
            url: location,
            branch: branch.unwrap_or_else(|| "rel-sync".to_string()),
        },
        _ => RemoteKind::Postgres {
            url: location,
            workspace: workspace.unwrap_or_else(|| "default".to_string()),
        },
    };
    let key = match key {
        Some(text) => Some(
            SyncKey::parse(&text)
                .map_err(|_| Error::runtime("the sync key stored in the database is damaged"))?,
        ),
        None => None,
    };
    Ok(Some(SyncSettings {
        remote,
        key,
        sent_seq,
        last_sync_at,
    }))
}

/// Records the remote and key (once: `sync init` refuses a journal already set up).
pub fn save(conn: &Connection, remote: &RemoteKind, key: Option<&SyncKey>) -> Result<()> {
    let (kind, location, branch, workspace) = match remote {
        RemoteKind::Folder { dir } => ("folder", dir.display().to_string(), None, None),
        RemoteKind::Git { url, branch } => ("git", url.clone(), Some(branch.as_str()), None),
        RemoteKind::Postgres { url, workspace } => {
            ("postgres", url.clone(), None, Some(workspace.as_str()))
        }
    };
    conn.execute(
        "INSERT INTO sync_remote (id, kind, location, branch, workspace, key)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![kind, location, branch, workspace, key.map(SyncKey::to_hex)],
    )?;
    Ok(())
}

/// Forgets the remote and everything learnt from it (`sync init --replace`): the next sync
/// starts as a first one, sending this replica's whole history. What this journal received
/// from other replicas stays (it is in the operation log, not here).
pub fn forget(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM sync_remote_heads", [])?;
    conn.execute("DELETE FROM sync_remote WHERE id = 1", [])?;
    Ok(())
}

/// Records the time of a sync that found nothing new (`last sync` in `sync status`).
pub fn record_sync_time(conn: &Connection, now: i64) -> Result<()> {
    conn.execute(
        "UPDATE sync_remote SET last_sync_at = ?1 WHERE id = 1 AND last_sync_at IS NOT ?1",
        params![now],
    )?;
    Ok(())
}

/// This member's name in a team workspace (the PostgreSQL role `rel sync init --postgres`
/// connected as); None outside a team (no remote, or a folder or git remote): there, no
/// contact is anyone's by default and `rel due` shows everything.
pub fn member(conn: &Connection) -> Result<Option<String>> {
    // Read in db/ (the importer needs it there, and db/ does not call up into sync/).
    crate::db::owner::member(conn)
}

/// Records this member's name (at `sync init`, or at the first sync of a journal set up by a
/// rel that did not keep it).
pub fn set_member(conn: &Connection, member: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_remote SET member = ?1 WHERE id = 1",
        params![member],
    )?;
    Ok(())
}

/// Records how far a sync got: this replica's head on the remote and every replica's.
pub fn record_progress(
    conn: &Connection,
    sent_seq: i64,
    remote_heads: &BTreeMap<String, i64>,
    now: i64,
) -> Result<()> {
    conn.execute(
        "UPDATE sync_remote SET sent_seq = max(sent_seq, ?1), last_sync_at = ?2 WHERE id = 1",
        params![sent_seq, now],
    )?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO sync_remote_heads (replica, seq) VALUES (?1, ?2)
         ON CONFLICT (replica) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?;
    for (replica, seq) in remote_heads {
        upsert.execute(params![replica, seq])?;
    }
    Ok(())
}

/// Every replica's head on the remote as of the last sync.
pub fn remote_heads(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut statement = conn.prepare("SELECT replica, seq FROM sync_remote_heads")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest sequence number this replica has written (its operations are numbered 1, 2, 3…
/// without gaps, so the unsent ones are counted without reading them).
pub fn own_head(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(seq), 0) FROM sync_ops WHERE replica = 1",
        [],
        |row| row.get(0),
    )?)
}

/// Whether received operations are waiting for this clock to reach their stamp (they are
/// applied by the next sync that finds their time has come, even with nothing new to fetch).
pub fn has_held_back(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sync_ops WHERE held = 1)",
        [],
        |row| row.get(0),
    )?)
}

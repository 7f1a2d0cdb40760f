//! Names a person recognises for replicas: each replica publishes its machine's host name on
//! the remote (a small file in its own folder, sealed like everything else on a folder or git
//! remote, so the remote's host learns nothing), and every sync keeps the names it finds, for
//! `rel sync status`. (In a team on PostgreSQL a replica is shown by its member instead.) How
//! a folder or git remote keeps the names: `remote/sealed/names.rs`.

use super::remote::{self, Remote};
use crate::db::Db;
use crate::error::Result;
use rusqlite::{Connection, params};
use std::collections::BTreeMap;

/// This machine's host name, if it has a usable one.
pub fn host_name() -> Option<String> {
    let mut buffer = [0u8; 256];
    // SAFETY: gethostname writes at most buffer.len() bytes into a buffer we own.
    let done = unsafe { libc::gethostname(buffer.as_mut_ptr().cast(), buffer.len()) };
    if done != 0 {
        return None;
    }
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    let name = String::from_utf8_lossy(&buffer[..end]).trim().to_string();
    remote::usable_name(&name).then_some(name)
}

/// At each sync: publishes this machine's name, and keeps the names the others published.
pub fn exchange(db: &mut Db, remote: &mut dyn Remote) -> Result<()> {
    if let Some(name) = host_name() {
        remote.announce(&name)?;
    }
    let found = remote.names()?;
    let known = load(db.conn())?;
    if found
        .iter()
        .all(|(replica, name)| known.get(replica) == Some(name))
    {
        return Ok(());
    }
    db.write(|tx| {
        let mut upsert = tx.prepare_cached(
            "INSERT INTO sync_replica_names (replica, name) VALUES (?1, ?2)
             ON CONFLICT (replica) DO UPDATE SET name = excluded.name",
        )?;
        for (replica, name) in &found {
            upsert.execute(params![replica, name])?;
        }
        Ok(())
    })
}

/// The names known for other replicas (from the last syncs).
pub fn load(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let mut statement = conn.prepare("SELECT replica, name FROM sync_replica_names")?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

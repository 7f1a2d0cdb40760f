//! An empty folder is not a new remote. A sync folder on a drive that is not mounted is an
//! empty mount point; a git branch can be deleted or a host replaced. Taking such a place for
//! a fresh remote would send this replica's whole history into it while the other machines
//! keep syncing through the real one: two journals, both saying `up to date`. So a journal
//! that has synced with a remote before refuses one that holds none of its data; pointing it
//! at a new remote on purpose is `rel sync init … --replace`.

use super::remote::{Remote, RemoteKind};
use super::settings::{self, SyncSettings};
use crate::error::{Error, Result};
use rusqlite::Connection;
use std::collections::BTreeSet;

/// What this journal knows of its remote before the sync starts.
pub struct Journal {
    remote: RemoteKind,
    /// A sync with this remote completed before (or sent something to it).
    synced_before: bool,
    /// This replica and every replica this journal has seen on the remote or received from.
    known: BTreeSet<String>,
    /// Whether the last sync saw any replica's operations on the remote.
    saw_operations: bool,
}

impl Journal {
    pub fn load(conn: &Connection, settings: &SyncSettings, own: &str) -> Result<Journal> {
        let heads = settings::remote_heads(conn)?;
        let received = super::received_heads(conn)?;
        let mut known: BTreeSet<String> = heads.keys().chain(received.keys()).cloned().collect();
        known.insert(own.to_string());
        Ok(Journal {
            remote: settings.remote.clone(),
            synced_before: settings.last_sync_at.is_some() || settings.sent_seq > 0,
            saw_operations: heads.values().any(|&seq| seq > 0),
            known,
        })
    }
}

/// The start of every `rel sync`: checks the remote and the key, then that the remote still
/// holds this journal, then lets the remote tidy this replica's own files
/// ([`Remote::tidy`]).
pub fn open_for_sync(remote: &mut dyn Remote, journal: &Journal) -> Result<()> {
    remote.check()?;
    expect_journal(remote, journal)?;
    remote.tidy()
}

/// Exit 1, nothing written, when the remote holds none of this journal's data although this
/// journal synced with it before.
fn expect_journal(remote: &mut dyn Remote, journal: &Journal) -> Result<()> {
    if !journal.synced_before {
        return Ok(());
    }
    let holds = match remote.holds_this_journal()? {
        // A folder or git remote: every replica leaves its key-check there at `sync init`,
        // so even a journal that never sent anything is recognised by its key.
        Some(holds) => holds,
        // PostgreSQL: only operations tell; a remote that held none before proves nothing.
        None => {
            let heads = remote.heads()?;
            !journal.saw_operations || heads.keys().any(|replica| journal.known.contains(replica))
        }
    };
    if holds {
        return Ok(());
    }
    Err(none_of_this_journal(&journal.remote))
}

fn none_of_this_journal(remote: &RemoteKind) -> Error {
    match remote {
        RemoteKind::Folder { dir } => Error::runtime(format!(
            "{} holds none of this journal's data — is the drive mounted?",
            dir.display()
        ))
        .with_hint(
            "nothing was changed; if the sync folder moved, run 'rel sync init --folder NEW \
             --replace'",
        ),
        RemoteKind::Git { .. } | RemoteKind::Postgres { .. } => Error::runtime(format!(
            "{} holds none of this journal's data — was it reset or replaced?",
            remote.describe()
        ))
        .with_hint(
            "nothing was changed; to sync through another remote, run 'rel sync init … \
             --replace'",
        ),
    }
}

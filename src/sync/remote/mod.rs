//! What every remote offers to the sync engine. A remote stores operations per replica, in
//! gap-free sequence order; it never edits what a replica wrote, and needs no lock: each replica
//! appends only its own operations. How a remote packs them (encrypted segment files in a
//! folder or git, rows in PostgreSQL) is its own business.
//!
//! The engine never knows which remote it drives: [`open`] turns the journal's settings into a
//! `Box<dyn Remote>`, and everything that differs between remotes (a folder to make, key-check
//! files to leave and repair, members) is a method of [`Remote`] with a default for remotes
//! that have none of it. [`memory::MemoryRemote`] keeps operations in the process, for tests.

pub mod memory;
pub mod postgres;
pub mod sealed;
pub(in crate::sync) mod secrets;

use self::postgres::PgRemote;
use self::sealed::folder::FolderRemote;
use self::sealed::git::GitRemote;
use self::sealed::seal::SyncKey;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::sync::log::WireOp;

/// Where a journal syncs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteKind {
    Folder { dir: PathBuf },
    Git { url: String, branch: String },
    Postgres { url: String, workspace: String },
}

impl RemoteKind {
    /// How `sync status` names the remote.
    pub fn describe(&self) -> String {
        match self {
            RemoteKind::Folder { dir } => format!("folder {}", dir.display()),
            RemoteKind::Git { url, branch } => {
                // `https://user:TOKEN@…`: the credentials are never printed.
                let shown = secrets::redact_urls(url);
                format!("git {shown} (branch {branch})")
            }
            RemoteKind::Postgres { url, workspace } => {
                // The URL may carry a password: never print it.
                let shown = postgres::conninfo::ConnInfo::redacted(url);
                format!("postgres {shown} (workspace {workspace})")
            }
        }
    }
}

/// An operation a remote found but would not hand over for applying, and why: a row of
/// PostgreSQL whose database-stamped author is not the role its replica belongs to. The seam
/// to the quarantine: the sync reports these (replica, seq, author) and never applies them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Refused {
    pub replica: String,
    pub seq: i64,
    /// Who wrote it, as the remote says.
    pub author: Option<String>,
    /// Why it is refused, for the warning (`written by role 'alice', but …`).
    pub reason: String,
    /// True for a gap: `seq` is missing from the remote, and this replica's operations after
    /// it wait (not applied now, applied once it arrives). False: this row is never applied.
    pub waits: bool,
}

/// A place operations are exchanged through. `Send`: a sync pushes on a thread of its own
/// while it reads the next page of operations from the journal.
pub trait Remote: Send {
    /// Checks that the remote can be reached and, where it is encrypted, that the key opens
    /// it. Called before anything local changes; an error here leaves the journal untouched.
    fn check(&mut self) -> Result<()>;

    /// The highest sequence number the remote holds for each replica.
    fn heads(&mut self) -> Result<BTreeMap<String, i64>>;

    /// The operations of `replica` with `seq > after`, in sequence order and without gaps.
    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>>;

    /// Appends operations of one replica (contiguous, in sequence order). Idempotent: pushing
    /// operations the remote already holds again changes nothing, so a push cut short can be
    /// retried whole.
    fn push(&mut self, ops: &[WireOp]) -> Result<()>;

    /// Who this replica writes as, where the remote knows members (a PostgreSQL role); None
    /// for remotes without members (folder, git).
    fn member(&mut self) -> Result<Option<String>> {
        Ok(None)
    }

    /// What was found wrong on the remote and skipped since the last call (files that are
    /// links, damaged, too large…), one line each, for `rel sync` to print as warnings.
    fn warnings(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Replicas the remote holds two different histories of (two databases wrote as one
    /// replica id), and the first sequence number where they part, as seen by the last
    /// [`Remote::heads`]. Remotes that cannot hold two histories (PostgreSQL's key refuses a
    /// second row for a sequence number) return none.
    fn forked(&mut self) -> BTreeMap<String, i64> {
        BTreeMap::new()
    }

    /// The member replica `replica` belongs to, as of the last [`Remote::heads`], where the
    /// remote knows members (PostgreSQL roles; the author its operations must carry), else
    /// None.
    fn owner(&mut self, _replica: &str) -> Option<String> {
        None
    }

    /// Publishes this replica's name (the machine's host name) where the remote keeps one.
    fn announce(&mut self, _name: &str) -> Result<()> {
        Ok(())
    }

    /// The names other replicas published (replica id → name); empty where the remote keeps
    /// none.
    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        Ok(BTreeMap::new())
    }

    /// The operations [`Remote::heads`] and [`Remote::fetch`] came across and refused since
    /// the last call (each named once per call), in (replica, seq) order. Remotes that check
    /// nothing of their own return none.
    fn take_refused(&mut self) -> Vec<Refused> {
        Vec::new()
    }

    /// `rel sync init`, first: makes the remote where rel may make it (a missing sync folder).
    /// Never called by `rel sync`: a sync folder that is gone (a drive not mounted) must not
    /// come back empty.
    fn create(&mut self) -> Result<()> {
        Ok(())
    }

    /// `rel sync init` with a new key: whether other replicas already wrote here (another
    /// journal lives there, and a new key would not open its files).
    fn holds_other_journal(&mut self) -> Result<bool> {
        Ok(false)
    }

    /// `rel sync init`, last: checks the key against what the other replicas left, then leaves
    /// what the next machine's key is checked against (this replica's key-check file). A
    /// remote without a key only checks that it can be reached.
    fn prepare(&mut self) -> Result<()> {
        self.check()
    }

    /// After [`Remote::check`]: whether the remote holds any file this journal's key opens.
    /// None where only operations can tell (a remote without a key).
    fn holds_this_journal(&mut self) -> Result<Option<bool>> {
        Ok(None)
    }

    /// At the start of every sync, once the remote is known to be this journal's: removes
    /// what a killed run of this replica left behind and repairs this replica's key-check file
    /// if it was damaged, so it never blocks anyone for good.
    fn tidy(&mut self) -> Result<()> {
        Ok(())
    }
}

/// What opening a remote takes besides its settings.
pub struct Opening<'a> {
    /// Which remote, as `rel sync init` recorded it.
    pub kind: &'a RemoteKind,
    /// The journal's sync key (folder and git remotes are sealed with it).
    pub key: Option<&'a SyncKey>,
    /// This replica's id: the only one whose operations it pushes.
    pub replica: &'a str,
    /// This replica's private folder (see [`crate::sync::cache`]): the git clone lives there.
    pub cache: &'a Path,
}

/// How the engine gets its remote: [`open`] for the one the settings name, anything else in
/// tests. The engine may open more than once: a journal that finds it is a copy moves to a new
/// replica id and starts over as that one.
pub type Opener<'a> = dyn FnMut(&Opening) -> Result<Box<dyn Remote>> + 'a;

/// Opens the remote the settings name. Only PostgreSQL reaches out here (it connects);
/// folder and git remotes are first touched by the call that needs them.
pub fn open(at: &Opening) -> Result<Box<dyn Remote>> {
    let need_key = || {
        at.key
            .cloned()
            .ok_or_else(|| Error::runtime("the sync key is missing from the database"))
    };
    let own = at.replica.to_string();
    Ok(match at.kind {
        RemoteKind::Folder { dir } => Box::new(FolderRemote::new(dir.clone(), need_key()?, own)),
        RemoteKind::Git { url, branch } => Box::new(GitRemote::new(
            url.clone(),
            branch.clone(),
            at.cache.join("git"),
            need_key()?,
            own,
        )),
        RemoteKind::Postgres { url, workspace } => Box::new(PgRemote::connect(url, workspace)?),
    })
}

/// Refuses settings no remote could be opened with (exit 2), before anything is recorded.
pub fn validate(kind: &RemoteKind) -> Result<()> {
    match kind {
        RemoteKind::Git { url, branch } => GitRemote::validate(url, branch),
        RemoteKind::Folder { .. } | RemoteKind::Postgres { .. } => Ok(()),
    }
}

/// Marks the error a push returns when the remote got this replica's sequence numbers from
/// another database while the sync ran: the sync starts over and compares again.
const WRITTEN_MEANWHILE: &str = "another database wrote as this replica during the sync";

pub fn written_meanwhile() -> Error {
    Error::runtime(WRITTEN_MEANWHILE).with_hint("run 'rel sync' again")
}

pub fn is_written_meanwhile(err: &Error) -> bool {
    err.message == WRITTEN_MEANWHILE
}

/// Longer names are not a host name: ignored.
const MAX_NAME: usize = 255;

/// Whether `name` may stand for a replica (a host name a machine publishes, or one read back
/// from a remote): not empty, not over [`MAX_NAME`] bytes, no control characters.
pub fn usable_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= MAX_NAME && !name.chars().any(char::is_control)
}

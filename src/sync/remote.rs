//! What every remote offers to the sync engine. A remote stores operations per replica, in
//! gap-free sequence order; it never edits what a replica wrote, and needs no lock: each replica
//! appends only its own operations. How a remote packs them (encrypted segment files in a
//! folder or git, rows in PostgreSQL) is its own business.

use crate::error::Result;
use std::collections::BTreeMap;

/// One operation as it travels between replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireOp {
    /// The replica that wrote it (a UUID in text form).
    pub replica: String,
    /// Its place in that replica's log: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// Its hybrid-logical-clock stamp, packed as an integer (wall-clock milliseconds << 16 |
    /// counter), so remotes can store and compare it without knowing the layout.
    pub hlc: i64,
    /// The member who wrote it, where the remote knows members (PostgreSQL roles), else None.
    pub author: Option<String>,
    /// The operation itself as JSON text; remotes store it without reading it.
    pub body: String,
}

/// A place operations are exchanged through.
pub trait Remote {
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

    /// Publishes this replica's name (the machine's host name) where the remote keeps one.
    fn announce(&mut self, _name: &str) -> Result<()> {
        Ok(())
    }

    /// The names other replicas published (replica id → name); empty where the remote keeps
    /// none.
    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        Ok(BTreeMap::new())
    }
}

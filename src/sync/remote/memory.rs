//! A remote kept in the process: what the engine and the remote contract suite run against
//! when no folder, git repository or server should be involved. It holds operations exactly
//! as the others promise to (per replica, gap-free, a push idempotent and all or nothing), and
//! nothing else: no key, no members, no files to damage.

use super::{Remote, WireOp};
use crate::error::{Error, Result};
use crate::sync::log::oplog;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

#[derive(Default)]
struct Held {
    /// Each replica's operations, in sequence order from 1, without gaps.
    ops: BTreeMap<String, Vec<WireOp>>,
    /// The names replicas published (replica id → name).
    names: BTreeMap<String, String>,
}

/// One remote's operations in memory, shared by every handle made from it with
/// [`MemoryRemote::as_replica`] (one per replica syncing through it).
#[derive(Clone, Default)]
pub struct MemoryRemote {
    // Shared like the files of a folder: a remote is sent to the thread that pushes.
    held: Arc<Mutex<Held>>,
    own: String,
}

impl MemoryRemote {
    /// An empty remote.
    pub fn new() -> MemoryRemote {
        MemoryRemote::default()
    }

    /// A handle on the same operations for replica `own`, as a remote opened by that replica.
    pub fn as_replica(&self, own: &str) -> MemoryRemote {
        MemoryRemote {
            held: Arc::clone(&self.held),
            own: own.to_string(),
        }
    }
}

impl MemoryRemote {
    fn held(&self) -> MutexGuard<'_, Held> {
        // Every change to `Held` is whole before the lock is let go, so a panic elsewhere
        // leaves nothing half done.
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Remote for MemoryRemote {
    fn check(&mut self) -> Result<()> {
        Ok(())
    }

    fn heads(&mut self) -> Result<BTreeMap<String, i64>> {
        let held = self.held();
        Ok(held
            .ops
            .iter()
            .filter_map(|(replica, ops)| Some((replica.clone(), ops.last()?.seq)))
            .collect())
    }

    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        let held = self.held();
        let ops = held.ops.get(replica).map(Vec::as_slice).unwrap_or_default();
        Ok(ops.iter().filter(|op| op.seq > after).cloned().collect())
    }

    fn push(&mut self, ops: &[WireOp]) -> Result<()> {
        let Some(first) = ops.first() else {
            return Ok(());
        };
        if first.seq < 1
            || ops.iter().any(|op| op.replica != self.own)
            || ops.windows(2).any(|pair| pair[1].seq != pair[0].seq + 1)
        {
            return Err(Error::runtime(
                "internal: a push must be this replica's operations, in order without gaps",
            ));
        }
        let mut held = self.held();
        let log = held.ops.entry(self.own.clone()).or_default();
        let head = log.last().map_or(0, |op| op.seq);
        if first.seq > head + 1 {
            return Err(Error::runtime(format!(
                "internal: a push from seq {} to a remote that holds up to seq {head}",
                first.seq
            )));
        }
        // Checked whole before anything is kept: a push is all or nothing.
        for op in ops.iter().filter(|op| op.seq <= head) {
            let stored = &log[(op.seq - 1) as usize];
            if !oplog::same_change(&stored.body, &op.body) {
                return Err(super::written_meanwhile());
            }
        }
        log.extend(ops.iter().filter(|op| op.seq > head).cloned());
        Ok(())
    }

    fn announce(&mut self, name: &str) -> Result<()> {
        let own = self.own.clone();
        self.held().names.insert(own, name.to_string());
        Ok(())
    }

    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        let held = self.held();
        Ok(held
            .names
            .iter()
            .filter(|(replica, _)| **replica != self.own)
            .map(|(replica, name)| (replica.clone(), name.clone()))
            .collect())
    }
}

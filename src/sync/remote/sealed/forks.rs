//! Two histories of one replica in a folder or git remote. A database restored from a backup,
//! or copied to a second machine, writes as the replica id it was copied with; when both
//! copies write before either sees the other's files (a cloud folder carries them late), the
//! replica's folder holds two different versions of the same sequence numbers. Segment names
//! carry a tag of their bytes, so neither file replaced the other; here they are found.
//!
//! Every machine reads such a replica only up to where the versions part (the same point
//! whatever order the files arrived in), and each writer that finds its own id there moves to
//! a new replica id, sending its operations from that point again (see `fork.rs`): the two
//! histories then travel as two replicas, and nothing of either is lost.

use super::folder::FolderStore;
use super::ranges::Named;
use super::segment;
use crate::error::Result;
use crate::sync::remote::WireOp;
use std::collections::BTreeMap;

impl FolderStore {
    /// The first sequence number at which `replica`'s segments hold two different operations,
    /// if any. Only overlapping segments are opened (rare: a sync killed between writing and
    /// recording writes its operations again, and two writers of one id overlap), so a folder
    /// without forks costs nothing more than its listing.
    pub(super) fn fork_point(&self, replica: &str, named: &[Named]) -> Result<Option<i64>> {
        if let Some((listed, found)) = self.forks_seen.borrow().get(replica)
            && listed.as_slice() == named
        {
            return Ok(*found);
        }
        let found = self.find_fork(replica, named)?;
        if let Some(fork) = found {
            self.warn(format!(
                "replica {replica} wrote two different histories from its change {fork} on (a \
                 restored backup or a copied journal); its changes from there on are read once \
                 it continues as a new replica"
            ));
        }
        self.forks_seen
            .borrow_mut()
            .insert(replica.to_string(), (named.to_vec(), found));
        Ok(found)
    }

    fn find_fork(&self, replica: &str, named: &[Named]) -> Result<Option<i64>> {
        let mut opened: BTreeMap<String, Option<Vec<WireOp>>> = BTreeMap::new();
        let mut fork: Option<i64> = None;
        // `named` is sorted by range: each segment is compared with those starting inside it.
        for (i, ((_, last), name)) in named.iter().enumerate() {
            for ((first_b, _), name_b) in &named[i + 1..] {
                if first_b > last {
                    break;
                }
                if fork.is_some_and(|f| f <= *first_b) {
                    continue;
                }
                let a = self.opened(replica, named, name, &mut opened)?;
                let b = self.opened(replica, named, name_b, &mut opened)?;
                if let (Some(a), Some(b)) = (a, b)
                    && let Some(seq) = first_difference(&a, &b)
                {
                    fork = Some(fork.map_or(seq, |f| f.min(seq)));
                }
            }
        }
        Ok(fork)
    }

    /// The operations of one segment, read and opened once per search (None when it cannot
    /// be: a damaged file is no history, and is named elsewhere).
    fn opened(
        &self,
        replica: &str,
        named: &[Named],
        name: &str,
        cache: &mut BTreeMap<String, Option<Vec<WireOp>>>,
    ) -> Result<Option<Vec<WireOp>>> {
        if let Some(ops) = cache.get(name) {
            return Ok(ops.clone());
        }
        let range = named
            .iter()
            .find(|(_, n)| n == name)
            .map(|(range, _)| *range);
        let ops = match (range, self.read(replica, name)?) {
            (Some(range), Some(bytes)) => segment::decode(&self.key, replica, range, &bytes).ok(),
            _ => None,
        };
        cache.insert(name.to_string(), ops.clone());
        Ok(ops)
    }
}

/// The first sequence number both hold with different changes.
fn first_difference(a: &[WireOp], b: &[WireOp]) -> Option<i64> {
    let by_seq: BTreeMap<i64, &WireOp> = b.iter().map(|op| (op.seq, op)).collect();
    a.iter().find_map(|op| {
        let other = by_seq.get(&op.seq)?;
        (!crate::sync::log::oplog::same_change(&op.body, &other.body)).then_some(op.seq)
    })
}

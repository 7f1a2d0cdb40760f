//! An id or uid a file repeats: the file is not one export, and which of the two records is
//! meant cannot be told, so the import stops (exit 2) naming the second, with or without
//! `--skip-invalid`.

use super::Apply;
use crate::db::import as store;
use crate::error::{Error, Result};
use foldhash::HashSet;

/// The ids (per section) and the interaction and follow-up uids a file has used. Uids are
/// kept as 64-bit hashes (a million interactions in 16 MB, not 100); a hash seen before is
/// confirmed against the database, where the first record with that uid was just written.
/// foldhash, not std's SipHash: the input is the user's own file, and these sets take a
/// million inserts in a large restore.
#[derive(Default)]
pub(super) struct Seen {
    ids: [HashSet<i64>; 3],
    uid_hashes: [HashSet<u64>; 2],
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Contact = 0,
    Interaction = 1,
    FollowUp = 2,
}

impl Kind {
    fn section(self) -> &'static str {
        ["contacts", "interactions", "followups"][self as usize]
    }
}

fn uid_hash(uid: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(uid)
}

/// A record repeating an id or uid is not a record to skip: the file is not one export, and
/// which of the two is meant cannot be told. Exit 2 naming it, with or without --skip-invalid.
pub(super) fn repeated(kind: Kind, index: usize, what: &str) -> Error {
    Error::usage(format!(
        "{} record {index} repeats {what} from an earlier record",
        kind.section()
    ))
    .with_hint("nothing was imported; each record of a file needs its own id and uid")
}

impl Apply<'_> {
    /// Fails when the file already used this record's id (in the same section).
    pub(super) fn check_id(&mut self, kind: Kind, index: usize, id: Option<i64>) -> Result<()> {
        if let Some(id) = id
            && !self.seen.ids[kind as usize].insert(id)
        {
            return Err(repeated(kind, index, &format!("id {id}")));
        }
        Ok(())
    }

    /// Fails when an earlier interaction or follow-up of the file had this uid.
    pub(super) fn check_uid(&mut self, kind: Kind, index: usize, uid: &str) -> Result<()> {
        let hash = uid_hash(uid);
        let slot = match kind {
            Kind::Interaction => 0,
            _ => 1,
        };
        if self.seen.uid_hashes[slot].contains(&hash) {
            let stored = match kind {
                Kind::Interaction => store::interaction_by_uid(self.conn, uid)?,
                _ => store::followup_by_uid(self.conn, uid)?,
            };
            if stored.is_some() {
                return Err(repeated(kind, index, &format!("uid '{uid}'")));
            }
        }
        Ok(())
    }

    pub(super) fn remember_uid(&mut self, kind: Kind, uid: &str) {
        let slot = match kind {
            Kind::Interaction => 0,
            _ => 1,
        };
        self.seen.uid_hashes[slot].insert(uid_hash(uid));
    }
}

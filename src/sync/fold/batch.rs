//! A batch of operations folded in one order: contacts first, then interactions, then
//! follow-ups (what they refer to is then present), each kind by stamp; order does not change
//! the result. Operations are applied in runs under one savepoint each; a run in which SQLite's
//! constraints refuse one is undone and applied again one operation per savepoint, so only the
//! refused one is undone and one bad body never stops a sync.

use super::apply::{Fold, Rejected};
use super::validate;
use crate::db::entity::Kind;
use crate::error::Result;
use crate::sync::log::oplog::{self, Body};
use crate::sync::log::registers::Stamp;

/// A received operation waiting for its turn in [`Fold::apply_pending`]: what orders it, and
/// where its body is stored (`sync_ops`, by replica number and seq), read back when its turn
/// comes: the batch holds neither 10,000 parsed bodies (20 MB of maps and strings) nor
/// their 6 MB of text while it is folded.
pub struct Pending {
    pub kind: Kind,
    pub stamp: Stamp,
    /// The sender's number in `sync_replicas`.
    pub replica_n: i64,
    pub seq: i64,
}

impl Pending {
    /// The checked operation `body`, stored as `replica_n`'s `seq`, waiting for its turn,
    /// unless this rel does not fold it: versions it does not know are kept in the log and
    /// skipped here, as are kinds it does not know.
    pub fn of(checked: &Body, hlc: i64, replica: &str, replica_n: i64, seq: i64) -> Option<Self> {
        if checked.v != oplog::BODY_VERSION {
            return None;
        }
        Some(Pending {
            kind: checked.k.known()?,
            stamp: Stamp {
                hlc,
                replica: replica.to_string(),
            },
            replica_n,
            seq,
        })
    }
}

/// How many operations share one savepoint. A savepoint copies each page it finds already in
/// the file the first time one of its operations changes it (SQLite's statement journal, in
/// memory here): one per operation copied the same tail and index pages again for each of
/// them. Larger runs copy less; the copies of one run are held until it ends.
const OPS_PER_SAVEPOINT: usize = 64;

impl Fold<'_> {
    /// Applies operation bodies, each read from `sync_ops` when its turn comes. Each was
    /// checked already (`validate::check`). Returns the operations SQLite's constraints
    /// rejected, as (replica, seq, reason).
    pub fn apply_pending(&mut self, mut ops: Vec<Pending>) -> Result<Vec<Rejected>> {
        ops.sort_by(|a, b| (a.kind, &a.stamp).cmp(&(b.kind, &b.stamp)));
        let mut rejected = Vec::new();
        for chunk in ops.chunks(OPS_PER_SAVEPOINT) {
            self.conn
                .prepare_cached("SAVEPOINT fold_chunk")?
                .execute([])?;
            match self.apply_chunk(chunk) {
                Ok(()) => {
                    self.conn
                        .prepare_cached("RELEASE fold_chunk")?
                        .execute([])?;
                }
                Err(err) if validate::is_constraint(&err) => {
                    self.conn
                        .execute_batch("ROLLBACK TO fold_chunk; RELEASE fold_chunk")?;
                    // Again, one by one, so only the operation SQLite refuses is undone. The
                    // fold's own state keeps what the first try added: every entry is a set
                    // member or a first value, which the second try adds again alike (ops
                    // before the refused one saw the same journal both times), as a refused
                    // operation's entries stay when it is undone alone.
                    for op in chunk {
                        let body = self.stored_body(op)?;
                        rejected.extend(self.apply_one(
                            op.kind,
                            op.stamp.clone(),
                            &body,
                            op.seq,
                        )?);
                    }
                }
                Err(err) => return Err(err),
            }
        }
        Ok(rejected)
    }

    /// Applies a run of bodies with no savepoint of their own: the first one SQLite's
    /// constraints refuse ends the run with its error.
    fn apply_chunk(&mut self, chunk: &[Pending]) -> Result<()> {
        for op in chunk {
            let body = self.stored_body(op)?;
            self.apply(op.kind, &op.stamp, &body)?;
        }
        Ok(())
    }

    /// The body of `op` as `sync_ops` holds it.
    fn stored_body(&self, op: &Pending) -> Result<Body> {
        let text: String = self
            .conn
            .prepare_cached("SELECT body FROM sync_ops WHERE replica = ?1 AND seq = ?2")?
            .query_row([op.replica_n, op.seq], |row| row.get(0))?;
        Ok(serde_json::from_str(&text)?)
    }

    /// Applies one body under a savepoint of its own; a body SQLite's constraints refuse is
    /// undone alone and returned as rejected.
    fn apply_one(
        &mut self,
        kind: Kind,
        stamp: Stamp,
        body: &Body,
        seq: i64,
    ) -> Result<Option<Rejected>> {
        // Cached statements: a batch of 10,000 operations would otherwise parse these 20,000
        // times.
        self.conn.prepare_cached("SAVEPOINT fold_op")?.execute([])?;
        match self.apply(kind, &stamp, body) {
            Ok(()) => {
                self.conn.prepare_cached("RELEASE fold_op")?.execute([])?;
                Ok(None)
            }
            Err(err) if validate::is_constraint(&err) => {
                self.conn
                    .execute_batch("ROLLBACK TO fold_op; RELEASE fold_op")?;
                let cause = err.message.trim_start_matches("database error: ");
                let reason = format!("the journal's constraints refuse it ({cause})");
                Ok(Some((stamp.replica, seq, reason)))
            }
            Err(err) => Err(err),
        }
    }
}

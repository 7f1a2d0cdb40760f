//! A batch of operations folded in one order: contacts first, then interactions, then
//! follow-ups (what they refer to is then present), each kind by stamp; order does not change
//! the result. Each operation is applied under a savepoint of its own, so one that SQLite's
//! constraints refuse is undone alone and one bad body never stops a sync.

use super::apply::{Fold, Rejected};
use super::validate;
use crate::db::entity::Kind;
use crate::error::Result;
use crate::sync::log::oplog::{self, Body};
use crate::sync::log::registers::Stamp;

/// A received operation waiting for its turn in [`Fold::apply_pending`]: what orders it, and
/// its body as text.
pub struct Pending<'a> {
    pub kind: Kind,
    pub stamp: Stamp,
    pub seq: i64,
    pub body: &'a str,
}

impl<'a> Pending<'a> {
    /// The checked operation `body` (`text` as received) waiting for its turn, unless this rel
    /// does not fold it: versions it does not know are kept in the log and skipped here, as
    /// are kinds it does not know.
    pub fn of(checked: &Body, text: &'a str, hlc: i64, replica: &str, seq: i64) -> Option<Self> {
        if checked.v != oplog::BODY_VERSION {
            return None;
        }
        Some(Pending {
            kind: checked.k.known()?,
            stamp: Stamp {
                hlc,
                replica: replica.to_string(),
            },
            seq,
            body: text,
        })
    }
}

impl Fold<'_> {
    /// Applies operation bodies, each read from its text when its turn comes: a batch of
    /// 10,000 received operations holds 10,000 small entries, not 10,000 parsed bodies (20 MB
    /// of maps and strings). Each was checked already (`validate::check`). Returns the
    /// operations SQLite's constraints rejected, as (replica, seq, reason).
    pub fn apply_pending(&mut self, mut ops: Vec<Pending>) -> Result<Vec<Rejected>> {
        ops.sort_by(|a, b| (a.kind, &a.stamp).cmp(&(b.kind, &b.stamp)));
        let mut rejected = Vec::new();
        for op in ops {
            let body: Body = serde_json::from_str(op.body)?;
            rejected.extend(self.apply_one(op.kind, op.stamp, &body, op.seq)?);
        }
        Ok(rejected)
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

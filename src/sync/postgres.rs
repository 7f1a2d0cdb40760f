//! The PostgreSQL remote: operations are rows of `rel.operations`, keyed by (workspace,
//! replica, seq). A push is one transaction of `INSERT … ON CONFLICT DO NOTHING`, so a push cut
//! short leaves nothing and a retried one adds only what is missing. A pull asks each replica
//! for its rows past what we hold, by its own dense seq: never by a global serial cursor, whose
//! values become visible at commit out of order and would let a reader skip a row for good.
//! Operations are stored as they come (not encrypted by rel: the business's database is the
//! boundary), as `json`, which keeps the exact text and lets the business query them.

use super::pg_connect::{self, Endpoint, query_error};
use super::pg_schema;
use super::remote::{Remote, WireOp};
use crate::error::{Error, Result};
use postgres::Client;
use std::collections::BTreeMap;

/// Rows per INSERT statement: large enough that 10,000 operations take a handful of round
/// trips, small enough to keep one statement's parameters a few megabytes.
const PUSH_CHUNK: usize = 2_000;

/// A connected PostgreSQL remote for one workspace.
pub struct PgRemote {
    client: Client,
    workspace: String,
    endpoint: Endpoint,
}

impl PgRemote {
    /// Connects (exit 1 on an unreachable server or a refused login).
    pub fn connect(url: &str, workspace: &str) -> Result<PgRemote> {
        if workspace.is_empty() {
            return Err(
                Error::usage("the workspace name is empty").with_hint("e.g. --workspace sales")
            );
        }
        let (client, endpoint) = pg_connect::connect(url)?;
        Ok(PgRemote {
            client,
            workspace: workspace.to_string(),
            endpoint,
        })
    }

    /// The PostgreSQL role we act as: a member's name in the workspace.
    pub fn role(&mut self) -> Result<String> {
        pg_schema::current_role(&mut self.client)
    }

    /// Where we are connected, for messages.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn head_of(tx: &mut postgres::Transaction, workspace: &str, replica: &str) -> Result<i64> {
        let row = tx
            .query_one(
                "SELECT coalesce(max(seq), 0) FROM rel.operations
                  WHERE workspace = $1 AND replica = $2",
                &[&workspace, &replica],
            )
            .map_err(|e| query_error(&e))?;
        Ok(row.get(0))
    }

    /// Pushes one replica's run of operations inside `tx`.
    fn push_replica(
        tx: &mut postgres::Transaction,
        workspace: &str,
        ops: &[&WireOp],
    ) -> Result<()> {
        let Some(first) = ops.first() else {
            return Ok(());
        };
        let replica = first.replica.as_str();
        for (i, op) in ops.iter().enumerate() {
            if op.seq != first.seq + i as i64 {
                return Err(Error::runtime(format!(
                    "operations of replica {replica} are not contiguous at seq {}",
                    op.seq
                )));
            }
        }
        let head = Self::head_of(tx, workspace, replica)?;
        if first.seq > head + 1 {
            return Err(Error::runtime(format!(
                "the remote holds replica {replica} up to seq {head}, this push starts at {}",
                first.seq
            ))
            .with_hint("run 'rel sync' again"));
        }
        let mut already = Vec::new();
        for chunk in ops.chunks(PUSH_CHUNK) {
            let seqs: Vec<i64> = chunk.iter().map(|op| op.seq).collect();
            let hlcs: Vec<i64> = chunk.iter().map(|op| op.hlc).collect();
            let bodies: Vec<&str> = chunk.iter().map(|op| op.body.as_str()).collect();
            let inserted = tx
                .query(
                    "INSERT INTO rel.operations (workspace, replica, seq, hlc, op)
                     SELECT $1, $2, t.seq, t.hlc, t.op::json
                       FROM unnest($3::bigint[], $4::bigint[], $5::text[]) AS t(seq, hlc, op)
                     ON CONFLICT DO NOTHING
                     RETURNING seq",
                    &[&workspace, &replica, &seqs, &hlcs, &bodies],
                )
                .map_err(|e| query_error(&e))?;
            if inserted.len() < chunk.len() {
                let new: std::collections::HashSet<i64> =
                    inserted.iter().map(|row| row.get(0)).collect();
                already.extend(chunk.iter().filter(|op| !new.contains(&op.seq)));
            }
        }
        Self::same_as_stored(tx, workspace, replica, &already)
    }

    /// Operations the remote held already must be the very ones we pushed: a journal restored
    /// from an old backup would reuse its seqs for new changes, and silently dropping those
    /// would lose them.
    fn same_as_stored(
        tx: &mut postgres::Transaction,
        workspace: &str,
        replica: &str,
        ops: &[&WireOp],
    ) -> Result<()> {
        if ops.is_empty() {
            return Ok(());
        }
        let seqs: Vec<i64> = ops.iter().map(|op| op.seq).collect();
        let rows = tx
            .query(
                "SELECT seq, op::text FROM rel.operations
                  WHERE workspace = $1 AND replica = $2 AND seq = ANY($3)",
                &[&workspace, &replica, &seqs],
            )
            .map_err(|e| query_error(&e))?;
        let stored: BTreeMap<i64, String> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        for op in ops {
            if stored.get(&op.seq) != Some(&op.body) {
                return Err(Error::runtime(format!(
                    "the remote's operation {} of replica {replica} differs from this journal's",
                    op.seq
                ))
                .with_hint("was this journal restored from a backup? see README 'Team'"));
            }
        }
        Ok(())
    }
}

impl Remote for PgRemote {
    fn check(&mut self) -> Result<()> {
        pg_schema::check_member(&mut self.client)
    }

    fn heads(&mut self) -> Result<BTreeMap<String, i64>> {
        let rows = self
            .client
            .query(
                // A loose index scan: one primary-key seek per replica rather than reading
                // every row of the workspace, so a sync with nothing new stays cheap.
                "WITH RECURSIVE r(replica) AS (
                     SELECT min(replica) FROM rel.operations WHERE workspace = $1
                     UNION ALL
                     SELECT (SELECT min(replica) FROM rel.operations
                              WHERE workspace = $1 AND replica > r.replica)
                       FROM r WHERE r.replica IS NOT NULL)
                 SELECT r.replica, (SELECT max(seq) FROM rel.operations o
                                     WHERE o.workspace = $1 AND o.replica = r.replica)
                   FROM r WHERE r.replica IS NOT NULL",
                &[&self.workspace],
            )
            .map_err(|e| query_error(&e))?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        let rows = self
            .client
            .query(
                "SELECT seq, hlc, author, op::text FROM rel.operations
                  WHERE workspace = $1 AND replica = $2 AND seq > $3 ORDER BY seq",
                &[&self.workspace, &replica, &after],
            )
            .map_err(|e| query_error(&e))?;
        let mut ops = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let seq: i64 = row.get(0);
            if seq != after + 1 + i as i64 {
                return Err(Error::runtime(format!(
                    "the remote misses operation {} of replica {replica}",
                    after + 1 + i as i64
                )));
            }
            ops.push(WireOp {
                replica: replica.to_string(),
                seq,
                hlc: row.get(1),
                author: Some(row.get(2)),
                body: row.get(3),
            });
        }
        Ok(ops)
    }

    fn push(&mut self, ops: &[WireOp]) -> Result<()> {
        if ops.is_empty() {
            return Ok(());
        }
        let mut by_replica: BTreeMap<&str, Vec<&WireOp>> = BTreeMap::new();
        for op in ops {
            by_replica.entry(op.replica.as_str()).or_default().push(op);
        }
        let workspace = self.workspace.clone();
        let mut tx = self.client.transaction().map_err(|e| query_error(&e))?;
        for run in by_replica.values_mut() {
            run.sort_by_key(|op| op.seq);
            Self::push_replica(&mut tx, &workspace, run)?;
        }
        tx.commit().map_err(|e| query_error(&e))
    }

    fn member(&mut self) -> Result<Option<String>> {
        self.role().map(Some)
    }

    /// In a team a replica is known by its member: the author of its latest operation (the
    /// same loose index scan as `heads`, one seek per replica).
    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        let rows = self
            .client
            .query(
                "WITH RECURSIVE r(replica) AS (
                     SELECT min(replica) FROM rel.operations WHERE workspace = $1
                     UNION ALL
                     SELECT (SELECT min(replica) FROM rel.operations
                              WHERE workspace = $1 AND replica > r.replica)
                       FROM r WHERE r.replica IS NOT NULL)
                 SELECT r.replica, (SELECT author FROM rel.operations o
                                     WHERE o.workspace = $1 AND o.replica = r.replica
                                     ORDER BY seq DESC LIMIT 1)
                   FROM r WHERE r.replica IS NOT NULL",
                &[&self.workspace],
            )
            .map_err(|e| query_error(&e))?;
        Ok(rows
            .iter()
            .filter_map(|row| Some((row.get(0), row.get::<_, Option<String>>(1)?)))
            .collect())
    }
}

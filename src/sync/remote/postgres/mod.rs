//! The PostgreSQL remote: operations are rows of `rel.operations`, keyed by (workspace,
//! replica, seq). A push is one transaction of `INSERT … ON CONFLICT DO NOTHING`, so a push cut
//! short leaves nothing and a retried one adds only what is missing. A pull asks each replica
//! for its rows past what we hold, by its own dense seq: never by a global serial cursor, whose
//! values become visible at commit out of order and would let a reader skip a row for good.
//! Operations are stored as they come (not encrypted by rel: the business's database is the
//! boundary), as `json`, which keeps the exact text and lets the business query them.
//!
//! Each replica belongs to one role (`rel.replicas`, or on a server an older rel set up, the
//! author of its first row). Only rows whose database-stamped author is that role are handed
//! to the sync; any other row is refused and named ([`Remote::take_refused`]), whatever the
//! database let in (an owner can disable its triggers). A replica's head is its own role's
//! highest seq, so a forged row never takes the seq its real author pushes next.

pub mod connect;
pub mod conninfo;
pub mod members;
mod pass;
pub mod schema;
mod tls;
mod workspace;

use self::connect::{Endpoint, query_error};
use self::schema::Server;
use super::{Refused, Remote, WireOp};
use crate::error::{Error, Result};
use postgres::Client;
use std::collections::{BTreeMap, BTreeSet};

/// Rows per INSERT statement: large enough that 10,000 operations take a handful of round
/// trips, small enough to keep one statement's parameters a few megabytes.
const PUSH_CHUNK: usize = 2_000;

/// The workspace's replicas, as `r(replica)`: a loose index scan (one primary-key seek per
/// replica, never every row), for `heads` and `names`; its last row is NULL.
const REPLICAS: &str = "WITH RECURSIVE r(replica) AS (
                 SELECT min(replica) FROM rel.operations WHERE workspace = $1
                 UNION ALL
                 SELECT (SELECT min(replica) FROM rel.operations
                          WHERE workspace = $1 AND replica > r.replica)
                   FROM r WHERE r.replica IS NOT NULL)";

/// A connected PostgreSQL remote for one workspace.
pub struct PgRemote {
    client: Client,
    workspace: String,
    endpoint: Endpoint,
    /// What the server is (learnt by `check`).
    server: Option<Server>,
    /// The role each replica belongs to, learnt by `heads`.
    owners: BTreeMap<String, String>,
    /// Rows refused since the last `take_refused`.
    refused: BTreeSet<Refused>,
}

impl PgRemote {
    /// Connects (exit 1 on an unreachable server or a refused login).
    pub fn connect(url: &str, workspace: &str) -> Result<PgRemote> {
        if workspace.is_empty() {
            return Err(
                Error::usage("the workspace name is empty").with_hint("e.g. --workspace sales")
            );
        }
        let (client, endpoint) = connect::connect(url)?;
        Ok(PgRemote {
            client,
            workspace: workspace.to_string(),
            endpoint,
            server: None,
            owners: BTreeMap::new(),
            refused: BTreeSet::new(),
        })
    }

    fn server(&mut self) -> Result<Server> {
        match self.server {
            Some(server) => Ok(server),
            None => {
                let server = schema::check_member(&mut self.client)?;
                self.server = Some(server);
                Ok(server)
            }
        }
    }

    /// The role may read and append rel's operations, and this workspace in particular.
    pub fn check_workspace(&mut self) -> Result<()> {
        let server = schema::check_member(&mut self.client)?;
        self.server = Some(server);
        workspace::check_grant(&mut self.client, server, &self.workspace)
    }

    /// Whether the workspace holds no operation yet (as far as this role may see).
    pub fn workspace_is_empty(&mut self) -> Result<bool> {
        workspace::is_empty(&mut self.client, &self.workspace)
    }

    fn refuse(&mut self, replica: &str, seq: i64, author: &str, owner: &str) {
        self.refused.insert(Refused {
            replica: replica.to_string(),
            seq,
            author: Some(author.to_string()),
            reason: format!(
                "written by role '{author}', but the replica belongs to role '{owner}'"
            ),
            waits: false,
        });
    }

    /// The PostgreSQL role we act as: a member's name in the workspace.
    pub fn role(&mut self) -> Result<String> {
        schema::current_role(&mut self.client)
    }

    /// Where we are connected, for messages.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    fn head_of(tx: &mut postgres::Transaction, workspace: &str, replica: &str) -> Result<i64> {
        let row = tx
            .query_one(
                // Our own rows only: a row someone slipped in under our replica id must not
                // take the seq we push next.
                "SELECT coalesce(max(seq), 0) FROM rel.operations
                  WHERE workspace = $1 AND replica = $2 AND author = current_user::text",
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
    /// would lose them (the sync moves such a journal to a new replica id instead).
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
                "SELECT seq, op::text, author, author = current_user::text FROM rel.operations
                  WHERE workspace = $1 AND replica = $2 AND seq = ANY($3)",
                &[&workspace, &replica, &seqs],
            )
            .map_err(|e| query_error(&e))?;
        let mut stored: BTreeMap<i64, String> = BTreeMap::new();
        let mut others: BTreeMap<i64, String> = BTreeMap::new();
        for row in &rows {
            if row.get::<_, bool>(3) {
                stored.insert(row.get(0), row.get(1));
            } else {
                others.insert(row.get(0), row.get(2));
            }
        }
        for op in ops {
            if let (None, Some(author)) = (stored.get(&op.seq), others.get(&op.seq)) {
                // Only on a server an older rel set up, whose key lacks the author.
                return Err(Error::runtime(format!(
                    "the remote's operation {} of replica {replica} was written by role '{author}', not by this member",
                    op.seq
                ))
                .with_hint("an earlier rel set this database up: its owner runs 'rel team setup URL' to upgrade it"));
            }
            // Another database wrote this sequence number as this replica (a restored backup,
            // a copy) since the sync compared: the sync starts over, finds it, and moves.
            if !stored
                .get(&op.seq)
                .is_some_and(|stored| crate::sync::log::oplog::same_change(stored, &op.body))
            {
                return Err(crate::sync::remote::written_meanwhile());
            }
        }
        Ok(())
    }
}

impl Remote for PgRemote {
    fn check(&mut self) -> Result<()> {
        self.check_workspace()
    }

    fn heads(&mut self) -> Result<BTreeMap<String, i64>> {
        let bound = self.server()?.bound;
        let sql = format!(
            // A loose index scan: one primary-key seek per replica rather than reading every
            // row of the workspace, so a sync with nothing new stays cheap. Per replica: the
            // role it belongs to, that role's highest seq, and the highest of anyone's.
            "{REPLICAS}
             SELECT r.replica, b.role,
                    (SELECT max(seq) FROM rel.operations o
                      WHERE o.workspace = $1 AND o.replica = r.replica AND o.author = b.role),
                    (SELECT max(seq) FROM rel.operations o
                      WHERE o.workspace = $1 AND o.replica = r.replica)
               FROM r CROSS JOIN LATERAL (SELECT {} AS role) b
              WHERE r.replica IS NOT NULL",
            schema::owner_sql(bound)
        );
        let rows = self
            .client
            .query(&sql, &[&self.workspace])
            .map_err(|e| query_error(&e))?;
        let mut heads = BTreeMap::new();
        for row in rows {
            // Never NULL for a replica that has rows, but read as Option: a row of the
            // database never panics rel.
            let (replica, owner): (String, Option<String>) = (row.get(0), row.get(1));
            let (honest, any): (Option<i64>, Option<i64>) = (row.get(2), row.get(3));
            let (Some(owner), Some(any)) = (owner, any) else {
                continue;
            };
            if let Some(head) = honest {
                heads.insert(replica.clone(), head);
            }
            // Rows of another author past the replica's head are never fetched (nothing of
            // its own follows them yet): named here, at every sync, until they are.
            if any > honest.unwrap_or(0) {
                let forged = self
                    .client
                    .query(
                        "SELECT seq, author FROM rel.operations
                          WHERE workspace = $1 AND replica = $2 AND seq > $3 AND author <> $4
                          ORDER BY seq",
                        &[&self.workspace, &replica, &honest.unwrap_or(0), &owner],
                    )
                    .map_err(|e| query_error(&e))?;
                for row in forged {
                    self.refuse(&replica, row.get(0), row.get::<_, &str>(1), &owner);
                }
            }
            self.owners.insert(replica, owner);
        }
        Ok(heads)
    }

    fn owner(&mut self, replica: &str) -> Option<String> {
        self.owners.get(replica).cloned()
    }

    fn fetch(&mut self, replica: &str, after: i64) -> Result<Vec<WireOp>> {
        if !self.owners.contains_key(replica) {
            self.heads()?;
        }
        let Some(owner) = self.owners.get(replica).cloned() else {
            return Ok(Vec::new());
        };
        let rows = self
            .client
            .query(
                "SELECT seq, hlc, author, op::text FROM rel.operations
                  WHERE workspace = $1 AND replica = $2 AND seq > $3 ORDER BY seq, author",
                &[&self.workspace, &replica, &after],
            )
            .map_err(|e| query_error(&e))?;
        let mut ops: Vec<WireOp> = Vec::with_capacity(rows.len());
        for row in &rows {
            let (seq, author): (i64, String) = (row.get(0), row.get(2));
            if author != owner {
                self.refuse(replica, seq, &author, &owner);
                continue;
            }
            let expected = after + 1 + ops.len() as i64;
            if seq != expected {
                // A gap (rows a member wrote past its own head with plain SQL): what comes
                // before it applies, what comes after waits, and nobody else's sync stops.
                self.refused.insert(Refused {
                    replica: replica.to_string(),
                    seq: expected,
                    author: Some(author),
                    reason: format!("operation {expected} is missing from the remote; the replica's later changes wait for it"),
                    waits: true,
                });
                break;
            }
            ops.push(WireOp {
                replica: replica.to_string(),
                seq,
                hlc: row.get(1),
                author: Some(author),
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

    /// In a team a replica is known by its member: the role it belongs to (as for the author
    /// check), never the author of its latest row, which a forged row could make anyone (the
    /// same loose index scan as `heads`, one seek per replica).
    fn names(&mut self) -> Result<BTreeMap<String, String>> {
        let bound = self.server()?.bound;
        let sql = format!(
            "{REPLICAS}
             SELECT r.replica, {} FROM r WHERE r.replica IS NOT NULL",
            schema::owner_sql(bound)
        );
        let rows = self
            .client
            .query(&sql, &[&self.workspace])
            .map_err(|e| query_error(&e))?;
        Ok(rows
            .iter()
            .filter_map(|row| Some((row.get(0), row.get::<_, Option<String>>(1)?)))
            .collect())
    }

    fn take_refused(&mut self) -> Vec<Refused> {
        std::mem::take(&mut self.refused).into_iter().collect()
    }
}

//! TEMPORARY, never to land: stands in for synccore's operation log (the functions TEAM.md
//! names) so the remotes and commands can be exercised before it lands.

use super::remote::WireOp;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use std::collections::BTreeMap;

pub struct ApplyReport {
    pub received: usize,
    pub replicas: usize,
    pub renamed: Vec<(String, String)>,
    pub held_back: usize,
}

fn ensure(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS shim_meta (replica TEXT NOT NULL);
         CREATE TABLE IF NOT EXISTS shim_oplog (replica TEXT, seq INTEGER, hlc INTEGER,
           body TEXT, PRIMARY KEY (replica, seq));",
    )?;
    Ok(())
}

pub fn replica_id(conn: &Connection) -> Result<String> {
    ensure(conn)?;
    let found: Option<String> = conn
        .query_row("SELECT replica FROM shim_meta", [], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute("INSERT INTO shim_meta VALUES (?1)", [&id])?;
    Ok(id)
}

pub fn own_ops_after(conn: &Connection, after: i64) -> Result<Vec<WireOp>> {
    let own = replica_id(conn)?;
    let mut st = conn.prepare(
        "SELECT replica, seq, hlc, body FROM shim_oplog WHERE replica = ?1 AND seq > ?2 ORDER BY seq",
    )?;
    let rows = st.query_map(params![own, after], |r| {
        Ok(WireOp {
            replica: r.get(0)?,
            seq: r.get(1)?,
            hlc: r.get(2)?,
            author: None,
            body: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn received_heads(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let own = replica_id(conn)?;
    let mut st = conn
        .prepare("SELECT replica, max(seq) FROM shim_oplog WHERE replica != ?1 GROUP BY replica")?;
    let rows = st.query_map([own], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn apply_received(tx: &Transaction, ops: &[WireOp], _now: i64) -> Result<ApplyReport> {
    ensure(tx)?;
    let mut received = 0;
    let mut replicas = std::collections::BTreeSet::new();
    for op in ops {
        received += tx.execute(
            "INSERT OR IGNORE INTO shim_oplog VALUES (?1, ?2, ?3, ?4)",
            params![op.replica, op.seq, op.hlc, op.body],
        )?;
        replicas.insert(op.replica.clone());
    }
    Ok(ApplyReport {
        received,
        replicas: replicas.len(),
        renamed: Vec::new(),
        held_back: 0,
    })
}

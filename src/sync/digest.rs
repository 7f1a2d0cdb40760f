//! `rel sync verify`: one digest over the journal's content, by uid (local ids and maintained
//! columns left out), so replicas that agree print the same line.

use crate::db::digest::each_line;
use crate::error::Result;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// The SHA-256 of the journal's canonical lines, in hex.
pub fn digest(conn: &Connection) -> Result<String> {
    let mut hasher = Sha256::new();
    each_line(conn, |line| {
        hasher.update(line.as_bytes());
        hasher.update(b"\n");
    })?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// The lines the digest is made of (to show what differs when two replicas disagree).
pub fn lines(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    each_line(conn, |line| out.push(line.to_string()))?;
    Ok(out)
}

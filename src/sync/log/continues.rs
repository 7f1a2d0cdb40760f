//! Which replica id continues which. A journal restored from a backup, or copied, moves to a
//! new replica id (`fork.rs`); the old id's operations stay the old id's. When the old id's
//! clock was ahead, nothing would ever correct its stamps (the old id writes no more), so what
//! it did while ahead would be held back on every machine for as long as it was ahead.
//!
//! So the new id names, in one of its operations (`Body::continues`), the old id and the last
//! of the old id's operations on the remote when it moved, and every machine reads the old id's
//! operations up to there as made before that operation: one history, whose stamps count in
//! sequence order (`skew.rs`). The operation is the new id's first when the clock was already
//! corrected when it moved, else its first after the correction: what the old id did while
//! ahead then counts as stamped no later than that first corrected change, as the contract asks
//! of a corrected clock. When the old id's clock was never ahead no link is named at all.
//!
//! A link a sender forges can only lower stamps, which makes changes lose that anyone holding
//! the key (or any member of a team) could overwrite with a change of their own anyway.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// Which replica id the sender continues, and through which of its operations (as an
/// operation's body names it).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Continues {
    pub replica: String,
    pub through: i64,
}

/// A replica id's link to the id it continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The operation of the new id that names it (None: not named yet, on the machine that
    /// moved; see `name_at`).
    pub at: Option<i64>,
    pub old: Continues,
}

/// Records that replica `new` continues `old` through `old`'s operation `through`, named by
/// `new`'s operation `at` (the first record wins: a link is named once).
pub fn record(conn: &Connection, new: &str, at: i64, old: &str, through: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO sync_continues (replica, at_seq, old, through)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![new, at, old, through])?;
    Ok(())
}

/// Records, on the machine that moved, that its new id continues `old` through `through`,
/// whose stamp is `through_hlc`: named later (`name_at`), if ever.
pub fn record_own(
    conn: &Connection,
    own: &str,
    old: &str,
    through: i64,
    through_hlc: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO sync_continues (replica, at_seq, old, through, through_hlc)
         VALUES (?1, NULL, ?2, ?3, ?4)",
    )?
    .execute(params![own, old, through, through_hlc])?;
    Ok(())
}

/// The stamp of the old id's last operation, when this replica's link is not named yet.
pub fn unnamed(conn: &Connection, own: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            "SELECT through_hlc FROM sync_continues WHERE replica = ?1 AND at_seq IS NULL",
        )?
        .query_row([own], |row| row.get(0))
        .optional()?)
}

/// The link of replica `new`, if it continues another id.
pub fn of(conn: &Connection, new: &str) -> Result<Option<Link>> {
    Ok(conn
        .prepare_cached("SELECT at_seq, old, through FROM sync_continues WHERE replica = ?1")?
        .query_row([new], |row| {
            Ok(Link {
                at: row.get(0)?,
                old: Continues {
                    replica: row.get(1)?,
                    through: row.get(2)?,
                },
            })
        })
        .optional()?)
}

/// The replica that continues `old` with a named link, and through which of `old`'s
/// operations.
pub fn successor(conn: &Connection, old: &str) -> Result<Option<(String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT replica, through FROM sync_continues
              WHERE old = ?1 AND at_seq IS NOT NULL LIMIT 1",
        )?
        .query_row([old], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// Names this replica's link (not named yet) in its own operation `at`.
pub fn name_at(conn: &Connection, own: &str, at: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_continues SET at_seq = ?2 WHERE replica = ?1 AND at_seq IS NULL",
    )?
    .execute(params![own, at])?;
    Ok(())
}

/// Whether a link a received operation names can be honoured: about another replica, through
/// an operation that can exist.
pub fn usable(replica: &str, link: &Continues) -> bool {
    link.replica != replica && !link.replica.is_empty() && link.through >= 1
}

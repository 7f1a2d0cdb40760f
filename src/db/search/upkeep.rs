//! The search indexes (FTS5) while a batch of received operations is folded in: kept true in
//! four statements at the end of the batch instead of by the search triggers row by row.
//!
//! Why: FTS5 writes its pending terms out as a new on-disk segment whenever a statement opens
//! a statement journal in a transaction that has written to it (its savepoint hook). Fed row
//! by row by the triggers, a fold of 9,000 received interactions wrote 9,000 one-row segments,
//! and FTS5's automerge then rewrote about 90 MB of the L journal's index: 11 of the 14 s that
//! receiving 10,000 operations took. So for the batch the search triggers are set aside (inside
//! the write transaction: a rollback brings them back) and every row the batch touched is
//! re-indexed once at its end.
//!
//! Which rows: the capture's staging table (`temp.sync_staged`) sees every insert, delete and
//! synced-column update of contacts, their tags and interactions, whoever makes them. For an
//! interaction indexed before the batch, its first staged change holds (in `old`) the note the
//! index has for it, which FTS5's `delete` needs.

use crate::db::synced;
use crate::error::Result;
use rusqlite::Connection;
use std::sync::LazyLock;

/// The search triggers of the tables the fold writes, as SQLite stored them.
const SEARCH_TRIGGERS: &str = "
SELECT name, sql FROM sqlite_schema
WHERE type = 'trigger' AND sql IS NOT NULL AND name LIKE '%fts%'
  AND tbl_name IN ('interactions', 'contacts', 'contact_tags')
ORDER BY name";

/// Re-indexes what the batch touched (the staged rows of contacts, their tags and
/// interactions; codes from `db/synced/mod.rs`). Each statement writes its rows in rowid
/// order, so FTS5 writes one segment per statement.
static REINDEX: LazyLock<String> = LazyLock::new(|| {
    let interactions = synced::code("interactions");
    let contacts = synced::code("contacts");
    let tags = synced::code("contact_tags");
    format!(
        "
INSERT INTO interactions_fts (interactions_fts, rowid, note)
SELECT 'delete', s.row_id, json_extract(s.old, '$.note') FROM temp.sync_staged s
WHERE s.tbl = {interactions} AND s.change IN ('U', 'D')
  AND s.n = (SELECT min(f.n) FROM temp.sync_staged f WHERE f.row_id = s.row_id AND f.tbl = {interactions})
ORDER BY s.row_id;

INSERT INTO interactions_fts (rowid, note)
SELECT id, note FROM interactions
WHERE id IN (SELECT row_id FROM temp.sync_staged WHERE tbl = {interactions})
ORDER BY id;

DELETE FROM contacts_fts WHERE rowid IN (SELECT row_id FROM temp.sync_staged WHERE tbl IN ({contacts}, {tags}));

INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
SELECT c.id, c.name, c.org, c.role,
       (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
FROM contacts c
WHERE c.id IN (SELECT row_id FROM temp.sync_staged WHERE tbl IN ({contacts}, {tags}))
ORDER BY c.id;"
    )
});

/// The search triggers set aside for one batch; [`Deferred::restore`] re-indexes and puts
/// them back. Call [`defer`] inside the write transaction, before the batch's first write,
/// with nothing staged yet.
pub struct Deferred {
    recreate: Vec<String>,
}

pub fn defer(conn: &Connection) -> Result<Deferred> {
    let triggers: Vec<(String, String)> = {
        let mut stmt = conn.prepare(SEARCH_TRIGGERS)?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut recreate = Vec::new();
    for (name, sql) in triggers {
        // `name` comes from sqlite_schema; quoted as an identifier all the same.
        conn.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
        recreate.push(sql);
    }
    Ok(Deferred { recreate })
}

impl Deferred {
    /// Re-indexes every row staged since [`defer`] and recreates the triggers. Call with the
    /// staging table up to date (the capture's `stage`), before the staged changes are
    /// discarded.
    pub fn restore(self, conn: &Connection) -> Result<()> {
        conn.execute_batch(&REINDEX)?;
        for sql in &self.recreate {
            conn.execute_batch(sql)?;
        }
        Ok(())
    }
}

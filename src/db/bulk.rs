//! Deferred upkeep for bulk loads into empty tables (a restore from `rel export`): the search
//! triggers and secondary indexes are set aside for the load and rebuilt once at its end,
//! inside the same transaction. Row by row, a million-interaction restore spent two thirds of
//! its time feeding FTS5 one note at a time; one `rebuild` does the same work in a tenth.

use crate::error::Result;
use rusqlite::Connection;

/// The contact fields index, filled from scratch (it has no content table to rebuild from).
const REFILL_CONTACTS_FTS: &str = "
    DELETE FROM contacts_fts;
    INSERT INTO contacts_fts (rowid, name, org, role, tags, note)
    SELECT c.id, c.name, c.org, c.role,
           (SELECT group_concat(tag, ' ') FROM contact_tags WHERE contact_id = c.id), c.note
    FROM contacts c;";

/// FTS5 flushes its in-memory index every `hashsize` bytes (1 MiB by default) and merges the
/// pieces later; with 32 MiB the one-off rebuild of a million notes writes far fewer pieces and
/// takes half the time. 64 MiB was barely faster at L (5.2 s against 5.3–5.9 s for the
/// rebuild alone) and held 29 MB more, at the import's peak of memory. The default is put back so everyday writes stay small.
const REBUILD_INTERACTIONS_FTS: &str = "
    INSERT INTO interactions_fts (interactions_fts, rank) VALUES ('hashsize', 33554432);
    INSERT INTO interactions_fts (interactions_fts) VALUES ('rebuild');
    INSERT INTO interactions_fts (interactions_fts, rank) VALUES ('hashsize', 1048576);";

/// What was set aside, to be put back by [`Deferred::restore`].
pub struct Deferred {
    /// The `CREATE …` statements of the dropped triggers and indexes, as SQLite stored them.
    recreate: Vec<String>,
    interactions: bool,
    contacts: bool,
}

/// Sets aside the upkeep of the tables that are empty now. Call inside the write
/// transaction; a rollback brings everything back by itself.
pub fn defer(conn: &Connection) -> Result<Deferred> {
    let empty = |table: &str| -> Result<bool> {
        // The table name is one of ours below, never input.
        let sql = format!("SELECT NOT EXISTS (SELECT 1 FROM {table})");
        Ok(conn.query_row(&sql, [], |row| row.get(0))?)
    };
    let interactions = empty("interactions")?;
    let contacts = empty("contacts")?;
    let mut objects: Vec<(String, String, String)> = Vec::new();
    {
        // Indexes of the participation tables and every search trigger of an empty table.
        // Automatic indexes (UNIQUE, PRIMARY KEY) have no SQL and stay: they are constraints.
        let mut stmt = conn.prepare(
            "SELECT type, name, sql FROM sqlite_schema
             WHERE sql IS NOT NULL AND (
                 (?1 AND tbl_name IN ('interactions', 'interaction_contacts')
                     AND (type = 'index' OR (type = 'trigger' AND name LIKE '%fts%')))
              OR (?2 AND tbl_name IN ('contacts', 'contact_tags')
                     AND type = 'trigger' AND name LIKE '%fts%'))",
        )?;
        let rows = stmt.query_map([interactions, contacts], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?;
        for row in rows {
            objects.push(row?);
        }
    }
    let mut recreate = Vec::new();
    for (kind, name, sql) in objects {
        let drop = match kind.as_str() {
            "index" => "DROP INDEX",
            _ => "DROP TRIGGER",
        };
        // `name` comes from sqlite_schema; quoted as an identifier all the same.
        conn.execute_batch(&format!("{drop} \"{}\"", name.replace('"', "\"\"")))?;
        recreate.push(sql);
    }
    Ok(Deferred {
        recreate,
        interactions,
        contacts,
    })
}

impl Deferred {
    /// Recreates what was set aside and rebuilds the search indexes from the loaded rows.
    pub fn restore(self, conn: &Connection) -> Result<()> {
        for sql in &self.recreate {
            conn.execute_batch(sql)?;
        }
        if self.interactions {
            conn.execute_batch(REBUILD_INTERACTIONS_FTS)?;
        }
        if self.contacts {
            conn.execute_batch(REFILL_CONTACTS_FTS)?;
        }
        Ok(())
    }
}

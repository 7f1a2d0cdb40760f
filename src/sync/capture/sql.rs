//! The staging table the capture hook (`hook.rs`) fills with every change a command
//! makes to the journal's tables, for [`super::record`]; and the SQL that reads it.
//! It lives in the connection's temp schema: created once per writing process, never stored
//! in the file. The codes in `tbl` are `db/synced/mod.rs`'s.

use crate::db::synced::{self, Table};
use std::sync::LazyLock;

/// The staging table, filled by the capture hook. `old` holds the record's fields before the
/// change as JSON (field names as in operation bodies, local ids turned into uids). A list item
/// or participant added to a record created by the same write is not staged: the creation
/// covers it (`FORGET_CREATED` would drop it), and an import of a million interactions would
/// otherwise hold a million participant rows until commit.
///
/// One trigger stays: who a removed contact introduced (their `via` is cleared with it) is
/// kept as a register at the moment of the removal, so the via comes back if the contact does
/// (logged with elsewhere meanwhile), as on every replica. It writes, which a hook cannot.
pub const CREATE: &str = "
CREATE TEMP TABLE IF NOT EXISTS sync_staged (
    n      INTEGER PRIMARY KEY,
    tbl    INTEGER NOT NULL,
    change TEXT    NOT NULL,
    row_id INTEGER,
    ref    INTEGER,
    item   TEXT,
    old    TEXT
);
CREATE INDEX IF NOT EXISTS temp.sync_staged_row ON sync_staged(row_id, tbl, change);
CREATE TEMP TRIGGER IF NOT EXISTS sync_contacts_keep_via BEFORE DELETE ON main.contacts BEGIN
    INSERT OR IGNORE INTO main.sync_fields (uid, field, hlc, replica, value)
    SELECT c.uid, 'via', 0, '', json_quote(old.uid) FROM main.contacts c WHERE c.via_id = old.id;
END;
";

/// The record tables (contacts, interactions, follow-ups), whose creations are operations.
fn records() -> impl Iterator<Item = &'static Table> {
    synced::TABLES.iter().filter(|table| table.is_record())
}

/// Creations made by this write, recorded as operations in one statement (a large import
/// creates a million): the body of an own creation is the record itself, read when sent.
/// ?1 = the last seq, ?2 = the first stamp minus one. Built once from `db/synced/mod.rs`.
pub static RECORD_CREATIONS: LazyLock<String> = LazyLock::new(|| {
    let kind = records()
        .map(|table| format!("WHEN {} THEN '{}'", table.code, table.kind.name()))
        .collect::<Vec<_>>()
        .join(" ");
    let uid = records()
        .map(|table| {
            format!(
                "WHEN {} THEN (SELECT uid FROM main.{} WHERE id = row_id)",
                table.code, table.name
            )
        })
        .collect::<Vec<_>>()
        .join("\n                 ");
    let codes = records()
        .map(|table| table.code.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "
INSERT INTO main.sync_ops (replica, seq, hlc, kind, uid)
SELECT 1, ?1 + row_number() OVER (ORDER BY n), ?2 + row_number() OVER (ORDER BY n), kind, uid FROM (
    SELECT n,
        CASE tbl {kind} END AS kind,
        CASE tbl {uid} END AS uid
    FROM temp.sync_staged WHERE change = 'I' AND tbl IN ({codes})
) WHERE uid IS NOT NULL"
    )
});

/// Everything else staged about the records created by this write (their list items, later
/// updates, or their deletion in the same write) is covered by the creation or cancels out:
/// each staged row is matched with a creation of the record it belongs to (its own, or its
/// owner's for a list item or participant).
pub static FORGET_CREATED: LazyLock<String> = LazyLock::new(|| {
    let owner = records()
        .map(|record| {
            let codes = synced::TABLES
                .iter()
                .filter(|table| table.kind == record.kind)
                .map(|table| table.code.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            format!("WHEN sync_staged.tbl IN ({codes}) THEN {}", record.code)
        })
        .collect::<Vec<_>>()
        .join("\n                       ");
    format!(
        "
DELETE FROM temp.sync_staged WHERE EXISTS (
    SELECT 1 FROM temp.sync_staged b
    WHERE b.row_id = sync_staged.row_id AND b.change = 'I'
      AND b.tbl = CASE {owner} END)"
    )
});

#[cfg(test)]
mod tests {
    /// The statements as they were written by hand, before they were built from the
    /// description: what is built says the same.
    #[test]
    fn built_statements_say_what_the_hand_written_ones_said() {
        let squeeze = |sql: &str| sql.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            squeeze(&super::RECORD_CREATIONS),
            squeeze(
                "INSERT INTO main.sync_ops (replica, seq, hlc, kind, uid)
                SELECT 1, ?1 + row_number() OVER (ORDER BY n), ?2 + row_number() OVER (ORDER BY n), kind, uid FROM (
                    SELECT n,
                        CASE tbl WHEN 1 THEN 'contact' WHEN 5 THEN 'interaction' WHEN 7 THEN 'followup' END AS kind,
                        CASE tbl WHEN 1 THEN (SELECT uid FROM main.contacts WHERE id = row_id)
                                 WHEN 5 THEN (SELECT uid FROM main.interactions WHERE id = row_id)
                                 WHEN 7 THEN (SELECT uid FROM main.followups WHERE id = row_id) END AS uid
                    FROM temp.sync_staged WHERE change = 'I' AND tbl IN (1, 5, 7)
                ) WHERE uid IS NOT NULL"
            )
        );
        assert_eq!(
            squeeze(&super::FORGET_CREATED),
            squeeze(
                "DELETE FROM temp.sync_staged WHERE EXISTS (
                    SELECT 1 FROM temp.sync_staged b
                    WHERE b.row_id = sync_staged.row_id AND b.change = 'I'
                      AND b.tbl = CASE WHEN sync_staged.tbl IN (1, 3, 4, 2, 9) THEN 1
                                       WHEN sync_staged.tbl IN (5, 6) THEN 5
                                       WHEN sync_staged.tbl IN (7) THEN 7 END)"
            )
        );
    }
}

//! `rel merge`: one contact's interactions, follow-ups, lists and missing fields move to
//! another, and its handle keeps resolving there (an alias that syncs with the contact).

use super::upkeep;
use crate::error::Result;
use rusqlite::{Connection, params};

/// Merges contact `from` into contact `into` and removes `from`.
pub fn merge(conn: &Connection, from: i64, into: i64) -> Result<()> {
    // Participations are deleted and inserted rather than updated: the operation log sees a
    // participant leave one contact and join the other.
    conn.execute(
        "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position)
         SELECT interaction_id, ?2, position FROM interaction_contacts WHERE contact_id = ?1",
        params![from, into],
    )?;
    conn.execute(
        "DELETE FROM interaction_contacts WHERE contact_id = ?1",
        [from],
    )?;
    conn.execute(
        "UPDATE followups SET contact_id = ?2 WHERE contact_id = ?1",
        params![from, into],
    )?;
    for (table, column, order) in [
        ("contact_emails", "email", "rowid"),
        ("contact_phones", "phone", "rowid"),
        ("contact_tags", "tag", "tag"),
    ] {
        // Table and column names are the fixed list above.
        conn.execute(
            &format!(
                "INSERT OR IGNORE INTO {table} (contact_id, {column})
                 SELECT ?2, {column} FROM {table} WHERE contact_id = ?1 ORDER BY {order}"
            ),
            params![from, into],
        )?;
    }
    conn.execute(
        "UPDATE contacts SET
            org = coalesce(org, (SELECT org FROM contacts WHERE id = ?1)),
            role = coalesce(role, (SELECT role FROM contacts WHERE id = ?1)),
            every = coalesce(every, (SELECT every FROM contacts WHERE id = ?1)),
            birthday = coalesce(birthday, (SELECT birthday FROM contacts WHERE id = ?1)),
            note = coalesce(note, (SELECT note FROM contacts WHERE id = ?1)),
            via_id = coalesce(via_id, (SELECT via_id FROM contacts WHERE id = ?1 AND via_id != ?2))
         WHERE id = ?2",
        params![from, into],
    )?;
    conn.execute(
        "UPDATE contacts SET via_id = ?2 WHERE via_id = ?1 AND id != ?2",
        params![from, into],
    )?;
    // The old handle, and any handles merged into `from` before, now name `into`.
    conn.execute(
        "INSERT OR REPLACE INTO contact_aliases (handle, contact_id)
         SELECT handle, ?2 FROM contacts WHERE id = ?1
         UNION ALL SELECT handle, ?2 FROM contact_aliases WHERE contact_id = ?1",
        params![from, into],
    )?;
    conn.execute("DELETE FROM contacts WHERE id = ?1", [from])?;
    upkeep::refresh_many(conn, &[into])
}

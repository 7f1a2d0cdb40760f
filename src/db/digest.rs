//! The digest's lines (`rel sync verify`): the journal's content as canonical JSON lines, by
//! uid (local ids and maintained columns left out), so replicas that agree read the same
//! lines. Built from the synced schema's description (`synced/mod.rs`).

use super::synced::{self, Shape, Table};
use crate::error::Result;
use rusqlite::Connection;
use std::sync::LazyLock;

/// Every record as one canonical JSON line, sorted by kind then uid: a record's synced
/// columns in the schema's order (a reference as the uid it names), then its digested lists
/// (sorted) or its participants (by position); then the settings that sync. Built once from
/// `db/synced/mod.rs`.
static LINES: LazyLock<Vec<String>> = LazyLock::new(|| {
    synced::TABLES
        .iter()
        .filter_map(|table| match table.shape {
            Shape::Record { .. } => Some(record_lines(table)),
            // `me.*` settings belong to one machine and never sync (`checks::is_machine_setting`).
            Shape::Settings { key, value } => Some(format!(
                "SELECT json_array('{}', {key}, {value}) FROM {} WHERE {key} NOT LIKE 'me.%' ORDER BY {key}",
                table.kind.name(),
                table.name
            )),
            Shape::List { .. } | Shape::Participants { .. } => None,
        })
        .collect()
});

fn record_lines(record: &Table) -> String {
    let (selected, joins) = synced::selected(record);
    let mut parts = vec![
        format!("'{}'", record.kind.name()),
        "t.uid".into(),
        selected,
    ];
    for table in synced::TABLES.iter().filter(|t| t.kind == record.kind) {
        match table.shape {
            Shape::List {
                owner,
                item,
                digested: true,
                ..
            } => parts.push(format!(
                "json((SELECT json_group_array({item}) FROM (SELECT {item} FROM {} WHERE {owner} = t.id ORDER BY {item})))",
                table.name
            )),
            Shape::Participants {
                owner,
                contact,
                position,
            } => parts.push(format!(
                "json((SELECT json_group_array(uid) FROM (SELECT c.uid FROM {} p \
                 JOIN contacts c ON c.id = p.{contact} WHERE p.{owner} = t.id \
                 ORDER BY p.{position}, c.uid)))",
                table.name
            )),
            _ => {}
        }
    }
    format!(
        "SELECT json_array({}) FROM {} t{joins} ORDER BY t.uid",
        parts.join(", "),
        record.name
    )
}

/// Reads every line, in order, into `visit`.
pub fn each_line(conn: &Connection, mut visit: impl FnMut(&str)) -> Result<()> {
    for sql in LINES.iter() {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            visit(&line);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::db::Db;

    /// The lines as they were written by hand, before they were built from the description.
    const HAND_WRITTEN: [&str; 4] = [
        "SELECT json_array('contact', c.uid, c.handle, c.name, c.org, c.role, c.every, c.birthday,
            (SELECT v.uid FROM contacts v WHERE v.id = c.via_id), c.note, c.created_at, c.archived_at,
            c.snoozed_until, c.owner, c.dismissed_until,
            json((SELECT json_group_array(email) FROM (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY email))),
            json((SELECT json_group_array(phone) FROM (SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY phone))),
            json((SELECT json_group_array(tag) FROM (SELECT tag FROM contact_tags WHERE contact_id = c.id ORDER BY tag))))
         FROM contacts c ORDER BY c.uid",
        "SELECT json_array('interaction', i.uid, i.at, i.channel, i.note, i.respect, i.empathy,
            i.integrity, i.trust, i.honesty, i.created_at, i.author, i.source_kind, i.source_id,
            i.source_print,
            json((SELECT json_group_array(uid) FROM (SELECT c.uid FROM interaction_contacts ic
                JOIN contacts c ON c.id = ic.contact_id WHERE ic.interaction_id = i.id
                ORDER BY ic.position, c.uid))))
         FROM interactions i ORDER BY i.uid",
        "SELECT json_array('followup', f.uid, c.uid, i.uid, f.due_at, f.text, f.done_at, f.created_at)
         FROM followups f JOIN contacts c ON c.id = f.contact_id
         LEFT JOIN interactions i ON i.id = f.interaction_id ORDER BY f.uid",
        // `me.*` settings belong to one machine and never sync (`checks::is_machine_setting`).
        "SELECT json_array('setting', key, value) FROM settings WHERE key NOT LIKE 'me.%'
         ORDER BY key",
    ];

    /// A journal with a bit of everything the digest reads: every line built from the
    /// description reads what the hand-written one read, byte for byte.
    #[test]
    fn built_lines_read_what_the_hand_written_ones_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&dir.path().join("journal.db")).expect("open");
        db.conn()
            .execute_batch(
                "INSERT INTO contacts (id, uid, handle, name, org, role, every, birthday, note,
                    created_at, archived_at, snoozed_until, owner, dismissed_until)
                 VALUES (1, 'u1', 'ann', 'Ann', 'Acme', 'CTO', '2w', '05-01', 'likes tea',
                    100, NULL, 300, 'me@x', 400),
                        (2, 'u0', 'bo', 'Bo', NULL, NULL, NULL, NULL, NULL, 50, 60, NULL, NULL, NULL);
                 UPDATE contacts SET via_id = 1 WHERE id = 2;
                 INSERT INTO contact_tags (contact_id, tag) VALUES (1, 'zeta'), (1, 'alpha');
                 INSERT INTO contact_emails (contact_id, email) VALUES (1, 'b@x'), (1, 'a@x');
                 INSERT INTO contact_phones (contact_id, phone) VALUES (2, '+1 555');
                 INSERT INTO contact_aliases (handle, contact_id) VALUES ('annie', 1);
                 INSERT INTO interactions (id, uid, at, channel, note, respect, empathy, integrity,
                    trust, honesty, created_at, author, source_kind, source_id, source_print)
                 VALUES (1, 'i1', 1000, 'call', 'hi \"there\"', 1, -1, 0, 1, 0, 1001, 'me', 'mail',
                    'm1', 'p1'),
                        (2, 'i0', 900, 'other', '', 0, 0, 0, 0, 0, 901, NULL, NULL, NULL, NULL);
                 INSERT INTO interaction_contacts (interaction_id, contact_id, position)
                 VALUES (1, 2, 0), (1, 1, 1), (2, 1, 0);
                 INSERT INTO followups (uid, contact_id, interaction_id, due_at, text, done_at,
                    created_at)
                 VALUES ('f1', 1, 1, 2000, 'call back', NULL, 1500),
                        ('f0', 2, NULL, 2100, 'ping', 2200, 1600);
                 INSERT INTO settings (key, value) VALUES ('default-every', '3w'), ('me.email', 'x');",
            )
            .expect("fill the journal");
        let read = |sql: &str| -> Vec<String> {
            let mut stmt = db.conn().prepare(sql).expect("prepare");
            stmt.query_map([], |row| row.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        assert_eq!(super::LINES.len(), HAND_WRITTEN.len());
        for (built, hand) in super::LINES.iter().zip(HAND_WRITTEN) {
            let lines = read(built);
            assert!(!lines.is_empty(), "{built}");
            assert_eq!(lines, read(hand), "{built}");
        }
    }
}

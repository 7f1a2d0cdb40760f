//! `rel sync verify`: one digest over the journal's content, by uid (local ids and maintained
//! columns left out), so replicas that agree print the same line.

use crate::error::Result;
use rusqlite::Connection;
use sha2::{Digest, Sha256};

/// Every record as one canonical JSON line, sorted by kind then uid.
const LINES: [&str; 4] = [
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

fn each_line(conn: &Connection, mut visit: impl FnMut(&str)) -> Result<()> {
    for sql in LINES {
        let mut stmt = conn.prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let line: String = row.get(0)?;
            visit(&line);
        }
    }
    Ok(())
}

/// The lines the digest is made of (to show what differs when two replicas disagree).
pub fn lines(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    each_line(conn, |line| out.push(line.to_string()))?;
    Ok(out)
}

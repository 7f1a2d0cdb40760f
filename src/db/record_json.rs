//! A record's fields written straight from its rows as JSON: the same bytes serde_json writes
//! for the map [`entity::read`](super::entity::read) returns, without building that map (the
//! fields themselves come from [`record_fields::walk`], as the map's do). A push sends every own
//! creation as a body read from the record (creations keep none in the log), and building
//! the map (a `BTreeMap` of `String` to `Value`, every name and value allocated) then
//! serializing it was a third of a 10k push; here one record costs no allocation once the
//! buffers have grown.

use super::entity::Kind;
use super::record_fields::{self, FieldSink, FieldValue};
use crate::error::Result;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::ops::Range;

/// Writes records' fields as JSON objects, reusing its buffers from one record to the next.
#[derive(Default)]
pub struct FieldsWriter {
    /// Every field's value as JSON, one after another.
    values: Vec<u8>,
    /// The names that are not a column's (list items, participants), one after another.
    names: String,
    fields: Vec<WrittenField>,
}

struct WrittenField {
    /// The name's first eight bytes as a number, in the name's order: most comparisons of
    /// the sort end there, without reading the names.
    head: u64,
    name: Name,
    value: Range<usize>,
}

impl WrittenField {
    fn new(name: Name, spelled: &str, value: Range<usize>) -> WrittenField {
        // Zero-padded, big-endian: a shorter head is a name that ended, which sorts first
        // as it does among strings; equal heads are told apart by the whole names.
        let mut head = [0u8; 8];
        let shown = spelled.as_bytes();
        let len = shown.len().min(8);
        head[..len].copy_from_slice(&shown[..len]);
        WrittenField {
            head: u64::from_be_bytes(head),
            name,
            value,
        }
    }
}

enum Name {
    Column(&'static str),
    Written(Range<usize>),
}

impl FieldsWriter {
    /// Reads every field of a record as it stands; false when there is no such record. What
    /// [`entity::read`](super::entity::read) returns, kept as JSON text until
    /// [`FieldsWriter::write_object`].
    pub fn read(&mut self, conn: &Connection, kind: Kind, uid: &str) -> Result<bool> {
        self.values.clear();
        self.names.clear();
        self.fields.clear();
        record_fields::walk(conn, kind, uid, self)
    }

    /// Sets a field as inserting into [`Fields`](super::entity::Fields) would: a later value
    /// of a name replaces the earlier one.
    pub fn insert(&mut self, name: &str, value: &serde_json::Value) -> Result<()> {
        let start = self.values.len();
        serde_json::to_writer(&mut self.values, value)?;
        let value = start..self.values.len();
        self.push_name(&[name], value);
        Ok(())
    }

    /// About how many bytes [`FieldsWriter::write_object`] appends (more when names need
    /// escaping), to size its buffer.
    pub fn json_len_hint(&self) -> usize {
        self.values.len() + self.names.len() + 12 * self.fields.len() + 2
    }

    /// Appends the fields read as one JSON object: sorted by name, each name once (its last
    /// value), as serde_json writes a map.
    pub fn write_object(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let names = &self.names;
        let name_of = |field: &WrittenField| -> &str {
            match &field.name {
                Name::Column(name) => name,
                Name::Written(range) => &names[range.clone()],
            }
        };
        let order = |a: &WrittenField, b: &WrittenField| {
            a.head.cmp(&b.head).then_with(|| name_of(a).cmp(name_of(b)))
        };
        // Stable: of fields with one name, the last set stays last, and is the one written.
        self.fields.sort_by(order);
        out.push(b'{');
        let mut first = true;
        for (i, field) in self.fields.iter().enumerate() {
            let name = name_of(field);
            if self
                .fields
                .get(i + 1)
                .is_some_and(|next| order(next, field).is_eq())
            {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            serde_json::to_writer(&mut *out, name)?;
            out.push(b':');
            out.extend_from_slice(&self.values[field.value.clone()]);
        }
        out.push(b'}');
        Ok(())
    }

    /// A field whose name is `parts` joined, its value already in `values`.
    fn push_name(&mut self, parts: &[&str], value: Range<usize>) {
        let start = self.names.len();
        for part in parts {
            self.names.push_str(part);
        }
        let range = start..self.names.len();
        let field = WrittenField::new(Name::Written(range.clone()), &self.names[range], value);
        self.fields.push(field);
    }
}

impl FieldSink for FieldsWriter {
    fn field(
        &mut self,
        name: &'static str,
        item: Option<&str>,
        value: FieldValue<'_>,
    ) -> Result<()> {
        let start = self.values.len();
        match value {
            FieldValue::Sql(ValueRef::Null) => self.values.extend_from_slice(b"null"),
            FieldValue::Sql(ValueRef::Integer(n)) | FieldValue::Int(n) => {
                serde_json::to_writer(&mut self.values, &n)?
            }
            FieldValue::Sql(ValueRef::Real(x)) => {
                serde_json::to_writer(&mut self.values, &serde_json::Value::from(x))?
            }
            FieldValue::Sql(ValueRef::Text(text) | ValueRef::Blob(text)) => {
                write_text(&mut self.values, text)?
            }
            FieldValue::True => self.values.extend_from_slice(b"true"),
        }
        let value = start..self.values.len();
        match item {
            None => self
                .fields
                .push(WrittenField::new(Name::Column(name), name, value)),
            Some(item) => self.push_name(&[name, item], value),
        }
        Ok(())
    }
}

/// Text as `entity::read` takes it (`String::from_utf8_lossy`), written as a JSON string.
fn write_text(out: &mut Vec<u8>, text: &[u8]) -> Result<()> {
    Ok(serde_json::to_writer(out, &String::from_utf8_lossy(text))?)
}

#[cfg(test)]
mod tests {
    use super::FieldsWriter;
    use crate::db::Db;
    use crate::db::entity::{self, Kind};

    /// Records of every kind with what a body must carry over exactly: quotes, backslashes,
    /// control characters and emoji in text, NULLs, a number stored as REAL and text that is not
    /// UTF-8, every list, a `via`, participants and none, and a setting.
    const RECORDS: &str = r#"
    INSERT INTO contacts (id, uid, handle, name, org, role, every, birthday, note, created_at,
                          archived_at, snoozed_until, owner, dismissed_until)
    VALUES (1, 'c1', 'ann', 'Ann "the" \ Lee' || char(10, 9, 1) || 'é😀', NULL, '', '2w',
            '--05-01', 'x', 100, NULL, 7, 'bob', 5);
    INSERT INTO contacts (id, uid, handle, name, via_id, note, created_at)
    VALUES (2, 'c2', 'bo', 'Bo', 1, X'FF41', 1.5);
    INSERT INTO contact_tags (contact_id, tag) VALUES (2, 'b'), (2, 'a"b'), (2, 'a');
    INSERT INTO contact_emails (contact_id, email) VALUES (2, 'bo@example.com');
    INSERT INTO contact_phones (contact_id, phone) VALUES (2, '+1 555'), (1, '+2');
    INSERT INTO contact_aliases (handle, contact_id) VALUES ('bobby', 2);
    INSERT INTO interactions (id, uid, at, channel, note, respect, created_at)
    VALUES (1, 'i1', 1000, 'call', 'said "hi" \o/', -1, 1000), (2, 'i2', 2000, 'mail', '', 0, 2000);
    INSERT INTO interaction_contacts (interaction_id, contact_id, position) VALUES (1, 2, 0), (1, 1, 1);
    INSERT INTO followups (uid, contact_id, interaction_id, due_at, text, created_at)
    VALUES ('f1', 1, 1, 3000, 'call back', 1000), ('f2', 2, NULL, 4000, '', 1000);
    INSERT INTO settings (key, value) VALUES ('default-channel', 'call "x"');
    "#;

    #[test]
    fn fields_written_from_rows_are_the_bytes_of_the_serialized_map() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = Db::open(&dir.path().join("journal.db")).expect("open");
        db.conn().execute_batch(RECORDS).expect("records");
        let mut writer = FieldsWriter::default();
        // Twice over, so every record is also written after others (buffers reused).
        for _ in 0..2 {
            for (kind, uid) in [
                (Kind::Contact, "c1"),
                (Kind::Contact, "c2"),
                (Kind::Interaction, "i1"),
                (Kind::Interaction, "i2"),
                (Kind::FollowUp, "f1"),
                (Kind::FollowUp, "f2"),
                (Kind::Setting, "default-channel"),
            ] {
                let mut map = entity::read(db.conn(), kind, uid)
                    .expect("read")
                    .expect("here");
                assert!(writer.read(db.conn(), kind, uid).expect("read"), "{uid}");
                // Set as a map is: a name already there takes the later value, a new one its place.
                for (name, value) in [
                    ("name", "Other"),
                    ("aaa", "first"),
                    ("zzz\"", "last"),
                    // The same first eight bytes as `archived_at` (a contact's column).
                    ("archived_b", "b"),
                    ("archived", "none"),
                ] {
                    map.insert(name.into(), value.into());
                    writer.insert(name, &value.into()).expect("insert");
                }
                let mut written = Vec::new();
                writer.write_object(&mut written).expect("write");
                let expected = serde_json::to_string(&map).expect("json");
                assert_eq!(
                    String::from_utf8(written).expect("utf-8"),
                    expected,
                    "{uid}"
                );
            }
            assert!(!writer.read(db.conn(), Kind::Contact, "gone").expect("read"));
            assert!(
                !writer
                    .read(db.conn(), Kind::Setting, "unset")
                    .expect("read")
            );
        }
        // The records above are what the comparison covers.
        assert!(writer.read(db.conn(), Kind::Contact, "c2").expect("read"));
        let mut c2 = Vec::new();
        writer.write_object(&mut c2).expect("write");
        let c2 = String::from_utf8(c2).expect("utf-8");
        for part in [
            r#""alias:bobby":true"#,
            r#""created_at":1.5"#,
            "\"note\":\"\u{FFFD}A\"",
            r#""tag:a\"b":true"#,
            r#""via":"c1""#,
        ] {
            assert!(c2.contains(part), "{part} in {c2}");
        }
        assert!(
            writer
                .read(db.conn(), Kind::Interaction, "i1")
                .expect("read")
        );
        let mut i1 = Vec::new();
        writer.write_object(&mut i1).expect("write");
        let i1 = String::from_utf8(i1).expect("utf-8");
        assert!(i1.contains(r#""with:c1":1,"with:c2":0"#), "{i1}");
    }
}

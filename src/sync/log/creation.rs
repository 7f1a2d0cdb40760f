//! The fields of this replica's own creations, as their bodies' `set`. A creation keeps no
//! body in the log: it is read from the record when it is sent, so a push of a new journal
//! rebuilds one body per record. [`CreationFields`] writes them straight from the rows
//! ([`FieldsWriter`]), the same bytes as serializing the map `oplog::creation_body` builds
//! (which stays for what is rare: a record removed since, a kind this rel does not know).

use super::registers;
use crate::db::entity::Kind;
use crate::db::record_json::FieldsWriter;
use crate::error::Result;
use rusqlite::Connection;

/// Reads own creations' fields one after another, reusing its buffers.
#[derive(Default)]
pub struct CreationFields {
    fields: FieldsWriter,
}

impl CreationFields {
    /// Reads the fields record `uid` is sent with as its creation; false when it is gone.
    pub fn read(&mut self, conn: &Connection, kind: Kind, uid: &str) -> Result<bool> {
        if !self.fields.read(conn, kind, uid)? {
            return Ok(false);
        }
        if kind == Kind::Contact {
            for (field, value) in registers::creation_time(conn, uid)? {
                self.fields.insert(&field, &value)?;
            }
        }
        Ok(true)
    }

    /// About how many bytes [`CreationFields::write_object`] appends.
    pub fn json_len_hint(&self) -> usize {
        self.fields.json_len_hint()
    }

    /// Appends the fields read as a JSON object, as serde_json writes the map.
    pub fn write_object(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.fields.write_object(out)
    }
}

//! The operation log: this replica's id, its own operations (gap-free `seq`), the operations
//! received from others, and what goes out on the wire.

use super::continues::{Continues, Link};
use super::creation::CreationFields;
use super::registers;
use super::undo_image::UndoImage;
use crate::db::entity::{self, Fields, Kind};
use crate::error::{Error, Result};
use crate::sync::log::WireOp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `sync_replicas.n` of this replica.
pub const LOCAL: i64 = 1;

/// The version of the body format this rel writes.
pub const BODY_VERSION: u32 = 1;

/// An operation's body: which record, and the fields it sets. `new` marks a record's creation,
/// whose fields count as older than any change (see `fold`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Body {
    pub v: u32,
    pub k: OpKind,
    pub uid: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new: bool,
    #[serde(default)]
    pub set: Fields,
    /// Only in the first operation of a replica id that continues another (a journal restored
    /// from a backup or copied moved to a new id, see `fork.rs`): the old id and its last
    /// operation on the remote then. Older rels ignore the field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continues: Option<Continues>,
}

impl Body {
    pub fn new(kind: Kind, uid: &str, new: bool, set: Fields) -> Body {
        Body {
            v: BODY_VERSION,
            k: OpKind::Known(kind),
            uid: uid.to_string(),
            new,
            set,
            continues: None,
        }
    }
}

/// The kind of record an operation is about, as its body (and `sync_ops.kind`) names it: one
/// this rel knows, or a name it does not (a newer rel's, or a forgery): kept in the log and
/// passed on, never applied. Stored and sent as the name.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(from = "String", into = "String")]
pub enum OpKind {
    Known(Kind),
    Other(String),
}

impl OpKind {
    /// The kind of record, when this rel knows it.
    pub fn known(&self) -> Option<Kind> {
        match self {
            OpKind::Known(kind) => Some(*kind),
            OpKind::Other(_) => None,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            OpKind::Known(kind) => kind.name(),
            OpKind::Other(name) => name,
        }
    }
}

impl From<&str> for OpKind {
    fn from(name: &str) -> OpKind {
        Kind::parse(name).map_or_else(|| OpKind::Other(name.to_string()), OpKind::Known)
    }
}

impl From<String> for OpKind {
    fn from(name: String) -> OpKind {
        match Kind::parse(&name) {
            Some(kind) => OpKind::Known(kind),
            None => OpKind::Other(name),
        }
    }
}

impl From<OpKind> for String {
    fn from(kind: OpKind) -> String {
        match kind {
            OpKind::Known(kind) => kind.name().to_string(),
            OpKind::Other(name) => name,
        }
    }
}

/// This journal's replica id (a UUID v7), made on first use.
pub fn replica_id(conn: &Connection) -> Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT uuid FROM sync_replicas WHERE n = 1")?
        .query_row([], |row| row.get(0))
        .optional()?;
    if let Some(uuid) = found {
        return Ok(uuid);
    }
    let uuid = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO sync_replicas (n, uuid) VALUES (?1, ?2)",
        params![LOCAL, uuid],
    )?;
    Ok(uuid)
}

/// The local number of a replica known by uuid, registering it when new.
pub fn replica_number(conn: &Connection, uuid: &str) -> Result<i64> {
    let found: Option<i64> = conn
        .prepare_cached("SELECT n FROM sync_replicas WHERE uuid = ?1")?
        .query_row([uuid], |row| row.get(0))
        .optional()?;
    if let Some(n) = found {
        return Ok(n);
    }
    // n = 1 is kept for this replica even before its uuid is made.
    conn.prepare_cached(
        "INSERT INTO sync_replicas (n, uuid) SELECT max(2, coalesce(max(n), 0) + 1), ?1 FROM sync_replicas",
    )?
    .execute([uuid])?;
    Ok(conn.last_insert_rowid())
}

/// The highest seq of this replica's own operations (0 when none).
pub fn last_own_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM sync_ops WHERE replica = 1")?
        .query_row([], |row| row.get(0))?)
}

/// Appends one of this replica's operations.
pub fn append_own(
    conn: &Connection,
    seq: i64,
    hlc: i64,
    kind: Kind,
    uid: &str,
    body: Option<&Body>,
    undo: Option<&UndoImage>,
) -> Result<()> {
    let body = body.map(serde_json::to_string).transpose()?;
    let undo = undo.map(serde_json::to_string).transpose()?;
    conn.prepare_cached(
        "INSERT INTO sync_ops (replica, seq, hlc, kind, uid, body, undo) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![seq, hlc, kind.name(), uid, body, undo])?;
    Ok(())
}

/// This replica's operations with `seq > after`, in seq order: what a sync sends.
pub fn own_ops_after(conn: &Connection, after: i64) -> Result<Vec<WireOp>> {
    own_ops_page(conn, after, i64::MAX, usize::MAX)
}

/// At most `limit` of [`own_ops_after`], and no more than the first to reach `max_bytes` of
/// bodies: a first sync of a large journal sends in pages, so memory holds one page.
pub fn own_ops_page(
    conn: &Connection,
    after: i64,
    limit: i64,
    max_bytes: usize,
) -> Result<Vec<WireOp>> {
    let replica = replica_id(conn)?;
    // A new id's operation may name the id it continues (see `continues.rs`).
    let link = super::continues::of(conn, &replica)?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, hlc, kind, uid, body FROM sync_ops WHERE replica = 1 AND seq > ?1 ORDER BY seq LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![after, limit], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, Option<String>>(3)?,
            row.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut ops = Vec::new();
    let mut bytes = 0;
    let mut creations = CreationFields::default();
    for row in rows {
        if bytes >= max_bytes {
            break;
        }
        let (seq, hlc, kind, uid, body) = row?;
        let body = match body {
            Some(body) => body,
            None => creation_json(conn, &mut creations, &kind, uid.as_deref().unwrap_or(""))?,
        };
        // A new id's first operation names the id it continues (see `continues.rs`).
        let body = named_continued(link.as_ref(), seq, body)?;
        bytes += body.len();
        ops.push(WireOp {
            replica: replica.clone(),
            seq,
            hlc,
            author: None,
            body,
        });
    }
    Ok(ops)
}

/// `body` of own operation `seq`, naming the id this replica continues when `link` is named
/// there.
fn named_continued(link: Option<&Link>, seq: i64, body: String) -> Result<String> {
    let Some(link) = link.filter(|link| link.at == Some(seq)) else {
        return Ok(body);
    };
    let mut named: Body = serde_json::from_str(&body)?;
    named.continues = Some(link.old.clone());
    Ok(serde_json::to_string(&named)?)
}

/// The body of own creation `uid` (of the kind named `kind`) as JSON text: byte for byte what
/// serde_json writes for [`creation_body`], written straight from the rows when the record is
/// here (a push of a new journal sends one per record: building the map was a third of it).
pub(in crate::sync) fn creation_json(
    conn: &Connection,
    creations: &mut CreationFields,
    kind: &str,
    uid: &str,
) -> Result<String> {
    let kind = match OpKind::from(kind) {
        OpKind::Known(kind) if creations.read(conn, kind, uid)? => kind,
        other => return Ok(serde_json::to_string(&creation_body(conn, other, uid)?)?),
    };
    // `Body`'s fields in its order; `continues` is named later, by `named_continued`.
    let mut out = Vec::with_capacity(creations.json_len_hint() + uid.len() + 64);
    out.extend_from_slice(b"{\"v\":");
    serde_json::to_writer(&mut out, &BODY_VERSION)?;
    out.extend_from_slice(b",\"k\":");
    serde_json::to_writer(&mut out, kind.name())?;
    out.extend_from_slice(b",\"uid\":");
    serde_json::to_writer(&mut out, uid)?;
    out.extend_from_slice(b",\"new\":true,\"set\":");
    creations.write_object(&mut out)?;
    out.push(b'}');
    String::from_utf8(out).map_err(|_| Error::runtime("internal: a creation's body is not UTF-8"))
}

/// The body of an own creation, read from the record as it stands now. Later changes are
/// their own operations with later stamps, so sending the current values as the creation's
/// loses nothing; a record deleted since is sent as its registers kept it (its removal follows).
pub(in crate::sync) fn creation_body(conn: &Connection, kind: OpKind, uid: &str) -> Result<Body> {
    let OpKind::Known(kind) = kind else {
        return Ok(Body {
            v: BODY_VERSION,
            k: kind,
            uid: uid.to_string(),
            new: true,
            set: Fields::new(),
            continues: None,
        });
    };
    let fields = match entity::read(conn, kind, uid)? {
        Some(mut fields) if kind == Kind::Contact => {
            fields.extend(registers::creation_time(conn, uid)?);
            fields
        }
        Some(fields) => fields,
        // Removed since: what the registers kept of it (a removed contact's fields, so it can
        // come back on a replica where another machine logged with it).
        None => registers::all(conn, uid)?
            .into_iter()
            .map(|(field, _, value)| (field, value))
            .collect(),
    };
    Ok(Body::new(kind, uid, true, fields))
}

/// Per other replica, the highest seq held here (applied or held back). One primary-key seek
/// per replica: a `GROUP BY` over `sync_ops` read this replica's million operations too, on
/// every `rel sync` (a no-op sync at L spent most of its time there).
pub fn received_heads(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT uuid, head FROM (
             SELECT r.uuid, (SELECT max(o.seq) FROM sync_ops o WHERE o.replica = r.n) AS head
             FROM sync_replicas r WHERE r.n != 1
         ) WHERE head IS NOT NULL",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether two bodies are the same change. A creation is compared by record (its body is read
/// from the record when it is sent, so two sends of one creation may carry other values);
/// anything else by what it sets.
pub fn same_change(a: &str, b: &str) -> bool {
    match (
        serde_json::from_str::<Body>(a),
        serde_json::from_str::<Body>(b),
    ) {
        (Ok(a), Ok(b)) => {
            a.k == b.k && a.uid == b.uid && a.new == b.new && (a.new || a.set == b.set)
        }
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::{Body, Kind, OpKind, same_change};

    /// A body reads into a typed kind and writes back byte for byte, known kind or not.
    #[test]
    fn kinds_are_stored_and_sent_by_name() {
        let known = r#"{"v":1,"k":"followup","uid":"u1","set":{"alive":false}}"#;
        let other = r#"{"v":2,"k":"gadget","uid":"u2","new":true,"set":{}}"#;
        for (text, kind) in [
            (known, OpKind::Known(Kind::FollowUp)),
            (other, OpKind::Other("gadget".into())),
        ] {
            let body: Body = serde_json::from_str(text).expect("read");
            assert_eq!(body.k, kind);
            assert_eq!(serde_json::to_string(&body).expect("write"), text);
        }
        let made = Body::new(Kind::Contact, "u3", true, Default::default());
        assert_eq!(
            serde_json::to_string(&made).expect("write"),
            r#"{"v":1,"k":"contact","uid":"u3","new":true,"set":{}}"#
        );
    }

    #[test]
    fn a_creation_is_the_same_change_by_record_anything_else_by_what_it_sets() {
        let created = r#"{"v":1,"k":"contact","uid":"u1","new":true,"set":{"name":"Ann"}}"#;
        let created_later =
            r#"{"v":1,"k":"contact","uid":"u1","new":true,"set":{"name":"Ann Lee"}}"#;
        let other_record = r#"{"v":1,"k":"contact","uid":"u2","new":true,"set":{"name":"Ann"}}"#;
        assert!(same_change(created, created_later));
        assert!(!same_change(created, other_record));
        let edit = r#"{"v":1,"k":"contact","uid":"u1","set":{"org":"a"}}"#;
        let other_edit = r#"{"v":1,"k":"contact","uid":"u1","set":{"org":"b"}}"#;
        assert!(same_change(edit, edit));
        assert!(!same_change(edit, other_edit));
        assert!(!same_change(edit, created));
        assert!(same_change("not json", "not json") && !same_change("not json", "[]"));
    }
}

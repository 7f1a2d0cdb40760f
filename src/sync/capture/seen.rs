//! What the capture hook (`hook.rs`) keeps of each row change it is shown, until it is
//! written to the staging table: compact events in the order AFTER triggers would have fired,
//! the fields of records as they were, and which records this write created or removed.

use super::events::{
    Columns, Event, Extra, NO_EXTRA, Named, Old, Side, column, int_of, json_of, text_of,
};
use super::id_set::IdSet;
use super::preupdate::{Change, Op};
use crate::db::entity::Kind;
use crate::db::synced::{self, Reference, Shape, Table};
use rusqlite::types::Value as SqlValue;
use std::collections::HashMap;

/// Everything seen since the write began.
#[derive(Default)]
pub(super) struct Buffer {
    pub(super) events: Vec<Event>,
    /// Changes still waiting for what they set off (depth, change).
    pub(super) open: Vec<(i32, Event)>,
    pub(super) extras: Vec<Extra>,
    /// Contacts and interactions created by this write: their list items and participants
    /// are part of the creation, not changes of their own.
    pub(super) created_contacts: IdSet,
    pub(super) created_interactions: IdSet,
    /// Records removed by this write: their uids, to name them after they are gone.
    pub(super) removed: HashMap<(u8, i64), String>,
    pub(super) columns: Columns,
    /// The hook failed on some change: the write must not be recorded as if complete.
    /// (A cell: it is set while a change is read through `&self`.)
    pub(super) broken: std::cell::Cell<bool>,
}

impl Buffer {
    /// Forgets everything seen (the columns stay: they belong to the connection).
    pub(super) fn clear(&mut self) {
        *self = Buffer {
            columns: std::mem::take(&mut self.columns),
            ..Buffer::default()
        };
    }

    /// The records of this kind created by this write (contacts and interactions: what is
    /// added to them is part of their creation).
    fn created(&mut self, kind: Kind) -> Option<&mut IdSet> {
        match kind {
            Kind::Contact => Some(&mut self.created_contacts),
            Kind::Interaction => Some(&mut self.created_interactions),
            Kind::FollowUp | Kind::Setting => None,
        }
    }

    /// What is added to this record from now on is staged as a change of its own.
    pub(super) fn forget_created(&mut self, kind: Kind, row_id: i64) {
        if let Some(created) = self.created(kind) {
            created.remove(row_id);
        }
    }

    fn push(&mut self, depth: i32, tbl: u8, change: u8, row_id: i64, extra: Option<Extra>) {
        let extra = match extra {
            Some(extra) => {
                self.extras.push(extra);
                (self.extras.len() - 1) as u32
            }
            None => NO_EXTRA,
        };
        self.close_down_to(depth);
        self.open.push((
            depth,
            Event {
                tbl,
                change,
                row_id,
                extra,
            },
        ));
    }

    /// Stages every waiting change at `depth` or deeper: what they set off is done.
    pub(super) fn close_down_to(&mut self, depth: i32) {
        while let Some((d, _)) = self.open.last() {
            if *d < depth {
                break;
            }
            let (_, event) = self.open.pop().expect("checked above");
            self.events.push(event);
        }
    }

    fn named(&self, table: &'static Table, id: SqlValue) -> Named {
        let id = int_of(&id).filter(|id| !self.removed.contains_key(&(table.code, *id)));
        Named { table, id }
    }

    /// The record's fields before the change (uid included) and the records it names.
    fn old_record(&self, table: &Table, change: &Change) -> Old {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let mut binary = false;
        let fields = std::iter::once("uid")
            .chain(table.fields().map(|field| field.name))
            .map(|name| {
                let value = col(name);
                binary |= matches!(value, SqlValue::Blob(_));
                (name, json_of(value))
            })
            .collect();
        // Bytes that are not text have no place in an operation's JSON: the write fails at
        // `flush` rather than record (and later undo to) a NULL in their place.
        if binary {
            self.broken.set(true);
        }
        let refs = table
            .references()
            .map(|named| {
                let id = col(named.column);
                (named.field, self.named(named.to.table(), id))
            })
            .collect();
        Old::Record { fields, refs }
    }

    /// The id of the record a removed or changed record belongs to (a follow-up's contact),
    /// staged as `ref`: the row named may be gone by the time the staged rows are read.
    fn owner_id(table: &Table, col: impl Fn(&'static str) -> SqlValue) -> Option<i64> {
        table
            .references()
            .find(|reference| reference.required)
            .and_then(|owner: &Reference| int_of(&col(owner.column)))
    }

    pub(super) fn see(&mut self, change: &Change) {
        let Some(table) = synced::named(change.table) else {
            return;
        };
        // `me.*` settings (`me.email`) belong to this machine's member and never sync.
        if let Shape::Settings { key, .. } = table.shape {
            let side = match change.op {
                Op::Insert => Side::New,
                Op::Delete | Op::Update => Side::Old,
            };
            let key = text_of(column(&self.columns, change, side, key));
            if key.is_some_and(|key| crate::checks::is_machine_setting(&key)) {
                return;
            }
        }
        match change.op {
            Op::Insert => self.inserted(table, change),
            Op::Delete => self.deleted(table, change),
            Op::Update => self.updated(table, change),
        }
    }

    fn inserted(&mut self, table: &'static Table, change: &Change) {
        let depth = change.depth;
        match table.shape {
            Shape::Record { .. } => {
                let id = change.new_rowid;
                if let Some(created) = self.created(table.kind) {
                    created.insert(id);
                }
                self.push(depth, table.code, b'I', id, None);
            }
            Shape::Settings { key, .. } => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(column(&self.columns, change, Side::New, key)),
                    ..Extra::default()
                };
                self.push(depth, table.code, b'I', 0, Some(extra));
            }
            Shape::List { .. } | Shape::Participants { .. } => {
                self.member(table, b'I', Side::New, change)
            }
        }
    }

    /// `rel merge` moves handles with `INSERT OR REPLACE`: SQLite deletes the row that held the
    /// handle just before it inserts the new one, and calls the hook for that delete too. A
    /// trigger never saw it (delete triggers do not fire for REPLACE), and the handle is not
    /// lost but moved, so the removal is dropped: the delete just seen at this depth of the
    /// same handle.
    fn forget_replaced(&mut self, table: &Table, depth: i32, handle: Option<&str>) {
        let Some((d, last)) = self.open.last() else {
            return;
        };
        let replaced = *d == depth
            && last.tbl == table.code
            && last.change == b'D'
            && self
                .extras
                .get(last.extra as usize)
                .is_some_and(|extra| extra.item.as_deref() == handle);
        if replaced {
            self.open.pop();
        }
    }

    fn deleted(&mut self, table: &'static Table, change: &Change) {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let depth = change.depth;
        match table.shape {
            Shape::Record { .. } => {
                let id = change.old_rowid;
                let record = self.old_record(table, change);
                let reference = Self::owner_id(table, col);
                if let Some(uid) = text_of(col("uid")) {
                    self.removed.insert((table.code, id), uid);
                }
                let extra = Extra {
                    reference,
                    old: Some(record),
                    ..Extra::default()
                };
                self.push(depth, table.code, b'D', id, Some(extra));
            }
            Shape::Settings { key, value } => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(col(key)),
                    old: Some(Old::Plain(col(value))),
                    ..Extra::default()
                };
                self.push(depth, table.code, b'D', 0, Some(extra));
            }
            Shape::List { .. } | Shape::Participants { .. } => {
                self.member(table, b'D', Side::Old, change)
            }
        }
    }

    /// A participant or list item added (`I`) or removed (`D`): staged under the interaction
    /// or contact it belongs to, unless that was created by this write (the creation holds it).
    fn member(&mut self, table: &'static Table, kind: u8, side: Side, change: &Change) {
        let col = |name| column(&self.columns, change, side, name);
        let (owner, extra, replaced) = match table.shape {
            Shape::Participants {
                owner,
                contact,
                position,
            } => {
                let extra = Extra {
                    reference: int_of(&col(contact)),
                    old: Some(Old::Plain(col(position))),
                    ..Extra::default()
                };
                (col(owner), extra, false)
            }
            Shape::List {
                owner,
                item,
                replaced,
                ..
            } => {
                let extra = Extra {
                    item: text_of(col(item)),
                    ..Extra::default()
                };
                (col(owner), extra, replaced)
            }
            Shape::Record { .. } | Shape::Settings { .. } => return,
        };
        let Some(owner) = int_of(&owner) else {
            return;
        };
        if kind == b'I' {
            let created = self
                .created(table.kind)
                .is_some_and(|created| created.contains(owner));
            if replaced {
                self.forget_replaced(table, change.depth, extra.item.as_deref());
            }
            if created {
                return;
            }
        }
        self.push(change.depth, table.code, kind, owner, Some(extra));
    }

    /// Updates of list items and participants were never staged (no command makes them: they
    /// are added and removed), so they are not here either.
    fn updated(&mut self, table: &'static Table, change: &Change) {
        let columns = &self.columns;
        let differs = |name: &str| {
            column(columns, change, Side::Old, name) != column(columns, change, Side::New, name)
        };
        let changed = match table.shape {
            Shape::Record { columns, .. } => columns.iter().any(|column| differs(column.name())),
            Shape::Settings { value, .. } => differs(value),
            Shape::List { .. } | Shape::Participants { .. } => return,
        };
        if !changed {
            return;
        }
        let col = |name| column(&self.columns, change, Side::Old, name);
        let extra = match table.shape {
            Shape::Settings { key, value } => Extra {
                no_row: true,
                item: text_of(col(key)),
                old: Some(Old::Plain(col(value))),
                ..Extra::default()
            },
            _ => Extra {
                reference: Self::owner_id(table, col),
                old: Some(self.old_record(table, change)),
                ..Extra::default()
            },
        };
        self.push(
            change.depth,
            table.code,
            b'U',
            change.old_rowid,
            Some(extra),
        );
    }
}

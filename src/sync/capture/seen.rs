//! What the capture hook (`hook.rs`) keeps of each row change it is shown, until it is
//! written to the staging table: compact events in the order AFTER triggers would have fired,
//! the fields of records as they were, and which records this write created or removed.

use super::events::{
    ALIASES, CONTACTS, Columns, Event, Extra, FOLLOWUPS, INTERACTIONS, NO_EXTRA, Named, Old,
    PARTICIPANTS, SETTINGS, Side, SortedIds, column, field_columns, int_of, item_column, json_of,
    naming_columns, table_code, text_of,
};
use super::preupdate::{Change, Op};
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
    pub(super) created_contacts: SortedIds,
    pub(super) created_interactions: SortedIds,
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

    /// What is added to this record from now on is staged as a change of its own.
    pub(super) fn forget_created(&mut self, tbl: u8, row_id: i64) {
        match tbl {
            CONTACTS => self.created_contacts.remove(row_id),
            INTERACTIONS => self.created_interactions.remove(row_id),
            _ => {}
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

    fn named(&self, tbl: u8, id: SqlValue) -> Named {
        let id = int_of(&id).filter(|id| !self.removed.contains_key(&(tbl, *id)));
        Named { tbl, id }
    }

    /// The record's fields before the change (uid included) and the records it names.
    fn old_record(&self, tbl: u8, change: &Change) -> Old {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let mut binary = false;
        let fields = std::iter::once("uid")
            .chain(field_columns(tbl).into_iter().flatten().copied())
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
        let refs = naming_columns(tbl)
            .iter()
            .map(|(field, named, name)| (*field, self.named(*named, col(name))))
            .collect();
        Old::Record { fields, refs }
    }

    pub(super) fn see(&mut self, change: &Change) {
        let Some(tbl) = table_code(change.table) else {
            return;
        };
        // `me.*` settings (`me.email`) belong to this machine's member and never sync.
        if tbl == SETTINGS {
            let side = match change.op {
                Op::Insert => Side::New,
                Op::Delete | Op::Update => Side::Old,
            };
            let key = text_of(column(&self.columns, change, side, "key"));
            if key.is_some_and(|key| crate::checks::is_machine_setting(&key)) {
                return;
            }
        }
        match change.op {
            Op::Insert => self.inserted(tbl, change),
            Op::Delete => self.deleted(tbl, change),
            Op::Update => self.updated(tbl, change),
        }
    }

    fn inserted(&mut self, tbl: u8, change: &Change) {
        let depth = change.depth;
        match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                let id = change.new_rowid;
                match tbl {
                    CONTACTS => self.created_contacts.insert(id),
                    INTERACTIONS => self.created_interactions.insert(id),
                    _ => {}
                }
                self.push(depth, tbl, b'I', id, None);
            }
            SETTINGS => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(column(&self.columns, change, Side::New, "key")),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'I', 0, Some(extra));
            }
            _ => self.member(tbl, b'I', Side::New, change),
        }
    }

    /// `rel merge` moves handles with `INSERT OR REPLACE`: SQLite deletes the row that held the
    /// handle just before it inserts the new one, and calls the hook for that delete too. A
    /// trigger never saw it (delete triggers do not fire for REPLACE), and the handle is not
    /// lost but moved, so the removal is dropped: the delete just seen at this depth of the
    /// same handle.
    fn forget_replaced_alias(&mut self, depth: i32, handle: Option<&str>) {
        let Some((d, last)) = self.open.last() else {
            return;
        };
        let replaced = *d == depth
            && last.tbl == ALIASES
            && last.change == b'D'
            && self
                .extras
                .get(last.extra as usize)
                .is_some_and(|extra| extra.item.as_deref() == handle);
        if replaced {
            self.open.pop();
        }
    }

    fn deleted(&mut self, tbl: u8, change: &Change) {
        let col = |name| column(&self.columns, change, Side::Old, name);
        let depth = change.depth;
        match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                let id = change.old_rowid;
                let record = self.old_record(tbl, change);
                let reference = (tbl == FOLLOWUPS)
                    .then(|| int_of(&col("contact_id")))
                    .flatten();
                if let Some(uid) = text_of(col("uid")) {
                    self.removed.insert((tbl, id), uid);
                }
                let extra = Extra {
                    reference,
                    old: Some(record),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', id, Some(extra));
            }
            SETTINGS => {
                let extra = Extra {
                    no_row: true,
                    item: text_of(col("key")),
                    old: Some(Old::Plain(col("value"))),
                    ..Extra::default()
                };
                self.push(depth, tbl, b'D', 0, Some(extra));
            }
            _ => self.member(tbl, b'D', Side::Old, change),
        }
    }

    /// A participant or list item added (`I`) or removed (`D`): staged under the interaction
    /// or contact it belongs to, unless that was created by this write (the creation holds it).
    fn member(&mut self, tbl: u8, kind: u8, side: Side, change: &Change) {
        let col = |name| column(&self.columns, change, side, name);
        let (owner, created) = if tbl == PARTICIPANTS {
            (col("interaction_id"), &self.created_interactions)
        } else {
            (col("contact_id"), &self.created_contacts)
        };
        let Some(owner) = int_of(&owner) else {
            return;
        };
        let extra = if tbl == PARTICIPANTS {
            Extra {
                reference: int_of(&col("contact_id")),
                old: Some(Old::Plain(col("position"))),
                ..Extra::default()
            }
        } else {
            Extra {
                item: text_of(col(item_column(tbl))),
                ..Extra::default()
            }
        };
        if kind == b'I' {
            let created = created.contains(owner);
            if tbl == ALIASES {
                self.forget_replaced_alias(change.depth, extra.item.as_deref());
            }
            if created {
                return;
            }
        }
        self.push(change.depth, tbl, kind, owner, Some(extra));
    }

    /// Updates of list items and participants were never staged (no command makes them: they
    /// are added and removed), so they are not here either.
    fn updated(&mut self, tbl: u8, change: &Change) {
        let columns = &self.columns;
        let differs = |name: &str| {
            column(columns, change, Side::Old, name) != column(columns, change, Side::New, name)
        };
        let changed = match tbl {
            CONTACTS | INTERACTIONS | FOLLOWUPS => {
                field_columns(tbl)
                    .into_iter()
                    .flatten()
                    .any(|name| differs(name))
                    || naming_columns(tbl).iter().any(|(_, _, name)| differs(name))
            }
            SETTINGS => differs("value"),
            _ => return,
        };
        if !changed {
            return;
        }
        let col = |name| column(&self.columns, change, Side::Old, name);
        let extra = if tbl == SETTINGS {
            Extra {
                no_row: true,
                item: text_of(col("key")),
                old: Some(Old::Plain(col("value"))),
                ..Extra::default()
            }
        } else {
            Extra {
                reference: (tbl == FOLLOWUPS)
                    .then(|| int_of(&col("contact_id")))
                    .flatten(),
                old: Some(self.old_record(tbl, change)),
                ..Extra::default()
            }
        };
        self.push(change.depth, tbl, b'U', change.old_rowid, Some(extra));
    }
}

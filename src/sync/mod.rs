//! One journal on several machines: the operation log, its fold into the tables, and the
//! remotes that carry operations between replicas (a folder, a git repository, PostgreSQL).
//! Commands never talk to a remote directly. Design in full: `docs/sync-design.md`.
//!
//! # How a write becomes operations (read this before adding a write)
//!
//! Every write goes through `Db::write` (`src/db/mod.rs`). Before the transaction, the
//! connection gets a pre-update hook (`capture/hook.rs`) that stages each row change of every
//! synced table (with the row as it was). Before commit, [`capture::record`] turns the staged
//! changes into this replica's operations, in the same transaction, and the write into one
//! `rel undo` step. So **a new command that writes through `Db::write` records its operations
//! with no extra code**, as long as it changes the tables and columns described in
//! `db/synced/mod.rs`. Maintained columns (last touch, due, REITH sums) are not captured:
//! upkeep derives them.
//!
//! # The synced schema, declared once
//!
//! `db/synced/mod.rs` describes every synced table: its name, its staging code, and for a
//! record its columns in the schema's order, each a field (how it is written, what a record
//! made without it gets) or a reference to another record. Reading and writing records as
//! fields (`db/entity.rs`), the capture (`capture/seen.rs`), the staging SQL
//! (`capture/sql.rs`), the search re-index (`db/search/upkeep.rs`) and the digest
//! (`db/digest.rs`) are derived from it.
//!
//! **To add a field to contacts**: write the migration (`ALTER TABLE contacts ADD COLUMN …`
//! in `db/sql/`), and add the column at the end of `CONTACT_COLUMNS` (where `ADD COLUMN` puts
//! it; e.g. `text("nickname")`). It then syncs, is undone, and counts in `rel sync verify`
//! (the digest changes, as it must for a new field). A column that should not sync goes in
//! the table's `maintained` instead: the test `the_description_matches_the_live_schema` fails
//! until it is in one or the other. Optional: a check of received values in
//! `fold/validate.rs` (unknown fields pass unchecked), and whether `rel merge` fills it from
//! the duplicate (`db/merge.rs`, and `take_fields` in `fold/merge_fold.rs`).
//!
//! # Operations
//!
//! An operation is one record's change: `{"v":1,"k":"contact"|"interaction"|"followup"|
//! "setting","uid":…,"new":true?,"set":{field: value,…}}`, stamped with this replica's id, a
//! gap-free `seq` and a hybrid logical clock (`log/clock.rs`). Fields are columns (ids turned into
//! uids: `via`, `contact`, `interaction`), list items (`tag:x`/`email:x`/`phone:x` = true or
//! false), participants (`with:UID` = position or null), `alive` (false = unlogged / deleted)
//! and a contact's `removed` (the time of `rel rm`). A creation (`new`) is stored with no body:
//! the record is its own body, read when the operation is sent (`oplog::own_ops_after`).
//!
//! # The fold
//!
//! Each (uid, field) is a last-writer-wins register ordered by (clock, replica); a creation's
//! fields count as older than any change (a change is made by a replica that already has the
//! record). Registers set by changes live in `sync_fields`; creation values live in the row
//! itself. See `fold/settle.rs` for removed contacts, `fold/handles.rs` for handle collisions.
//!
//! # For remotes and `rel sync`
//!
//! [`replica_id`], [`own_ops_after`] / [`own_ops_page`], [`received_heads`],
//! [`apply_received`] (inside one `Db::write`), [`digest`].

pub mod cache;
pub mod capture;
pub mod digest;
pub mod engine;
pub mod fold;
mod fork;
mod guard;
pub mod log;
pub mod remote;
pub mod replica_names;
pub mod settings;
pub mod undo;

#[cfg(test)]
mod tests;

pub use digest::digest;
pub use fold::ApplyReport;

/// Stores `ops` and applies those not seen before, in the caller's write transaction (see
/// `fold/receive.rs`), with the capture's staging for the fold's own writes. Each body is
/// taken out of `ops` once stored (left empty).
pub fn apply_received(
    tx: &rusqlite::Connection,
    ops: &mut [log::WireOp],
    now: chrono::DateTime<chrono::Utc>,
) -> crate::error::Result<ApplyReport> {
    fold::apply_received(tx, ops, now, &capture::Staged)
}
pub use log::clock::{HOLD_AHEAD_MS, tick as clock_tick};
pub use log::oplog::{Body, own_ops_after, own_ops_page, received_heads, replica_id};

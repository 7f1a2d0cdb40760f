//! One journal on several machines: the operation log, its fold into the tables, and the
//! remotes that carry operations between replicas (a folder, a git repository, PostgreSQL).
//! Commands never talk to a remote directly. Design in full: `docs/sync-design.md`.
//!
//! # How a write becomes operations (read this before adding a write)
//!
//! Every write goes through `Db::write` (`src/db/mod.rs`). Before the transaction, the
//! connection gets a pre-update hook (`capture_hook.rs`) that stages each row change of every
//! synced table (with the row as it was). Before commit, [`capture::record`] turns the staged
//! changes into this replica's operations, in the same transaction, and the write into one
//! `rel undo` step. So **a new command that writes through `Db::write` records its operations
//! with no extra code**, as long as it changes the tables and columns listed in
//! `capture_hook.rs`. If you add a column or table that should sync (or be undone), add it there
//! (watched columns + `old` fields), in `db/entity.rs` (read/write as a field) and in `digest.rs`.
//! Maintained columns (last touch, due, REITH sums) are not captured: upkeep derives them.
//!
//! # Operations
//!
//! An operation is one record's change: `{"v":1,"k":"contact"|"interaction"|"followup"|
//! "setting","uid":…,"new":true?,"set":{field: value,…}}`, stamped with this replica's id, a
//! gap-free `seq` and a hybrid logical clock (`clock.rs`). Fields are columns (ids turned into
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
//! itself. See `fold.rs` for removed contacts and handle collisions.
//!
//! # For remotes and `rel sync`
//!
//! [`replica_id`], [`own_ops_after`] / [`own_ops_page`], [`received_heads`],
//! [`apply_received`] (inside one `Db::write`), [`digest`].

mod capture_hook;
mod capture_seen;
mod capture_sql;
mod clock;
pub mod digest;
mod fold;
mod fork;
mod handles;
mod merge_fold;
mod merge_give_back;
mod oplog;
mod preupdate;
pub mod quarantine;
mod registers;
mod search_upkeep;
pub mod skew;

pub mod capture;
pub mod engine;
pub mod folder;
mod folder_forks;
mod folder_keys;
mod folder_list;
mod folder_write;
pub mod git;
mod git_push;
pub mod pg_connect;
pub mod pg_conninfo;
pub mod pg_members;
mod pg_pass;
pub mod pg_schema;
mod pg_tls;
mod pg_workspace;
pub mod postgres;
pub mod recorder;
pub mod remote;
mod remote_fs;
mod remote_guard;
pub mod replica_names;
pub mod seal;
mod secrets;
pub mod segment;
pub mod settings;
pub mod transport;
pub mod undo;
mod validate;

#[cfg(test)]
mod quarantine_tests;
#[cfg(test)]
mod tests;

pub use clock::{HOLD_AHEAD_MS, tick as clock_tick};
pub use digest::digest;
pub use fold::{ApplyReport, apply_received};
pub use oplog::{Body, own_ops_after, own_ops_page, received_heads, replica_id};

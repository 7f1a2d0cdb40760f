//! The fold: operations received from other replicas become the journal's rows.
//! `receive.rs` stores them and hands them on; `apply.rs` folds them, field by field;
//! `settle.rs` decides at the end whether removed contacts stay and links what waited for a
//! contact; `merge_fold.rs` follows contacts merged into others (`merge_hand_over.rs` hands
//! what names them to the target, `merge_give_back.rs` takes it back when the merge is undone
//! or overtaken); `handles.rs` keeps handles unique; `validate.rs` checks each operation
//! first, and `quarantine.rs` keeps the ones that fail. The search index is kept in step once
//! per batch (`db/search/upkeep.rs`, from `receive.rs`). Every row of the journal's tables is
//! read and written through `db/`; the fold's own SQL names only `sync_*` tables.

mod apply;
mod batch;
pub(in crate::sync) mod handles;
mod merge_fold;
mod merge_give_back;
mod merge_hand_over;
pub mod quarantine;
mod receive;
mod settle;
mod validate;

#[cfg(test)]
mod tests;

pub(in crate::sync) use apply::{Fold, ends_participation};
pub use receive::ApplyReport;
pub(in crate::sync) use receive::apply_received;

use crate::error::Result;
use rusqlite::Connection;

/// What the fold needs of the capture, which sits above it (the capture derives what the fold
/// derives, with the fold's own `Fold`): the row changes its writes made, staged for the
/// search upkeep, then forgotten, since a received change is not this replica's operation.
/// The engine passes the capture's ([`crate::sync::capture::Staged`]).
pub trait Staging {
    /// Moves what the pre-update hook saw of this transaction into the staging table.
    fn stage(&self, conn: &Connection) -> Result<()>;
    /// Forgets whatever was staged or seen.
    fn discard(&self, conn: &Connection) -> Result<()>;
}

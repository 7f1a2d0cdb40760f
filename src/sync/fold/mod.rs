//! The fold: operations received from other replicas become the journal's rows. `apply.rs`
//! stores and folds them, field by field; `merge_fold.rs` follows contacts merged into others
//! (`merge_give_back.rs` takes back what a merge handed on when it is undone or overtaken);
//! `handles.rs` keeps handles unique; `search_upkeep.rs` keeps the search index in step;
//! `validate.rs` checks each operation first, and `quarantine.rs` keeps the ones that fail.

mod apply;
pub(in crate::sync) mod handles;
mod merge_fold;
mod merge_give_back;
pub mod quarantine;
mod search_upkeep;
mod validate;

#[cfg(test)]
mod tests;

pub use apply::{ApplyReport, apply_received};
pub(in crate::sync) use apply::{Fold, ends_participation};

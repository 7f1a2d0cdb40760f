//! The sealed store behind the folder and git remotes: each replica's operations as encrypted
//! segment files in its own folder (`segment.rs`, sealed with the journal's key by `seal.rs`),
//! read and written through `folder.rs` and its parts (`list.rs`, `write.rs`, `keys.rs`,
//! `forks.rs`, `names.rs`, `ranges.rs`) with every file checked before it is trusted (`files.rs`). A folder
//! remote is the store itself; a git remote is the store in a private clone (`git/`).

pub(in crate::sync) mod files;
pub mod folder;
mod forks;
pub mod git;
mod keys;
mod list;
mod names;
mod ranges;
pub mod seal;
pub mod segment;
mod write;

//! This replica's operation log and what orders it: the operations themselves (`oplog.rs`),
//! the hybrid logical clock that stamps them (`clock.rs`), the last-writer-wins registers the
//! fold keeps per (uid, field) (`registers.rs`), and a clock ahead of the others (`skew.rs`).

pub(in crate::sync) mod clock;
pub(in crate::sync) mod oplog;
pub(in crate::sync) mod registers;
pub mod skew;

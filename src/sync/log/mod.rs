//! This replica's operation log and what orders it: the operations themselves (`oplog.rs`),
//! the hybrid logical clock that stamps them (`clock.rs`), the last-writer-wins registers the
//! fold keeps per (uid, field) (`registers.rs`), a clock ahead of the others (`skew.rs`), and
//! what `rel undo` puts back, kept with each own operation (`undo_image.rs`).

pub(in crate::sync) mod clock;
pub(in crate::sync) mod oplog;
pub(in crate::sync) mod registers;
pub mod skew;
pub(in crate::sync) mod undo_image;

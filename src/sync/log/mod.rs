//! This replica's operation log and what orders it: the operations themselves (`oplog.rs`),
//! the hybrid logical clock that stamps them (`clock.rs`), the last-writer-wins registers the
//! fold keeps per (uid, field) (`registers.rs`), a clock ahead of the others (`skew.rs`), and
//! what `rel undo` puts back, kept with each own operation (`undo_image.rs`).

pub(in crate::sync) mod clock;
pub(in crate::sync) mod continues;
pub(in crate::sync) mod creation;
pub(in crate::sync) mod oplog;
pub(in crate::sync) mod registers;
pub mod skew;
pub(in crate::sync) mod undo_image;

/// One operation as it travels between replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WireOp {
    /// The replica that wrote it (a UUID in text form).
    pub replica: String,
    /// Its place in that replica's log: 1, 2, 3… with no gaps.
    pub seq: i64,
    /// Its hybrid-logical-clock stamp, packed as an integer (wall-clock milliseconds << 16 |
    /// counter), so remotes can store and compare it without knowing the layout.
    pub hlc: i64,
    /// The member who wrote it, where the remote knows members (PostgreSQL roles), else None.
    pub author: Option<String>,
    /// The operation itself as JSON text; remotes store it without reading it.
    pub body: String,
}

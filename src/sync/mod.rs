//! One journal on several machines: the operation log, its fold into the tables, and the
//! remotes that carry operations between replicas (a folder, a git repository, PostgreSQL).
//! Commands never talk to a remote directly; `db/`'s write path records operations and
//! `sync::run` moves them.

pub mod engine;
pub mod folder;
pub mod git;
mod log_shim;
pub mod remote;
pub mod seal;
pub mod segment;
pub mod settings;
pub mod transport;

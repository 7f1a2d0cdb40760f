//! Parsers that turn vCard and CSV contact exports into [`ContactDraft`]s.
//! They never touch the database and never panic on bad input: every
//! refused record comes back as a [`RecordError`]. Matching drafts against the
//! database and writing them is `apply/`'s work (through `db::import`); `cmd::import` and
//! `cmd::capture` drive both.

pub mod charset;
pub mod csv_columns;
mod csv_dialect;
pub mod csv_in;
pub mod draft;
pub mod ics_capture;
pub mod mail_capture;
pub mod mailbox;
pub mod normalize;
pub mod people;
pub mod vcard;

pub use csv_in::{CsvRows, read_csv};
pub use draft::{ContactDraft, RecordError};
pub use vcard::{parse_vcards, read_vcards};

pub mod json;
pub mod limit;

//! Turns parsed records (vCard/CSV drafts, rel export records, captured events and messages)
//! into database writes through `db::import`: the parsers of `import/` never write, this is
//! the one applier between them and the writer, checking each record first and counting what happened to it. A record that
//! fails its checks stops the import (nothing is written) unless invalid records are skipped.
//! This file holds what every source shares (the tally, the refusals); each source's records
//! are taken in a file of their own: `drafts` (vCard, CSV), `rel_export` (JSON), `capture`.

use crate::checks;
use crate::db::import::{self as store, Importer, Outcome};
use crate::error::{Error, Result};
use rusqlite::Connection;
use serde::Serialize;

pub mod capture;
mod drafts;
mod record_checks;
mod rel_export;
mod repeats;

use record_checks::{checked_contact, time, time_opt};
use repeats::{Kind, Seen, repeated};

/// Without `--skip-invalid`, this many bad records are named before the import stops.
const NAMED_AT_MOST: usize = 20;

/// How many records of one kind were created, updated or left as they were.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tally {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Records of an address book for a contact an earlier record of the same file was.
    pub repeated: u64,
}

impl Tally {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Repeated => self.repeated += 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.created + self.updated + self.unchanged + self.repeated == 0
    }
}

/// A record left out with `--skip-invalid`, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// `contacts`, `interactions`, `followups`, `settings`, or `record` for vCard/CSV.
    pub section: &'static str,
    pub record: usize,
    pub line: Option<usize>,
    pub reason: String,
}

impl Skipped {
    /// `record 3 (line 12): why` or `interactions record 5: why`.
    pub fn describe(&self) -> String {
        let head = match self.section {
            "record" => format!("record {}", self.record),
            section => format!("{section} record {}", self.record),
        };
        match self.line {
            Some(line) => format!("{head} (line {line}): {}", self.reason),
            None => format!("{head}: {}", self.reason),
        }
    }
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub contacts: Tally,
    pub interactions: Tally,
    pub followups: Tally,
    pub settings: Tally,
    pub skipped: Vec<Skipped>,
    /// Group cards read as tags on their members (never counted as contacts).
    pub groups: u64,
    /// What was read only in part (a birthday without a day…): the record was imported.
    pub warnings: Vec<Skipped>,
    /// New contacts that share an email with another contact, said on stderr:
    /// `jane-smith shares smiths@example.com with john-smith`.
    pub shared_emails: Vec<String>,
}

/// Applies records to one open transaction.
pub struct Apply<'c> {
    conn: &'c Connection,
    importer: Importer<'c>,
    skip_invalid: bool,
    pub summary: Summary,
    /// A file's contact uid → the id it became (it may differ when matched by email).
    contact_ids: foldhash::HashMap<String, i64>,
    /// Introducers to link once every contact of the file exists.
    pending_via: Vec<PendingVia>,
    /// What the file has said so far, to catch an id or uid it repeats.
    seen: Seen,
    /// Bad records seen so far when they are not skipped: all are named at the end.
    refused: Vec<Skipped>,
    drafts: drafts::DraftState,
}

struct PendingVia {
    contact_id: i64,
    via_uid: String,
    record: usize,
    outcome: Outcome,
}

impl<'c> Apply<'c> {
    pub fn new(conn: &'c Connection, now: i64, skip_invalid: bool) -> Result<Apply<'c>> {
        Ok(Apply {
            conn,
            importer: Importer::new(conn, now)?,
            skip_invalid,
            summary: Summary::default(),
            contact_ids: foldhash::HashMap::default(),
            pending_via: Vec::new(),
            seen: Seen::default(),
            refused: Vec::new(),
            drafts: drafts::DraftState::default(),
        })
    }

    /// Refreshes maintained columns and returns the summary; fails naming every bad record
    /// when some were found and not skipped.
    pub fn finish(mut self) -> Result<Summary> {
        self.drafts_done()?;
        if !self.refused.is_empty() {
            return Err(self.refusal());
        }
        self.importer.finish()?;
        Ok(self.summary)
    }

    /// A malformed record: skipped and reported, or remembered so that the import fails at
    /// the end naming all of them (it stops early once there are `NAMED_AT_MOST`).
    fn refuse(&mut self, skipped: Skipped) -> Result<()> {
        if self.skip_invalid {
            self.summary.skipped.push(skipped);
            return Ok(());
        }
        self.refused.push(skipped);
        if self.refused.len() >= NAMED_AT_MOST {
            return Err(self.refusal());
        }
        Ok(())
    }

    /// The error naming the refused records: one alone on the `rel:` line, several below it.
    fn refusal(&mut self) -> Error {
        let refused = std::mem::take(&mut self.refused);
        if let [only] = refused.as_slice() {
            return Error::usage(only.describe()).with_hint(
                "nothing was imported; fix it, or pass --skip-invalid to import the rest",
            );
        }
        let count = if refused.len() >= NAMED_AT_MOST {
            format!(
                "{} invalid records (stopped at the {NAMED_AT_MOST}th)",
                refused.len()
            )
        } else {
            format!("{} invalid records", refused.len())
        };
        Error::usage(count)
            .with_hint("nothing was imported; fix them, or pass --skip-invalid to import the rest")
            .with_details(refused.iter().map(Skipped::describe).collect())
    }

    fn contact_id(&self, uid: &str) -> Result<Option<i64>> {
        match self.contact_ids.get(uid) {
            Some(id) => Ok(Some(*id)),
            None => store::contact_by_uid(self.conn, uid),
        }
    }
}

/// A cadence as stored (trimmed, lower-case), or why it is not one.
fn clean_cadence(text: &str) -> std::result::Result<String, String> {
    checks::cadence(text).map_err(|e| e.message)
}

/// Lines on stderr for new contacts that share an email with another: at most
/// `NAMED_AT_MOST`, then how many more, so a big file stays readable.
pub fn say_shared_emails(notes: &[String]) {
    for note in notes.iter().take(NAMED_AT_MOST) {
        eprintln!("rel: note: {}", crate::output::escape_visible(note));
    }
    if notes.len() > NAMED_AT_MOST {
        eprintln!(
            "rel: note: {} more new contacts share an email with another",
            notes.len() - NAMED_AT_MOST
        );
    }
}

//! Writing imported records inside one transaction: contacts are matched (uid, then email
//! with a name that agrees, then exact name; see `matching`) and merged (`contacts`),
//! interactions and follow-ups are matched by uid (`records`). Ids and uids from a rel export
//! are kept when they are free, so a round trip through an empty database gives back the same
//! document. Maintained columns are refreshed once, in bulk, at the end.

mod contacts;
mod matching;
mod records;

use super::bulk;
use super::{Db, owner, recorder, settings, upkeep};
use crate::error::Result;
use crate::model::Reith;
pub use contacts::contact_by_uid;
pub use matching::name_key;
pub use records::{followup_by_uid, interaction_by_uid};
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};

/// Sizes the page cache for a large import: it touches many index pages again and again, and
/// SQLite's default 2 MB cache made it re-read them from the WAL. 64 MB bounds memory and
/// keeps them. The operation log stages one row per record the import creates until commit
/// (a million at L): in a temp file rather than in memory, so the import's memory stays
/// bounded (365 MB -> under 256 MB at L). SQLite unlinks the file as it opens it, and rel's
/// umask makes it 0600. Called before the write creates its staging table (changing
/// `temp_store` drops the connection's temp objects).
/// The page cache while the set-aside indexes and search are rebuilt (see [`Importer::finish`]).
const REBUILD_CACHE_KIB: u32 = 16_384;

pub fn prepare_for_bulk(db: &Db) -> Result<()> {
    db.conn
        .execute_batch("PRAGMA cache_size = -65536; PRAGMA temp_store = FILE;")?;
    Ok(())
}

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
    /// An address-book record for a contact an earlier record of the same file already
    /// created or matched: it only fills what is still empty.
    Repeated,
}

/// How a contact from a file finds the one it already is in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchRule {
    /// A rel export: the uid is the identity.
    Uid,
    /// Other address books: uid, else an email (case-insensitive) held by a contact whose
    /// name agrees (case and accents ignored), else the exact name when the record has no
    /// email; inside one file, records with different uids never match each other.
    UidEmailName,
}

/// A contact as it arrives from a file; `None` and empty lists mean "the file says nothing".
#[derive(Debug, Clone, Default)]
pub struct IncomingContact {
    pub id: Option<i64>,
    pub uid: Option<String>,
    pub handle: Option<String>,
    pub name: String,
    pub org: Option<String>,
    pub role: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub tags: Vec<String>,
    pub every: Option<String>,
    pub birthday: Option<String>,
    pub note: Option<String>,
    pub created_at: Option<i64>,
    pub archived_at: Option<i64>,
    pub snoozed_until: Option<i64>,
    /// The team member who owns it (checked with `checks::member`); None says nothing.
    pub owner: Option<String>,
}

/// An interaction from a rel export, its participants already resolved to contact ids.
#[derive(Debug, Clone)]
pub struct IncomingInteraction {
    pub id: Option<i64>,
    pub uid: String,
    pub at: i64,
    pub channel: String,
    pub note: String,
    pub marks: Reith,
    pub contact_ids: Vec<i64>,
    pub created_at: i64,
    /// The team member who logged it; None says nothing (an author stored is kept).
    pub author: Option<String>,
    /// Where a captured interaction came from: kind, id, print (None when typed).
    pub source: Option<(String, String, Option<String>)>,
}

/// A follow-up from a rel export, its contact and interaction resolved to ids.
#[derive(Debug, Clone)]
pub struct IncomingFollowUp {
    pub id: Option<i64>,
    pub uid: String,
    pub contact_id: i64,
    pub interaction_id: Option<i64>,
    pub due_at: i64,
    pub text: String,
    pub done_at: Option<i64>,
    pub created_at: i64,
}

/// Writes records into an open transaction and remembers whose maintained columns to refresh.
pub struct Importer<'c> {
    conn: &'c Connection,
    now: i64,
    /// Exact name → ids, lowest first, loaded on the first name match (there is no index
    /// on names).
    names: Option<HashMap<String, Vec<i64>>>,
    /// Contacts a record of this address-book file became → that record's uid, so that
    /// two cards with different uids in one file stay two contacts.
    file_uids: HashMap<i64, Option<String>>,
    touched: HashSet<i64>,
    /// Contacts that a record of this address-book file already matched or created: a
    /// later record for the same person (the file holds them twice) only fills what is
    /// still empty, so the first record wins every time and a re-import changes nothing.
    seen: HashSet<i64>,
    settings_changed: bool,
    /// The interactions table was empty when the import began: nothing can match a record
    /// of the file by uid, and its ids are free, so the two look-ups per record (a million
    /// of them in a large restore) are skipped. A uid repeated inside the file then fails
    /// the UNIQUE constraint, and the import stops with nothing written.
    interactions_were_empty: bool,
    /// Search triggers and indexes of tables that were empty, rebuilt once by `finish`.
    deferred: Option<bulk::Deferred>,
    /// With an empty interactions table at the start, every interaction passes through here:
    /// each contact's last touch and REITH sums are added up on the way, so `finish` need not
    /// read a million rows back.
    histories: Option<HashMap<i64, upkeep::History>>,
    /// This member in a team workspace: owns the contacts an address book (vCard, CSV)
    /// brings in, as `rel add` would make them theirs. A rel export says who owns what itself.
    adder: Option<String>,
    /// Records written since the operation log last staged what this write changed.
    unstaged: usize,
}

/// How many records an import writes between two stagings of its changes: the capture hook
/// holds what it sees in memory until then (16 bytes a creation; a million at L would be
/// 30 MB more at the peak).
const STAGE_EVERY: usize = 16_384;

impl<'c> Importer<'c> {
    pub fn new(conn: &'c Connection, now: i64) -> Result<Importer<'c>> {
        let interactions_were_empty: bool = conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM interactions)",
            [],
            |row| row.get(0),
        )?;
        let deferred = Some(bulk::defer(conn)?);
        let adder = owner::member(conn)?;
        Ok(Importer {
            conn,
            now,
            deferred,
            histories: interactions_were_empty.then(HashMap::new),
            names: None,
            touched: HashSet::new(),
            seen: HashSet::new(),
            file_uids: HashMap::new(),
            settings_changed: false,
            interactions_were_empty,
            adder,
            unstaged: 0,
        })
    }

    /// Called before each record: moves what the capture hook saw to the staging table (a
    /// temp file in a bulk import) every [`STAGE_EVERY`] records.
    fn stage_now_and_then(&mut self) -> Result<()> {
        self.unstaged += 1;
        if self.unstaged >= STAGE_EVERY {
            recorder::stage(self.conn)?;
            self.unstaged = 0;
        }
        Ok(())
    }

    /// Sets one setting; returns what happened.
    pub fn setting(&mut self, key: &str, value: &str) -> Result<Outcome> {
        let outcome = match settings::get(self.conn, key)? {
            Some(stored) if stored == value => return Ok(Outcome::Unchanged),
            Some(_) => Outcome::Updated,
            None => Outcome::Created,
        };
        settings::set(self.conn, key, value)?;
        self.settings_changed = true;
        Ok(outcome)
    }

    /// Keeps maintained columns true for everyone the import touched, in one pass at the end
    /// instead of after every row; a changed cadence setting reaches every contact.
    pub fn finish(mut self) -> Result<()> {
        if let Some(deferred) = self.deferred.take() {
            // The rebuilds read each table once, in order, and need little cache; but
            // SQLite's sorter buffers up to the cache's size in memory for each index built,
            // on top of the 64 MB cache itself: at L that was the import's peak.
            self.conn
                .execute_batch(&format!("PRAGMA cache_size = -{REBUILD_CACHE_KIB}"))?;
            deferred.restore(self.conn)?;
        }
        if let Some(histories) = &self.histories {
            return upkeep::refresh_all_from(self.conn, histories);
        }
        // Past this many contacts, two passes over every table beat per-contact queries
        // (measured on a 100k-contact, 1M-interaction restore: 10.5 s one contact at a time,
        // about 5 s in bulk).
        const BULK_FROM: usize = 2_000;
        if self.settings_changed || self.touched.len() >= BULK_FROM {
            // A cadence setting may move anyone's due date, so everyone is refreshed.
            return upkeep::refresh_all(self.conn);
        }
        let mut ids: Vec<i64> = self.touched.into_iter().collect();
        ids.sort_unstable();
        upkeep::refresh_many(self.conn, &ids)
    }
}

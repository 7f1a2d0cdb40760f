//! Writing imported records inside one transaction: contacts are matched (uid, then email
//! with a name that agrees, then exact name; see `matching`) and merged, interactions and follow-ups are matched by uid. Ids and uids
//! from a rel export are kept when they are free, so a round trip through an empty database
//! gives back the same document. Maintained columns are refreshed once, in bulk, at the end.

mod matching;
mod records;

use super::bulk;
use super::contacts::{self, Contact, List};
use super::{Db, owner, recorder, settings, upkeep};
use crate::error::Result;
use crate::model::Reith;
pub use matching::name_key;
pub use records::{followup_by_uid, interaction_by_uid};
use records::{free_id, set_time_column};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{HashMap, HashSet};

/// Sizes the page cache for a large import: it touches many index pages again and again, and
/// SQLite's default 2 MB cache made it re-read them from the WAL. 64 MB bounds memory and
/// keeps them. The operation log stages one row per record the import creates until commit
/// (a million at L): in a temp file rather than in memory, so the import's memory stays
/// bounded (365 MB -> under 256 MB at L). SQLite unlinks the file as it opens it, and rel's
/// umask makes it 0600. Called before the write creates its staging table (changing
/// `temp_store` drops the connection's temp objects).
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

    /// Creates or merges one contact; returns its id and what happened.
    pub fn contact(&mut self, new: &IncomingContact, rule: MatchRule) -> Result<(i64, Outcome)> {
        self.stage_now_and_then()?;
        match self.find_contact(new, rule)? {
            Some(id) => {
                let current = contacts::get(self.conn, id)?;
                let fill_only = rule == MatchRule::UidEmailName && !self.seen.insert(id);
                if rule == MatchRule::UidEmailName {
                    self.remember_file_uid(id, new.uid.as_ref());
                }
                let changed = self.merge_contact(&current, new, fill_only)?;
                if changed {
                    self.touched.insert(id);
                    self.remember_name(&new.name, id);
                }
                let outcome = match (fill_only, changed) {
                    (true, _) => Outcome::Repeated,
                    (false, true) => Outcome::Updated,
                    (false, false) => Outcome::Unchanged,
                };
                Ok((id, outcome))
            }
            None => {
                let owner = match rule {
                    MatchRule::Uid => new.owner.clone(),
                    MatchRule::UidEmailName => new.owner.clone().or_else(|| self.adder.clone()),
                };
                let id = self.insert_contact(new, owner.as_deref())?;
                self.touched.insert(id);
                if rule == MatchRule::UidEmailName {
                    self.seen.insert(id);
                    self.remember_file_uid(id, new.uid.as_ref());
                }
                self.remember_name(&new.name, id);
                Ok((id, Outcome::Created))
            }
        }
    }

    fn find_contact(&mut self, new: &IncomingContact, rule: MatchRule) -> Result<Option<i64>> {
        if let Some(uid) = &new.uid
            && let Some(id) = contact_by_uid(self.conn, uid)?
        {
            return Ok(Some(id));
        }
        if rule == MatchRule::Uid {
            return Ok(None);
        }
        self.find_by_email_and_name(new)
    }

    fn remember_name(&mut self, name: &str, id: i64) {
        if let Some(names) = &mut self.names {
            let ids = names.entry(name.to_string()).or_default();
            if !ids.contains(&id) {
                ids.push(id);
                ids.sort_unstable();
            }
        }
    }

    fn insert_contact(&mut self, new: &IncomingContact, owner: Option<&str>) -> Result<i64> {
        let handle = match &new.handle {
            Some(handle)
                if contacts::slug(handle) == *handle
                    && !contacts::handle_taken(self.conn, handle)? =>
            {
                handle.clone()
            }
            Some(handle) => contacts::unique_handle(self.conn, &contacts::slug(handle))?,
            None => contacts::unique_handle(self.conn, &contacts::slug(&new.name))?,
        };
        let id = free_id(self.conn, "contacts", new.id)?;
        let uid = new.uid.clone().unwrap_or_else(contacts::new_uid);
        self.conn
            .prepare_cached(
                "INSERT INTO contacts (id, uid, handle, name, org, role, every, birthday, note,
                    created_at, archived_at, snoozed_until, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                id,
                uid,
                handle,
                new.name,
                new.org,
                new.role,
                new.every,
                new.birthday,
                new.note,
                new.created_at.unwrap_or(self.now),
                new.archived_at,
                new.snoozed_until,
                owner
            ])?;
        let id = self.conn.last_insert_rowid();
        contacts::add_list_items(self.conn, id, List::Emails, &new.emails)?;
        contacts::add_list_items(self.conn, id, List::Phones, &new.phones)?;
        contacts::add_list_items(self.conn, id, List::Tags, &new.tags)?;
        Ok(id)
    }

    /// Lists are unioned; a field the file gives replaces a different stored value (only an
    /// empty one with `fill_only`); a field the file leaves empty keeps what is stored.
    /// Returns whether anything changed.
    fn merge_contact(
        &self,
        current: &Contact,
        new: &IncomingContact,
        fill_only: bool,
    ) -> Result<bool> {
        let mut changed = false;
        let texts = [
            ("name", Some(&current.name), Some(&new.name)),
            ("org", current.org.as_ref(), new.org.as_ref()),
            ("role", current.role.as_ref(), new.role.as_ref()),
            ("every", current.every.as_ref(), new.every.as_ref()),
            ("birthday", current.birthday.as_ref(), new.birthday.as_ref()),
            ("note", current.note.as_ref(), new.note.as_ref()),
            ("owner", current.owner.as_ref(), new.owner.as_ref()),
        ];
        for (column, stored, given) in texts {
            if let Some(given) = given
                && stored != Some(given)
                && !(fill_only && stored.is_some())
            {
                contacts::set_column(self.conn, current.id, column, Some(given))?;
                changed = true;
            }
        }
        let times = [
            ("created_at", Some(current.created_at), new.created_at),
            ("archived_at", current.archived_at, new.archived_at),
            ("snoozed_until", current.snoozed_until, new.snoozed_until),
        ];
        for (column, stored, given) in times {
            if let Some(given) = given
                && stored != Some(given)
                && !(fill_only && (stored.is_some() || column == "created_at"))
            {
                set_time_column(self.conn, current.id, column, given)?;
                changed = true;
            }
        }
        let missing = |stored: &[String], given: &[String], fold_case: bool| -> Vec<String> {
            given
                .iter()
                .filter(|g| {
                    !stored.iter().any(|s| {
                        if fold_case {
                            s.eq_ignore_ascii_case(g)
                        } else {
                            s == *g
                        }
                    })
                })
                .cloned()
                .collect()
        };
        let lists = [
            (List::Emails, missing(&current.emails, &new.emails, true)),
            (List::Phones, missing(&current.phones, &new.phones, false)),
            (List::Tags, missing(&current.tags, &new.tags, false)),
        ];
        for (list, items) in lists {
            if !items.is_empty() {
                contacts::add_list_items(self.conn, current.id, list, &items)?;
                changed = true;
            }
        }
        Ok(changed)
    }

    /// Adds tags a contact lacks (a group's name on its members); returns whether any was new.
    pub fn add_tags(&mut self, contact_id: i64, tags: &[String]) -> Result<bool> {
        let current = contacts::get(self.conn, contact_id)?;
        let missing: Vec<String> = tags
            .iter()
            .filter(|tag| !current.tags.contains(tag))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Ok(false);
        }
        contacts::add_list_items(self.conn, contact_id, List::Tags, &missing)?;
        self.touched.insert(contact_id);
        Ok(true)
    }

    /// Sets who introduced a contact; returns whether it changed.
    pub fn set_via(&mut self, contact_id: i64, via_id: i64) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached("UPDATE contacts SET via_id = ?2 WHERE id = ?1 AND via_id IS NOT ?2")?
            .execute(params![contact_id, via_id])?;
        Ok(changed > 0)
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

pub fn contact_by_uid(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM contacts WHERE uid = ?1")?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

//! How a contact from an address book (vCard, CSV) finds the one it already is: by uid,
//! else by an email **and** a name that agree, else (no email at all) by its exact name.
//! An email alone never merges two people: families and teams share addresses
//! (`smiths@example.com`), and test address books give everyone `john@example.com`.
//! Inside one file, two records with different uids are two people whatever they share.

use super::{Importer, IncomingContact};
use crate::db::contacts::fold;
use crate::error::Result;
use rusqlite::params;
use std::collections::HashMap;

/// A name as compared for a match: case, accents and runs of blanks ignored.
pub fn name_key(name: &str) -> String {
    fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Importer<'_> {
    /// The contact an address-book record is, if any (see the module's rule).
    pub(super) fn find_by_email_and_name(&mut self, new: &IncomingContact) -> Result<Option<i64>> {
        let wanted = name_key(&new.name);
        let mut by_email = self.conn.prepare_cached(
            "SELECT c.id, c.name FROM contact_emails e JOIN contacts c ON c.id = e.contact_id
             WHERE e.email = ?1 COLLATE NOCASE ORDER BY c.id",
        )?;
        for email in &new.emails {
            let rows = by_email.query_map([email], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for row in rows {
                let (id, name): (i64, String) = row?;
                if name_key(&name) == wanted && self.same_card_of_this_file(id, new) {
                    return Ok(Some(id));
                }
            }
        }
        if !new.emails.is_empty() {
            return Ok(None);
        }
        if self.names.is_none() {
            let mut names: HashMap<String, Vec<i64>> = HashMap::new();
            let mut stmt = self
                .conn
                .prepare("SELECT name, id FROM contacts ORDER BY id")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            for row in rows {
                let (name, id): (String, i64) = row?;
                names.entry(name).or_default().push(id);
            }
            self.names = Some(names);
        }
        let candidates = self
            .names
            .as_ref()
            .and_then(|names| names.get(&new.name))
            .cloned()
            .unwrap_or_default();
        Ok(candidates
            .into_iter()
            .find(|id| self.same_card_of_this_file(*id, new)))
    }

    /// False when an earlier record of this file already became `id` under another uid:
    /// two cards with different uids in one file are two people.
    fn same_card_of_this_file(&self, id: i64, new: &IncomingContact) -> bool {
        match (self.file_uids.get(&id), &new.uid) {
            (Some(Some(earlier)), Some(uid)) => earlier == uid,
            _ => true,
        }
    }

    /// Remembers the file's uid for a contact a record of this file became.
    pub(super) fn remember_file_uid(&mut self, id: i64, uid: Option<&String>) {
        let slot = self.file_uids.entry(id).or_insert(None);
        if slot.is_none() {
            *slot = uid.cloned();
        }
    }

    /// Another contact holding one of this new contact's emails, for the note
    /// `jane-smith shares smiths@example.com with john-smith`.
    pub fn shared_email(&self, id: i64) -> Result<Option<(String, String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT mine.email, me.handle, other.handle
             FROM contact_emails mine
             JOIN contacts me ON me.id = mine.contact_id
             JOIN contact_emails theirs ON theirs.email = mine.email COLLATE NOCASE
                AND theirs.contact_id != mine.contact_id
             JOIN contacts other ON other.id = theirs.contact_id
             WHERE mine.contact_id = ?1
             ORDER BY mine.rowid, other.id LIMIT 1",
        )?;
        let mut rows = stmt.query(params![id])?;
        match rows.next()? {
            Some(row) => Ok(Some((row.get(1)?, row.get(0)?, row.get(2)?))),
            None => Ok(None),
        }
    }
}

//! Contacts from a file: found (by uid, or see `matching`), then created or merged field by
//! field, with the tags and introducer a file gives them (part of [`Importer`], split out to
//! keep each file readable).

use super::records::{free_id, set_time_column};
use super::{Importer, IncomingContact, MatchRule, Outcome};
use crate::db::contacts::{self, Contact, List};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

impl Importer<'_> {
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
}

pub fn contact_by_uid(conn: &Connection, uid: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM contacts WHERE uid = ?1")?
        .query_row([uid], |row| row.get(0))
        .optional()?)
}

//! Turns parsed records (vCard/CSV drafts, rel export records) into database writes through
//! `db::import`, checking each record first and counting what happened to it. A record that
//! fails its checks stops the import (nothing is written) unless invalid records are skipped.

use super::draft::{ContactDraft, RecordError};
use super::json::{self, JsonContact, JsonFollowUp, JsonInteraction};
use crate::checks;
use crate::db::import::{
    self as store, Importer, IncomingContact, IncomingFollowUp, IncomingInteraction, MatchRule,
    Outcome,
};
use crate::error::{Error, Result};
use crate::model::{Reith, Trait};
use chrono::DateTime;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many records of one kind were created, updated or left as they were.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tally {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Tally {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.created + self.updated + self.unchanged == 0
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
}

/// Applies records to one open transaction.
pub struct Apply<'c> {
    conn: &'c Connection,
    importer: Importer<'c>,
    skip_invalid: bool,
    pub summary: Summary,
    /// A file's contact uid → the id it became (it may differ when matched by email).
    contact_ids: HashMap<String, i64>,
    /// Introducers to link once every contact of the file exists.
    pending_via: Vec<PendingVia>,
    /// What the file has said so far, to catch an id or uid it repeats.
    seen: Seen,
}

/// The ids (per section) and the interaction and follow-up uids a file has used. Uids are
/// kept as 64-bit hashes (a million interactions in 16 MB, not 100); a hash seen before is
/// confirmed against the database, where the first record with that uid was just written.
#[derive(Default)]
struct Seen {
    ids: [HashSet<i64>; 3],
    uid_hashes: [HashSet<u64>; 2],
}

#[derive(Clone, Copy)]
enum Kind {
    Contact = 0,
    Interaction = 1,
    FollowUp = 2,
}

impl Kind {
    fn section(self) -> &'static str {
        ["contacts", "interactions", "followups"][self as usize]
    }
}

fn uid_hash(uid: &str) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(uid)
}

/// A record repeating an id or uid is not a record to skip: the file is not one export, and
/// which of the two is meant cannot be told. Exit 2 naming it, with or without --skip-invalid.
fn repeated(kind: Kind, index: usize, what: &str) -> Error {
    Error::usage(format!(
        "{} record {index} repeats {what} from an earlier record",
        kind.section()
    ))
    .with_hint("nothing was imported; each record of a file needs its own id and uid")
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
            contact_ids: HashMap::new(),
            pending_via: Vec::new(),
            seen: Seen::default(),
        })
    }

    /// Refreshes maintained columns and returns the summary.
    pub fn finish(self) -> Result<Summary> {
        self.importer.finish()?;
        Ok(self.summary)
    }

    /// A malformed record: skipped and reported, or the end of the import.
    fn refuse(&mut self, skipped: Skipped) -> Result<()> {
        if self.skip_invalid {
            self.summary.skipped.push(skipped);
            return Ok(());
        }
        Err(Error::usage(skipped.describe())
            .with_hint("nothing was imported; fix it, or pass --skip-invalid to import the rest"))
    }

    /// One vCard or CSV record; `record` is its 1-based number in the file.
    pub fn draft(
        &mut self,
        record: usize,
        parsed: std::result::Result<ContactDraft, RecordError>,
    ) -> Result<()> {
        let draft = match parsed {
            Ok(draft) => draft,
            Err(err) => {
                return self.refuse(Skipped {
                    section: "record",
                    record: err.record,
                    line: err.line,
                    reason: err.message,
                });
            }
        };
        let incoming = IncomingContact {
            uid: draft.uid,
            name: draft.name,
            org: draft.org,
            role: draft.role,
            emails: draft.emails,
            phones: draft.phones,
            tags: draft.tags,
            every: draft.every,
            birthday: draft.birthday,
            note: draft.note,
            ..Default::default()
        };
        let incoming = match checked_contact(incoming) {
            Ok(incoming) => incoming,
            Err(reason) => {
                return self.refuse(Skipped {
                    section: "record",
                    record,
                    line: None,
                    reason,
                });
            }
        };
        let (_, outcome) = self.importer.contact(&incoming, MatchRule::UidEmailName)?;
        self.summary.contacts.count(outcome);
        Ok(())
    }

    /// Fails when the file already used this record's id (in the same section).
    fn check_id(&mut self, kind: Kind, index: usize, id: Option<i64>) -> Result<()> {
        if let Some(id) = id
            && !self.seen.ids[kind as usize].insert(id)
        {
            return Err(repeated(kind, index, &format!("id {id}")));
        }
        Ok(())
    }

    /// Fails when an earlier interaction or follow-up of the file had this uid.
    fn check_uid(&mut self, kind: Kind, index: usize, uid: &str) -> Result<()> {
        let hash = uid_hash(uid);
        let slot = match kind {
            Kind::Interaction => 0,
            _ => 1,
        };
        if self.seen.uid_hashes[slot].contains(&hash) {
            let stored = match kind {
                Kind::Interaction => store::interaction_by_uid(self.conn, uid)?,
                _ => store::followup_by_uid(self.conn, uid)?,
            };
            if stored.is_some() {
                return Err(repeated(kind, index, &format!("uid '{uid}'")));
            }
        }
        Ok(())
    }

    fn remember_uid(&mut self, kind: Kind, uid: &str) {
        let slot = match kind {
            Kind::Interaction => 0,
            _ => 1,
        };
        self.seen.uid_hashes[slot].insert(uid_hash(uid));
    }

    fn contact_id(&self, uid: &str) -> Result<Option<i64>> {
        match self.contact_ids.get(uid) {
            Some(id) => Ok(Some(*id)),
            None => store::contact_by_uid(self.conn, uid),
        }
    }

    fn json_contact(
        &mut self,
        record: JsonContact,
    ) -> std::result::Result<IncomingContact, String> {
        if let Some(handle) = &record.handle {
            checks::handle(handle).map_err(|e| e.message)?;
        }
        checked_contact(IncomingContact {
            id: record.id,
            uid: Some(record.uid),
            handle: record.handle,
            name: record.name,
            org: record.org,
            role: record.role,
            emails: record.emails,
            phones: record.phones,
            tags: record.tags,
            every: record.every,
            birthday: record.birthday,
            note: record.note,
            created_at: time_opt("created_at", &record.created_at)?,
            archived_at: time_opt("archived_at", &record.archived_at)?,
            snoozed_until: time_opt("snoozed_until", &record.snoozed_until)?,
        })
    }

    fn json_interaction(
        &self,
        record: JsonInteraction,
    ) -> Result<std::result::Result<IncomingInteraction, String>> {
        let checked = (|| {
            let at = time("at", &record.at)?;
            let channel = checks::channel(&record.channel).map_err(|e| e.message)?;
            checks::note(&record.note).map_err(|e| e.message)?;
            let mut marks = Reith::default();
            for (name, value) in &record.traits {
                let t = Trait::parse(name).map_err(|e| e.message)?;
                if !matches!(value, -1..=1) {
                    return Err(format!("trait '{name}' must be 1 or -1, not {value}"));
                }
                marks.set(t, *value);
            }
            let created_at = time_opt("created_at", &record.created_at)?.unwrap_or(at);
            Ok((at, channel, marks, created_at))
        })();
        let (at, channel, marks, created_at) = match checked {
            Ok(values) => values,
            Err(reason) => return Ok(Err(reason)),
        };
        if record.contacts.is_empty() {
            return Ok(Err("an interaction needs at least one contact".into()));
        }
        let mut contact_ids = Vec::with_capacity(record.contacts.len());
        for uid in &record.contacts {
            match self.contact_id(uid)? {
                Some(id) if !contact_ids.contains(&id) => contact_ids.push(id),
                Some(_) => {}
                None => return Ok(Err(format!("no contact with uid '{uid}'"))),
            }
        }
        Ok(Ok(IncomingInteraction {
            id: record.id,
            uid: record.uid,
            at,
            channel: channel.to_string(),
            note: record.note,
            marks,
            contact_ids,
            created_at,
        }))
    }

    fn json_followup(
        &self,
        record: JsonFollowUp,
    ) -> Result<std::result::Result<IncomingFollowUp, String>> {
        let Some(contact_id) = self.contact_id(&record.contact)? else {
            return Ok(Err(format!("no contact with uid '{}'", record.contact)));
        };
        let interaction_id = match &record.interaction {
            None => None,
            Some(uid) => match store::interaction_by_uid(self.conn, uid)? {
                Some(id) => Some(id),
                None => return Ok(Err(format!("no interaction with uid '{uid}'"))),
            },
        };
        let checked = (|| {
            let due_at = time("due_at", &record.due_at)?;
            checks::note(&record.text).map_err(|e| e.message)?;
            if record.text.trim().is_empty() {
                return Err("a follow-up needs a text".to_string());
            }
            let done_at = time_opt("done_at", &record.done_at)?;
            let created_at = time_opt("created_at", &record.created_at)?.unwrap_or(due_at);
            Ok::<_, String>((due_at, done_at, created_at))
        })();
        Ok(
            checked.map(|(due_at, done_at, created_at)| IncomingFollowUp {
                id: record.id,
                uid: record.uid,
                contact_id,
                interaction_id,
                due_at,
                text: record.text,
                done_at,
                created_at,
            }),
        )
    }
}

impl json::Sink for Apply<'_> {
    type Error = Error;

    fn version(&mut self, version: i64) -> Result<()> {
        if version != json::FORMAT_VERSION {
            return Err(Error::usage(format!(
                "this export is format version {version}; this rel reads version {}",
                json::FORMAT_VERSION
            ))
            .with_hint("upgrade rel"));
        }
        Ok(())
    }

    fn settings(&mut self, settings: BTreeMap<String, String>) -> Result<()> {
        // Only what `rel config KEY VALUE` would store: a known key, a valid value.
        for (index, (key, value)) in settings.into_iter().enumerate() {
            match checks::setting(&key, &value) {
                Ok((key, value)) => {
                    let outcome = self.importer.setting(&key, &value)?;
                    self.summary.settings.count(outcome);
                }
                Err(err) => self.refuse(Skipped {
                    section: "settings",
                    record: index + 1,
                    line: None,
                    reason: format!("{key}: {}", err.message),
                })?,
            }
        }
        Ok(())
    }

    fn contact(&mut self, index: usize, record: JsonContact) -> Result<()> {
        self.check_id(Kind::Contact, index, record.id)?;
        if self.contact_ids.contains_key(&record.uid) {
            return Err(repeated(
                Kind::Contact,
                index,
                &format!("uid '{}'", record.uid),
            ));
        }
        let file_uid = record.uid.clone();
        let via = record.via.clone();
        let incoming = match self.json_contact(record) {
            Ok(incoming) => incoming,
            Err(reason) => {
                return self.refuse(Skipped {
                    section: "contacts",
                    record: index,
                    line: None,
                    reason,
                });
            }
        };
        let (id, outcome) = self.importer.contact(&incoming, MatchRule::Uid)?;
        self.summary.contacts.count(outcome);
        self.contact_ids.insert(file_uid, id);
        if let Some(via_uid) = via {
            self.pending_via.push(PendingVia {
                contact_id: id,
                via_uid,
                record: index,
                outcome,
            });
        }
        Ok(())
    }

    fn contacts_done(&mut self) -> Result<()> {
        for pending in std::mem::take(&mut self.pending_via) {
            let Some(via_id) = self.contact_id(&pending.via_uid)? else {
                self.refuse(Skipped {
                    section: "contacts",
                    record: pending.record,
                    line: None,
                    reason: format!("via names no contact with uid '{}'", pending.via_uid),
                })?;
                continue;
            };
            let changed = self.importer.set_via(pending.contact_id, via_id)?;
            if changed && pending.outcome == Outcome::Unchanged {
                self.summary.contacts.unchanged -= 1;
                self.summary.contacts.updated += 1;
            }
        }
        Ok(())
    }

    fn interaction(&mut self, index: usize, record: JsonInteraction) -> Result<()> {
        self.check_id(Kind::Interaction, index, record.id)?;
        self.check_uid(Kind::Interaction, index, &record.uid)?;
        match self.json_interaction(record)? {
            Ok(incoming) => {
                let (_, outcome) = self.importer.interaction(&incoming)?;
                self.remember_uid(Kind::Interaction, &incoming.uid);
                self.summary.interactions.count(outcome);
                Ok(())
            }
            Err(reason) => self.refuse(Skipped {
                section: "interactions",
                record: index,
                line: None,
                reason,
            }),
        }
    }

    fn followup(&mut self, index: usize, record: JsonFollowUp) -> Result<()> {
        self.check_id(Kind::FollowUp, index, record.id)?;
        self.check_uid(Kind::FollowUp, index, &record.uid)?;
        match self.json_followup(record)? {
            Ok(incoming) => {
                let outcome = self.importer.followup(&incoming)?;
                self.remember_uid(Kind::FollowUp, &incoming.uid);
                self.summary.followups.count(outcome);
                Ok(())
            }
            Err(reason) => self.refuse(Skipped {
                section: "followups",
                record: index,
                line: None,
                reason,
            }),
        }
    }
}

/// A contact as `rel add` would store it, or why `rel add` would refuse it.
fn checked_contact(contact: IncomingContact) -> std::result::Result<IncomingContact, String> {
    let reason = |err: Error| err.message;
    let note = checks::optional(&contact.note);
    if let Some(note) = &note {
        checks::note(note).map_err(reason)?;
    }
    Ok(IncomingContact {
        name: checks::name(&contact.name).map_err(reason)?,
        org: checks::optional(&contact.org),
        role: checks::optional(&contact.role),
        emails: checks::list(&contact.emails),
        phones: checks::list(&contact.phones),
        tags: checks::tags(&contact.tags),
        every: contact
            .every
            .as_deref()
            .map(checks::cadence)
            .transpose()
            .map_err(reason)?,
        birthday: contact
            .birthday
            .as_deref()
            .map(checks::birthday)
            .transpose()
            .map_err(reason)?,
        note,
        ..contact
    })
}

fn time(field: &str, text: &str) -> std::result::Result<i64, String> {
    let unix = DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| format!("{field} '{text}' is not an RFC 3339 time"))?;
    checks::instant(&format!("{field} '{text}'"), unix).map_err(|e| e.message)
}

fn time_opt(field: &str, text: &Option<String>) -> std::result::Result<Option<i64>, String> {
    text.as_deref().map(|t| time(field, t)).transpose()
}

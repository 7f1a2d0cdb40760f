//! Turns parsed records (vCard/CSV drafts, rel export records, captured events and messages)
//! into database writes through `db::import`: the parsers of `import/` never write, this is
//! the one applier between them and the writer, checking each record first and counting what happened to it. A record that
//! fails its checks stops the import (nothing is written) unless invalid records are skipped.

use crate::checks;
use crate::db::import::{
    self as store, Importer, IncomingContact, IncomingFollowUp, IncomingInteraction, MatchRule,
    Outcome,
};
use crate::error::{Error, Result};
use crate::import::json::{self, JsonContact, JsonFollowUp, JsonInteraction};
use crate::model::{Reith, Trait};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

pub mod capture;
mod drafts;
mod record_checks;
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
    contact_ids: HashMap<String, i64>,
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
            contact_ids: HashMap::new(),
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

    fn json_contact(
        &mut self,
        record: JsonContact,
    ) -> std::result::Result<IncomingContact, String> {
        if let Some(handle) = &record.handle {
            checks::imported_handle(handle).map_err(|e| e.message)?;
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
            owner: record.owner,
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
            // The same check as a member's name anywhere (`none`: no author).
            let author = match record.author.as_deref() {
                Some(name) => checks::member(name).map_err(|e| e.message)?,
                None => None,
            };
            Ok((at, channel, marks, created_at, author))
        })();
        let (at, channel, marks, created_at, author) = match checked {
            Ok(values) => values,
            Err(reason) => return Ok(Err(reason)),
        };
        if record.contacts.is_empty() {
            return Ok(Err("an interaction needs at least one contact".into()));
        }
        if let Some(source) = &record.source
            && (!matches!(source.kind.as_str(), "ics" | "mail") || source.id.is_empty())
        {
            return Ok(Err(
                "an interaction's source needs kind ics or mail and an id".into(),
            ));
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
            author,
            source: record.source.map(|s| (s.kind, s.id, s.print)),
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
                let (id, mut outcome) = self.importer.interaction(&incoming)?;
                let source = incoming.source.as_ref().map(|(kind, source_id, print)| {
                    (kind.as_str(), source_id.as_str(), print.as_deref())
                });
                if crate::db::capture::set_source(self.conn, id, source)?
                    && outcome == Outcome::Unchanged
                {
                    outcome = Outcome::Updated;
                }
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

//! Capture's writer: event and message drafts become `meeting` and `email` interactions, with
//! every filter counted by reason. One [`Capture`] per import, inside one write transaction.
//!
//! The journal it leaves depends only on the set of drafts, never on their order or on how
//! they were split across runs: an event instance is one record by its source id, and the
//! messages of one thread on one local day with one set of people are one record whose time,
//! note and source are those of its earliest message (ties by Message-ID).

use crate::db::capture::{self as store, Stored, Touch};
use crate::error::Result;
use crate::import::ics_capture::EventDraft;
use crate::import::people::Person;
use rusqlite::Connection;
use serde::Serialize;
use sha2::{Digest, Sha256};

mod mail;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The filters, as the command line gives them.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// Your own addresses, lower-cased.
    pub me: HashSet<String>,
    pub max_people: usize,
    pub notes: bool,
    pub add_unknown: bool,
    /// Keep what would be created, to show it (`--dry-run`).
    pub plan: bool,
    pub since: i64,
    pub now: i64,
}

/// What a capture did: the contract's JSON summary.
#[derive(Debug, Default, Serialize)]
pub struct CaptureSummary {
    pub created: u64,
    pub updated: u64,
    pub removed: u64,
    pub skipped: BTreeMap<&'static str, u64>,
    /// People named with a known contact but not in the journal themselves.
    pub unknown: u64,
    /// Contacts made for them (`--add-unknown`).
    pub contacts_added: u64,
    #[serde(skip)]
    pub warnings: Vec<String>,
    /// With `--dry-run`: the interactions that would be created, as they would be stored.
    #[serde(skip)]
    pub planned: Vec<crate::db::interactions::Interaction>,
}

/// Applies drafts to one open transaction.
pub struct Capture<'c> {
    conn: &'c Connection,
    options: CaptureOptions,
    by_email: HashMap<String, Vec<i64>>,
    uids: HashMap<i64, String>,
    pub summary: CaptureSummary,
    unknown: BTreeSet<String>,
    touched: BTreeSet<i64>,
    /// Uids already counted as created or updated in this run (counted once).
    counted: HashSet<String>,
    /// The member capturing, in a team workspace (as `rel log` records it).
    author: Option<String>,
    /// Interactions created, kept for `--dry-run` to show.
    planned: Vec<i64>,
    /// Source ids of instances this run gave, by recurring event (to find cancelled ones).
    given: HashMap<String, HashSet<String>>,
}

impl<'c> Capture<'c> {
    pub fn new(conn: &'c Connection, options: CaptureOptions) -> Result<Capture<'c>> {
        Ok(Capture {
            conn,
            by_email: store::contacts_by_email(conn)?,
            uids: store::contact_uids(conn)?,
            options,
            summary: CaptureSummary::default(),
            unknown: BTreeSet::new(),
            touched: BTreeSet::new(),
            counted: HashSet::new(),
            given: HashMap::new(),
            planned: Vec::new(),
            author: crate::sync::settings::member(conn)?,
        })
    }

    /// Another address of yours (the owner a calendar names).
    pub fn also_me(&mut self, email: String) {
        self.options.me.insert(email);
    }

    fn skip(&mut self, reason: &'static str) {
        *self.summary.skipped.entry(reason).or_default() += 1;
    }

    /// A malformed event or message: named in a warning, counted, never fatal.
    pub fn malformed(&mut self, what: String) {
        self.skip("malformed");
        self.summary.warnings.push(what);
    }

    /// The contacts among `people` (in order, each once); counts the unknown and the
    /// ambiguous, and adds the unknown with `--add-unknown`.
    fn contacts_of(&mut self, people: &[&Person]) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        for person in people {
            let found = self
                .by_email
                .get(&person.email)
                .cloned()
                .unwrap_or_default();
            match found.as_slice() {
                [id] => {
                    if !ids.contains(id) {
                        ids.push(*id);
                    }
                }
                [] if self.options.add_unknown => {
                    let name = person.name.clone().unwrap_or_else(|| {
                        person
                            .email
                            .split('@')
                            .next()
                            .unwrap_or("contact")
                            .to_string()
                    });
                    let now = self.options.now;
                    let (id, uid) = store::add_unknown(self.conn, &person.email, &name, now)?;
                    self.summary.contacts_added += 1;
                    self.by_email.insert(person.email.clone(), vec![id]);
                    self.uids.insert(id, uid);
                    ids.push(id);
                }
                [] => {
                    self.unknown.insert(person.email.clone());
                }
                _ => self.skip("ambiguous"),
            }
        }
        Ok(ids)
    }

    /// One event instance from a calendar.
    pub fn event(&mut self, draft: EventDraft) -> Result<()> {
        if let Some((series, _)) = draft.source_id.split_once('/') {
            self.given
                .entry(series.to_string())
                .or_default()
                .insert(draft.source_id.clone());
        }
        let uid = store::derived_uid(&["ics", &draft.source_id]);
        if draft.cancelled {
            self.skip("cancelled");
            return self.cancelled(&uid, &draft.source_id);
        }
        let me = &self.options.me;
        if draft
            .people
            .iter()
            .any(|p| p.declined && me.contains(&p.email))
        {
            self.skip("declined");
            return Ok(());
        }
        let mut others = Vec::new();
        let mut headcount = 0;
        let mut reasons = Vec::new();
        for person in &draft.people {
            if person.room {
                reasons.push("room");
            } else if me.contains(&person.email) {
                headcount += 1;
                reasons.push("me");
            } else if person.declined {
                reasons.push("declined");
            } else {
                headcount += 1;
                others.push(person);
            }
        }
        if headcount > self.options.max_people {
            self.skip("too_many_people");
            return Ok(());
        }
        for reason in reasons {
            self.skip(reason);
        }
        let others: Vec<Person> = others.into_iter().cloned().collect();
        let contact_ids = self.contacts_of(&others.iter().collect::<Vec<_>>())?;
        if contact_ids.is_empty() {
            self.skip("no_known_people");
            return Ok(());
        }
        let mut note = draft.summary.trim().to_string();
        if self.options.notes
            && let Some(description) = &draft.description
        {
            note = format!("{note}\n\n{}", description.trim());
        }
        let touch = self.touch(
            uid,
            "ics",
            draft.source_id,
            draft.at,
            "meeting",
            note,
            contact_ids,
        );
        self.put(touch, false)
    }

    /// After a calendar: captured instances of its recurring events, in the window, that it
    /// no longer gives were cancelled since (an EXDATE, a shortened series).
    pub fn series_read(&mut self, series: &[String]) -> Result<()> {
        let (since, now) = (self.options.since, self.options.now);
        for event_uid in series {
            let given = self.given.remove(event_uid).unwrap_or_default();
            for (uid, source_id) in store::instances(self.conn, event_uid, since, now)? {
                if !given.contains(&source_id) {
                    self.cancelled(&uid, &source_id)?;
                }
            }
        }
        Ok(())
    }

    /// Removes a captured interaction whose event was cancelled, unless someone amended it.
    fn cancelled(&mut self, uid: &str, source_id: &str) -> Result<()> {
        let Some(stored) = store::stored(self.conn, uid)? else {
            return Ok(());
        };
        if self.amended(&stored) {
            self.summary.warnings.push(format!(
                "event '{source_id}' was cancelled, but its interaction {} was changed by hand: kept",
                stored.id
            ));
            return Ok(());
        }
        self.touched.extend(&stored.contact_ids);
        store::remove(self.conn, stored.id)?;
        self.summary.removed += 1;
        Ok(())
    }

    fn uid_of(&self, contact_id: i64) -> &str {
        self.uids.get(&contact_id).map_or("", String::as_str)
    }

    #[allow(clippy::too_many_arguments)]
    fn touch(
        &self,
        uid: String,
        kind: &'static str,
        source_id: String,
        at: i64,
        channel: &'static str,
        note: String,
        contact_ids: Vec<i64>,
    ) -> Touch {
        Touch {
            uid,
            kind,
            source_id,
            at,
            channel,
            note,
            contact_ids,
            // Hashed only when the touch is written (see `put`).
            print: String::new(),
        }
    }

    /// A short hash of what capture writes: a row that no longer matches its print was amended.
    fn print(
        &self,
        at: i64,
        channel: &str,
        note: &str,
        contact_ids: &[i64],
        marks: &crate::model::Reith,
    ) -> String {
        let mut people: Vec<&str> = contact_ids.iter().map(|id| self.uid_of(*id)).collect();
        people.sort_unstable();
        let mut hasher = Sha256::new();
        for part in [
            &at.to_string(),
            channel,
            note,
            &people.join(","),
            &format!(
                "{} {} {} {} {}",
                marks.respect, marks.empathy, marks.integrity, marks.trust, marks.honesty
            ),
        ] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    fn print_of(&self, touch: &Touch) -> String {
        let marks = crate::model::Reith::default();
        self.print(
            touch.at,
            touch.channel,
            &touch.note,
            &touch.contact_ids,
            &marks,
        )
    }

    fn amended(&self, stored: &Stored) -> bool {
        let print = self.print(
            stored.at,
            &stored.channel,
            &stored.note,
            &stored.contact_ids,
            &stored.marks,
        );
        stored.print.as_deref() != Some(print.as_str())
    }

    /// Creates the interaction, or brings a stored one up to date. `earliest`: mail, where the
    /// stored record changes only for an earlier message of its group.
    fn put(&mut self, mut touch: Touch, earliest: bool) -> Result<()> {
        let Some(stored) = store::stored(self.conn, &touch.uid)? else {
            touch.print = self.print_of(&touch);
            let id = store::insert(self.conn, &touch, self.options.now, self.author.as_deref())?;
            if self.options.plan {
                self.planned.push(id);
            }
            self.touched.extend(&touch.contact_ids);
            self.counted.insert(touch.uid);
            self.summary.created += 1;
            return Ok(());
        };
        // Nothing to change (the usual case on a second run) is told before the print is
        // hashed: a re-import costs one indexed lookup per event or message.
        if earliest {
            let stored_key = (stored.at, stored.source_id.as_deref().unwrap_or(""));
            if stored_key <= (touch.at, touch.source_id.as_str()) {
                return Ok(());
            }
        }
        let same_people = stored.contact_ids == touch.contact_ids;
        if stored.at == touch.at
            && stored.note == touch.note
            && same_people
            && stored.source_id.as_deref() == Some(touch.source_id.as_str())
        {
            return Ok(());
        }
        if self.amended(&stored) {
            self.skip("amended");
            return Ok(());
        }
        touch.print = self.print_of(&touch);
        store::update(self.conn, stored.id, &touch, !same_people)?;
        self.touched.extend(&stored.contact_ids);
        self.touched.extend(&touch.contact_ids);
        if self.counted.insert(touch.uid) {
            self.summary.updated += 1;
        }
        Ok(())
    }

    /// Refreshes the touched contacts' last touch and due dates; the summary.
    pub fn finish(mut self) -> Result<CaptureSummary> {
        let touched: Vec<i64> = self.touched.iter().copied().collect();
        store::refresh(self.conn, &touched)?;
        self.summary.unknown = self.unknown.len() as u64;
        for id in &self.planned {
            // A later message of its group may have removed nothing, but read it as it ended.
            if let Ok(interaction) = crate::db::interactions::get(self.conn, *id) {
                self.summary.planned.push(interaction);
            }
        }
        Ok(self.summary)
    }
}

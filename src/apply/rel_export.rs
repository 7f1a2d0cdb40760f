//! Records of a rel export (JSON): its format version and settings, then contacts,
//! interactions and follow-ups, each checked as the command that would create it checks it,
//! matched by uid, and counted.

use super::{Apply, Kind, PendingVia, Skipped, checked_contact, repeated, time, time_opt};
use crate::checks;
use crate::db::import::{
    self as store, IncomingContact, IncomingFollowUp, IncomingInteraction, MatchRule, Outcome,
};
use crate::error::{Error, Result};
use crate::import::json::{self, JsonContact, JsonFollowUp, JsonInteraction};
use crate::model::{Reith, Trait};
use std::collections::BTreeMap;

impl Apply<'_> {
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

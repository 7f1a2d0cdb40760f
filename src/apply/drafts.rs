//! Records of address-book files (vCard, CSV): contacts, group cards that become tags on
//! their members, partial values reported as warnings, and rel's own CSV columns (handle,
//! introducer, times) so that `export --to csv --contacts` comes back whole.

use super::{Apply, Skipped, checked_contact, clean_cadence, time_opt};
use crate::db::contacts;
use crate::db::import::{self as store, IncomingContact, MatchRule, Outcome};
use crate::error::Result;
use crate::import::draft::{ContactDraft, RecordError};
use crate::import::normalize::is_system_group;
use std::collections::{HashMap, HashSet};

/// What the records of one file leave for the end of the file.
#[derive(Default)]
pub(super) struct DraftState {
    /// A member key (see `member_key`) → the contact its record became.
    by_uid: HashMap<String, i64>,
    /// A handle from rel's own CSV → the contact its record became.
    by_handle: HashMap<String, i64>,
    /// Introducers named by handle, linked once every row exists.
    via: Vec<(i64, String, usize)>,
    groups: Vec<Group>,
    /// The first outcome counted for each contact, so a later change (a group's tag, an
    /// introducer) turns one "unchanged" into "updated" at most once.
    outcomes: HashMap<i64, Outcome>,
    bumped: HashSet<i64>,
}

struct Group {
    record: usize,
    line: Option<usize>,
    name: String,
    members: Vec<String>,
}

/// Members are named `urn:uuid:X` (vCard 4, iCloud) while the member's own card may say
/// `UID:X` or `UID:urn:uuid:X`: both are the same key.
fn member_key(uid: &str) -> String {
    without_urn(uid).to_ascii_lowercase()
}

fn without_urn(uid: &str) -> &str {
    let uid = uid.trim();
    match uid.get(..9) {
        Some(head) if head.eq_ignore_ascii_case("urn:uuid:") => &uid[9..],
        _ => uid,
    }
}

impl Apply<'_> {
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
        let line = draft.line;
        let refuse_with = |reason: String| Skipped {
            section: "record",
            record,
            line,
            reason,
        };
        for warning in &draft.warnings {
            self.summary.warnings.push(refuse_with(warning.clone()));
        }
        if let Some(members) = draft.members {
            self.drafts.groups.push(Group {
                record,
                line,
                name: draft.name,
                members,
            });
            return Ok(());
        }
        let checked = (|| {
            let every = draft.every.as_deref().map(clean_cadence).transpose()?;
            let created_at = time_opt("created_at", &draft.created_at)?;
            let archived_at = time_opt("archived_at", &draft.archived_at)?;
            let snoozed_until = time_opt("snoozed_until", &draft.snoozed_until)?;
            Ok::<_, String>((every, created_at, archived_at, snoozed_until))
        })();
        let (every, created_at, archived_at, snoozed_until) = match checked {
            Ok(values) => values,
            Err(reason) => return self.refuse(refuse_with(reason)),
        };
        let incoming = IncomingContact {
            uid: draft.uid.clone(),
            handle: draft.handle.clone(),
            name: draft.name,
            org: draft.org,
            role: draft.role,
            emails: draft.emails,
            phones: draft.phones,
            tags: draft.tags,
            every,
            birthday: draft.birthday,
            note: draft.note,
            created_at,
            archived_at,
            snoozed_until,
            ..Default::default()
        };
        // What `rel add` would refuse, the import refuses; what it would clean, it cleans.
        let incoming = match checked_contact(incoming) {
            Ok(incoming) => incoming,
            Err(reason) => return self.refuse(refuse_with(reason)),
        };
        let (id, outcome) = self.importer.contact(&incoming, MatchRule::UidEmailName)?;
        self.summary.contacts.count(outcome);
        if outcome == Outcome::Created
            && !incoming.emails.is_empty()
            && let Some((handle, email, other)) = self.importer.shared_email(id)?
        {
            self.summary
                .shared_emails
                .push(format!("{handle} shares {email} with {other}"));
        }
        self.drafts.outcomes.entry(id).or_insert(outcome);
        if let Some(uid) = &draft.uid {
            self.drafts.by_uid.entry(member_key(uid)).or_insert(id);
        }
        if let Some(handle) = draft.handle {
            self.drafts.by_handle.entry(handle).or_insert(id);
        }
        if let Some(via) = draft.via.and_then(|v| crate::import::normalize::clean(&v)) {
            self.drafts.via.push((id, via, record));
        }
        Ok(())
    }

    /// Links introducers and tags group members once the whole file is read.
    pub(super) fn drafts_done(&mut self) -> Result<()> {
        for (id, via, record) in std::mem::take(&mut self.drafts.via) {
            let via_id = match self.drafts.by_handle.get(&via) {
                Some(id) => Some(*id),
                None => contacts::get_by_handle(self.conn, &via)?.map(|c| c.id),
            };
            let Some(via_id) = via_id else {
                self.refuse(Skipped {
                    section: "record",
                    record,
                    line: None,
                    reason: format!("via names no contact with handle '{via}'"),
                })?;
                continue;
            };
            if self.importer.set_via(id, via_id)? {
                self.bump(id);
            }
        }
        for group in std::mem::take(&mut self.drafts.groups) {
            self.group(group)?;
        }
        Ok(())
    }

    fn group(&mut self, group: Group) -> Result<()> {
        self.summary.groups += 1;
        let tag = group.name.trim().to_lowercase();
        if is_system_group(&tag) {
            return Ok(());
        }
        let tags = [tag];
        let mut missing = Vec::new();
        for member in &group.members {
            let id = match self.drafts.by_uid.get(&member_key(member)) {
                Some(id) => Some(*id),
                None => self.stored_member(member)?,
            };
            match id {
                Some(id) => {
                    if self.importer.add_tags(id, &tags)? {
                        self.bump(id);
                    }
                }
                None => missing.push(member.as_str()),
            }
        }
        if !missing.is_empty() {
            self.summary.warnings.push(Skipped {
                section: "record",
                record: group.record,
                line: group.line,
                reason: format!(
                    "group '{}': {} member(s) not found: {}",
                    group.name,
                    missing.len(),
                    missing.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// A member imported by an earlier file: its uid as stored may or may not carry
    /// `urn:uuid:`.
    fn stored_member(&self, member: &str) -> Result<Option<i64>> {
        let bare = without_urn(member);
        for uid in [
            member.trim().to_string(),
            bare.to_string(),
            format!("urn:uuid:{bare}"),
        ] {
            if let Some(id) = store::contact_by_uid(self.conn, &uid)? {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// A contact first counted as unchanged was changed by a later step of the same file.
    fn bump(&mut self, id: i64) {
        if self.drafts.outcomes.get(&id) == Some(&Outcome::Unchanged)
            && self.drafts.bumped.insert(id)
        {
            self.summary.contacts.unchanged -= 1;
            self.summary.contacts.updated += 1;
        }
    }
}

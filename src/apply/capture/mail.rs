//! Capture's mail half: one message becomes part of its thread-day's `email` interaction.

use super::Capture;
use crate::db::capture as store;
use crate::error::Result;
use crate::import::mail_capture::MessageDraft;
use crate::import::people::Person;
use chrono::TimeZone;

impl Capture<'_> {
    /// One message of a mailbox.
    pub fn message(&mut self, draft: MessageDraft) -> Result<()> {
        // Outside the window (`--since` .. now): not a skip, just not asked for.
        if draft.at < self.options.since || draft.at > self.options.now {
            return Ok(());
        }
        if draft.bulk.is_some() {
            self.skip("bulk");
            return Ok(());
        }
        let me = &self.options.me;
        let from_me = draft.from.iter().any(|p| me.contains(&p.email));
        let to_me = draft.recipients.iter().any(|p| me.contains(&p.email));
        if !from_me && !to_me {
            self.skip("not_me");
            return Ok(());
        }
        if draft.recipients.len() > self.options.max_people {
            self.skip("too_many_people");
            return Ok(());
        }
        // Never a contact from a stranger's unanswered mail: an unknown sender writing to you
        // is not counted as unknown (your reply, from you, would name them).
        if !from_me {
            let sender_known = draft.from.iter().any(|p| {
                self.by_email
                    .get(&p.email)
                    .is_some_and(|ids| ids.len() == 1)
            });
            if !sender_known {
                self.skip("no_known_people");
                return Ok(());
            }
        }
        let others: Vec<Person> = draft
            .from
            .iter()
            .chain(&draft.recipients)
            .filter(|p| !me.contains(&p.email))
            .cloned()
            .collect();
        let mut contact_ids = self.contacts_of(&others.iter().collect::<Vec<_>>())?;
        if contact_ids.is_empty() {
            self.skip("no_known_people");
            return Ok(());
        }
        // The people are a set: the same conversation is one record whoever wrote first.
        contact_ids.sort_by(|a, b| self.uid_of(*a).cmp(self.uid_of(*b)));
        let day = chrono::Local
            .timestamp_opt(draft.at, 0)
            .earliest()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default();
        let people: Vec<&str> = contact_ids.iter().map(|id| self.uid_of(*id)).collect();
        let uid = store::derived_uid(&["mail", &draft.thread, &day, &people.join(",")]);
        let touch = self.touch(
            uid,
            "mail",
            draft.message_id,
            draft.at,
            "email",
            draft.subject,
            contact_ids,
        );
        self.put(touch, true)
    }
}

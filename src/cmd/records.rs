//! The contract's JSON records and the table/tsv rows built from them, shared by commands.

use super::note_block::{first_line_with_more, marks_text};
use crate::db::contacts::Contact;
use crate::db::followups::FollowUp;
use crate::db::interactions::Interaction;
use crate::output::{
    self, Format, ListRow, Tone, first_line, join, relative, rfc3339, rfc3339_opt,
};
use serde_json::{Value, json};

pub fn contact_json(c: &Contact) -> Value {
    json!({
        "id": c.id,
        "uid": c.uid,
        "handle": c.handle,
        "name": c.name,
        "org": c.org,
        "role": c.role,
        "emails": c.emails,
        "phones": c.phones,
        "tags": c.tags,
        "every": c.every,
        "birthday": c.birthday,
        "via": c.via,
        "note": c.note,
        "created_at": rfc3339(c.created_at),
        "archived_at": rfc3339_opt(c.archived_at),
        "last_touch": rfc3339_opt(c.last_touch),
        // An archived contact is never due (its maintained date is kept for unarchive).
        "next_due": rfc3339_opt(c.due_at.filter(|_| c.archived_at.is_none())),
        "reith": c.reith,
        "owner": c.owner,
        "snoozed_until": rfc3339_opt(c.snoozed_until),
    })
}

pub fn interaction_json(i: &Interaction) -> Value {
    json!({
        "id": i.id,
        "uid": i.uid,
        "at": rfc3339(i.at),
        "channel": i.channel,
        "note": i.note,
        "contacts": i.contacts,
        "traits": i.marks.marked(),
        "author": i.author,
        "source": i.source.as_ref().map(|s| json!({"kind": s.kind, "id": s.id})),
    })
}

pub fn followup_json(f: &FollowUp) -> Value {
    json!({
        "id": f.id,
        "uid": f.uid,
        "handle": f.handle,
        "due_at": rfc3339(f.due_at),
        "text": f.text,
        "interaction_id": f.interaction_id,
        "done_at": rfc3339_opt(f.done_at),
    })
}

pub const CONTACT_HEADERS: [&str; 7] = [
    "handle",
    "name",
    "org",
    "tags",
    "every",
    "last_touch",
    "next_due",
];

pub fn contact_row(c: &Contact, now: i64, format: Format) -> ListRow {
    let every = c
        .every
        .clone()
        .or_else(|| c.due_every.clone())
        .unwrap_or_default();
    let due_tone = match c.due_at {
        Some(due) if due <= now => Tone::Alert,
        _ => Tone::Plain,
    };
    ListRow::build(
        format,
        || contact_json(c),
        || {
            vec![
                c.handle.clone(),
                c.name.clone(),
                c.org.clone().unwrap_or_default(),
                join(&c.tags),
                every.clone(),
                c.last_touch.map(rfc3339).unwrap_or_default(),
                c.due_at
                    .filter(|_| c.archived_at.is_none())
                    .map(rfc3339)
                    .unwrap_or_default(),
            ]
        },
        || {
            vec![
                (c.handle.clone(), Tone::Plain),
                (c.name.clone(), Tone::Plain),
                (c.org.clone().unwrap_or_default(), Tone::Plain),
                (join(&c.tags), Tone::Dim),
                (every.clone(), Tone::Plain),
                (
                    c.last_touch.map_or("never".into(), |t| relative(t, now)),
                    Tone::Plain,
                ),
                (
                    c.due_at
                        .filter(|_| c.archived_at.is_none())
                        .map_or(String::new(), |t| match snooze_shown(c, now) {
                            Some(until) => until,
                            None => due_phrase(t, now),
                        }),
                    due_tone,
                ),
            ]
        },
    )
}

/// `snoozed until Fri 4 Dec` while a snooze decides the contact's next due date (a touch
/// since ends it; so does the date passing).
pub fn snooze_shown(c: &Contact, now: i64) -> Option<String> {
    let until = c.snoozed_until.filter(|until| *until > now)?;
    (c.due_at == Some(until) && c.archived_at.is_none())
        .then(|| format!("snoozed until {}", super::friendly::date(until, now)))
}

/// `Fri 4 Dec 2026`: a day named for reading, in local time.
pub fn short_day(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|at| {
            crate::when::local_date(at)
                .format("%a %-d %b %Y")
                .to_string()
        })
        .unwrap_or_default()
}

/// `12d overdue`, `due today`, `in 3d`: calendar days in local time, whatever the hour.
pub fn due_phrase(due_at: i64, now: i64) -> String {
    let days = crate::when::days_late(due_at, now);
    let span = |days: i64| output::short_span(days.saturating_mul(86_400));
    match days {
        0 => "due today".to_string(),
        late if late > 0 => format!("{} overdue", span(late)),
        early => format!("in {}", span(-early)),
    }
}

pub const INTERACTION_HEADERS: [&str; 6] = ["id", "at", "contacts", "channel", "traits", "note"];

/// A captured interaction's channel with where it came from (`meeting (ics)`), so the
/// timeline tells typed touches from captured ones at a glance.
fn channel_with_source(i: &Interaction) -> String {
    match &i.source {
        Some(source) => format!("{} ({})", i.channel, source.kind),
        None => i.channel.clone(),
    }
}

pub fn interaction_row(i: &Interaction, now: i64, format: Format) -> ListRow {
    ListRow::build(
        format,
        || interaction_json(i),
        || {
            vec![
                i.id.to_string(),
                rfc3339(i.at),
                join(&i.contacts),
                i.channel.clone(),
                marks_text(i),
                i.note.clone(),
            ]
        },
        || {
            vec![
                (i.id.to_string(), Tone::Dim),
                (relative(i.at, now), Tone::Plain),
                (join(&i.contacts), Tone::Plain),
                (channel_with_source(i), Tone::Plain),
                (
                    marks_text(i),
                    if i.marks.focus().is_some() {
                        Tone::Warn
                    } else {
                        Tone::Good
                    },
                ),
                (first_line_with_more(&i.note), Tone::Plain),
            ]
        },
    )
}

pub const FOLLOWUP_HEADERS: [&str; 5] = ["id", "handle", "due_at", "text", "done_at"];

pub fn followup_row(f: &FollowUp, now: i64, format: Format) -> ListRow {
    let tone = if f.done_at.is_some() {
        Tone::Dim
    } else if f.due_at <= now {
        Tone::Alert
    } else {
        Tone::Plain
    };
    ListRow::build(
        format,
        || followup_json(f),
        || {
            vec![
                f.id.to_string(),
                f.handle.clone(),
                rfc3339(f.due_at),
                f.text.clone(),
                f.done_at.map(rfc3339).unwrap_or_default(),
            ]
        },
        || {
            vec![
                (f.id.to_string(), Tone::Dim),
                (f.handle.clone(), Tone::Plain),
                // A done follow-up is never overdue: it shows its due day and when it was done.
                (
                    match f.done_at {
                        Some(_) => short_day(f.due_at),
                        None => due_phrase(f.due_at, now),
                    },
                    tone,
                ),
                (first_line(&f.text), Tone::Plain),
                (
                    f.done_at
                        .map_or(String::new(), |t| format!("done {}", relative(t, now))),
                    Tone::Dim,
                ),
            ]
        },
    )
}

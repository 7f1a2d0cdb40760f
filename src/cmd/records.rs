//! The contract's JSON records and the table/tsv rows built from them, shared by commands.

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
        "next_due": rfc3339_opt(c.due_at),
        "reith": c.reith,
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

/// `-t trust --strained honesty` shown as `+trust -honesty`.
pub fn marks_text(i: &Interaction) -> String {
    i.marks
        .marked()
        .iter()
        .map(|(name, v)| format!("{}{name}", if v.as_i64() == Some(1) { "+" } else { "-" }))
        .collect::<Vec<_>>()
        .join(" ")
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
                c.due_at.map(rfc3339).unwrap_or_default(),
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
                    c.due_at.map_or(String::new(), |t| due_phrase(t, now)),
                    due_tone,
                ),
            ]
        },
    )
}

/// `12d overdue`, `due now`, `in 3d`.
pub fn due_phrase(due_at: i64, now: i64) -> String {
    let late = now - due_at;
    if late >= 86_400 {
        format!("{} overdue", output::short_span(late))
    } else if late >= 0 {
        "due today".to_string()
    } else {
        format!("in {}", output::short_span(-late))
    }
}

pub const INTERACTION_HEADERS: [&str; 6] = ["id", "at", "contacts", "channel", "traits", "note"];

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
                (i.channel.clone(), Tone::Plain),
                (
                    marks_text(i),
                    if i.marks.focus().is_some() {
                        Tone::Warn
                    } else {
                        Tone::Good
                    },
                ),
                (first_line(&i.note), Tone::Plain),
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
                (due_phrase(f.due_at, now), tone),
                (first_line(&f.text), Tone::Plain),
                (
                    f.done_at.map_or(String::new(), |t| relative(t, now)),
                    Tone::Dim,
                ),
            ]
        },
    )
}

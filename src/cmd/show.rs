//! `rel show`: a contact's card, REITH profile, open follow-ups and recent interactions.

use super::records::{
    FOLLOWUP_HEADERS, contact_json, followup_json, followup_row, interaction_json,
};
use super::{Ctx, note_block};
use crate::birthday::Birthday;
use crate::cli::ShowArgs;
use crate::db::contacts::Contact;
use crate::db::interactions::{self, TimelineQuery};
use crate::db::{followups, who};
use crate::error::Result;
use crate::model::Trait;
use crate::output::{self, Format, ListRow, Listing, Tone, join, relative, rfc3339};
use std::io::Write;

pub fn run(ctx: &Ctx, args: ShowArgs) -> Result<()> {
    let db = ctx.open()?;
    let contact = who::resolve(db.conn(), &args.who)?;
    let open = followups::list(db.conn(), false, Some(contact.id), None)?;
    let query = TimelineQuery {
        contact_ids: vec![contact.id],
        limit: Some(args.limit),
        ..Default::default()
    };
    let recent = interactions::timeline(db.conn(), &query)?;
    let mut record = contact_json(&contact);
    record["followups"] = open.iter().map(followup_json).collect();
    record["interactions"] = recent.iter().map(interaction_json).collect();
    if ctx.out.json_record(&record)? {
        return Ok(());
    }
    let fields = card_fields(&contact, ctx.now_unix());
    if ctx.out.format != Format::Table {
        let listing = Listing::new(
            &["field", "value"],
            fields
                .into_iter()
                .map(|(k, _, raw)| ListRow {
                    json: serde_json::Value::Null,
                    plain: vec![k.to_string(), raw.clone()],
                    pretty: vec![(k.to_string(), Tone::Plain), (raw, Tone::Plain)],
                })
                .collect(),
        );
        return ctx.out.list(&listing, "");
    }
    print_card(ctx, &contact, fields, &open, &recent)
}

/// (label, shown in the card, raw value for tsv/csv)
fn card_fields(c: &Contact, now: i64) -> Vec<(&'static str, String, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let every = match (&c.every, &c.due_every) {
        (Some(own), _) => own.clone(),
        (None, Some(inherited)) => format!("{inherited} (inherited)"),
        (None, None) => String::new(),
    };
    let mut fields = vec![
        ("handle", c.handle.clone(), c.handle.clone()),
        ("name", c.name.clone(), c.name.clone()),
        ("org", opt(&c.org), opt(&c.org)),
        ("role", opt(&c.role), opt(&c.role)),
        ("emails", c.emails.join(", "), join(&c.emails)),
        ("phones", c.phones.join(", "), join(&c.phones)),
        ("tags", c.tags.join(", "), join(&c.tags)),
        ("every", every.clone(), every),
        (
            "last_touch",
            c.last_touch.map_or("never".into(), |t| relative(t, now)),
            c.last_touch.map(rfc3339).unwrap_or_default(),
        ),
        (
            "next_due",
            // An archived contact is never due, so it shows no next due date.
            c.due_at
                .filter(|_| c.archived_at.is_none())
                .map_or(String::new(), |t| super::records::due_phrase(t, now)),
            c.due_at
                .filter(|_| c.archived_at.is_none())
                .map(rfc3339)
                .unwrap_or_default(),
        ),
        (
            "snoozed",
            super::records::snooze_shown(c, now)
                .map(|s| s.trim_start_matches("snoozed ").to_string())
                .unwrap_or_default(),
            c.snoozed_until
                .filter(|until| *until > now)
                .map(rfc3339)
                .unwrap_or_default(),
        ),
        (
            "birthday",
            c.birthday
                .as_deref()
                .map_or(String::new(), |b| birthday_phrase(b, now)),
            opt(&c.birthday),
        ),
        ("via", opt(&c.via), opt(&c.via)),
        // The team member who owns the contact (empty when unowned).
        ("owner", opt(&c.owner), opt(&c.owner)),
        ("note", opt(&c.note), opt(&c.note)),
        (
            "archived",
            c.archived_at.map_or(String::new(), |t| relative(t, now)),
            c.archived_at.map(rfc3339).unwrap_or_default(),
        ),
    ];
    for t in Trait::ALL {
        let v = c.reith.get(t);
        fields.push((t.name(), format!("{v:+}"), v.to_string()));
    }
    fields
}

fn print_card(
    ctx: &Ctx,
    contact: &Contact,
    fields: Vec<(&'static str, String, String)>,
    open: &[followups::FollowUp],
    recent: &[interactions::Interaction],
) -> Result<()> {
    let out = &ctx.out;
    let now = ctx.now_unix();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{} ({})",
        output::escape_visible(&contact.name),
        contact.handle
    )?;
    let mut card = output::new_table(out.color);
    for (label, shown, _) in fields
        .iter()
        .filter(|(label, shown, _)| !shown.is_empty() && !matches!(*label, "handle" | "name"))
    {
        if Trait::ALL.iter().any(|t| t.name() == *label) {
            continue;
        }
        card.add_row(vec![
            out.cell(&label.replace('_', " "), Tone::Dim),
            out.cell(shown, Tone::Plain),
        ]);
    }
    writeln!(stdout, "{card}")?;
    let mut standing: Vec<String> = vec!["REITH".to_string()];
    standing.extend(Trait::ALL.iter().map(|t| match contact.reith.get(*t) {
        0 => format!("{} 0", t.name()),
        v => format!("{} {v:+}", t.name()),
    }));
    if let Some(t) = contact.reith.focus() {
        standing.push(format!("(focus: {})", t.name()));
    }
    // Wrapped between traits, never inside one, under the first trait.
    writeln!(stdout)?;
    for line in note_block::wrap_items(&standing, note_block::terminal_width(), 7) {
        writeln!(stdout, "{line}")?;
    }
    if !open.is_empty() {
        writeln!(stdout, "\nOpen follow-ups")?;
        let listing = Listing::new(
            &FOLLOWUP_HEADERS[..4],
            open.iter()
                .map(|f| trimmed(followup_row(f, now, out.format), 4))
                .collect(),
        );
        drop(stdout);
        out.list(&listing, "")?;
        stdout = std::io::stdout().lock();
    }
    writeln!(stdout, "\nRecent interactions")?;
    if recent.is_empty() {
        writeln!(
            stdout,
            "  none yet: rel log {} \"what you talked about\"",
            contact.handle
        )?;
        return Ok(());
    }
    // Whole notes, wrapped: the card is the brief before a call.
    note_block::write_blocks(
        &mut stdout,
        recent,
        now,
        note_block::terminal_width(),
        Some(note_block::SHOW_MAX_LINES),
    )?;
    Ok(())
}

fn trimmed(mut row: ListRow, columns: usize) -> ListRow {
    row.plain.truncate(columns);
    row.pretty.truncate(columns);
    row
}

/// `5 Dec (in 3d)`, `5 Dec (today)`, `5 Dec 1988 (in 3d, turns 38)`: the birthday as a date with
/// how far off its next occurrence is.
fn birthday_phrase(stored: &str, now: i64) -> String {
    let Some(birthday) = Birthday::parse(stored) else {
        return stored.to_string();
    };
    let Some(today) = chrono::DateTime::from_timestamp(now, 0).map(crate::when::local_date) else {
        return stored.to_string();
    };
    let Some(next) = birthday.next_on_or_after(today) else {
        return stored.to_string();
    };
    let date = match birthday.in_year(birthday.year.unwrap_or(2000)) {
        Some(day) if birthday.year.is_some() => day.format("%-d %b %Y").to_string(),
        Some(day) => day.format("%-d %b").to_string(),
        None => stored.to_string(),
    };
    let days = (next - today).num_days();
    let distance = match days {
        0 => "today".to_string(),
        n => format!("in {}", crate::output::short_span(n.saturating_mul(86_400))),
    };
    match birthday.turns_on(next) {
        Some(age) if age > 0 => format!("{date} ({distance}, turns {age})"),
        _ => format!("{date} ({distance})"),
    }
}

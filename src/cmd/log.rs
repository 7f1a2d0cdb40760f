//! `rel log`: record an interaction right after it happened.

use super::friendly;
use super::note_input::read_note;
use super::records::interaction_json;
use super::{Ctx, parse_id};
use crate::cli::{LogArgs, TouchFields};
use crate::db::interactions::{self, NewInteraction};
use crate::db::who::{self, Lookup};
use crate::db::{contacts, followups, settings, upkeep};
use crate::error::{Error, Result};
use crate::model::{Reith, Trait, parse_channel};
use crate::output::{escape_visible, first_line};
use crate::when::Dir;
use rusqlite::Connection;

/// How far past "now" an `--at` may be, for clocks that disagree a little.
const FUTURE_SLACK_SECONDS: i64 = 60;

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<()> {
    let names = split_whos(&args.who)?;
    let marks = parse_marks(&args.touch)?;
    let at = parse_at(ctx, args.touch.at.as_deref())?.unwrap_or(ctx.now_unix());
    let channel = args
        .touch
        .channel
        .as_deref()
        .map(parse_channel)
        .transpose()?;
    let follow_up = args
        .follow_up
        .as_deref()
        .map(|w| ctx.when(w, Dir::Future))
        .transpose()?;
    let closes = args
        .done
        .iter()
        .map(|text| parse_id(text, "follow-up"))
        .collect::<Result<Vec<_>>>()?;
    let mut db = ctx.open_for_write()?;
    // Unknown or ambiguous names fail before the editor opens, not after the note is typed.
    // (With the note on the command line the transaction below resolves them once.)
    let editor_may_open = args.touch.edit || args.note.is_empty();
    let mut with = Vec::new();
    for name in names.iter().filter(|_| editor_may_open) {
        match who::lookup(db.conn(), name)? {
            Lookup::Found(contact) => with.push(format!("{} ({})", contact.name, contact.handle)),
            Lookup::Missing if args.add && who::archived_by_name(db.conn(), name)?.is_empty() => {
                with.push(format!("{name} (a new contact)"))
            }
            Lookup::Missing => {
                // Fails, naming the problem (unknown, or only archived).
                let contact = who::resolve(db.conn(), name)?;
                with.push(format!("{} ({})", contact.name, contact.handle));
            }
        }
    }
    // Names are user text: escaped so a control character cannot break a comment line.
    let about = [escape_visible(&format!(
        "Logging a touch with {}.",
        with.join(", ")
    ))];
    let note = read_note(&args.note, args.touch.edit, &about)?;
    let now = ctx.now_unix();
    let for_person = ctx.out.for_person();
    let result = db.write(|tx| {
        let (contact_ids, created) = resolve_or_add(tx, &names, args.add, now)?;
        let channel = match channel {
            Some(c) => c.to_string(),
            None => default_channel(tx)?,
        };
        let new = NewInteraction {
            uid: None,
            at,
            channel,
            note: note.text.clone(),
            marks,
            contact_ids: contact_ids.clone(),
            // In a team workspace the touch is signed by the member who logged it.
            author: crate::sync::settings::member(tx)?,
        };
        let id = interactions::insert(tx, &new, now)?;
        close_followups(tx, &closes, &contact_ids, at)?;
        let mut new_followup = None;
        if let Some(due) = follow_up {
            let text = args
                .todo
                .clone()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| default_todo(&note.text));
            let new = followups::NewFollowUp {
                uid: None,
                contact_id: contact_ids[0],
                interaction_id: Some(id),
                due_at: due.at.timestamp(),
                text,
            };
            new_followup = Some(followups::insert(tx, &new, now)?);
        }
        let created = created
            .iter()
            .map(|id| contacts::get(tx, *id))
            .collect::<Result<Vec<_>>>()?;
        let new_followup = new_followup.map(|id| followups::get(tx, id)).transpose()?;
        // Names and open follow-ups are for a person's eyes only: scripts (and `rel log` at
        // L, timed to the millisecond) skip the extra reads.
        let (people, open) = if for_person {
            let people = contact_ids
                .iter()
                .map(|id| contacts::get(tx, *id))
                .collect::<Result<Vec<_>>>()?;
            let open = open_followups(tx, &contact_ids, &closes, new_followup.as_ref())?;
            (people, open)
        } else {
            (Vec::new(), Vec::new())
        };
        Ok((
            interactions::get(tx, id)?,
            created,
            new_followup,
            people,
            open,
        ))
    });
    let (interaction, created, new_followup, people, open) = note.keep_on_failure(result)?;
    if let Some(f) = &new_followup {
        super::followups::warn_if_past(f.due_at, now);
    }
    if for_person {
        // Closing loops: a promise to this person may be what this touch kept.
        for f in &open {
            eprintln!(
                "open follow-up {} '{}' — add --done {} to close it",
                f.id,
                escape_visible(&first_line(&f.text)),
                f.id
            );
        }
    }
    for contact in &created {
        eprintln!(
            "note: created contact {} ({})",
            contact.handle,
            escape_visible(&contact.name)
        );
    }
    ctx.out.created_or_say(
        &interaction.id.to_string(),
        &interaction_json(&interaction),
        || {
            let with: Vec<String> = people
                .iter()
                .map(|c| friendly::person(&c.name, &c.handle, true))
                .collect();
            let mut line = format!("logged {} with {}", interaction.id, with.join(", "));
            if let Some(f) = &new_followup {
                line.push_str(&format!(
                    "; follow-up {} due {}: {}",
                    f.id,
                    friendly::day(f.due_at, now),
                    first_line(&f.text)
                ));
            }
            if !closes.is_empty() {
                let ids: Vec<String> = closes.iter().map(i64::to_string).collect();
                line.push_str(&format!("; done: {}", ids.join(", ")));
            }
            line
        },
    )
}

/// `--done ID…`: the follow-ups this touch answers are closed in its transaction, at its time.
/// Each must belong to one of the touch's contacts: closing someone else's promise by a typo
/// would go unnoticed.
fn close_followups(conn: &Connection, ids: &[i64], contact_ids: &[i64], at: i64) -> Result<()> {
    for id in ids {
        let followup = followups::get(conn, *id)?;
        if !contact_ids.contains(&followup.contact_id) {
            return Err(Error::usage(format!(
                "follow-up {id} is for {}, who is not in this touch",
                followup.handle
            ))
            .with_hint(format!("close it on its own: rel done {id}")));
        }
    }
    followups::mark_done(conn, ids, at)
}

/// The open follow-ups of the touch's contacts that it neither closes nor created, only
/// for a person at a terminal to read (the first five).
fn open_followups(
    conn: &Connection,
    contact_ids: &[i64],
    closes: &[i64],
    created: Option<&followups::FollowUp>,
) -> Result<Vec<followups::FollowUp>> {
    let mut open = Vec::new();
    for id in contact_ids {
        for f in followups::list(conn, false, Some(*id), Some(5))? {
            if !closes.contains(&f.id) && created.is_none_or(|c| c.id != f.id) {
                open.push(f);
            }
        }
    }
    open.truncate(5);
    Ok(open)
}

fn default_todo(note: &str) -> String {
    let line = first_line(note);
    if line.is_empty() {
        "follow up".to_string()
    } else {
        line
    }
}

/// `a,b` names two contacts (handles never contain commas).
pub fn split_whos(text: &str) -> Result<Vec<String>> {
    // `maria,` or `maria,,tom` is a slip (a name left out), as an empty `-t` item is.
    if !text.trim().is_empty() && text.split(',').any(|n| n.trim().is_empty()) {
        return Err(Error::usage(format!("'{text}' has an empty name"))
            .with_hint("separate contacts with commas: maria,tom"));
    }
    let names: Vec<String> = text
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        return Err(Error::usage("name at least one contact"));
    }
    Ok(names)
}

pub fn parse_marks(touch: &TouchFields) -> Result<Reith> {
    crate::checks::no_empty_items("-t", &touch.shown)?;
    crate::checks::no_empty_items("--strained", &touch.strained)?;
    Reith::from_marks(
        &Trait::parse_list(&touch.shown)?,
        &Trait::parse_list(&touch.strained)?,
    )
}

/// `--at`: a past WHEN, at most a minute ahead of now.
pub fn parse_at(ctx: &Ctx, text: Option<&str>) -> Result<Option<i64>> {
    let Some(text) = text else { return Ok(None) };
    let at = ctx.when(text, Dir::Past)?.at.timestamp();
    if at > ctx.now_unix() + FUTURE_SLACK_SECONDS {
        return Err(Error::usage(format!("--at '{text}' is in the future"))
            .with_hint("log what happened; use --follow-up or 'rel remind' for what is planned"));
    }
    Ok(Some(at))
}

/// Resolves each name (creating unknown ones with `--add`), keeping the order given and
/// dropping repeats. Returns the ids and, apart, those of the contacts it created.
pub fn resolve_or_add(
    conn: &Connection,
    names: &[String],
    add: bool,
    now: i64,
) -> Result<(Vec<i64>, Vec<i64>)> {
    let mut ids = Vec::new();
    let mut created = Vec::new();
    for name in names {
        let id = match who::lookup(conn, name)? {
            Lookup::Found(contact) => contact.id,
            // An archived contact of that name or name word: creating a second one would
            // split one person's history; resolve fails naming the archived one.
            Lookup::Missing if add && !who::archived_by_name(conn, name)?.is_empty() => {
                who::resolve(conn, name)?.id
            }
            Lookup::Missing if add => {
                // As `rel add`: in a team workspace the member who adds a contact owns it.
                let new = contacts::NewContact {
                    name: name.clone(),
                    owner: crate::sync::settings::member(conn)?,
                    ..Default::default()
                };
                let id = contacts::insert(conn, &new, now)?;
                upkeep::refresh_many(conn, &[id])?;
                created.push(id);
                id
            }
            Lookup::Missing => who::resolve(conn, name)?.id,
        };
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok((ids, created))
}

/// `rel config default-channel`, else `other`.
pub fn default_channel(conn: &Connection) -> Result<String> {
    Ok(settings::get(conn, "default-channel")?.unwrap_or_else(|| "other".to_string()))
}

//! `rel add`: create a contact.

use super::Ctx;
use super::records::contact_json;
use crate::checks;
use crate::cli::{AddArgs, ContactFields};
use crate::db::{contacts, same_name, upkeep, who};
use crate::error::{Error, Result};
use crate::output::escape_visible;
use rusqlite::Connection;

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let name = checks::name(&args.name)?;
    let fields = &args.fields;
    if let Some(handle) = &args.handle {
        checks::handle(handle)?;
    }
    if fields
        .every
        .as_deref()
        .is_some_and(|e| e.trim().eq_ignore_ascii_case("inherit"))
    {
        return Err(Error::usage(
            "'--every inherit' only makes sense with 'rel edit'",
        ));
    }
    let every = fields.every.as_deref().map(checks::cadence).transpose()?;
    let birthday = fields
        .birthday
        .as_deref()
        .map(checks::birthday)
        .transpose()?;
    if let Some(day) = &birthday {
        checks::birthday_not_future(day, ctx.now)?;
    }
    let note = checks::optional(&fields.note);
    if let Some(note) = &note {
        checks::note(note)?;
    }
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let (contact, namesakes) = db.write(|tx| {
        let namesakes = same_name::active_with_name(tx, &name)?;
        let new = contacts::NewContact {
            uid: None,
            name,
            handle: args.handle.clone(),
            org: checks::optional(&fields.org),
            role: checks::optional(&fields.role),
            emails: checks::list(&fields.emails),
            phones: checks::list(&fields.phones),
            tags: {
                checks::no_empty_items("--tag", &fields.tags)?;
                checks::tags(&fields.tags)
            },
            every,
            birthday,
            via_id: resolve_via(tx, fields)?,
            note: note.clone(),
            // In a team workspace the adder owns the contact; outside one nobody does.
            owner: crate::sync::settings::member(tx)?,
        };
        let id = contacts::insert(tx, &new, now)?;
        upkeep::refresh_many(tx, &[id])?;
        Ok((contacts::get(tx, id)?, namesakes))
    })?;
    if !namesakes.is_empty() {
        // Still created (two people may share a name), but a duplicate is worth a word.
        eprintln!(
            "note: '{}' already exists as {}; created {}",
            escape_visible(&contact.name),
            namesakes.join(", "),
            contact.handle
        );
    }
    ctx.out
        .created_or_say(&contact.handle, &contact_json(&contact), || {
            format!(
                "added {}",
                super::friendly::person(&contact.name, &contact.handle, true)
            )
        })
}

pub fn resolve_via(conn: &Connection, fields: &ContactFields) -> Result<Option<i64>> {
    match &fields.via {
        Some(text) => Ok(Some(who::resolve(conn, text)?.id)),
        None => Ok(None),
    }
}

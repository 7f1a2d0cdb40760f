//! `rel edit`: change a contact's fields.

use super::Ctx;
use super::add::{clean_birthday, clean_cadence, clean_list, clean_name, clean_tags, resolve_via};
use crate::cli::EditArgs;
use crate::db::contacts::{self, List};
use crate::db::{upkeep, who};
use crate::error::{Error, Result};
use rusqlite::{Connection, params};

pub fn run(ctx: &Ctx, args: EditArgs) -> Result<()> {
    if !asks_for_a_change(&args) {
        return Err(
            Error::usage(format!("nothing to change for '{}'", args.who)).with_hint(
                "give the fields to change, e.g. --org ACME or --every 2w; see 'rel edit --help'",
            ),
        );
    }
    let name = args.name.as_deref().map(clean_name).transpose()?;
    let fields = &args.fields;
    let every = fields.every.as_deref().map(clean_cadence).transpose()?;
    let birthday = match fields.birthday.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(text) => Some(Some(clean_birthday(text)?)),
        None => None,
    };
    let mut db = ctx.open()?;
    let contact = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        let id = contact.id;
        if let Some(handle) = args.handle.as_ref().filter(|h| **h != contact.handle) {
            contacts::check_new_handle(tx, handle)?;
            set(tx, id, "handle", Some(handle.as_str()))?;
        }
        if let Some(name) = &name {
            set(tx, id, "name", Some(name.as_str()))?;
        }
        for (column, value) in [
            ("org", &fields.org),
            ("role", &fields.role),
            ("note", &fields.note),
        ] {
            if let Some(value) = value {
                let value = value.trim();
                set(tx, id, column, (!value.is_empty()).then_some(value))?;
            }
        }
        if let Some(every) = &every {
            // `inherit` clears the own cadence so tag cadences and `default-every` apply.
            set(
                tx,
                id,
                "every",
                (every != "inherit").then_some(every.as_str()),
            )?;
        }
        if let Some(birthday) = &birthday {
            set(tx, id, "birthday", birthday.as_deref())?;
        }
        if let Some(via) = resolve_via(tx, fields)? {
            if via == id {
                return Err(Error::usage("a contact cannot introduce themselves"));
            }
            tx.execute(
                "UPDATE contacts SET via_id = ?2 WHERE id = ?1",
                params![id, via],
            )?;
        }
        contacts::add_list_items(tx, id, List::Emails, &clean_list(&fields.emails))?;
        contacts::add_list_items(tx, id, List::Phones, &clean_list(&fields.phones))?;
        contacts::add_list_items(tx, id, List::Tags, &clean_tags(&fields.tags))?;
        contacts::remove_list_items(tx, id, List::Emails, &clean_list(&args.drop_email))?;
        contacts::remove_list_items(tx, id, List::Phones, &clean_list(&args.drop_phone))?;
        contacts::remove_list_items(tx, id, List::Tags, &clean_tags(&args.untag))?;
        upkeep::refresh_many(tx, &[id])?;
        contacts::get(tx, id)
    })?;
    if !ctx
        .out
        .json_record(&super::records::contact_json(&contact))?
    {
        ctx.out.note(&format!("updated {}", contact.handle))?;
    }
    Ok(())
}

fn set(conn: &Connection, id: i64, column: &str, value: Option<&str>) -> Result<()> {
    contacts::set_column(conn, id, column, value)
}

/// Whether any option names a change (`rel edit maria` alone is a mistake, not an edit).
fn asks_for_a_change(args: &EditArgs) -> bool {
    let fields = &args.fields;
    args.name.is_some()
        || args.handle.is_some()
        || fields.org.is_some()
        || fields.role.is_some()
        || fields.every.is_some()
        || fields.birthday.is_some()
        || fields.via.is_some()
        || fields.note.is_some()
        || !fields.emails.is_empty()
        || !fields.phones.is_empty()
        || !fields.tags.is_empty()
        || !args.untag.is_empty()
        || !args.drop_email.is_empty()
        || !args.drop_phone.is_empty()
}

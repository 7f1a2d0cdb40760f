//! `rel edit`: change a contact's fields.

use super::Ctx;
use super::add::resolve_via;
use crate::checks;
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
    let name = args.name.as_deref().map(checks::name).transpose()?;
    let fields = &args.fields;
    checks::no_empty_items("--tag", &fields.tags)?;
    checks::no_empty_items("--untag", &args.untag)?;
    // `inherit` drops the contact's own cadence; anything else must be one.
    let every = fields
        .every
        .as_deref()
        .map(|text| match text.trim().to_lowercase().as_str() {
            "inherit" => Ok("inherit".to_string()),
            _ => checks::cadence(text),
        })
        .transpose()?;
    if let Some(note) = &fields.note {
        checks::note(note)?;
    }
    // `--owner none` makes the contact unowned (Some(None)).
    let owner = args.owner.as_deref().map(checks::member).transpose()?;
    let birthday = match fields.birthday.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(text) => {
            let day = checks::birthday(text)?;
            checks::birthday_not_future(&day, ctx.now)?;
            Some(Some(day))
        }
        None => None,
    };
    let mut db = ctx.open()?;
    let result = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        let before = super::records::contact_json(&contact);
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
        if let Some(owner) = &owner {
            // The whole history goes with the contact: its interactions and follow-ups hang
            // off it, so changing this one field hands all of them over.
            set(tx, id, "owner", owner.as_deref())?;
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
        contacts::add_list_items(tx, id, List::Emails, &checks::list(&fields.emails))?;
        contacts::add_list_items(tx, id, List::Phones, &checks::list(&fields.phones))?;
        contacts::add_list_items(tx, id, List::Tags, &checks::tags(&fields.tags))?;
        contacts::remove_list_items(tx, id, List::Emails, &checks::list(&args.drop_email))?;
        contacts::remove_list_items(tx, id, List::Phones, &checks::list(&args.drop_phone))?;
        contacts::remove_list_items(tx, id, List::Tags, &checks::tags(&args.untag))?;
        upkeep::refresh_many(tx, &[id])?;
        let after = contacts::get(tx, id)?;
        // Values equal to the current ones: nothing is written (no undo step, nothing to
        // sync); the rollback is how the transaction is left untouched.
        if super::records::contact_json(&after) == before {
            return Err(Error::usage(UNCHANGED).with_details(vec![after.handle.clone()]));
        }
        Ok(after)
    });
    let contact = match result {
        Err(e) if e.message == UNCHANGED => {
            let handle = e.details.first().cloned().unwrap_or_default();
            let contact = who::resolve(db.conn(), &handle)?;
            if !ctx
                .out
                .json_record(&super::records::contact_json(&contact))?
            {
                ctx.out.note(&format!(
                    "nothing changed: {} already has those values",
                    handle
                ))?;
            }
            return Ok(());
        }
        other => other?,
    };
    if !ctx
        .out
        .json_record(&super::records::contact_json(&contact))?
    {
        ctx.out.note(&format!(
            "updated {}",
            super::friendly::person(&contact.name, &contact.handle, ctx.out.for_person())
        ))?;
    }
    Ok(())
}

/// The rollback marker of an edit whose values all equal the current ones.
const UNCHANGED: &str = "\u{0}nothing changed";

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
        || args.owner.is_some()
}

//! `rel add`: create a contact.

use super::Ctx;
use super::records::contact_json;
use crate::cli::{AddArgs, ContactFields};
use crate::db::{contacts, same_name, upkeep, who};
use crate::error::{Error, Result};
use crate::output::escape_visible;
use crate::when::Cadence;
use chrono::NaiveDate;
use rusqlite::Connection;

pub fn run(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let name = clean_name(&args.name)?;
    let fields = &args.fields;
    let every = fields.every.as_deref().map(clean_cadence).transpose()?;
    if every.as_deref() == Some("inherit") {
        return Err(Error::usage(
            "'--every inherit' only makes sense with 'rel edit'",
        ));
    }
    let birthday = fields.birthday.as_deref().map(clean_birthday).transpose()?;
    let mut db = ctx.open()?;
    let now = ctx.now_unix();
    let (contact, namesakes) = db.write(|tx| {
        let namesakes = same_name::active_with_name(tx, &name)?;
        let new = contacts::NewContact {
            uid: None,
            name,
            handle: args.handle.clone(),
            org: clean_opt(&fields.org),
            role: clean_opt(&fields.role),
            emails: clean_list(&fields.emails),
            phones: clean_list(&fields.phones),
            tags: clean_tags(&fields.tags),
            every,
            birthday,
            via_id: resolve_via(tx, fields)?,
            note: clean_opt(&fields.note),
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
            format!("added {} ({})", contact.handle, contact.name)
        })
}

pub fn resolve_via(conn: &Connection, fields: &ContactFields) -> Result<Option<i64>> {
    match &fields.via {
        Some(text) => Ok(Some(who::resolve(conn, text)?.id)),
        None => Ok(None),
    }
}

pub fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::usage("a contact needs a name"));
    }
    Ok(name.to_string())
}

/// Empty strings mean "none" (so `--org ''` clears in edit).
pub fn clean_opt(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

pub fn clean_list(values: &[String]) -> Vec<String> {
    values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// Tags are lower-case; `--tag a,b` gives two tags.
pub fn clean_tags(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Validates a cadence and returns it as the user wrote it (trimmed, lower-case).
pub fn clean_cadence(text: &str) -> Result<String> {
    let text = text.trim().to_lowercase();
    if text != "inherit" {
        Cadence::parse(&text)?;
    }
    Ok(text)
}

/// `YYYY-MM-DD`, or `--MM-DD` / `MM-DD` when the year is unknown.
pub fn clean_birthday(text: &str) -> Result<String> {
    let text = text.trim();
    let bad = || {
        Error::usage(format!("invalid birthday '{text}'"))
            .with_hint("use YYYY-MM-DD, or --MM-DD without a year")
    };
    if text.len() == 10
        && let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        crate::when::check_date_in_range(day).map_err(|err| {
            Error::usage(format!("birthday '{text}' is out of range")).with_hint(
                err.hint
                    .unwrap_or_else(|| "use --MM-DD for a birthday without a year".into()),
            )
        })?;
        return Ok(text.to_string());
    }
    let month_day = text.strip_prefix("--").unwrap_or(text);
    // Any leap year accepts every real month-day, 29 February included.
    if month_day.len() == 5
        && NaiveDate::parse_from_str(&format!("2000-{month_day}"), "%Y-%m-%d").is_ok()
    {
        return Ok(format!("--{month_day}"));
    }
    Err(bad())
}

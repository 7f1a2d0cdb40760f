//! Naming a contact (WHO): `#ID` or exact handle → exact name → unique prefix of the handle or
//! of a word of the name → unique substring of the name. Archived contacts answer only to the
//! first step.

use super::contacts::{self, Contact, fold};
use crate::error::{Error, Result};
use rusqlite::Connection;

/// How many candidates an ambiguous WHO lists before summarising the rest.
const MAX_CANDIDATES: usize = 10;

/// (id, handle, name) of an active contact, as WHO matching reads them.
type Person = (i64, String, String);

/// The outcome of resolving a WHO without failing, for `rel log --add`.
pub enum Lookup {
    Found(Box<Contact>),
    Missing,
}

/// Resolves a WHO to exactly one contact, or exits 3 naming the problem.
pub fn resolve(conn: &Connection, who: &str) -> Result<Contact> {
    match lookup(conn, who)? {
        Lookup::Found(contact) => Ok(*contact),
        Lookup::Missing => Err(Error::not_found(format!("no contact matches '{who}'"))
            .with_hint("see 'rel list', or create it with 'rel add'")),
    }
}

/// Resolves a WHO; an ambiguous one is still an error, an unknown one is `Missing`.
pub fn lookup(conn: &Connection, who: &str) -> Result<Lookup> {
    let who = who.trim();
    if let Some(Ok(id)) = who.strip_prefix('#').map(str::parse::<i64>) {
        return match contacts::get(conn, id) {
            Ok(contact) => Ok(Lookup::Found(Box::new(contact))),
            Err(_) => Ok(Lookup::Missing),
        };
    }
    if let Some(contact) = contacts::get_by_handle(conn, who)? {
        return Ok(Lookup::Found(Box::new(contact)));
    }
    // The handle of a contact merged into another names the one it was merged into.
    if let Some(contact) = contacts::get_by_alias(conn, who)? {
        return Ok(Lookup::Found(Box::new(contact)));
    }
    if who.is_empty() {
        return Ok(Lookup::Missing);
    }
    let people = active_names(conn)?;
    let wanted_lower = who.to_lowercase();
    let wanted = fold(who);
    let steps: [&dyn Fn(&Person) -> bool; 3] = [
        &|(_, _, name)| name.to_lowercase() == wanted_lower,
        &|(_, handle, name)| {
            handle.starts_with(&wanted)
                || fold(name)
                    .split_whitespace()
                    .any(|word| word.starts_with(&wanted))
        },
        &|(_, _, name)| fold(name).contains(&wanted),
    ];
    for step in steps {
        let matches: Vec<&Person> = people.iter().filter(|p| step(p)).collect();
        match matches.as_slice() {
            [] => continue,
            [(id, _, _)] => return Ok(Lookup::Found(Box::new(contacts::get(conn, *id)?))),
            several => return Err(ambiguous(who, several)),
        }
    }
    Ok(Lookup::Missing)
}

fn active_names(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, handle, name FROM contacts WHERE archived_at IS NULL ORDER BY handle",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn ambiguous(who: &str, matches: &[&Person]) -> Error {
    let shown = &matches[..matches.len().min(MAX_CANDIDATES)];
    let width = shown
        .iter()
        .map(|(_, handle, _)| handle.chars().count())
        .max()
        .unwrap_or(0);
    let mut details: Vec<String> = shown
        .iter()
        .map(|(_, handle, name)| format!("{handle:<width$}  {name}"))
        .collect();
    if matches.len() > MAX_CANDIDATES {
        details.push(format!("… and {} more", matches.len() - MAX_CANDIDATES));
    }
    Error::not_found(format!("'{who}' matches {} contacts", matches.len()))
        .with_hint("name one by its handle")
        .with_details(details)
}

//! Naming a contact (WHO): `#ID` or exact handle → exact name → a name word equal to the WHO
//! (case and accents ignored) → unique prefix of the handle or of a word of the name → unique
//! substring of the name. Archived contacts answer only to the first step; a WHO that would
//! match only archived ones says so, and an unknown one suggests close handles.

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
        Lookup::Missing => Err(missing(conn, who)?),
    }
}

/// Why nothing active matched: archived contacts that would have (exit 3, naming them, so the
/// user does not create a duplicate), else the closest handles as a hint.
fn missing(conn: &Connection, who: &str) -> Result<Error> {
    let wanted = who.trim();
    if wanted.is_empty() || wanted.starts_with('#') {
        return Ok(
            Error::not_found(format!("no contact matches '{wanted}'")).with_hint("see 'rel list'")
        );
    }
    let archived = names(conn, true)?;
    let archived_matches: Vec<&Person> = match_steps(wanted)
        .iter()
        .map(|step| archived.iter().filter(|p| step(p)).collect::<Vec<_>>())
        .find(|found| !found.is_empty())
        .unwrap_or_default();
    match archived_matches.as_slice() {
        [] => {}
        [(_, handle, _)] => {
            return Ok(Error::not_found(format!("{handle} is archived"))
                .with_hint(format!("use its handle or rel unarchive {handle}")));
        }
        several => {
            let handles: Vec<&str> = several.iter().map(|(_, h, _)| h.as_str()).collect();
            return Ok(Error::not_found(format!(
                "'{wanted}' matches only archived contacts: {}",
                handles.join(", ")
            ))
            .with_hint("use a handle, or rel unarchive HANDLE"));
        }
    }
    let error = Error::not_found(format!("no contact matches '{wanted}'"));
    let close = close_handles(&names(conn, false)?, wanted);
    Ok(if close.is_empty() {
        error.with_hint("see 'rel list', or create it with 'rel add'")
    } else {
        error.with_hint(format!("did you mean {}?", close.join(", ")))
    })
}

/// Up to three handles within a few typos of the WHO (compared with the whole handle and with
/// each word of the name, transpositions counting once: `jhon` → `john-smith`).
fn close_handles(people: &[Person], who: &str) -> Vec<String> {
    let wanted = fold(who);
    let length = wanted.chars().count();
    let allowed = match length {
        0 => return Vec::new(),
        1..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    let mut scored: Vec<(usize, &str)> = people
        .iter()
        .filter_map(|(_, handle, name)| {
            let folded = fold(name);
            let distance = std::iter::once(handle.as_str())
                .chain(handle.split('-'))
                .chain(words(&folded))
                .map(|word| strsim::damerau_levenshtein(&wanted, word))
                .min()?;
            (distance <= allowed).then_some((distance, handle.as_str()))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .map(|(_, h)| h.to_string())
        .collect()
}

/// The words of a folded name: runs of letters and digits.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

type Step = Box<dyn Fn(&Person) -> bool>;

/// The position of the name-word step in `match_steps`.
const WORD_STEP: usize = 1;

/// The matching steps after `#ID`/handle, in order; the first that matches anyone decides.
fn match_steps(who: &str) -> Vec<Step> {
    let wanted_lower = who.to_lowercase();
    let wanted = fold(who);
    let word = wanted.clone();
    let prefix = wanted.clone();
    vec![
        Box::new(move |(_, _, name): &Person| name.to_lowercase() == wanted_lower),
        // A whole name word wins over prefixes: `sam` is Sam Carter, not Samantha.
        Box::new(move |(_, _, name): &Person| words(&fold(name)).any(|w| w == word)),
        Box::new(move |(_, handle, name): &Person| {
            handle.starts_with(&prefix)
                || fold(name)
                    .split_whitespace()
                    .any(|word| word.starts_with(&prefix))
        }),
        Box::new(move |(_, _, name): &Person| fold(name).contains(&wanted)),
    ]
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
    let people = names(conn, false)?;
    let steps = match_steps(who);
    for (index, step) in steps.iter().enumerate() {
        let matches: Vec<&Person> = people.iter().filter(|p| step(p)).collect();
        match matches.as_slice() {
            [] => continue,
            // The name-word step decides only when it names one contact; several sharing
            // the word fall through to the prefix step, which lists them (and any others).
            [_, _, ..] if index == WORD_STEP => continue,
            found => {
                // An archived contact named more closely (by exact name or name word) than
                // the active one makes the WHO ambiguous: `sam` after archiving Sam Carter
                // must not quietly mean Samantha.
                let archived = archived_closer(conn, &steps, index)?;
                if !archived.is_empty() {
                    let mut all: Vec<(&Person, bool)> = found.iter().map(|p| (*p, false)).collect();
                    all.extend(archived.iter().map(|p| (p, true)));
                    return Err(ambiguous(who, &all));
                }
                match found {
                    [(id, _, _)] => {
                        return Ok(Lookup::Found(Box::new(contacts::get(conn, *id)?)));
                    }
                    several => {
                        let all: Vec<(&Person, bool)> =
                            several.iter().map(|p| (*p, false)).collect();
                        return Err(ambiguous(who, &all));
                    }
                }
            }
        }
    }
    Ok(Lookup::Missing)
}

/// Archived contacts that the exact-name or name-word step names, when that step comes before
/// `active_step` (the one that matched active contacts).
fn archived_closer(conn: &Connection, steps: &[Step], active_step: usize) -> Result<Vec<Person>> {
    let last = active_step.min(WORD_STEP + 1);
    if last == 0 {
        return Ok(Vec::new());
    }
    let archived = names(conn, true)?;
    Ok(steps[..last]
        .iter()
        .map(|step| {
            archived
                .iter()
                .filter(|p| step(p))
                .cloned()
                .collect::<Vec<_>>()
        })
        .find(|found| !found.is_empty())
        .unwrap_or_default())
}

/// Archived contacts that a WHO names by exact name or name word (`rel log --add` must not
/// create a second person then).
pub fn archived_by_name(conn: &Connection, who: &str) -> Result<Vec<String>> {
    let steps = match_steps(who.trim());
    Ok(archived_closer(conn, &steps, steps.len())?
        .into_iter()
        .map(|(_, handle, _)| handle)
        .collect())
}

/// Active (or archived) contacts as WHO matching reads them.
fn names(conn: &Connection, archived: bool) -> Result<Vec<Person>> {
    let sql = if archived {
        "SELECT id, handle, name FROM contacts WHERE archived_at IS NOT NULL ORDER BY handle"
    } else {
        "SELECT id, handle, name FROM contacts WHERE archived_at IS NULL ORDER BY handle"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Exit 3 listing the candidates (handle and name), archived ones marked `(archived)`.
fn ambiguous(who: &str, matches: &[(&Person, bool)]) -> Error {
    let shown = &matches[..matches.len().min(MAX_CANDIDATES)];
    let width = shown
        .iter()
        .map(|((_, handle, _), _)| handle.chars().count())
        .max()
        .unwrap_or(0)
        // Past this, alignment helps no one, and past 65,535 `format!` would panic.
        .min(64);
    let mut details: Vec<String> = shown
        .iter()
        .map(|((_, handle, name), archived)| {
            let mark = if *archived { "  (archived)" } else { "" };
            format!("{handle:<width$}  {name}{mark}")
        })
        .collect();
    if matches.len() > MAX_CANDIDATES {
        details.push(format!("… and {} more", matches.len() - MAX_CANDIDATES));
    }
    Error::not_found(format!("'{who}' matches {} contacts", matches.len()))
        .with_hint("name one by its handle")
        .with_details(details)
}

/// `rel unarchive WHO`: `#ID` or exact handle as usual, else every rule of the resolution order
/// applied to archived contacts only (`rel unarchive newman` finds alex-newman).
pub fn resolve_archived(conn: &Connection, who: &str) -> Result<Contact> {
    let who = who.trim();
    if who.starts_with('#') || contacts::get_by_handle(conn, who)?.is_some() {
        return resolve(conn, who);
    }
    let people = names(conn, true)?;
    for (index, step) in match_steps(who).iter().enumerate() {
        let matches: Vec<&Person> = people.iter().filter(|p| step(p)).collect();
        match matches.as_slice() {
            [] => continue,
            [(id, _, _)] => return contacts::get(conn, *id),
            [_, _, ..] if index == WORD_STEP => continue,
            several => {
                let all: Vec<(&Person, bool)> = several.iter().map(|p| (*p, true)).collect();
                return Err(ambiguous(who, &all));
            }
        }
    }
    Err(
        Error::not_found(format!("no archived contact matches '{who}'"))
            .with_hint("see 'rel list --archived'"),
    )
}

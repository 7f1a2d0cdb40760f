//! Finding the active contacts that already carry a name, case and accents ignored, so
//! `rel add "Mum"` can warn that it made a second Mum.

use super::contacts::fold;
use crate::error::Result;
use rusqlite::Connection;

/// Handles of the active contacts whose name equals `name` once case, accents and runs of
/// spaces are ignored, in handle order.
pub fn active_with_name(conn: &Connection, name: &str) -> Result<Vec<String>> {
    let wanted = normal(name);
    let words: Vec<&str> = wanted
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let candidates = if words.is_empty() {
        // A name of punctuation only has nothing the search index holds: read them all.
        all_active(conn)?
    } else {
        // The search index folds case and accents as `fold` does, so every contact with the
        // same name has every word of it: the index narrows a large journal to a few rows.
        let query = words
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        by_words(conn, &query)?
    };
    let mut handles: Vec<String> = candidates
        .into_iter()
        .filter(|(_, candidate)| normal(candidate) == wanted)
        .map(|(handle, _)| handle)
        .collect();
    handles.sort();
    Ok(handles)
}

fn normal(name: &str) -> String {
    fold(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn by_words(conn: &Connection, query: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.handle, c.name FROM contacts_fts f JOIN contacts c ON c.id = f.rowid
         WHERE contacts_fts MATCH ?1 AND c.archived_at IS NULL",
    )?;
    let rows = stmt.query_map([query], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn all_active(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT handle, name FROM contacts WHERE archived_at IS NULL")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

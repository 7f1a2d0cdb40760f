//! Reading many contacts: `rel list`'s filters and order, row by row, and the handles and tags
//! shell completion offers.

use super::{CONTACT_COLUMNS, Contact, from_row};
use crate::error::Result;
use rusqlite::{Connection, params};

/// Filters and order for `rel list`.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub tag: Option<String>,
    pub org: Option<String>,
    pub archived: Option<bool>,
    pub sort: ListSort,
    /// Flip the whole order.
    pub reverse: bool,
    /// Whose contacts (`--owner`).
    pub owner: crate::db::owner::OwnerFilter,
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListSort {
    #[default]
    Name,
    Last,
    Due,
}

pub fn list(conn: &Connection, query: &ListQuery) -> Result<Vec<Contact>> {
    each_listed(conn, query, |rows| rows.collect())
}

/// Hands the contacts `query` selects, in its order, to `body` as they are read: a listing
/// printed row by row (`rel list` at L, 100k contacts) never holds them all.
pub fn each_listed<R>(
    conn: &Connection,
    query: &ListQuery,
    body: impl FnOnce(&mut dyn Iterator<Item = Result<Contact>>) -> Result<R>,
) -> Result<R> {
    let archived = match query.archived {
        None => "1",
        Some(true) => "c.archived_at IS NOT NULL",
        Some(false) => "c.archived_at IS NULL",
    };
    // Each key ascending; `--reverse` flips every one of them, so the whole order flips.
    let keys: &[&str] = match query.sort {
        ListSort::Name => &["c.name COLLATE NOCASE", "c.handle"],
        // Longest untouched first: never contacted first of all, then the oldest last touch.
        ListSort::Last => &["c.last_touch IS NOT NULL", "c.last_touch", "c.handle"],
        ListSort::Due => &["c.due_at IS NULL", "c.due_at", "c.handle"],
    };
    let direction = if query.reverse { " DESC" } else { "" };
    let order = keys
        .iter()
        .map(|key| format!("{key}{direction}"))
        .collect::<Vec<_>>()
        .join(", ");
    let limit = query.limit.map_or(-1, |n| n as i64);
    // No LIMIT clause at all without --limit: any LIMIT, even -1, makes SQLite order the rows
    // through a temporary B-tree, one balanced insert per row (44% of `rel list` at L),
    // instead of its merge sorter. ?3 stays bound either way (?4 comes after it).
    let limit_clause = if query.limit.is_some() {
        "LIMIT ?3"
    } else {
        ""
    };
    let owner = query.owner.sql(4);
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts c
         WHERE {archived}
           AND (?1 IS NULL OR EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = ?1))
           AND (?2 IS NULL OR instr(lower(c.org), lower(?2)) > 0)
           AND {owner}
         ORDER BY {order} {limit_clause}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt
        .query_map(
            params![query.tag, query.org, limit, query.owner.bound()],
            from_row,
        )?
        .map(|row| row.map_err(Into::into));
    body(&mut rows)
}

/// Every handle (for shell completion), archived ones included.
pub fn all_handles(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT handle, name FROM contacts ORDER BY handle")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Archived contacts' handles and names (completion after `rel unarchive`).
pub fn archived_handles(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT handle, name FROM contacts WHERE archived_at IS NOT NULL ORDER BY handle",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every tag in use (for shell completion and hints).
pub fn all_tags(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT tag FROM contact_tags ORDER BY tag")?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

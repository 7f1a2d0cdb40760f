//! What `rel intro` reads: the links around a set of contacts (shared interactions and `via`),
//! one query per level of the search (never one per contact), and your own standing with
//! contacts (your touches: in a team, the ones this member logged).

use crate::error::Result;
use rusqlite::{Connection, params};

/// Two years, the window a link's strength counts.
pub const WINDOW: i64 = 2 * 365 * 86_400;

/// A link between two contacts, seen from `from`.
#[derive(Debug, Clone, Default)]
pub struct Link {
    pub from: i64,
    pub to: i64,
    /// Interactions they shared, ever.
    pub shared: i64,
    /// The latest of them.
    pub last: Option<i64>,
    /// The shared interactions of the last two years, each weighted by recency (1 today,
    /// falling to 0 at two years).
    pub recent: f64,
    /// One introduced the other.
    pub via: bool,
}

/// Shared interactions between each of ?1 (JSON array of ids) and anyone else: ?2 = now.
pub const SHARED_SQL: &str = "SELECT ic1.contact_id, ic2.contact_id, count(*), max(i.at),
        total(CASE WHEN i.at > ?2 - 63072000 THEN 1.0 - (?2 - min(i.at, ?2)) / 63072000.0 ELSE 0 END)
     FROM interaction_contacts ic1
     JOIN interaction_contacts ic2 ON ic2.interaction_id = ic1.interaction_id
                                  AND ic2.contact_id != ic1.contact_id
     JOIN interactions i ON i.id = ic1.interaction_id
     WHERE ic1.contact_id IN (SELECT value FROM json_each(?1))
     GROUP BY ic1.contact_id, ic2.contact_id";

/// `via` links touching ?1 (either side), through `contacts_via` and the primary key.
pub const VIA_SQL: &str = "SELECT c.via_id, c.id FROM contacts c
     WHERE c.via_id IN (SELECT value FROM json_each(?1))
     UNION
     SELECT c.id, c.via_id FROM contacts c
     WHERE c.id IN (SELECT value FROM json_each(?1)) AND c.via_id IS NOT NULL";

/// Every link of the contacts `ids`.
pub fn links(conn: &Connection, ids: &[i64], now: i64) -> Result<Vec<Link>> {
    let ids = serde_json::to_string(ids)?;
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(SHARED_SQL)?;
    let rows = stmt.query_map(params![ids, now], |row| {
        Ok(Link {
            from: row.get(0)?,
            to: row.get(1)?,
            shared: row.get(2)?,
            last: row.get(3)?,
            recent: row.get(4)?,
            via: false,
        })
    })?;
    for row in rows {
        out.push(row?);
    }
    let mut stmt = conn.prepare_cached(VIA_SQL)?;
    let rows = stmt.query_map(params![ids], |row| {
        Ok(Link {
            from: row.get(0)?,
            to: row.get(1)?,
            via: true,
            ..Link::default()
        })
    })?;
    for row in rows {
        out.push(row?);
    }
    Ok(out)
}

/// A contact as a path shows it.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub archived: bool,
    /// Who introduced them (a contact id).
    pub via: Option<i64>,
    pub owner: Option<String>,
    pub trust: i64,
    /// You have touched them at least once (a path may start with them).
    pub touched: bool,
}

/// The contacts ?1 (JSON array of ids), each one row read by its key: ?2 is the member whose
/// touches are yours, or NULL for every touch, when `last_touch` (kept on every write) says it.
/// Counting everyone's touches here read every interaction of the few hundred people around
/// a target (9.5k pages at L for 350 people); only the paths' first people need that, and
/// only the few that can rank (see [`standing`]).
pub const NODES_SQL: &str = "SELECT c.id, c.handle, c.name, c.archived_at IS NOT NULL, c.via_id,
        c.owner, c.reith_trust,
        CASE WHEN ?2 IS NULL THEN c.last_touch IS NOT NULL
             ELSE EXISTS (SELECT 1 FROM interaction_contacts ic
                          JOIN interactions i ON i.id = ic.interaction_id
                          WHERE ic.contact_id = c.id AND i.author = ?2) END
     FROM contacts c
     WHERE c.id IN (SELECT value FROM json_each(?1))";

pub fn nodes(conn: &Connection, ids: &[i64], me: Option<&str>) -> Result<Vec<Node>> {
    let ids = serde_json::to_string(ids)?;
    let mut stmt = conn.prepare_cached(NODES_SQL)?;
    let rows = stmt.query_map(params![ids, me], |row| {
        Ok(Node {
            id: row.get(0)?,
            handle: row.get(1)?,
            name: row.get(2)?,
            archived: row.get(3)?,
            via: row.get(4)?,
            owner: row.get(5)?,
            trust: row.get(6)?,
            touched: row.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Your standing with a contact: your touches with them.
#[derive(Debug, Clone, Copy)]
pub struct Standing {
    pub id: i64,
    /// Your touches with them in the last year.
    pub touches_last_year: i64,
    /// Your touches of the last two years weighted by recency (as a link's).
    pub recency: f64,
}

/// The contacts ?1 with your touches (?2 now, ?3 the member whose touches are yours, or NULL
/// for every touch): one pass over each one's touches, in contact id order.
pub const STANDING_SQL: &str = "SELECT c.id, count(CASE WHEN i.at > ?2 - 31536000 THEN 1 END),
        total(CASE WHEN i.at > ?2 - 63072000 THEN 1.0 - (?2 - min(i.at, ?2)) / 63072000.0 END)
     FROM contacts c
     LEFT JOIN interaction_contacts ic ON ic.contact_id = c.id
     LEFT JOIN interactions i ON i.id = ic.interaction_id AND (?3 IS NULL OR i.author = ?3)
     WHERE c.id IN (SELECT value FROM json_each(?1))
     GROUP BY c.id";

pub fn standing(
    conn: &Connection,
    ids: &[i64],
    now: i64,
    me: Option<&str>,
) -> Result<Vec<Standing>> {
    let ids = serde_json::to_string(ids)?;
    let mut stmt = conn.prepare_cached(STANDING_SQL)?;
    let rows = stmt.query_map(params![ids, now, me], |row| {
        Ok(Standing {
            id: row.get(0)?,
            touches_last_year: row.get(1)?,
            recency: row.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

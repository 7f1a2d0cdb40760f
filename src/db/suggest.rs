//! What `rel suggest` reads: the contacts that may be suggested at all (the contract's
//! exclusions, stated once in SQL), each with its touches; the introducers (`via`) for
//! `thanks`; and the dismissal column `rel suggest dismiss` writes.
//!
//! Why the history is read in interaction order: at L (100k contacts, 1M interactions) the
//! candidates' touches are ~550k rows of `interactions`. Read contact by contact, each is a
//! random rowid lookup into a 350 MB table through SQLite's 2 MB cache (646k page reads, 1.6 s);
//! read as two sequential scans merged on the interaction id (`interactions` by rowid,
//! `interaction_contacts` by its primary key), every page is read once. The candidates are
//! loaded first (their exclusions need no history), so the scans keep only their touches,
//! 16 bytes each.

use super::owner::OwnerFilter;
use crate::error::Result;
use crate::model::CHANNELS;
use rusqlite::{Connection, params};

/// One touch of a candidate, as the rules read it.
#[derive(Debug, Clone, Copy)]
pub struct Touch {
    pub at: i64,
    /// Index into `CHANNELS` (an unknown spelling, which no writer lets in, reads as `other`).
    channel: u8,
    /// REITH marks in `Trait::ALL` order: +1 shown, -1 strained, 0 unmarked.
    pub marks: [i8; 5],
}

impl Touch {
    pub fn channel(&self) -> &'static str {
        CHANNELS[usize::from(self.channel)]
    }
}

const OTHER: u8 = CHANNELS.len() as u8 - 1;

fn channel_code(name: &str) -> u8 {
    CHANNELS
        .iter()
        .position(|c| *c == name)
        .map_or(OTHER, |i| i as u8)
}

/// A contact that may be suggested, with every touch (in time order).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub handle: String,
    pub name: String,
    /// Its own cadence (None: it inherits from tags or `default-every`).
    pub every: Option<String>,
    /// The effective cadence (own, tag or default).
    pub due_every: Option<String>,
    pub last_touch: Option<i64>,
    pub key_account: bool,
    pub owner: Option<String>,
    pub touches: Vec<Touch>,
}

/// Who may be suggested today: the bounds every exclusion is tested against.
#[derive(Clone)]
pub struct Scope<'a> {
    pub now: i64,
    /// The first instant of tomorrow: a contact or follow-up due before it is in today's due.
    pub end_of_today: i64,
    /// Today's birthday keys (`MM-DD`, JSON array): a birthday today is a row of today's due.
    pub birthdays_today: String,
    pub owner: &'a OwnerFilter,
    /// Latest allowed last touch (now − 3 days for repair, now − 14 days for the rest).
    pub touched_before: i64,
}

/// The exclusions of the contract that need no history, on contacts `c`. Parameters: ?1 now,
/// ?2 end of today, ?3 today's birthday keys, ?4 the owner filter's value.
fn eligible(owner: &OwnerFilter) -> String {
    format!(
        "c.archived_at IS NULL
         AND (c.every IS NULL OR c.every != 'never')
         AND (c.due_at IS NULL OR c.due_at >= ?2)
         AND (c.dismissed_until IS NULL OR c.dismissed_until <= ?1)
         AND (c.snoozed_until IS NULL OR c.snoozed_until <= ?1)
         AND (c.birthday IS NULL OR substr(c.birthday, -5) NOT IN (SELECT value FROM json_each(?3)))
         AND NOT EXISTS (SELECT 1 FROM followups f
                         WHERE f.contact_id = c.id AND f.done_at IS NULL AND f.due_at < ?2)
         AND {}",
        owner.sql(4)
    )
}

/// The candidates, without their touches, in id order (?5: latest allowed last touch).
pub fn candidates_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT c.id, c.handle, c.name, c.every, c.due_every, c.last_touch,
            EXISTS (SELECT 1 FROM contact_tags t WHERE t.contact_id = c.id AND t.tag = 'key-account'),
            c.owner
         FROM contacts c
         WHERE c.last_touch IS NOT NULL AND c.last_touch <= ?5 AND {}
         ORDER BY c.id",
        eligible(owner)
    )
}

/// Who took part in what, in the primary key's order (no sort, no lookup).
pub const PARTICIPANTS_SQL: &str = "SELECT interaction_id, contact_id FROM interaction_contacts ORDER BY interaction_id, contact_id";
/// Every interaction's facts, in rowid order (a sequential scan).
pub const TOUCHES_SQL: &str = "SELECT id, at, channel, respect, empathy, integrity, trust, honesty
     FROM interactions ORDER BY id";

/// Runs the candidates query, handing each row to `each`.
fn query_candidates(
    conn: &Connection,
    scope: &Scope,
    mut each: impl FnMut(&rusqlite::Row) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&candidates_sql(scope.owner))?;
    let mut rows = stmt.query(params![
        scope.now,
        scope.end_of_today,
        scope.birthdays_today,
        scope.owner.bound(),
        scope.touched_before
    ])?;
    while let Some(row) = rows.next()? {
        each(row)?;
    }
    Ok(())
}

/// The interactions, read forward once: `touch(id)` answers for any id at or after the last one
/// asked, stepping past the rows nobody asked for.
struct Touches<'s> {
    rows: rusqlite::Rows<'s>,
    current: Option<(i64, Touch)>,
}

impl Touches<'_> {
    fn touch(&mut self, id: i64) -> Result<Option<Touch>> {
        while self.current.is_none_or(|(at_id, _)| at_id < id) {
            let Some(row) = self.rows.next()? else {
                self.current = None;
                return Ok(None);
            };
            let row_id: i64 = row.get(0)?;
            if row_id < id {
                continue;
            }
            let channel = row.get_ref(2)?.as_str().map_or(OTHER, channel_code);
            let mark =
                |i: usize| -> rusqlite::Result<i8> { Ok(row.get::<_, i64>(i)?.signum() as i8) };
            self.current = Some((
                row_id,
                Touch {
                    at: row.get(1)?,
                    channel,
                    marks: [mark(3)?, mark(4)?, mark(5)?, mark(6)?, mark(7)?],
                },
            ));
        }
        Ok(self
            .current
            .filter(|(at_id, _)| *at_id == id)
            .map(|(_, t)| t))
    }
}

/// Which candidate a contact id is, answered in one step: a table indexed by id when the ids
/// are dense enough (at L, 1.5M lookups by binary search were a tenth of the run), else a map.
enum Slots {
    Dense { first: i64, slot: Vec<u32> },
    Sparse(std::collections::HashMap<i64, u32>),
}

impl Slots {
    fn new(ids: &[i64]) -> Slots {
        let (first, last) = (ids[0], ids[ids.len() - 1]);
        let span = last.saturating_sub(first).saturating_add(1);
        // At most 4 MB of table, or 8 entries per candidate.
        let dense_limit = (ids.len() as i64).saturating_mul(8).max(1 << 20);
        if span > dense_limit {
            return Slots::Sparse(
                ids.iter()
                    .enumerate()
                    .map(|(k, id)| (*id, k as u32))
                    .collect(),
            );
        }
        let mut slot = vec![u32::MAX; span as usize];
        for (k, id) in ids.iter().enumerate() {
            slot[(id - first) as usize] = k as u32;
        }
        Slots::Dense { first, slot }
    }

    fn of(&self, id: i64) -> Option<usize> {
        match self {
            Slots::Dense { first, slot } => {
                let index = usize::try_from(id.checked_sub(*first)?).ok()?;
                slot.get(index)
                    .filter(|k| **k != u32::MAX)
                    .map(|k| *k as usize)
            }
            Slots::Sparse(map) => map.get(&id).map(|k| *k as usize),
        }
    }
}

/// How many touches each contact has, in contact order (the covering index, no table read).
pub const COUNTS_SQL: &str =
    "SELECT contact_id, count(*) FROM interaction_contacts GROUP BY contact_id ORDER BY contact_id";

/// The candidates' touches in one allocation of the exact size: the k-th candidate (of `ids`)
/// owns `touches[start[k]..fill[k][0]]`, sorted by time. A vector per candidate cost ~10 MB more
/// at L (an allocation each, and up to half of each left empty by doubling).
struct History {
    slots: Slots,
    start: Vec<u32>,
    /// Where the next touch of candidate k goes, and where its room ends (side by side: one
    /// cache line per participant row, read in no useful order).
    fill: Vec<[u32; 2]>,
    touches: Vec<Touch>,
}

impl History {
    fn read(conn: &Connection, ids: Vec<i64>) -> Result<History> {
        let slots = Slots::new(&ids);
        let start = Self::offsets(conn, &slots, ids.len())?;
        let mut fill: Vec<[u32; 2]> = start.windows(2).map(|w| [w[0], w[1]]).collect();
        let empty = Touch {
            at: 0,
            channel: 0,
            marks: [0; 5],
        };
        let mut touches = vec![empty; start.last().copied().unwrap_or(0) as usize];
        let mut participants = conn.prepare(PARTICIPANTS_SQL)?;
        let mut participants = participants.query([])?;
        let mut interactions = conn.prepare(TOUCHES_SQL)?;
        let mut scan = Touches {
            rows: interactions.query([])?,
            current: None,
        };
        while let Some(row) = participants.next()? {
            let Some(k) = slots.of(row.get(1)?) else {
                continue;
            };
            // Counted in the same snapshot, so never full; checked all the same.
            let [next, limit] = &mut fill[k];
            if *next < *limit
                && let Some(touch) = scan.touch(row.get(0)?)?
            {
                touches[*next as usize] = touch;
                *next += 1;
            }
        }
        let history = History {
            slots,
            start,
            fill,
            touches,
        };
        Ok(history)
    }

    /// `start[k]` for every candidate and the total at the end.
    fn offsets(conn: &Connection, slots: &Slots, candidates: usize) -> Result<Vec<u32>> {
        let mut counts = vec![0u32; candidates];
        let mut stmt = conn.prepare(COUNTS_SQL)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            if let Some(k) = slots.of(row.get(0)?) {
                counts[k] = row.get(1)?;
            }
        }
        let mut start = Vec::with_capacity(candidates + 1);
        let mut total = 0u32;
        start.push(0);
        for count in counts {
            total = total.saturating_add(count);
            start.push(total);
        }
        Ok(start)
    }

    /// The touches of candidate `id`, in time order (ties in interaction order, as logged).
    fn of(&mut self, id: i64) -> Vec<Touch> {
        let Some(k) = self.slots.of(id) else {
            return Vec::new();
        };
        let mine = &mut self.touches[self.start[k] as usize..self.fill[k][0] as usize];
        mine.sort_by_key(|t| t.at);
        mine.to_vec()
    }
}

/// Calls `visit` once per candidate that has touches, in id order. Call it inside a read
/// transaction (`Db::snapshot`).
pub fn each_candidate(
    conn: &Connection,
    scope: &Scope,
    mut visit: impl FnMut(Candidate) -> Result<()>,
) -> Result<()> {
    // The candidates, their counts and their touches are read in the caller's snapshot
    // (`Db::snapshot`), so the two passes over the candidates see the same rows.
    debug_assert!(
        !conn.is_autocommit(),
        "each_candidate runs inside a read transaction"
    );
    let mut ids = Vec::new();
    query_candidates(conn, scope, |row| {
        ids.push(row.get(0)?);
        Ok(())
    })?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut history = History::read(conn, ids)?;
    // The candidates again, now with their text: held one at a time instead of all 30k at L.
    query_candidates(conn, scope, |row| {
        let touches = history.of(row.get(0)?);
        if touches.is_empty() {
            return Ok(());
        }
        visit(Candidate {
            id: row.get(0)?,
            handle: row.get(1)?,
            name: row.get(2)?,
            every: row.get(3)?,
            due_every: row.get(4)?,
            last_touch: row.get(5)?,
            key_account: row.get(6)?,
            owner: row.get(7)?,
            touches,
        })
    })?;
    Ok(())
}

/// A contact who introduced at least 2 others, the latest after your latest touch with them.
#[derive(Debug, Clone)]
pub struct Introducer {
    pub handle: String,
    pub name: String,
    pub last_touch: Option<i64>,
    /// The handles they introduced, latest first.
    pub introduced: Vec<String>,
    /// When the latest of them was added.
    pub latest: i64,
    pub owner: Option<String>,
}

/// Introducers (?5: latest allowed last touch), through the `contacts_via` index.
pub fn introducers_sql(owner: &OwnerFilter) -> String {
    format!(
        "SELECT c.handle, c.name, c.last_touch, v.handles, v.latest, c.owner
         FROM (SELECT via_id, count(*) AS n, max(created_at) AS latest,
                      json_group_array(handle) AS handles
               FROM (SELECT via_id, created_at, handle FROM contacts
                     WHERE via_id IS NOT NULL ORDER BY via_id, created_at DESC, handle)
               GROUP BY via_id HAVING count(*) >= 2) v
         JOIN contacts c ON c.id = v.via_id
         WHERE (c.last_touch IS NULL OR (c.last_touch <= ?5 AND c.last_touch < v.latest))
           AND {}",
        eligible(owner)
    )
}

pub fn introducers(conn: &Connection, scope: &Scope) -> Result<Vec<Introducer>> {
    let mut stmt = conn.prepare(&introducers_sql(scope.owner))?;
    let rows = stmt.query_map(
        params![
            scope.now,
            scope.end_of_today,
            scope.birthdays_today,
            scope.owner.bound(),
            scope.touched_before
        ],
        |row| {
            let handles: String = row.get(3)?;
            Ok(Introducer {
                handle: row.get(0)?,
                name: row.get(1)?,
                last_touch: row.get(2)?,
                introduced: serde_json::from_str(&handles).unwrap_or_default(),
                latest: row.get(4)?,
                owner: row.get(5)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hides a contact's suggestions until `until` (None: shows them again).
pub fn set_dismissed(conn: &Connection, id: i64, until: Option<i64>) -> Result<()> {
    conn.execute(
        "UPDATE contacts SET dismissed_until = ?2 WHERE id = ?1",
        params![id, until],
    )?;
    Ok(())
}

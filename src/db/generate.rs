//! Deterministic benchmark data written straight through rel's schema: contacts, interactions
//! and follow-ups in one transaction with prepared statements, then every maintained column
//! set in bulk by `upkeep::refresh_all`. Used by `rel-bench gen`; the same seed always gives
//! the same database (uids included), so benchmark runs compare like with like.

use super::contacts::slug;
use super::{Db, settings, upkeep};
use crate::error::Result;
use rusqlite::{Transaction, params};
use std::collections::HashMap;

const DAY: i64 = 86_400;
const YEAR: i64 = 365 * DAY;

/// How much to generate, from which seed, relative to which fixed "now" (Unix seconds).
#[derive(Debug, Clone)]
pub struct Spec {
    pub contacts: usize,
    pub interactions: usize,
    pub seed: u64,
    pub now: i64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub contacts: usize,
    pub interactions: usize,
    pub followups: usize,
}

const FIRST: &[&str] = &[
    "Maria", "José", "Anna", "Liam", "Noah", "Emma", "Olivia", "Ava", "Lucas", "Mia", "Amélie",
    "Jonas", "Sofia", "Mateo", "Chloé", "Yusuf", "Aisha", "Kenji", "Priya", "Oskar", "Ingrid",
    "Tomás", "Zoë", "Hugo", "Léa", "Nadia", "Omar", "Elif", "Sven", "Marta", "Rui", "Hana",
    "Dmitri", "Fatima", "Pablo", "Greta", "Ivan", "Lena", "Arjun", "Chiara",
];
const LAST: &[&str] = &[
    "Lopez",
    "Müller",
    "Smith",
    "Nguyen",
    "Kowalski",
    "Rossi",
    "García",
    "Silva",
    "Tanaka",
    "Johansson",
    "Dubois",
    "Novak",
    "Okafor",
    "Haddad",
    "Yılmaz",
    "Petrov",
    "Larsen",
    "Costa",
    "Schmidt",
    "Fernández",
    "Ivanova",
    "Kim",
    "Chen",
    "Patel",
    "O'Brien",
    "van Dijk",
    "Moreau",
    "Bauer",
    "Santos",
    "Andersson",
    "Nowak",
    "Ricci",
    "Horvat",
    "Popescu",
    "Berg",
    "Sato",
    "Mendes",
    "Wójcik",
    "Keller",
    "Rahman",
];
const ORGS: &[&str] = &[
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Wonka",
];
const TAGS: &[&str] = &[
    "family",
    "friend",
    "work",
    "client",
    "mentor",
    "neighbour",
    "climbing",
    "school",
];
/// Own cadences, weighted towards the common ones.
const CADENCES: &[&str] = &["1w", "2w", "2w", "1m", "1m", "1m", "3m", "3m", "6m", "1y"];
const CHANNELS: &[&str] = &[
    "message", "message", "message", "email", "email", "call", "call", "meeting", "meeting",
    "visit", "event", "social", "other",
];
const WORDS: &[&str] = &[
    "talked",
    "about",
    "the",
    "renewal",
    "project",
    "coffee",
    "kids",
    "school",
    "move",
    "new",
    "job",
    "offer",
    "budget",
    "trip",
    "Lisbon",
    "conference",
    "birthday",
    "dinner",
    "plans",
    "garden",
    "climbing",
    "gym",
    "book",
    "recommended",
    "podcast",
    "health",
    "doctor",
    "promised",
    "to",
    "send",
    "intro",
    "contract",
    "deadline",
    "feedback",
    "laughed",
    "worried",
    "excited",
    "house",
    "wedding",
    "moving",
    "quarter",
    "launch",
    "team",
    "hiring",
    "mentor",
    "advice",
    "called",
    "back",
    "late",
    "apologised",
    "thanked",
    "me",
    "for",
    "help",
    "with",
    "and",
    "a",
    "long",
    "walk",
    "weekend",
    "holiday",
    "paper",
    "review",
    "grant",
    "funding",
    "startup",
];

/// SplitMix64: tiny, fast and fully determined by its seed (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low).max(1) as u64) as i64
    }
    /// A UUIDv7 for an instant, its random bits from this generator.
    fn uid(&mut self, at: i64) -> String {
        let mut bytes = [0u8; 10];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes()[..2]);
        let millis = (at.max(0) as u64) * 1000 + self.below(1000);
        uuid::Builder::from_unix_timestamp_millis(millis, &bytes)
            .into_uuid()
            .to_string()
    }
    /// Words from the list until the text is between `low` and `high` characters long.
    fn note(&mut self, low: usize, high: usize) -> String {
        let target = low + self.below((high - low) as u64 + 1) as usize;
        let mut text = String::with_capacity(target + 16);
        loop {
            let word = self.pick(WORDS);
            let extra = word.len() + usize::from(!text.is_empty());
            if text.len() + extra > high || (text.len() >= target && text.len() >= low) {
                break;
            }
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
        text
    }
}

/// Writes `spec` into a freshly created (migrated, empty) database in one transaction.
pub fn generate(db: &mut Db, spec: &Spec) -> Result<Summary> {
    // A large page cache for the bulk load only; it is not persistent.
    db.conn().execute_batch("PRAGMA cache_size = -262144")?;
    db.write(|tx| write_all(tx, spec))
}

fn write_all(tx: &Transaction, spec: &Spec) -> Result<Summary> {
    let mut rng = Rng(spec.seed);
    settings::set(tx, "every.client", "2w")?;
    let reachable = insert_contacts(tx, spec, &mut rng)?;
    let followups = insert_interactions(tx, spec, &reachable, &mut rng)?;
    upkeep::refresh_all(tx)?;
    Ok(Summary {
        contacts: spec.contacts,
        interactions: spec.interactions,
        followups,
    })
}

/// Inserts the contacts; returns the ids of those that have interactions (nine in ten).
fn insert_contacts(tx: &Transaction, spec: &Spec, rng: &mut Rng) -> Result<Vec<i64>> {
    let mut contact = tx.prepare(
        "INSERT INTO contacts (uid, handle, name, org, every, via_id, created_at, archived_at, snoozed_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut tag =
        tx.prepare("INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?1, ?2)")?;
    let mut email = tx.prepare("INSERT INTO contact_emails (contact_id, email) VALUES (?1, ?2)")?;
    let mut next_suffix: HashMap<String, u32> = HashMap::new();
    let mut reachable = Vec::with_capacity(spec.contacts);
    for index in 0..spec.contacts {
        let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
        let handle = unique(&mut next_suffix, slug(&name));
        let never_contacted = rng.chance(10);
        let created_at = if never_contacted {
            spec.now - rng.range(0, 2 * YEAR)
        } else {
            spec.now - 10 * YEAR - rng.range(0, YEAR)
        };
        let every = match rng.below(100) {
            0..=74 => Some(rng.pick(CADENCES)),
            75..=79 => Some("never"),
            _ => None,
        };
        let org = rng.chance(60).then(|| rng.pick(ORGS));
        let via = (index > 0 && rng.chance(10)).then(|| rng.below(index as u64) as i64 + 1);
        let archived = rng.chance(3).then(|| spec.now - rng.range(DAY, 2 * YEAR));
        let snoozed = rng.chance(1).then(|| spec.now + rng.range(DAY, 30 * DAY));
        let uid = rng.uid(created_at);
        contact.execute(params![
            uid, handle, name, org, every, via, created_at, archived, snoozed
        ])?;
        let id = tx.last_insert_rowid();
        for _ in 0..rng.below(3) {
            tag.execute(params![id, rng.pick(TAGS)])?;
        }
        if rng.chance(70) {
            email.execute(params![id, format!("{handle}@example.com")])?;
        }
        if !never_contacted {
            reachable.push(id);
        }
    }
    Ok(reachable)
}

/// `base`, `base-2`, `base-3`… as `contacts::unique_handle` would choose, without a query each.
fn unique(next_suffix: &mut HashMap<String, u32>, base: String) -> String {
    match next_suffix.get_mut(&base) {
        Some(n) => {
            *n += 1;
            format!("{base}-{n}")
        }
        None => {
            next_suffix.insert(base.clone(), 1);
            base
        }
    }
}

/// Inserts the interactions (oldest first, so ids follow time) and their follow-ups.
fn insert_interactions(
    tx: &Transaction,
    spec: &Spec,
    reachable: &[i64],
    rng: &mut Rng,
) -> Result<usize> {
    if reachable.is_empty() {
        return Ok(0);
    }
    let mut times: Vec<i64> = (0..spec.interactions)
        .map(|_| spec.now - rng.range(60, 10 * YEAR))
        .collect();
    times.sort_unstable();
    let mut interaction = tx.prepare(
        "INSERT INTO interactions (uid, at, channel, note, respect, empathy, integrity, trust, honesty, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut participant = tx.prepare(
        "INSERT OR IGNORE INTO interaction_contacts (interaction_id, contact_id, position) VALUES (?1, ?2, ?3)",
    )?;
    let mut followup = tx.prepare(
        "INSERT INTO followups (uid, contact_id, interaction_id, due_at, text, done_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut followups = 0;
    for at in times {
        let mut marks = [0i64; 5];
        if rng.chance(25) {
            for _ in 0..=rng.below(2) {
                marks[rng.below(5) as usize] = if rng.chance(85) { 1 } else { -1 };
            }
        }
        let uid = rng.uid(at);
        let note = rng.note(50, 500);
        let logged_at = at + rng.range(0, 3600);
        interaction.execute(params![
            uid,
            at,
            rng.pick(CHANNELS),
            note,
            marks[0],
            marks[1],
            marks[2],
            marks[3],
            marks[4],
            logged_at
        ])?;
        let id = tx.last_insert_rowid();
        let people = match rng.below(10) {
            0..=5 => 1,
            6..=8 => 2,
            _ => 3,
        };
        let first = reachable[rng.below(reachable.len() as u64) as usize];
        participant.execute(params![id, first, 0])?;
        for position in 1..people {
            let other = reachable[rng.below(reachable.len() as u64) as usize];
            participant.execute(params![id, other, position])?;
        }
        if rng.chance(4) {
            let due_at = at + rng.range(DAY, 30 * DAY);
            let done_at = (due_at < spec.now - 14 * DAY && rng.chance(90))
                .then(|| due_at + rng.range(0, 3 * DAY));
            let text = format!("follow up: {}", rng.note(10, 60));
            let uid = rng.uid(logged_at);
            followup.execute(params![uid, first, id, due_at, text, done_at, logged_at])?;
            followups += 1;
        }
    }
    Ok(followups)
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;

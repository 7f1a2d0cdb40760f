//! `rel accounts` (organisations rolled up: who is there, the last touch with anyone,
//! single-threaded and key accounts, owners in a team) and `rel account ORG` (one card, in
//! `card`).

mod card;

pub use card::card;
pub(super) use card::resolve;

use super::Ctx;
use crate::cli::{AccountSort, AccountsArgs};
use crate::db::accounts::{self, Person};
use crate::db::contacts::fold;
use crate::db::owner::OwnerFilter;
use crate::error::Result;
use crate::model::Reith;
use crate::output::{Cap, ListRow, Listing, Tone, relative, rfc3339_opt};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// "Touched lately": a touch in the last 90 days.
const RECENT_DAYS: i64 = 90;

/// One organisation rolled up.
pub struct Account {
    /// As most of its people spell it (ties: the first in sort order).
    pub org: String,
    pub people: Vec<Person>,
    pub touched_90d: usize,
    pub last_touch: Option<i64>,
    pub next_due: Option<i64>,
    pub key: bool,
    pub single_threaded: bool,
    pub reith: Reith,
    pub owners: Vec<String>,
}

/// Groups people by organisation, case and accents ignored.
pub fn roll_up(people: Vec<Person>, now: i64) -> Vec<Account> {
    let mut groups: BTreeMap<String, Vec<Person>> = BTreeMap::new();
    for person in people {
        groups.entry(fold(&person.org)).or_default().push(person);
    }
    groups
        .into_values()
        .map(|people| account(people, now))
        .collect()
}

fn account(people: Vec<Person>, now: i64) -> Account {
    let mut spellings: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &people {
        *spellings.entry(p.org.as_str()).or_default() += 1;
    }
    let most = spellings.values().copied().max().unwrap_or(0);
    let org = spellings
        .iter()
        .find(|(_, n)| **n == most)
        .map(|(s, _)| s.to_string())
        .unwrap_or_default();
    let since = now - RECENT_DAYS * 86_400;
    let touched_90d = people
        .iter()
        .filter(|p| p.last_touch.is_some_and(|t| t >= since))
        .count();
    let key = people.iter().any(|p| p.key_account);
    let mut reith = Reith::default();
    for p in &people {
        reith.respect += p.reith.respect;
        reith.empathy += p.reith.empathy;
        reith.integrity += p.reith.integrity;
        reith.trust += p.reith.trust;
        reith.honesty += p.reith.honesty;
    }
    let owners: BTreeSet<String> = people.iter().filter_map(|p| p.owner.clone()).collect();
    Account {
        org,
        touched_90d,
        last_touch: people.iter().filter_map(|p| p.last_touch).max(),
        next_due: people.iter().filter_map(|p| p.due_at).min(),
        key,
        single_threaded: (people.len() >= 2 || key) && touched_90d <= 1,
        reith,
        owners: owners.into_iter().collect(),
        people,
    }
}

pub fn list(ctx: &Ctx, args: AccountsArgs) -> Result<()> {
    let tag = args.tag.as_deref().map(|t| t.trim().to_lowercase());
    let db = ctx.open()?;
    let now = ctx.now_unix();
    let people = accounts::people(db.conn(), tag.as_deref(), None, &OwnerFilter::Anyone)?;
    let mut all: Vec<Account> = roll_up(people, now)
        .into_iter()
        .filter(|a| tag.is_none() || a.people.iter().any(|p| p.tagged))
        .collect();
    let name = |a: &Account| fold(&a.org);
    match args.sort {
        AccountSort::Due => all.sort_by_cached_key(|a| (a.next_due.is_none(), a.next_due, name(a))),
        // Never touched first of all, then the longest untouched.
        AccountSort::Last => {
            all.sort_by_cached_key(|a| (a.last_touch.is_some(), a.last_touch, name(a)))
        }
        AccountSort::Name => all.sort_by_cached_key(name),
    }
    let cap = Cap::new(ctx.out.format, args.limit);
    let more = cap.apply(&mut all);
    let team = crate::sync::settings::member(db.conn())?.is_some();
    let rows = all
        .iter()
        .map(|a| {
            ListRow::build(
                ctx.out.format,
                || account_json(a, false),
                || plain(a),
                || pretty(a, now, team),
            )
        })
        .collect();
    let mut listing = Listing::new(&HEADERS, rows);
    // A team's table adds who owns each organisation, last.
    let columns = if team {
        TABLE_HEADERS.len()
    } else {
        TABLE_HEADERS.len() - 1
    };
    listing.table_headers = TABLE_HEADERS[..columns].to_vec();
    listing.more = more;
    ctx.out.list(
        &listing,
        "No organisations yet: give people one with rel edit WHO --org ORG.",
    )
}

const HEADERS: [&str; 10] = [
    "org",
    "people",
    "touched_90d",
    "last_touch",
    "next_due",
    "key",
    "single_threaded",
    "trust",
    "net_reith",
    "owners",
];
const TABLE_HEADERS: [&str; 7] = [
    "org",
    "people",
    "touched 90d",
    "last touch",
    "next due",
    "note",
    "owners",
];

fn net(r: &Reith) -> i64 {
    r.respect + r.empathy + r.integrity + r.trust + r.honesty
}

pub fn account_json(a: &Account, card: bool) -> Value {
    let people: Value = if card {
        a.people
            .iter()
            .map(|p| {
                json!({
                    "handle": p.handle,
                    "name": p.name,
                    "role": p.role,
                    "last_touch": rfc3339_opt(p.last_touch),
                    "owner": p.owner,
                })
            })
            .collect()
    } else {
        json!(a.people.len())
    };
    json!({
        "org": a.org,
        "people": people,
        "touched_90d": a.touched_90d,
        "last_touch": rfc3339_opt(a.last_touch),
        "next_due": rfc3339_opt(a.next_due),
        "key": a.key,
        "single_threaded": a.single_threaded,
        "reith": a.reith,
        "owners": a.owners,
    })
}

fn plain(a: &Account) -> Vec<String> {
    let time = |t: Option<i64>| rfc3339_opt(t).as_str().unwrap_or_default().to_string();
    vec![
        a.org.clone(),
        a.people.len().to_string(),
        a.touched_90d.to_string(),
        time(a.last_touch),
        time(a.next_due),
        a.key.to_string(),
        a.single_threaded.to_string(),
        a.reith.trust.to_string(),
        net(&a.reith).to_string(),
        a.owners.join(","),
    ]
}

fn pretty(a: &Account, now: i64, team: bool) -> Vec<(String, Tone)> {
    let mut note = Vec::new();
    if a.key {
        note.push("key");
    }
    if a.single_threaded {
        note.push("single-threaded");
    }
    let tone = if a.single_threaded {
        Tone::Warn
    } else {
        Tone::Plain
    };
    let due_tone = if a.next_due.is_some_and(|d| d <= now) {
        Tone::Alert
    } else {
        Tone::Plain
    };
    let mut row = vec![
        (a.org.clone(), Tone::Plain),
        (a.people.len().to_string(), Tone::Plain),
        (a.touched_90d.to_string(), Tone::Plain),
        (
            a.last_touch.map_or("never".into(), |t| relative(t, now)),
            Tone::Plain,
        ),
        (
            a.next_due.map_or(String::new(), |t| relative(t, now)),
            due_tone,
        ),
        (note.join(", "), tone),
    ];
    if team {
        row.push((a.owners.join(", "), Tone::Plain));
    }
    row
}

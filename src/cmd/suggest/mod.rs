//! `rel suggest`: beyond what is due, whom to reach out to and why (a daily budget of 5), and
//! `rel suggest dismiss WHO` to hide a contact's suggestions for a while.

mod rules;

use self::rules::Suggestion;
use super::Ctx;
use crate::birthday;
use crate::cli::{SuggestAction, SuggestArgs, SuggestDismissArgs, SuggestKind};
use crate::db::owner::OwnerFilter;
use crate::db::suggest::{self, Scope};
use crate::db::who;
use crate::error::{Error, Result};
use crate::output::{Format, ListRow, Listing, Tone, rfc3339};
use crate::when::{Span, local_date, start_of};
use serde_json::{Value, json};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// A daily budget, not a backlog (PingCRM's users ignored more than 5 a day).
const DEFAULT_LIMIT: usize = 5;
const DEFAULT_DISMISS: &str = "30d";

pub fn run(ctx: &Ctx, args: SuggestArgs) -> Result<()> {
    if let Some(SuggestAction::Dismiss(dismiss_args)) = args.action {
        return dismiss(ctx, dismiss_args);
    }
    let db = ctx.open()?;
    let _snapshot = db.snapshot()?;
    let owner = match crate::sync::settings::member(db.conn())? {
        // In a team: what `rel due` shows by default, this member's and unowned contacts.
        Some(me) => OwnerFilter::MemberOrUnowned(me),
        None => OwnerFilter::Anyone,
    };
    let limit = match args.limit {
        Some(0) => usize::MAX,
        Some(n) => n,
        None => DEFAULT_LIMIT,
    };
    let suggestions = gather(db.conn(), ctx, &owner, &args.kinds, limit)?;
    print(ctx, &suggestions, args.why)
}

/// The first `limit` suggestions for today, in the contract's order (one per contact: its
/// first kind).
pub fn gather(
    conn: &rusqlite::Connection,
    ctx: &Ctx,
    owner: &OwnerFilter,
    only: &[SuggestKind],
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let now = ctx.now_unix();
    let today = local_date(ctx.now);
    let tomorrow = today.succ_opt().ok_or_else(crate::when::out_of_range)?;
    let birthdays_today = birthday::keys_between(today, today).unwrap_or_default();
    let mut kinds: Vec<SuggestKind> = if only.is_empty() {
        SuggestKind::ALL.to_vec()
    } else {
        only.to_vec()
    };
    kinds.sort();
    kinds.dedup();
    let scope = Scope {
        now,
        end_of_today: start_of(tomorrow)?.timestamp(),
        birthdays_today: serde_json::to_string(&birthdays_today)?,
        owner,
        touched_before: now - rules::REPAIR_DAYS * 86_400,
    };
    // Introducers first (a few): a contact the history also suggests keeps its first kind.
    let mut thanks: HashMap<String, Suggestion> = HashMap::new();
    if kinds.contains(&SuggestKind::Thanks) {
        // The introducer must not have been touched in the last 14 days either.
        let quiet = Scope {
            touched_before: now - rules::QUIET_DAYS * 86_400,
            ..scope.clone()
        };
        for introducer in suggest::introducers(conn, &quiet)? {
            let s = rules::thanks(&introducer, now);
            thanks.insert(s.handle.clone(), s);
        }
    }
    let from_history: Vec<SuggestKind> = kinds
        .iter()
        .copied()
        .filter(|k| *k != SuggestKind::Thanks)
        .collect();
    // Only the first `limit` are kept while the history streams past (at L, 17,600
    // suggestions with their facts were 25 MB held for the 5 printed).
    let mut best = TopN::new(limit);
    if !from_history.is_empty() {
        suggest::each_candidate(conn, &scope, |candidate| {
            if let Some(s) = rules::first_fit(&candidate, now, &from_history) {
                // Each contact streams past once, so only an introducer can be its rival.
                match thanks.remove(&s.handle) {
                    Some(held) if held.kind <= s.kind => best.offer(held),
                    _ => best.offer(s),
                }
            }
            Ok(())
        })?;
    }
    for s in thanks.into_values() {
        best.offer(s);
    }
    Ok(best.into_sorted())
}

/// The `limit` first suggestions in the contract's order, whatever order they are offered in.
struct TopN {
    limit: usize,
    heap: BinaryHeap<Ranked>,
}

/// A suggestion ordered as the contract lists them (the heap's top is the last one kept).
struct Ranked(Suggestion);

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.order(&other.0)
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

impl TopN {
    fn new(limit: usize) -> TopN {
        TopN {
            limit,
            heap: BinaryHeap::new(),
        }
    }

    fn offer(&mut self, s: Suggestion) {
        if self.limit == 0 {
            return;
        }
        if self.heap.len() < self.limit {
            self.heap.push(Ranked(s));
        } else if self
            .heap
            .peek()
            .is_some_and(|last| s.order(&last.0).is_lt())
        {
            self.heap.pop();
            self.heap.push(Ranked(s));
        }
    }

    fn into_sorted(self) -> Vec<Suggestion> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect()
    }
}

const HEADERS: [&str; 6] = ["kind", "handle", "name", "why", "score", "command"];
const HEADERS_WHY: [&str; 7] = ["kind", "handle", "name", "why", "score", "command", "facts"];
const TABLE_HEADERS: [&str; 3] = ["kind", "who", "why"];

fn print(ctx: &Ctx, suggestions: &[Suggestion], why: bool) -> Result<()> {
    let format = ctx.out.format;
    let mut rows = Vec::new();
    for s in suggestions {
        rows.push(ListRow::build(
            format,
            || row_json(s),
            || row_plain(s, why),
            || row_pretty(s),
        ));
        // A table cell shows a line break escaped, so each fact is a row of its own.
        if why && format == Format::Table {
            for (key, value) in &s.facts {
                rows.push(ListRow {
                    json: Value::Null,
                    plain: Vec::new(),
                    pretty: vec![
                        (String::new(), Tone::Plain),
                        (String::new(), Tone::Plain),
                        (format!("  {key}: {}", fact_text(value)), Tone::Dim),
                    ],
                });
            }
        }
    }
    let headers: &[&'static str] = if why { &HEADERS_WHY } else { &HEADERS };
    let mut listing = Listing::new(headers, rows);
    listing.table_headers = TABLE_HEADERS.to_vec();
    ctx.out.list(
        &listing,
        "No suggestions today. 'rel due' shows what your cadences ask for.",
    )
}

/// A fact as a person reads it: text bare, lists joined, null as `none`.
fn fact_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => "none".to_string(),
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map_or(item.to_string(), str::to_string))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn row_json(s: &Suggestion) -> Value {
    json!({
        "kind": s.kind.name(),
        "handle": s.handle,
        "name": s.name,
        "why": s.why,
        "score": s.score,
        "facts": s.facts,
        "command": s.command,
        "owner": s.owner,
    })
}

fn row_plain(s: &Suggestion, why: bool) -> Vec<String> {
    let mut row = vec![
        s.kind.name().to_string(),
        s.handle.clone(),
        s.name.clone(),
        s.why.clone(),
        s.score.to_string(),
        s.command.clone().unwrap_or_default(),
    ];
    if why {
        row.push(Value::Object(s.facts.clone()).to_string());
    }
    row
}

fn row_pretty(s: &Suggestion) -> Vec<(String, Tone)> {
    let mut text = s.why.clone();
    if let Some(command) = &s.command {
        text.push_str(&format!(" ({command})"));
    }
    let tone = match s.kind {
        SuggestKind::Repair => Tone::Alert,
        _ => Tone::Plain,
    };
    vec![
        (s.kind.name().to_string(), tone),
        (s.handle.clone(), Tone::Plain),
        (text, Tone::Plain),
    ]
}

/// `rel suggest dismiss WHO [--for DURATION]`: a change like any other (it syncs, it undoes).
fn dismiss(ctx: &Ctx, args: SuggestDismissArgs) -> Result<()> {
    let text = args.duration.as_deref().unwrap_or(DEFAULT_DISMISS);
    let span = Span::parse(text)?;
    let until = span
        .shift(ctx.now, true)
        .filter(|at| crate::when::in_range(*at) && *at > ctx.now)
        .ok_or_else(|| Error::usage(format!("--for '{text}' is out of range")))?
        .timestamp();
    let mut db = ctx.open()?;
    let contact = db.write(|tx| {
        let contact = who::resolve(tx, &args.who)?;
        suggest::set_dismissed(tx, contact.id, Some(until))?;
        Ok(contact)
    })?;
    let record = json!({
        "handle": contact.handle,
        "name": contact.name,
        "dismissed_until": rfc3339(until),
    });
    let bare = contact.handle.clone();
    ctx.out.created_or_say(&bare, &record, || {
        format!(
            "no suggestions for {} ({}) until {}",
            contact.name,
            contact.handle,
            crate::output::local_datetime(until)
        )
    })?;
    Ok(())
}

//! `rel due`: follow-ups due, then contacts due, most overdue relative to their cadence first.

use super::Ctx;
use crate::cli::DueArgs;
use crate::db::due::{self, DueItem};
use crate::db::upkeep::CadenceRules;
use crate::error::{Error, Result};
use crate::output::{ListRow, Listing, Tone, first_line, relative, rfc3339, rfc3339_opt};
use crate::when::{Cadence, Span};
use serde_json::json;

const SECONDS_PER_DAY: i64 = 86_400;

pub fn run(ctx: &Ctx, args: DueArgs) -> Result<()> {
    let now = ctx.now_unix();
    let horizon = match &args.within {
        Some(text) => Span::parse(text)?
            .shift(ctx.now, true)
            .ok_or_else(|| Error::usage(format!("--within '{text}' is out of range")))?
            .timestamp(),
        None => now,
    };
    let tag = args.tag.as_deref().map(|t| t.trim().to_lowercase());
    let db = ctx.open()?;
    let mut followups = due::followups(db.conn(), horizon, tag.as_deref())?;
    followups.sort_by(|a, b| {
        a.due_at
            .cmp(&b.due_at)
            .then(a.followup_id.cmp(&b.followup_id))
    });
    let mut contacts: Vec<(f64, i64, DueItem)> = due::contacts(db.conn(), horizon, tag.as_deref())?
        .into_iter()
        .map(|item| {
            let overdue = overdue_days(item.due_at, now);
            let cadence_days = item
                .every
                .as_deref()
                .and_then(|e| Cadence::parse(e).ok()?.span())
                .map_or(1.0, |s| s.approx_days());
            (overdue as f64 / cadence_days, overdue, item)
        })
        .collect();
    contacts.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then(b.1.cmp(&a.1))
            .then_with(|| a.2.handle.cmp(&b.2.handle))
    });
    let mut rows: Vec<ListRow> = followups.iter().map(|f| due_row(f, now)).collect();
    rows.extend(contacts.iter().map(|(_, _, item)| due_row(item, now)));
    if let Some(limit) = args.limit.filter(|n| *n > 0) {
        rows.truncate(limit);
    }
    let listing = Listing {
        headers: HEADERS.to_vec(),
        table_headers: TABLE_HEADERS.to_vec(),
        rows,
        more: false,
    };
    let hint = if ctx.out.for_person() && no_cadences_anywhere(&db)? {
        "Nothing is due yet. rel reminds you of people you give a cadence:\n  \
         rel add \"Maria Lopez\" --org Acme --every 2w\n  \
         rel log maria \"called about the renewal\" -t trust --follow-up friday"
    } else {
        "Nothing due. 'rel due --within 1w' shows what is coming."
    };
    ctx.out.list(&listing, hint)
}

/// Whole days late, rounded down (negative for what falls due within `--within`).
fn overdue_days(due_at: i64, now: i64) -> i64 {
    (now - due_at).div_euclid(SECONDS_PER_DAY)
}

const HEADERS: [&str; 11] = [
    "kind",
    "id",
    "handle",
    "name",
    "due_at",
    "overdue_days",
    "last_touch",
    "every",
    "focus",
    "reith",
    "text",
];
const TABLE_HEADERS: [&str; 8] = [
    "due",
    "handle",
    "name",
    "every",
    "last_touch",
    "focus",
    "reith",
    "what",
];

fn due_row(item: &DueItem, now: i64) -> ListRow {
    let kind = if item.followup_id.is_some() {
        "follow-up"
    } else {
        "contact"
    };
    let overdue = overdue_days(item.due_at, now);
    let focus = item.reith.focus().map(|t| t.name());
    let text = item.text.as_deref().map(first_line).unwrap_or_default();
    let json = json!({
        "kind": kind,
        "id": item.followup_id,
        "handle": item.handle,
        "name": item.name,
        "due_at": rfc3339(item.due_at),
        "overdue_days": overdue,
        "last_touch": rfc3339_opt(item.last_touch),
        "every": item.every,
        "reith": item.reith,
        "focus": focus,
        "text": text,
    });
    let plain = vec![
        kind.to_string(),
        item.followup_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        item.handle.clone(),
        item.name.clone(),
        rfc3339(item.due_at),
        overdue.to_string(),
        item.last_touch.map(rfc3339).unwrap_or_default(),
        item.every.clone().unwrap_or_default(),
        focus.unwrap_or_default().to_string(),
        item.reith.compact(),
        text.clone(),
    ];
    let due_tone = if item.due_at <= now {
        Tone::Alert
    } else {
        Tone::Warn
    };
    let what = match item.followup_id {
        Some(id) => format!("[{id}] {text}"),
        None => text.clone(),
    };
    let pretty = vec![
        (super::records::due_phrase(item.due_at, now), due_tone),
        (item.handle.clone(), Tone::Plain),
        (item.name.clone(), Tone::Plain),
        (item.every.clone().unwrap_or_default(), Tone::Plain),
        (
            item.last_touch.map_or("never".into(), |t| relative(t, now)),
            Tone::Plain,
        ),
        (focus.unwrap_or_default().to_string(), Tone::Alert),
        // Only the traits with a score: a glance shows what the relationship is built on.
        (
            item.reith.compact_nonzero(),
            if focus.is_some() {
                Tone::Warn
            } else {
                Tone::Good
            },
        ),
        (what, Tone::Plain),
    ];
    ListRow {
        json,
        plain,
        pretty,
    }
}

fn no_cadences_anywhere(db: &crate::db::Db) -> Result<bool> {
    let rules = CadenceRules::load(db.conn())?;
    Ok(!due::any_contact_has_cadence(db.conn())? && rules.effective(None, &[]).is_none())
}

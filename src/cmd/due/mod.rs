//! `rel due`: what is due by the end of today (follow-ups, birthdays, contacts), and with
//! `--within` what falls due after; the order lives in `rows.rs`.

mod rows;

use self::rows::Window;
use super::Ctx;
use crate::checks;
use crate::cli::DueArgs;
use crate::db::due::{self, DueItem};
use crate::db::owner::OwnerFilter;
use crate::db::upkeep::CadenceRules;
use crate::error::{Error, Result};
use crate::output::{Format, ListRow, Tone, first_line, relative, rfc3339, rfc3339_opt};
use crate::when::{Span, days_late, local_date};
use serde_json::json;

pub fn run(ctx: &Ctx, args: DueArgs) -> Result<()> {
    let now = ctx.now_unix();
    let today = local_date(ctx.now);
    // `--within 3d`: everything due by the end of the third day from today.
    let last_day = match &args.within {
        Some(text) => Span::parse(text)?
            .shift(ctx.now, true)
            .filter(|at| crate::when::in_range(*at))
            .map(local_date)
            .ok_or_else(|| Error::usage(format!("--within '{text}' is out of range")))?,
        None => today,
    };
    let window =
        Window::new(now, today, last_day).map_err(|_| Error::usage("--within is out of range"))?;
    crate::checks::no_empty_items("--tag", args.tag.as_slice())?;
    let tag = args.tag.as_deref().map(|t| t.trim().to_lowercase());
    let only = args.owner.as_deref().map(checks::member).transpose()?;
    let db = ctx.open()?;
    let _snapshot = db.snapshot()?;
    let owner = match (only, args.all) {
        (Some(only), _) => OwnerFilter::only(only),
        (None, true) => OwnerFilter::Anyone,
        // This member's contacts and the unowned ones; outside a team there is no member and
        // every contact is shown.
        (None, false) => match crate::sync::settings::member(db.conn())? {
            Some(me) => OwnerFilter::MemberOrUnowned(me),
            None => OwnerFilter::Anyone,
        },
    };
    let limit = args.limit.filter(|n| *n > 0);
    let items = rows::gather(db.conn(), &window, tag.as_deref(), &owner, limit)?;
    let hint = if args.owner.is_some() {
        "Nothing due for this owner."
    } else if ctx.out.for_person() && no_cadences_anywhere(&db)? {
        "Nothing is due yet. rel reminds you of people you give a cadence:\n  \
         rel add \"Maria Lopez\" --org Acme --every 2w\n  \
         rel log maria \"called about the renewal\" -t trust --follow-up friday"
    } else {
        "Nothing due. 'rel due --within 1w' shows what is coming."
    };
    let format = ctx.out.format;
    // `--all` in a team: a table says whose each row is (csv/tsv/json carry `owner` already).
    let owner_column =
        args.all && format == Format::Table && crate::sync::settings::member(db.conn())?.is_some();
    let mut table_headers = TABLE_HEADERS.to_vec();
    if owner_column {
        table_headers.insert(OWNER_AT, "owner");
    }
    // Rows are made (and contact notes read) one at a time as they are printed.
    let rows = items.iter().map(|item| {
        let text = match (&item.text, item.note_of) {
            (Some(text), _) => first_line(text),
            (None, Some(id)) => due::note(db.conn(), id)?
                .as_deref()
                .map(first_line)
                .unwrap_or_default(),
            (None, None) => String::new(),
        };
        let mut row = due_row(item, text, now, format);
        if owner_column {
            let owner = item.owner.as_deref().unwrap_or_default().to_string();
            row.pretty.insert(OWNER_AT, (owner, Tone::Plain));
        }
        Ok(row)
    });
    ctx.out.list_streamed(&HEADERS, &table_headers, rows, hint)
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
/// Where a team's OWNER column goes in the table (`--all`): after the name.
const OWNER_AT: usize = 3;

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

/// One due row, in the one shape `format` prints.
fn due_row(item: &DueItem, text: String, now: i64, format: Format) -> ListRow {
    let kind = item.kind.name();
    let overdue = days_late(item.due_at, now);
    let focus = item.reith.focus().map(|t| t.name());
    ListRow::build(
        format,
        || due_json(item, kind, overdue, focus, &text),
        || due_plain(item, kind, overdue, focus, text.clone()),
        || due_pretty(item, focus, text.clone(), now),
    )
}

fn due_json(
    item: &DueItem,
    kind: &str,
    overdue: i64,
    focus: Option<&str>,
    text: &str,
) -> serde_json::Value {
    json!({
        "kind": kind,
        "id": item.followup_id,
        "handle": item.handle,
        "name": item.name,
        "due_at": rfc3339(item.due_at),
        "overdue_days": overdue,
        "last_touch": rfc3339_opt(item.last_touch),
        "every": item.every.as_deref(),
        "reith": item.reith,
        "focus": focus,
        "text": text,
        "owner": item.owner,
    })
}

fn due_plain(
    item: &DueItem,
    kind: &str,
    overdue: i64,
    focus: Option<&str>,
    text: String,
) -> Vec<String> {
    vec![
        kind.to_string(),
        item.followup_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        item.handle.to_string(),
        item.name.to_string(),
        rfc3339(item.due_at),
        overdue.to_string(),
        item.last_touch.map(rfc3339).unwrap_or_default(),
        item.every.as_deref().unwrap_or_default().to_string(),
        focus.unwrap_or_default().to_string(),
        item.reith.compact(),
        text,
    ]
}

fn due_pretty(item: &DueItem, focus: Option<&str>, text: String, now: i64) -> Vec<(String, Tone)> {
    let due_tone = if days_late(item.due_at, now) >= 0 {
        Tone::Alert
    } else {
        Tone::Warn
    };
    let what = match item.followup_id {
        Some(id) => format!("[{id}] {text}"),
        None => text,
    };
    vec![
        (super::records::due_phrase(item.due_at, now), due_tone),
        (item.handle.to_string(), Tone::Plain),
        (item.name.to_string(), Tone::Plain),
        (
            item.every.as_deref().unwrap_or_default().to_string(),
            Tone::Plain,
        ),
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
    ]
}

fn no_cadences_anywhere(db: &crate::db::Db) -> Result<bool> {
    let rules = CadenceRules::load(db.conn())?;
    Ok(!due::any_contact_has_cadence(db.conn())? && rules.effective(None, &[]).is_none())
}
